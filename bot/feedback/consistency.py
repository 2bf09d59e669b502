"""One judgement per sentence: what counts as a contradiction, and how the report avoids it.

Contradictions (each is a string in `find_contradictions`' result):

1. `praised_and_criticised`: one student turn has a "goed" and a "verbeterpunt" item of the
   same check; or the improvement point is a wrong figure or concession (`slot_lijst`); or under the same main competency when the improvement point judges what the
   sentence says (see `judges_sentence`); or where a move the praise is about (a wanted move
   the turn has) is one the improvement point calls wrong (an unwanted move the turn has) or
   missing.
2. `hint_against_report`: the tip during the conversation about turn n is a compliment about
   moves the report (a feedback item, or a check decided on turn n) calls wrong or missing in
   turn n, or a tip about moves (present and unwanted, or missing) that it praises in turn n.
3. `missing_but_present`: a whole-conversation improvement of a plain `zet_aanwezig` check
   (one move, no timing conditions) while some turn made that move with the words it needs.
4. `unresolved_after_success`: an outcome check failed although the outcome is one it asks
   for, or an objection is listed as still open while the outcome is a success.
5. `missed_but_praised`: a signal listed as missed in turn n while a "goed" item praises
   the reply to that very signal in turn n.
6. `applicability`: a check that was niet van toepassing has feedback items, or a "goed"
   item without a quote for a check that reads sentences.
7. `check_against_feedback`: a check marked passed whose deciding turn its own improvement
   point criticises.
8. `success_claimed`: praise that says the call reached its result while the outcome is not a
   success: a text from a check's `goed_bij_succes` ("de klant weet wat er met zijn klacht
   gebeurt"), or a passed outcome check (`voorwaarde` on `uitkomst`, no `of`) whose outcomes
   exclude this one ("niet opgelost" beside "de klacht is afgehandeld").

`resolve_conflicts` keeps the report free of 1 (the improvement point wins: the praise goes).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from bot.feedback.conversation import signal_matches
from bot.feedback.texts import load_feedback_texts
from bot.vocabulary import OUTCOME_SLOT, SUCCESS_OUTCOMES


def wanted_moves(check: Any) -> set[str]:
    """The moves a check asks for (their presence is what it praises)."""
    kind = getattr(check, "soort", None)
    if kind in ("zet_aanwezig", "reactie_op_signaal", "laatste_beurt_zet"):
        return set(check.zetten)
    if kind == "zet_voor_zet":
        return set(check.eerst)
    return set()


def unwanted_moves(check: Any) -> set[str]:
    """The moves a check counts against the student."""
    kind = getattr(check, "soort", None)
    if kind == "zet_afwezig":
        return set(check.zetten)
    if kind == "reactie_op_signaal":
        return set(check.verboden)
    if kind == "zet_aanwezig":
        return set(check.zonder)
    return set()


def praised(item: dict, check: Any, labels: frozenset[str]) -> set[str]:
    return wanted_moves(check) & labels if item["kind"] == "goed" else set()


def criticised(item: dict, check: Any, labels: frozenset[str]) -> set[str]:
    """Moves the improvement point calls wrong in the turn (present but unwanted) or missing."""
    if item["kind"] != "verbeterpunt":
        return set()
    wrong = unwanted_moves(check) & labels
    if item.get("reden") == "verboden":  # it failed on a forbidden move, not on a missing one
        return wrong
    return wrong | wanted_moves(check)


def items_conflict(a: dict, b: dict, checks: dict[str, Any], labels: frozenset[str] = frozenset()) -> bool:
    """A "goed" and a "verbeterpunt" about the same turn that judge the same thing: the same
    check, the same (main) competency, or a move one praises and the other calls wrong."""
    if a["turn"] is None or a["turn"] != b["turn"] or a["kind"] == b["kind"]:
        return False
    if a["check"] == b["check"]:
        return True
    good, bad = (a, b) if a["kind"] == "goed" else (b, a)
    bad_check = checks.get(bad["check"])
    if getattr(bad_check, "soort", None) == "slot_lijst":
        return True  # a wrong figure or a concession it should not have made: no praise for that sentence
    if good["competency"] == bad["competency"] and judges_sentence(bad_check, labels):
        return True
    return bool(praised(good, checks.get(good["check"]), labels) & criticised(bad, bad_check, labels))


SENTENCE_KINDS = ("reactie_op_signaal", "zet_voor_zet", "zet_afwezig", "slot_lijst")


def judges_sentence(check: Any, labels: frozenset[str]) -> bool:
    """The improvement point is about what this sentence says (a reply, a move made too
    early, an unwanted move, a wrong figure or concession, a move made incompletely), not
    about something missing that the report pins on this turn (no goodbye in the last turn)."""
    if check is None:
        return True
    return check.soort in SENTENCE_KINDS or bool(wanted_moves(check) & labels)


def resolve_conflicts(entries: list[tuple], checks: dict[str, Any], conv: Any = None) -> list[tuple]:
    """Drop praise of a turn that an improvement point about the same thing criticises.
    `entries` are the report's (turn key, order, item, weight) tuples."""
    improvements = [e[2] for e in entries if e[2]["kind"] == "verbeterpunt" and e[2]["turn"] is not None]
    kept = []
    for entry in entries:
        item = entry[2]
        if item["kind"] == "goed" and item["turn"] is not None:
            labels = _labels(conv, item["turn"])
            if any(items_conflict(item, bad, checks, labels) for bad in improvements):
                continue
        kept.append(entry)
    return kept


def _labels(conv: Any, number: int | None) -> frozenset[str]:
    turn = conv.turn(number) if conv is not None else None
    return turn.labels if turn is not None else frozenset()


def hint_conflicts(rule: Any, item: dict, checks: dict[str, Any], labels: frozenset[str] = frozenset()) -> bool:
    """The hint (a compliment or a tip) disagrees with this report item about the same moves."""
    if rule.soort == item["kind"]:
        return False
    cond = rule.als
    check = checks.get(item["check"])
    if rule.soort == "goed":  # compliment about moves the report calls wrong or missing
        return bool((set(cond.zet or ()) | set(cond.ook_zet or ())) & labels & criticised(item, check, labels))
    hint_bad = (set(cond.zet or ()) & labels) | set(cond.geen_zet or ())  # wrong, or said to be missing
    return bool(hint_bad & praised(item, check, labels))


def judgements(report: dict) -> list[dict]:
    """The report's feedback items plus each passed check as praise of its deciding turn,
    for comparing with the hints."""
    found = list(report.get("feedback") or [])
    for row in report.get("checks") or []:
        # a passed check praises its deciding turn; a failed one speaks through its items
        if row.get("passed") is True and row.get("evidence_turn") is not None:
            found.append({"turn": row["evidence_turn"], "check": row["id"], "competency": None, "kind": "goed"})
    return found


def find_contradictions(report: dict, checks: dict[str, Any], hints: Iterable[tuple[int, Any]] = (),
                        conv: Any = None) -> list[str]:
    """Every contradiction in one report (and the hints given during its conversation)."""
    found: list[str] = []
    items = report.get("feedback") or []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if items_conflict(a, b, checks, _labels(conv, a["turn"])):
                found.append(f"praised_and_criticised: turn {a['turn']}: {a['check']} ({a['kind']}) vs "
                             f"{b['check']} ({b['kind']})")
    for number, rule in hints:
        for item in judgements(report):
            if item["turn"] == number and hint_conflicts(rule, item, checks, _labels(conv, number)):
                found.append(f"hint_against_report: turn {number}: hint {rule.id} ({rule.soort}) vs "
                             f"{item['check']} ({item['kind']})")
    by_id = {c["id"]: c for c in report.get("checks") or []}
    if conv is not None:
        for item in items:
            check = checks.get(item["check"])
            if (item["kind"] == "verbeterpunt" and item["turn"] is None and check is not None
                    and check.soort == "zet_aanwezig" and check.minimaal == 1 and not check.pas_na
                    and not check.binnen_beurten and not check.zonder):
                present = [t for t in conv.turns_with(check.zetten) if check.text_ok(t, conv)]
                if present:  # the move, and the words it needs (bewijs)
                    found.append(f"missing_but_present: {check.id} says missing, turn "
                                 f"{present[0].number} has {'/'.join(check.zetten)}")
    outcome = report.get("outcome")
    found += success_claims(items, checks, outcome)
    for item in items:
        check = checks.get(item["check"])
        condition = getattr(check, "voorwaarde", None) if check is not None else None
        if (item["kind"] == "verbeterpunt" and condition is not None and condition.slot == OUTCOME_SLOT
                and condition.in_ and outcome in condition.in_):
            found.append(f"unresolved_after_success: {check.id} criticised with outcome {outcome}")
    if outcome in SUCCESS_OUTCOMES:
        for missed in report.get("missed_signals") or []:
            if missed.get("kind") == "bezwaar_open":
                found.append(f"unresolved_after_success: objection {missed.get('objection')} open with outcome {outcome}")
    for missed in report.get("missed_signals") or []:
        if missed.get("kind") in (None, "bezwaar_open", "gemist_volgens_klant"):
            continue
        for item in items:
            check = checks.get(item["check"])
            if (item["kind"] == "goed" and item["turn"] == missed.get("turn") and check is not None
                    and check.soort == "reactie_op_signaal"
                    and signal_matches(missed["signal"], check.signalen)):
                found.append(f"missed_but_praised: turn {item['turn']}: {missed['signal']} missed, "
                             f"{check.id} praises the reply")
    for item in items:
        row = by_id.get(item["check"])
        if (row is not None and row["passed"] is True and item["kind"] == "verbeterpunt"
                and item["turn"] is not None and item["turn"] == row.get("evidence_turn")):
            found.append(f"check_against_feedback: {item['check']} passed on turn {item['turn']}, "
                         "which its own improvement point criticises")
        if row is not None and row["passed"] is None and row["kind"] != "slot_voorwaarde":
            found.append(f"applicability: {item['check']} is niet van toepassing but has a {item['kind']} item")
        if (item["kind"] == "goed" and row is not None and row["kind"] not in ("slot_voorwaarde",)
                and not item.get("quote")):
            found.append(f"applicability: praise for {item['check']} quotes no sentence")
    return found


def _template(text: str) -> re.Pattern:
    """A feedback text with its placeholders as wildcards."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".*?".join(re.escape(p) for p in parts) + r"\Z", re.S)


def success_claims(items: list[dict], checks: dict[str, Any], outcome: str | None) -> list[str]:
    """Praise of a result the outcome did not reach (rule 8)."""
    if outcome in SUCCESS_OUTCOMES:
        return []
    texts = load_feedback_texts()
    found = []
    for item in items:
        if item["kind"] != "goed":
            continue
        entry = texts.checks.get(item["check"])
        if entry is not None and any(_template(t).match(item["text"] or "") for t in entry.goed_bij_succes):
            found.append(f"success_claimed: {item['check']} praises a result with outcome {outcome}")
        check = checks.get(item["check"])
        condition = getattr(check, "voorwaarde", None)
        if (condition is not None and condition.slot == OUTCOME_SLOT and condition.in_ and outcome not in condition.in_
                and getattr(check, "of", None) is None):  # `of`: it may pass on another ground
            found.append(f"success_claimed: {item['check']} praised with outcome {outcome}")
    return found
