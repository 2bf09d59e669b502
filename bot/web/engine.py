"""The conversation engine as the web sees it: a thin adapter over the contracts.

docs/contracts.md §4 (bot.scenarios), §5 (bot.engine.session) and §6 (bot.feedback.progress).
Tests may pass another object with the same methods to create_app(engine=...). The engine's
Dutch exceptions (bot.engine.errors) pass through; bot.web.errors.engine_error translates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from bot.engine.session import Conversation, TurnResult
from bot.scenarios.models import Scenario
from bot.vocabulary import PRACTICE


class ConversationEngine(Protocol):
    def scenarios(self) -> list[dict[str, Any]]: ...
    def scenario(self, scenario_id: str) -> dict[str, Any] | None: ...
    def start(self, scenario_id: str, difficulty: str | None, mode: str, seed: int | None = None) -> TurnResult: ...
    def load(self, state: Mapping[str, Any]) -> Conversation: ...
    def step(self, state: Mapping[str, Any], text: str) -> TurnResult: ...
    def finish(self, state: Mapping[str, Any]) -> dict[str, Any]: ...
    def progress(self, reports: list[dict[str, Any]]) -> Any: ...
    def warm_up(self) -> None: ...


def scenario_info(sc: Scenario, werkproces_titles: dict[str, str]) -> dict[str, Any]:
    """What the picker and the chat header need, from a bot.scenarios Scenario."""
    return {
        "id": sc.id,
        "title": sc.title,
        "role": sc.role,
        "werkprocessen": list(sc.werkprocessen),
        "competencies": list(sc.competencies),
        "difficulties": list(sc.difficulties),
        "persona": {"name": sc.persona.name, "company": sc.persona.company},
        "briefing": sc.briefing,
        "werkproces_titles": {code: werkproces_titles[code] for code in sc.werkprocessen if code in werkproces_titles},
        "summary": sc.summary(),
    }


class RealEngine:
    """bot.engine.session + bot.scenarios + bot.feedback.progress, imported once per process."""

    def __init__(self) -> None:
        self._infos: list[dict[str, Any]] | None = None

    def _all(self) -> list[dict[str, Any]]:
        if self._infos is None:
            from bot.bcp.loader import load_profile
            from bot.scenarios import load_scenarios

            titles = {w.code: w.title for w in load_profile().werkprocessen}
            self._infos = [scenario_info(sc, titles) for sc in load_scenarios().values()]
        return self._infos

    def scenarios(self) -> list[dict[str, Any]]:
        return self._all()

    def scenario(self, scenario_id: str) -> dict[str, Any] | None:
        for info in self._all():
            if info["id"] == scenario_id:
                return info
        return None

    def start(self, scenario_id: str, difficulty: str | None, mode: str, seed: int | None = None) -> TurnResult:
        return Conversation.start(scenario_id, difficulty=difficulty, seed=seed, mode=mode)

    def load(self, state: Mapping[str, Any]) -> Conversation:
        return Conversation.load(state)

    def step(self, state: Mapping[str, Any], text: str) -> TurnResult:
        """The live conversation moves on in place; a JSON state (a test's) is loaded first."""
        conversation = state if isinstance(state, Conversation) else Conversation.load(state)
        return conversation.step(text)

    def finish(self, state: Mapping[str, Any]) -> dict[str, Any]:
        conversation = state if isinstance(state, Conversation) else Conversation.load(state)
        return conversation.report()

    def progress(self, reports: list[dict[str, Any]]) -> Any:
        from bot.feedback import progress

        return progress(reports)

    def warm_up(self) -> None:
        """Load scenarios, NLU and policy now, so the first student does not wait for them."""
        infos = self._all()
        if not infos:
            return
        turn = self.start(infos[0]["id"], None, PRACTICE, seed=1)
        turn = self.step(turn.conversation, "Goedemorgen, u spreekt met Sanne van de binnendienst. Waarmee kan ik u helpen?")
        self.finish(turn.conversation)
