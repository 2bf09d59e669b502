"""A sales trainer's third round (docs/trainerronde-3-2026-12-08.md), 2.1 seed 11: her problem
repeated back is no answer to it, and a benefit stated beside a proposal meets her need."""

from __future__ import annotations

import yaml

from bot.engine import session

BRIEFING = yaml.safe_load("""
doel: Een gratis proefplaatsing van tien ProRol Touchless-dispensers afspreken op één locatie, met dag en locatie.
aanpak: Ik stel me voor, vraag naar de lege dispensers en het papier op de vloer, vat samen en koppel de ProRol aan zijn problemen. Daarna stel ik de proefplaatsing voor.
aanbod: ProRol Touchless, één vel per keer, rol gaat drie keer langer mee; gratis proefplaatsing vier weken.
vragen: Hoe gaat het met de dispensers in de onderbouw? Hoe vaak zijn ze leeg? Wie vult ze bij?
""")
TURNS = [
    "Goedemorgen, u spreekt met Daan Visser van HygiënePlus Groothandel. Spreek ik met meneer Smits?",
    "Ik bel u omdat onze accountmanager noteerde dat er klachten waren over lege dispensers in de onderbouw. Hoe gaat het daar nu mee?",
    "Dat begrijp ik, als het goed loopt wilt u niets veranderen. Mag ik vragen hoe vaak de dispensers in de onderbouw op een dag leeg zijn?",
    "Dus vóór de middagpauze is het al leeg. Wat gebeurt er dan met het papier in de toiletten?",
    "Als ik het goed begrijp zijn er twee problemen: de dispensers zijn vóór de middagpauze leeg, en de kinderen trekken er te veel uit, waardoor papier op de vloer ligt. Klopt dat?",
    "Daarvoor hebben we de ProRol Touchless: die geeft één vel per keer, dus de kinderen kunnen er geen handenvol meer uittrekken en er ligt niets op de vloer. En een rol gaat drie keer langer mee, zodat de dispensers de hele dag gevuld blijven. Ik kan tien dispensers vier weken gratis op één locatie plaatsen. Zal ik ze volgende week woensdagmiddag op uw locatie met de meeste onderbouwklassen ophangen?",
    "Dan stel ik voor: tien ProRol-dispensers op De Regenboog, volgende week woensdagmiddag. Gaat u daarmee akkoord?",
]


def _play():
    turn = session.start("2.1-voorbereiding-dispensers", difficulty="gemiddeld", seed=11, briefing=BRIEFING)
    replies = []
    for text in TURNS:
        turn = turn.conversation.step(text)
        replies.append(" ".join(m["text"] for m in turn.messages if m.get("speaker") != "student"))
    return turn, replies


def test_her_problem_repeated_back_is_no_answer_to_it_and_a_stated_benefit_meets_her_need():
    turn, replies = _play()
    # turn 4 summarises her problem and asks about the paper: she answers, she does not react
    # as if a roll that lasts three times as long had been offered
    assert "drie keer langer" not in replies[3] and "handenvol" in replies[3]
    # the benefit in turn 6 stands beside a question and a free trial: it meets her need, so the
    # proposal in turn 7 is accepted instead of "Wat lost zo'n ding nou precies op, bij ons?"
    assert "Wat lost zo'n ding" not in replies[6]
    assert turn.conversation.report()["outcome"] == "afspraak"
