"""Strong and weak students played through the real engine for every scenario: the report
of the strong one must be clearly better, on the score and on the competencies involved.

The lines are what a student would type; the engine (NLU, rules, actions) decides how the
customer reacts and when the conversation ends. Only the feedback is asserted here.
"""

from __future__ import annotations

import json

import pytest

from bot.engine.session import finish, start, step
from bot.feedback.conversation import read_events
from bot.scenarios import load_scenarios

SEED = 7

STRONG: dict[str, list[str]] = {
    "1.2-activiteitenplan-maart": [
        "Hoi Marieke, ja, ik heb mijn plan voor maart bij me.",
        "Mijn doel is 6 procent meer omzet dan vorig jaar maart, dus ongeveer 61.500 euro, en drie nieuwe klanten.",
        "Ik richt me vooral op de zorgpraktijken, omdat die vorig jaar met 18 procent groeiden, en op de scholen, "
        "want die stellen in maart hun budget vast.",
        "Ik bel alle 40 zorgpraktijken en de 30 scholen, en ik stuur de 25 slapende klanten een mailing met een proefpakket.",
        "In de eerste week stuur ik de mailing, na de beurs bel ik de zorgpraktijken en in de laatste week de scholen.",
        "De mailing kost 600 euro en de proefpakketten 700 euro, samen 1.300 euro.",
        "In de mailing neem ik de voorjaarsactie van GreenClean mee, en de leads van de beurs bel ik binnen een week na.",
        "Ik houd in het CRM bij hoeveel gesprekken, offertes en orders het oplevert, en elke vrijdag stuur ik je een overzicht.",
        "Dus samengevat: 6 procent groei, zorg en scholen, 70 gesprekken en een mailing, 1.300 euro, GreenClean "
        "erbij en wekelijks meten in het CRM. Ga je akkoord?",
        "Top, dan zet ik het vandaag in het CRM. Bedankt, tot straks!",
    ],
    "1.1-klantinterview-horeca": [
        "Goedemiddag meneer Hofstede, u spreekt met Sanne van Horeca Totaal Groothandel. Wij doen een kort "
        "onderzoek onder onze klanten. Heeft u tien minuten voor een paar vragen?",
        "Hoe bestelt u op dit moment uw producten bij ons?",
        "Wat bedoelt u daar precies mee?",
        "Wat mist u nog in ons assortiment?",
        "Kunt u daar een voorbeeld van geven?",
        "Bij welke andere leveranciers koopt u nog in?",
        "Waarom kiest u voor hen?",
        "Welke plannen heeft u voor het komende jaar?",
        "Als ik het goed samenvat, bestelt u vooral via de webshop, mist u vegetarische producten, koopt u "
        "groente bij een andere leverancier en wilt u uw menukaart uitbreiden. Klopt dat?",
        "Dank u wel voor uw tijd, meneer Hofstede. Nog een fijne dag.",
    ],
    "2.1-voorbereiding-dispensers": [
        # the briefing (doel, aanpak, aanbod, vragen), then the call
        "Een afspraak maken voor een gratis proefplaatsing van de ProRol Touchless.",
        "Opening met de aanleiding, vragen naar de situatie en behoefte, samenvatten, het aanbod koppelen aan "
        "de behoefte en afsluiten met een voorstel voor een afspraak.",
        "De ProRol Touchless als gratis proefplaatsing: de dispensers zijn vaak leeg en er ligt papier op de "
        "vloer, en met één vel per keer gebruiken ze minder papier.",
        "Hoe gaat het bijvullen nu, hoeveel verbruik hebben ze, waar lopen de schoonmakers tegenaan, wanneer "
        "wordt de begroting gemaakt en wie beslist?",
        "Goedemorgen meneer Smits, u spreekt met Sanne van HygiënePlus Groothandel. Hoe gaat het met de "
        "handdoekdispensers op uw locaties?",
        "Wat bedoelt u precies met lege dispensers en papier op de vloer?",
        "Hoe vaak moeten uw schoonmakers de dispensers bijvullen?",
        "Als ik u goed begrijp, zijn de dispensers in de onderbouw vaak leeg en ligt er papier op de vloer. "
        "Met de ProRol Touchless krijgt u één vel per keer, daardoor gebruikt u ongeveer dertig procent minder "
        "papier en blijft het schoon.",
        "Dat begrijp ik. Waar twijfelt u nog over?",
        "Zal ik een proefplaatsing van tien dispensers voor u inplannen, woensdagmiddag of vrijdag?",
        "Ik plan de proefplaatsing in en stuur u vandaag een bevestiging per mail.",
        "Dank u wel voor uw tijd en nog een fijne dag.",
    ],
    "2.2-acquisitie-koffie": [
        "Goedemorgen meneer Hendriks, u spreekt met Sanne van Koffie & Co Bedrijfsservice. Mag ik u twee "
        "minuten storen?",
        "Dat begrijp ik. Mag ik vragen hoe de koffie nu bij u op kantoor geregeld is?",
        "Wat bedoelt u daar precies mee?",
        "Hoe tevreden zijn uw mensen over de koffie?",
        "Als ik u goed begrijp, is de machine vaak kapot en duurt het lang voor er een monteur komt. Bij ons "
        "komt de monteur binnen 24 uur, daardoor hebben uw mensen altijd koffie.",
        "U kunt het twee weken gratis proberen. Zal ik een afspraak voor u inplannen, dinsdag om tien uur?",
        "U ontvangt vandaag nog een bevestiging per mail. Bedankt voor uw tijd en een fijne dag.",
    ],
    "2.3-inbound-printer": [
        "Goedemiddag mevrouw De Vries, u spreekt met Sanne van Kantoorgemak. Waarvoor gaat u de printer "
        "vooral gebruiken?",
        "Hoeveel pagina's print u ongeveer per week?",
        "Als ik u goed begrijp, wilt u ook facturen scannen. De Printa MF 450 scant en print in kleur, "
        "daardoor kan uw boekhouder de facturen meteen digitaal verwerken.",
        "Dat begrijp ik. Wat vindt u precies te duur?",
        "Wij leveren binnen twee werkdagen. Zal ik de bestelling voor u vastleggen?",
        "U ontvangt de bevestiging vandaag nog per mail. Bedankt en nog een fijne dag.",
    ],
    "2.4-offerte-bureaustoelen": [
        "Goedemiddag mevrouw El Amrani, u spreekt met Sanne van Dekker Kantoorinrichting. Fijn dat u belt "
        "over de offerte. Wat wilt u graag doornemen?",
        "De ErgoFlex 300 kost € 289,00 per stuk. 25 stuks is € 7.225,00. Daar gaat 10% staffelkorting af, "
        "dat is € 722,50, dus € 6.502,50 exclusief btw. De btw is € 1.365,53, totaal € 7.868,03 inclusief btw. "
        "De levertijd is tien werkdagen en u betaalt binnen 30 dagen na factuurdatum.",
        "De levertijd is tien werkdagen, gratis bezorgd en gemonteerd, en u betaalt binnen 30 dagen na "
        "factuurdatum. De stoelen zijn volledig verstelbaar, daardoor zitten uw medewerkers gezonder.",
        "Dat begrijp ik. Waarmee vergelijkt u de prijs?",
        "Als ik u goed begrijp, wilt u 25 ErgoFlex 300 voor € 7.868,03 inclusief btw, geleverd binnen tien "
        "werkdagen. Zal ik de offerte zo voor u klaarzetten?",
        "U ontvangt de offerte vandaag nog per mail. Bedankt en nog een fijne dag.",
    ],
    "2.5-onderhandelen-werkkleding": [
        "Goedemorgen meneer Bakker, u spreekt met Sanne van ProWear Bedrijfskleding. Wat kan ik voor u doen?",
        "Dat begrijp ik. Wat vindt u precies te duur?",
        "Waarmee vergelijkt u onze prijs?",
        "De ProWear Winterjas is waterdicht en heeft versterkte naden en twee jaar garantie, daardoor gaat hij "
        "veel langer mee en bent u op termijn goedkoper uit.",
        "Als u vandaag bestelt, kan ik u 5% korting geven. Gaat u dan akkoord?",
        "U ontvangt de orderbevestiging vandaag nog per mail. Bedankt en nog een fijne dag.",
    ],
    "2.6-orderprobleem-bureaus": [
        "Goedemiddag mevrouw De Wit, u spreekt met Sanne van Ergoplaats. Wat vervelend dat de levering niet "
        "goed is gegaan, excuses daarvoor. Kunt u vertellen wat er precies mis is?",
        "Wat is er precies met de stoel aan de hand?",
        "Wanneer heeft u de bureaus uiterlijk nodig?",
        "Als ik u goed begrijp, mist u bureaus en is er een stoel beschadigd, en heeft u alles zo snel mogelijk "
        "nodig. "
        "Ik plan de ontbrekende bureaus en een nieuwe stoel vóór drie uur in, dan komen ze morgen met de "
        "eerste rit mee en neemt de chauffeur de kapotte stoel mee.",
        "Ik begrijp uw twijfel. Ik bel u morgenochtend zodra de wagen vertrekt. Zullen we het zo afspreken?",
        "U ontvangt de bevestiging vandaag nog per mail. Bedankt voor uw geduld en een fijne dag.",
    ],
    "2.7-leverancier-toners": [
        "Goedemorgen meneer Bosman, u spreekt met Sanne van Van Leeuwen Kantoorartikelen. Ik bel over "
        "inkooporder IO-7731. Er zaten maar 30 toners bij in plaats van 50. Hoe kan dat?",
        "Wat bedoelt u precies? De chauffeur heeft het op de vrachtbrief gezet.",
        "Wanneer kunt u de 20 ontbrekende toners uiterlijk leveren?",
        "Ook de factuur klopt niet: daar staan 50 toners à € 42,00, terwijl we een vaste prijs van € 38,50 "
        "hebben afgesproken. Kunt u daar een creditnota voor sturen?",
        "Even samengevat: u levert de 20 toners aanstaande donderdag en stuurt een creditnota voor 30 toners "
        "à € 38,50. Kunnen we dat zo afspreken?",
        "Dank u wel, dan verwacht ik de bevestiging vandaag per mail. Nog een fijne dag.",
    ],
    "3.1-klacht-koffieautomaat": [
        "Goedemiddag meneer Verhoeven, u spreekt met Sanne van KoffieExpert. Wat vervelend, het spijt me dat "
        "de monteur niet is gekomen.",
        "Kunt u vertellen wat er precies met de automaat aan de hand is?",
        "Sinds wanneer doet hij het niet meer?",
        "Als ik u goed begrijp, heeft u al twee dagen geen koffie en is de monteur niet verschenen. Dat "
        "begrijp ik, dat is niet de bedoeling.",
        "Ik zorg dat er morgenochtend om acht uur een monteur bij u is en bel u vanmiddag om dat te "
        "bevestigen.",
        "Dank u wel voor uw geduld, meneer Verhoeven. Nog een fijne dag.",
    ],
    "3.2-beurslead-werkkleding": [
        "Goedemiddag mevrouw Kok, u spreekt met Sanne van SafeStep Werkkleding. We spraken elkaar vorige week "
        "op de beurs in Gorinchem. Hoe is de werkkleding nu bij u geregeld?",
        "Dat begrijp ik. Wat bedoelt u daar precies mee?",
        "Hoeveel medewerkers werken er in de productie?",
        "Als ik u goed begrijp, wassen uw mensen hun kleding nu zelf en is dat lastig voor de hygiëne. Met "
        "onze huur- en wasservice krijgt u altijd schone kleding, daardoor voldoet u makkelijk aan de "
        "hygiëne-eisen.",
        "Zal ik een afspraak voor u inplannen met onze adviseur Tom Jansen, dinsdag of donderdag om tien uur?",
        "U ontvangt vandaag nog een bevestiging per mail. Bedankt voor uw tijd en een fijne dag.",
    ],
    "3.3-service-watertap": [
        "Goedemorgen mevrouw El Amrani, u spreekt met Sanne van AquaPuur. Wat vervelend dat het lampje brandt "
        "en het water raar smaakt.",
        "Kunt u vertellen sinds wanneer het water anders smaakt?",
        "Zal ik de monteur donderdagochtend voor u inplannen? Dan vervangt hij het filter.",
        "U zei net dat het druk is bij de tap. Hoeveel collega's gebruiken hem?",
        "Voor twaalf euro per maand meer heeft u de AquaPuur Duo, met twee tappunten en ook bruiswater, "
        "daardoor hoeft niemand meer te wachten. Is dat iets voor u?",
        "Zal ik het zo voor u inplannen?",
        "Kan ik u verder nog ergens mee helpen? Anders een fijne dag.",
    ],
}

WEAK: dict[str, list[str]] = {
    "1.2-activiteitenplan-maart": [
        "hoi",
        "gewoon meer verkopen enzo",
        "ik ga 150 klanten bellen",
        "ja maar dat lukt heus wel",
        "ik heb 3000 euro budget nodig voor een mailing",
        "kan ik hiermee aan de slag?",
        "ok doei",
    ],
    "1.1-klantinterview-horeca": [
        "hoi met sanne, koop je veel bij ons?",
        "heb je nog andere leveranciers",
        "we hebben nu tien procent korting op de vegaburger, wil je die bestellen?",
        "ja maar die is echt goedkoper",
        "ok doei",
    ],
    "2.1-voorbereiding-dispensers": [
        "weet ik niet",
        "gewoon bellen",
        "dispensers",
        "geen idee",
        "hoi met sanne, wil je nieuwe dispensers kopen?",
        "ja maar die van ons zijn beter",
        "nee hoor dat klopt niet",
        "ok dan niet",
    ],
    "2.2-acquisitie-koffie": [
        "hoi, wil je een koffieautomaat kopen?",
        "ja maar onze koffie is veel lekkerder",
        "nee hoor dat is niet zo",
        "ok dan niet",
    ],
    "2.3-inbound-printer": [
        "hoi wat wil je",
        "deze printer heeft wifi en kan heel veel",
        "ja maar hij is echt heel goed",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
    "2.4-offerte-bureaustoelen": [
        "hoi, wat wil je weten",
        "het kost ongeveer 7000 euro",
        "ja maar dat is gewoon de prijs",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
    "2.5-onderhandelen-werkkleding": [
        "hoi, wat wil je",
        "oké, dan geef ik je 15% korting",
        "ja maar meer kan echt niet",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
    "2.6-orderprobleem-bureaus": [
        "hoi, wat is er",
        "dat ligt niet aan ons hoor",
        "ja maar bij ons staat het als geleverd",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
    "2.7-leverancier-toners": [
        "hoi, waar blijven jullie toners nou",
        "ja maar dat is jullie fout",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
    "3.1-klacht-koffieautomaat": [
        "hoi, wat is er",
        "dat kan niet, die automaten zijn allemaal getest",
        "ja maar dan heb je hem vast verkeerd gebruikt",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
    "3.2-beurslead-werkkleding": [
        "hoi, je was op de beurs toch",
        "wil je onze kleding kopen?",
        "ja maar onze kleding is echt beter",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
    "3.3-service-watertap": [
        "hoi, wat wil je",
        "wil je er ook flessen bij?",
        "ja maar dat is gewoon zo",
        "nee hoor dat klopt niet",
        "ok doei",
    ],
}


def play(scenario_id: str, lines: list[str]) -> tuple[dict, dict]:
    result = start(scenario_id, seed=SEED)
    for line in lines:
        if result.finished:
            break
        result = step(result.state, line)
    return finish(result.state), result.state


SCENARIO_IDS = sorted(s.id for s in (load_scenarios().values() if isinstance(load_scenarios(), dict)
                                     else load_scenarios()))


def test_every_scenario_has_a_strong_and_a_weak_student():
    assert set(SCENARIO_IDS) <= set(STRONG) and set(SCENARIO_IDS) <= set(WEAK), \
        f"add strong and weak lines for: {sorted(set(SCENARIO_IDS) - set(STRONG))}"


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_strong_student_gets_a_clearly_better_report(scenario_id):
    strong, strong_state = play(scenario_id, STRONG[scenario_id])
    weak, weak_state = play(scenario_id, WEAK[scenario_id])
    assert strong["score"] is not None and weak["score"] is not None
    assert strong["score"] >= weak["score"] + 25, (scenario_id, strong["score"], weak["score"])
    # the competencies both reports observed: strong is at least as good on each, better on most
    both = [n for n, v in strong["competencies"].items() if v is not None and weak["competencies"][n] is not None]
    better = [n for n in both if strong["competencies"][n] > weak["competencies"][n]]
    assert len(better) * 2 > len(both), (scenario_id, strong["competencies"], weak["competencies"])
    # improvement points quote the weak student's own sentences
    quotes = {f["quote"] for f in weak["feedback"] if f["kind"] == "verbeterpunt" and f["quote"]}
    assert quotes and quotes <= set(WEAK[scenario_id])
    # beurt n is the student's n-th sentence to the customer (briefing answers are preparation,
    # not numbered), in the feedback, the checks, the missed signals and the turn count alike
    for report, state in ((strong, strong_state), (weak, weak_state)):
        said = [t.text for t in read_events(state["events"]).turns]
        assert report["turns"] == len(said)
        for item in report["feedback"] + report["missed_signals"]:
            if item["turn"] is not None and item.get("quote") and "reply" not in item:
                assert item["quote"] == said[item["turn"] - 1], (scenario_id, item)
            if item.get("reply") and item["turn"] is not None:
                assert item["reply"] == said[item["turn"] - 1], (scenario_id, item)
        for check in report["checks"]:
            if check["evidence_turn"] is not None and check.get("quote"):
                assert check["quote"] == said[check["evidence_turn"] - 1], (scenario_id, check)
    # replay: the same state gives the same report
    assert json.dumps(finish(strong_state)) == json.dumps(strong)


def test_exam_mode_gives_no_hints_but_a_full_report():
    scenario_id = "2.3-inbound-printer"
    result = start(scenario_id, seed=SEED, mode="toets")
    for line in WEAK[scenario_id][:3]:
        if result.finished:
            break
        result = step(result.state, line)
        assert result.hint is None
    report = finish(result.state)
    assert report["mode"] == "toets" and report["score"] is not None


def test_practice_mode_hints_on_a_weak_turn():
    result = start("2.3-inbound-printer", seed=SEED)
    result = step(result.state, "hoi wat wil je")
    assert result.hint and ("u-vorm" in result.hint or "'u'" in result.hint or "begroeting" in result.hint)


def test_after_the_deal_the_hint_asks_for_no_new_close():
    """The persona's yes carries koopsignaal.instemming; the engine sets `uitkomst` right after
    it, so the reply is an after-deal turn: no 'ask a closing question' hint, no missed signal."""
    scenario_id = "2.3-inbound-printer"
    lines = STRONG[scenario_id]
    result = start(scenario_id, seed=SEED)
    for line in lines[:5]:
        result = step(result.state, line)
    slots = {e["name"]: e["value"] for e in result.state["events"] if e.get("event") == "slot"}
    assert slots["uitkomst"] == "order" and not slots["gesprek_beeindigd"]
    weak = step(result.state, "Oké.")
    assert weak.hint and "afsluitvraag" not in weak.hint and "samen" in weak.hint, weak.hint
    good = step(result.state, lines[5])
    assert good.hint and good.hint.startswith(("Goed", "Netjes")), good.hint
    report = finish(weak.state)
    assert all(m["signal"] != "koopsignaal.instemming" for m in report["missed_signals"])
