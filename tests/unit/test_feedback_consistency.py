"""The contradiction rules of bot.feedback.consistency can fail: crafted reports that break
each rule are caught, and the report itself resolves praise against criticism."""

from __future__ import annotations

from bot.feedback import build_report
from bot.feedback.consistency import find_contradictions, resolve_conflicts
from bot.feedback.conversation import read_events
from bot.feedback.rubric import resolve
from bot.feedback.script import script_events
from bot.feedback.sources import info_for_id
from bot.feedback.texts import load_feedback_texts

SC = "3.1-klacht-koffieautomaat"
K, S = "klant", "student"
LINES = [
    (K, "De monteur is niet gekomen. Ik heb de hele ochtend voor niks gewacht!", ["klacht"]),
    (S, "Goedemiddag meneer Verhoeven, u spreekt met Sanne van KoffieExpert. Wat vervelend, dat begrijp ik.",
     ["begroeting", "begrip_tonen"]),
    (K, "Ja, en nu?", []),
    (S, "Als ik u goed begrijp, staat de machine al twee dagen stil. Klopt dat?", ["samenvatten"]),
]
CHECKS = {c.id: c for c in resolve(info_for_id(SC)).checks}
BEHOEFTEN = "Op de behoeften en verwachtingen van de klant richten"


def item(turn, check, kind, competency=BEHOEFTEN, quote="x"):
    return {"turn": turn, "check": check, "kind": kind, "competency": competency, "quote": quote,
            "text": "", "suggestion": None, "customer_quote": None}


def base_report():
    return build_report(script_events(LINES, SC), SC)


def test_the_real_report_has_no_contradictions():
    report = base_report()
    assert find_contradictions(report, CHECKS, (), read_events(script_events(LINES, SC))) == []


def test_praise_and_criticism_of_one_sentence_is_caught():
    report = base_report()
    report["feedback"] = [item(1, "excuses_bij_klacht", "goed"), item(1, "klacht_serieus", "verbeterpunt")]
    found = find_contradictions(report, CHECKS, (), read_events(script_events(LINES, SC)))
    assert any(f.startswith("praised_and_criticised") for f in found)


def test_a_tip_against_the_report_is_caught():
    texts = load_feedback_texts()
    tip = next(r for r in texts.hints if r.id == "klacht_zonder_begrip")
    report = base_report()
    report["feedback"] = [item(1, "excuses_bij_klacht", "goed")]
    found = find_contradictions(report, CHECKS, [(1, tip)], read_events(script_events(LINES, SC)))
    assert any(f.startswith("hint_against_report") for f in found)


def test_not_summarised_with_a_summary_present_is_caught():
    report = base_report()
    report["feedback"] = [item(None, "klacht_samengevat", "verbeterpunt")]
    found = find_contradictions(report, CHECKS, (), read_events(script_events(LINES, SC)))
    assert any(f.startswith("missing_but_present") for f in found)


def test_unresolved_after_a_success_is_caught():
    report = base_report()
    report["outcome"] = "opgelost"
    report["feedback"] = [item(None, "uitkomst_klacht", "verbeterpunt")]
    report["missed_signals"] = [{"turn": 1, "signal": "klacht", "kind": "bezwaar_open", "objection": "x"}]
    found = find_contradictions(report, CHECKS)
    assert sum(f.startswith("unresolved_after_success") for f in found) == 2


def test_a_missed_signal_whose_reply_is_praised_is_caught():
    report = base_report()
    report["feedback"] = [item(1, "excuses_bij_klacht", "goed")]
    report["missed_signals"] = [{"turn": 1, "signal": "klacht", "kind": "klacht_niet_behandeld"}]
    assert any(f.startswith("missed_but_praised") for f in find_contradictions(report, CHECKS))


def test_feedback_for_a_check_that_did_not_apply_is_caught():
    report = base_report()
    for row in report["checks"]:
        if row["id"] == "oorzaak_voor_oplossing":
            row["passed"] = None
    report["feedback"] = [item(2, "oorzaak_voor_oplossing", "goed", quote=None)]
    found = find_contradictions(report, CHECKS)
    assert any(f.startswith("applicability") for f in found)


def test_the_report_drops_praise_that_an_improvement_point_contradicts():
    entries = [(1, 0, item(1, "excuses_bij_klacht", "goed"), 3), (1, 1, item(1, "klacht_serieus", "verbeterpunt"), 2),
               (1, 2, item(1, "begroeting", "goed", competency="Presenteren"), 1)]
    kept = [e[2]["check"] for e in resolve_conflicts(entries, CHECKS, read_events(script_events(LINES, SC)))]
    assert kept == ["klacht_serieus", "begroeting"]


def test_a_passed_check_pointing_at_its_own_criticised_turn_is_caught():
    report = base_report()
    row = next(c for c in report["checks"] if c["id"] == "geen_ja_maar")
    row["passed"], row["evidence_turn"] = True, 2
    report["feedback"] = [item(2, "geen_ja_maar", "verbeterpunt")]
    assert any(f.startswith("check_against_feedback") for f in find_contradictions(report, CHECKS))


def test_one_ja_maar_is_not_avoiding_it_and_the_suggestion_is_never_the_students_own_sentence():
    lines = LINES + [(K, "Het is gewoon te duur allemaal.", ["weerstand.prijs"]),
                     (S, "Ja, maar de monteur had het druk.", ["ja_maar"]),
                     (K, "Nou ja.", ["weerstand.twijfel"]),
                     (S, "Dat begrijp ik. Wat bedoelt u precies?", ["begrip_tonen", "doorvragen"])]
    report = build_report(script_events(lines, SC), SC)
    row = next(c for c in report["checks"] if c["id"] == "geen_ja_maar")
    assert row["points"] == 2 and row["passed"] is False and row["evidence_turn"] == 3
    said = {text for speaker, text, *_ in lines if speaker == S}
    assert not [f for f in report["feedback"] if f["suggestion"] in said]


def test_praise_of_a_result_the_outcome_did_not_reach_is_caught():
    """'de klant weet wat er met zijn klacht gebeurt' beside 'niet opgelost' (outcome geen_deal)."""
    report = base_report()
    report["outcome"] = "geen_deal"
    good = item(2, "afhandeling_toegezegd", "goed")
    good["text"] = "Goed: de klant weet wat er met zijn klacht gebeurt en wanneer."
    solved = item(None, "uitkomst_klacht", "goed")
    solved["text"] = "Resultaat: de klacht is afgehandeld."
    report["feedback"] = [good, solved]
    found = find_contradictions(report, CHECKS)
    assert sum(f.startswith("success_claimed") for f in found) == 2, found
    report["outcome"] = "opgelost"
    assert not any(f.startswith("success_claimed") for f in find_contradictions(report, CHECKS))


def test_an_arrangement_without_agreement_is_not_praised_as_a_result():
    """The student promises a mechanic, the customer still doubts, the student says goodbye:
    the report quotes the promise but does not say the customer knows where he stands."""
    lines = [*LINES[:3],
             (S, "Ik stuur vandaag om twee uur een monteur.", ["toezegging"]),
             (K, "Nou, eerst zien, dan geloven.", ["weerstand.twijfel"]),
             (S, "Dank u wel, tot ziens.", ["afscheid"])]
    events = script_events(lines, SC, slots={"uitkomst": "geen_deal"})
    report = build_report(events, SC)
    assert report["outcome"] == "geen_deal"
    praise = [f for f in report["feedback"] if f["check"] == "afhandeling_toegezegd" and f["kind"] == "goed"]
    assert praise and all("weet wat er" not in f["text"] for f in praise)
    assert find_contradictions(report, CHECKS, (), read_events(events)) == []
