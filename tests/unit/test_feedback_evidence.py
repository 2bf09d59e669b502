"""Praise needs evidence: a "goed" item quotes a sentence that has the move (and the words the
move needs), a check whose trigger never happened is niet van toepassing, the persona's new
slots (feitfouten, concessies) cost points, model-made labels are named as such, and a
clarification is never a signal."""

from __future__ import annotations

from bot.feedback import build_report, turn_hint
from bot.feedback.script import script_events

K, S = "klant", "student"
SC = "2.3-inbound-printer"
SERVICE = "3.3-service-watertap"
VAKDESKUNDIG = "Vakdeskundigheid toepassen"
COMMERCIEEL = "Ondernemend en commercieel handelen"
INSTRUCTIES = "Instructies en procedures opvolgen"
OPENING = (K, "Goedemorgen, met Ingrid de Vries van Bakkerij De Vries. Ik zoek een nieuwe printer.", [])
GREETING = (S, "Goedemorgen mevrouw De Vries, u spreekt met Sanne van Kantoorgemak. Waarvoor gebruikt u de printer?",
            ["begroeting", "open_vraag"])


def report(lines, scenario=SC, slots=None, mode="oefenen"):
    return build_report(script_events(lines, scenario, mode=mode, slots=slots), scenario)


def check(rep, check_id):
    return next(c for c in rep["checks"] if c["id"] == check_id)


def items(rep, check_id, kind=None):
    return [f for f in rep["feedback"] if f["check"] == check_id and (kind is None or f["kind"] == kind)]


# --- greeting and goodbye need their words ------------------------------------------------------

def test_hoi_is_no_business_greeting():
    rep = report([OPENING, (S, "hoi", ["begroeting"]), (K, "Eh, goedemorgen.", [])])
    assert check(rep, "begroeting")["passed"] is False
    assert not items(rep, "begroeting", "goed")
    [bad] = items(rep, "begroeting", "verbeterpunt")
    assert bad["quote"] == "hoi" and "Kantoorgemak" in bad["suggestion"] and "…" not in bad["suggestion"]


def test_a_greeting_needs_the_name_and_the_company():
    for text in ("Goedemorgen mevrouw De Vries.", "Goedemorgen, met Sanne.", "Hoi, met Sanne van Kantoorgemak."):
        rep = report([OPENING, (S, text, ["begroeting"])])
        assert check(rep, "begroeting")["passed"] is False, text
    rep = report([OPENING, GREETING])
    assert check(rep, "begroeting")["passed"] is True
    [good] = items(rep, "begroeting", "goed")
    assert good["quote"] == GREETING[1]


def test_doei_is_no_polite_goodbye_and_gets_a_tip():
    lines = [OPENING, GREETING, (K, "Vooral facturen.", []), (S, "Doei!", ["afscheid"])]
    rep = report(lines)
    assert check(rep, "afscheid")["passed"] is False
    [bad] = items(rep, "afscheid", "verbeterpunt")
    assert bad["quote"] == "Doei!"
    hint = turn_hint(script_events(lines, SC), SC)
    assert hint and "bedank" in hint.lower()
    good = report([OPENING, GREETING, (K, "Vooral facturen.", []),
                   (S, "Dank u wel voor het gesprek en nog een fijne dag.", ["afscheid"])])
    assert check(good, "afscheid")["passed"] is True


# --- no trigger, no verdict ---------------------------------------------------------------------

def test_avoidance_checks_without_an_opportunity_do_not_apply():
    rep = report([OPENING, (S, "ok", []), (K, "Pardon?", [])])
    assert check(rep, "geen_ja_maar")["passed"] is None  # no objection, no complaint
    assert check(rep, "u_vorm")["passed"] is None  # the student never addressed the customer
    assert not items(rep, "geen_ja_maar") and not items(rep, "u_vorm")


def test_avoidance_praise_quotes_the_opportunity():
    rep = report([OPENING, GREETING, (K, "Dat is me te duur.", ["weerstand.prijs"]),
                  (S, "Dat begrijp ik. Waarmee vergelijkt u de prijs?", ["begrip_tonen", "doorvragen"])])
    [good] = items(rep, "geen_ja_maar", "goed")
    assert good["quote"] == "Dat begrijp ik. Waarmee vergelijkt u de prijs?"


def test_order_check_without_the_second_move_does_not_apply():
    # service before add-on: no add-on was ever offered, so nothing to praise about the order
    lines = [(K, "Het filterlampje brandt. Kan er iemand komen?", ["klacht"]),
             (S, "Goedemorgen mevrouw Ouali, u spreekt met Sanne van AquaPuur. Wat vervelend, excuses daarvoor.",
              ["begroeting", "excuses"]),
             (K, "Ja, vervelend is het wel.", []),
             (S, "Ik plan de monteur donderdagochtend voor u in.", ["toezegging"])]
    rep = report(lines, SERVICE)
    assert check(rep, "eerst_service_dan_verkoop")["passed"] is None
    assert not items(rep, "eerst_service_dan_verkoop")


def test_one_open_question_is_no_praise_for_asking_questions():
    rep = report([OPENING, GREETING, (K, "Vooral facturen.", [])])
    assert check(rep, "vragen_stellen")["passed"] is False
    assert not items(rep, "vragen_stellen", "goed")


# --- the persona's slots ------------------------------------------------------------------------

WRONG_PRICE = (S, "De MF 450 kost 549 euro.", [])
FACT_ERROR = {"beurt": 2, "soort": "prijs", "genoemd": "549 euro", "juist": "€ 649", "zin": "De MF 450 kost 549 euro."}


def test_a_wrong_price_is_a_point_under_vakdeskundigheid():
    rep = report([OPENING, GREETING, (K, "Wat kost hij?", []), WRONG_PRICE, (K, "Hm, ik had 649 gezien.", [])],
                 slots={"feitfouten": [FACT_ERROR]})
    assert check(rep, "feiten_juist")["passed"] is False
    [bad] = items(rep, "feiten_juist", "verbeterpunt")
    assert bad["quote"] == "De MF 450 kost 549 euro." and bad["turn"] == 2
    assert "549 euro" in bad["text"] and "€ 649" in bad["text"] and "de prijs" in bad["text"]  # sentence and right figure
    assert bad["competency"] == VAKDESKUNDIG
    assert rep["competencies"][VAKDESKUNDIG] < 100


def test_no_fact_slot_is_an_empty_list():
    # an old conversation (no slot): no fault; without any stated figure nothing to judge
    rep = report([OPENING, GREETING, (K, "Vooral facturen.", [])])
    assert check(rep, "feiten_juist")["passed"] is None
    def stated(amount):
        events = script_events([OPENING, GREETING, (K, "Wat kost hij?", []), (S, f"Hij kost {amount:g} euro.", [])], SC)
        events[-1]["parse_data"]["entities"] = [{"entity": "bedrag", "value": amount}]
        return check(build_report(events, SC), "feiten_juist")["passed"]

    assert stated(649.0) is True  # a catalogue price: evidence the figure was right
    assert stated(149.0) is None  # not a known price and no verdict from the persona: no praise


DISCOUNT = (S, "Als u vandaag bestelt, krijgt u 5% korting. Zal ik hem bestellen?", ["concessie", "afsluitvraag"])


def _concession(**fields):
    entry = {"beurt": 2, "soort": "korting", "waarde": "5%", "gevraagd": True, "te_vroeg": False,
             "binnen_bevoegdheid": True}
    entry.update(fields)
    return entry


def _deal(concession):
    lines = [OPENING, GREETING, (K, "Hoe snel kunt u leveren?", ["koopsignaal.levering"]), DISCOUNT,
             (K, "Nou, dan doe ik het.", ["koopsignaal.instemming"]), ("slot", "uitkomst", "order")]
    return report(lines, slots={"concessies": [concession]} if concession is not None else None)


def test_an_unauthorised_discount_costs_points_and_is_not_praised():
    rep = _deal(_concession(gevraagd=False, binnen_bevoegdheid=False))
    assert check(rep, "concessie_bevoegd")["passed"] is False
    assert check(rep, "concessie_verdiend")["passed"] is False
    assert rep["competencies"][COMMERCIEEL] < 100
    assert rep["competencies"][INSTRUCTIES] < 100
    bad = items(rep, "concessie_bevoegd", "verbeterpunt")
    assert bad and bad[0]["quote"] == DISCOUNT[1] and "korting" in bad[0]["text"]
    # the sentence that gave the discount is not praised (not even for the closing question in it)
    assert not [f for f in rep["feedback"] if f["turn"] == 2 and f["kind"] == "goed"]
    ok = _deal(_concession())
    assert [f for f in ok["feedback"] if f["turn"] == 2 and f["kind"] == "goed"]


def test_every_kind_of_wrong_concession_costs_commercial_points():
    for fields in ({"gevraagd": False}, {"te_vroeg": True}, {"binnen_bevoegdheid": False}):
        rep = _deal(_concession(**fields))
        assert rep["competencies"][COMMERCIEEL] < 100, fields


def test_an_asked_timely_authorised_concession_is_fine_and_none_is_not_applicable():
    rep = _deal(_concession())
    assert check(rep, "concessie_bevoegd")["passed"] is True and check(rep, "concessie_verdiend")["passed"] is True
    rep = _deal(None)
    assert check(rep, "concessie_bevoegd")["passed"] is None and check(rep, "concessie_verdiend")["passed"] is None


# --- the trained model and the customer's reasons -------------------------------------------------

def test_labels_from_the_trained_model_are_named_as_such():
    events = script_events([OPENING, GREETING], SC)
    events[-1]["parse_data"]["evidence"] = [
        {"label": "begroeting", "rule": "model:textcat", "text": "Goedemorgen"},
        {"label": "open_vraag", "rule": "vraag.waarvoor", "text": "Waarvoor"},
    ]
    rep = build_report(events, SC)
    greeting = check(rep, "begroeting")
    [evidence] = greeting["recogniser_evidence"]
    assert evidence["how"] == "herkend door het getrainde model, niet door een regel"
    [good] = items(rep, "begroeting", "goed")
    assert "getrainde model" in good["text"]


def test_a_clarification_is_never_a_signal():
    lines = [OPENING, GREETING, (K, "Wat bedoelt u? Hoe snel kunt u leveren?", ["koopsignaal.levering"]),
             (S, "Wij leveren binnen twee werkdagen.", [])]
    assert check(build_report(script_events(lines, SC), SC), "koopsignaal_afsluitvraag")["passed"] is False
    events = script_events(lines, SC)  # fresh events: a tracker is never changed in place
    for event in events:
        if event.get("event") == "bot" and "Wat bedoelt" in event["text"]:
            event["metadata"]["reason"] = "clarification"
    rep = build_report(events, SC)
    assert check(rep, "koopsignaal_afsluitvraag")["passed"] is None
    assert rep["missed_signals"] == []


def test_an_open_ending_is_not_reported_as_no_arrangement():
    lines = [OPENING, GREETING, (K, "Vooral facturen.", []),
             (S, "Ik stuur u vandaag de offerte per mail.", ["toezegging"])]
    rep = report(lines, slots={"uitkomst": "lopend"})
    [bad] = items(rep, "uitkomst_verkoop", "verbeterpunt")
    assert "nog niet afgerond" in bad["text"]
    rep = report(lines, slots={"uitkomst": "geen_deal"})
    [bad] = items(rep, "uitkomst_verkoop", "verbeterpunt")
    assert "nog niet afgerond" not in bad["text"]


# --- a summary needs a summary --------------------------------------------------------------------

KLACHT = "3.1-klacht-koffieautomaat"
KLACHT_OPENING = (K, "Goedemiddag, met Ruud Verhoeven. De monteur die gisteren zou komen, is gewoon niet verschenen.",
                  ["klacht"])


def test_understanding_labelled_as_a_summary_is_no_summary():
    """'Dat begrijp ik heel goed, dat had niet mogen gebeuren' repeats nothing the customer said:
    the report does not praise it as a summary of the complaint."""
    rep = report([KLACHT_OPENING, (S, "Dat begrijp ik heel goed, dat had niet mogen gebeuren. Wat doet de automaat precies?",
                                   ["begrip_tonen", "samenvatten", "doorvragen"])], scenario=KLACHT)
    assert check(rep, "klacht_samengevat")["passed"] is not True
    assert not items(rep, "klacht_samengevat", "goed")
    assert not any("vatte" in f["text"] and f["kind"] == "goed" for f in rep["feedback"])


def test_a_summary_in_own_words_is_praised_as_one():
    summary = "Dus als ik het goed begrijp geeft hij foutmelding E17 en moet er morgenochtend om zes uur weer koffie zijn."
    rep = report([KLACHT_OPENING, (S, summary, ["samenvatten"])], scenario=KLACHT)
    assert check(rep, "klacht_samengevat")["passed"] is True
    [good] = items(rep, "klacht_samengevat", "goed")
    assert good["quote"] == summary


def test_any_last_question_is_no_check_that_the_customer_was_helped():
    """3.3: 'Zullen we de Duo donderdag plaatsen?' asks for a decision, not whether she is helped."""
    opening = (K, "Op het display staat 'filter vervangen'. Kan daar iemand naar kijken?", ["klacht"])
    close = (S, "Zullen we de Duo donderdag meteen plaatsen?", ["gesloten_vraag"])
    rep = report([opening, close, (K, "Ja.", []), (S, "Dank u wel, fijne dag!", ["afscheid"])], scenario=SERVICE)
    assert check(rep, "tevredenheid_gecheckt")["passed"] is not True
    assert not items(rep, "tevredenheid_gecheckt", "goed")
    helped = (S, "Kan ik u verder nog ergens mee helpen?", ["gesloten_vraag"])
    rep = report([opening, helped, (K, "Nee, dank u.", []), (S, "Dank u wel, fijne dag!", ["afscheid"])], scenario=SERVICE)
    assert check(rep, "tevredenheid_gecheckt")["passed"] is True
