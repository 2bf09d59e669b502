"""Quotation check (2.4), margin check (2.5) and the briefing form (2.1), through the
ActionExecutor with hand-built parse_data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actions.persona.quotation import assign_kinds, expected
from bot.scenarios import clear_cache, get_scenario
from test_actions_support import Chat, entity, executor, rasa_domain

OFFERTE = "2.4-offerte-bureaustoelen"
MARGE = "2.5-onderhandelen-werkkleding"
ROOT = Path(__file__).resolve().parents[2]


def ents(text: str, *items: tuple[str, object, str]) -> list[dict]:
    return [entity(name, value, span, text.index(span)) for name, value, span in items]


def quote(chat: Chat, text: str, *items, labels=("inform",)) -> dict:
    chat.say(text, list(labels), entities=ents(text, *items))
    return chat.slot("offerte_controle")


FULL_OK = (
    "De ErgoFlex 300 kost 289 euro per stuk, voor 25 stoelen is het subtotaal 7.225,00 euro. "
    "U krijgt 10% staffelkorting, dat is 722,50 euro. Het totaal exclusief btw is 6.502,50 euro, "
    "de btw van 21% is 1.365,53 euro en het totaal inclusief btw is 7.868,03 euro. "
    "De levertijd is tien werkdagen en u betaalt binnen 30 dagen na factuurdatum."
)
FULL_OK_ENTITIES = (
    ("bedrag", 289.0, "289 euro"), ("aantal", 25, "25 stoelen"), ("bedrag", 7225.0, "7.225,00 euro"),
    ("percentage", 10.0, "10%"), ("bedrag", 722.5, "722,50 euro"), ("bedrag", 6502.5, "6.502,50 euro"),
    ("percentage", 21.0, "21%"), ("bedrag", 1365.53, "1.365,53 euro"), ("bedrag", 7868.03, "7.868,03 euro"),
)


# ----- quotation -------------------------------------------------------------------------


def test_expected_quotation_is_computed_from_the_catalogue_with_half_up_cents():
    exp = expected(get_scenario(OFFERTE))
    assert (exp.aantal, exp.stuk, exp.subtotaal, exp.korting_pct) == (25, 289.0, 7225.0, 10)
    assert (exp.korting, exp.excl) == (722.5, 6502.5)
    assert exp.btw == 1365.53  # 1365.525 rounds half up (a float round() would give 1365.52)
    assert exp.incl == 7868.03


def test_amounts_are_classified_by_the_words_around_them():
    text = ("het totaal exclusief btw is 6.502,50 euro, de btw van 21% is 1.365,53 euro en het totaal "
            "inclusief btw 7.868,03 euro; plus 722,50 euro korting op een subtotaal van 7.225,00 euro")
    spans = [(text.index(a), text.index(a) + len(a)) for a in ("6.502,50", "1.365,53", "7.868,03", "722,50", "7.225,00")]
    assert assign_kinds(text, spans) == ["excl", "btw", "incl", "korting", "subtotaal"]
    text = "komt u op 6.502,50 euro exclusief btw, plus 1.365,53 euro btw"
    spans = [(text.index(a), text.index(a) + len(a) + 5) for a in ("6.502,50", "1.365,53")]
    assert assign_kinds(text, spans) == ["excl", "btw"]  # a keyword after its amount belongs to it


def test_the_amount_after_a_discount_is_the_total_excluding_btw():
    # "Met 10% korting wordt het 6.502,50": the amount the discount leads to, not the discount
    text = "Dat is 7.225 euro. Met 10% korting wordt het 6.502,50 euro, en met btw is het 7.868,03 euro."
    amounts = [(text.index("7.225"), text.index("7.225") + 10), (text.index("6.502"), text.index("6.502") + 13),
               (text.index("7.868"), text.index("7.868") + 13)]
    assert assign_kinds(text, amounts) == [None, "na_korting", "incl"]
    assert assign_kinds(text, [(text.index("10%"), text.index("10%") + 3)]) == ["na_korting"]  # its percentage
    chat = Chat(OFFERTE, seed=2)
    chat.say("Goedemiddag mevrouw El Amrani, met Sanne van Dekker.", ["begroeting"])
    result = quote(chat, text, ("bedrag", 7225.0, "7.225 euro"), ("percentage", 10.0, "10%"),
                   ("bedrag", 6502.5, "6.502,50 euro"), ("bedrag", 7868.03, "7.868,03 euro"))
    assert not any("korting" in f for f in result["fouten"]), result  # no "kortingsbedrag is 722,50" error
    assert result["genoemd"]["excl"] == 6502.5 and result["genoemd"]["korting_pct"] == 10.0


def test_a_correct_quotation_passes_and_the_customer_accepts_it():
    chat = Chat(OFFERTE, seed=2)
    chat.say("Goedemiddag mevrouw El Amrani, met Sanne van Dekker.", ["begroeting"])
    result = quote(chat, FULL_OK, *FULL_OK_ENTITIES)
    assert result["correct"] is True and result["fouten"] == [], result
    assert result["turn"] == 2
    last = chat.messages[-1]
    assert "koopsignaal.levering" in last["labels"]  # the customer moves on to delivery
    chat.say("Ja, ze staan er ruim voor 1 maart. Zal ik de offerte vandaag nog mailen?", ["afsluitvraag"])
    assert chat.slot("uitkomst") == "offerte"


def test_rounding_error_is_named_in_dutch():
    chat = Chat(OFFERTE, seed=2)
    text = FULL_OK.replace("1.365,53", "1.365,52").replace("7.868,03", "7.868,02")
    items = [i if i[0] != "bedrag" or i[1] not in (1365.53, 7868.03) else
             (i[0], round(i[1] - 0.01, 2), i[2].replace("53", "52").replace("03", "02")) for i in FULL_OK_ENTITIES]
    result = quote(chat, text, *items)
    assert result["correct"] is False
    assert "Afronding: het btw-bedrag is € 1.365,53, niet € 1.365,52 (rond af op hele centen)." in result["fouten"]
    assert any(f.startswith("Afronding: het totaal inclusief btw is € 7.868,03") for f in result["fouten"])
    # the customer notices and will not accept yet
    assert chat.messages[-1]["text"] in get_scenario(OFFERTE).lines["quote_error"]
    chat.say("Zal ik de offerte zo versturen?", ["afsluitvraag"])
    assert chat.slot("uitkomst") == "lopend"


def test_forgotten_btw_wrong_staffel_and_missing_terms():
    chat = Chat(OFFERTE, seed=2)
    text = ("Het wordt 289 euro per stuk met 5% korting, dat is 361,25 euro korting. "
            "Totaal inclusief btw 6.502,50 euro.")
    result = quote(chat, text, ("bedrag", 289.0, "289 euro"), ("percentage", 5.0, "5%"),
                   ("bedrag", 361.25, "361,25 euro"), ("bedrag", 6502.5, "6.502,50 euro"))
    fouten = result["fouten"]
    assert "De staffelkorting bij 25 stuks is 10%, niet 5%." in fouten
    assert "Het kortingsbedrag is € 722,50, niet € 361,25." in fouten
    assert "Het totaal inclusief btw is gelijk aan het bedrag exclusief btw: u bent de btw vergeten." in fouten
    assert "U noemt het btw-bedrag niet." in fouten
    assert "U noemt de levertijd niet (tien werkdagen)." in fouten
    assert "U noemt de betalingstermijn niet (binnen 30 dagen na factuurdatum)." in fouten


def test_wrong_quantity_and_wrong_btw_rate():
    chat = Chat(OFFERTE, seed=2)
    text = "Voor 20 stoelen à 289 euro per stuk rekenen we 19% btw, totaal 6.878,20 euro."
    result = quote(chat, text, ("aantal", 20, "20 stoelen"), ("bedrag", 289.0, "289 euro"),
                   ("percentage", 19.0, "19%"), ("bedrag", 6878.2, "6.878,20 euro"))
    assert "U rekent met 20 stuks, maar de klant vraagt om 25 stuks." in result["fouten"]
    assert "U rekent met 19% btw; dat moet 21% zijn." in result["fouten"]


def test_a_quotation_spread_over_turns_is_checked_as_a_whole():
    chat = Chat(OFFERTE, seed=2)
    first = quote(chat, "De prijs is 289 euro per stuk en het subtotaal 7.225,00 euro.",
                  ("bedrag", 289.0, "289 euro"), ("bedrag", 7225.0, "7.225,00 euro"))
    assert first["correct"] is False  # totals still missing
    text = ("Met 10% staffelkorting van 722,50 euro komt u op 6.502,50 euro exclusief btw, plus 1.365,53 euro btw "
            "is 7.868,03 euro inclusief btw. Levertijd tien werkdagen, betalen binnen 30 dagen.")
    second = quote(chat, text, ("percentage", 10.0, "10%"), ("bedrag", 722.5, "722,50 euro"),
                   ("bedrag", 6502.5, "6.502,50 euro"), ("bedrag", 1365.53, "1.365,53 euro"),
                   ("bedrag", 7868.03, "7.868,03 euro"))
    assert second["correct"] is True, second["fouten"]
    assert second["turn"] == 2


def test_quotation_check_is_off_in_scenarios_without_a_quotation():
    chat = Chat("2.3-inbound-printer", seed=2)
    chat.say("Hij kost 649 euro, totaal 785,29 euro inclusief btw.", ["inform"],
             entities=ents("Hij kost 649 euro, totaal 785,29 euro inclusief btw.", ("bedrag", 649.0, "649 euro"),
                           ("bedrag", 785.29, "785,29 euro")))
    assert chat.slot("offerte_controle") is None


def test_standalone_quotation_action_then_persona_do_not_double_count():
    chat = Chat(OFFERTE, seed=2)
    text = "Het subtotaal is 7.000,00 euro."
    chat.latest = __import__("test_actions_support").parse(
        text, ["inform"], entities=ents(text, ("bedrag", 7000.0, "7.000,00 euro")))
    chat.events.append({"event": "user", "text": text, "parse_data": chat.latest})
    chat.run("action_offerte_controleren")
    once = list(chat.slot("offerte_controle")["fouten"])
    assert "Het subtotaal (vóór korting) is € 7.225,00, niet € 7.000,00." in once
    chat.run("action_persona_reageren")
    assert chat.slot("offerte_controle")["fouten"] == once
    assert chat.slot("beurt") == 1


# ----- margin ----------------------------------------------------------------------------


def pct(chat: Chat, text: str, value: float, labels=("concessie",)) -> dict:
    return chat.say(text, list(labels), entities=ents(text, ("percentage", value, f"{value:g}%")))


def test_concession_within_margin_after_exploring_is_accepted():
    chat = Chat(MARGE, seed=3)
    chat.say("Ik begrijp dat u op de kosten let. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    reply = pct(chat, "Als u vandaag bestelt, kan ik u 6% korting geven.", 6)
    assert chat.slot("korting_gegeven") == 6
    assert chat.slot("korting_binnen_marge") is True
    assert chat.slot("concessie_bij_eerste_bezwaar") is False
    assert chat.slot("opgeloste_bezwaren") == ["prijs"] and "6 procent" in reply["text"]
    chat.say("Zal ik de veertig jassen voor u vastleggen?", ["afsluitvraag"], entities=[entity("aantal", 40, "veertig")])
    assert chat.slot("uitkomst") == "order"
    assert chat.slot("afspraken") == {"product": "winterjas", "aantal": 40, "korting": 6.0}


def test_concession_on_the_very_first_price_objection_is_caught():
    chat = Chat(MARGE, seed=3)
    reply = pct(chat, "Ik kan u 5% korting geven.", 5)
    assert chat.slot("concessie_bij_eerste_bezwaar") is True
    assert chat.slot("korting_binnen_marge") is True
    assert chat.slot("open_bezwaren") == ["prijs"]  # he wants more
    assert "12 procent" in reply["text"]  # the ask of level gemiddeld


def test_concession_beyond_the_margin_is_caught_and_does_not_win_the_deal_by_itself():
    chat = Chat(MARGE, seed=3)
    chat.say("Dat begrijp ik. Waar vergelijkt u ons precies mee?", ["begrip_tonen", "doorvragen"])
    reply = pct(chat, "Goed, dan geef ik u 10% korting.", 10)
    assert chat.slot("korting_gegeven") == 10
    assert chat.slot("korting_binnen_marge") is False
    assert chat.slot("concessie_bij_eerste_bezwaar") is False
    assert chat.slot("opgeloste_bezwaren") == [] and chat.slot("open_bezwaren") == ["prijs"]
    assert reply["reason"] == "objection"
    [entry] = chat.slot("concessies")
    assert entry["soort"] == "korting" and entry["waarde"] == "10%" and entry["gevraagd"] is True
    assert entry["binnen_bevoegdheid"] is False and entry["te_vroeg"] is False  # explored first


def test_a_net_price_below_the_minimum_unit_price_is_outside_the_margin():
    chat = Chat(MARGE, seed=3)
    chat.say("Dat begrijp ik. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    text = "Ik kan ze u leveren voor 67,50 euro per jas."
    chat.say(text, ["concessie"], entities=ents(text, ("bedrag", 67.5, "67,50 euro")))
    assert 9.3 < chat.slot("korting_gegeven") < 9.5  # (74,50 - 67,50) / 74,50
    assert chat.slot("korting_binnen_marge") is False


def test_too_small_a_concession_leaves_the_objection_open():
    chat = Chat(MARGE, "moeilijk", seed=3)
    chat.say("Dat begrijp ik. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    reply = pct(chat, "Ik kan u 2% korting geven.", 2)
    assert chat.slot("open_bezwaren") == ["prijs"] and chat.slot("korting_binnen_marge") is True
    assert reply["text"] in get_scenario(MARGE).objection("prijs").concession.too_little


def test_standalone_margin_action_then_persona_record_once():
    chat = Chat(MARGE, seed=3)
    text = "Ik kan u 5% korting geven."
    chat.latest = __import__("test_actions_support").parse(text, ["concessie"], entities=ents(text, ("percentage", 5.0, "5%")))
    chat.events.append({"event": "user", "text": text, "parse_data": chat.latest})
    chat.run("action_marge_controleren")
    assert chat.slot("concessie_bij_eerste_bezwaar") is True and chat.slot("korting_gegeven") == 5
    responses = chat.run("action_persona_reageren")
    assert "12 procent" in responses[-1]["text"]  # the persona still reacts to the first concession


# ----- briefing form ---------------------------------------------------------------------


@pytest.fixture
def briefing_content(tmp_path, monkeypatch):
    """A copy of the content where 2.3 requires a briefing first."""
    for name in ("domain", "profile"):
        shutil.copytree(ROOT / name, tmp_path / name)
    path = tmp_path / "domain" / "scenarios" / "2.3-inbound-printer.yml"
    path.write_text(path.read_text(encoding="utf-8") + """
briefing_check:
  required: true
  doel: {question: "Wat is je doel?", keywords: [order, bestelling, verkopen], good: "Concreet doel.", missing: "Maak je doel concreet."}
  aanpak: {question: "Hoe pak je het aan?", keywords: [vragen, behoefte, afsluit], min_hits: 2, good: "Goede opbouw.", missing: "Beschrijf je opbouw."}
  aanbod: {question: "Wat bied je aan?", keywords: [mf 450, scan], good: "Passend aanbod.", missing: "Noem je aanbod."}
  vragen: {question: "Welke vragen stel je?", keywords: ["hoeveel", "waarvoor", "budget"], min_hits: 2, good: "Goede vragen.", missing: "Bedenk open vragen."}
""", encoding="utf-8")
    monkeypatch.setenv("OEFENGESPREK_CONTENT_DIR", str(tmp_path))
    clear_cache()
    yield tmp_path
    monkeypatch.delenv("OEFENGESPREK_CONTENT_DIR")
    clear_cache()


def test_required_briefing_starts_with_the_form_active(briefing_content):
    """The session start introduces the briefing and hands over to the form (FollowupAction);
    Rasa, like our engine, then runs briefing_form, which asks the first question and listens."""
    chat = Chat("2.3-inbound-printer", seed=1)
    assert [m["speaker"] for m in chat.opening] == ["coach"]
    assert [e["name"] for e in chat.events if e.get("event") == "followup"] == ["briefing_form"]
    assert not any(e.get("event") == "active_loop" for e in chat.events)  # the form activates itself

    from bot.engine.session import start
    started = start("2.3-inbound-printer", seed=1)
    assert [m["speaker"] for m in started.messages] == ["coach", "coach"]
    assert started.messages[-1]["text"] == "Wat is je doel?"
    events = started.state["events"]
    assert [e["name"] for e in events if e.get("event") == "active_loop"] == ["briefing_form"]
    assert [e["value"] for e in events if e.get("event") == "slot" and e["name"] == "requested_slot"] == ["briefing_doel"]
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"


def test_briefing_form_validation_and_scoring(briefing_content):
    chat = Chat("2.3-inbound-printer", seed=1)
    answers = {
        "briefing_doel": "Ik wil een bestelling voor de MF 450 binnenhalen.",
        "briefing_aanpak": "Eerst open vragen over haar behoefte, dan voordelen noemen en afsluiten.",
        "briefing_aanbod": "Kort",  # too short: rejected
        "briefing_vragen": "Waarvoor gebruikt u de printer en hoeveel print u per maand?",
    }
    for slot, value in answers.items():
        chat.events.append({"event": "slot", "name": slot, "value": value})
        chat.slots[slot] = value
    chat.events.append({"event": "slot", "name": "requested_slot", "value": "briefing_aanbod"})
    call_tracker = chat.tracker()
    call_tracker["active_loop"] = {"name": "briefing_form"}
    import asyncio
    result = asyncio.run(executor().run({"next_action": "validate_briefing_form", "tracker": call_tracker,
                                         "domain": rasa_domain()}))
    sets = {e["name"]: e["value"] for e in result.events if e["event"] == "slot"}
    assert sets["briefing_aanbod"] is None  # asked again
    assert sets["briefing_doel"] == answers["briefing_doel"]
    assert result.responses and result.responses[0]["speaker"] == "coach"

    chat.slots["briefing_aanbod"] = "De MF 450, omdat hij kan scannen voor de boekhouder."
    responses = chat.run("action_briefing_afronden")
    briefing = chat.slot("briefing")
    assert briefing["score"] == 1.0, briefing
    assert [p["veld"] for p in briefing["punten"]] == ["doel", "aanpak", "aanbod", "vragen"]
    assert responses[0]["speaker"] == "coach" and "4 van de 4" in responses[0]["text"]
    assert responses[-1]["speaker"] == "klant"  # then the customer opens the role play


def test_briefing_given_as_session_metadata_is_scored_at_start(briefing_content):
    chat = Chat("2.3-inbound-printer", seed=1, briefing={
        "doel": "Een order", "aanpak": "Ik bel en kijk wel.", "aanbod": "De MF 450 met scan.",
        "vragen": "Waarvoor gebruikt u hem?"})
    briefing = chat.slot("briefing")
    assert briefing["score"] == 0.5  # doel and aanbod fine, aanpak and vragen not
    missing = [p["tekst"] for p in briefing["punten"] if not p["ok"]]
    assert missing == ["Beschrijf je opbouw.", "Bedenk open vragen."]
    assert chat.opening[-1]["speaker"] == "klant"  # no form: straight into the role play


def test_a_small_amount_off_per_unit_is_read_as_a_discount_not_as_a_price():
    chat = Chat(MARGE, seed=3)
    chat.say("Dat begrijp ik. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    text = "Ik kan er 3 euro per jas af doen."
    chat.say(text, ["concessie"], entities=ents(text, ("bedrag", 3.0, "3 euro")))
    assert 4.0 < chat.slot("korting_gegeven") < 4.1  # 3 / 74,50
    assert chat.slot("korting_binnen_marge") is True
