"""Quality floor on the labelled development set (a regression guard, not a timing test).

Measured on the development set (tests/data/nlu_dev.yml) when the rules were written:
macro-F1 1.00, reaction-verdict accuracy 100%. The floors below leave a margin for the set
growing with new, harder utterances; falling below them means a rule change broke something.
The held-out set is deliberately not used here (it is measured, not tuned on).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DEV = ROOT / "tests" / "data" / "nlu_dev.yml"

MACRO_F1_FLOOR = 0.90
VERDICT_FLOOR = 0.85


@pytest.fixture(scope="module")
def dev_result():
    if not DEV.exists():
        pytest.skip("tests/data/nlu_dev.yml is absent")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import nlu_accuracy
    finally:
        sys.path.pop(0)
    return nlu_accuracy.evaluate("dev", nlu_accuracy.load(DEV))


def test_dev_macro_f1_floor(dev_result):
    assert dev_result.macro_f1() >= MACRO_F1_FLOOR, [e["id"] for e in dev_result.errors]


def test_dev_verdict_floor(dev_result):
    assert dev_result.verdict_accuracy() >= VERDICT_FLOOR


def test_every_contract_label_is_recognised_on_the_dev_set(dev_result):
    weak = {label: round(dev_result.prf(label)[2], 2) for label in dev_result.labels()
            if dev_result.prf(label)[3] and dev_result.prf(label)[2] < 0.75}
    assert not weak, weak
