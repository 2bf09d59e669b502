"""Quotation check (werkproces 2.4): recompute the quotation from the catalogue and
compare what the student states — unit price, subtotal, staffelkorting, amount excl.
btw, 21% btw, total incl. btw, rounded to cents — and whether the terms are named.

Amounts are classified by the words around them (assign_kinds), else by their value.
What the student states is remembered across turns, so a quotation spread over several
messages is checked as a whole; the result goes into slot `offerte_controle`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from actions.persona.message import Message
from actions.persona.state import Conversation
from actions.persona.texts import euro, pct
from bot.scenarios.models import Scenario

TOLERANCE = 0.005  # exact to the cent

# Kind of amount -> words that announce it; checked nearest first, specific kinds first.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("btw", ("btw-bedrag", "aan btw", "btw", "belasting")),
    ("korting", ("korting", "eraf", "er af", "reductie")),
    # "met 10% korting wordt het 6.502,50": the amount after the discount (the percentage
    # before it is the discount's)
    (AFTER_DISCOUNT := "na_korting", tuple(f"korting {verb} {it}" for verb in ("wordt", "is", "kost", "komt")
                                           for it in ("het", "dat", "hij", "u"))),
    ("subtotaal", ("subtotaal", "bruto", "zonder korting", "voor korting", "vóór korting")),
    ("excl", ("exclusief btw", "excl. btw", "excl btw", "ex. btw", "ex btw", "zonder btw", "exclusief", "excl", "netto", "na korting")),
    ("incl", ("inclusief btw", "incl. btw", "incl btw", "met btw", "inclusief", "incl", "te betalen", "totaalbedrag", "in totaal", "totaal", "alles bij elkaar", "eindbedrag")),
    ("stuk", ("per stuk", "stuksprijs", "stukprijs", "per exemplaar", "per stoel", "per bureau", "per unit", "per doos", "per licentie", "per jaar")),
)
LABELS = {
    "stuk": "de prijs per stuk",
    "subtotaal": "het subtotaal (vóór korting)",
    "korting": "het kortingsbedrag",
    "excl": "het totaal exclusief btw",
    "btw": "het btw-bedrag",
    "incl": "het totaal inclusief btw",
}
REQUIRED = ("excl", "btw", "incl")


@dataclass(frozen=True)
class Expected:
    aantal: int
    stuk: float
    subtotaal: float
    korting_pct: float
    korting: float
    excl: float
    btw: float
    incl: float
    btw_pct: float

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("stuk", "subtotaal", "korting", "excl", "btw", "incl")}


def cents(value: Decimal) -> Decimal:
    """Round to whole cents, half up (as on an invoice), without float artefacts."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected(sc: Scenario, aantal: int | None = None) -> Expected:
    q = sc.quotation
    assert q is not None
    product = sc.product(q.product)
    assert product is not None
    n = aantal or q.aantal
    price = Decimal(str(product.price))
    subtotal = cents(price * n)
    korting_pct = product.staffel_pct(n)
    korting = cents(subtotal * Decimal(str(korting_pct)) / 100)
    excl = subtotal - korting
    btw = cents(excl * Decimal(str(q.btw)) / 100)
    return Expected(
        n, float(price), float(subtotal), korting_pct, float(korting), float(excl), float(btw),
        float(excl + btw), q.btw,
    )


_POST_GAP = re.compile(r"[\s€]*(euro|eur)?[\s]*")


def assign_kinds(text: str, spans: list[tuple[int, int]]) -> list[str | None]:
    """The kind of each amount span, from the words around it.

    A keyword right after an amount ("722,50 euro korting", "10% staffelkorting") belongs
    to that amount; any other keyword belongs to the next amount ("de btw is 1.365,53").
    Longer phrases win over the words inside them ("inclusief btw" over "btw",
    "subtotaal" over "totaal"); the nearest keyword before an amount wins.
    """
    lower = text.lower()
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(lower)
    words = sorted(((w, kind) for kind, ws in KINDS for w in ws), key=lambda item: -len(item[0]))
    for word, kind in words:
        for match in re.finditer(re.escape(word), lower):
            a, b = match.span()
            if any(taken[a:b]):
                continue
            for i in range(a, b):
                taken[i] = True
            found.append((a, b, kind))
    found.sort()
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    post: dict[int, str] = {}
    pre: dict[int, str] = {}
    for a, b, kind in found:
        prev = next((i for i in reversed(order) if spans[i][1] <= a), None)
        nxt = next((i for i in order if spans[i][0] >= b), None)
        if prev is not None and _POST_GAP.fullmatch(lower[spans[prev][1]:a]):
            post.setdefault(prev, kind)
        elif nxt is not None:
            pre[nxt] = kind
    return [post.get(i) or pre.get(i) for i in range(len(spans))]


def kind_of(amount: float, kind: str | None, values: dict[str, float]) -> str | None:
    """A named amount keeps its name (so a wrong value is an error for it); an unnamed
    amount that equals an expected amount is taken as that amount; else None."""
    if kind is not None:
        return kind
    return next((k for k, v in values.items() if _close(amount, v)), None)


def _close(a: float, b: float) -> bool:
    return abs(a - b) < TOLERANCE


def looks_like_quotation(msg: Message, sc: Scenario | None = None) -> bool:
    """Amounts for a quotation, or (2.4) one of its required terms."""
    amounts = msg.numbers("bedrag")
    if len(amounts) >= 2 or (bool(amounts) and any(w in msg.lower for w in ("btw", "totaal", "offerte", "korting"))):
        return True
    if sc is not None and sc.quotation is not None:
        return any(msg.mentions([k.lower() for k in t.keywords]) for t in sc.quotation.required_terms)
    return False


def check_quotation(conv: Conversation, msg: Message) -> dict | None:
    """Update slot `offerte_controle` from this message; None when nothing to check."""
    sc = conv.sc
    if sc.quotation is None or not looks_like_quotation(msg, sc):
        return None
    if conv.memory.get("quote_checked") == conv.turn:  # already checked this turn
        return conv.slots.get("offerte_controle")
    conv.memory["quote_checked"] = conv.turn
    memory = conv.memory.setdefault("quote", {})
    stated: dict = memory.setdefault("stated", {})
    loose: list = memory.setdefault("loose", [])
    terms: list = memory.setdefault("terms", [])
    fouten: list[str] = []

    aantallen = [int(a) for a in msg.numbers("aantal") if a > 1]
    if aantallen and sc.quotation.aantal not in aantallen:
        fouten.append(
            f"U rekent met {aantallen[0]} stuks, maar de klant vraagt om {sc.quotation.aantal} stuks."
        )
    exp = expected(sc)
    values = exp.as_dict()

    def spans_of(name: str) -> list[tuple[dict, tuple[int, int]]]:
        out = []
        for e in msg.entities:
            if e.get("entity") == name:
                start = int(e.get("start") or 0)
                out.append((e, (start, int(e.get("end") or start))))
        return out

    amounts = spans_of("bedrag")
    for (entity, _), kind in zip(amounts, assign_kinds(msg.text, [span for _, span in amounts])):
        try:
            amount = round(float(entity.get("value")), 2)
        except (TypeError, ValueError):
            continue
        kind = kind_of(amount, "excl" if kind == AFTER_DISCOUNT else kind, values)
        if kind is None:
            loose.append(amount)
        else:
            stated[kind] = amount
    percentages = spans_of("percentage")
    for (entity, _), kind in zip(percentages, assign_kinds(msg.text, [span for _, span in percentages])):
        try:
            value = float(entity.get("value"))
        except (TypeError, ValueError):
            continue
        if kind == "btw":
            stated["btw_pct"] = value
        elif kind in ("korting", AFTER_DISCOUNT):
            stated["korting_pct"] = value
    for term in sc.quotation.required_terms:
        if term.id not in terms and msg.mentions([k.lower() for k in term.keywords]):
            terms.append(term.id)

    # Compare what was stated, in a fixed order.
    if "btw_pct" in stated and not _close(stated["btw_pct"], exp.btw_pct):
        fouten.append(f"U rekent met {pct(stated['btw_pct'])}% btw; dat moet {pct(exp.btw_pct)}% zijn.")
    if "korting_pct" in stated and not _close(stated["korting_pct"], exp.korting_pct):
        if exp.korting_pct:
            fouten.append(
                f"De staffelkorting bij {exp.aantal} stuks is {pct(exp.korting_pct)}%, niet {pct(stated['korting_pct'])}%."
            )
        else:
            fouten.append(f"Bij {exp.aantal} stuks geldt geen staffelkorting; u noemt {pct(stated['korting_pct'])}%.")
    for kind in ("stuk", "subtotaal", "korting", "excl", "btw", "incl"):
        if kind not in stated:
            continue
        said, right = stated[kind], values[kind]
        if _close(said, right):
            continue
        if abs(said - right) <= 0.02:
            fouten.append(
                f"Afronding: {LABELS[kind]} is {euro(right, symbol=True)}, niet {euro(said, symbol=True)} (rond af op hele centen)."
            )
        elif kind == "btw" and "excl" in stated and _close(said, float(cents(Decimal(str(stated["excl"])) * Decimal(str(exp.btw_pct)) / 100))):
            fouten.append(
                f"Het btw-bedrag klopt bij uw eigen totaal excl. btw, maar dat totaal is fout: {LABELS[kind]} moet {euro(right, symbol=True)} zijn."
            )
        else:
            fouten.append(f"{LABELS[kind][0].upper()}{LABELS[kind][1:]} is {euro(right, symbol=True)}, niet {euro(said, symbol=True)}.")
    # A total incl. btw that forgot the discount or the btw.
    if "incl" in stated and not _close(stated["incl"], exp.incl):
        if _close(stated["incl"], exp.excl):
            fouten.append("Het totaal inclusief btw is gelijk aan het bedrag exclusief btw: u bent de btw vergeten.")
        elif exp.korting and _close(stated["incl"], float(cents(Decimal(str(exp.subtotaal)) * (100 + Decimal(str(exp.btw_pct))) / 100))):
            fouten.append("In het totaal inclusief btw ontbreekt de staffelkorting.")
    for amount in loose:
        if not any(_close(amount, v) for v in values.values()):
            fouten.append(f"Het bedrag {euro(amount, symbol=True)} klopt met geen enkel bedrag van deze offerte.")
    rekenfout = bool(fouten)  # everything above is a wrong amount; below: parts not named (yet)
    for kind in REQUIRED:
        if kind not in stated and not any(_close(a, values[kind]) for a in loose):
            fouten.append(f"U noemt {LABELS[kind]} niet.")
    if exp.korting_pct and "korting" not in stated and "korting_pct" not in stated:
        fouten.append(f"U noemt de staffelkorting van {pct(exp.korting_pct)}% bij {exp.aantal} stuks niet.")
    for term in sc.quotation.required_terms:
        if term.id not in terms:
            fouten.append(term.missing)

    result = {
        "correct": not fouten,
        "fouten": fouten,
        "rekenfout": rekenfout,
        "turn": conv.turn,
        "genoemd": {k: v for k, v in stated.items()},
        "verwacht": {**values, "korting_pct": exp.korting_pct, "btw_pct": exp.btw_pct, "aantal": exp.aantal},
    }
    conv.set("offerte_controle", result)
    return result
