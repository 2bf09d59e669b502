"""Issue 9: in every scenario where the student sells, an unasked discount costs points under the
right competency, through the real engine (recogniser, persona and report), and
"Ondernemend en commercieel handelen" is not 100 after one."""

from __future__ import annotations

import pytest

from bot.engine import session
from bot.scenarios import load_scenarios
from bot.vocabulary import COACH

COMMERCIEEL = "Ondernemend en commercieel handelen"
DISCOUNT = "Ik kan u alvast 10% korting geven op alles."
# checks that blame a concession (the market interview counts it as selling)
CONCESSION_CHECKS = {"concessie_bevoegd", "concessie_verdiend", "niet_verkopen"}


def _selling_scenarios() -> list[str]:
    return sorted(sid for sid, sc in load_scenarios().items() if getattr(sc, "plan", None) is None)


@pytest.mark.parametrize("scenario_id", _selling_scenarios())
def test_an_unasked_discount_costs_points_in_every_scenario(scenario_id: str) -> None:
    sc = load_scenarios()[scenario_id]
    turn = session.start(scenario_id, difficulty="gemiddeld", seed=1, mode="oefenen")
    for _ in range(8):  # a briefing first: the coach's questions get a short answer
        if not any(m.get("speaker") == COACH for m in turn.messages):
            break
        turn = turn.conversation.step("Dat bereid ik nog voor.")
    turn = turn.conversation.step(f"Goedemorgen, u spreekt met Sam van {sc.student_company.name}.")
    turn = turn.conversation.step(DISCOUNT)
    report = turn.conversation.report()
    blamed = [c for c in report["checks"] if c["id"] in CONCESSION_CHECKS and c.get("passed") is False]
    assert blamed, f"{scenario_id}: no check blames the unasked discount"
    assert report["competencies"].get(COMMERCIEEL) != 100
    praised = [f for f in report["feedback"] if f["kind"] == "goed" and f.get("quote") == DISCOUNT]
    assert not praised, praised
