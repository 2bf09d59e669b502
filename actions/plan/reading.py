"""Reading one student message against the plan data (bot/scenarios/plan.py).

What the team leader takes from a message: which parts of the plan it talks about (and
whether concretely), which checked figures it names (budget, targets, capacity, last year's
numbers) and how they compare with the facts, which planned dates clash with the calendar,
and whether the student asks for approval. Numbers come from the recogniser's entities
(bedrag, percentage, aantal, datum); a count the recogniser has no unit for ("150
gesprekken") is read from the digits or number word in front of it. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from actions.persona.message import Message
from bot.scenarios.plan import BlockedDate, Figure, Plan

_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s+|$)")
_CLAUSE_END = re.compile(r",\s*|\s+-\s+")
_NUMBER_WORDS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
    "elf": 11, "twaalf": 12, "vijftien": 15, "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50,
    "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90, "honderd": 100,
}
_COUNT = re.compile(r"(?<![\w.,€])(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")(?![\w%]|[.,]\d)", re.IGNORECASE)
_NOT_A_COUNT_AFTER = re.compile(r"^\s*(%|procent|euro|eur\b|maart|april|februari|uur|minuten|week|weken)", re.IGNORECASE)
# "week 10 en 11", "t/m 13", "om 10": a week number, a date or a time, not a count
_NOT_A_COUNT_BEFORE = re.compile(r"(week|weken|t/m|tot en met|om|dag)\s+(\d+\s*(en|t/m|tot)\s+)?$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _pattern(keyword: str) -> re.Pattern:
    """Whole words, as in the recogniser's patterns: 'daarna' does not find 'daarnaast';
    a word ending in * is a word start: 'groei*' finds 'groeiden'."""
    parts = []
    for word in keyword.split():
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word) + (r"(?!\w)" if word[-1:].isalnum() else ""))
    return re.compile(r"(?<!\w)" + r"\s+".join(parts))


def mentions(text: str, keywords: list[str]) -> bool:
    return any(_pattern(k).search(text) for k in keywords)


def _spans(text: str, splitter: re.Pattern) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in splitter.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in spans if s[1] > s[0]]


@dataclass(frozen=True)
class Number:
    entity: str  # bedrag, percentage, aantal
    value: float
    start: int
    sentence: str  # lower case
    clause: str  # lower case
    alone: bool  # the only number in its sentence
    lead: str = ""  # the sentence up to the end of its clause: what the number is said about
    counted: str = ""  # the words after a count, up to its noun ("proefpakketten greenclean")
    before: str = ""  # its clause before it ("ik bel alle")


@dataclass(frozen=True)
class FigureHit:
    figure: Figure
    value: float
    verdict: str  # ok, too_low, too_high, wrong


@dataclass
class Reading:
    mentioned: set[str] = field(default_factory=set)  # topic ids
    concrete: set[str] = field(default_factory=set)  # topic ids named concretely
    spoiled: set[str] = field(default_factory=set)  # topic ids named with a figure or date that does not fit
    hits: list[FigureHit] = field(default_factory=list)
    clashes: list[BlockedDate] = field(default_factory=list)
    good_dates: int = 0  # planned dates that fit the calendar
    asks_approval: bool = False

    def worst(self) -> dict[str, FigureHit]:
        """Per figure: the hit that counts (a wrong or out-of-range one first, else the largest)."""
        out: dict[str, FigureHit] = {}
        for hit in self.hits:
            have = out.get(hit.figure.id)
            if have is None or (have.verdict == "ok" and hit.verdict != "ok") or (
                have.verdict == hit.verdict and hit.value > have.value
            ):
                out[hit.figure.id] = hit
        return out

    @property
    def relevant(self) -> bool:
        return bool(self.mentioned or self.hits or self.clashes or self.good_dates or self.asks_approval)


def numbers(msg: Message) -> list[Number]:
    """Every amount, percentage and count in the message with the clause and sentence around it."""
    text = msg.text
    lower = text.lower()
    found: list[tuple[str, float, int]] = []
    taken: list[tuple[int, int]] = []
    for e in msg.entities:
        kind = e.get("entity")
        if kind not in ("bedrag", "percentage", "aantal"):
            if isinstance(e.get("start"), int):
                taken.append((e["start"], e.get("end", e["start"])))
            continue
        try:
            value = float(e.get("value"))
        except (TypeError, ValueError):
            continue
        start = e.get("start") if isinstance(e.get("start"), int) else max(0, lower.find(str(e.get("text", "")).lower()))
        found.append((kind, value, start))
        taken.append((start, e.get("end", start)))
    for m in _COUNT.finditer(lower):
        if any(a <= m.start() < max(b, a + 1) for a, b in taken):
            continue
        if _NOT_A_COUNT_AFTER.match(lower[m.end():]) or _NOT_A_COUNT_BEFORE.search(lower[: m.start()]):
            continue
        word = m.group(1)
        value = float(_NUMBER_WORDS.get(word, 0) or int(word)) if not word.isdigit() else float(word)
        found.append(("aantal", value, m.start()))
    out = []
    sentences = _spans(lower, _SENTENCE_END)
    for kind, value, start in sorted(found, key=lambda f: f[2]):
        s0, s1 = next(((a, b) for a, b in sentences if a <= start < b), (0, len(lower)))
        sentence = lower[s0:s1]
        a, b = next(((a, b) for a, b in _spans(sentence, _CLAUSE_END) if a <= start - s0 < b), (0, len(sentence)))
        alone = sum(1 for _, _, other in found if s0 <= other < s1) == 1
        out.append(Number(kind, value, start, sentence, sentence[a:b], alone, sentence[:b],
                          _counted(lower, start) if kind == "aantal" else "", sentence[a:start - s0]))
    return out


# Words between a count and what it counts ("3 nieuwe klanten", "25 slapende klanten").
_COUNT_MODIFIERS = frozenset({"nieuwe", "extra", "kleine", "grote", "vaste", "actieve", "slapende",
                              "bestaande", "echte", "andere", "eerste", "tweede", "losse", "hele"})
_WORD = re.compile(r"[^\W\d_]+")


def _counted(lower: str, start: int) -> str:
    """The words after a count, up to and including its noun: "proefpakketten greenclean",
    "nieuwe klanten en"."""
    rest = lower[start:start + 80].split(maxsplit=1)
    return " ".join(_WORD.findall(rest[1])[:3]) if len(rest) > 1 else ""


def _counts_something_else(figure: Figure, number: Number) -> bool:
    """"40 proefpakketten ... voor nieuwe klanten": the count has a noun of its own that is not
    what the figure counts, and what the figure counts comes only after it ("Ik bel alle 40
    zorgpraktijken" still counts calls)."""
    if mentions(number.before, figure.context):
        return False
    words = number.counted.split()
    noun = next((w for w in words if w not in _COUNT_MODIFIERS), "")
    return len(noun) >= 5 and not mentions(number.counted, figure.context)


def _claims(figure: Figure, number: Number, where: str) -> bool:
    if figure.entity != number.entity or not mentions(where, figure.context):
        return False
    if _counts_something_else(figure, number):
        return False
    if figure.also and not mentions(number.lead, figure.also):  # "de zorg, omdat die 18 procent groeide"
        return False
    return not mentions(number.clause, figure.unless)


def figure_for(plan: Plan, number: Number, asked: str | None = None) -> Figure | None:
    """The figure a number is about: context in its clause, else (when it is the only number
    of its sentence) in its sentence, else the figure whose magnitude it has, else (the only
    number, in answer to her question about a part) the first figure of that part."""
    for figure in plan.figures:
        if _claims(figure, number, number.clause):
            return figure
    if number.alone:
        for figure in plan.figures:
            if _claims(figure, number, number.sentence):
                return figure
    for figure in plan.figures:
        low_high = figure.magnitude
        if figure.entity == number.entity and low_high and low_high[0] <= number.value <= low_high[1]:
            if not mentions(number.clause, figure.unless):
                return figure
    if number.alone and asked:  # "Nou, 10 procent of zo." after "Wat is je doel?"
        for figure in plan.figures:
            if figure.topic == asked and figure.entity == number.entity and not figure.also:
                return figure
    return None


def _date_clashes(plan: Plan, msg: Message) -> tuple[list[BlockedDate], int]:
    lower = msg.text.lower()
    sentences = _spans(lower, _SENTENCE_END)
    clashes: list[BlockedDate] = []
    good = 0
    for e in msg.entities:
        if e.get("entity") != "datum" or not isinstance(e.get("value"), str):
            continue
        start = e.get("start") if isinstance(e.get("start"), int) else 0
        s0, s1 = next(((a, b) for a, b in sentences if a <= start < b), (0, len(lower)))
        sentence = lower[s0:s1]
        blocked = next((b for b in plan.blocked_dates if b.covers(e["value"])), None)
        if blocked is None:
            good += 1
        elif not mentions(sentence, blocked.keywords) and blocked not in clashes:
            clashes.append(blocked)
    return clashes, good


def read(plan: Plan, msg: Message, asked: str | None) -> Reading:
    """What this message contributes to the plan; `asked` is the topic the team leader asked last."""
    reading = Reading()
    lower = msg.text.lower()
    for number in numbers(msg):
        figure = figure_for(plan, number, asked)
        if figure is not None:
            reading.hits.append(FigureHit(figure, number.value, figure.verdict(number.value)))
    entity_kinds = {e.get("entity") for e in msg.entities}
    named_figures = {h.figure.id for h in reading.hits}
    for topic in plan.topics:
        if topic.only_when_asked and asked != topic.id:
            continue
        by_figure = any(h.figure.topic == topic.id for h in reading.hits)
        if not (by_figure or mentions(lower, topic.keywords)):
            continue
        reading.mentioned.add(topic.id)
        concrete = topic.concrete
        if concrete is None or (
            set(concrete.entities) & entity_kinds
            or set(concrete.figures) & named_figures
            or mentions(lower, concrete.keywords)
        ):
            reading.concrete.add(topic.id)
    reading.clashes, reading.good_dates = _date_clashes(plan, msg)
    # A part stated with a figure out of range or a date that clashes is not concrete yet:
    # the sentence that fixes it will be.
    reading.spoiled = {h.figure.topic for h in reading.hits if h.verdict in ("too_low", "too_high")}
    reading.spoiled |= {b.topic for b in reading.clashes}
    reading.concrete -= reading.spoiled
    reading.asks_approval = "afsluitvraag" in msg.moves or mentions(lower, plan.approval_keywords)
    return reading
