"""Fact checking in free text: what the student states about prices, quantities, delivery
times and product properties is compared with the scenario's catalogue and `facts`.

A wrong figure is recorded in slot `feitfouten` (contracts §3) as
`{"beurt", "soort", "genoemd", "juist", "zin"}`; the persona reacts in character
(lines `feit_<soort>`). Only statements count: a sentence that asks something ("Kost hij
649 euro?") is no claim, and neither is a concession (a lower price is a discount, which
the margin check records) or a quotation (2.4 has its own arithmetic check).

The catalogue facts (price, stock, delivery time, `features`) are the student's own
company's: they are checked when the persona is the customer (`role: klant`). In a
complaint call (a `klacht` objection) a faster delivery is the remedy, not a wrong fact. A
scenario's own `facts` are checked in every role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from actions.persona.message import Message, find_keyword, keyword_hits
from actions.persona.state import Conversation
from actions.persona.texts import euro
from bot.scenarios.models import Product

SLOT = "feitfouten"
NUMBER_WORDS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "veertien": 14, "vijftien": 15, "twintig": 20,
    "dertig": 30, "veertig": 40, "vijftig": 50, "honderd": 100,
}
_NUMBER = r"(\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
DAYS = re.compile(_NUMBER + r"\s+(werk)?dag(en)?\b")
SAME_DAY = re.compile(r"\b(vandaag nog|dezelfde dag|binnen 24 uur|binnen een dag|binnen één dag)\b")
STOCK_NUMBER = re.compile(_NUMBER + r"\s+(stuks?\s+|exemplaren\s+|dozen\s+|artikel\s+)?(op|in)\s+(voorraad|het magazijn)")
STOCK_NUMBER_AFTER = re.compile(r"voorraad\s+(van|is|zijn)\s+(nog\s+)?" + _NUMBER)
NEGATION = re.compile(r"\b(niet|geen|zonder|nooit)\b")
PER_UNIT = re.compile(r"\s*(?:excl\.?\s*btw\s*)?(?:per|p/|a|à)\s+(\w+)")
DELIVERY_WORDS = ("lever", "bezorg", "in huis", "staat bij u", "staat hij bij u", "staan ze bij u", "bij u binnen",
                  "verzend", "verstuur", "ontvangt u")
# A sentence about a gap ("het verschil is negentig euro", "dat scheelt", "erboven"): its
# amount may be the gap between the price and the customer's budget.
DIFFERENCE = re.compile(r"\b(verschil\w*|scheel\w*|boven|erboven|eronder|onder uw budget|meer dan uw budget)\b")
DISCOUNT_WORDS = ("korting", "eraf", "er af", "voor u", "speciaal", "aanbieding", "actie")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
PRICE_TOLERANCE = 0.01  # 1 %: "650 euro" for 649 is rounding, not a wrong price


@dataclass
class FactError:
    soort: str  # prijs | aantal | levertijd | eigenschap
    genoemd: str  # what the student said
    juist: str  # what is right
    zin: str  # the student's sentence

    def entry(self, turn: int) -> dict:
        return {"beurt": turn, "soort": self.soort, "genoemd": self.genoemd, "juist": self.juist, "zin": self.zin}


def number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each sentence; a decimal comma or point stays inside its number."""
    out = []
    for m in re.finditer(r"(?:[^.!?;]|(?<=\d)[.,](?=\d))+[.!?;]*", text):
        if m.group().strip():
            out.append((m.start(), m.end(), m.group()))
    return out


def quantities_named(sc, low: str) -> list[int]:
    """Numbers right before a catalogue name ("de veertig winterjassen", "40 jassen")."""
    names = sorted({n.lower() for p in sc.catalogue for n in p.names}, key=len, reverse=True)
    if not names:
        return []
    pattern = re.compile(r"\b" + _NUMBER + r"\s+(?:" + "|".join(map(re.escape, names)) + r")\b")
    return [n for m in pattern.finditer(low) if (n := number(m.group(1))) is not None and n > 1]


def working_days_until(target: date, today: date) -> int:
    days, day = 0, today
    while day < target:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def product_mentions(sc, msg: Message, start: int, end: int) -> list[tuple[int, Product]]:
    """(position, product) of every catalogue product named in text[start:end].

    A product called by its proper name ("AquaPuur Duo", "MF 450": a name with a capital or a
    digit) outranks one only called by a common noun ("tap", "filter") in the same sentence:
    "de AquaPuur Duo … bruiswater uit de tap" is about the Duo, not about the other tap."""
    found: list[tuple[int, Product, bool]] = []
    for e in msg.entities:
        at = int(e.get("start") or 0)
        if e.get("entity") == "product" and start <= at < end:
            product = sc.product(str(e.get("value")))
            if product:
                found.append((at, product, _proper(msg.text[at:int(e.get("end") or at)])))
    if not found:
        low = msg.lower
        for product in sc.catalogue:
            for name in product.names:
                pos = low.find(name.lower(), start, end)
                if pos >= 0:
                    found.append((pos, product, _proper(name)))
                    break
    if any(proper for _, _, proper in found):
        found = [item for item in found if item[2]]
    return sorted(((at, product) for at, product, _ in found), key=lambda item: item[0])


def _proper(name: str) -> bool:
    return any(ch.isupper() or ch.isdigit() for ch in name)


def price_ok(product: Product, amount: float, quantities: list[int], catalogue: list[Product] = (),
             btw: bool = False, budget: float | None = None) -> bool:
    """The amount is the unit price, a staffel price, a total for a quantity named, a monthly
    share of a yearly price, the difference with another product of the same unit ("twaalf
    euro per maand meer"), or one of those incl. 21 % btw (when the sentence speaks of btw).
    `budget`: the customer's budget, when the sentence speaks of a difference; the gap between
    the price (or a total) and that budget is then a right figure too ("het verschil is zo'n
    negentig euro")."""
    bases = [product.price]
    bases += [abs(product.price - other.price) for other in catalogue if other.id != product.id and other.unit == product.unit]
    if product.unit == "jaar":
        bases.append(product.price / 12)
    for n in quantities:
        unit = product.price * (1 - product.staffel_pct(n) / 100)
        bases += [unit, unit * n, product.price * n]
    if budget:
        bases += [abs(b - budget) for b in list(bases) if abs(b - budget) > 0.005]
    candidates = bases + ([b * 1.21 for b in bases] if btw else [])
    return any(abs(amount - c) <= c * PRICE_TOLERANCE + 0.005 for c in candidates)


def stated_days(sentence: str, msg: Message, start: int, end: int, today: date) -> tuple[int, str] | None:
    """Working days the sentence promises, with the words that said it."""
    low = sentence.lower()
    m = DAYS.search(low)
    if m and number(m.group(1)) is not None:
        return number(m.group(1)), m.group(0)
    m = SAME_DAY.search(low)
    if m:
        return 0, m.group(0)
    for e in msg.entities:
        if not start <= int(e.get("start") or 0) < end:
            continue
        said = msg.text[int(e.get("start") or 0): int(e.get("end") or 0)] or str(e.get("value"))
        if e.get("entity") == "datum":
            try:
                return working_days_until(date.fromisoformat(str(e.get("value"))), today), said
            except ValueError:
                continue
        if e.get("entity") == "weekdag" and str(e.get("value")).lower() in WEEKDAYS:
            ahead = (WEEKDAYS.index(str(e.get("value")).lower()) - today.weekday()) % 7 or 7
            return working_days_until(today + timedelta(days=ahead), today), said
    return None


def stated_stock(sentence: str, names: tuple[str, ...] = ()) -> tuple[int, str] | None:
    """The stock the sentence states; a number inside a product name ("zes Flex 160 op
    voorraad") is no quantity: the names (longest first) stand aside as one word."""
    low = sentence.lower()
    for name in sorted(names, key=len, reverse=True):
        low = re.sub(r"\b" + re.escape(name.lower()) + r"\b", "artikel", low)
    m = STOCK_NUMBER.search(low)
    if m and number(m.group(1)) is not None:
        return number(m.group(1)), m.group(0)
    m = STOCK_NUMBER_AFTER.search(low)
    if m and number(m.group(3)) is not None:
        return number(m.group(3)), m.group(0)
    return None


def claims(low: str, keywords: list[str]) -> bool | None:
    """Does the sentence say the property is there (True) or not (False)? The negation must
    stand next to the keyword: "kan niet scannen", not "scant, dus geen gedoe". None: no keyword."""
    for k in keywords:
        pos = find_keyword(low, k)
        if pos >= 0:
            near = low[max(0, pos - 25): pos + len(k) + 12]
            return not NEGATION.search(near)
    return None


def derived_figure(text: str, end: int, unit: str) -> bool:
    """"14 euro per maand" when the product is priced per stuk: a figure worked out from the
    price (per month, per page), not the price itself."""
    m = PER_UNIT.match(text[end:end + 30].lower())
    return bool(m and not unit.lower().startswith(m.group(1)))


def _days(n: float) -> str:
    n = int(n)
    return "één werkdag" if n == 1 else f"{n} werkdagen"


class FactChecker:
    def __init__(self, conv: Conversation, msg: Message, today: date | None = None):
        self.conv, self.msg, self.sc = conv, msg, conv.sc
        self.today = today or date.today()
        self.errors: list[FactError] = []

    def run(self) -> list[FactError]:
        msg = self.msg
        if msg.text.strip().startswith("/"):
            return []  # a button, not a sentence
        current = self.sc.product(self.conv.memory.get("last_product"))
        for start, end, sentence in sentences(msg.text):
            mentions = product_mentions(self.sc, msg, start, end)
            if mentions:
                current = mentions[-1][1]
            if sentence.strip().endswith("?"):
                continue  # a question states nothing
            if self.sc.role == "klant":
                self.catalogue_facts(start, end, sentence, mentions, current)
            self.scenario_facts(start, end, sentence)
        if current is not None:
            self.conv.memory["last_product"] = current.id
        named = [int(n) for n in msg.numbers("aantal") if n == int(n)]
        named += [n for n in quantities_named(self.sc, msg.lower) if n not in named]
        if named:  # a total may come a turn after its quantity ("veertig jassen" ... "2.890,60")
            known = self.conv.memory.setdefault("quantities", [])
            known.extend(n for n in named if n not in known)
        self.conv.memory["recent_products"] = list(dict.fromkeys(
            p.id for _, p in product_mentions(self.sc, msg, 0, len(msg.text))))
        return self.errors

    def add(self, soort: str, genoemd: str, juist: str, sentence: str) -> None:
        self.errors.append(FactError(soort, genoemd.strip(), juist, sentence.strip()))

    def catalogue_facts(self, start, end, sentence, mentions, current) -> None:
        msg, low = self.msg, sentence.lower()
        conceding = "concessie" in msg.moves or any(w in low for w in DISCOUNT_WORDS)
        if not conceding and self.sc.quotation is None:
            quantities = [int(n) for n in msg.numbers("aantal")]
            quantities += [q for q in self.conv.memory.get("quantities") or [] if q not in quantities]
            agreed = self.conv.slots.get("afspraken") or {}
            if isinstance(agreed, dict) and agreed.get("aantal"):
                quantities.append(int(agreed["aantal"]))
            for e in msg.entities:
                pos = int(e.get("start") or 0)
                if e.get("entity") != "bedrag" or not start <= pos < end:
                    continue
                before = [p for at, p in mentions if at < pos]
                product = before[-1] if before else (mentions[0][1] if mentions else current)
                try:
                    amount = float(e.get("value"))
                except (TypeError, ValueError):
                    continue
                if product is not None and derived_figure(msg.text, int(e.get("end") or pos), product.unit):
                    continue
                # "… en het servicecontract Plus. Hij kost 649 euro.": a sentence that names no
                # product may be about any product of the message, the last one or the focus one
                others = [] if before or mentions else [
                    *(p for _, p in product_mentions(self.sc, msg, 0, len(msg.text))), self.sc.main_product()]
                budget = self.sc.persona.budget if DIFFERENCE.search(low) else None
                if any(p is not None and price_ok(p, amount, quantities, self.sc.catalogue, "btw" in low, budget)
                       for p in others):
                    continue
                if product is not None and not price_ok(product, amount, quantities, self.sc.catalogue, "btw" in low,
                                                        budget):
                    said = msg.text[pos: int(e.get("end") or pos)] or euro(amount, symbol=True)
                    self.add("prijs", said, f"{euro(product.price, symbol=True)} per {product.unit}", sentence)
        product = mentions[-1][1] if mentions else current
        if product is None:
            product = self.sc.product((self.conv.slots.get("afspraken") or {}).get("product")) or self.sc.main_product()
        if product is None:
            return
        if "voorraad" in low and product.stock is not None:
            stock = stated_stock(sentence, tuple(n for p in self.sc.catalogue for n in p.names))
            # "Klopt, er staan er zes op voorraad" names no product: any product of this or the
            # previous message may be meant (the bureaus, not the chair named last)
            in_play = [] if mentions else [
                *(p for _, p in product_mentions(self.sc, msg, 0, len(msg.text))),
                *filter(None, map(self.sc.product, self.conv.memory.get("recent_products") or []))]
            if stock is not None and any(p.stock == stock[0] for p in in_play):
                stock = None
            if stock is not None and stock[0] != product.stock:
                self.add("aantal", stock[1], f"{product.stock} op voorraad", sentence)
        complaint = any(o.signal == "klacht" for o in self.sc.objections)  # faster delivery is the remedy there
        if product.delivery_days is not None and not complaint and any(w in low for w in DELIVERY_WORDS):
            days = stated_days(sentence, msg, start, end, self.today)
            if days is not None and days[0] < product.delivery_days:
                self.add("levertijd", days[1], f"levering binnen {_days(product.delivery_days)}", sentence)
        for at, named in mentions:
            # The part of the sentence about this product: from its name to the next product's.
            following = [p for p, _ in mentions if p > at]
            part = msg.lower[at: following[0] if following else end]
            for feature in named.features:
                said = claims(part, feature.keywords)
                if said is not None and said != feature.has:
                    self.add("eigenschap", sentence, feature.juist, sentence)

    def scenario_facts(self, start, end, sentence) -> None:
        msg, low = self.msg, sentence.lower()
        for fact in self.sc.facts:
            if not keyword_hits(low, fact.keywords):
                continue
            if fact.soort == "eigenschap":
                said = claims(low, fact.keywords)
                if said is not None and said != fact.has:
                    self.add("eigenschap", sentence, fact.juist, sentence)
                continue
            right = [float(fact.value or 0), *fact.also]
            if fact.soort == "levertijd":
                days = stated_days(sentence, msg, start, end, self.today)
                if days is not None and days[0] < float(fact.value or 0):
                    self.add("levertijd", days[1], fact.juist, sentence)
                continue
            entity = "bedrag" if fact.soort == "prijs" else "aantal"
            for e in msg.entities:
                pos, stop = int(e.get("start") or 0), int(e.get("end") or 0)
                if e.get("entity") != entity or not start <= pos < end:
                    continue
                near = msg.lower[pos: stop + 25] if entity == "aantal" else msg.lower[max(start, pos - 40): stop + 25]
                if not keyword_hits(near, fact.keywords):
                    continue
                try:
                    value = float(e.get("value"))
                except (TypeError, ValueError):
                    continue
                if not any(abs(value - r) <= (r * PRICE_TOLERANCE + 0.005 if entity == "bedrag" else 0) for r in right):
                    self.add(fact.soort, msg.text[pos:stop], fact.juist, sentence)


def check_facts(conv: Conversation, msg: Message, today: date | None = None) -> list[FactError]:
    """Record the wrong facts of this turn in `feitfouten` (once per turn) and return them."""
    if conv.memory.get("facts_checked") == conv.turn:
        return []
    conv.memory["facts_checked"] = conv.turn
    errors = FactChecker(conv, msg, today).run()
    if errors:
        items = list(conv.slots.get(SLOT) or [])
        items += [e.entry(conv.turn) for e in errors]
        conv.set(SLOT, items)
    return errors
