"""2.7, the supplier (the student is the buyer), played through the real recogniser and engine
the way the sales trainer played it (trainer round A4): one reaction per line, a point she keeps
open is not conceded in between, and a delivery day asked for is confirmed in so many words."""

from __future__ import annotations

from bot.engine.session import start, step

SID = "2.7-leverancier-toners"


def play(turns: list[str], seed: int, level: str = "gemiddeld"):
    r = start(SID, difficulty=level, seed=seed)
    replies = []
    for text in turns:
        r = step(r.state, text)
        replies.append(r.messages)
    return r, replies


def text(messages: list[dict]) -> str:
    return " ".join(m["text"] for m in messages)


OPENING = [
    "Goedemorgen meneer Bosman, u spreekt met Noa Bakker van Van Leeuwen Kantoorartikelen. Ik bel over onze "
    "inkooporder IO-7731 van 3 november.",
    "De levering kwam drie werkdagen te laat, en er zaten maar 30 toners bij in plaats van 50. De chauffeur heeft dat "
    "op de vrachtbrief gezet.",
    "Ik begrijp dat uw pakbon iets anders zegt. Wat ziet u precies in uw systeem?",
]
INVOICE = [
    "Precies, dat denk ik ook. Wanneer kunnen de 20 ontbrekende toners bij ons zijn?",
    "Op factuur F-2026-1182 staan 50 toners à 42,00 euro, maar we hebben een vaste prijs van 38,50 euro tot 31 "
    "december. Kunt u dat corrigeren?",
    "Dat begrijp ik. Wie kan dat dan wel aanpassen?",
    "Die prijsafspraak staat in ons contract: 38,50 euro tot 31 december. Kunt u een creditnota laten maken voor "
    "30 toners à 38,50 euro?",
]


def test_the_request_for_the_remedy_settles_the_invoice_in_one_reaction():
    """"Kunt u een creditnota laten maken?" was answered with "Een prijsafspraak? Dat moet ik in
    het contract nakijken" (a fact her own objection had already said), and the next turn got
    the agreement; an agreement also came with "De TN-5500 kost 42 euro". Now the request is
    her step: she agrees, and nothing in that line doubts or contradicts it."""
    _, replies = play(OPENING + INVOICE, seed=7)
    last = text(replies[-1])
    assert "creditnota" in last, last
    assert "nakijken" not in last and "42 euro" not in last, last
    assert [m["reason"] for m in replies[-1]] == ["objection"], replies[-1]


def test_while_she_waits_for_proof_of_the_count_she_concedes_nothing_about_it():
    """The packing-slip point came back after she had said "het kan natuurlijk misgaan bij het
    laden" and "een creditnota voor de twintig toners die nog niet geleverd zijn": her lines in
    between no longer concede the count she still asks proof for."""
    r, replies = play(OPENING + INVOICE, seed=7)
    said = " ".join(text(m) for m in replies)
    assert "zwart op wit" in text(replies[2]) or "op papier" in text(replies[2]), replies[2]
    assert "niet geleverd" not in said, said
    bye = step(r.state, "Kunt u toezeggen dat de twintig toners vrijdag bij ons zijn?")
    assert "papier" in text(bye.messages), bye.messages  # still open: she asks for the proof, consistently


STRONG = [
    "Goedemorgen meneer Bosman, u spreekt met Noa Bakker van Van Leeuwen Kantoorartikelen. Ik bel over onze "
    "inkooporder IO-7731 van 3 november. Heeft u even tijd?",
    "Klopt. Er zijn twee dingen misgegaan: de levering kwam drie werkdagen te laat, en er zaten maar 30 toners bij in "
    "plaats van 50. De chauffeur heeft dat op de vrachtbrief gezet. Wanneer kunnen jullie de 20 ontbrekende toners "
    "leveren?",
    "Ik begrijp dat uw pakbon iets anders zegt. Onze chauffeur-aftekening op de vrachtbrief vermeldt 30 toners; die "
    "kan ik u vandaag nog mailen, dan kunt u het naast uw pakbon leggen. Wanneer verwacht u de TN-5500 weer binnen?",
    "Ja, de vrachtbrief met de aantekening van uw chauffeur: 30 toners ontvangen. Ik mail hem u direct na dit gesprek. "
    "Wanneer kunt u de 20 ontbrekende toners leveren?",
    "Ik begrijp dat de fabrikant een probleem heeft. U zei net dat Venlo er nog twintig heeft liggen: kunnen die met "
    "spoed naar ons komen?",
    "Dat begrijp ik, een productieprobleem kunt u niet helpen. Maar onze voorraad is bijna op en er wacht een klant. "
    "Heeft u in een ander magazijn nog toners liggen?",
    "Dit is echt een spoedorder voor ons. Kunt u toezeggen dat de twintig toners uit Venlo vrijdag bij ons zijn?",
    "Fijn, donderdag is prima. Dan de factuur: op F-2026-1182 staan 50 toners à 42,00 euro, maar we hebben een vaste "
    "prijs van 38,50 euro tot 31 december en we kregen er maar 30.",
    "Dat begrijp ik. Wie bij u kan de factuur corrigeren?",
    "De prijsafspraak staat in ons contract. Kunt u een creditnota laten maken zodat de factuur klopt met 30 toners "
    "à 38,50 euro?",
]


def test_the_delivery_day_asked_for_at_the_close_is_confirmed_in_so_many_words():
    """"Kunt u toezeggen dat de twintig toners vrijdag bij ons zijn?" got "Goed, zo doen we het.
    Ik regel de creditnota": the day was never said. Now the agreement repeats the day of the
    toners (not the day the student named for something else in the same question)."""
    r, _ = play(STRONG, seed=1)
    close = step(r.state, "Kunt u toezeggen dat de twintig toners vrijdag bij ons zijn?")
    assert "vrijdag zijn ze bij u" in text(close.messages), close.messages
    both = step(r.state, "Kunt u toezeggen dat de creditnota er vrijdag is en dat de twintig toners donderdag bij "
                         "ons zijn?")
    assert "donderdag zijn ze bij u" in text(both.messages), both.messages
    assert "creditnota maken" not in text(both.messages)  # said in the turn before: not again
