"""Persona faults from a sales trainer's third round (issue 9, QA round 3): each test plays the
trainer's lines, with the labels the recogniser gave them, through the real actions."""

from __future__ import annotations

from bot.scenarios import get_scenario
from bot.scenarios.models import text_of
from test_actions_support import Chat

INTERVIEW = "1.1-klantinterview-horeca"
LEAD = "3.2-beurslead-werkkleding"

LEAD_OPENING = [
    ("Goedemorgen mevrouw Kok, u spreekt met Bram de Groot van SafeStep Werkkleding. We spraken elkaar vorige "
     "week op de vakbeurs Voedingsindustrie in Gorinchem, waar u een folder over onze huur- en wasservice "
     "meenam. U gaf aan dat u graag gebeld wilde worden. Komt het nu gelegen?",
     ["begroeting", "gesloten_vraag", "samenvatten"]),
    ("Natuurlijk, ik houd het kort. Hoe regelt u de werkkleding van uw productiemedewerkers nu?", ["open_vraag"]),
    ("Dus de auditor wil dat de kleding niet meer thuis gewassen wordt. Wat is er naast de audit nog belangrijk "
     "voor u bij werkkleding?", ["doorvragen", "samenvatten"]),
    ("Duidelijk, u moet kunnen aantonen dat er volgens HACCP gewassen wordt. Zijn er nog andere dingen waar u "
     "tegenaan loopt, bijvoorbeeld met het aantal sets of de kosten?", ["gesloten_vraag", "samenvatten"]),
    ("Dat begrijp ik, u zit nog aan een contract tot 1 juni. Wat vindt u van uw huidige leverancier, als het "
     "om de audit gaat?", ["doorvragen", "begrip_tonen"]),
    ("Met onze huur- en wasservice halen wij de kleding op en wassen we die volgens HACCP, met een registratie "
     "die u de auditor kunt laten zien. Uw mensen hoeven niets meer thuis te wassen. Het kost vanaf 3,25 euro "
     "per medewerker per week, en als we vóór 1 januari een afspraak maken zijn de eerste twee weken gratis. Zo "
     "bent u klaar voor de volgende audit en kunt u per 1 juni soepel overstappen. Zal ik een afspraak maken "
     "met onze adviseur Tom Jansen, bijvoorbeeld dinsdag om 10.00 uur?", ["voordeel_benoemen", "afsluitvraag"]),
    ("Ik begrijp dat het nu druk is. Het certificaat laat precies zien wanneer en hoe elke set is gewassen; Tom "
     "Jansen kan u dat in een half uur laten zien met uw eigen situatie erbij, dan heeft u meteen iets voor de "
     "auditor. Past donderdag om 14.00 uur u beter dan dinsdag?", ["begrip_tonen", "voordeel_benoemen", "afsluitvraag"]),
]


def lead_until_her_point_about_the_board() -> Chat:
    chat = Chat(LEAD, "gemiddeld", seed=4)
    for text, labels in LEAD_OPENING:
        chat.say(text, labels)
    assert "stuur-folder" in (chat.slot("open_bezwaren") or [])
    return chat


def test_3_2_a_proposed_day_and_time_that_settles_her_postponement_is_the_appointment():
    """3.2 s4: "... en plannen we het gesprek met Tom Jansen op donderdag om 14.00 uur. Dan kan hij
    de vragen van de directie meteen beantwoorden. Is dat goed?" settled her "stuur eerst maar
    informatie" and she said "Dan kan ik het zo doorzetten", yet the call ended geen_deal."""
    chat = lead_until_her_point_about_the_board()
    reply = chat.say(
        "Dat is verstandig. Dan stuur ik u vandaag een korte informatie over de HACCP-wasservice met het "
        "certificaat, zodat u die aan de directie kunt laten zien, en plannen we het gesprek met Tom Jansen op "
        "donderdag om 14.00 uur. Dan kan hij de vragen van de directie meteen beantwoorden. Is dat goed?",
        ["doorvragen", "begrip_tonen", "voordeel_benoemen", "toezegging"])
    assert chat.slot("uitkomst") == "afspraak", reply["text"]


def test_3_2_her_wish_for_figures_for_the_board_counts_as_a_need_she_told():
    """3.2 s4 variant: after "Dan kan ik het zo doorzetten", "Zullen we de afspraak ... vastleggen op
    donderdag om 14.00 uur?" got "Hm, ik weet nog niet of dat zin heeft", then "Nee, laat maar": her
    wish to show the board a calculation per employee was not counted as a need she told."""
    chat = lead_until_her_point_about_the_board()
    chat.say("Dat is verstandig. Tom neemt een berekening per medewerker mee die u aan de directie kunt laten "
             "zien.", ["begrip_tonen", "voordeel_benoemen", "toezegging"])
    assert "stuur-folder" in (chat.slot("opgeloste_bezwaren") or [])
    reply = chat.say("Zullen we de afspraak met Tom Jansen vastleggen op donderdag om 14.00 uur?", ["afsluitvraag"])
    sc = get_scenario(LEAD)
    assert reply["text"] not in [text_of(t) for t in (*sc.close.stall, *sc.close.refuse)], reply["text"]
    assert chat.slot("uitkomst") == "afspraak", reply["text"]


INTERVIEW_TURNS = [
    ("Goedemiddag, u spreekt met Sanne de Boer van Horeca Totaal Groothandel. Spreek ik met Erik Hofstede?",
     ["begroeting", "gesloten_vraag"]),
    ("Ik begrijp dat het druk is. Het duurt maximaal tien minuten; het gaat om een kort interview over hoe u "
     "inkoopt, zodat wij ons assortiment kunnen verbeteren. Schikt het nu, of zal ik u om drie uur terugbellen?",
     ["begrip_tonen", "afsluitvraag"]),
    ("Dank u wel. Hoe bestelt u op dit moment uw producten bij ons?", ["doorvragen"]),
]


def test_1_1_a_plain_answer_to_her_question_who_sees_the_answers_settles_it():
    """1.1 s4: "De antwoorden worden anoniem verwerkt door onze afdeling marketing" answers "wie
    krijgt die antwoorden te zien?" in so many words; her doubt stayed open all call."""
    chat = Chat(INTERVIEW, "gemiddeld", seed=4)
    for text, labels in INTERVIEW_TURNS:
        chat.say(text, labels)
    assert "wat-doen-jullie-ermee" in (chat.slot("open_bezwaren") or [])
    chat.say("Een terechte vraag. De antwoorden worden anoniem verwerkt door onze afdeling marketing; uw naam "
             "komt nergens in te staan. Hoe bestelt u nu uw producten bij ons?", ["open_vraag", "begrip_tonen"])
    assert "wat-doen-jullie-ermee" not in (chat.slot("open_bezwaren") or [])


def test_1_1_a_confirmed_summary_of_every_topic_is_the_interview_s_success():
    """1.1 s4 ended geen_deal although all topics were summarised and confirmed ("Klopt.")."""
    chat = Chat(INTERVIEW, "gemiddeld", seed=4)
    for text, labels in INTERVIEW_TURNS:
        chat.say(text, labels)
    for text, labels in [
        ("Een terechte vraag. De antwoorden worden anoniem verwerkt door onze afdeling marketing; uw naam komt "
         "nergens in te staan. Hoe bestelt u nu uw producten bij ons?", ["open_vraag", "begrip_tonen"]),
        ("Wat mist u op dit moment in ons assortiment?", ["doorvragen"]),
        ("Interessant. Waar haalt u die plantaardige producten nu dan?", ["doorvragen"]),
        ("En welke plannen heeft u voor het eetcafé het komende jaar?", ["open_vraag"]),
    ]:
        chat.say(text, labels)
    reply = chat.say(
        "Even samenvatten: u belt elke maandagochtend uw bestelling door maar zou liever 's avonds via een app "
        "bestellen, u mist plantaardige producten die u nu bij de groenteboer en de cash & carry haalt, en u "
        "breidt volgend voorjaar het terras uit met een kleinere kaart. Klopt dat?", ["samenvatten"])
    assert chat.slot("uitkomst") == "informatie", reply["text"]


DESKS = "2.6-orderprobleem-bureaus"
DESKS_TURNS = [
    ("Goedemorgen mevrouw De Wit, u spreekt met Joris Smit van Ergoplaats. Wat vervelend dat de levering te laat "
     "en onvolledig was, mijn excuses daarvoor. Ik zie order 2026-4471. Welke bureaus ontbreken er precies, en is "
     "er verder iets mis?", ["begroeting", "doorvragen", "begrip_tonen", "excuses"]),
    ("Dus er ontbreken vier bureaus en één stoel is beschadigd. Wat is er aan de stoel kapot, en waarom heeft u "
     "de bureaus zo snel nodig?", ["doorvragen", "samenvatten"]),
    ("Dat begrijp ik. En wat is er precies aan de beschadigde stoel?", ["doorvragen", "begrip_tonen"]),
]


def test_2_6_the_chair_arranged_in_the_proposal_is_not_asked_about():
    """2.6 s4: "... De chauffeur neemt de kapotte stoel meteen mee terug. ... Gaat u daarmee akkoord?"
    got "En dan die stoel met de kapotte armleuning. Wat doen we daarmee?", three times over."""
    chat = Chat(DESKS, "gemiddeld", seed=4)
    for text, labels in DESKS_TURNS:
        chat.say(text, labels)
    reply = chat.say(
        "Graag, mailt u de foto's maar. Ik heb de vier Flex 160-bureaus en een nieuwe ErgoPlus op voorraad. Als ik "
        "het nu inplan, gaan ze morgen, vrijdag, met de eerste rit mee. De chauffeur neemt de kapotte stoel meteen "
        "mee terug. Dan staan de bureaus er maandag voor uw nieuwe collega's. Gaat u daarmee akkoord?",
        ["afsluitvraag"])
    chair = get_scenario(DESKS).objection("klacht-stoel")
    assert not any(text_of(t) in reply["text"] for t in (*chair.texts, *chair.reminder)), reply["text"]
    assert "klacht-stoel" not in (chat.slot("open_bezwaren") or [])
    assert chat.slot("uitkomst") == "opgelost", reply["text"]


def test_2_6_a_new_chair_brought_and_the_old_one_taken_back_meets_her_wish_to_swap_it():
    """2.6 s4 t6: "u krijgt zonder gedoe een stoel die heel is: morgen brengt de chauffeur hem, en hij
    neemt de oude mee" got "En die stoel met de kapotte armleuning?"."""
    chat = Chat(DESKS, "gemiddeld", seed=4)
    for text, labels in DESKS_TURNS:
        chat.say(text, labels)
    chat.say("Ik heb de vier Flex 160-bureaus op voorraad. Ze gaan morgen, vrijdag, met de eerste rit mee. Gaat u "
             "daarmee akkoord?", ["afsluitvraag"])
    assert "klacht-stoel" in (chat.slot("open_bezwaren") or [])
    reply = chat.say("Dat begrijp ik, u krijgt zonder gedoe een stoel die heel is: morgen brengt de chauffeur hem, "
                     "en hij neemt de oude mee. Ik stuur u vandaag nog een bevestiging per mail. Is dat akkoord?",
                     ["begrip_tonen", "afsluitvraag", "toezegging"])
    assert "klacht-stoel" not in (chat.slot("open_bezwaren") or []), reply["text"]


COFFEE = "2.2-acquisitie-koffie"


def test_2_2_how_often_it_breaks_down_is_answered_before_any_appointment():
    """2.2 s9: "Hoe vaak gebeurt het dat hij het niet doet ...?" got "Ons contract met Van Dam loopt
    in het voorjaar af"; "hoe vaak staat de automaat stil?" got "Ja, min of meer."; the breakdowns
    came out only after the student had proposed an appointment."""
    sc = get_scenario(COFFEE)
    chat = Chat(COFFEE, "gemiddeld", seed=9)
    chat.say("Goedemiddag, u spreekt met Lisa Bakker van Koffie & Co Bedrijfsservice. Spreek ik met meneer "
             "Hendriks, de facilitair manager?", ["begroeting", "gesloten_vraag"])
    chat.say("Dat begrijp ik, ik houd het kort. Wij leveren koffieautomaten met verse bonen voor bedrijven. Hoe "
             "tevreden zijn uw collega's op kantoor over de koffie nu?", ["open_vraag", "begrip_tonen"])
    first = chat.say("Als het apparaat het doet, zegt u. Hoe vaak gebeurt het dat hij het niet doet, en hoe lang "
                     "duurt het dan voor er een monteur komt?", ["doorvragen"])
    second = chat.say("Goed om te weten. U zei dat hij het niet altijd doet: hoe vaak staat de automaat stil?",
                      ["gesloten_vraag", "samenvatten"])
    contract = [text_of(t) for a in sc.answers if a.id == "contract" for t in a.texts]
    contract += [text_of(t) for n in sc.persona.needs if n.id == "contract" for t in n.reveal]
    short = [text_of(t) for t in sc.lines["short_answer"]]
    for reply in (first, second):
        assert reply["text"] not in contract + short, reply["text"]
        assert "monteur" in reply["text"] or "stil" in reply["text"], reply["text"]


WATER = "3.3-service-watertap"
WATER_TURNS = [
    ("Goedemorgen mevrouw Ouali, u spreekt met Fleur Kramer van AquaPuur. Vervelend dat het water raar smaakt. "
     "Dat regelen we: de monteur kan donderdagochtend tussen 8.00 en 12.00 uur komen om het filter te vervangen. "
     "Past dat?", ["begroeting", "doorvragen", "begrip_tonen"]),
    ("Dat begrijp ik. Donderdagochtend is de eerste mogelijkheid. Zal ik de monteur dan inplannen? En u zei dat "
     "de tap het zwaar heeft bij u: hoe wordt hij gebruikt?", ["begrip_tonen", "afsluitvraag"]),
    ("Fijn, dan staat de monteur donderdagochtend tussen 8.00 en 12.00 uur bij u. U zei net dat de tap het zwaar "
     "heeft bij u. Hoe komt dat?", ["doorvragen"]),
]


def water_chat() -> Chat:
    chat = Chat(WATER, "gemiddeld", seed=9)
    for text, labels in WATER_TURNS:
        chat.say(text, labels)
    return chat


def test_3_3_a_fact_she_told_as_her_need_is_not_told_again_as_an_answer():
    """3.3 s9 t4: "Wat drinken uw collega's het liefst ...?" got the t3 story (veertig mensen, een rij)
    once more in other words."""
    chat = water_chat()
    before = chat.messages[-1]["text"]
    reply = chat.say("Dus u bent verdubbeld naar veertig mensen en 's ochtends staat er een rij bij de tap. Wat "
                     "drinken uw collega's het liefst, en is er nog iets anders waar u tegenaan loopt?",
                     ["open_vraag", "samenvatten"])
    assert "veertig" not in reply["text"] and "rij" not in reply["text"], (before, reply["text"])


def test_3_3_an_offer_put_to_her_for_her_opinion_gets_a_reaction_to_the_offer():
    """3.3 s9 t6: the Duo and the bottles, "Wat vindt u daarvan?", got a new story of hers (or "Dat was
    het eigenlijk") as if nothing was offered."""
    chat = water_chat()
    chat.say("Dus u bent verdubbeld naar veertig mensen en 's ochtends staat er een rij bij de tap. Wat drinken "
             "uw collega's het liefst, en is er nog iets anders waar u tegenaan loopt?", ["open_vraag", "samenvatten"])
    chat.say("Hoe drinken uw collega's het water nu, uit bekertjes of flesjes?", ["doorvragen"])
    reply = chat.say(
        "Dan heb ik twee ideeën die daarbij passen. De AquaPuur Duo heeft twee tappunten, dus geen rij meer 's "
        "ochtends, en ook bruiswater; hij kost 41 euro per maand en de monteur kan hem donderdag meteen omwisselen. "
        "En glazen flessen met uw logo voor 6,50 euro per stuk, vanaf 40 stuks 10 procent korting: dan heeft ieder "
        "van uw veertig collega's een eigen fles en bent u van de honderden plastic bekertjes af. Wat vindt u "
        "daarvan?", ["doorvragen"])
    sc = get_scenario(WATER)
    story = [text_of(t) for n in sc.persona.needs for t in n.reveal] + [text_of(t) for a in sc.answers for t in a.texts]
    story += [text_of(t) for t in sc.lines["no_more_needs"]]
    assert reply["text"] not in story, reply["text"]
    assert reply["text"] in [text_of(t) for t in sc.lines["benefit_heard"]], reply["text"]


def test_3_3_who_said_marc_decides_says_why_she_decides_herself_before_her_yes():
    """3.3 s9 t9: "Dat moet ik eerst aan Marc voorleggen", then "Weet u wat, doe dat maar." without a word
    on why Marc no longer needs to decide."""
    chat = water_chat()
    for text, labels in [
        ("Dus u bent verdubbeld naar veertig mensen en 's ochtends staat er een rij bij de tap. Wat drinken uw "
         "collega's het liefst?", ["open_vraag", "samenvatten"]),
        ("Dat sluit mooi aan: met de Duo tappen ze bruiswater uit de tap, dus geen flessen uit de supermarkt meer "
         "en geen rij. Zal ik de monteur donderdag de Duo laten plaatsen?", ["voordeel_benoemen", "afsluitvraag"]),
    ]:
        chat.say(text, labels)
    assert "bevoegdheid-upgrade" in (chat.slot("open_bezwaren") or []), chat.messages[-1]["text"]
    chat.say("Dat begrijp ik, Marc beslist over de vaste lasten. Waar zal Marc vooral op letten?",
             ["begrip_tonen", "doorvragen"])
    reply = chat.say("Voor 12 euro per maand extra is die rij 's ochtends weg, ook voor Marc. Zal ik de monteur de "
                     "Duo donderdag laten meenemen?", ["voordeel_benoemen", "afsluitvraag"])
    assert chat.slot("uitkomst") == "order", reply["text"]
    resolved = [text_of(t) for t in get_scenario(WATER).objection("bevoegdheid-upgrade").resolved]
    assert any(r in reply["text"] for r in resolved), reply["text"]


PRINTER = "2.3-inbound-printer"
COMPLAINT = "3.1-klacht-koffieautomaat"


def test_a_question_that_has_nothing_to_do_with_the_call_gets_no_half_answer():
    """2.3 s11: "Verkoopt u ook taart?" to the bakery calling about her printer got "Dat zou ik zo niet
    kunnen zeggen."; 3.1 s4: "Drinkt u eigenlijk liever thee?" got "Hm, kan zijn."."""
    for sc_id, opening, question in [
        (PRINTER, ("Goedemiddag, u spreekt met Kevin van Kantoorgemak. Wat kan ik voor u doen?", ["begroeting", "open_vraag"]),
         "Verkoopt u ook taart? Ik heb zin in appeltaart."),
        (COMPLAINT, ("Goedemiddag, met Kevin van KoffieExpert. Wat vervelend, excuses daarvoor.", ["begroeting", "excuses"]),
         "Drinkt u eigenlijk liever thee?"),
    ]:
        chat = Chat(sc_id, "gemiddeld", seed=4)
        chat.say(*opening)
        reply = chat.say(question, ["gesloten_vraag"])
        sc = get_scenario(sc_id)
        assert reply["text"] not in [text_of(t) for t in sc.lines["short_answer"]], (sc_id, reply["text"])
        assert reply["text"] in [text_of(t) for t in sc.lines["off_topic"]], (sc_id, reply["text"])


def test_an_angry_customer_told_he_was_not_there_says_he_was():
    """3.1 s4: "Misschien was u gewoon niet thuis?" to the customer whose engineer did not come got
    "Geen idee eigenlijk."."""
    chat = Chat(COMPLAINT, "gemiddeld", seed=4)
    chat.say("Goedemiddag, met klantenservice KoffieExpert. Ja maar meneer, dat kan toch niet, de monteur komt altijd.",
             ["begroeting", "ja_maar"])
    reply = chat.say("Misschien was u gewoon niet thuis?", ["gesloten_vraag"])
    sc = get_scenario(COMPLAINT)
    assert reply["text"] not in [text_of(t) for t in sc.lines["short_answer"]], reply["text"]
    assert "receptie" in reply["text"], reply["text"]


def test_asked_to_order_she_answers_the_close_not_with_a_half_yes():
    """2.3 s11: "Ja maar hij is echt goed hoor. Bestellen?" got "Eh, ja, zo ongeveer."; "Dus u bestelt
    hem?" got "Daar heb ik eerlijk gezegd nooit zo over nagedacht."."""
    chat = Chat(PRINTER, "gemiddeld", seed=11)
    chat.say("Hallo, met Kantoorgemak. Printer kapot? Haha, die dingen zijn altijd kapot.", ["begroeting", "doorvragen"])
    sc = get_scenario(PRINTER)
    short = [text_of(t) for t in sc.lines["short_answer"]]
    for text, labels in [("Ja maar hij is echt goed hoor. Bestellen?", ["gesloten_vraag", "ja_maar"]),
                         ("Dus u bestelt hem? Top, dan zet ik hem erin.", ["gesloten_vraag", "samenvatten"])]:
        reply = chat.say(text, labels)
        assert reply["text"] not in short, reply["text"]
        assert reply["reason"] == "closing", reply


def test_her_yes_to_a_short_call_names_no_other_duration_than_the_student_s():
    """1.1 s4 / 3.2: offered ten minutes, she said "Goed, vijf minuten dan." (2.2: "twee minuten")."""
    for sc_id, oid in [("3.2-beurslead-werkkleding", "geen-tijd"), (COFFEE, "tijd")]:
        obj = get_scenario(sc_id).objection(oid)
        for line in (*obj.resolved, *obj.progress):
            assert "minuten" not in text_of(line), (sc_id, text_of(line))


def test_2_2_the_current_supplier_is_introduced_the_first_time_he_is_named():
    """2.2 s11: "Ons contract met Van Dam loopt ..." was his first word about any Van Dam."""
    chat = Chat(COFFEE, "gemiddeld", seed=11)
    chat.say("Hey Peter, met Lisa van Koffie & Co! Jij wilt vast betere koffie toch?",
             ["begroeting", "gesloten_vraag", "informeel"])
    for text, labels in [("Ja maar onze koffie is gewoon de beste van Nederland, echt waar.", ["ja_maar"]),
                         ("Zullen we morgen om 9 uur afspreken? Dan krijg je de eerste maand gratis.",
                          ["afsluitvraag", "concessie", "informeel"]),
                         ("Haha oké. Wat eten jullie eigenlijk in de kantine?", ["open_vraag"])]:
        reply = chat.say(text, labels)
        if "Van Dam" in reply["text"]:
            assert "Koffiehuis Van Dam" in reply["text"], reply["text"]
            break
