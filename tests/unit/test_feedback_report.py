"""build_report, turn_hint and progress on hand-written transcripts for every scenario family."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from bot.feedback import FORMULA, build_report, hint_policy, progress, turn_hint
from bot.feedback.script import script_events
from bot.feedback.sources import ScenarioInfo, competency_names, werkproces_competencies

BEHOEFTEN = "Op de behoeften en verwachtingen van de klant richten"
OVERTUIGEN = "Overtuigen en beïnvloeden"
COMMERCIEEL = "Ondernemend en commercieel handelen"
INSTRUCTIES = "Instructies en procedures opvolgen"
ANALYSEREN = "Analyseren"
PLANNEN = "Plannen en organiseren"
ONDERZOEKEN = "Onderzoeken"
PRESENTEREN = "Presenteren"
FORMULEREN = "Formuleren en rapporteren"
VAKDESKUNDIG = "Vakdeskundigheid toepassen"


def scenario(code: str, *extra: str) -> ScenarioInfo:
    codes = (code, *extra)
    competencies = []
    for c in codes:
        for name in werkproces_competencies(c) or ():
            if name not in competencies:
                competencies.append(name)
    return ScenarioInfo(id=f"{code}-proef", werkprocessen=codes, competencies=tuple(competencies), rubric=None,
                        persona="Ingrid de Vries")


K = "klant"
S = "student"
L = "leverancier"

# Each family: (werkprocessen, strong lines, strong slots, weak lines, weak slots, competencies the difference is about)
FAMILIES = {
    "2.3 inbound verkoop": (
        ("2.3",),
        [
            (K, "Goedemiddag, met Ingrid de Vries van Bakkerij De Vries. Ik zoek een nieuwe printer.", []),
            (S, "Goedemiddag mevrouw De Vries, u spreekt met Sanne van Kantoorgemak. Waarvoor gaat u de printer gebruiken?",
             ["begroeting", "open_vraag"]),
            (K, "Vooral facturen, en soms folders in kleur.", []),
            (S, "Hoeveel pagina's print u ongeveer per week?", ["doorvragen"]),
            (K, "Zo'n vijfhonderd. Is die ook in het zwart leverbaar?", ["interessesignaal"]),
            (S, "Jazeker. Als ik u goed begrijp, zoekt u een kleurenprinter voor zo'n 500 pagina's per week. "
                "Deze is zuinig, daardoor bespaart u op inkt.", ["samenvatten", "voordeel_benoemen"], "goed"),
            (K, "Dat vind ik eigenlijk te duur.", ["weerstand.prijs"]),
            (S, "Dat begrijp ik. Waarmee vergelijkt u de prijs?", ["begrip_tonen", "doorvragen"], "goed"),
            (K, "Bij de webshop is hij goedkoper. Hoe snel kunnen jullie leveren?", ["koopsignaal.levering"]),
            (S, "Wij leveren donderdag en installeren hem gratis. Zal ik de bestelling voor u vastleggen?",
             ["voordeel_benoemen", "afsluitvraag"], "goed"),
            (K, "Doe maar.", ["koopsignaal.instemming"]),
            (S, "Fijn. Wilt u er ook een extra set toner bij? U ontvangt de bevestiging vandaag nog per mail.",
             ["bijverkoop", "toezegging"], "goed"),
            (K, "Nee, dank u.", []),
            (S, "Bedankt voor uw bestelling en nog een fijne dag.", ["afscheid"]),
        ],
        {"uitkomst": "order"},
        [
            (K, "Goedemiddag, met Ingrid de Vries van Bakkerij De Vries. Ik zoek een nieuwe printer.", []),
            (S, "hoi wat wil je", ["informeel", "open_vraag"]),
            (K, "Een printer voor op kantoor.", []),
            (S, "Deze printer heeft wifi en een scanner. Wil je hem bestellen?", ["informeel", "afsluitvraag"]),
            (K, "Dat vind ik eigenlijk te duur.", ["weerstand.prijs"]),
            (S, "Ja, maar onze kwaliteit is veel beter.", ["ja_maar"], "fout"),
            (K, "Hoe snel kunnen jullie leveren?", ["koopsignaal.levering"]),
            (S, "Binnen een week meestal.", [], "fout"),
            (K, "Ik moet er nog even over nadenken.", ["weerstand.uitstel"]),
            (S, "Oké.", [], "matig"),
        ],
        {"uitkomst": "geen_deal"},
        (COMMERCIEEL, OVERTUIGEN, BEHOEFTEN),
    ),
    "2.2 acquisitie": (
        ("2.2",),
        [
            (K, "Met Peters, Installatiebedrijf Peters.", []),
            (S, "Goedemorgen meneer Peters, u spreekt met Daan van Kantoorgemak. Mag ik vragen hoe u nu uw "
                "kantoorartikelen bestelt?", ["begroeting", "open_vraag"]),
            (K, "We hebben al een vaste leverancier.", ["weerstand.concurrent"]),
            (S, "Dat begrijp ik. Waar bent u bij hen het meest tevreden over?", ["begrip_tonen", "doorvragen"], "goed"),
            (K, "Ze leveren snel, maar de facturen zijn altijd een rommeltje.", []),
            (S, "Wat bedoelt u precies met een rommeltje?", ["doorvragen"]),
            (K, "Elke bestelling een aparte factuur.", []),
            (S, "Bij ons krijgt u één verzamelfactuur per maand, daardoor bent u minder tijd kwijt aan de "
                "administratie. Zal ik volgende week dinsdag langskomen om het te laten zien?",
             ["voordeel_benoemen", "afsluitvraag"]),
            (K, "Dinsdag is goed.", ["koopsignaal.instemming"]),
            (S, "Prima, ik stuur u vandaag een bevestiging per mail. Bedankt voor uw tijd en een fijne dag.",
             ["toezegging", "afscheid"], "goed"),
        ],
        {"uitkomst": "afspraak"},
        [
            (K, "Met Peters, Installatiebedrijf Peters.", []),
            (S, "Wij verkopen kantoorartikelen, wil je iets bestellen?", ["informeel", "afsluitvraag"]),
            (K, "We hebben al een vaste leverancier.", ["weerstand.concurrent"]),
            (S, "Nee hoor, wij zijn veel beter.", ["tegenspreken"], "fout"),
            (K, "Ik heb nu eigenlijk geen tijd.", ["weerstand.tijd"]),
            (S, "Oké dan niet.", [], "matig"),
        ],
        {"uitkomst": "geen_deal"},
        (BEHOEFTEN, OVERTUIGEN, COMMERCIEEL),
    ),
    "2.4 offerte": (
        ("2.4",),
        [
            (K, "Goedemiddag, u zou mij een offerte sturen voor de bureaustoelen.", []),
            (S, "Goedemiddag mevrouw De Vries, u spreekt met Sanne van Kantoorgemak. Klopt het dat u twintig "
                "stoelen zoekt?", ["begroeting", "gesloten_vraag"]),
            (K, "Ja, twintig stuks. Wat kost dat?", ["interessesignaal"]),
            (S, "Twintig stoelen à 145 euro is 2900 euro, met vijf procent korting 2755 euro. De stoelen zijn "
                "volledig verstelbaar, daardoor zitten uw mensen gezonder.", ["voordeel_benoemen"], "goed"),
            (K, "En wanneer kunnen ze geleverd worden?", ["koopsignaal.levering"]),
            (S, "Even ter controle: twintig stoelen, 2755 euro, levering op 1 maart. Zal ik de order zo voor u "
                "vastleggen?", ["samenvatten", "afsluitvraag"], "goed"),
            (K, "Dat is goed.", ["koopsignaal.instemming"]),
            (S, "U ontvangt de orderbevestiging vandaag nog per mail. Bedankt en een fijne dag.",
             ["toezegging", "afscheid"], "goed"),
        ],
        {"uitkomst": "order", "offerte_controle": {"correct": True, "fouten": [], "turn": 2}},
        [
            (K, "Goedemiddag, u zou mij een offerte sturen voor de bureaustoelen.", []),
            (S, "ja hallo", []),
            (K, "Twintig stuks. Wat kost dat?", ["interessesignaal"]),
            (S, "Dat wordt 2500 euro.", [], "matig"),
            (K, "En wanneer kunnen ze geleverd worden?", ["koopsignaal.levering"]),
            (S, "Geen idee, dat hoor je nog.", ["informeel"], "fout"),
        ],
        {"uitkomst": "geen_deal",
         "offerte_controle": {"correct": False, "fouten": ["het totaal is verkeerd uitgerekend"], "turn": 2}},
        (INSTRUCTIES, FORMULEREN, PRESENTEREN),
    ),
    "2.5 onderhandeling": (
        ("2.5",),
        [
            (K, "Goedemorgen, ik bel over uw offerte voor de vijftig laptops.", []),
            (S, "Goedemorgen meneer Bakker, u spreekt met Sanne van Kantoorgemak. Wat vindt u van de offerte?",
             ["begroeting", "open_vraag"]),
            (K, "Eerlijk gezegd vind ik hem te duur.", ["weerstand.prijs"]),
            (S, "Dat begrijp ik. Wat vindt u precies te duur?", ["begrip_tonen", "doorvragen"], "goed"),
            (K, "Bij de concurrent betaal ik vijftig euro per stuk minder.", ["weerstand.prijs"]),
            (S, "Bij ons zitten drie jaar service en de installatie in de prijs, daardoor heeft u geen extra "
                "kosten achteraf.", ["voordeel_benoemen"], "goed"),
            (K, "Kunt u nog iets met de prijs doen?", ["weerstand.prijs"]),
            (S, "Als u vandaag bestelt, kan ik u drie procent korting geven. Gaat u dan akkoord?",
             ["concessie", "afsluitvraag"], "goed"),
            (K, "Akkoord.", ["koopsignaal.instemming"]),
            (S, "Mooi, u ontvangt de orderbevestiging vandaag per mail. Bedankt en een fijne dag.",
             ["toezegging", "afscheid"], "goed"),
        ],
        {"uitkomst": "order", "korting_gegeven": 3.0, "korting_binnen_marge": True,
         "concessie_bij_eerste_bezwaar": False, "irritatie": 0.2},
        [
            (K, "Goedemorgen, ik bel over uw offerte voor de vijftig laptops.", []),
            (S, "Goedemorgen, met Sanne.", ["begroeting"]),
            (K, "Eerlijk gezegd vind ik hem te duur.", ["weerstand.prijs"]),
            (S, "Oké, dan geef ik u vijftien procent korting.", ["concessie"], "fout"),
            (K, "Bij de concurrent is het nog goedkoper.", ["weerstand.prijs"]),
            (S, "Ja, maar die hebben slechte service.", ["ja_maar"], "fout"),
            (K, "Daar heb ik geen zin in, ik denk er nog over na.", ["weerstand.uitstel"]),
            (S, "Jammer.", [], "matig"),
        ],
        {"uitkomst": "geen_deal", "korting_gegeven": 15.0, "korting_binnen_marge": False,
         "concessie_bij_eerste_bezwaar": True, "irritatie": 0.8},
        (INSTRUCTIES, OVERTUIGEN),
    ),
    "2.6 orderprobleem": (
        ("2.6",),
        [
            (K, "De bestelling van vorige week is nog steeds niet binnen!", ["klacht"]),
            (S, "Goedemiddag, u spreekt met Sanne van Kantoorgemak. Wat vervelend, excuses daarvoor. Om welke "
                "order gaat het?", ["begroeting", "excuses", "open_vraag"], "goed"),
            (K, "Order 4711, veertig dozen papier.", []),
            (S, "Wanneer heeft u het papier uiterlijk nodig?", ["doorvragen"]),
            (K, "Vrijdag, dan hebben we een grote mailing.", []),
            (S, "Dus u heeft de veertig dozen uiterlijk vrijdag nodig. Ik overleg met het magazijn en bel u "
                "vóór drie uur terug.", ["samenvatten", "toezegging"]),
            (K, "Graag.", []),
            (S, "Bedankt voor uw geduld en tot straks.", ["afscheid"]),
        ],
        {"uitkomst": "opgelost"},
        [
            (K, "De bestelling van vorige week is nog steeds niet binnen!", ["klacht"]),
            (S, "Dat ligt niet aan ons hoor, jullie hebben te laat besteld.", ["tegenspreken"], "fout"),
            (K, "Dat is echt niet waar.", []),
            (S, "Ja, maar zo staat het in het systeem.", ["ja_maar"]),
        ],
        {"uitkomst": "afgebroken"},
        (ANALYSEREN, PLANNEN, BEHOEFTEN),
    ),
    "2.7 leverancier": (
        ("2.7",),
        [
            (L, "Goedemorgen, Papierhandel Noord, met Willem.", []),
            (S, "Goedemorgen Willem, u spreekt met Sanne van Kantoorgemak. Ik wil graag A4-papier bijbestellen. "
                "Hoeveel dozen heeft u op voorraad?", ["begroeting", "open_vraag"]),
            (L, "Zo'n honderd dozen, de rest komt volgende week.", []),
            (S, "Wat is de vroegste datum waarop u tweehonderd dozen kunt leveren?", ["doorvragen"]),
            (L, "Honderd morgen en honderd volgende week dinsdag.", []),
            (S, "Even ter controle: honderd dozen morgen en honderd dozen dinsdag, artikelnummer 4711. Kunnen we "
                "dat zo afspreken?", ["samenvatten", "afsluitvraag"]),
            (L, "Dat is goed.", []),
            (S, "Dan bevestig ik de bestelling vandaag per mail. Bedankt en een fijne dag.", ["toezegging", "afscheid"]),
        ],
        {"uitkomst": "order"},
        [
            (L, "Goedemorgen, Papierhandel Noord, met Willem.", []),
            (S, "ik wil papier", []),
            (L, "Hoeveel heeft u nodig?", []),
            (S, "gewoon veel, stuur maar", []),
        ],
        {"uitkomst": "afgebroken"},
        (ANALYSEREN, INSTRUCTIES, PLANNEN),
    ),
    "3.1 klacht": (
        ("3.1",),
        [
            (K, "Het apparaat dat jullie vorige week leverden doet het niet meer!", ["klacht"]),
            (S, "Goedemiddag, u spreekt met Sanne van Kantoorgemak. Wat vervelend voor u, het spijt me dat het zo "
                "gelopen is.", ["begroeting", "excuses"], "goed"),
            (K, "Ja, we kunnen nu niet printen.", []),
            (S, "Kunt u vertellen wat er precies gebeurt als u hem aanzet?", ["doorvragen"]),
            (K, "Hij geeft een foutmelding E42.", []),
            (S, "Als ik u goed begrijp, geeft de printer sinds vorige week foutmelding E42 en kunt u niet printen.",
             ["samenvatten"]),
            (K, "Precies.", []),
            (S, "Ik stuur morgenochtend een monteur en bel u vanmiddag om de tijd te bevestigen.", ["toezegging"]),
            (K, "Goed, dank u.", []),
            (S, "Graag gedaan, nog een fijne dag.", ["afscheid"]),
        ],
        {"uitkomst": "opgelost", "irritatie": 0.2},
        [
            (K, "Het apparaat dat jullie vorige week leverden doet het niet meer!", ["klacht"]),
            (S, "Dat kan niet, die zijn allemaal getest.", ["tegenspreken"], "fout"),
            (K, "Ik sta er toch naar te kijken!", ["klacht"]),
            (S, "Ja, maar dan heb je hem vast verkeerd aangesloten.", ["ja_maar", "informeel"], "fout"),
        ],
        {"uitkomst": "afgebroken", "irritatie": 0.9},
        (BEHOEFTEN, ANALYSEREN, OVERTUIGEN),
    ),
    "3.2 beurs": (
        ("3.2",),
        [
            (K, "Met Jansen.", []),
            (S, "Goedemiddag meneer Jansen, u spreekt met Sanne van Kantoorgemak. We spraken elkaar vorige week op "
                "de beurs. Hoe bevalt het bestellen bij uw huidige leverancier?", ["begroeting", "open_vraag"]),
            (K, "Het kost ons veel tijd. Werkt jullie portaal ook met ons boekhoudpakket?", ["interessesignaal"]),
            (S, "Ja, het koppelt met Exact, daardoor hoeft u facturen niet meer over te typen.",
             ["voordeel_benoemen"], "goed"),
            (K, "Interessant.", ["interessesignaal"]),
            (S, "Als ik u goed begrijp, wilt u vooral minder tijd kwijt zijn aan bestellen. Met het portaal "
                "bestelt u in twee minuten, dat scheelt uw mensen veel werk.", ["samenvatten", "voordeel_benoemen"],
             "goed"),
            (K, "Dat klinkt goed.", ["koopsignaal.instemming"]),
            (S, "Zal ik een demonstratie bij u inplannen, past dinsdag of donderdag beter?", ["afsluitvraag"], "goed"),
            (K, "Donderdag.", []),
            (S, "Ik stuur u vandaag de bevestiging. Bedankt en een fijne dag.", ["toezegging", "afscheid"]),
        ],
        {"uitkomst": "afspraak"},
        [
            (K, "Met Jansen.", []),
            (S, "hoi, je was op de beurs toch", ["informeel", "gesloten_vraag"]),
            (K, "Werkt jullie portaal ook met ons boekhoudpakket?", ["interessesignaal"]),
            (S, "Nee hoor, dat heeft niemand nodig.", ["tegenspreken"], "fout"),
            (K, "Dan hoeft het niet.", ["weerstand.geen_behoefte"]),
        ],
        {"uitkomst": "geen_deal"},
        (PRESENTEREN, VAKDESKUNDIG, FORMULEREN),
    ),
    "3.3 service en bijverkoop": (
        ("3.3",),
        [
            (K, "Goedemorgen, mijn koffieautomaat lekt.", ["klacht"]),
            (S, "Goedemorgen, u spreekt met Sanne van Kantoorgemak. Wat vervelend. Kunt u vertellen waar hij lekt?",
             ["begroeting", "begrip_tonen", "doorvragen"], "goed"),
            (K, "Onder het waterreservoir.", []),
            (S, "Hoe vaak gebruikt u de automaat per dag?", ["open_vraag"]),
            (K, "Een keer of tachtig.", []),
            (S, "Ik stuur morgen een monteur. Bij zo'n intensief gebruik is ons onderhoudscontract interessant: "
                "dan komt er twee keer per jaar een monteur. Wilt u dat erbij?", ["toezegging", "bijverkoop"]),
            (K, "Dat klinkt goed.", ["koopsignaal.instemming"]),
            (S, "Zal ik het contract dan voor u vastleggen?", ["afsluitvraag"], "goed"),
            (K, "Ja.", []),
            (S, "Kan ik u verder nog ergens mee helpen? Anders een fijne dag.", ["gesloten_vraag", "afscheid"]),
        ],
        {"uitkomst": "opgelost"},
        [
            (K, "Goedemorgen, mijn koffieautomaat lekt.", ["klacht"]),
            (S, "Wil je er een onderhoudscontract bij?", ["informeel", "bijverkoop"]),
            (K, "Ik wil eerst dat hij het weer doet!", ["klacht"]),
            (S, "Ja, maar daar is dat contract juist voor.", ["ja_maar"], "fout"),
        ],
        {"uitkomst": "afgebroken"},
        (BEHOEFTEN, VAKDESKUNDIG),
    ),
    "1.1 marktinterview": (
        ("1.1",),
        [
            (K, "Met Van Dam.", []),
            (S, "Goedemiddag mevrouw Van Dam, u spreekt met Sanne van Kantoorgemak. Wij doen een kort onderzoek. "
                "Hoe kiest u op dit moment een leverancier?", ["begroeting", "open_vraag"]),
            (K, "Vooral op prijs.", []),
            (S, "Wat bedoelt u precies met prijs: de stukprijs of de totale kosten?", ["doorvragen"]),
            (K, "De totale kosten per jaar.", []),
            (S, "Wat vindt u verder belangrijk aan een leverancier?", ["open_vraag"]),
            (K, "Snelle levering.", []),
            (S, "Kunt u daar een voorbeeld van geven?", ["doorvragen"]),
            (K, "Binnen een dag.", []),
            (S, "Hoe bestelt u nu meestal?", ["open_vraag"]),
            (K, "Via de webshop.", []),
            (S, "Als ik het goed samenvat, kiest u op totale kosten en levering binnen een dag, en bestelt u online. "
                "Dank u wel voor uw tijd, een fijne dag.", ["samenvatten", "afscheid"]),
        ],
        {},
        [
            (K, "Met Van Dam.", []),
            (S, "hoi, koop je bij ons?", ["informeel", "afsluitvraag"]),
            (K, "Nee.", []),
            (S, "Heb je een leverancier?", ["informeel", "gesloten_vraag"]),
            (K, "Ja.", []),
            (S, "We hebben nu korting, tien procent.", ["concessie"]),
        ],
        {},
        (ONDERZOEKEN, FORMULEREN),
    ),
    "2.1 voorbereiding": (
        ("2.1", "2.3"),
        [
            (K, "Goedemiddag, met Ingrid de Vries.", []),
            (S, "Goedemiddag mevrouw De Vries, u spreekt met Sanne van Kantoorgemak. Hoe bevalt uw huidige printer?",
             ["begroeting", "open_vraag"]),
            (K, "Hij is oud. Hoe snel kunnen jullie een nieuwe leveren?", ["koopsignaal.levering"]),
            (S, "Morgen al. Zal ik er een voor u reserveren?", ["afsluitvraag"], "goed"),
        ],
        {"briefing": {"antwoorden": {"doel": "afspraak"}, "score": 0.9, "punten": []}, "uitkomst": "order"},
        [
            (K, "Goedemiddag, met Ingrid de Vries.", []),
            (S, "Goedemiddag, met Sanne. Ik wilde u iets vertellen over onze printers.", ["begroeting"]),
            (K, "Hij is oud. Hoe snel kunnen jullie een nieuwe leveren?", ["koopsignaal.levering"]),
            (S, "Dat weet ik niet precies.", [], "fout"),
        ],
        {"briefing": {"antwoorden": {}, "score": 0.2, "punten": ["geen doel"]}, "uitkomst": "geen_deal"},
        (ANALYSEREN, COMMERCIEEL),
    ),
}


def reports(name):
    codes, strong, strong_slots, weak, weak_slots, _ = FAMILIES[name]
    sc = scenario(*codes)
    return (build_report(script_events(strong, sc.id, slots=strong_slots), sc),
            build_report(script_events(weak, sc.id, slots=weak_slots), sc))


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_strong_transcript_scores_clearly_higher(name):
    strong, weak = reports(name)
    assert strong["score"] >= 75, (name, strong["score"])
    assert weak["score"] <= 45, (name, weak["score"])
    assert strong["score"] - weak["score"] >= 35
    for competency in FAMILIES[name][5]:
        assert strong["competencies"][competency] is not None, (name, competency)
        assert (weak["competencies"][competency] or 0) < strong["competencies"][competency], (name, competency)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_report_shape_and_replay(name):
    codes, strong, slots, *_ = FAMILIES[name]
    sc = scenario(*codes)
    events = script_events(strong, sc.id, slots=slots)
    first = build_report(copy.deepcopy(events), sc)
    again = build_report(copy.deepcopy(events), sc)
    assert json.dumps(first, sort_keys=False) == json.dumps(again, sort_keys=False)
    assert list(first["competencies"]) == list(competency_names())
    assert first["formula"] == FORMULA
    for check in first["checks"]:
        assert {"id", "text", "passed", "evidence_turn", "competencies", "werkprocessen"} <= set(check)
        assert check["passed"] in (True, False, None)
    for item in first["feedback"]:
        assert {"turn", "quote", "text", "suggestion", "competency", "kind"} <= set(item)
        assert item["kind"] in ("goed", "verbeterpunt") and item["competency"] in competency_names()
        if item["turn"] is not None:
            assert item["quote"] == [line for line in strong if line[0] == S][item["turn"] - 1][1]


def test_feedback_quotes_the_student_and_suggests_a_better_sentence():
    _, weak = reports("2.3 inbound verkoop")
    items = {(f["check"], f["turn"]): f for f in weak["feedback"]}
    u = items[("u_vorm", 1)]
    assert u["kind"] == "verbeterpunt" and u["quote"] == "hoi wat wil je" and u["suggestion"] == "hoi wat wilt u"
    assert items[("u_vorm", 2)]["suggestion"] == "Deze printer heeft wifi en een scanner. Wilt u hem bestellen?"
    ja_maar = items[("geen_ja_maar", 3)]
    # the rewrite drops the contradiction: acknowledge and ask, no counter-argument
    assert "maar" not in ja_maar["suggestion"] and "onze kwaliteit is veel beter" not in ja_maar["suggestion"]
    missed = items[("koopsignaal_afsluitvraag", 4)]
    assert "Hoe snel kunnen jullie leveren?" in missed["text"] and "Binnen een week meestal" in missed["text"]
    assert missed["suggestion"].endswith("?") and missed["competency"] == COMMERCIEEL


def test_missed_signals_name_the_customer_sentence_and_the_reply():
    _, weak = reports("2.3 inbound verkoop")
    missed = {(m["turn"], m["signal"]): m for m in weak["missed_signals"]}
    assert missed[(4, "koopsignaal.levering")]["quote"] == "Hoe snel kunnen jullie leveren?"
    assert missed[(4, "koopsignaal.levering")]["reply"] == "Binnen een week meestal."
    assert missed[(3, "weerstand.prijs")]["kind"] == "bezwaar_niet_behandeld"
    assert missed[(5, "weerstand.uitstel")]["reply"] == "Oké."
    strong, _ = reports("2.3 inbound verkoop")
    assert strong["missed_signals"] == []


def test_engine_recorded_missed_signals_are_added():
    codes, lines, slots, *_ = FAMILIES["2.3 inbound verkoop"]
    sc = scenario(*codes)
    events = script_events(lines, sc.id, slots={**slots, "gemiste_signalen": [
        {"signal": "interessesignaal", "turn": 3}]})
    (extra,) = build_report(events, sc)["missed_signals"]
    assert extra["kind"] == "gemist_volgens_klant" and extra["quote"].startswith("Zo'n vijfhonderd")


def test_not_applicable_checks_are_null_and_do_not_count():
    strong, _ = reports("2.2 acquisitie")
    by_id = {c["id"]: c for c in strong["checks"]}
    assert by_id["interessevraag_benut"]["passed"] is None and by_id["interessevraag_benut"]["points"] is None
    assert strong["competencies"][ONDERZOEKEN] is None


def test_score_formula_weights_focus_competencies():
    strong, _ = reports("2.5 onderhandeling")
    observed = {k: v for k, v in strong["competencies"].items() if v is not None}
    assert set(strong["focus_competencies"]) == {OVERTUIGEN, INSTRUCTIES}
    assert "gewicht 2" in strong["formula"]
    # the overall score lies between the lowest and the highest observed competency score
    assert min(observed.values()) <= strong["score"] <= max(observed.values())


def test_margin_check_points_at_the_concession():
    _, weak = reports("2.5 onderhandeling")
    margin = next(c for c in weak["checks"] if c["id"] == "binnen_marge")
    assert margin["passed"] is False and margin["evidence_turn"] == 2
    assert margin["quote"] == "Oké, dan geef ik u vijftien procent korting."
    assert margin["resultaat"].startswith("Tijdens de onderhandeling")


def test_empty_conversation_has_no_score():
    report = build_report(script_events([("klant", "Goedemiddag.", [])]), scenario("2.3"))
    assert report["score"] is None and all(v is None for v in report["competencies"].values())
    assert report["feedback"] == []


def test_variants_are_deterministic_but_differ_between_turns():
    _, weak = reports("3.1 klacht")
    texts = [f["text"] for f in weak["feedback"] if f["check"] == "klacht_serieus"]
    assert len(texts) == 2 and texts == [f["text"] for f in reports("3.1 klacht")[1]["feedback"]
                                         if f["check"] == "klacht_serieus"]


# --- hints -------------------------------------------------------------------------------------


def events_until(lines, upto, mode="oefenen"):
    return script_events(lines[:upto], "2.3-proef", mode=mode)


def test_hint_on_a_missed_buying_signal_quotes_the_customer():
    weak = FAMILIES["2.3 inbound verkoop"][3]
    hint = turn_hint(events_until(weak, 8), scenario("2.3"))
    assert "Hoe snel kunnen jullie leveren?" in hint and "afsluitvraag" in hint


def test_hint_on_ja_maar_and_informal_address():
    weak = FAMILIES["2.3 inbound verkoop"][3]
    assert "'ja, maar'" in turn_hint(events_until(weak, 6), scenario("2.3"))
    assert "'u'" in turn_hint(events_until(weak, 4), scenario("2.3")) or "u-vorm" in turn_hint(
        events_until(weak, 4), scenario("2.3"))


def test_hint_praises_a_good_reaction():
    strong = FAMILIES["2.3 inbound verkoop"][1]
    assert turn_hint(events_until(strong, 10), scenario("2.3")).startswith(("Goed", "Sterk"))


def test_no_hints_in_exam_mode():
    weak = FAMILIES["2.3 inbound verkoop"][3]
    events = events_until(weak, 8, mode="toets")
    assert turn_hint(events, scenario("2.3")) is None
    assert turn_hint(events, scenario("2.3"), on_request=True) is None
    assert hint_policy(scenario("2.3"), events) is None


def test_hints_on_request_only():
    weak = FAMILIES["2.3 inbound verkoop"][3]
    sc = dataclasses.replace(scenario("2.3"), practice_hints=False)
    events = events_until(weak, 8)
    assert hint_policy(sc, events) == "op_verzoek"
    assert turn_hint(events, sc) is None
    assert "afsluitvraag" in turn_hint(events, sc, on_request=True)
    assert hint_policy(scenario("2.3"), events) == "automatisch"


def test_no_hint_before_the_student_spoke():
    assert turn_hint(script_events([("klant", "Goedemiddag.", [])]), scenario("2.3")) is None


# --- progress ------------------------------------------------------------------------------------


def test_progress_per_competency_with_trend():
    strong, weak = reports("2.3 inbound verkoop")
    history = [dict(weak, date="2026-11-01"), dict(weak, date="2026-11-08"), dict(strong, date="2026-11-15")]
    result = progress(history)
    assert result["attempts"] == 3
    assert [p["score"] for p in result["score"]["points"]] == [weak["score"], weak["score"], strong["score"]]
    assert result["score"]["trend"] == "stijgend"
    assert result["score"]["points"][2]["date"] == "2026-11-15"
    series = result["competencies"][COMMERCIEEL]
    assert [p["attempt"] for p in series["points"]] == [1, 2, 3] and series["trend"] == "stijgend"
    assert result["competencies"][ONDERZOEKEN] == {"points": [], "trend": "onbekend"}
    assert progress(list(reversed(history)))["score"]["trend"] == "dalend"
    assert progress([strong, strong])["score"]["trend"] == "stabiel"
    assert progress([strong])["score"]["trend"] == "onbekend"


def test_one_bad_sentence_gets_at_most_three_improvement_points():
    codes, *_ = FAMILIES["2.5 onderhandeling"]
    weak = FAMILIES["2.5 onderhandeling"][3]
    report = build_report(script_events(weak, "2.5-proef", slots=FAMILIES["2.5 onderhandeling"][4]), scenario(*codes))
    per_turn: dict = {}
    for item in report["feedback"]:
        if item["kind"] == "verbeterpunt" and item["turn"] is not None:
            per_turn[item["turn"]] = per_turn.get(item["turn"], 0) + 1
    assert per_turn[2] == 3  # the 15% concession: margin, early concession, no probing ... not five
    kept = {f["check"] for f in report["feedback"] if f["turn"] == 2}
    assert {"binnen_marge", "geen_vroege_concessie"} <= kept  # the heaviest checks speak first
    failed_on_2 = {c["id"] for c in report["checks"] if c["evidence_turn"] == 2 and c["passed"] is False}
    assert len(failed_on_2) > 3  # all of them stay visible as checks


def test_objections_still_open_at_the_end_are_named():
    lines = [
        (K, "Goedemorgen, met Peters.", []),
        (S, "Goedemorgen meneer Peters, u spreekt met Daan van Koffie & Co.", ["begroeting"]),
        (K, "We hebben al een vaste leverancier.", ["weerstand.concurrent"]),
        (S, "Dat begrijp ik. Waar bent u bij hen tevreden over?", ["begrip_tonen", "doorvragen"], "goed"),
        (K, "Over alles eigenlijk.", []),
        (S, "Dan bel ik u over een jaar nog eens. Fijne dag.", ["toezegging", "afscheid"]),
    ]
    sc = dataclasses.replace(scenario("2.2"), objections=(("concurrent", "weerstand.concurrent"),
                                                          ("tijd", "weerstand.tijd")))
    report = build_report(script_events(lines, sc.id, slots={"open_bezwaren": ["concurrent"]}), sc)
    (still_open,) = report["missed_signals"]
    assert still_open["kind"] == "bezwaar_open" and still_open["objection"] == "concurrent"
    assert still_open["quote"] == "We hebben al een vaste leverancier." and still_open["turn"] == 2
    assert build_report(script_events(lines, sc.id, slots={"open_bezwaren": []}), sc)["missed_signals"] == []


def test_progress_per_werkproces():
    s23, w23 = reports("2.3 inbound verkoop")
    s25, _ = reports("2.5 onderhandeling")
    result = progress([w23, s25, s23])
    assert [p["attempt"] for p in result["werkprocessen"]["2.3"]["points"]] == [1, 3]
    assert result["werkprocessen"]["2.3"]["trend"] == "stijgend"
    assert [p["scenario"] for p in result["werkprocessen"]["2.5"]["points"]] == ["2.5-proef"]


def test_checks_carry_the_recognisers_evidence_for_the_deciding_turn():
    events = script_events([
        (K, "Goedemiddag, met Jansen.", []),
        (S, "Hoi, wat zoek je?", ["informeel", "open_vraag"]),
    ], "2.3-proef")
    events[-1]["parse_data"]["evidence"] = [
        {"label": "informeel", "rule": "informeel.je", "text": "je"},
        {"label": "open_vraag", "rule": "vraag.wat", "text": "wat zoek je"},
    ]
    report = build_report(events, scenario("2.3"))
    u = next(c for c in report["checks"] if c["id"] == "u_vorm")
    assert u["evidence_turn"] == 1
    assert u["recogniser_evidence"] == [{"label": "informeel", "name": "je-vorm (informeel)", "rule": "informeel.je",
                                         "text": "je", "how": "herkend door regel informeel.je"}]


def test_sparse_or_odd_events_do_not_break_the_report():
    assert build_report([], None)["score"] is None
    odd = [
        {"event": "action", "name": "action_listen"},
        {"event": "bot", "text": "Goedemiddag.", "metadata": None},
        {"event": "user", "text": "Goedemiddag, met Sanne van Kantoorgemak.", "parse_data": None},
        {"event": "slot", "name": "offerte_controle", "value": "onbekend"},
        {"event": "slot", "name": "gemiste_signalen", "value": ["koopsignaal.levering", {"turn": 1}]},
        {"event": "user", "text": "  ", "parse_data": {"labels": ["begroeting"]}},
    ]
    report = build_report(odd, "2.4-offerte-bureaustoelen")
    assert report["turns"] == 1 and report["missed_signals"] == []
    assert next(c for c in report["checks"] if c["id"] == "offerte_correct")["passed"] is None
    # no labels were recognised in turn 1, so the tip is about the missing greeting
    assert "jezelf" in turn_hint(odd, "2.4-offerte-bureaustoelen") and "jezelf" in turn_hint(odd, None)


def test_briefing_points_quote_the_students_own_answers():
    codes, lines, _, _, _, _ = FAMILIES["2.1 voorbereiding"]
    briefing = {"antwoorden": {"doel": "Een afspraak voor een proefplaatsing.", "aanbod": "dispensers"},
                "score": 0.5,
                "punten": [{"veld": "doel", "ok": True, "tekst": "Je doel is concreet en haalbaar."},
                           {"veld": "aanbod", "ok": False, "tekst": "Noem wat je aanbiedt en koppel het aan het dossier."}]}
    report = build_report(script_events(lines, "2.1-proef", slots={"briefing": briefing}), scenario(*codes))
    items = [f for f in report["feedback"] if f["check"] == "briefing_kwaliteit"]
    bad = next(f for f in items if f["quote"] == "dispensers")
    assert bad["kind"] == "verbeterpunt" and "Noem wat je aanbiedt" in bad["text"]
    assert any(f["kind"] == "goed" and f["quote"] == "Een afspraak voor een proefplaatsing." for f in items)
    check = next(c for c in report["checks"] if c["id"] == "briefing_kwaliteit")
    assert check["points"] == 1 and check["passed"] is False  # 0.5 × 3 = 1.5, rounded down


def test_hint_falls_back_on_the_recognisers_verdict():
    lines = [
        (K, "Goedemiddag, met Jansen.", []),
        (S, "Goedemiddag meneer Jansen, u spreekt met Sanne van Kantoorgemak.", ["begroeting"]),
        (K, "Ik heb slechte verhalen over jullie service gehoord.", ["weerstand.twijfel"]),
        (S, "Dat begrijp ik wel, het is ook een lastige tijd geweest.", ["begrip_tonen"], "fout"),
    ]
    hint = turn_hint(script_events(lines, "2.3-proef"), scenario("2.3"))
    # a specific rule (begrip shown on an objection) wins over the verdict fallback
    assert hint.startswith(("Goed", "Netjes"))
    lines[3] = (S, "Wij leveren al sinds 1990 aan bakkerijen.", [], "fout")
    hint = turn_hint(script_events(lines, "2.3-proef"), scenario("2.3"))
    assert "slechte verhalen" in hint
    lines[2] = (K, "Kan die ook dubbelzijdig printen?", ["interessesignaal"])
    lines[3] = (S, "Jazeker, dat doet hij standaard.", [], "goed")
    hint = turn_hint(script_events(lines, "2.3-proef"), scenario("2.3"))
    assert hint in ("Goed gereageerd op een interessesignaal (de klant wilde meer weten).",
                    "Passende reactie op wat de klant zei.")
