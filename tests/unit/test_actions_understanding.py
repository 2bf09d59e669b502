"""The customer understands and answers (issue 9) and ends a call that goes nowhere (issue 13).

Action-level tests give the student's turns as parse_data (labels and entities by hand), so
they test the persona, not the recogniser; the session tests at the end go through the
real NLU and engine.
"""

from __future__ import annotations

from bot.scenarios import get_scenario
from bot.scenarios.models import text_of
from test_actions_support import PRINTER_DISCOVERY, Chat, entity

from actions.persona.reply import REASONS

PRINTER = "2.3-inbound-printer"
KOFFIE = "2.2-acquisitie-koffie"
INTERVIEW = "1.1-klantinterview-horeca"


def texts(sc_id: str, key: str) -> list[str]:
    return [text_of(t) for t in get_scenario(sc_id).lines[key]]


def ents(text: str, *items) -> list[dict]:
    return [entity(name, value, said, text.index(said)) for name, value, said in items]


def to_levering_signal(chat: Chat) -> dict:
    for text, labels in PRINTER_DISCOVERY:
        reply = chat.say(text, labels)
        if "koopsignaal.levering" in reply["labels"]:
            return reply
    raise AssertionError("no levering signal")


# ----- her own questions -----------------------------------------------------------------


def test_an_answer_to_her_question_without_any_move_is_understood_and_she_moves_on():
    chat = Chat(PRINTER, "makkelijk", seed=3)
    to_levering_signal(chat)
    misses = chat.slot("misverstanden")
    reply = chat.say("Binnen twee werkdagen staat hij bij u.", [])  # the recogniser found no move
    assert reply["text"] not in texts(PRINTER, "clarify")
    assert reply["reason"] != "clarification"
    assert chat.slot("misverstanden") == misses == 0
    assert "levertijd" in chat.slot("persona_toestand")["topics"]


def test_the_clarification_line_only_when_nothing_relates_to_the_conversation():
    chat = Chat(PRINTER, seed=3)
    reply = chat.say("Ik hou eigenlijk meer van voetbal.", [])
    assert reply["reason"] == "clarification" and reply["text"] in texts(PRINTER, "clarify")
    related = Chat(PRINTER, seed=3)
    reply = related.say("Scannen naar de boekhouder gaat met één knop.", [])  # a need's words
    assert reply["reason"] != "clarification"


def test_every_customer_message_carries_a_reason_from_the_contract():
    chat = Chat(PRINTER, seed=3)
    assert chat.opening[0]["reason"] == "opening"
    for text, labels in PRINTER_DISCOVERY:
        assert chat.say(text, labels)["reason"] in REASONS


# ----- facts -----------------------------------------------------------------------------


def test_a_wrong_price_gets_a_correction_in_character_and_a_feitfouten_entry():
    chat = Chat(PRINTER, seed=3)
    text = "De MF 450 kost 599 euro."
    reply = chat.say(text, [], entities=ents(text, ("product", "printa-mf450", "MF 450"), ("bedrag", 599.0, "599 euro")))
    assert reply["reason"] == "fact_correction" and "599 euro" in reply["text"] and "649" in reply["text"]
    assert chat.slot("feitfouten") == [{"beurt": 1, "soort": "prijs", "genoemd": "599 euro",
                                        "juist": "€ 649,00 per stuk", "zin": text}]


def test_right_figures_questions_and_totals_are_no_fact_errors():
    chat = Chat(PRINTER, seed=3)
    for text, items in (
        ("De MF 450 kost 649 euro.", (("product", "printa-mf450", "MF 450"), ("bedrag", 649.0, "649 euro"))),
        ("Kost de MF 450 niet 599 euro?", (("product", "printa-mf450", "MF 450"), ("bedrag", 599.0, "599 euro"))),
        ("Drie MF 450 kosten samen 1.849,65 euro.", (("aantal", 3, "Drie"), ("product", "printa-mf450", "MF 450"),
                                                    ("bedrag", 1849.65, "1.849,65 euro"))),
        ("De L 200 kost 189 euro, maar die kan niet scannen.", (("product", "printa-l200", "L 200"), ("bedrag", 189.0, "189 euro"))),
    ):
        chat.say(text, [], entities=ents(text, *items))
    assert chat.slot("feitfouten") == []


def test_a_price_in_a_sentence_without_a_product_may_be_about_any_product_of_the_message():
    """'... met het servicecontract Plus. Hij kost 649 euro.' is the printer's price, not a
    wrong price of the service contract; a figure that fits none of them is still wrong."""
    chat = Chat(PRINTER, seed=3)
    text = "Ik adviseer de MF 450, met het servicecontract Plus erbij. Hij kost 649 euro."
    reply = chat.say(text, ["voordeel_benoemen"], entities=ents(
        text, ("product", "printa-mf450", "MF 450"), ("product", "service-plus", "servicecontract Plus"),
        ("bedrag", 649.0, "649 euro")))
    assert chat.slot("feitfouten") in (None, []) and reply["reason"] != "fact_correction", reply
    text = "Dat begrijp ik, 649 euro is een flink bedrag."
    chat.say(text, ["begrip_tonen"], entities=ents(text, ("bedrag", 649.0, "649 euro")))
    assert chat.slot("feitfouten") in (None, [])
    text = "Hij kost 599 euro."
    chat.say(text, [], entities=ents(text, ("bedrag", 599.0, "599 euro")))
    assert [e["genoemd"] for e in chat.slot("feitfouten")] == ["599 euro"]


def test_a_wrong_delivery_time_stock_and_property_are_each_recorded():
    chat = Chat(PRINTER, seed=3)
    chat.say("De MF 450 leveren we binnen één werkdag.", [], entities=ents("De MF 450 leveren we binnen één werkdag.", ("product", "printa-mf450", "MF 450")))
    chat.say("We hebben er nog 50 op voorraad.", [])
    text = "De L 200 kan ook scannen."
    reply = chat.say(text, [], entities=ents(text, ("product", "printa-l200", "L 200")))
    kinds = [(e["soort"], e["beurt"]) for e in chat.slot("feitfouten")]
    assert kinds == [("levertijd", 1), ("aantal", 2), ("eigenschap", 3)]
    assert reply["reason"] == "fact_correction" and "scannen" in reply["text"]
    assert chat.slot("feitfouten")[1]["juist"] == "14 op voorraad"


# ----- concessions -----------------------------------------------------------------------


def test_an_unasked_discount_right_after_a_buying_signal_is_recorded_as_too_early():
    chat = Chat(PRINTER, "makkelijk", seed=3)
    to_levering_signal(chat)
    text = "Als u vandaag bestelt, krijgt u 5% korting."
    chat.say(text, ["concessie"], entities=ents(text, ("percentage", 5.0, "5%")))
    [entry] = chat.slot("concessies")
    assert entry["soort"] == "korting" and entry["gevraagd"] is False and entry["te_vroeg"] is True
    assert entry["binnen_bevoegdheid"] is False  # 2.3 gives the student no discount authority
    assert chat.slot("uitkomst") == "lopend"  # the discount alone sells nothing


def test_free_delivery_is_a_concession_of_kind_kosten():
    chat = Chat(PRINTER, seed=3)
    chat.say("De bezorgkosten laat ik voor u vervallen.", ["concessie"])
    [entry] = chat.slot("concessies")
    assert entry["soort"] == "kosten" and entry["waarde"] == "De bezorgkosten laat ik voor u vervallen."


# ----- goals -----------------------------------------------------------------------------


def test_after_an_early_close_her_questions_answered_well_lead_to_the_order_without_a_miss():
    """2.3: the student asked for the order early (she hesitated); her later questions are
    answered with information, not a second close: no missed signal, and she buys."""
    chat = Chat(PRINTER, "makkelijk", seed=3)
    for text, labels in PRINTER_DISCOVERY[:2]:
        chat.say(text, labels)
    chat.say("Zal ik de MF 450 voor u bestellen?", ["afsluitvraag"])
    assert chat.slot("uitkomst") == "lopend"
    for text, labels in PRINTER_DISCOVERY[2:]:
        chat.say(text, labels)
        if chat.slot("uitkomst") != "lopend":
            break
    if chat.slot("uitkomst") == "lopend":
        chat.say("Binnen twee werkdagen staat hij bij u.", [])
    assert chat.slot("uitkomst") == "order"
    assert chat.slot("gemiste_signalen") == []


def test_confirming_day_and_time_of_the_appointment_is_welcome():
    chat = Chat(KOFFIE, seed=1)
    memory = dict(chat.slot("persona_toestand"))
    memory["success_turn"] = 0
    chat.slots.update({"uitkomst": "afspraak", "persona_toestand": memory})
    text = "Komt dinsdag om tien uur u uit?"
    reply = chat.say(text, ["gesloten_vraag"], entities=ents(text, ("weekdag", "dinsdag", "dinsdag")))
    assert reply["text"] in texts(KOFFIE, "after_deal_confirm")
    assert chat.slot("afspraken")["datum"] == "dinsdag" and chat.slot("afspraken")["tijd"] == "om tien uur"


def test_the_market_interview_ends_in_its_own_success_outcome():
    sc = get_scenario(INTERVIEW)
    assert sc.close.outcome == "informatie"


# ----- through the engine: no line twice, and a call that goes nowhere ends -------------


def test_300_student_questions_end_in_character_without_a_repeated_line():
    from bot.engine.session import start, step

    questions = ["Waar gebruikt u de printer voor?", "Hoeveel print u per maand?", "Wat voor printer had u?",
                 "Wie gebruikt de printer?", "Heeft u een budget?", "Wilt u kleur?"]
    r = start(PRINTER, difficulty="gemiddeld", seed=1)
    said = [m["text"] for m in r.messages]
    turns = 0
    while not r.finished and turns < 300:
        r = step(r.state, questions[turns % len(questions)])
        turns += 1
        said += [m["text"] for m in r.messages]
    assert r.finished and turns < 40  # she ended the call herself, long before 300
    assert len(said) == len(set(said)), [t for t in said if said.count(t) > 1]
    slots = {e["name"]: e["value"] for e in r.state["events"] if e.get("event") == "slot"}
    assert slots["uitkomst"] == "geen_deal" and slots["gesprek_beeindigd"] is True
    last = r.messages[-1]
    assert last["reason"] == "closing"
    assert last["text"] in texts(PRINTER, "no_progress_end") + texts(PRINTER, "too_long_end")


# ----- objections answer this turn ---------------------------------------------------------


def test_another_products_price_does_not_raise_the_focus_products_price_objection():
    chat = Chat(PRINTER, seed=3)
    chat.say("Goedemorgen mevrouw De Vries, u spreekt met Sanne van Kantoorgemak.", ["begroeting"])
    text = "De L 200 kost 189 euro."
    reply = chat.say(text, [], entities=ents(text, ("product", "printa-l200", "L 200"), ("bedrag", 189.0, "189 euro")))
    assert chat.slot("open_bezwaren") == [] and "649" not in reply["text"]
    text = "De MF 450 kost 649 euro."
    reply = chat.say(text, [], entities=ents(text, ("product", "printa-mf450", "MF 450"), ("bedrag", 649.0, "649 euro")))
    assert chat.slot("open_bezwaren") == ["prijs"] and reply["reason"] == "objection"


def test_an_objection_the_student_already_answered_is_not_raised_and_counts_as_settled():
    chat = Chat(INTERVIEW, "gemiddeld", seed=3)
    chat.say("Goedemiddag meneer Hofstede, u spreekt met Sanne van Horeca Totaal Groothandel.", ["begroeting"])
    chat.say("Ik begrijp dat het druk is. Het duurt maximaal vijf minuten.", ["begrip_tonen", "toezegging"])
    chat.say("Uw antwoorden worden anoniem verwerkt voor ons marktonderzoek. Hoe bestelt u nu bij ons?", ["open_vraag"])
    assert "wat-doen-jullie-ermee" not in chat.slot("open_bezwaren")
    assert "wat-doen-jullie-ermee" in chat.slot("persona_toestand")["preempted"]


def test_a_probing_question_on_an_objection_counts_as_a_step_and_a_new_point_gets_its_own_objection():
    chat = Chat("2.7-leverancier-toners", "gemiddeld", seed=2)
    chat.say("Goedemorgen meneer Bosman, u spreekt met Sanne van Van Leeuwen.", ["begroeting"])
    text = "We hebben maar 30 toners ontvangen in plaats van 50."
    chat.say(text, [], entities=ents(text, ("aantal", 30, "30 toners")))
    chat.say("Dat begrijp ik. De chauffeur heeft '30 toners' op de vrachtbrief gezet.", ["begrip_tonen"])
    # asked to agree on the waybill, she accepts it and tells at once what still stands in the way
    reply = chat.say("Zullen we afspreken dat ik u de vrachtbrief vandaag mail?", ["afsluitvraag"])
    assert chat.slot("open_bezwaren") == ["uitstel-levering"] and "weerstand.uitstel" in reply["labels"]
    chat.say("Heeft u in een ander magazijn nog toners liggen?", ["gesloten_vraag"])  # probes her point
    assert chat.slot("persona_toestand")["progress"]["uitstel-levering"] == 1
    text = "Op de factuur staan 50 toners à 42 euro."
    reply = chat.say(text, [], entities=ents(text, ("aantal", 50, "50 toners"), ("bedrag", 42.0, "42 euro")))
    assert chat.slot("open_bezwaren") == ["uitstel-levering", "bevoegdheid-factuur"]
    assert "weerstand.bevoegdheid" in reply["labels"]



def test_the_briefings_standard_offer_is_no_concession():
    """Offering the free trial the 2.1 briefing allows is not recorded as a concession; a
    discount on it still is (label contract §3: standard terms are no concessie)."""
    assert "proefplaatsing" in get_scenario("2.1-voorbereiding-dispensers").standaardaanbod
    chat = Chat("2.1-voorbereiding-dispensers", seed=1, briefing={"doel": "x", "aanpak": "x", "aanbod": "x",
                                                                  "vragen": "x"})
    chat.say("Daarom kan ik u een gratis proefplaatsing aanbieden: tien dispensers, vier weken lang.", ["concessie"])
    assert chat.slot("concessies") in (None, [])
    text = "Op de huur na de proefplaatsing geef ik u 10% korting."
    chat.say(text, ["concessie"], entities=ents(text, ("percentage", 10.0, "10%")))
    [entry] = chat.slot("concessies")
    assert entry["soort"] == "korting"


def test_the_standard_offer_in_other_words_is_no_concession_either():
    """'we plaatsen twee weken gratis een automaat' (2.2) and 'vier weken gratis op één school
    uitproberen' (2.1) are the briefing's trial, said without the word 'proefplaatsing'."""
    for scenario, text in (
        ("2.2-acquisitie-koffie", "Het mooiste is om het gewoon te proberen: we plaatsen twee weken gratis een automaat."),
        ("2.1-voorbereiding-dispensers", "Zullen we hem vier weken gratis op één school uitproberen?"),
    ):
        chat = Chat(scenario, seed=1, briefing={"doel": "x", "aanpak": "x", "aanbod": "x", "vragen": "x"})
        chat.say(text, ["concessie"])
        assert chat.slot("concessies") in (None, []), scenario


# ----- a keyword is a word, not a piece of another word; a wrong summary is not confirmed ------


def test_a_short_keyword_is_a_word_or_a_compound_tail_never_a_piece_of_another_word():
    from actions.persona.message import has_keyword

    assert not has_keyword("waarmee kan ik u helpen?", "waar")
    assert has_keyword("waar moeten ze heen?", "waar")
    assert not has_keyword("ik bel u terug", "rug")
    assert not has_keyword("wat is de prijs?", "rij")
    assert not has_keyword("dus als ik het goed begrijp", "rij")
    assert not has_keyword("hoe duur is hij?", "uur")
    assert not has_keyword("het apparaat", "app")
    assert not has_keyword("een controle", "rol")
    assert has_keyword("'s ochtends staat er een rij", "rij")
    assert has_keyword("de handdoekrollen zijn op", "rol") and has_keyword("scannen", "scan")
    assert has_keyword("de levertijd", "tijd") and has_keyword("het afleveradres", "adres")


def test_the_opening_question_after_her_complaint_is_not_read_as_a_question_about_the_address():
    chat = Chat("2.6-orderprobleem-bureaus", seed=5)
    reply = chat.say("Goedemiddag, met Sam van Ergoplaats. Waarmee kan ik u helpen?", ["begroeting", "open_vraag"])
    assert "Stationsplein" not in reply["text"]


def test_a_summary_of_something_she_never_said_is_not_confirmed():
    chat = Chat("3.3-service-watertap", seed=1)
    wrong = chat.say("Dus als ik het goed begrijp wilt u een nieuwe watertap, omdat deze oud is?", ["samenvatten", "gesloten_vraag"])
    assert wrong["text"] not in texts("3.3-service-watertap", "summary_confirmed")
    assert any(wrong["text"].startswith(line) for line in texts("3.3-service-watertap", "summary_wrong"))
    right = Chat("3.3-service-watertap", seed=1)
    reply = right.say("Dus als ik het goed begrijp brandt het lampje 'filter vervangen' en smaakt het water vreemd?",
                      ["samenvatten", "gesloten_vraag"])
    assert not any(reply["text"].startswith(line) for line in texts("3.3-service-watertap", "summary_wrong"))


def test_asked_whether_she_is_who_the_student_called_she_says_yes_or_who_she_is():
    yes = Chat("2.6-orderprobleem-bureaus", seed=4).say(
        "Goedemorgen, met Sam van Ergoplaats. Spreek ik met mevrouw De Wit?", ["begroeting", "gesloten_vraag"])
    assert yes["text"] in texts("2.6-orderprobleem-bureaus", "identity_confirmed")
    no = Chat("2.6-orderprobleem-bureaus", seed=4).say(
        "Goedemorgen, met Sam van Ergoplaats. Spreek ik met mevrouw De Vries?", ["begroeting", "gesloten_vraag"])
    assert no["text"] == "Nee, u spreekt met Marloes de Wit."


def test_heeft_u_even_asks_for_a_moment_and_gets_a_yes_about_it():
    reply = Chat("2.7-leverancier-toners", seed=9).say(
        "Goedemiddag meneer Bosman, u spreekt met Eva Mulder van Van Leeuwen Kantoorartikelen. "
        "Ik bel over inkooporder IO-7731 van 3 november. Heeft u even?", ["begroeting", "gesloten_vraag"])
    assert reply["text"] in texts("2.7-leverancier-toners", "time_ok")
