"""Entities: amounts, percentages, quantities, dates, weekdays and catalogue products.

Works on the accent-folded lower-case text (same length as the original, so offsets
point into what the student typed). Word lists in domain/nlu/entiteiten.yml.

    bedrag      "€ 1.250,-", "1250 euro", "twaalf euro", "1,5k"         → float euros
    percentage  "5%", "vijf procent", "2,5 procent"                      → float
    aantal      "50 stuks", "vijftig dozen", "50 op voorraad", "er nog 50" → int
    datum       "15 maart", "15-3", "morgen", "volgende week dinsdag"   → ISO date
                "twee werkdagen", "binnen drie dagen" (a delivery time: the date it
                points at; the contract has no duration entity)
    weekdag     "vrijdag"                                                → weekday name
    product     names from the scenario's catalogue                     → product id
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Iterable

from bot.nlu.analysis import Entity
from bot.nlu.normalise import fold
from bot.nlu.resources import EntityLexicon

_DIGITS = r"\d{1,3}(?:\.\d{3})+(?:,\d+|,-{1,2})?|\d+(?:[.,]\d+)?(?:,-{1,2})?"


def parse_number(text: str) -> float | None:
    """Dutch digits: "1.250,-" → 1250, "1,5" → 1.5, "1.250,50" → 1250.5, "12.5" → 12.5."""
    text = text.strip().rstrip("-").rstrip(",")
    if not text:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


class EntityExtractor:
    def __init__(self, lexicon: EntityLexicon):
        self.lex = lexicon
        self.numbers = {fold(k): v for k, v in lexicon.getallen.items()}
        words = sorted(self.numbers, key=len, reverse=True)
        # compound number words: vijfentwintig, tweehonderd, twaalfhonderd, drieduizend
        atom = "|".join(re.escape(w) for w in words)
        self.number_word = rf"(?:(?:{atom})(?:en)?)+"
        num = rf"(?:{_DIGITS}|{self.number_word})"
        self.number_word_re = re.compile(rf"(?<!\w){self.number_word}(?!\w)")
        currency = "|".join(re.escape(fold(w)) for w in sorted(lexicon.valuta, key=len, reverse=True))
        percent = "|".join(re.escape(fold(w)) for w in sorted(lexicon.procent, key=len, reverse=True))
        units = "|".join(re.escape(fold(w)) for w in sorted(lexicon.eenheden, key=len, reverse=True))
        days = "|".join(re.escape(fold(w)) for w in sorted(lexicon.weekdagen, key=len, reverse=True))
        months = "|".join(re.escape(fold(w)) for w in sorted(lexicon.maanden, key=len, reverse=True))
        relative = "|".join(re.escape(fold(w)) for w in sorted(lexicon.relatieve_dagen, key=len, reverse=True))
        b = r"(?<![\w€])"
        e = r"(?![\w])"
        self.amount_re = re.compile(
            rf"€\s*(?P<a>{_DIGITS})|{b}(?P<b>{num})\s*(?:{currency}){e}|{b}(?P<k>\d+(?:[.,]\d+)?)\s?k{e}"
        )
        self.percent_re = re.compile(rf"{b}(?P<n>{num})\s*(?:%|(?:{percent}){e})")
        self.count_re = re.compile(rf"{b}(?P<n>{num})\s+(?P<u>{units}){e}")
        self.date_re = re.compile(
            rf"{b}(?P<d>\d{{1,2}})\s+(?P<m>{months})(?:\s+(?P<y>\d{{4}}))?{e}"
            rf"|{b}(?P<d2>\d{{1,2}})[-/](?P<m2>\d{{1,2}})(?:[-/](?P<y2>\d{{2,4}}))?{e}"
        )
        self.next_week_re = re.compile(rf"{b}(?P<w>volgende|komende)\s+week\s+(?P<day>{days}){e}")
        self.coming_day_re = re.compile(rf"{b}(?:aanstaande|komende|volgende)\s+(?P<day>{days}){e}")
        self.day_re = re.compile(rf"{b}(?P<day>{days}){e}")
        self.relative_re = re.compile(rf"{b}(?P<r>{relative}){e}")
        self.weekday_index = {fold(name): i for i, name in enumerate(dict.fromkeys(lexicon.weekdagen.values()))}
        self.day_names = {fold(k): v for k, v in lexicon.weekdagen.items()}
        self.canonical_days = list(dict.fromkeys(lexicon.weekdagen.values()))
        # words without which no entity (other than a product) can be present
        self.trigger_words = (
            set(self.day_names) | {fold(w) for w in lexicon.relatieve_dagen} | {fold(w) for w in lexicon.maanden}
        )
        # without digits, € or a day or month word, a text needs a number word of its own
        # ("een", "vijftig": number_word_re) and a number word followed by a currency,
        # percent or unit word (what amount_re, percent_re and count_re look for) to hold
        # an entity; most texts with "een" have none, and skip the entity regexes
        self.number_phrase_re = re.compile(rf"{b}{self.number_word}\s*(?:%|{currency}|{percent}|{units})")
        stock = "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(lexicon.voorraad_woorden, key=len, reverse=True))
        # a bare number in stock: "50 op voorraad"; "we hebben er nog 50" ("er een" is no quantity)
        counted = rf"(?:{_DIGITS}|(?!(?:een|één)(?!\w)){self.number_word})"
        # the number after "nog", "er", "hebben" (not one inside a product name: "zes Flex 160 op voorraad")
        self.stock_re = (
            re.compile(
                rf"(?:^|(?<=[\s,.:;!?]))(?:(?:nog|er|ruim|maar|slechts|hebben|heb|zijn|nu|dan)\s+)+(?P<n>{counted})(?:\s+[\w-]+){{0,2}}?\s+(?:{stock}){e}"
                rf"|^(?P<n3>{counted})\s+(?:{stock}){e}"
                rf"|{b}er\s+(?:nog\s+)?(?:maar\s+|ruim\s+|zo'n\s+|ongeveer\s+)?(?P<n2>{counted})(?!\s*[\w€%])"
            )
            if stock else None
        )
        self.terms = {fold(k): v for k, v in lexicon.termijnen.items()}
        term_units = "|".join(re.escape(w) for w in sorted(self.terms, key=len, reverse=True))
        before = "|".join(re.escape(fold(w)) for w in lexicon.termijn_voorzetsels)
        self.term_re = (
            re.compile(rf"{b}(?:(?P<pre>{before})\s+)?(?P<n>{num})\s+(?P<u>{term_units}){e}(?!\s+geleden)")
            if term_units else None
        )
        self.term_context_re = re.compile(
            rf"{b}(?:{'|'.join(re.escape(fold(w)) for w in lexicon.termijn_context)}){e}" if lexicon.termijn_context else r"(?!x)x"
        )
        self.term_words = set(self.terms)
        self.term_exclude_re = re.compile(
            rf"{b}(?:{'|'.join(re.escape(fold(w)) for w in lexicon.termijn_niet)}){e}" if lexicon.termijn_niet else r"(?!x)x"
        )

    def word_number(self, text: str) -> int | None:
        text = fold(text)
        if text in self.numbers:
            return self.numbers[text]
        return _parse_compound(text, tuple(sorted(self.numbers.items())))

    def number(self, text: str) -> float | None:
        if re.match(r"\d", text):
            return parse_number(text)
        value = self.word_number(text)
        return float(value) if value is not None else None

    def extract(self, text: str, catalogue: list[dict[str, Any]] | None = None, today: date | None = None) -> list[Entity]:
        folded = fold(text)
        found: list[Entity] = []
        words = set(re.findall(r"\w+", folded))
        numeric = (
            any(map(str.isdigit, folded)) or "€" in folded or bool(words & self.trigger_words)
            or (self.number_phrase_re.search(folded) is not None and self.number_word_re.search(folded) is not None)
            or (bool(words & self.term_words) and self.number_word_re.search(folded) is not None)
            or ("er" in words and self.number_word_re.search(folded) is not None)
        )
        if not numeric and not catalogue:
            return found
        today = today or date.today()
        taken: list[tuple[int, int]] = []

        def add(kind: str, value: Any, start: int, end: int) -> None:
            if value is None or any(s < end and start < e for s, e in taken):
                return
            taken.append((start, end))
            found.append(Entity(kind, value, text[start:end], start, end))

        # A product name with a model number ("ErgoFlex 300", "MF 450") is one name: its number
        # is no amount or quantity ("25 ErgoFlex 300 stoelen" orders 25, not 300).
        products = self._products(folded, text, catalogue or ()) if catalogue else []
        for entity in products:
            if any(ch.isdigit() for ch in entity.text) and not any(s < entity.end and entity.start < e for s, e in taken):
                taken.append((entity.start, entity.end))
                found.append(entity)
        for m in self.amount_re.finditer(folded):
            if m.group("k"):
                value = parse_number(m.group("k"))
                add("bedrag", value * 1000 if value is not None else None, m.start(), m.end())
            else:
                add("bedrag", self.number(m.group("a") or m.group("b")), m.start(), m.end())
        for m in self.percent_re.finditer(folded):
            add("percentage", self.number(m.group("n")), m.start(), m.end())
        for m in self.date_re.finditer(folded):
            add("datum", self._date(m, today), m.start(), m.end())
        for m in self.count_re.finditer(folded):
            value = self.number(m.group("n"))
            add("aantal", int(value) if value is not None and value == int(value) else None, m.start(), m.end())
        if self.stock_re is not None:
            for m in self.stock_re.finditer(folded):
                group = next(g for g in ("n", "n2", "n3") if m.group(g))
                value = self.number(m.group(group))
                add("aantal", int(value) if value is not None and value == int(value) else None, m.start(group), m.end())
        if self.term_re is not None:
            for m in self.term_re.finditer(folded):
                add("datum", self._term(m, folded, today), m.start(), m.end())
        for m in self.next_week_re.finditer(folded):
            day = self.day_names[m.group("day")]
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            target = monday + timedelta(days=self.canonical_days.index(day))
            add("datum", target.isoformat(), m.start(), m.end())
        for m in self.coming_day_re.finditer(folded):
            day = self.day_names[m.group("day")]
            ahead = (self.canonical_days.index(day) - today.weekday()) % 7 or 7
            add("datum", (today + timedelta(days=ahead)).isoformat(), m.start(), m.end())
        for m in self.relative_re.finditer(folded):
            add("datum", (today + timedelta(days=self._relative(m.group("r")))).isoformat(), m.start(), m.end())
        for m in self.day_re.finditer(folded):
            add("weekdag", self.day_names[m.group("day")], m.start("day"), m.end("day"))
        for entity in products:
            if not any(s < entity.end and entity.start < e for s, e in taken):
                taken.append((entity.start, entity.end))
                found.append(entity)
        found.sort(key=lambda x: x.start)
        return found

    def _term(self, m: re.Match, folded: str, today: date) -> str | None:
        """The date a delivery time points at ("binnen drie dagen" → today + 3), or None when
        it is no delivery time ("al twee weken", "twee dagen per week")."""
        term = self.terms[m.group("u")]
        start = max(folded.rfind(mark, 0, m.start()) for mark in ".?!") + 1
        ends = [i for i in (folded.find(mark, m.end()) for mark in ".?!") if i >= 0]
        sentence = folded[start:min(ends) if ends else len(folded)]
        if self.term_exclude_re.search(sentence):
            return None  # a payment term, a trial period, a notice period: no delivery time
        if not (m.group("pre") or term.altijd or self.term_context_re.search(sentence)):
            return None
        if re.search(r"(?:^|\W)(?:al|sinds|afgelopen|laatste|vorige|per)\s*$", folded[max(0, m.start() - 12):m.start()]):
            return None
        if re.match(r"\s+(?:per|in de|geleden|te laat|later|te vroeg|vertraging|achter)\b", folded[m.end():]):
            return None
        count = self.number(m.group("n"))
        if count is None or count != int(count) or not 0 < count <= 366:
            return None
        days = int(count) * term.dagen
        if not term.werkdagen:
            return (today + timedelta(days=days)).isoformat()
        day = today
        while days:
            day += timedelta(days=1)
            if day.weekday() < 5:
                days -= 1
        return day.isoformat()

    def _relative(self, word: str) -> int:
        for key, value in self.lex.relatieve_dagen.items():
            if fold(key) == word:
                return value
        return 0

    def _date(self, m: re.Match, today: date) -> str | None:
        try:
            if m.group("d"):
                day, month = int(m.group("d")), self.lex.maanden[self._month_key(m.group("m"))]
                year = int(m.group("y")) if m.group("y") else None
            else:
                day, month = int(m.group("d2")), int(m.group("m2"))
                year = int(m.group("y2")) if m.group("y2") else None
                if year is not None and year < 100:
                    year += 2000
            if year is None:
                year = today.year
                if date(year, month, day) < today - timedelta(days=60):
                    year += 1  # "15 maart" said in November means next March
            return date(year, month, day).isoformat()
        except (ValueError, KeyError):
            return None

    def _month_key(self, folded: str) -> str:
        for key in self.lex.maanden:
            if fold(key) == folded:
                return key
        raise KeyError(folded)

    def _products(self, folded: str, text: str, catalogue: Iterable[dict[str, Any]]) -> list[Entity]:
        out = []
        for product in catalogue:
            names = [product.get("id", "")] + list(product.get("names") or [])
            regex = _product_regex(tuple(sorted({fold(str(n)).strip() for n in names if str(n).strip()}, key=len, reverse=True)))
            if regex is None:
                continue
            for m in regex.finditer(folded):
                out.append(Entity("product", product.get("id"), text[m.start():m.end()], m.start(), m.end()))
        return out


@lru_cache(maxsize=512)
def _product_regex(names: tuple[str, ...]) -> re.Pattern | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") + "(?:s|en)?" for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@lru_cache(maxsize=4096)
def _parse_compound(text: str, table: tuple[tuple[str, int], ...]) -> int | None:
    numbers = dict(table)
    if not text:
        return None
    if text in numbers:
        return numbers[text]
    for big, factor in (("duizend", 1000), ("honderd", 100)):
        if big in text:
            left, _, right = text.partition(big)
            left_value = _parse_compound(left, table) if left else 1
            right_value = _parse_compound(right, table) if right else 0
            if left_value is None or right_value is None:
                return None
            return left_value * factor + right_value
    if "en" in text:
        left, _, right = text.partition("en")
        if left in numbers and right in numbers and numbers[right] % 10 == 0 and numbers[right] >= 20:
            return numbers[left] + numbers[right]
    return None
