"""The persona actions, run through rasa_sdk's ActionExecutor with hand-built trackers.

The student's turns are given as parse_data (labels, entities, reaction) exactly as the
recogniser produces them, so these tests do not depend on the recogniser's accuracy.
"""

from __future__ import annotations

import pytest

from bot.scenarios import get_scenario
from bot.scenarios.models import text_of
from test_actions_support import PRINTER_DISCOVERY, Chat, entity, goodbye_ends, reaction

PRINTER = "2.3-inbound-printer"
KOFFIE = "2.2-acquisitie-koffie"


def texts(sc_id: str, key: str) -> list[str]:
    return [text_of(t) for t in get_scenario(sc_id).lines[key]]


def good_discovery(chat: Chat) -> None:
    chat.say("Goedemorgen mevrouw De Vries, u spreekt met Sanne van Kantoorgemak.", ["begroeting"])
    chat.say("Waar gebruikt u de printer vooral voor?", ["open_vraag"])
    chat.say("Kunt u daar wat meer over vertellen?", ["doorvragen"])
    chat.say("Als ik u goed begrijp, zoekt u een zuinige printer die ook kan scannen.", ["samenvatten"])


# ----- session start ---------------------------------------------------------------------


def test_session_start_sets_every_contract_slot_from_the_level():
    chat = Chat(PRINTER, "moeilijk", seed=7)
    sc = get_scenario(PRINTER)
    start = sc.level("moeilijk").start
    assert chat.slot("scenario") == PRINTER and chat.slot("difficulty") == "moeilijk"
    assert chat.slot("seed") == 7.0 and chat.slot("mode") == "oefenen"
    assert (chat.slot("interesse"), chat.slot("irritatie"), chat.slot("vertrouwen")) == (
        start.interesse, start.irritatie, start.vertrouwen)
    assert chat.slot("uitkomst") == "lopend" and chat.slot("beurt") == 0
    assert chat.slot("open_bezwaren") == [] and chat.slot("gemiste_signalen") == []
    assert chat.slot("korting_binnen_marge") is True and chat.slot("concessie_bij_eerste_bezwaar") is False
    events = [e["event"] for e in chat.events]
    assert events[1] == "session_started" and events[-1] == "action"  # SessionStarted ... action_listen
    assert len(chat.opening) == 1
    assert chat.opening[0]["speaker"] == "klant"
    assert chat.opening[0]["text"] in texts(PRINTER, "opening")


def test_student_initiated_call_waits_for_the_greeting():
    chat = Chat(KOFFIE, "gemiddeld", seed=1)
    assert chat.opening == []
    reply = chat.say("Goedemorgen meneer Hendriks, u spreekt met Sanne van Koffie & Co.", ["begroeting"])
    assert reply["labels"] == ["weerstand.tijd"]  # the busy prospect picks up
    assert chat.slot("open_bezwaren") == ["tijd"]


def test_unknown_difficulty_falls_back_to_the_default_level():
    chat = Chat(PRINTER, "heel-moeilijk", seed=1)
    assert chat.slot("difficulty") == get_scenario(PRINTER).default_level


# ----- state moves with technique --------------------------------------------------------


def test_good_technique_opens_the_customer_bad_technique_cools_her_down():
    good = Chat(PRINTER, seed=3)
    good_discovery(good)
    bad = Chat(PRINTER, seed=3)
    bad.say("Hoi, met Sanne.", ["begroeting", "informeel"])
    bad.say("Ja, maar onze printers zijn gewoon de beste.", ["ja_maar"])
    bad.say("Dat klopt niet, zo duur is dat helemaal niet.", ["tegenspreken"])
    bad.say("Wil je er ook toner bij?", ["bijverkoop", "informeel"])
    assert good.slot("interesse") > bad.slot("interesse")
    assert good.slot("vertrouwen") > bad.slot("vertrouwen")
    assert good.slot("irritatie") < bad.slot("irritatie")
    start = get_scenario(PRINTER).level("gemiddeld").start
    assert good.slot("vertrouwen") > start.vertrouwen and bad.slot("irritatie") > start.irritatie
    assert good.slot("beurt") == 4 and bad.slot("beurt") == 4


def test_open_questions_uncover_hidden_needs_closed_questions_do_not():
    chat = Chat(PRINTER, seed=3)
    reveal = chat.say("Waar gaat u de printer voor gebruiken?", ["open_vraag"])
    needs = get_scenario(PRINTER).persona.needs
    assert reveal["text"] in [t for n in needs for t in n.reveal]
    assert len(chat.slot("persona_toestand")["needs"]) == 1
    closed = Chat(PRINTER, seed=3)
    answer = closed.say("Print u ook in kleur?", ["gesloten_vraag"])
    assert closed.slot("persona_toestand")["needs"] == []
    assert answer["text"] in [text_of(t) for t in get_scenario(PRINTER).answers[4].texts]  # the 'kleur' fact


def test_informeel_towards_a_business_contact_cools_down_with_a_remark():
    polite = Chat(PRINTER, seed=2)
    polite.say("Wat zoekt u precies?", ["open_vraag"])
    rude = Chat(PRINTER, seed=2)
    reply = rude.say("Wat zoek je precies?", ["open_vraag", "informeel"])
    assert rude.slot("irritatie") > polite.slot("irritatie")
    assert rude.slot("vertrouwen") < polite.slot("vertrouwen")
    assert any(reply["text"].startswith(t) for t in texts(PRINTER, "informeel"))


def test_a_benefit_that_hits_a_hidden_need_raises_interest_more_than_one_that_does_not():
    hit = Chat(PRINTER, seed=3)
    good_discovery(hit)
    before = hit.slot("interesse")
    hit.say("De MF 450 scant meteen naar de mail, zo krijgt uw boekhouder alles digitaal.", ["voordeel_benoemen"])
    miss = Chat(PRINTER, seed=3)
    good_discovery(miss)
    miss.say("De MF 450 heeft een mooi kleurenscherm.", ["voordeel_benoemen"])
    assert hit.slot("interesse") - before > miss.slot("interesse") - before
    assert "scannen" in hit.slot("persona_toestand")["needs_hit"]


# ----- signals ---------------------------------------------------------------------------


def drive_to_buying_signal(chat: Chat) -> dict:
    """Good discovery and benefits until the customer gives a koopsignaal; returns that reply."""
    for text, labels in PRINTER_DISCOVERY:
        reply = chat.say(text, labels)
        if any(label.startswith("koopsignaal.") for label in reply["labels"]):
            assert chat.slot("gemiste_signalen") == []
            return reply
    raise AssertionError("no buying signal in the script")


def test_buying_signal_followed_by_a_close_gives_the_order():
    chat = Chat(PRINTER, "makkelijk", seed=3)
    reply = drive_to_buying_signal(chat)
    assert any(label.startswith("koopsignaal.") for label in reply["labels"]), reply
    assert reply["labels"][0] in chat.slot("gegeven_signalen")
    done = chat.say("Wij leveren binnen twee werkdagen. Zal ik hem voor u bestellen?", ["afsluitvraag"],
                    reaction=reaction("goed", reply["labels"][0]))
    assert chat.slot("uitkomst") == "order", done
    assert chat.slot("gemiste_signalen") == []
    assert chat.slot("afspraken")["product"] == "printa-mf450"
    bye = chat.say("Bedankt voor uw bestelling en nog een fijne dag.", ["afscheid"])
    assert chat.slot("uitkomst") == "order" and bye["text"] in texts(PRINTER, "goodbye_good")
    assert chat.slot("gemiste_signalen") == []  # her "ja, doe maar" is no signal to miss


def test_ignoring_a_buying_signal_is_recorded_and_cools_the_customer():
    chat = Chat(PRINTER, "makkelijk", seed=3)
    signal = drive_to_buying_signal(chat)["labels"][0]
    turn = int(chat.slot("beurt")) + 1
    before = chat.slot("interesse")
    chat.say("Hij heeft ook nog een groot kleurenscherm en wifi.", ["voordeel_benoemen"],
             reaction=reaction("fout", signal))
    assert chat.slot("gemiste_signalen") == [{"signal": signal, "turn": turn}]
    assert chat.slot("interesse") < before


def test_missed_signal_is_also_recorded_without_a_reaction_verdict():
    chat = Chat(PRINTER, "makkelijk", seed=3)
    signal = drive_to_buying_signal(chat)["labels"][0]
    chat.say("Hij heeft ook wifi.", ["voordeel_benoemen"])  # no reaction in parse_data
    assert [m["signal"] for m in chat.slot("gemiste_signalen")] == [signal]


# ----- objections ------------------------------------------------------------------------


def test_price_objection_is_resolved_by_exploring_then_a_benefit_tied_to_the_need():
    chat = Chat(PRINTER, seed=3)
    good_discovery(chat)
    raised = chat.say("De MF 450 kost 649 euro.", ["inform"], entities=[entity("bedrag", 649.0, "649 euro")])
    assert raised["labels"] == ["weerstand.prijs"] and chat.slot("open_bezwaren") == ["prijs"]
    assert "649 euro" in raised["text"]
    off_topic = chat.say("Hij is ook mooi compact.", ["voordeel_benoemen"])  # a benefit before exploring
    # the reminder restates the objection but is no new signal to react to
    assert chat.slot("open_bezwaren") == ["prijs"] and "weerstand.prijs" not in off_topic["labels"]
    chat.say("Dat begrijp ik. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    chat.say("Hij heeft ook wifi.", ["voordeel_benoemen"])  # misses the need 'zuinig'
    assert chat.slot("open_bezwaren") == ["prijs"]
    resolved = chat.say("Met de XL-toner betaalt u maar twee cent per pagina, dus u bespaart op toner.",
                        ["voordeel_benoemen"])
    assert chat.slot("open_bezwaren") == [] and chat.slot("opgeloste_bezwaren") == ["prijs"]
    assert resolved["labels"] == ["koopsignaal.instemming"]


def test_ja_maar_on_an_objection_makes_it_worse():
    chat = Chat(KOFFIE, seed=1)
    chat.say("Goedemorgen meneer Hendriks, u spreekt met Sanne van Koffie & Co.", ["begroeting"])
    before = chat.slot("irritatie")
    reply = chat.say("Ja, maar het duurt maar even.", ["ja_maar"])
    assert chat.slot("irritatie") > before
    assert chat.slot("open_bezwaren") == ["tijd"]
    assert reply["labels"] == ["weerstand.tijd"]
    assert reply["text"] in [text_of(t) for t in get_scenario(KOFFIE).objection("tijd").worse]


def test_closing_before_any_need_is_known_is_premature():
    chat = Chat(PRINTER, seed=3)
    reply = chat.say("Zal ik de MF 450 voor u bestellen?", ["afsluitvraag"])
    assert reply["text"] in [text_of(t) for t in get_scenario(PRINTER).close.premature]
    assert chat.slot("uitkomst") == "lopend"


def test_persona_hangs_up_when_irritation_passes_the_level():
    chat = Chat(PRINTER, "moeilijk", seed=3)
    for _ in range(10):
        reply = chat.say("Nee hoor, dat klopt gewoon niet, je snapt het niet.", ["tegenspreken", "informeel"])
        if chat.slot("uitkomst") == "afgebroken":
            break
    assert chat.slot("uitkomst") == "afgebroken"
    assert reply["text"].endswith(tuple(texts(PRINTER, "hangup")))
    after = chat.say("Hallo? Bent u er nog?", ["gesloten_vraag"])
    assert after["text"] in texts(PRINTER, "after_end")


def test_goodbye_without_a_deal_is_geen_deal_and_a_very_short_call_is_afgebroken():
    short = Chat(PRINTER, seed=3)
    short.say("Tot ziens.", ["afscheid"])
    assert short.slot("uitkomst") == "afgebroken"
    longer = Chat(PRINTER, seed=3)
    good_discovery(longer)
    longer.say("Bedankt voor uw tijd, tot ziens.", ["afscheid"])
    assert longer.slot("uitkomst") == "geen_deal"


# ----- clarification ---------------------------------------------------------------------


def test_clarification_varies_then_gives_a_concrete_hint_in_character():
    chat = Chat(PRINTER, seed=3)
    first = chat.say("asdf qwerty", [])
    assert first["text"] in texts(PRINTER, "clarify") and first["speaker"] == "klant"
    assert chat.slot("misverstanden") == 1
    second = chat.say("blub", [])
    assert chat.slot("misverstanden") == 2
    assert second["text"] == get_scenario(PRINTER).hints["vragen"]  # no need known yet: ask her
    assert "begrijp" not in second["text"].lower()
    chat.say("Waar gebruikt u de printer voor?", ["open_vraag"])
    assert chat.slot("misverstanden") == 0


def test_hint_after_two_misses_addresses_the_open_objection():
    chat = Chat(KOFFIE, seed=1)
    chat.say("Goedemorgen meneer Hendriks, u spreekt met Sanne van Koffie & Co.", ["begroeting"])
    chat.say("hmm", [])
    hint = chat.say("eh", [])
    assert hint["text"] == get_scenario(KOFFIE).objection("tijd").hint


def test_two_clarifications_never_repeat_the_same_line():
    chat = Chat(PRINTER, seed=11)
    a = chat.say("xx", [])
    chat.say("Waar gebruikt u de printer voor?", ["open_vraag"])
    b = chat.say("yy", [])
    assert a["text"] != b["text"]


# ----- determinism -----------------------------------------------------------------------


def run_script(seed: int) -> list[str]:
    chat = Chat(PRINTER, seed=seed)
    good_discovery(chat)
    chat.say("Hij kost 649 euro.", ["inform"], entities=[entity("bedrag", 649.0, "649 euro")])
    chat.say("Dat begrijp ik. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    chat.say("zzz", [])
    return [m["text"] for m in chat.messages]


def test_same_seed_replays_exactly_other_seeds_differ():
    assert run_script(5) == run_script(5)
    variants = {tuple(run_script(seed)) for seed in range(1, 7)}
    assert len(variants) > 1


@pytest.mark.parametrize("scenario", [PRINTER, KOFFIE, "2.4-offerte-bureaustoelen", "2.5-onderhandelen-werkkleding"])
def test_every_scenario_survives_each_move_on_each_level(scenario):
    """Smoke: each student move (and a fallback) on each level gives one persona line."""
    moves = ["begroeting", "open_vraag", "gesloten_vraag", "doorvragen", "samenvatten", "begrip_tonen",
             "excuses", "voordeel_benoemen", "afsluitvraag", "bijverkoop", "concessie", "toezegging",
             "ja_maar", "tegenspreken", "informeel"]
    for level in ("makkelijk", "gemiddeld", "moeilijk"):
        chat = Chat(scenario, level, seed=1)
        for move in moves:
            reply = chat.say(f"test {move}", [move])
            assert reply.get("text"), (level, move)
            assert reply["speaker"] == get_scenario(scenario).role
        chat.say("???", [])
        chat.say("Tot ziens.", ["afscheid"])
        assert chat.slot("uitkomst") != "lopend"


@pytest.fixture
def supplier_variant():
    """The printer scenario with the engine playing a supplier and no scripted answers."""
    from bot.scenarios import load_scenarios
    base = get_scenario(PRINTER)
    variant = base.model_copy(update={"id": "test-leverancier", "role": "leverancier", "answers": []})
    scenarios = load_scenarios()
    scenarios[variant.id] = variant
    yield variant
    scenarios.pop(variant.id, None)


def test_a_supplier_answers_price_delivery_and_stock_from_the_catalogue(supplier_variant):
    chat = Chat(supplier_variant.id, seed=1)
    assert chat.opening[0]["speaker"] == "leverancier"
    delivery = chat.say("Wat is de levertijd van de MF 450?", ["open_vraag"],
                        entities=[entity("product", "printa-mf450", "MF 450")])
    assert "MF 450" in delivery["text"] and "2 werkdagen" in delivery["text"]
    price = chat.say("Wat kost de L 200?", ["open_vraag"], entities=[entity("product", "printa-l200", "L 200")])
    assert "189 euro per stuk" in price["text"]
    stock = chat.say("Hoeveel XL-toner heeft u op voorraad?", ["open_vraag"])  # found by name, no entity
    assert "60" in stock["text"] and "XL-toner" in stock["text"]
    assert delivery["speaker"] == "leverancier"


def test_informeel_costs_nothing_when_the_persona_expects_je():
    from bot.scenarios import load_scenarios
    base = get_scenario(PRINTER)
    variant = base.model_copy(update={"id": "test-je", "persona": base.persona.model_copy(update={"aanspreekvorm": "je"})})
    scenarios = load_scenarios()
    scenarios[variant.id] = variant
    try:
        polite = Chat(variant.id, seed=2)
        polite.say("Wat zoekt u precies?", ["open_vraag"])
        casual = Chat(variant.id, seed=2)
        reply = casual.say("Wat zoek je precies?", ["open_vraag", "informeel"])
        assert casual.slot("irritatie") == polite.slot("irritatie")
        assert casual.slot("vertrouwen") == polite.slot("vertrouwen")
        assert not any(reply["text"].startswith(t) for t in texts(PRINTER, "informeel"))
    finally:
        scenarios.pop(variant.id, None)


def test_a_goodbye_that_also_resolves_the_objection_is_taken_in_first():
    chat = Chat("2.5-onderhandelen-werkkleding", seed=3)
    chat.say("Goedemiddag meneer Bakker, met Sanne van ProWear.", ["begroeting"])
    chat.say("Ik begrijp dat u op de kosten let. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"])
    reply = chat.say("Onze jassen gaan jaren mee door de versterkte naden. Ik stuur u de offerte, fijne dag!",
                     ["voordeel_benoemen", "toezegging", "afscheid"], intent="afscheid")
    sc = get_scenario("2.5-onderhandelen-werkkleding")
    assert chat.slot("opgeloste_bezwaren") == ["prijs"]
    assert any(reply["text"].startswith(text_of(t)) for t in sc.objection("prijs").resolved)
    assert reply["text"].endswith(goodbye_ends("2.5-onderhandelen-werkkleding"))
    assert chat.slot("uitkomst") == "geen_deal"  # resolved, but nobody asked for the order


def test_the_same_conversation_is_harder_on_a_harder_level():
    """One decent script: an order on makkelijk; extra objections and cooler numbers higher up."""
    script = [("Goedemorgen", ["begroeting"]), ("Waar gebruikt u hem voor?", ["open_vraag"]),
              ("Kunt u dat toelichten?", ["doorvragen"]),
              ("De MF 450 scant naar de mail voor uw boekhouder.", ["voordeel_benoemen"]),
              ("Met XL-toner bespaart u per afdruk.", ["voordeel_benoemen"]), ("Zal ik hem bestellen?", ["afsluitvraag"])]
    results = {}
    for level in ("makkelijk", "gemiddeld", "moeilijk"):
        chat = Chat(PRINTER, level, seed=3)
        for text, labels in script:
            chat.say(text, labels)
        results[level] = chat
    assert results["makkelijk"].slot("uitkomst") == "order"
    assert results["gemiddeld"].slot("uitkomst") == "lopend" and results["moeilijk"].slot("uitkomst") == "lopend"
    assert results["gemiddeld"].slot("open_bezwaren") == ["twijfel"]  # no twijfel objection on makkelijk
    for easy, hard in (("makkelijk", "gemiddeld"), ("gemiddeld", "moeilijk")):
        assert results[easy].slot("interesse") > results[hard].slot("interesse")
        assert results[easy].slot("vertrouwen") > results[hard].slot("vertrouwen")


def test_a_discount_without_authority_is_recorded_but_does_not_settle_the_price_objection():
    chat = Chat(PRINTER, seed=3)
    good_discovery(chat)
    chat.say("De MF 450 kost 649 euro.", ["inform"], entities=[entity("bedrag", 649.0, "649 euro")])
    text = "Ik geef u 10% korting."
    reply = chat.say(text, ["concessie"], entities=[entity("percentage", 10.0, "10%", text.index("10%"))])
    assert chat.slot("open_bezwaren") == ["prijs"] and chat.slot("korting_gegeven") == 10
    assert chat.slot("concessie_bij_eerste_bezwaar") is True  # conceded before exploring
    assert reply["labels"] == [] and reply["reason"] == "objection"
    assert chat.slot("concessies") == [{"beurt": 6, "soort": "korting", "waarde": "10%", "gevraagd": True,
                                        "te_vroeg": True, "binnen_bevoegdheid": False}]


def test_hint_after_two_misses_points_at_a_pending_buying_signal():
    chat = Chat(PRINTER, "makkelijk", seed=3)
    drive_to_buying_signal(chat)
    chat.say("eh", [])
    hint = chat.say("uh", [])
    assert hint["text"] == get_scenario(PRINTER).hints["signaal"]
