"""After the deal: the customer's yes is no buying signal to be closed any more.

The line that made the deal is the customer utterance right before slot `uitkomst` became a
success value; the reply to it is an after-deal turn (summarise, promise, add-on, goodbye).
"""

from __future__ import annotations

from bot.feedback import build_report, turn_hint
from bot.feedback.conversation import SUCCESS_OUTCOMES, read_events
from bot.feedback.script import script_events
from bot.feedback.sources import ScenarioInfo
from bot.scenarios.models import SUCCESS_OUTCOMES as SCENARIO_SUCCESS

K, S = "klant", "student"
SCENARIO = ScenarioInfo(id="2.3-proef", werkprocessen=("2.3",), competencies=(), rubric=None,
                        persona="Ingrid de Vries")

BEFORE = [
    (K, "Goedemiddag, met Ingrid de Vries van Bakkerij De Vries. Ik zoek een nieuwe printer.", []),
    (S, "Goedemiddag mevrouw De Vries, u spreekt met Sanne van Kantoorgemak. Waarvoor gaat u de printer gebruiken?",
     ["begroeting", "open_vraag"]),
    (K, "Vooral facturen. Hoe snel kunnen jullie leveren?", ["koopsignaal.levering"]),
    (S, "Wij leveren donderdag en installeren hem gratis. Zal ik de bestelling voor u vastleggen?",
     ["voordeel_benoemen", "afsluitvraag"], "goed"),
    (K, "Doe maar, zet u de bestelling maar vast.", ["koopsignaal.instemming"]),
]
SUMMARY = (S, "Dus u krijgt de printer donderdag, met gratis installatie.",
           ["samenvatten"], "fout")  # the recogniser wanted a close: the deal wins
GOODBYE = [(K, "Klopt.", []),
           (S, "U ontvangt de bevestiging vandaag nog per mail. Bedankt voor uw bestelling en nog een fijne dag.",
            ["toezegging", "afscheid"])]


def events(*after, deal=True):
    deal_slot = [("slot", "uitkomst", "order")] if deal else []
    lines = BEFORE + deal_slot + list(after)
    return script_events(lines, "2.3-proef", slots=None if deal else {"uitkomst": "order"})


def test_the_deal_line_is_known_and_no_buying_signal_any_more():
    conv = read_events(events(SUMMARY, *GOODBYE))
    deal = [u for u in conv.utterances if u.deal]
    assert [u.text for u in deal] == ["Doe maar, zet u de bestelling maar vast."]
    assert deal[0].signals == ()
    assert conv.turns[2].after_deal and not conv.turns[1].after_deal and not conv.turns[3].after_deal
    assert conv.turns[2].verdict is None  # the recogniser's 'fout' judged a signal that no longer counts
    # the earlier buying signal is still one
    assert conv.turns[1].signals == ("koopsignaal.levering",)


def test_summary_promise_and_goodbye_after_the_order_are_not_penalised():
    report = build_report(events(SUMMARY, *GOODBYE), SCENARIO)
    koop = [f for f in report["feedback"] if f["check"] == "koopsignaal_afsluitvraag"]
    assert koop and all(f["kind"] == "goed" for f in koop), koop
    check = next(c for c in report["checks"] if c["id"] == "koopsignaal_afsluitvraag")
    assert check["points"] == check["max"], check
    assert report["missed_signals"] == []
    assert any(f["check"] == "afscheid" and f["kind"] == "goed" for f in report["feedback"])
    # without the deal marker (older trackers: the slot only at the end) the yes was judged
    old = build_report(events(SUMMARY, *GOODBYE, deal=False), SCENARIO)
    old_check = next(c for c in old["checks"] if c["id"] == "koopsignaal_afsluitvraag")
    assert old_check["points"] < old_check["max"]
    assert [m["signal"] for m in old["missed_signals"]] == ["koopsignaal.instemming"]
    assert report["score"] > old["score"]


def test_hint_after_the_deal_does_not_ask_for_a_close():
    hint = turn_hint(events(SUMMARY), SCENARIO)
    assert hint and "stel dan een afsluitvraag" not in hint and "Zal ik de bestelling" not in hint
    assert hint.startswith(("Goed", "Netjes")), hint
    weak = (S, "Oké.", [])
    hint = turn_hint(events(weak), SCENARIO)
    assert hint and "afsluitvraag" not in hint and "samen" in hint, hint
    # the same reply without the deal marker still gets the buying-signal hint
    old = turn_hint(events(weak, deal=False), SCENARIO)
    assert "afsluitvraag" in old


def test_success_outcomes_match_the_scenario_model():
    assert tuple(SUCCESS_OUTCOMES) == tuple(SCENARIO_SUCCESS)
