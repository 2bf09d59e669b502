"""After the deal: the call stays open until the goodbye, or the persona ends it herself.

Actions run through rasa_sdk's ActionExecutor with hand-built parse_data (as in
test_actions_persona.py); one test plays through the engine façade with the real NLU.
"""

from __future__ import annotations

import pytest

from bot.scenarios import get_scenario
from bot.scenarios.models import text_of
from test_actions_support import PRINTER_DISCOVERY, Chat, entity, goodbye_ends

PRINTER = "2.3-inbound-printer"
WERKKLEDING = "2.5-onderhandelen-werkkleding"
WATERTAP = "3.3-service-watertap"


def texts(sc_id: str, key: str) -> list[str]:
    return [text_of(t) for t in get_scenario(sc_id).lines[key]]


def turns_allowed(sc_id: str) -> int:
    return int(get_scenario(sc_id).hints["na_de_deal_beurten"])


def printer_order(seed: int = 3) -> Chat:
    chat = Chat(PRINTER, "makkelijk", seed=seed)
    for text, labels in PRINTER_DISCOVERY:
        chat.say(text, labels)
    chat.say("Zal ik de MF 450 voor u bestellen?", ["afsluitvraag"])
    assert chat.slot("uitkomst") == "order"
    return chat


def werkkleding_order() -> Chat:
    chat = Chat(WERKKLEDING, "gemiddeld", seed=1)
    chat.say("Goedemiddag meneer Bakker, u spreekt met Sanne van ProWear.", ["begroeting"])
    chat.say("Ik begrijp dat u op de kosten moet letten. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    chat.say("Onze winterjassen hebben versterkte naden en twee jaar garantie. Daardoor gaan ze jaren mee "
             "en bespaart u op nieuwe jassen.", ["voordeel_benoemen"])
    chat.say("Zal ik de veertig jassen voor u vastleggen?", ["afsluitvraag"],
             entities=[entity("aantal", 40, "veertig")])
    assert "nog-iets-eraf" in chat.slot("open_bezwaren")  # gemiddeld: he asks for something once more
    chat.say("Met twee jaar garantie koopt u niet na één winter opnieuw; dat verdient u zo terug. "
             "Zal ik de order vastleggen?", ["voordeel_benoemen", "afsluitvraag"])
    assert chat.slot("uitkomst") == "order"
    return chat


def watertap_order() -> Chat:
    chat = Chat(WATERTAP, "gemiddeld", seed=2)
    for text, labels in [
        ("Goedemorgen mevrouw Ouali, u spreekt met Joris van AquaPuur. Vervelend dat het water vreemd smaakt, "
         "excuses daarvoor.", ["begroeting", "excuses"]),
        ("Ik plan de monteur in voor donderdagochtend tussen acht en twaalf, dan vervangt hij het filter.", ["toezegging"]),
        ("U zei dat de tap het zwaar heeft. Hoe bedoelt u dat?", ["doorvragen"]),
        ("Als ik het goed begrijp staat er 's ochtends een rij omdat u met veertig mensen bent.", ["samenvatten"]),
        ("Dan kan de monteur donderdag meteen een AquaPuur Duo plaatsen, met twee tappunten, voor twaalf euro "
         "per maand meer.", ["bijverkoop"]),
        ("Dat begrijp ik. Waar let uw directeur vooral op?", ["begrip_tonen", "open_vraag"]),
        ("Dat betekent voor u dat de rij 's ochtends verdwijnt, voor maar twaalf euro per maand.", ["voordeel_benoemen"]),
        ("Zal ik de Duo voor donderdag inplannen?", ["afsluitvraag"]),
    ]:
        chat.say(text, labels)
    assert chat.slot("uitkomst") == "order", chat.messages[-3:]
    assert "opgelost" not in (chat.slot("open_bezwaren") or [])
    return chat


# ----- the conversation stays open after the deal ----------------------------------------


def test_after_the_deal_the_conversation_stays_open_until_the_goodbye():
    chat = printer_order()
    assert chat.slot("gesprek_beeindigd") is False
    summary = chat.say("Even samenvatten: u krijgt de MF 450, geleverd binnen twee dagen.", ["samenvatten"])
    assert summary["text"] in texts(PRINTER, "after_deal_summary")
    promise = chat.say("U ontvangt de orderbevestiging vandaag nog per mail.", ["toezegging"])
    assert promise["text"] in texts(PRINTER, "after_deal_toezegging")
    assert chat.slot("gesprek_beeindigd") is False and chat.slot("uitkomst") == "order"
    bye = chat.say("Bedankt voor uw bestelling, fijne dag en tot ziens!", ["afscheid"])
    assert bye["text"] in texts(PRINTER, "goodbye_good")
    assert chat.slot("gesprek_beeindigd") is True and chat.slot("uitkomst") == "order"
    after = chat.say("Hallo?", ["gesloten_vraag"])
    assert after["text"] in texts(PRINTER, "after_end")


def test_a_toezegging_in_the_goodbye_is_acknowledged_before_the_goodbye():
    chat = printer_order()
    bye = chat.say("U ontvangt de bevestiging vandaag per mail. Fijne dag, tot ziens!", ["toezegging", "afscheid"],
                   intent="afscheid")
    assert any(bye["text"].startswith(t) for t in texts(PRINTER, "after_deal_toezegging")), bye
    assert bye["text"].endswith(goodbye_ends(PRINTER))
    assert chat.slot("gesprek_beeindigd") is True and chat.slot("uitkomst") == "order"


def test_a_goodbye_read_as_a_toezegging_still_ends_the_call_after_the_deal():
    chat = printer_order()
    bye = chat.say("Ik mail u de bevestiging vandaag nog. Fijne middag, tot ziens!", ["toezegging", "afscheid"],
                   intent="toezegging")  # routed to action_persona_reageren by its intent
    assert bye["text"].endswith(goodbye_ends(PRINTER))
    assert chat.slot("gesprek_beeindigd") is True and chat.slot("uitkomst") == "order"


def test_the_persona_ends_the_call_herself_after_n_turns_without_a_goodbye():
    chat = printer_order()
    n = turns_allowed(PRINTER)
    assert n >= 2
    for i in range(n - 1):
        reply = chat.say("Onze printers zijn trouwens heel populair.", ["voordeel_benoemen"])
        assert chat.slot("gesprek_beeindigd") is False, i
        assert not reply["text"].endswith(tuple(texts(PRINTER, "after_deal_end")))
    last = chat.say("Heeft u verder nog vragen over de printer?", ["gesloten_vraag"])
    assert last["text"].endswith(tuple(texts(PRINTER, "after_deal_end")))
    assert chat.slot("gesprek_beeindigd") is True and chat.slot("uitkomst") == "order"


def test_small_talk_and_irritation_after_the_deal_do_not_undo_it():
    chat = printer_order()
    irritation = chat.slot("irritatie")
    reply = chat.say("Ja, maar je had eigenlijk de duurdere moeten nemen.", ["ja_maar", "informeel"])
    assert chat.slot("irritatie") > irritation  # cools down as before
    assert chat.slot("uitkomst") == "order" and chat.slot("gesprek_beeindigd") is False
    assert reply["text"]
    chat2 = printer_order()
    chat2.slots["irritatie"] = get_scenario(PRINTER).level("makkelijk").hangup_at  # she has had enough
    hang = chat2.say("Nee hoor, dat klopt gewoon niet.", ["tegenspreken"])
    assert hang["text"] in texts(PRINTER, "after_deal_hangup")
    assert chat2.slot("uitkomst") == "order" and chat2.slot("gesprek_beeindigd") is True


def test_a_closing_question_after_the_deal_is_not_a_new_deal():
    chat = printer_order()
    reply = chat.say("Zal ik hem dan voor u bestellen?", ["afsluitvraag"])
    assert reply["text"] in texts(PRINTER, "after_deal_close")
    assert chat.slot("uitkomst") == "order"


def test_a_concession_after_the_deal_is_still_checked_against_the_margin():
    chat = werkkleding_order()
    assert chat.slot("korting_binnen_marge") is True
    reply = chat.say("Als extraatje geef ik u er nog 15% korting op.", ["concessie"],
                     entities=[entity("percentage", 15.0, "15%")])
    assert reply["text"] in texts(WERKKLEDING, "after_deal_concession")
    assert chat.slot("korting_gegeven") == 15.0 and chat.slot("korting_binnen_marge") is False
    assert chat.slot("uitkomst") == "order" and chat.slot("afspraken")["korting"] == 15.0


# ----- bijverkoop after the deal ---------------------------------------------------------


def test_an_add_on_after_the_service_deal_is_accepted_in_3_3():
    chat = watertap_order()
    offer = chat.say("Ik hoorde u ook over al die plastic bekertjes. Zal ik er meteen veertig glazen flessen "
                     "met uw logo bij doen?", ["bijverkoop"],
                     entities=[entity("aantal", 40, "veertig"), entity("product", "glazen-fles", "glazen flessen")])
    yes = [t.replace("{product}", "glazen flessen") for t in texts(WATERTAP, "after_deal_bijverkoop_yes")]
    assert offer["text"] in yes, offer
    assert chat.slot("afspraken")["bijverkoop"] == ["glazen-fles"]
    assert chat.slot("afspraken")["product"] == "aquapuur-duo" and chat.slot("uitkomst") == "order"
    again = chat.say("Dus de glazen flessen komen er ook bij?", ["bijverkoop", "gesloten_vraag"])
    assert again["text"] in texts(WATERTAP, "after_deal_close")
    bye = chat.say("Dank u wel, fijne dag!", ["afscheid"])
    assert bye["text"] in texts(WATERTAP, "goodbye_good") and chat.slot("gesprek_beeindigd") is True


def test_an_add_on_that_meets_no_need_is_declined():
    chat = watertap_order()
    offer = chat.say("Wilt u er ook een extra filterset bij?", ["bijverkoop"])
    assert offer["text"] in texts(WATERTAP, "after_deal_bijverkoop_no")
    assert "bijverkoop" not in chat.slot("afspraken")


# ----- through the engine façade (real NLU) ----------------------------------------------


@pytest.mark.parametrize("seed", [1])
def test_engine_finishes_only_after_the_goodbye_that_follows_the_order(seed):
    from bot.engine.session import ConversationFinished, start, step

    r = start(PRINTER, difficulty="gemiddeld", seed=seed)
    for line in [
        "Goedemorgen mevrouw De Vries, u spreekt met Sanne van Kantoorgemak. Natuurlijk help ik u graag.",
        "Waarvoor gebruikt u de printer vooral?",
        "Kunt u daar wat meer over vertellen?",
        "Als ik u goed begrijp, zoekt u een zuinige printer die ook kan scannen.",
        "De MF 450 scant direct naar uw mail. Dat betekent voor u dat uw boekhouder alle bonnen meteen digitaal krijgt.",
        "De MF 450 kost 649 euro exclusief btw.",
        "Dat begrijp ik. Wat vindt u precies te duur?",
        "Met de XL-toner kost een afdruk maar 2 cent. Daardoor bespaart u flink op de toner.",
        "Zal ik de MF 450 voor u bestellen?",
    ]:
        assert not r.finished
        r = step(r.state, line)
    slots = {e["name"]: e["value"] for e in r.state["events"] if e.get("event") == "slot"}
    assert slots["uitkomst"] == "order"
    assert not r.finished  # the deal alone does not end the call
    r = step(r.state, "U ontvangt de orderbevestiging vandaag nog per mail.")
    assert not r.finished and r.messages[-1]["text"] in texts(PRINTER, "after_deal_toezegging")
    r = step(r.state, "Bedankt voor uw bestelling, fijne dag en tot ziens!")
    assert r.finished
    assert r.messages and r.messages[-1]["text"] in texts(PRINTER, "goodbye_good")
    with pytest.raises(ConversationFinished):
        step(r.state, "Hallo?")


def test_every_scenario_has_the_after_deal_lines_and_a_usable_turn_count():
    from bot.scenarios import load_scenarios

    keys = ("after_deal_summary", "after_deal_toezegging", "after_deal_bijverkoop_yes", "after_deal_bijverkoop_no",
            "after_deal_question", "after_deal_concession", "after_deal_close", "after_deal_neutral",
            "after_deal_end", "after_deal_hangup")
    for sc in load_scenarios().values():
        for key in keys:
            assert sc.lines.get(key), (sc.id, key)
        assert int(sc.hints["na_de_deal_beurten"]) >= 1, sc.id
