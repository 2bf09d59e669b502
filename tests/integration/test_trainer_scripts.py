"""Trainer-style scripts for every scenario, replayed through the session facade, with thresholds.

tests/data/trainer_scripts/<scenario>.yml holds three scripts per scenario, written the way a
sales trainer plays a student (without reading the recogniser's or the persona's rules; every
turn answers the customer's actual reply). The thresholds come from issue 9:

- strong: the scenario's success outcome (`close.outcome`) and an overall score of at least 80;
- weak: an overall score of at most 35;
- off-script: the replay ends without an error and every student turn gets a reply.

Each script is its own test case (`<scenario>-<kind>`), so the report shows which ones hold.
The same replay prints a table with `.venv/bin/python benchmarks/trainer_scripts.py`.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_MIN_SCORE = 80
WEAK_MAX_SCORE = 35


def _benchmark():
    """benchmarks/trainer_scripts.py (loader and replay); benchmarks/ is no package."""
    name = "trainer_scripts_benchmark"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "trainer_scripts.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]


SCRIPTS = _benchmark().load_scripts()


@lru_cache(maxsize=None)
def _replay(script_id: str):
    script = next(s for s in SCRIPTS if s.id == script_id)
    return _benchmark().replay(script)


def _success_outcome(scenario_id: str) -> str:
    from bot.scenarios import load_scenarios

    return load_scenarios()[scenario_id].close.outcome


def _summary(result) -> str:
    return (f"{result.script.id}: outcome {result.outcome!r}, score {result.score}, "
            f"{result.turns_played}/{len(result.script.turns)} turns played, finished {result.finished}")


def test_every_scenario_has_trainer_scripts() -> None:
    from bot.scenarios import load_scenarios

    covered = {script.scenario for script in SCRIPTS}
    missing = sorted(set(load_scenarios()) - covered)
    assert not missing, f"scenarios without tests/data/trainer_scripts/<id>.yml: {missing}"
    unknown = sorted(covered - set(load_scenarios()))
    assert not unknown, f"trainer scripts for unknown scenarios: {unknown}"


# Known failures, each still open in issue 9 (strict: the test reports when one starts passing).
KNOWN_FAILING: dict[str, str] = {}


def _strong_case(script):  # noqa: ANN001, ANN202
    reason = KNOWN_FAILING.get(script.id)
    return pytest.param(script, marks=pytest.mark.xfail(reason=reason, strict=True)) if reason else script


@pytest.mark.parametrize("script", [_strong_case(s) for s in SCRIPTS if s.kind == "strong"],
                         ids=lambda s: s.id)
def test_strong_student_reaches_the_goal_with_at_least_80(script) -> None:
    result = _replay(script.id)
    assert result.error is None, result.error
    expected, outcome, score = _success_outcome(script.scenario), result.outcome, result.score
    assert outcome == expected, f"{_summary(result)}; expected outcome {expected!r}"
    assert score >= STRONG_MIN_SCORE, f"{_summary(result)}; expected a score of at least {STRONG_MIN_SCORE}"


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s.kind == "weak"], ids=lambda s: s.id)
def test_weak_student_scores_at_most_35(script) -> None:
    result = _replay(script.id)
    assert result.error is None, result.error
    score = result.score
    assert score is not None and score <= WEAK_MAX_SCORE, (
        f"{_summary(result)}; expected a score of at most {WEAK_MAX_SCORE}")


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s.kind == "off_script"], ids=lambda s: s.id)
def test_off_script_student_gets_a_reply_to_every_turn(script) -> None:
    result = _replay(script.id)
    assert result.error is None, result.error
    assert not result.unanswered_turns, f"{_summary(result)}; no reply after turns {result.unanswered_turns}"
    assert result.customer_lines and all(line["text"].strip() for line in result.customer_lines)
    assert isinstance(result.report, dict) and result.report.get("checks"), "the replay produced no report"


def test_the_script_files_are_checked_with_clear_errors(tmp_path) -> None:
    bad = tmp_path / "2.3-inbound-printer.yml"
    bad.write_text("scenario: 2.3-inbound-printer\nscripts:\n  - kind: sterk\n    seed: 1\n    turns: [hallo]\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="script 1: kind moet een van strong, weak, off_script zijn"):
        _benchmark().load_file(bad)
