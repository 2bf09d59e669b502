"""The registry of rubric check KINDS.

A rubric (YAML, domain/rubrics/) holds check *instances*; each names its kind with
`soort:` and gives that kind's parameters. A kind is a pydantic model (the parameters,
validated at load time) plus an `evaluate` function that reads a Conversation and returns
an Outcome: a score in 0..1 (or None = niet van toepassing) and the observations (student
turns) that led to it. Adding a kind = one model + one function + one registry line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.feedback.conversation import Conversation, StudentTurn, signal_matches
from bot.feedback.evidence import known_names, load_evidence_patterns
from bot.feedback.sources import competency_names
from bot.labels import label_contract
from bot.vocabulary import OUTCOME_SLOT, SUCCESS_OUTCOMES, TURN_SLOT

# Slots of contracts §3 that a rubric may read.
KNOWN_SLOTS = (
    "scenario", "difficulty", "seed", "mode", "interesse", "irritatie", "vertrouwen",
    "open_bezwaren", "opgeloste_bezwaren", "gegeven_signalen", "gemiste_signalen", "afspraken",
    "korting_gegeven", "korting_binnen_marge", "concessie_bij_eerste_bezwaar",
    "offerte_controle", "briefing", OUTCOME_SLOT, TURN_SLOT, "misverstanden",
    "feitfouten", "concessies",
)


# --- outcomes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """One piece of evidence: a student turn (or None) and how well it met the check (0..1)."""

    turn: int | None
    ok: float
    signal: str | None = None
    customer_quote: str | None = None
    values: tuple[tuple[str, str], ...] = ()  # extra placeholders for the texts (slot_lijst)


@dataclass(frozen=True)
class Outcome:
    score: float | None  # 0..1, None = niet van toepassing
    observations: tuple[Observation, ...] = field(default_factory=tuple)

    @property
    def applicable(self) -> bool:
        return self.score is not None


NOT_APPLICABLE = Outcome(None)
# Observation value `reden`: the move was complete but spoiled (texts: verbeterpunt_bedorven)
SPOILED = "bedorven"


# --- label validation helpers -------------------------------------------------------------


def _check_moves(moves: list[str]) -> list[str]:
    known = label_contract().moves
    unknown = [m for m in moves if m not in known]
    if unknown:
        raise ValueError(f"onbekende zet: {', '.join(unknown)} (zie domain/labels.yml)")
    return moves


def _check_signals(patterns: list[str]) -> list[str]:
    known = label_contract().signals
    unknown = [p for p in patterns if not any(signal_matches(s, (p,)) for s in known)]
    if unknown:
        raise ValueError(f"onbekend signaal: {', '.join(unknown)} (zie domain/labels.yml)")
    return patterns


def _check_evidence(names: list[str]) -> list[str]:
    known = known_names()
    unknown = [n for n in names if known and n not in known]
    if unknown:
        raise ValueError(
            f"onbekend bewijs: {', '.join(unknown)} (zie domain/feedback/bewijs.yml: {', '.join(known)})"
        )
    return names


def _check_slot_path(path: str) -> str:
    if path.split(".")[0] not in KNOWN_SLOTS:
        raise ValueError(f"onbekend slot '{path.split('.')[0]}'; bekend zijn: {', '.join(KNOWN_SLOTS)}")
    return path


class SlotCondition(BaseModel):
    """A condition on a slot value; `slot` may be a path into a dict slot (offerte_controle.correct)."""

    model_config = ConfigDict(extra="forbid")
    slot: str
    is_: Any = Field(default=None, alias="is")
    niet: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    minimaal: float | None = None
    maximaal: float | None = None
    leeg: bool | None = None
    bevat: Any = None  # a list slot holds this value

    _check_slot = field_validator("slot")(classmethod(lambda cls, v: _check_slot_path(v)))

    @model_validator(mode="after")
    def _one_condition(self) -> "SlotCondition":
        given = [n for n in ("is_", "niet", "in_", "minimaal", "maximaal", "leeg", "bevat") if n in self.model_fields_set]
        if not given:
            raise ValueError("geef een voorwaarde: is, niet, in, minimaal, maximaal, leeg of bevat")
        return self

    def value(self, conv: Conversation) -> Any:
        return slot_value(conv, self.slot)

    def holds(self, value: Any) -> bool:
        fields = self.model_fields_set
        if "bevat" in fields:
            return isinstance(value, (list, tuple)) and self.bevat in value
        if "leeg" in fields and bool(value) == self.leeg:
            return False
        if value is None:
            if "leeg" in fields:
                return bool(self.leeg)
            if "is_" in fields:
                return self.is_ is None
            return "niet" in fields and self.niet is not None and not ({"in_", "minimaal", "maximaal"} & fields)
        if "is_" in fields and value != self.is_:
            return False
        if "niet" in fields and value == self.niet:
            return False
        if "in_" in fields and value not in (self.in_ or ()):
            return False
        try:
            if self.minimaal is not None and float(value) < self.minimaal:
                return False
            if self.maximaal is not None and float(value) > self.maximaal:
                return False
        except (TypeError, ValueError):
            return False
        return True


def slot_value(conv: Conversation, path: str) -> Any:
    parts = path.split(".")
    value: Any = conv.slots.get(parts[0])
    for part in parts[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


class Applicability(BaseModel):
    """`alleen_als`: the check only counts when all given conditions hold (else niet van toepassing)."""

    model_config = ConfigDict(extra="forbid")
    signaal: list[str] | None = None  # the customer gave one of these signals
    zet: list[str] | None = None  # the student made one of these moves
    slot: SlotCondition | list[SlotCondition] | None = None  # a list: all must hold

    _signals = field_validator("signaal")(classmethod(lambda cls, v: v and _check_signals(v)))
    _moves = field_validator("zet")(classmethod(lambda cls, v: v and _check_moves(v)))

    def holds(self, conv: Conversation) -> bool:
        if self.signaal and not conv.utterances_with(self.signaal):
            return False
        if self.zet and not conv.turns_with(self.zet):
            return False
        conditions = self.slot if isinstance(self.slot, list) else [self.slot] if self.slot else []
        return all(c.holds(c.value(conv)) for c in conditions)


# --- the common part of every check -----------------------------------------------------


class CheckBase(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    tekst: str = Field(min_length=3)
    soort: str
    schaal: Literal["ja_nee", "0-3"] = "ja_nee"
    gewicht: float = Field(default=1.0, gt=0)
    competenties: list[str] = Field(min_length=1)
    werkprocessen: list[str] = Field(default_factory=list)
    resultaat: str | None = None
    alleen_als: Applicability | None = None
    bewijs: list[str] = Field(default_factory=list)  # a turn counts only when its text has all of these
    bewijs_niet: list[str] = Field(default_factory=list)  # ... and none of these (domain/feedback/bewijs.yml)

    _evidence = field_validator("bewijs", "bewijs_niet")(classmethod(lambda cls, v: _check_evidence(v)))

    def text_ok(self, turn: StudentTurn, conv: Conversation) -> bool:
        """The sentence itself has what the move needs (bewijs) and nothing that spoils it."""
        if not self.bewijs and not self.bewijs_niet:
            return True
        patterns = load_evidence_patterns()
        company = getattr(conv.info, "student_company", None)
        return all(patterns.matches(n, turn.text, company) for n in self.bewijs) and not any(
            patterns.matches(n, turn.text, company) for n in self.bewijs_niet
        )

    def spoiled_only(self, turn: StudentTurn, conv: Conversation, spoilers: list[str] = ()) -> bool:
        """The sentence has most of what the move needs (name and company, the thanks), but
        something spoils it (a `zonder` move such as `informeel`, or a `bewijs_niet` text such
        as 'hoi' or 'doei'): then the point is the tone, not a missing move."""
        patterns = load_evidence_patterns()
        company = getattr(conv.info, "student_company", None)
        found = sum(patterns.matches(n, turn.text, company) for n in self.bewijs)
        if found * 2 <= len(self.bewijs):
            return False
        return turn.has_any(list(spoilers)) or any(patterns.matches(n, turn.text, company) for n in self.bewijs_niet)

    @field_validator("competenties")
    @classmethod
    def _known_competencies(cls, value: list[str]) -> list[str]:
        names = competency_names()
        unknown = [c for c in value if c not in names]
        if unknown:
            raise ValueError(
                f"onbekende competentie: {'; '.join(unknown)} (gebruik de namen uit profile/competenties.yml)"
            )
        return value

    @field_validator("werkprocessen", mode="before")
    @classmethod
    def _codes_as_text(cls, value: Any) -> Any:
        if isinstance(value, list):  # `[2.3]` in YAML is a number
            return [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
        return value

    @field_validator("werkprocessen")
    @classmethod
    def _werkproces_codes(cls, value: list[str]) -> list[str]:
        bad = [w for w in value if not _is_werkproces_code(w)]
        if bad:
            raise ValueError(f"werkproces moet een code als '2.3' zijn: {', '.join(map(str, bad))}")
        return [str(w) for w in value]

    @property
    def max_points(self) -> int:
        return 1 if self.schaal == "ja_nee" else 3

    @cached_property
    def moves_looked_at(self) -> tuple[str, ...]:
        """Every move this check reads (for showing the recogniser's evidence). Worked out
        once per check: the rubric's checks are loaded once and not changed afterwards."""
        known = set(label_contract().moves)
        found: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, list) and value and all(isinstance(v, str) and v in known for v in value):
                found.extend(v for v in value if v not in found)
        return tuple(found)


def _is_werkproces_code(value: Any) -> bool:
    import re

    return isinstance(value, str) and re.fullmatch(r"\d\.\d", value) is not None


# --- kinds ------------------------------------------------------------------------------


class ReactieOpSignaal(CheckBase):
    """Every time (or with `alleen_eerste` only the first time) the customer gave one of
    `signalen`, did the student's reply (within `binnen_beurten` turns) contain one of
    `zetten` and none of `verboden`? Without
    `zetten`/`verboden` the recogniser's reaction verdict counts (goed 1, matig ½, fout 0)."""

    signalen: list[str] = Field(min_length=1)
    zetten: list[str] = Field(default_factory=list)
    verboden: list[str] = Field(default_factory=list)
    binnen_beurten: int = Field(default=1, ge=1, le=5)
    alleen_eerste: bool = False  # judge only the first time the signal was given

    _signals = field_validator("signalen")(classmethod(lambda cls, v: _check_signals(v)))
    _moves = field_validator("zetten", "verboden")(classmethod(lambda cls, v: _check_moves(v)))


def _reply_ok(spec: ReactieOpSignaal, replies: list[StudentTurn]) -> tuple[float, StudentTurn]:
    first = replies[0]
    if spec.verboden:
        for turn in replies:
            if turn.has_any(spec.verboden):
                return 0.0, turn
    if spec.zetten:
        for turn in replies:
            if turn.has_any(spec.zetten):
                return 1.0, turn
        return 0.0, first
    return {"goed": 1.0, "matig": 0.5}.get(first.verdict, 0.0), first


def evaluate_reactie_op_signaal(spec: ReactieOpSignaal, conv: Conversation) -> Outcome:
    observations = []
    for utterance in conv.utterances_with(spec.signalen):
        start = utterance.before_turn + 1
        replies = [t for t in conv.turns[start - 1 : start - 1 + spec.binnen_beurten]]
        if not replies:
            continue  # the conversation ended on this signal
        ok, turn = _reply_ok(spec, replies)
        signal = next(s for s in utterance.signals if signal_matches(s, spec.signalen))
        why = (("reden", "verboden"),) if ok < 1.0 and turn.has_any(spec.verboden) else ()
        observations.append(Observation(turn.number, ok, signal, utterance.text, values=why))
        if spec.alleen_eerste:
            break
    if not observations:
        return NOT_APPLICABLE
    return Outcome(sum(o.ok for o in observations) / len(observations), tuple(observations))


class ZetAanwezig(CheckBase):
    """The student made one of `zetten` (at least `minimaal` times, within the first
    `binnen_beurten` turns when given; with `pas_na`, only turns after the first turn with
    one of those moves count: a closing question before any question about the need does
    not count)."""

    zetten: list[str] = Field(min_length=1)
    minimaal: int = Field(default=1, ge=1)
    binnen_beurten: int | None = Field(default=None, ge=1)
    pas_na: list[str] = Field(default_factory=list)
    # a `pas_na` turn whose text has one of these does not open the window ('Wat kan ik voor
    # u doen?' in the opening explores no need)
    pas_na_niet: list[str] = Field(default_factory=list)
    # the turn that opens the window counts too: a summary of the agreements may come in the
    # sentence that proposes them ("Dus morgen vier bureaus ...; zal ik het zo inplannen?"),
    # but not before any arrangement was on the table
    pas_na_zelfde_beurt: bool = False
    zonder: list[str] = Field(default_factory=list)  # a turn with one of these does not count
    # praise quotes the last turn that counts: the commitment that was agreed, not an earlier
    # one the customer turned down; the summary at the end, not a remark halfway
    bewijs_laatste: bool = False
    # ... or a turn whose text has all of these (domain/feedback/bewijs.yml) counts as the move
    # too: a sentence with quantity, price and delivery summarises the quotation, also when the
    # recogniser gave no label
    of_bewijs: list[str] = Field(default_factory=list)

    _moves = field_validator("zetten", "pas_na", "zonder")(classmethod(lambda cls, v: _check_moves(v)))
    _or_evidence = field_validator("of_bewijs", "pas_na_niet")(classmethod(lambda cls, v: _check_evidence(v)))

    def opens(self, turn: StudentTurn, conv: Conversation) -> bool:
        """This turn explored the need, so a closing move after it counts."""
        if not turn.has_any(self.pas_na):
            return False
        patterns = load_evidence_patterns()
        company = getattr(conv.info, "student_company", None)
        return not any(patterns.matches(n, turn.text, company) for n in self.pas_na_niet)

    def counts(self, turn: StudentTurn, conv: Conversation) -> bool:
        if turn.has_any(self.zonder):
            return False
        return (turn.has_any(self.zetten) and self.text_ok(turn, conv)) or self._text_has_it(turn, conv)

    def _text_has_it(self, turn: StudentTurn, conv: Conversation) -> bool:
        if not self.of_bewijs:
            return False
        patterns = load_evidence_patterns()
        company = getattr(conv.info, "student_company", None)
        return all(patterns.matches(n, turn.text, company) for n in self.of_bewijs)


def evaluate_zet_aanwezig(spec: ZetAanwezig, conv: Conversation) -> Outcome:
    if not conv.turns:
        return NOT_APPLICABLE
    window = conv.turns[: spec.binnen_beurten] if spec.binnen_beurten else conv.turns
    if spec.pas_na:
        first = next((t.number for t in window if spec.opens(t, conv)), None)
        last_early = first - 1 if first is not None and spec.pas_na_zelfde_beurt else first
        premature = [t for t in window if spec.counts(t, conv) and (first is None or t.number <= last_early)]
        window = [t for t in window if first is not None and t.number > last_early]
        # too early: a closing question before the need was explored points at that question;
        # a summary of the problem before any arrangement is another move, not an early try
        if not any(spec.counts(t, conv) for t in window) and premature and not spec.pas_na_zelfde_beurt:
            return Outcome(0.0, (Observation(premature[0].number, 0.0),))
    found = [t for t in window if spec.counts(t, conv)]
    if found:
        score = min(1.0, len(found) / spec.minimaal)
        ordered = reversed(found) if spec.bewijs_laatste else found
        return Outcome(score, tuple(Observation(t.number, 1.0) for t in ordered))
    # Point at the turn where it was expected: the first turn for an opening move, or the
    # turn that had the move but did not count (e.g. a greeting with 'je').
    spoiled = [t for t in window if t.has_any(spec.zetten)]
    where = spoiled[0].number if spoiled else (window[0].number if spec.binnen_beurten and window else None)
    why = (("reden", SPOILED),) if spoiled and spec.spoiled_only(spoiled[0], conv, spec.zonder) else ()
    return Outcome(0.0, (Observation(where, 0.0, values=why),))


class Kans(BaseModel):
    """`kans`: when there was an opportunity to do it wrong. Without one, avoiding the move
    proves nothing: the check is niet van toepassing (unless the move was made anyway)."""

    model_config = ConfigDict(extra="forbid")
    signaal: list[str] = Field(default_factory=list)  # the reply to one of these signals
    zet: list[str] = Field(default_factory=list)  # a turn with one of these moves
    bewijs: list[str] = Field(default_factory=list)  # a turn whose text has one of these (bewijs.yml)
    # the reply to a line the customer said for one of these reasons (metadata.reason, e.g.
    # `objection`: the team leader's criticism in 1.2 carries no signal)
    reden: list[str] = Field(default_factory=list)

    _signals = field_validator("signaal")(classmethod(lambda cls, v: v and _check_signals(v)))
    _moves = field_validator("zet")(classmethod(lambda cls, v: v and _check_moves(v)))
    _evidence = field_validator("bewijs")(classmethod(lambda cls, v: _check_evidence(v)))

    def turns(self, conv: Conversation) -> list[StudentTurn]:
        """The turns that were such an opportunity, in order."""
        patterns = load_evidence_patterns() if self.bewijs else None
        company = getattr(conv.info, "student_company", None)
        found = []
        for turn in conv.turns:
            if ((self.signaal and any(signal_matches(s, self.signaal) for s in turn.signals))
                    or (self.zet and turn.has_any(self.zet))
                    or (self.reden and any(u.reason in self.reden for u in turn.answers))
                    or (patterns and any(patterns.matches(n, turn.text, company) for n in self.bewijs))):
                found.append(turn)
        return found


class ZetAfwezig(CheckBase):
    """The student avoided all of `zetten`; each occurrence costs a third. With `kans`, the
    check only applies when there was an opportunity (and the praise quotes that turn)."""

    zetten: list[str] = Field(min_length=1)
    kans: Kans | None = None
    # a move that does not count in a turn answering one of these signals: asking for a
    # callback moment after "geen tijd" is an afsluitvraag for an appointment, not selling
    niet_na: dict[str, list[str]] = Field(default_factory=dict)

    _moves = field_validator("zetten")(classmethod(lambda cls, v: _check_moves(v)))

    @field_validator("niet_na")
    @classmethod
    def _excused(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        _check_moves(list(value))
        for signals in value.values():
            _check_signals(signals)
        return value

    def offends(self, turn: StudentTurn) -> bool:
        moves = set(self.zetten) & set(turn.labels)
        for move, signals in self.niet_na.items():
            if move in moves and set(signals) & set(turn.signals):
                moves.discard(move)
        return bool(moves)


def evaluate_zet_afwezig(spec: ZetAfwezig, conv: Conversation) -> Outcome:
    if not conv.turns:
        return NOT_APPLICABLE
    offending = [t for t in conv.turns if spec.offends(t)]
    if not offending:
        if spec.kans is None:
            return Outcome(1.0, (Observation(None, 1.0),))
        chances = spec.kans.turns(conv)
        if not chances:
            return NOT_APPLICABLE
        return Outcome(1.0, (Observation(chances[0].number, 1.0, customer_quote=chances[0].customer_quote),))
    # Each occurrence costs a third; with `kans`, a share of the opportunities (1 of 1 is all).
    chances = len({t.number for t in (spec.kans.turns(conv) if spec.kans else ())} | {t.number for t in offending})
    score = max(0.0, 1.0 - len(offending) / (min(3, chances) if spec.kans else 3))
    return Outcome(score, tuple(Observation(t.number, 0.0, customer_quote=t.customer_quote) for t in offending))


class ZetVoorZet(CheckBase):
    """Before the first of `daarna` the student made one of `eerst` — counted from the first
    signal in `na_signaal` when given (with `elk_signaal`, each occurrence is judged
    separately), else in the whole conversation. Same turn counts when `zelfde_beurt_telt`."""

    eerst: list[str] = Field(min_length=1)
    daarna: list[str] = Field(min_length=1)
    na_signaal: list[str] = Field(default_factory=list)
    elk_signaal: bool = False
    zelfde_beurt_telt: bool = True

    _moves = field_validator("eerst", "daarna")(classmethod(lambda cls, v: _check_moves(v)))
    _signals = field_validator("na_signaal")(classmethod(lambda cls, v: v and _check_signals(v)))


def _segments(spec: ZetVoorZet, conv: Conversation) -> list[tuple[list[StudentTurn], Any]]:
    if not spec.na_signaal:
        return [(list(conv.turns), None)]
    anchors = conv.utterances_with(spec.na_signaal)
    if not spec.elk_signaal:
        anchors = anchors[:1]
    segments = []
    for i, anchor in enumerate(anchors):
        end = anchors[i + 1].before_turn if i + 1 < len(anchors) else len(conv.turns)
        turns = list(conv.turns[anchor.before_turn : end])
        if turns:
            segments.append((turns, anchor))
    return segments


def evaluate_zet_voor_zet(spec: ZetVoorZet, conv: Conversation) -> Outcome:
    observations = []
    for turns, anchor in _segments(spec, conv):
        signal = quote = None
        if anchor is not None:
            signal = next(s for s in anchor.signals if signal_matches(s, spec.na_signaal))
            quote = anchor.text
        later = next((t for t in turns if t.has_any(spec.daarna)), None)
        if later is None:
            continue  # the second move never came: nothing to judge about the order
        before = [t for t in turns if t.number < later.number]
        made = [t for t in before if t.has_any(spec.eerst) and spec.text_ok(t, conv)]
        if spec.zelfde_beurt_telt and later.has_any(spec.eerst) and spec.text_ok(later, conv):
            made.append(later)
        # praise quotes the sentence that made the first move (the summary, not the close)
        observations.append(Observation(made[-1].number if made else later.number, 1.0 if made else 0.0, signal, quote))
    if not observations:
        return NOT_APPLICABLE
    return Outcome(sum(o.ok for o in observations) / len(observations), tuple(observations))


class SlotVoorwaarde(CheckBase):
    """A slot the actions set (contracts §3) meets `voorwaarde`; with `als_fractie` the
    slot value itself (0..1) is the score. Niet van toepassing while the slot is empty.
    `bewijs_zet`: point at the last student turn with one of these moves."""

    voorwaarde: SlotCondition | None = None
    of: SlotCondition | None = None  # ... or this one holds (e.g. the complaint itself was resolved)
    als_fractie: str | None = None  # slot path whose 0..1 value is the score
    bewijs_zet: list[str] = Field(default_factory=list)
    # slot path of a list of Dutch sentences saying what was wrong (offerte_controle.fouten):
    # the first two become {toelichting}, so the point names the real error
    toelichting: str | None = None
    # no praise when this holds (the customer walked away: no evidence the relationship held);
    # a failed condition is still a fail
    geen_lof_als: SlotCondition | None = None

    _moves = field_validator("bewijs_zet")(classmethod(lambda cls, v: _check_moves(v)))
    _fraction = field_validator("als_fractie", "toelichting")(classmethod(lambda cls, v: v and _check_slot_path(v)))

    @model_validator(mode="after")
    def _exactly_one(self) -> "SlotVoorwaarde":
        if (self.voorwaarde is None) == (self.als_fractie is None):
            raise ValueError("geef precies één van: voorwaarde, als_fractie")
        return self


def _evidence_turn(spec: SlotVoorwaarde, conv: Conversation) -> int | None:
    if spec.bewijs_zet:
        found = conv.turns_with(spec.bewijs_zet)
        if found:
            return found[-1].number
    root = (spec.als_fractie or spec.voorwaarde.slot).split(".")[0]
    value = conv.slots.get(root)
    if isinstance(value, dict) and isinstance(value.get("turn"), (int, float)):
        return int(value["turn"])
    return None


def _as_clause(sentence: str) -> str:
    """'Het btw-bedrag is € 1,00.' -> 'het btw-bedrag is € 1,00' (an abbreviation keeps its capitals)."""
    sentence = sentence.rstrip(".")
    if len(sentence) > 1 and sentence[1].isupper():
        return sentence
    return sentence[:1].lower() + sentence[1:]


def evaluate_slot_voorwaarde(spec: SlotVoorwaarde, conv: Conversation) -> Outcome:
    if spec.als_fractie:
        value = slot_value(conv, spec.als_fractie)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return NOT_APPLICABLE
        score = min(1.0, max(0.0, float(value)))
    else:
        value = spec.voorwaarde.value(conv)
        if value is None and not spec.voorwaarde.leeg:
            return NOT_APPLICABLE
        held = spec.voorwaarde.holds(value) or (spec.of is not None and spec.of.holds(spec.of.value(conv)))
        score = 1.0 if held else 0.0
        if held and spec.geen_lof_als is not None and spec.geen_lof_als.holds(spec.geen_lof_als.value(conv)):
            return NOT_APPLICABLE
    why: tuple[tuple[str, str], ...] = ()
    if score < 1.0 and spec.toelichting:
        found = slot_value(conv, spec.toelichting)
        sentences = [str(f).strip() for f in found if str(f).strip()] if isinstance(found, list) else []
        if sentences:  # one clause list for 'De offerte klopte niet: {toelichting}.'
            clauses = [_as_clause(x) for x in sentences[:2]]
            why = (("toelichting", "; ".join(clauses)),)
    return Outcome(score, (Observation(_evidence_turn(spec, conv), score, values=why),))


class SlotLijst(CheckBase):
    """A list slot the persona fills (contracts §3: `feitfouten`, `concessies`): every entry
    that matches one of `fout_als` (all fields of one mapping equal; without `fout_als` every
    entry) is a fault at its turn (`beurt`); each costs a third (0-3) or fails the check (ja_nee).
    A missing slot is an empty list (conversations from before the slot existed). Without
    faults the check applies only when the list has entries, or (`kans_catalogusprijs`) a
    student turn stated an amount that is one of the scenario's catalogue prices: evidence the
    figure was right. Else niet van toepassing (nothing to praise)."""

    slot: str
    fout_als: list[dict[str, Any]] = Field(default_factory=list)
    kans_catalogusprijs: bool = False
    # no praise from a catalogue price when this holds (e.g. the quotation had a calculation error)
    geen_lof_als: SlotCondition | None = None
    soort_namen: dict[str, str] = Field(default_factory=dict)  # Dutch name per `soort` value
    # `concessies`: judge each entry against the briefing's standard offer (scenario
    # `standaardaanbod`): offering it is no concession, and a free extra outside it is not
    # within the student's authority (the briefing allows the standard offer, nothing more).
    standaardaanbod: bool = False

    _slot = field_validator("slot")(classmethod(lambda cls, v: _check_slot_path(v)))

    def is_fault(self, entry: dict) -> bool:
        if not self.fout_als:
            return True
        return any(all(entry.get(k) == v for k, v in cond.items()) for cond in self.fout_als)


def _entry_turn(conv: Conversation, entry: dict) -> StudentTurn | None:
    sentence = str(entry.get("zin") or "").strip()
    if sentence:
        for turn in conv.turns:
            if sentence in turn.text or turn.text in sentence:
                return turn
    number = entry.get("beurt")
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        # the persona counts conversation turns (slot `beurt`): briefing answers excluded
        return next((t for t in conv.turns if t.position == int(number)), None)
    return None


def _entry_values(spec: SlotLijst, entry: dict) -> tuple[tuple[str, str], ...]:
    values = {k: str(v) for k, v in entry.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
    if len(values.get("waarde", "")) > 20:
        values.pop("waarde")  # the persona gives the whole sentence when there is no percentage
    if "soort" in values:
        values["soort"] = spec.soort_namen.get(values["soort"], values["soort"])
    return tuple(sorted(values.items()))


def _scenario(conv: Conversation):
    scenario_id = getattr(conv.info, "id", None)
    if not scenario_id:
        return None
    from bot.scenarios import get_scenario

    try:
        return get_scenario(scenario_id)
    except (KeyError, ValueError, FileNotFoundError):
        return None


def _standard_offer(conv: Conversation) -> tuple[str, ...]:
    scenario = _scenario(conv)
    return tuple(scenario.standaardaanbod) if scenario is not None else ()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(str(value).replace("%", "").replace(",", "."))
    except (TypeError, ValueError):
        return None


def _quotes_scale_discount(conv: Conversation, entry: dict) -> bool:
    """A discount entry that is the catalogue's staffelkorting for the quantity named in the
    same turn ("Omdat u 25 stuks neemt, krijgt u 10 procent korting"): a standard term the
    briefing gives, quoted, not a concession (labels.md §3: standard terms mentioned). Without
    the quantity ("Ik kan u alvast 10% korting geven") it is given, not quoted; in answer to a
    price objection it is judged as a concession too (the caller checks)."""
    scenario = _scenario(conv)
    product = scenario.main_product() if scenario is not None else None
    pct = _number(entry.get("waarde"))
    if product is None or not product.staffel or pct is None:
        return False
    turn = _entry_turn(conv, entry)
    quantities = [n for e in (turn.entities if turn else ())
                  if isinstance(e, dict) and e.get("entity") == "aantal" and (n := _number(e.get("value")))]
    return any(abs(product.staffel_pct(int(q)) - pct) < 0.005 for q in quantities if q >= 1)


def _offers_standard(conv: Conversation, entry: dict, words: tuple[str, ...]) -> bool:
    """The concession's sentence offers the briefing's standard offer: one of its words, or a
    trial in other words ('uitproberen', 'op proef') when the standard offer is a trial."""
    turn = _entry_turn(conv, entry)
    text = (turn.text if turn else str(entry.get("zin") or "")).lower()
    if any(word in text for word in words):
        return True
    return any("proef" in word for word in words) and load_evidence_patterns().matches("proefaanbod", text)


def _as_briefing_allows(conv: Conversation, entries: list[dict]) -> list[dict]:
    words = _standard_offer(conv)
    judged = []
    for entry in entries:
        if entry.get("soort") != "korting" and words and _offers_standard(conv, entry, words):
            continue  # the standard offer of the briefing concedes nothing
        if entry.get("soort") == "korting" and not entry.get("gevraagd") and _quotes_scale_discount(conv, entry):
            continue  # nor does quoting the catalogue's staffelkorting for this quantity, unasked
        if words and entry.get("soort") in ("extra", "kosten") and entry.get("binnen_bevoegdheid"):
            entry = {**entry, "binnen_bevoegdheid": False}  # free, but not what the briefing allows
        judged.append(entry)
    return judged


def evaluate_slot_lijst(spec: SlotLijst, conv: Conversation) -> Outcome:
    entries = [e for e in (slot_value(conv, spec.slot) or ()) if isinstance(e, dict)]
    if spec.standaardaanbod:
        entries = _as_briefing_allows(conv, entries)
    faults = [e for e in entries if spec.is_fault(e)]
    if faults:
        observations = []
        for entry in faults:
            turn = _entry_turn(conv, entry)
            observations.append(Observation(turn.number if turn else None, 0.0, values=_entry_values(spec, entry)))
        score = 0.0 if spec.schaal == "ja_nee" else max(0.0, 1.0 - len(faults) / 3)
        return Outcome(score, tuple(observations))
    if entries:
        turn = _entry_turn(conv, entries[0])
        return Outcome(1.0, (Observation(turn.number if turn else None, 1.0, values=_entry_values(spec, entries[0])),))
    if spec.geen_lof_als is not None and spec.geen_lof_als.holds(spec.geen_lof_als.value(conv)):
        return NOT_APPLICABLE
    prices = getattr(conv.info, "prices", ()) if spec.kans_catalogusprijs else ()
    for turn in conv.turns:
        for entity in turn.entities:
            value = entity.get("value") if isinstance(entity, dict) and entity.get("entity") == "bedrag" else None
            if isinstance(value, (int, float)) and any(abs(float(value) - p) < 0.005 for p in prices):
                return Outcome(1.0, (Observation(turn.number, 1.0),))
    return NOT_APPLICABLE


class LaatsteBeurtZet(CheckBase):
    """One of the last `laatste` student turns contains one of `zetten` (how the student
    closed the conversation). Niet van toepassing when the move is missing but the customer
    ended the conversation (accepted or hung up) so the student had no last word."""

    zetten: list[str] = Field(min_length=1)
    laatste: int = Field(default=2, ge=1, le=5)
    # Why-codes of customer lines (metadata.reason, e.g. fact_correction) that void the move
    # when the turn answers one or gets one as its reply: a next step on a quotation the
    # customer just called wrong is no next step. It counts again once the customer agrees
    # (a buying signal in the reply) or the conversation ends in success.
    niet_bij_reactie: list[str] = Field(default_factory=list)

    _moves = field_validator("zetten")(classmethod(lambda cls, v: _check_moves(v)))

    def disputed(self, turn: StudentTurn, conv: Conversation) -> bool:
        if not self.niet_bij_reactie or conv.outcome in SUCCESS_OUTCOMES:
            return False
        reasons = set(self.niet_bij_reactie)
        replies = [u for u in conv.utterances if u.before_turn == turn.position]
        if any(u.reason in reasons for u in replies):
            return True
        agreed = any(s.startswith("koopsignaal.") for u in replies for s in u.signals)
        return not agreed and any(u.reason in reasons for u in turn.answers)


def evaluate_laatste_beurt_zet(spec: LaatsteBeurtZet, conv: Conversation) -> Outcome:
    if not conv.turns:
        return NOT_APPLICABLE
    tail = conv.turns[-spec.laatste :]
    found = [t for t in tail if t.has_any(spec.zetten) and spec.text_ok(t, conv) and not spec.disputed(t, conv)]
    if found:
        return Outcome(1.0, (Observation(found[-1].number, 1.0),))
    disputed = [t for t in tail if t.has_any(spec.zetten) and spec.disputed(t, conv)]
    if disputed:  # the step was proposed while the customer disputed what it was about
        return Outcome(0.0, (Observation(disputed[-1].number, 0.0, values=(("reden", SPOILED),)),))
    spoiled = [t for t in tail if t.has_any(spec.zetten)]
    if spoiled:  # the move was there, but not complete (e.g. 'Doei!' as a goodbye)
        why = (("reden", SPOILED),) if spec.spoiled_only(spoiled[-1], conv) else ()
        return Outcome(0.0, (Observation(spoiled[-1].number, 0.0, values=why),))
    if conv.ended_by_customer:
        return NOT_APPLICABLE  # the customer ended it: the student had no last word
    return Outcome(0.0, (Observation(tail[-1].number, 0.0),))


# --- registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckKind:
    model: type[CheckBase]
    evaluate: Callable[[Any, Conversation], Outcome]


KINDS: dict[str, CheckKind] = {
    "reactie_op_signaal": CheckKind(ReactieOpSignaal, evaluate_reactie_op_signaal),
    "zet_aanwezig": CheckKind(ZetAanwezig, evaluate_zet_aanwezig),
    "zet_afwezig": CheckKind(ZetAfwezig, evaluate_zet_afwezig),
    "zet_voor_zet": CheckKind(ZetVoorZet, evaluate_zet_voor_zet),
    "slot_voorwaarde": CheckKind(SlotVoorwaarde, evaluate_slot_voorwaarde),
    "laatste_beurt_zet": CheckKind(LaatsteBeurtZet, evaluate_laatste_beurt_zet),
    "slot_lijst": CheckKind(SlotLijst, evaluate_slot_lijst),
}


# Kinds in their own module (imported last: they build on the classes above).
from bot.feedback.plan_checks import PlanOnderdeel, evaluate_plan_onderdeel  # noqa: E402

KINDS["plan_onderdeel"] = CheckKind(PlanOnderdeel, evaluate_plan_onderdeel)  # 1.2 activiteitenplan


def run_check(spec: CheckBase, conv: Conversation) -> Outcome:
    if spec.alleen_als is not None and not spec.alleen_als.holds(conv):
        return NOT_APPLICABLE
    return KINDS[spec.soort].evaluate(spec, conv)
