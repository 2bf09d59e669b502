"""Session façade (docs/contracts.md §5): one conversation as the engine runs it.

A `Conversation` is the header (version, sender_id, scenario, difficulty, seed, mode), the
tracker over its events and the feedback's reading of them. `step(text)` advances it in
place and returns the turn: its new events (what a store appends), the customer's
messages, the analysis, the hint and whether the conversation ended. Its JSON form, the
state, is the header plus the events: all a worker needs to continue (`Conversation.load`).
A conversation has one owner at a time (the CLI's loop, the web's conversation store).

The value-style functions `start`, `step(state, text)` and `finish(state)` keep the
contract for callers that hold the JSON state (tests, scripts): `step` loads the state
(replays its events), never changes it, and returns the next state. The engine, domain,
stories, recogniser and scenarios load once per process; a step costs milliseconds.
"""

from __future__ import annotations

import copy
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.engine import Engine, get_engine
from bot.engine.errors import (ActionFailed, ConversationFinished, EngineError, InvalidArgument, InvalidState,
                               UnknownScenario)
from bot.engine.nlu_turn import analyse_student_turn
from bot.engine.tracker import Tracker
from bot.feedback.conversation import Reading
from bot.feedback.hints import hint_about_last_turn
from bot.feedback.report import report_of
from bot.feedback.sources import scenario_info
from bot.vocabulary import (ABORTED, CUSTOMER, ENDED_SLOT, MODES, ONGOING, OUTCOME_SLOT, PRACTICE,
                            SPEAKERS_WITH_SIGNALS)

STATE_VERSION = 1
DEFAULT_SENDER = "oefengesprek"


@dataclass
class TurnResult:
    state: dict  # the whole state after the turn (JSON; a snapshot)
    events: list[dict] = field(default_factory=list)  # the events this turn appended
    messages: list[dict] = field(default_factory=list)  # {"speaker", "text", "labels"[, "reason"]}
    analysis: dict | None = None
    hint: str | None = None
    finished: bool = False
    conversation: "Conversation | None" = field(default=None, repr=False, compare=False)  # live: moves on


# --- helpers -------------------------------------------------------------------------------

_scenarios: dict[tuple, Any] = {}


def _scenario(scenario_id: str):
    key = (os.environ.get("OEFENGESPREK_CONTENT_DIR"), scenario_id)
    found = _scenarios.get(key)
    if found is not None:
        return found
    from bot.scenarios import get_scenario, load_scenarios
    try:
        found = get_scenario(scenario_id)
    except KeyError:
        raise UnknownScenario(scenario_id, list(load_scenarios())) from None
    _scenarios[key] = found
    return found


def clear_cache() -> None:
    """Forget cached scenarios and engines (tests; after editing content)."""
    from bot.engine.engine import clear_cache as clear_engines
    _scenarios.clear()
    _catalogues.clear()
    clear_engines()


def _speaker_default(scenario) -> str:
    return scenario.role if scenario.role in SPEAKERS_WITH_SIGNALS else CUSTOMER


def message_of(e: dict, default_speaker: str = CUSTOMER) -> dict:
    meta = e.get("metadata") or {}
    out = {"speaker": meta.get("speaker") or default_speaker, "text": e.get("text") or "",
           "labels": list(meta.get("labels") or [])}
    if meta.get("reason"):
        out["reason"] = meta["reason"]  # why the customer said it (contracts §2)
    return out


def _messages(events: list[dict], default_speaker: str) -> list[dict]:
    return [message_of(e, default_speaker) for e in events if e.get("event") == "bot" and e.get("text")]


def transcript(events: list[dict], default_speaker: str = CUSTOMER) -> list[dict]:
    """Student and customer utterances in order: {speaker, text, labels}."""
    out = []
    for e in events:
        if e.get("event") == "user":
            parse = e.get("parse_data") or {}
            out.append({"speaker": "student", "text": e.get("text") or "", "labels": list(parse.get("labels") or [])})
        elif e.get("event") == "bot" and e.get("text"):
            out.append(message_of(e, default_speaker))
    return out


def _check_state(state: Any) -> None:
    if not isinstance(state, Mapping) or not isinstance(state.get("events"), list) or not state.get("scenario"):
        raise InvalidState("verwacht een object met 'scenario' en 'events'")
    if state.get("version", STATE_VERSION) != STATE_VERSION:
        raise InvalidState(f"versie {state.get('version')} wordt niet ondersteund")


def outcome(tracker: Tracker) -> str | None:
    return tracker.slots.get(OUTCOME_SLOT)


def is_finished(tracker: Tracker) -> bool:
    value = tracker.slots.get(OUTCOME_SLOT)
    ended = tracker.slots.get(ENDED_SLOT)
    if ended is None:  # content without that slot: any outcome ends the conversation
        if value is not None and value != ONGOING:
            return True
    elif ended or value == ABORTED:  # a deal alone does not end it: the goodbye does
        return True
    return tracker.paused or any(e.get("event") == "session_ended" for e in tracker.events[-3:])


# --- the conversation ----------------------------------------------------------------------

class Conversation(Mapping):
    """One conversation, live: header + tracker + the feedback's reading of the events. It
    reads as its JSON state (a mapping: the header's keys and `events`)."""

    def __init__(self, header: dict[str, Any], tracker: Tracker, scenario, engine: Engine) -> None:
        self.header = header
        self.tracker = tracker
        self.scenario = scenario
        self.info = scenario_info(scenario)
        self._engine = engine
        self._reading = Reading()
        for e in tracker.events:
            self._reading.feed(e)

    @classmethod
    def start(cls, scenario_id: str, difficulty: str | None = None, seed: int | None = None,
              mode: str = PRACTICE, briefing: dict | None = None) -> TurnResult:
        """A new conversation and its opening; the seed is chosen when not given and kept."""
        scenario = _scenario(scenario_id)
        metadata = session_metadata(scenario, difficulty, seed, mode, briefing)
        engine = get_engine()
        sender_id = f"{scenario.id}-{metadata['seed']}"
        tracker = engine.new_tracker(sender_id)
        new = engine.start_session(tracker, metadata)
        header = {"version": STATE_VERSION, "sender_id": sender_id, "scenario": scenario.id,
                  "difficulty": metadata["difficulty"], "seed": metadata["seed"], "mode": mode}
        conversation = cls(header, tracker, scenario, engine)
        return TurnResult(state=conversation.state, events=list(new),
                          messages=_messages(new, _speaker_default(scenario)),
                          finished=is_finished(tracker), conversation=conversation)

    @classmethod
    def load(cls, state: Mapping[str, Any]) -> "Conversation":
        """The conversation a JSON state describes (its events are replayed; `state` is not kept)."""
        _check_state(state)
        scenario = _scenario(state["scenario"])
        engine = get_engine()
        header = {k: v for k, v in state.items() if k != "events"}
        try:
            tracker = engine.new_tracker(state.get("sender_id") or DEFAULT_SENDER, state["events"])
        except (TypeError, AttributeError, KeyError) as exc:
            raise InvalidState(f"de gebeurtenissen zijn onleesbaar ({exc})") from None
        return cls(header, tracker, scenario, engine)

    def __getitem__(self, key: str) -> Any:
        return self.tracker.events if key == "events" else self.header[key]

    def __iter__(self):  # noqa: ANN204
        yield from (k for k in self.header if k != "events")
        yield "events"

    def __len__(self) -> int:
        return len(self.header) + 1

    @property
    def events(self) -> list[dict]:
        return self.tracker.events

    @property
    def mode(self) -> str:
        return self.header.get("mode", PRACTICE)

    @property
    def state(self) -> dict[str, Any]:
        """The JSON state now: the header plus (a copy of the list of) the events."""
        return {**self.header, "events": list(self.tracker.events)}

    @property
    def finished(self) -> bool:
        return is_finished(self.tracker)

    @property
    def student_turns(self) -> int:
        """How many conversation turns the student has taken (briefing answers and clicks not
        counted): the turn number the store keeps per message, the play CLI's hint numbers and
        the feedback's `StudentTurn.number` ("beurt") are this count, so the student's first
        sentence to the customer is beurt 1 everywhere."""
        return len(self._reading.turns)

    def step(self, text: str) -> TurnResult:
        """One student turn: analyse, append, predict and run actions. Should it fail, the
        conversation is as it was before."""
        if not isinstance(text, str) or not text.strip():
            raise InvalidArgument("lege beurt: typ wat je tegen de klant zegt")
        text = text.strip()
        tracker = self.tracker
        if is_finished(tracker):
            raise ConversationFinished()
        begin = len(tracker.events)
        try:
            analysis = analyse_student_turn(self._engine.nlu, tracker.events, text, _catalogue(self.scenario))
            new = self._engine.handle_message(tracker, text, analysis.to_parse_data())
        except BaseException:
            self.tracker = self._engine.new_tracker(tracker.sender_id, tracker.events[:begin])
            raise
        for e in new:
            self._reading.feed(e)
        return TurnResult(state=self.state, events=list(new), messages=_messages(new, _speaker_default(self.scenario)),
                          analysis=analysis.to_json(), hint=self._hint(), finished=is_finished(tracker),
                          conversation=self)

    def _hint(self) -> str | None:
        if self.mode != PRACTICE:
            return None
        found = hint_about_last_turn(self._reading.result(), self.info)
        return found[1] if found else None

    def report(self) -> dict:
        """The feedback report on the conversation so far (contracts §6)."""
        return report_of(self._reading.result(), self.info)


def session_metadata(scenario, difficulty: str | None = None, seed: int | None = None, mode: str = PRACTICE,
                     briefing: dict | None = None) -> dict[str, Any]:
    """Checked start arguments as the metadata action_session_start receives."""
    levels = list(getattr(scenario, "difficulties", None) or [])
    if difficulty is None:
        difficulty = getattr(scenario, "default_level", None) or (levels[0] if levels else None)
    elif levels and difficulty not in levels:
        raise InvalidArgument(f"moeilijkheid '{difficulty}' bestaat niet voor dit scenario; kies uit: "
                              f"{', '.join(levels)}")
    if mode not in MODES:
        raise InvalidArgument(f"modus '{mode}' bestaat niet; kies uit: {', '.join(MODES)}")
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    if isinstance(seed, bool):
        raise InvalidArgument("seed moet een geheel getal zijn")
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise InvalidArgument(f"seed moet een geheel getal zijn, niet '{seed}'") from None
    if briefing is not None and not isinstance(briefing, dict):
        raise InvalidArgument("de briefing moet een object met antwoorden zijn")
    return {"scenario": scenario.id, "difficulty": difficulty, "seed": seed, "mode": mode,
            "briefing": copy.deepcopy(briefing)}


def start(scenario_id: str, difficulty: str | None = None, seed: int | None = None, mode: str = PRACTICE,
          briefing: dict | None = None) -> TurnResult:
    """Start a conversation. The seed is chosen when not given and kept in the state."""
    return Conversation.start(scenario_id, difficulty, seed, mode, briefing)


def step(state: Mapping[str, Any], text: str) -> TurnResult:
    """One student turn on a JSON state; `state` is not modified (the result has the next one)."""
    return Conversation.load(state).step(text)


def finish(state: Mapping[str, Any]) -> dict:
    """The feedback report (contracts §6) on a JSON state."""
    return Conversation.load(state).report()


_catalogues: dict[str, list] = {}


def _catalogue(scenario) -> list | None:
    cached = _catalogues.get(scenario.id)
    if cached is None:
        cached = scenario.catalogue_for_nlu()
        _catalogues[scenario.id] = cached
    return cached


__all__ = ["Conversation", "TurnResult", "start", "step", "finish", "transcript", "outcome", "UnknownScenario", "InvalidState",
           "InvalidArgument", "ConversationFinished", "ActionFailed", "EngineError", "session_metadata", "clear_cache"]
