"""Choosing and filling the persona's lines: deterministic per (seed, turn, purpose)."""

from __future__ import annotations

import random
import re
import zlib
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from bot.scenarios.models import Scenario, asks_of, signals_of, text_of


def rng_for(seed: Any, turn: int, purpose: str) -> random.Random:
    """One generator per choice: same seed and turn replay exactly, another seed differs."""
    return random.Random(f"{seed}:{turn}:{purpose}")


def euro(amount: float, symbol: bool = False) -> str:
    """Dutch notation: 1.234,56 (cents only when there are any, unless a symbol is asked)."""
    cents = round(amount * 100)
    whole, rest = divmod(abs(cents), 100)
    body = f"{whole:,}".replace(",", ".")
    if rest or symbol:
        body += f",{rest:02d}"
    sign = "-" if cents < 0 else ""
    return f"€ {sign}{body}" if symbol else f"{sign}{body}"


def pct(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def placeholders(sc: Scenario, slots: dict, level: str, product_id: str | None = None) -> dict[str, str]:
    product = sc.main_product()
    agreed = slots.get("afspraken") or {}
    if isinstance(agreed, dict) and agreed.get("product"):
        product = sc.product(agreed.get("product")) or product
    if product_id:
        product = sc.product(product_id) or product
    aantal = agreed.get("aantal") if isinstance(agreed, dict) else None
    if aantal is None and sc.quotation:
        aantal = sc.quotation.aantal
    ask = ""
    for obj in sc.objections:
        if obj.concession and level in obj.concession.ask:
            ask = pct(obj.concession.ask[level])
    values = {
        "naam": sc.persona.name,
        "achternaam": sc.persona.name.split()[-1],
        "bedrijf": sc.persona.company,
        "functie": sc.persona.function,
        "student_bedrijf": sc.student_company.name,
        "product": product.names[0] if product else "",
        "prijs": euro(product.price) if product else "",
        "levertijd": str(product.delivery_days) if product and product.delivery_days is not None else "",
        "eenheid": product.unit if product else "",
        "voorraad": str(product.stock) if product and product.stock is not None else "",
        "aantal": str(aantal) if aantal is not None else "",
        "korting": pct(float(slots.get("korting_gegeven") or 0)),
        "vraag_korting": ask,
    }
    return values


SAID_KEY = "said"  # memory: short fingerprints of every line the persona said
# Lines that may come back word for word (a system notice, not the customer speaking).
REPEATABLE = {"lines.after_end"}


def fingerprint(text: str) -> str:
    return format(zlib.crc32(text.strip().lower().encode("utf-8")), "08x")


def was_said(memory: dict, text: str) -> bool:
    return fingerprint(text) in (memory.get(SAID_KEY) or ())


def remember_said(memory: dict, texts: list[str]) -> None:
    """Record what the persona said, so she never says the same line twice in one call."""
    said = memory.setdefault(SAID_KEY, [])
    for text in texts:
        mark = fingerprint(text)
        if mark not in said:
            said.append(mark)


# Short words that say nothing about the fact a line tells.
_FILLER_WORDS = frozenset("""
    alleen altijd daar daarom dan dat deze die dit doen echt eigenlijk eens heeft hebben heel
    hier hoor jullie kijk maar meer niet niets nog omdat gewoon vind wordt zijn zelf zo zoals
    """.split())


def fact_words(text: str) -> set[str]:
    """The words that carry a line's content (four letters or more, no filler words)."""
    return {w for w in re.findall(r"[\wéëïöüè]+", text.lower()) if len(w) >= 4 and w not in _FILLER_WORDS}


def same_fact(a: str, b: str) -> bool:
    """Two lines tell the same thing in other words: most content words of the shorter one
    recur in the other ("Hij geeft foutmelding E17 ..." and "Kijk, het zit zo: hij geeft
    foutmelding E17 ...")."""
    wa, wb = fact_words(a), fact_words(b)
    shorter = min(len(wa), len(wb))
    return shorter >= 4 and len(wa & wb) / shorter >= 0.55


class LinePicker:
    """Picks a variation, preferring ones not used before in this conversation.

    A line the persona already said word for word in this conversation is never picked
    again: when every variation was said, `pick` returns an empty text and the caller moves
    on (another line, or she ends a call that goes nowhere).
    """

    def __init__(self, sc: Scenario, slots: dict, memory: dict, seed: Any, turn: int, level: str):
        self.sc = sc
        self.memory = memory
        self.seed = seed
        self.turn = turn
        self.slots = slots  # the live slots: placeholders are filled with current values
        self.level = level

    def pick(self, key: str, options: list, skip: Callable[[str], bool] | None = None) -> tuple[str, list[str]]:
        """`skip`: texts she must not say now (e.g. a fact she already told in other words)."""
        used = self.memory.setdefault("used", {}).setdefault(key, [])
        fresh = [i for i in range(len(options)) if i not in used]
        if not fresh:
            used.clear()
            fresh = list(range(len(options)))
        first = rng_for(self.seed, self.turn, key).choice(fresh)
        order = [first] + [i for i in fresh if i != first] + [i for i in range(len(options)) if i not in fresh]
        for index in order:
            line = options[index]
            text = self.fill(text_of(line))
            if skip is not None and skip(text):
                continue
            if key in REPEATABLE or not was_said(self.memory, text):
                if index not in used:
                    used.append(index)
                self.last_asks = asks_of(line)
                return text, signals_of(line)
        self.last_asks = None
        return "", []

    def line(self, key: str, product_id: str | None = None) -> tuple[str, list[str]]:
        self.product_id = product_id
        try:
            text, signals = self.pick(f"lines.{key}", self.sc.lines[key])
            if not text and key in self.sc.standaard_lines:
                # Every variant of the scenario's own line was said: one of _standaard.yml's.
                text, signals = self.pick(f"standaard.{key}", self.sc.standaard_lines[key])
            return text, signals
        finally:
            self.product_id = None

    product_id: str | None = None
    last_asks: str | None = None  # the topic the last picked line asks about (`asks:`)
    extra: dict[str, str] = {}  # extra placeholders for the next lines ({genoemd}, {juist})

    @contextmanager
    def filling(self, **values: str) -> Iterator[None]:
        """Extra placeholders ({genoemd}, {juist}) for the lines picked inside the block."""
        self.extra = values
        try:
            yield
        finally:
            self.extra = {}

    def fill(self, text: str) -> str:
        if "{" not in text and "}" not in text:
            return text  # nothing to fill: format_map would return the same text
        values = placeholders(self.sc, self.slots, self.level, self.product_id)
        values.update({"genoemd": "", "juist": ""}, **self.extra)
        return text.format_map(values)
