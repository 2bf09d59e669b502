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


# Trainer round persona4: written turn by turn against the replies the supplier gave.
VENLO_FIRST = [
    "Goedemorgen, u spreekt met Sanne de Vries van Van Leeuwen Kantoorartikelen. Heeft u even tijd?",
    "Het gaat om inkooporder IO-7731. We missen nog toners, en onze eigen voorraad is bijna op. Kunnen die met spoed "
    "komen, bijvoorbeeld uit een ander magazijn?",
    "Fijn. Er zijn er 30 geleverd in plaats van 50, dus we missen er twintig. Kunt u die twintig uit Venlo sturen?",
    "Dat begrijp ik. De chauffeur heeft bij ontvangst '30 toners' op de vrachtbrief gezet. Ik mail u de afgetekende "
    "vrachtbrief meteen.",
    "Precies. U zei net dat Venlo er nog heeft liggen. Wanneer kunnen die twintig bij ons zijn?",
]
ASKS_WELL = ("Dit is echt een spoedorder: onze eigen voorraad is bijna op en er wacht een klant. Kunt u de twintig "
             "vandaag uit Venlo laten komen, zodat ze er uiterlijk donderdag zijn?")


def test_one_stock_story_once_he_told_that_venlo_has_toners():
    """He said Venlo had toners for rush orders, and two turns later "Die twintig toners zitten in
    backorder; ik kan u nog geen datum geven. Ik laat het u volgende week weten." Now his delay
    point starts from what he said: the factory is late, Venlo is for rush orders."""
    _, replies = play(VENLO_FIRST, seed=1)
    assert "Venlo" in text(replies[1]), replies[1]
    point = text(replies[-1])
    assert replies[-1][-1]["labels"] == ["weerstand.uitstel"], replies[-1]
    assert "Venlo" in point and "geen datum" not in point and "volgende week" not in point, point


def test_a_student_who_asks_for_the_remedy_in_time_gets_a_date():
    """"Kunt u de twintig vandaag uit Venlo laten komen, zodat ze er uiterlijk donderdag zijn?"
    (recognised as doorvragen) got "De TN-5500 staat in ons centrale magazijn op nul": a
    question proposing the remedy in time is the closed question his point waits for."""
    _, replies = play(VENLO_FIRST + [ASKS_WELL], seed=1)
    last = text(replies[-1])
    assert "donderdag" in last and "Venlo" in last, last
    assert "op nul" not in last, last


def test_who_can_change_the_invoice_is_answered_with_who():
    """"Wie kan dat aanpassen?" got the invoice details ("Vijftig toners à tweeënveertig euro")
    or "Is er verder nog iets?": the answer is who decides, before and after he raised it."""
    before = VENLO_FIRST[:2] + ["Dan nog iets anders: de factuur die we kregen klopt niet. Wie kan dat aanpassen?"]
    _, replies = play(before, seed=1)
    assert "administratie" in text(replies[-1]), replies[-1]
    _, replies = play(OPENING + INVOICE[:3], seed=7)
    assert "administratie" in text(replies[-1]) and "vijftig toners" not in text(replies[-1]).lower(), replies[-1]
    _, replies = play(STRONG[:9], seed=1)
    assert "administratie" in text(replies[-1]) and "tweeënveertig" not in text(replies[-1]), replies[-1]


def test_a_day_asked_for_what_he_already_agreed_is_confirmed_while_the_invoice_is_open():
    """"Kunt u toezeggen dat de twintig toners uit Venlo vrijdag bij ons zijn?" right after "dan
    heeft u ze uiterlijk donderdag" got "Daar kom ik zo op terug": the invoice still keeps the
    deal open, but the day for the toners he can confirm."""
    _, replies = play(STRONG[:7], seed=1)
    assert "uiterlijk donderdag" in text(replies[5]), replies[5]
    last = text(replies[-1])
    assert "vrijdag zijn ze bij u" in last and "zo op terug" not in last, last


def test_asked_again_about_what_he_agreed_he_confirms_it():
    """Trainer script 2.7 (off-script): "Maar u zei net dat Venlo ze nog heeft liggen? Kunnen die
    niet hierheen?" right after "Ik laat de twintig vandaag nog uit Venlo komen" got "Is er
    verder nog iets waarmee ik u kan helpen?". He confirms the agreement in other words."""
    _, replies = play(VENLO_FIRST + [ASKS_WELL, "Maar u zei net dat Venlo ze nog heeft liggen? Kunnen die niet hierheen?"],
                      seed=1)
    last = text(replies[-1])
    assert "Venlo" in last and "donderdag" in last.lower() and "verder nog iets" not in last, last


# QA round 3 (a sales trainer's strong script, seed 9): four requests to act were read as
# questions for a fact.
REQUESTS = [
    "Goedemiddag meneer Bosman, u spreekt met Eva Mulder van Van Leeuwen Kantoorartikelen. Ik bel over inkooporder "
    "IO-7731 van 3 november. Heeft u even?",
    "De levering kwam drie werkdagen te laat en er zaten maar 30 van de 50 toners TN-5500 bij; de chauffeur heeft dat "
    "op de vrachtbrief gezet. Daarnaast staat op factuur F-2026-1182 50 toners à 42 euro, terwijl we een vaste prijs "
    "van 38,50 euro hebben afgesproken tot 31 december. Kunt u nagaan wat er is misgegaan?",
    "Ik begrijp dat uw systeem iets anders zegt. De chauffeur heeft op de vrachtbrief genoteerd dat er 30 toners zijn "
    "geleverd; ik kan u een kopie mailen. Wanneer kunt u de ontbrekende 20 toners leveren? Onze voorraad is bijna op "
    "en er wacht een klant.",
    "Dat is vervelend. Wanneer verwacht u nieuwe voorraad, en kunt u de 20 toners dan met voorrang naar ons sturen? "
    "Ik heb een vaste leverdatum nodig.",
    "Dit is eigenlijk een spoedorder, want onze klant wacht en u had de 50 toners al moeten leveren. Kunt u de 20 "
    "toners uit Venlo sturen, zodat ze uiterlijk vrijdag bij ons zijn?",
    "Ja, ik wil eerst graag een antwoord op mijn vraag: kunt u de 20 toners uit Venlo uiterlijk vrijdag leveren?",
    "Dus de 20 toners worden uiterlijk vrijdag geleverd. Dan de factuur: er staat 50 toners à 42 euro op, maar we "
    "hebben er 30 ontvangen tegen de afgesproken vaste prijs van 38,50 euro. Stuurt u een creditnota of een "
    "gecorrigeerde factuur?",
    "Klopt, en dat is dus niet juist. Wij hebben 30 toners ontvangen en de vaste prijs is 38,50 euro tot 31 december. "
    "Kunt u mij toezeggen dat u een gecorrigeerde factuur stuurt voor 30 toners à 38,50 euro?",
    "Ik snap dat de pakbon 50 zegt. Op onze vrachtbrief staat met handtekening van uw chauffeur dat er 30 zijn "
    "geleverd. Ik mail u die nu. Kunt u na ontvangst de factuur corrigeren naar 30 toners à 38,50 euro?",
    "Dank u. De vaste prijs van 38,50 euro staat op onze inkooporder IO-7731. Stuurt u een creditnota of een "
    "gecorrigeerde factuur voor 30 toners à 38,50 euro?",
    "Dat is uw huidige prijs, maar voor deze order geldt de afgesproken vaste prijs van 38,50 euro tot 31 december. "
    "Wilt u dat in het contract nakijken en mij toezeggen dat u de factuur corrigeert?",
]


def test_a_request_while_he_still_doubts_the_count_gets_his_condition():
    """"Kunt u de 20 toners uit Venlo sturen, zodat ze uiterlijk vrijdag bij ons zijn?" got "Is er
    verder nog iets waarmee ik u kan helpen?", asked again "Ja, precies.", and "Stuurt u een
    creditnota?" the invoice details. While he still sees fifty on the packing slip, each request
    gets a clear "not yet, first the count", never a fact that shares a word with it."""
    _, replies = play(REQUESTS[:7], seed=9)
    for reply in replies[4:7]:
        said = text(reply)
        assert "verder nog iets" not in said and said != "Ja, precies." and "F-2026-1182" not in said, said
        assert [m["reason"] for m in reply] == ["objection"], reply
    assert "pakbon" in text(replies[4]) and "pakbon" in text(replies[5]), replies[4:6]
    assert len({text(r) for r in replies[4:7]}) == 3  # never the same line twice


def test_a_request_for_the_credit_note_is_answered_with_what_he_can_do():
    """"Stuurt u een creditnota of een gecorrigeerde factuur voor 30 toners à 38,50 euro?" got "De
    TN-5500 kost 42 euro per stuk" (the catalogue price, for "vaste prijs" in the sentence before),
    and "... mij toezeggen dat u de factuur corrigeert?" then "Is er verder nog iets?". Now he says
    what he can do, and then promises it; the call ends solved."""
    r, replies = play(REQUESTS, seed=9)
    credit = text(replies[9])
    assert "creditnota" in credit and "42 euro" not in credit, credit
    promise = text(replies[10])
    assert "creditnota" in promise and "verder nog iets" not in promise and "Venlo" not in promise, promise
    assert "F-2026-1182" not in text(replies[8]), replies[8]  # the count settled: no invoice details beside it


def test_a_request_for_a_corrected_invoice_before_his_point_gets_his_point():
    """"Stuurt u ons een gecorrigeerde factuur?" before he said who handles invoices got the
    invoice details ("Factuur F-2026-1182, ja. Vijftig toners ..."): the request asks him to act,
    and his answer is his own point about it, that the administration makes the invoices."""
    for ask in ("Dan nog de factuur. Stuurt u ons een gecorrigeerde factuur?", "Kunt u de factuur corrigeren?"):
        _, replies = play(VENLO_FIRST[:2] + [ask], seed=1)
        last = replies[-1]
        assert "administratie" in text(last) and "F-2026-1182" not in text(last), last
        assert last[-1]["labels"] == ["weerstand.bevoegdheid"], last
