"""Choosing and filling the persona's lines: deterministic per (seed, turn, purpose)."""

from __future__ import annotations

import random
from typing import Any

from bot.scenarios.models import Scenario, signals_of, text_of


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


class LinePicker:
    """Picks a variation, preferring ones not used before in this conversation."""

    def __init__(self, sc: Scenario, slots: dict, memory: dict, seed: Any, turn: int, level: str):
        self.sc = sc
        self.memory = memory
        self.seed = seed
        self.turn = turn
        self.slots = slots  # the live slots: placeholders are filled with current values
        self.level = level

    def pick(self, key: str, options: list) -> tuple[str, list[str]]:
        used = self.memory.setdefault("used", {}).setdefault(key, [])
        fresh = [i for i in range(len(options)) if i not in used]
        if not fresh:
            used.clear()
            fresh = list(range(len(options)))
        index = rng_for(self.seed, self.turn, key).choice(fresh)
        used.append(index)
        line = options[index]
        return self.fill(text_of(line)), signals_of(line)

    def line(self, key: str, product_id: str | None = None) -> tuple[str, list[str]]:
        self.product_id = product_id
        try:
            return self.pick(f"lines.{key}", self.sc.lines[key])
        finally:
            self.product_id = None

    product_id: str | None = None

    def fill(self, text: str) -> str:
        if "{" not in text and "}" not in text:
            return text  # nothing to fill: format_map would return the same text
        return text.format_map(placeholders(self.sc, self.slots, self.level, self.product_id))
