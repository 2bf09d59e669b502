"""A proposal the student puts to the customer for approval in other words than "akkoord"
("Zou dat een goede test zijn?", "Zou dat iets voor u zijn?", "Lijkt u dat wat?") is a closing
question: the recogniser reads it as afsluitvraag and the customer answers the proposal (yes,
not yet, or no), instead of going on with her next signal as if nothing was asked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine.session import start, step
from bot.nlu import analyse

ROOT = Path(__file__).resolve().parents[2]
SID = "2.1-voorbereiding-dispensers"


@pytest.mark.parametrize("question", [
    "Zou dat voor de onderbouw een goede test zijn?",
    "Zou dat iets voor u zijn?",
    "Lijkt u dat wat?",
    "Spreekt u dat aan?",
    "Zullen we dat doen?",
])
def test_a_proposal_asked_for_approval_in_other_words_is_a_closing_question(question):
    text = "Ik kan u een gratis proefplaatsing aanbieden: tien dispensers op één locatie, vier weken lang. " + question
    labels = analyse(text, speaker="student", previous="Hoe werkt zo'n rol dan precies?").labels
    assert "afsluitvraag" in labels, labels


def test_the_customer_answers_the_trial_placement_proposal():
    """Trainer script 2.1 (strong), turn 9: "Daarom kan ik u een gratis proefplaatsing aanbieden
    ... Zou dat voor de onderbouw een goede test zijn?" got her budget signal ("In november stel
    ik de begroting vast"), as if no proposal was made. Now she answers the proposal."""
    scripts = yaml.safe_load((ROOT / "tests/data/trainer_scripts" / f"{SID}.yml").read_text(encoding="utf-8"))
    strong = next(s for s in scripts["scripts"] if s["kind"] == "strong")
    r = start(SID, difficulty=strong["difficulty"], seed=strong["seed"], mode=strong["mode"])
    for line in strong["turns"][:9]:
        r = step(r.state, line)
    assert "goede test" in strong["turns"][8]
    assert [m["reason"] for m in r.messages] == ["closing"], r.messages
