"""Entities: amounts, percentages, quantities, dates, weekdays, catalogue products."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.nlu import analyse
from bot.nlu.entities import parse_number

DATA = Path(__file__).resolve().parent.parent / "data" / "nlu_regression_entities.yml"
SPEC = yaml.safe_load(DATA.read_text(encoding="utf-8"))
REFERENCE = date.fromisoformat(str(SPEC["reference_date"]))


@pytest.mark.parametrize("case", SPEC["cases"], ids=lambda c: c["text"][:40])
def test_entities(case):
    analysis = analyse(case["text"], speaker="klant", catalogue=case.get("catalogue"), reference_date=REFERENCE)
    got = [[e.entity, e.value, e.text] for e in analysis.entities]
    assert got == case["entities"]
    for entity in analysis.entities:  # offsets point into the text as typed
        assert case["text"][entity.start:entity.end] == entity.text


@pytest.mark.parametrize(
    "text, value",
    [("1.250,-", 1250.0), ("1.250,50", 1250.5), ("1250", 1250.0), ("1,5", 1.5), ("12.5", 12.5), ("8,50", 8.5)],
)
def test_dutch_number_formats(text, value):
    assert parse_number(text) == value


def test_only_entities_gives_intent_inform():
    analysis = analyse("50 stuks", speaker="student", reference_date=REFERENCE)
    assert analysis.labels == ()
    assert analysis.intent == "inform"


def test_entities_go_into_rasa_parse_data():
    data = analyse("Ik geef u 5% korting", speaker="student", reference_date=REFERENCE).to_parse_data()
    assert data["entities"][0]["entity"] == "percentage"
    assert data["entities"][0]["value"] == 5.0
    assert data["entities"][0]["start"] == 10


def test_reference_date_defaults_to_today():
    analysis = analyse("morgen", speaker="klant")
    assert analysis.entities[0].value == date.fromordinal(date.today().toordinal() + 1).isoformat()
