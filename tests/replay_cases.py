"""Every conversation the judgement tests replay: each test story and each trainer script.

A case is (name, scenario id, difficulty, seed, student lines). Used by the contradiction
test (tests/integration/test_feedback_no_contradictions.py) and by the byte-identity check
of the turn path (benchmarks/golden_turns.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import yaml

from bot.engine.replay import _user_text, load_test_stories
from bot.scenarios import load_scenarios

SCRIPTS_DIR = Path(__file__).resolve().parent / "data" / "trainer_scripts"
MODES = ("oefenen", "toets")
SEED_OFFSETS = (0, 1, 2)


class ReplayCase(NamedTuple):
    name: str
    scenario: str
    difficulty: str | None
    seed: int
    lines: list[str]


def story_cases() -> list[ReplayCase]:
    out = []
    for flow in load_test_stories():
        md = flow.metadata
        lines = [_user_text(s) for s in flow.steps if s.kind == "user"]
        out.append(ReplayCase(f"story:{Path(flow.path).name}:{flow.name}", md["scenario"], md.get("difficulty"),
                              int(md.get("seed", 0) or 0), lines))
    return out


def _student_lines(turns) -> list[str]:  # noqa: ANN001
    lines = []
    for turn in turns or ():
        if isinstance(turn, str):
            lines.append(turn)
        elif isinstance(turn, dict):
            text = turn.get("student") or turn.get("text") or turn.get("user")
            if isinstance(text, str):
                lines.append(text)
    return lines


def script_cases() -> list[ReplayCase]:
    """Trainer scripts (tests/data/trainer_scripts/*.yml): every mapping with a `scenario` and
    a list of student turns (`turns`, `beurten`, `lines` or `student`)."""
    out: list[ReplayCase] = []
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
                    out.append(ReplayCase(f"script:{path.name}:{scenario}:{name}", scenario, node.get("difficulty"),
                                          int(node.get("seed", 0) or 0), _student_lines(turns)))
                    continue
                stack.extend((v, scenario) for v in node.values())
            elif isinstance(node, list):
                stack.extend((v, scenario) for v in node)
    return out


def all_cases() -> list[ReplayCase]:
    return story_cases() + script_cases()
