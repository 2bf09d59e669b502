"""The conversation engine as the web sees it: a thin adapter over the contracts.

docs/contracts.md §4 (bot.scenarios), §5 (bot.engine.session) and §6 (bot.feedback.progress).
Tests may pass another object with the same methods to create_app(engine=...).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from bot.web.logs import failure_fields

log = logging.getLogger("oefengesprek.web")

MODES = ("oefenen", "toets")


class EngineRejected(Exception):
    """The engine refused the input for a reason a student can fix or should know (Dutch message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


@dataclass
class Turn:
    state: dict[str, Any]
    messages: list[dict[str, str]]
    analysis: dict[str, Any] | None
    hint: str | None
    finished: bool


class ConversationEngine(Protocol):
    def scenarios(self) -> list[dict[str, Any]]: ...
    def scenario(self, scenario_id: str) -> dict[str, Any] | None: ...
    def start(self, scenario_id: str, difficulty: str | None, mode: str, seed: int | None = None) -> Turn: ...
    def step(self, state: dict[str, Any], text: str) -> Turn: ...
    def finish(self, state: dict[str, Any]) -> dict[str, Any]: ...
    def progress(self, reports: list[dict[str, Any]]) -> Any: ...
    def warm_up(self) -> None: ...


def _turn(result: Any) -> Turn:
    return Turn(
        state=result.state,
        messages=[
            {"speaker": str(m["speaker"]), "text": str(m["text"]), "labels": list(m.get("labels") or []),
             **({"reason": str(m["reason"])} if m.get("reason") else {})}  # why the customer said it (contracts §2)
            for m in result.messages
        ],
        analysis=result.analysis,
        hint=result.hint,
        finished=bool(result.finished),
    )


def scenario_info(sc: Any) -> dict[str, Any]:
    """What the picker and the chat header need, from a bot.scenarios Scenario."""
    persona = getattr(sc, "persona", None)
    try:
        summary = sc.summary()
    except Exception:  # noqa: BLE001 - the picker can do without the extra summary
        summary = {}
    return {
        "id": sc.id,
        "title": getattr(sc, "title", sc.id),
        "role": getattr(sc, "role", "klant"),
        "werkprocessen": list(getattr(sc, "werkprocessen", []) or []),
        "competencies": list(getattr(sc, "competencies", []) or []),
        "difficulties": list(getattr(sc, "difficulties", []) or []),
        "persona": {
            "name": getattr(persona, "name", None),
            "company": getattr(persona, "company", None),
        },
        "briefing": getattr(sc, "briefing", "") or "",
        "werkproces_titles": _werkproces_titles(getattr(sc, "werkprocessen", []) or []),
        "summary": summary,
    }


def _werkproces_titles(codes: list[str]) -> dict[str, str]:
    try:
        from bot.bcp.loader import load_profile

        profile = load_profile()
        return {code: profile.werkproces(code).title for code in codes}
    except Exception:  # noqa: BLE001 - titles are a courtesy; the codes are enough
        return {}


class RealEngine:
    """bot.engine.session + bot.scenarios + bot.feedback.progress, imported once per process."""

    def __init__(self) -> None:
        from bot.engine import session as session_mod
        from bot.feedback import progress as progress_fn
        from bot.scenarios import get_scenario, load_scenarios

        self._session = session_mod
        self._progress = progress_fn
        self._get = get_scenario
        self._load = load_scenarios
        self._infos: list[dict[str, Any]] | None = None

    def _all(self) -> list[dict[str, Any]]:
        if self._infos is None:
            loaded = self._load()
            items = loaded.values() if isinstance(loaded, dict) else loaded
            self._infos = [scenario_info(sc) for sc in items]
        return self._infos

    def scenarios(self) -> list[dict[str, Any]]:
        return self._all()

    def scenario(self, scenario_id: str) -> dict[str, Any] | None:
        for info in self._all():
            if info["id"] == scenario_id:
                return info
        return None

    def _call(self, fn, *args, **kwargs):  # noqa: ANN001, ANN202
        """Translate the engine's Dutch exceptions (bot.engine.errors) into web-level rejections."""
        from bot.engine import errors as e

        try:
            return fn(*args, **kwargs)
        except e.UnknownScenario as exc:
            raise EngineRejected(422, "unknown_scenario", _sentence(str(exc))) from exc
        except e.ConversationFinished as exc:
            raise EngineRejected(409, "conversation_finished", _sentence(str(exc))) from exc
        except e.InvalidArgument as exc:
            raise EngineRejected(422, "invalid_input", _sentence(str(exc))) from exc
        except e.InvalidState as exc:
            # The stored conversation cannot be continued (it was not made by start()); retrying will not help.
            log.error("invalid conversation state", extra=failure_fields(exc))
            raise EngineRejected(
                409, "invalid_state",
                "Dit gesprek kan niet verder: de opgeslagen gesprekstoestand is onleesbaar. "
                "Er is niets opgeslagen; start een nieuw gesprek.",
            ) from exc
        except e.ActionFailed as exc:
            # A custom action crashed or the action server failed; the state is unchanged, so a retry may work.
            # The technical detail goes to the log, not to the student.
            log.error("action failed", extra={"action": exc.action, **failure_fields(exc)})
            raise EngineRejected(
                502, "action_failed",
                "De klant kon even niet reageren (er ging iets mis in de gesprekspartner). "
                "Er is niets opgeslagen; stuur je bericht opnieuw.",
            ) from exc

    def start(self, scenario_id: str, difficulty: str | None, mode: str, seed: int | None = None) -> Turn:
        return _turn(self._call(self._session.start, scenario_id, difficulty=difficulty, seed=seed, mode=mode))

    def step(self, state: dict[str, Any], text: str) -> Turn:
        return _turn(self._call(self._session.step, state, text))

    def finish(self, state: dict[str, Any]) -> dict[str, Any]:
        return self._call(self._session.finish, state)

    def progress(self, reports: list[dict[str, Any]]) -> Any:
        return self._progress(reports)

    def warm_up(self) -> None:
        """Load scenarios, NLU and policy now, so the first student does not wait for them."""
        infos = self._all()
        if not infos:
            return
        first = infos[0]
        turn = self.start(first["id"], None, "oefenen", seed=1)
        turn = self.step(turn.state, "Goedemorgen, u spreekt met Sam van de binnendienst. Waarmee kan ik u helpen?")
        self.finish(turn.state)
