"""Concessions: which discount (or other concession) did the student give, was it within
his authority (the scenario's `margin` or `bevoegdheid`), did the customer ask for it, and
did it come too early (asked, but before the price objection was explored; or unasked,
right after a koopsignaal or before the student knew any of her needs)?

Every concession is recorded in slot `concessies` (contracts §3):
`{"beurt", "soort": korting|kosten|betaaltermijn|extra, "waarde", "gevraagd", "te_vroeg",
"binnen_bevoegdheid"}`; the 2.5 slots `korting_gegeven`, `korting_binnen_marge` and
`concessie_bij_eerste_bezwaar` are kept as before."""

from __future__ import annotations

from dataclasses import dataclass

from actions.persona.message import Message
from actions.persona.quotation import assign_kinds
from actions.persona.state import Conversation

EXPLORING_MOVES = {"begrip_tonen", "doorvragen", "samenvatten"}
SLOT = "concessies"
# What kind of concession a sentence makes, by its words (checked in this order).
KIND_WORDS = (
    ("betaaltermijn", ("betaaltermijn", "later betalen", "dagen betalen", "dagen de tijd", "termijnen", "uitstel van betaling", "op afbetaling")),
    ("kosten", ("kosten", "voorrijkosten", "verzendkosten", "bezorgkosten", "gratis bezorg", "gratis verzend",
                "gratis geleverd", "niet in rekening", "niets in rekening", "geen rekening")),
    ("extra", ("gratis", "cadeau", "kado", "extra", "erbij", "er bij", "kosteloos", "voor niets", "voor niks")),
)


@dataclass
class Concession:
    pct: float | None  # percent, None when the concession names no number (e.g. free shipping)
    first_objection: bool  # given on the first price objection before it was explored
    within: bool  # within the student's authority (margin / bevoegdheid)
    soort: str = "korting"
    gevraagd: bool = False  # the customer asked for it (an open price objection)
    te_vroeg: bool = False


def price_objection(conv: Conversation) -> str | None:
    """The open price objection, if any."""
    for oid in conv.open_objections():
        obj = conv.sc.objection(oid)
        if obj and obj.signal == "weerstand.prijs":
            return oid
    return None


def price_explored(conv: Conversation, objection: str) -> bool:
    """The price objection was explored, or it is a second price round after one the student
    explored and answered ("De kwaliteit zie ik, maar kunt u mij nog tegemoetkomen?"): a
    concession on it comes after the negotiation, not too early."""
    explored = conv.memory.get("explored", {})
    if explored.get(objection):
        return True
    return any(explored.get(oid) for oid in conv.resolved_objections()
               if (o := conv.sc.objection(oid)) is not None and o.signal == "weerstand.prijs")


def conceded_pct(conv: Conversation, msg: Message) -> float | None:
    """Discount in percent from the message: a percentage, a discount amount, or a lower price."""
    spans = [(e, (int(e.get("start") or 0), int(e.get("end") or 0))) for e in msg.entities if e.get("entity") == "percentage"]
    kinds = assign_kinds(msg.text, [span for _, span in spans])
    percentages = []
    for (e, _), kind in zip(spans, kinds):
        if kind == "btw":
            continue  # 21% btw is no discount
        try:
            percentages.append(float(e.get("value")))
        except (TypeError, ValueError):
            continue
    if percentages:
        return max(percentages)
    product = conv.sc.main_product()
    if not product:
        return None
    agreed = conv.slots.get("afspraken") or {}
    quantity = (msg.numbers("aantal") or [agreed.get("aantal") or (conv.sc.quotation.aantal if conv.sc.quotation else 1)])[0]
    quantity = max(1, int(quantity))
    best = None
    text = msg.lower
    for entity in msg.entities:
        if entity.get("entity") != "bedrag":
            continue
        try:
            amount = float(entity.get("value"))
        except (TypeError, ValueError):
            continue
        start = int(entity.get("start") or 0)
        end = int(entity.get("end") or start)
        window = text[max(0, start - 30): end + 20]
        if "korting" in window or "eraf" in window or "er af" in window or amount < product.price / 2:
            # a discount amount: per unit, or on the whole order when it is larger than a unit
            base = product.price * quantity if amount > product.price else product.price
            value = amount / base * 100
        elif amount < product.price:
            value = (product.price - amount) / product.price * 100  # a lower unit price
        elif quantity > 1 and amount < product.price * quantity:
            value = (product.price * quantity - amount) / (product.price * quantity) * 100
        else:
            continue
        value = round(value, 2)
        best = value if best is None else max(best, value)
    return best


def concession_kind(msg: Message, pct: float | None) -> str:
    if pct is not None or msg.has_entity(["percentage"]):
        return "korting"
    low = msg.lower
    for kind, words in KIND_WORDS:
        if any(w in low for w in words):
            return kind
    return "korting"


def concession_value(msg: Message, kind: str, pct: float | None) -> str:
    if pct is not None:
        return f"{pct:g}%".replace(".", ",")
    return msg.text.strip()[:120]


def within_authority(conv: Conversation, kind: str, pct: float | None) -> bool:
    sc = conv.sc
    if kind != "korting":
        return bool(getattr(sc.bevoegdheid, kind))
    if pct is None:
        return sc.max_discount() > 0
    if pct > sc.max_discount() + 1e-9:
        return False
    product = sc.main_product()
    minimum = sc.margin.min_unit_price.get(product.id) if (sc.margin and product) else None
    return not (minimum is not None and product.price * (1 - pct / 100) < minimum - 0.005)


def is_concession(msg: Message) -> bool:
    """Only what the recogniser reads as a concession (so a quoted staffelkorting or the
    btw percentage is not one)."""
    return "concessie" in msg.moves


def check_concession(conv: Conversation, msg: Message) -> Concession | None:
    """Record a concession in the slots; None when the message concedes nothing.

    Runs once per student turn: a second call in the same turn (the standalone
    action_marge_controleren followed by the persona) reads but does not record again.
    """
    if not is_concession(msg):
        return None
    pct = conceded_pct(conv, msg)
    if pct is None and any(word in msg.lower for word in conv.sc.standaardaanbod):
        return None  # offering the briefing's standard offer (a free trial, free delivery) concedes nothing
    record = conv.memory.get("margin_checked") != conv.turn
    conv.memory["margin_checked"] = conv.turn
    memory = conv.memory
    objection = price_objection(conv)
    explored = bool(objection) and price_explored(conv, objection)
    first = bool(
        objection
        and memory.get("price_objections", 0) == 1
        and not explored
        and not memory.get("first_concession_seen")
    )
    kind = concession_kind(msg, pct)
    within = within_authority(conv, kind, pct)
    last = memory.get("last_signals") or []
    asked = bool(objection) or "weerstand.prijs" in last
    too_early = (asked and objection is not None and not explored) or (
        not asked and (any(s.startswith("koopsignaal.") for s in last) or not memory.get("needs"))
    )
    if record:
        if pct is not None:
            conv.set("korting_gegeven", max(conv.get("korting_gegeven"), pct))
        if kind == "korting" and not within and conv.sc.margin is not None:
            conv.set("korting_binnen_marge", False)
        if first:
            conv.set("concessie_bij_eerste_bezwaar", True)
        entry = {"beurt": conv.turn, "soort": kind, "waarde": concession_value(msg, kind, pct),
                 "gevraagd": asked, "te_vroeg": bool(too_early), "binnen_bevoegdheid": within}
        conv.set(SLOT, [*(conv.slots.get(SLOT) or []), entry])
    return Concession(pct=pct, first_objection=first, within=within, soort=kind, gevraagd=asked, te_vroeg=bool(too_early))


def note_exploration(conv: Conversation, msg: Message) -> None:
    """Exploring moves on an open objection count for the next turns (not this one)."""
    if msg.moves & EXPLORING_MOVES:
        for oid in conv.open_objections():
            conv.memory.setdefault("explored", {})[oid] = True
