"""The scenario list for the picker."""

from __future__ import annotations

from fastapi import APIRouter

from bot.vocabulary import MODES
from bot.web.deps import EngineDep
from bot.web.schemas.common import SERVER, errors
from bot.web.schemas.scenarios import ScenarioList

router = APIRouter(prefix="/api/v1", tags=["scenario's"])


@router.get("/scenarios", response_model=ScenarioList, responses=errors(*SERVER),
            summary="Alle scenario's met werkproces en briefing")
def list_scenarios(engine: EngineDep) -> dict:
    return {"scenarios": engine.scenarios(), "modes": list(MODES)}
