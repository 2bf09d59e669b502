"""One judgement per sentence, over every test story and every trainer script.

Each conversation is replayed through the real engine (NLU, rules, actions) in both modes
and with three seeds; after every student turn the hint the student would see in practice
mode is recorded (with the rule that produced it), and at the end the report is built.
`bot.feedback.consistency.find_contradictions` defines a contradiction precisely; the test
fails on any (same sentence praised and criticised for the same move or competency, a tip
against the report, "niet samengevat" with a summary present, unresolved after a success,
a missed signal whose reply is praised, feedback for a check that did not apply).
"""

from __future__ import annotations

import pytest

from bot.engine.session import start, step
from bot.feedback import build_report
from bot.feedback.consistency import find_contradictions
from bot.feedback.conversation import read_events
from bot.feedback.hints import hint_for_last_turn
from bot.feedback.rubric import resolve
from bot.feedback.sources import info_for_id
from tests.replay_cases import MODES, SEED_OFFSETS, all_cases

CONVERSATIONS = all_cases()


def _play(scenario_id: str, difficulty: str | None, seed: int, mode: str, lines: list[str]):
    result = start(scenario_id, difficulty=difficulty, seed=seed, mode=mode)
    hints = []
    for line in lines:
        if result.finished:
            break
        result = step(result.state, line)
        found = hint_for_last_turn(result.state["events"], scenario_id)
        if found is not None:
            hints.append((read_events(result.state["events"]).turns[-1].number, found[0]))
    return result.state["events"], hints


def test_there_is_something_to_replay():
    assert len(CONVERSATIONS) >= 30


@pytest.mark.parametrize("name, scenario_id, difficulty, seed, lines", CONVERSATIONS,
                         ids=[c[0] for c in CONVERSATIONS])
def test_no_contradictions(name, scenario_id, difficulty, seed, lines):
    checks = {c.id: c for c in resolve(info_for_id(scenario_id)).checks}
    problems = []
    for mode in MODES:
        for offset in SEED_OFFSETS:
            events, hints = _play(scenario_id, difficulty, seed + offset, mode, lines)
            if mode == "toets":
                assert hints == [], "no hints in exam mode"
            report = build_report(events, scenario_id)
            conv = read_events(events)
            for problem in find_contradictions(report, checks, hints, conv):
                problems.append(f"{mode} seed {seed + offset}: {problem}")
    assert not problems, "\n".join(problems)
