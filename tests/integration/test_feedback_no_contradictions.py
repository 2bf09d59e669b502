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

from pathlib import Path

import pytest
import yaml

from bot.engine.replay import _user_text, load_test_stories
from bot.engine.session import start, step
from bot.feedback import build_report
from bot.feedback.consistency import find_contradictions
from bot.feedback.conversation import read_events
from bot.feedback.hints import hint_for_last_turn
from bot.feedback.rubric import resolve
from bot.feedback.sources import scenario_info
from bot.scenarios import load_scenarios

SCRIPTS_DIR = Path(__file__).resolve().parents[1] / "data" / "trainer_scripts"
MODES = ("oefenen", "toets")
SEED_OFFSETS = (0, 1, 2)


def _story_conversations() -> list[tuple[str, str, str | None, int, list[str]]]:
    out = []
    for flow in load_test_stories():
        md = flow.metadata
        lines = [_user_text(s) for s in flow.steps if s.kind == "user"]
        out.append((f"story:{Path(flow.path).name}:{flow.name}", md["scenario"], md.get("difficulty"),
                    int(md.get("seed", 0) or 0), lines))
    return out


def _student_lines(turns) -> list[str]:
    lines = []
    for turn in turns or ():
        if isinstance(turn, str):
            lines.append(turn)
        elif isinstance(turn, dict):
            text = turn.get("student") or turn.get("text") or turn.get("user")
            if isinstance(text, str):
                lines.append(text)
    return lines


def _script_conversations() -> list[tuple[str, str, str | None, int, list[str]]]:
    """Trainer scripts (tests/data/trainer_scripts/*.yml): every mapping with a `scenario` and
    a list of student turns (`turns`, `beurten`, `lines` or `student`)."""
    out = []
    known = set(load_scenarios())
    for path in sorted(SCRIPTS_DIR.glob("*.yml")) if SCRIPTS_DIR.exists() else ():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        stack = [(data, None)]
        while stack:
            node, scenario = stack.pop()
            if isinstance(node, dict):
                scenario = node.get("scenario", scenario)
                turns = next((node[k] for k in ("turns", "beurten", "lines", "student") if isinstance(node.get(k), list)), None)
                if turns is not None and scenario in known:
                    name = node.get("id") or node.get("name") or node.get("kind") or node.get("soort") or len(out)
                    out.append((f"script:{path.name}:{scenario}:{name}", scenario, node.get("difficulty"),
                                int(node.get("seed", 0) or 0), _student_lines(turns)))
                    continue
                stack.extend((v, scenario) for v in node.values())
            elif isinstance(node, list):
                stack.extend((v, scenario) for v in node)
    return out


CONVERSATIONS = _story_conversations() + _script_conversations()


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
    checks = {c.id: c for c in resolve(scenario_info(scenario_id)).checks}
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
