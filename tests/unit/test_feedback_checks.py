"""Every rubric check kind: a case that passes, one that fails, one that is not applicable."""

from __future__ import annotations

import pytest

from bot.feedback.checks import KINDS, run_check
from bot.feedback.conversation import read_events
from bot.feedback.script import script_events

BEHOEFTEN = "Op de behoeften en verwachtingen van de klant richten"
OVERTUIGEN = "Overtuigen en beïnvloeden"


def check(kind: str, **params):
    data = {"id": "proef", "tekst": "een proefcheck", "soort": kind, "competenties": [BEHOEFTEN], **params}
    return KINDS[kind].model.model_validate(data)


def conv(lines, **slots):
    return read_events(script_events(lines, slots=slots))


OPENING = ("klant", "Goedemiddag, met Ingrid de Vries van Bakkerij De Vries.", [])
GREETING = ("student", "Goedemiddag mevrouw De Vries, u spreekt met Sanne van Kantoorgemak.", ["begroeting"])


def test_every_kind_is_covered_here():
    assert set(KINDS) == {
        "reactie_op_signaal", "zet_aanwezig", "zet_afwezig", "zet_voor_zet", "slot_voorwaarde", "laatste_beurt_zet",
        "plan_onderdeel",
        "slot_lijst",
    }


# --- reactie_op_signaal --------------------------------------------------------------------

KOOP = check("reactie_op_signaal", signalen=["koopsignaal.*"], zetten=["afsluitvraag"])


def test_reaction_passes_when_the_buying_signal_gets_a_closing_question():
    outcome = run_check(KOOP, conv([
        OPENING, GREETING,
        ("klant", "Hoe snel kunnen jullie leveren?", ["koopsignaal.levering"]),
        ("student", "Donderdag al. Zal ik de bestelling voor u vastleggen?", ["afsluitvraag"]),
    ]))
    assert outcome.score == 1.0
    (obs,) = outcome.observations
    assert (obs.turn, obs.signal, obs.customer_quote) == (2, "koopsignaal.levering", "Hoe snel kunnen jullie leveren?")


def test_reaction_fails_when_the_student_keeps_presenting():
    outcome = run_check(KOOP, conv([
        OPENING, GREETING,
        ("klant", "Zit daar ook garantie op?", ["koopsignaal.voorwaarden"]),
        ("student", "Ja, twee jaar. Hij heeft ook wifi en een scanner.", ["voordeel_benoemen"]),
    ]))
    assert outcome.score == 0.0
    assert outcome.observations[0].turn == 2


def test_reaction_is_not_applicable_without_the_signal():
    outcome = run_check(KOOP, conv([
        OPENING, GREETING,
        ("klant", "Wat is het verschil tussen die twee modellen?", ["interessesignaal"]),
        ("student", "Het duurdere model scant ook, daardoor bespaart u tijd.", ["voordeel_benoemen"]),
    ]))
    assert outcome.score is None


def test_reaction_counts_each_occurrence_and_forbidden_moves_fail():
    lsd = check("reactie_op_signaal", signalen=["weerstand.*"], zetten=["begrip_tonen", "doorvragen"],
                verboden=["ja_maar"])
    outcome = run_check(lsd, conv([
        OPENING, GREETING,
        ("klant", "Dat vind ik eigenlijk te duur.", ["weerstand.prijs"]),
        ("student", "Ja, maar dan begrijp ik niet waarom u belt.", ["ja_maar", "begrip_tonen"]),
        ("klant", "Ik moet er nog even over nadenken.", ["weerstand.uitstel"]),
        ("student", "Dat begrijp ik. Waar twijfelt u nog over?", ["begrip_tonen", "doorvragen"]),
    ]))
    assert outcome.score == 0.5
    assert [o.ok for o in outcome.observations] == [0.0, 1.0]


def test_reaction_without_moves_uses_the_recognisers_verdict():
    by_verdict = check("reactie_op_signaal", signalen=["klacht"])
    outcome = run_check(by_verdict, conv([
        OPENING, GREETING,
        ("klant", "De levering is alweer te laat.", ["klacht"]),
        ("student", "Dat ligt niet aan ons hoor.", ["tegenspreken"], "fout"),
        ("klant", "En de factuur klopt ook niet.", ["klacht"]),
        ("student", "Oké, ik kijk er even naar.", [], "matig"),
    ]))
    assert outcome.score == pytest.approx(0.25)


def test_reaction_to_the_first_signal_only():
    first = check("reactie_op_signaal", signalen=["klacht"], zetten=["excuses"], alleen_eerste=True)
    outcome = run_check(first, conv([
        OPENING, GREETING,
        ("klant", "De monteur is niet gekomen!", ["klacht"]),
        ("student", "Wat vervelend, excuses daarvoor.", ["excuses"]),
        ("klant", "Wat gaat u eraan doen?", ["klacht"]),
        ("student", "Morgen om acht uur staat er een monteur bij u.", ["toezegging"]),
    ]))
    assert outcome.score == 1.0 and len(outcome.observations) == 1


def test_reaction_within_two_turns():
    late = check("reactie_op_signaal", signalen=["klacht"], zetten=["excuses"], binnen_beurten=2)
    outcome = run_check(late, conv([
        OPENING, GREETING,
        ("klant", "Het apparaat doet het sinds gisteren niet meer.", ["klacht"]),
        ("student", "Welk apparaat gaat het om?", ["open_vraag"]),
        ("klant", "De grote printer op de eerste verdieping.", []),
        ("student", "Excuses voor het ongemak, ik stuur vandaag een monteur.", ["excuses", "toezegging"]),
    ]))
    assert outcome.score == 1.0 and outcome.observations[0].turn == 3


# --- zet_aanwezig ---------------------------------------------------------------------------

GREETS = check("zet_aanwezig", zetten=["begroeting"], binnen_beurten=1)


def test_move_present_passes():
    assert run_check(GREETS, conv([OPENING, GREETING])).score == 1.0


def test_move_present_fails_and_points_at_the_first_turn():
    outcome = run_check(GREETS, conv([OPENING, ("student", "Wat wil je bestellen?", ["open_vraag", "informeel"]),
                                      ("klant", "Een printer.", []),
                                      ("student", "Goedemiddag trouwens, met Sanne.", ["begroeting"])]))
    assert outcome.score == 0.0
    assert outcome.observations[0].turn == 1


def test_move_present_is_not_applicable_without_student_turns():
    assert run_check(GREETS, conv([OPENING])).score is None


def test_move_present_minimum_gives_partial_score_and_alleen_als():
    questions = check("zet_aanwezig", zetten=["open_vraag", "doorvragen"], minimaal=3, schaal="0-3")
    lines = [OPENING, ("student", "Waarvoor gebruikt u de printer vooral?", ["open_vraag"])]
    assert run_check(questions, conv(lines)).score == pytest.approx(1 / 3)
    only_on_price = check("zet_aanwezig", zetten=["voordeel_benoemen"], alleen_als={"signaal": ["weerstand.prijs"]})
    assert run_check(only_on_price, conv(lines)).score is None


# --- zet_afwezig -----------------------------------------------------------------------------

NO_JE = check("zet_afwezig", zetten=["informeel"], schaal="0-3")


def test_move_absent_passes():
    assert run_check(NO_JE, conv([OPENING, GREETING])).score == 1.0


def test_move_absent_fails_per_occurrence():
    outcome = run_check(NO_JE, conv([
        OPENING, ("student", "Hoi, wat zoek je?", ["informeel", "open_vraag"]),
        ("klant", "Een printer.", []), ("student", "Heb jij al een leverancier?", ["informeel", "gesloten_vraag"]),
    ]))
    assert outcome.score == pytest.approx(1 / 3)
    assert [o.turn for o in outcome.observations] == [1, 2]


def test_move_absent_is_not_applicable_without_student_turns():
    assert run_check(NO_JE, conv([OPENING])).score is None


# --- zet_voor_zet -----------------------------------------------------------------------------

PROBE_FIRST = check("zet_voor_zet", eerst=["doorvragen", "begrip_tonen"], daarna=["concessie", "voordeel_benoemen"],
                    na_signaal=["weerstand.prijs"])
PRICE = ("klant", "Dat vind ik eigenlijk te duur.", ["weerstand.prijs"])


def test_move_before_move_passes_when_the_student_probes_first():
    each = check("zet_voor_zet", eerst=["doorvragen", "begrip_tonen"], daarna=["concessie", "voordeel_benoemen"],
                 na_signaal=["weerstand.prijs"], elk_signaal=True)
    outcome = run_check(each, conv([
        OPENING, GREETING, PRICE,
        ("student", "Wat bedoelt u precies met te duur?", ["doorvragen"]),
        ("klant", "Bij de concurrent betaal ik twintig euro minder.", ["weerstand.prijs"]),
        ("student", "Dat begrijp ik. Bij ons zit de installatie erbij, daardoor heeft u geen extra kosten.",
         ["begrip_tonen", "voordeel_benoemen"]),
    ]))
    assert outcome.score == 1.0
    # the first objection was only probed (no argument followed): nothing to judge about the order
    assert [o.turn for o in outcome.observations] == [3]


def test_move_before_move_counts_from_the_first_signal_by_default():
    lines = [OPENING, GREETING, PRICE, ("student", "Wat bedoelt u precies met te duur?", ["doorvragen"]),
             ("klant", "Kunt u nog iets met de prijs doen?", ["weerstand.prijs"]),
             ("student", "Ik kan u drie procent korting geven.", ["concessie"])]
    outcome = run_check(PROBE_FIRST, conv(lines))
    # passed: the observation is the turn that made the first move (praise quotes the probe)
    assert outcome.score == 1.0 and [o.turn for o in outcome.observations] == [2]
    each = PROBE_FIRST.model_copy(update={"elk_signaal": True})
    # per signal: the first was only probed (not judged), the second got a concession unprobed
    assert run_check(each, conv(lines)).score == 0.0


def test_move_before_move_fails_on_an_immediate_discount():
    outcome = run_check(PROBE_FIRST, conv([
        OPENING, GREETING, PRICE, ("student", "Dan geef ik u tien procent korting.", ["concessie"]),
    ]))
    assert outcome.score == 0.0 and outcome.observations[0].turn == 2
    assert outcome.observations[0].customer_quote == "Dat vind ik eigenlijk te duur."


def test_move_before_move_is_not_applicable_without_the_objection():
    outcome = run_check(PROBE_FIRST, conv([OPENING, GREETING, ("klant", "Klinkt goed.", ["koopsignaal.instemming"]),
                                           ("student", "Zal ik het vastleggen?", ["afsluitvraag"])]))
    assert outcome.score is None


def test_move_before_move_same_turn_rule():
    strict = check("zet_voor_zet", eerst=["open_vraag"], daarna=["afsluitvraag"], zelfde_beurt_telt=False)
    lines = [OPENING, ("student", "Wat zoekt u? Zal ik hem alvast bestellen?", ["open_vraag", "afsluitvraag"])]
    assert run_check(strict, conv(lines)).score == 0.0


# --- slot_voorwaarde --------------------------------------------------------------------------

MARGIN = check("slot_voorwaarde", voorwaarde={"slot": "korting_binnen_marge", "is": True}, bewijs_zet=["concessie"])
DISCOUNT = [OPENING, GREETING, PRICE, ("student", "Ik kan u vijftien procent korting geven.", ["concessie"])]


def test_slot_condition_passes():
    assert run_check(MARGIN, conv(DISCOUNT, korting_binnen_marge=True)).score == 1.0


def test_slot_condition_fails_and_points_at_the_concession():
    outcome = run_check(MARGIN, conv(DISCOUNT, korting_binnen_marge=False))
    assert outcome.score == 0.0 and outcome.observations[0].turn == 2


def test_slot_condition_is_not_applicable_while_the_slot_is_empty():
    assert run_check(MARGIN, conv(DISCOUNT)).score is None


def test_slot_paths_fractions_and_lists():
    quote = check("slot_voorwaarde", voorwaarde={"slot": "offerte_controle.correct", "is": True})
    wrong = {"correct": False, "fouten": ["korting verkeerd berekend"], "turn": 2}
    outcome = run_check(quote, conv(DISCOUNT, offerte_controle=wrong))
    assert outcome.score == 0.0 and outcome.observations[0].turn == 2
    briefing = check("slot_voorwaarde", als_fractie="briefing.score", schaal="0-3")
    assert run_check(briefing, conv(DISCOUNT, briefing={"score": 0.7})).score == pytest.approx(0.7)
    assert run_check(briefing, conv(DISCOUNT, briefing=None)).score is None
    outcome_in = check("slot_voorwaarde", voorwaarde={"slot": "uitkomst", "in": ["order", "afspraak"]})
    assert run_check(outcome_in, conv(DISCOUNT, uitkomst="afspraak")).score == 1.0
    assert run_check(outcome_in, conv(DISCOUNT, uitkomst="geen_deal")).score == 0.0
    open_objections = check("slot_voorwaarde", voorwaarde={"slot": "open_bezwaren", "leeg": True})
    assert run_check(open_objections, conv(DISCOUNT, open_bezwaren=[])).score == 1.0
    assert run_check(open_objections, conv(DISCOUNT, open_bezwaren=["prijs"])).score == 0.0


# --- laatste_beurt_zet --------------------------------------------------------------------------

CLOSE = check("laatste_beurt_zet", zetten=["toezegging"], laatste=2)


def test_last_turn_move_passes():
    outcome = run_check(CLOSE, conv([
        OPENING, GREETING, ("klant", "Stuurt u mij de offerte?", []),
        ("student", "U ontvangt de offerte vandaag nog per mail.", ["toezegging"]),
        ("klant", "Prima.", []), ("student", "Bedankt en nog een fijne dag.", ["afscheid"]),
    ]))
    assert outcome.score == 1.0 and outcome.observations[0].turn == 2


def test_last_turn_move_fails_on_a_vague_ending():
    outcome = run_check(CLOSE, conv([
        OPENING, GREETING, ("klant", "Stuurt u mij de offerte?", []),
        ("student", "Ja, ik zie wel.", []),
    ]))
    assert outcome.score == 0.0 and outcome.observations[0].turn == 2


def test_last_turn_move_is_not_applicable_without_student_turns():
    assert run_check(CLOSE, conv([OPENING])).score is None


# --- the tracker view ----------------------------------------------------------------------------


def test_button_clicks_and_rewinds_are_not_student_turns():
    events = script_events([OPENING, GREETING])
    events.append({"event": "user", "text": "/stop", "parse_data": {"labels": []}})
    events.append({"event": "user", "text": "Wat zoek je?", "parse_data": {"labels": ["informeel"]}})
    view = read_events(events)
    assert [t.number for t in view.turns] == [1, 2]  # the click is no beurt
    events.append({"event": "rewind"})
    view = read_events(events)
    assert [t.number for t in view.turns] == [1]


def test_signals_fall_back_to_previous_signals_in_parse_data():
    events = [
        {"event": "bot", "text": "Hoe snel kunt u leveren?", "metadata": {"speaker": "klant"}},
        {"event": "user", "text": "Zal ik het vastleggen?",
         "parse_data": {"labels": ["afsluitvraag"], "previous_signals": ["koopsignaal.levering"]}},
    ]
    view = read_events(events)
    assert view.turns[0].signals == ("koopsignaal.levering",)
    assert run_check(KOOP, view).score == 1.0


def test_last_turn_move_is_not_applicable_when_the_customer_ended_it():
    lines = [OPENING, GREETING, ("klant", "Hoe snel kunt u leveren?", ["koopsignaal.levering"]),
             ("student", "Morgen. Zal ik het vastleggen?", ["afsluitvraag"]),
             ("klant", "Doe maar, tot ziens.", ["koopsignaal.instemming"])]
    goodbye = check("laatste_beurt_zet", zetten=["afscheid"])
    assert run_check(goodbye, conv(lines, uitkomst="order")).score is None
    assert run_check(goodbye, conv(lines)).score == 0.0  # still running: the student can still say it


def test_annotated_customer_lines_win_over_the_recognisers_reading():
    events = [
        {"event": "bot", "text": "Dat doen we nu met de telefoon, maar dat is behelpen.",
         "metadata": {"speaker": "klant", "labels": []}},
        {"event": "user", "text": "Hoeveel print u per week?",
         "parse_data": {"labels": ["open_vraag"], "previous_signals": ["koopsignaal.instemming"],
                        "reaction": {"verdict": "fout", "signal": "koopsignaal.instemming"}}},
    ]
    view = read_events(events)
    assert view.turns[0].signals == () and view.turns[0].verdict is None
    assert run_check(KOOP, view).score is None


def test_move_present_pas_na_ignores_a_premature_closing_question():
    timed = check("zet_aanwezig", zetten=["afsluitvraag"], pas_na=["open_vraag", "doorvragen"])
    premature = [OPENING, ("student", "Goedemiddag, wilt u een koffieautomaat kopen?", ["begroeting", "afsluitvraag"]),
                 ("klant", "Ik heb geen tijd.", ["weerstand.tijd"]), ("student", "Oké.", [])]
    outcome = run_check(timed, conv(premature))
    assert outcome.score == 0.0 and outcome.observations[0].turn == 1
    good = premature[:2] + [("klant", "Nee.", []), ("student", "Hoe is de koffie nu geregeld?", ["open_vraag"]),
                            ("klant", "Het apparaat staat vaak stil.", []),
                            ("student", "Zal ik dinsdag een proefplaatsing voor u inplannen?", ["afsluitvraag"])]
    outcome = run_check(timed, conv(good))
    assert outcome.score == 1.0 and outcome.observations[0].turn == 3


def test_briefing_answers_and_coach_lines_are_not_part_of_the_conversation():
    events = [
        {"event": "bot", "text": "Wat is het doel van dit gesprek?", "metadata": {"speaker": "coach", "labels": []}},
        {"event": "slot", "name": "requested_slot", "value": "briefing_doel"},
        {"event": "user", "text": "Een afspraak voor een proefplaatsing.", "parse_data": {"labels": []}},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "bot", "text": "Dan begint nu het gesprek.", "metadata": {"speaker": "coach", "labels": []}},
        {"event": "user", "text": "Goedemorgen, met Sanne van HygiënePlus.", "parse_data": {"labels": ["begroeting"]}},
    ]
    view = read_events(events)
    assert [t.text for t in view.turns] == ["Goedemorgen, met Sanne van HygiënePlus."]
    assert view.utterances == () and run_check(GREETS, view).score == 1.0
    # the first sentence to the customer is beurt 1: the briefing answer is preparation
    (turn,) = view.turns
    assert (turn.number, turn.position) == (1, 1)
    assert view.turn(1) is turn and view.turn(2) is None


def test_move_present_zonder_an_informal_greeting_does_not_count():
    formal = check("zet_aanwezig", zetten=["begroeting"], zonder=["informeel"], binnen_beurten=1)
    outcome = run_check(formal, conv([OPENING, ("student", "Hoi, wat wil je?", ["begroeting", "informeel", "open_vraag"])]))
    assert outcome.score == 0.0 and outcome.observations[0].turn == 1
    assert run_check(formal, conv([OPENING, GREETING])).score == 1.0


# --- plan_onderdeel (1.2; whole conversations in test_plan_discussion.py) -----------------------

PLAN_LINES = [
    ("klant", "Wat wil je in maart bereiken?", []),
    ("student", "Meer omzet.", []),
    ("klant", "Hoeveel dan?", []),
    ("student", "Zes procent groei, en ik heb 2.500 euro budget nodig.", []),
    ("klant", "2.500 euro? Je hebt 1.500 euro.", []),
]
PLAN_NOTES = {
    "onderwerpen": {"doelen": {"turn": 2, "concreet": True, "vaag_turn": 1},
                    "meten": {"turn": None, "concreet": False, "vaag_turn": 2}},
    "cijfers": {"groei_totaal": {"waarde": 6, "turn": 2, "oordeel": "ok"},
                "budget": {"waarde": 2500, "turn": 2, "oordeel": "too_high"}},
    "problemen": [{"id": "budget", "soort": "cijfer", "turn": 2, "waarde": 2500, "oordeel": "too_high"}],
    "opgelost": [],
}


def test_plan_part_passes_when_named_concretely_and_fails_when_only_vague():
    notes = conv(PLAN_LINES, activiteitenplan=PLAN_NOTES)
    passed = run_check(check("plan_onderdeel", onderdeel="doelen"), notes)
    assert passed.score == 1.0 and passed.observations[0].turn == 2
    vague = run_check(check("plan_onderdeel", onderdeel="meten"), notes)
    assert vague.score == 0.0 and vague.observations[0].turn == 2
    assert run_check(check("plan_onderdeel", onderdeel="planning"), notes).score == 0.0


def test_plan_figures_and_criticism_score_the_share_that_fits():
    notes = conv(PLAN_LINES, activiteitenplan=PLAN_NOTES)
    figures = run_check(check("plan_onderdeel", cijfers=["groei_totaal", "budget"]), notes)
    assert figures.score == 0.5
    bad = [o for o in figures.observations if o.ok == 0.0]
    assert bad[0].customer_quote == "2.500 euro? Je hebt 1.500 euro."  # her pushback to that sentence
    assert run_check(check("plan_onderdeel", kritiek_verwerkt=True), notes).score == 0.0


def test_plan_checks_are_not_applicable_without_notes_or_criticism():
    plain = conv(PLAN_LINES)
    assert run_check(check("plan_onderdeel", onderdeel="doelen"), plain).score is None
    calm = conv(PLAN_LINES, activiteitenplan={**PLAN_NOTES, "problemen": []})
    assert run_check(check("plan_onderdeel", kritiek_verwerkt=True), calm).score is None
    assert run_check(check("plan_onderdeel", cijfers=["nieuwe_klanten"]), calm).score is None
    with pytest.raises(ValueError):
        check("plan_onderdeel", onderdeel="doelen", kritiek_verwerkt=True)
