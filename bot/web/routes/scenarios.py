"""The scenario list for the picker."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web.deps import EngineDep

router = APIRouter(prefix="/api/v1", tags=["scenario's"])


@router.get("/scenarios", summary="Alle scenario's met werkproces en briefing")
def list_scenarios(engine: EngineDep) -> dict:
    return {"scenarios": engine.scenarios(), "modes": ["oefenen", "toets"]}
