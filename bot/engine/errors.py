"""Exceptions of the dialog engine; the web and the CLI turn them into Dutch messages."""

from __future__ import annotations


class EngineError(Exception):
    """Base class: something the caller can report to a person in Dutch (str(exc))."""


class UnknownScenario(EngineError, KeyError):
    """No scenario with this id (also a KeyError, like `bot.scenarios.get_scenario`)."""

    def __init__(self, scenario_id: str, known: list[str] | None = None) -> None:
        self.scenario_id = scenario_id
        self.known = list(known or [])
        super().__init__(scenario_id)

    def __str__(self) -> str:
        text = f"onbekend scenario '{self.scenario_id}'"
        if self.known:
            text += f"; kies uit: {', '.join(self.known)}"
        return text


class InvalidArgument(EngineError):
    """A bad start() argument (difficulty, mode, seed, briefing) or an empty turn; str() is Dutch."""


class InvalidState(EngineError):
    """The conversation state handed to step()/finish() is not one start() produced."""

    def __str__(self) -> str:
        return f"ongeldige gespreksstatus: {self.args[0] if self.args else ''}"


class ConversationFinished(EngineError):
    """step() on a conversation that has already ended."""

    def __str__(self) -> str:
        return "dit gesprek is al afgelopen"


class ActionFailed(EngineError):
    """A custom action crashed, is missing or the action server failed."""

    def __init__(self, action: str, message: str) -> None:
        self.action = action
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message
