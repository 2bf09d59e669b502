"""domain/labels.yml is the project's copy of ../shared/spec/labels.md: same names, exactly."""

from __future__ import annotations

import re

import pytest

from bot.labels import label_contract
from bot.paths import PROJECT_ROOT

SPEC = PROJECT_ROOT.parent / "shared" / "spec" / "labels.md"


def spec_table_labels(section: str) -> set[str]:
    text = SPEC.read_text(encoding="utf-8")
    part = text.split(section, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_.]+)` \|", part, flags=re.M))


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not beside the checkout")
def test_signals_match_the_spec():
    assert set(label_contract().signals) == spec_table_labels("## 1. Signals")


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not beside the checkout")
def test_moves_match_the_spec():
    assert set(label_contract().moves) == spec_table_labels("## 2. Moves")


def test_contract_counts_and_question_precedence():
    contract = label_contract()
    assert len(contract.signals) == 12
    assert len(contract.moves) == 16
    assert contract.vraag_voorrang[0] == "afsluitvraag"
    assert contract.group_of("weerstand.prijs") == "weerstand"
