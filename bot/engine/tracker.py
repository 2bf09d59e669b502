"""The conversation tracker: a list of Rasa 3.x events and what follows from them.

The events are the single source of truth. Slots, the active loop, the latest message and
the conversation states the policy reads are derived by applying the events in order, as
Rasa does (`restart` and `session_started` start afresh, `rewind` undoes back to and
including the last user message, `undo` back to the last action).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any, Callable

from bot.engine.domain import Domain


@dataclass(frozen=True)
class State:
    """What the policy sees before an action: Rasa's conversation state, hashable."""

    prev_action: str | None
    intent: str | None
    entities: frozenset
    active_loop: str | None
    slots: tuple  # ((name, feature), ...) for every featurised slot, sorted

    def slot(self, name: str) -> Any:
        for key, value in self.slots:
            if key == name:
                return value
        return None


def event(kind: str, clock: Callable[[], float] | None = None, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "timestamp": (clock or time.time)(), **fields}


def action_event(name: str, clock=None, policy: str | None = None, confidence: float = 1.0) -> dict[str, Any]:
    return event("action", clock, name=name, policy=policy, confidence=confidence,
                 action_text=None, hide_rule_turn=False)


def slot_event(name: str, value: Any, clock=None) -> dict[str, Any]:
    return event("slot", clock, name=name, value=value)


class Tracker:
    """Events plus derived state. Append with `update`; serialise with `to_json`."""

    def __init__(self, sender_id: str, domain: Domain, events: list[dict] | None = None) -> None:
        self.sender_id = sender_id
        self.domain = domain
        self._featurised, self._featurised_set = domain.featurised_index()
        self._reset()
        self.events: list[dict] = list(events or [])
        for e in self.events:
            self._apply(e)

    # derived state ----------------------------------------------------------------
    def _reset(self) -> None:
        self.slots: dict[str, Any] = self.domain.initial_slots()
        self.active_loop: str | None = None
        self.latest_message: dict[str, Any] = {}
        self.latest_action_name: str | None = None
        self.followup_action: str | None = None
        self.paused = False
        self.rejected: list[str] = []  # actions rejected since the last executed action
        self.loop_interrupted = False
        self.latest_input_channel: str | None = None
        self.past: list[tuple[State, str]] = []  # (state before the action, action)
        self._user: tuple[str | None, frozenset] = (None, frozenset())
        self._slot_features: tuple | None = None  # cache, cleared when a featurised slot changes

    def state(self) -> State:
        if self._slot_features is None:
            self._slot_features = tuple((n, self.domain.featurise(n, self.slots.get(n))) for n in self._featurised)
        return State(self.latest_action_name, self._user[0], self._user[1], self.active_loop, self._slot_features)

    def states(self) -> list[State]:
        """States before each action since the session started, plus the current one."""
        return [s for s, _ in self.past] + [self.state()]

    def update(self, e: dict[str, Any]) -> None:
        self.events.append(e)
        self._apply(e)

    def update_many(self, events: list[dict[str, Any]]) -> None:
        for e in events:
            self.update(e)

    def _apply(self, e: dict[str, Any]) -> None:
        kind = e.get("event")
        if kind == "user":
            parse = dict(e.get("parse_data") or {})
            parse.setdefault("text", e.get("text"))
            self.latest_message = {**parse, "text": e.get("text")}
            self.latest_input_channel = e.get("input_channel")
            intent = (parse.get("intent") or {}).get("name")
            allowed = self.domain.entities_for(intent)
            names = frozenset(x.get("entity") for x in parse.get("entities") or []
                              if allowed is None or x.get("entity") in allowed)
            self._user = (intent, names)
            self.rejected = []
            self.loop_interrupted = False
        elif kind == "action":
            name = e.get("name")
            self.past.append((self.state(), name))
            self.latest_action_name = name
            self.followup_action = None  # Rasa: every executed action consumes the followup
            self.rejected = []  # a rejection only steers the very next prediction
        elif kind == "slot":
            name = e.get("name")
            self.slots[name] = e.get("value")
            if name in self._featurised_set:
                self._slot_features = None
        elif kind in ("active_loop", "form"):
            self.active_loop = e.get("name")
            self.loop_interrupted = False
        elif kind in ("restart", "session_started"):
            self._reset()
        elif kind == "reset_slots":
            self.slots = self.domain.initial_slots()
            self._slot_features = None
        elif kind in ("rewind", "undo"):
            self._replay()
        elif kind == "followup":
            self.followup_action = e.get("name")
        elif kind == "pause":
            self.paused = True
        elif kind == "resume":
            self.paused = False
        elif kind == "action_execution_rejected":
            self.rejected.append(e.get("name"))
        elif kind == "loop_interrupted":
            self.loop_interrupted = bool(e.get("is_interrupted"))

    def copy(self) -> "Tracker":
        """An independent tracker with the same history (no replay: derived state is copied)."""
        other = Tracker.__new__(Tracker)
        other.__dict__.update(self.__dict__)
        other.events = list(self.events)
        other.slots = dict(self.slots)  # values are never changed in place (actions get copies)
        other.past = list(self.past)
        other.rejected = list(self.rejected)
        other.latest_message = dict(self.latest_message)
        return other

    def applied_events(self) -> list[dict[str, Any]]:
        """Events that still count (Rasa's `applied_events`)."""
        applied: list[dict] = []
        for e in self.events:
            kind = e.get("event")
            if kind in ("restart", "session_started"):
                applied = [e]  # keep the marker itself so replay resets
            elif kind == "rewind":
                _undo_till(applied, "user")
            elif kind == "undo":
                _undo_till(applied, "action")
            else:
                applied.append(e)
        return applied

    def _replay(self) -> None:
        applied = self.applied_events()
        self._reset()
        for e in applied:
            self._apply(e)

    # queries -----------------------------------------------------------------------
    def events_since_last_user(self) -> list[dict]:
        for i in range(len(self.events) - 1, -1, -1):
            if self.events[i].get("event") == "user":
                return self.events[i + 1:]
        return list(self.events)

    def latest_bot_utterance(self, speakers: tuple[str, ...] | None = None) -> dict | None:
        for e in reversed(self.events):
            if e.get("event") == "bot" and e.get("text"):
                if speakers is None or (e.get("metadata") or {}).get("speaker") in speakers:
                    return e
        return None

    def current_state(self) -> dict[str, Any]:
        """The tracker as rasa_sdk's `Tracker.from_dict` and Rasa's action server expect it."""
        return {
            "sender_id": self.sender_id,
            "slots": json_copy(self.slots),  # actions may change what they get; our history must not
            "latest_message": dict(self.latest_message),
            "latest_event_time": self.events[-1].get("timestamp") if self.events else None,
            "followup_action": self.followup_action,
            "paused": self.paused,
            "events": list(self.events),  # read-only for actions; slots are copied
            "latest_input_channel": self.latest_input_channel,
            "active_loop": {"name": self.active_loop, "validate": True, "rejected": bool(self.rejected),
                            "is_interrupted": self.loop_interrupted} if self.active_loop else {},
            "latest_action": {"action_name": self.latest_action_name} if self.latest_action_name else {},
            "latest_action_name": self.latest_action_name,
        }

    def to_json(self) -> dict[str, Any]:
        return {"sender_id": self.sender_id, "events": copy.deepcopy(self.events)}

    @classmethod
    def from_json(cls, data: dict[str, Any], domain: Domain) -> "Tracker":
        return cls(data.get("sender_id", "default"), domain, data.get("events") or [])


_ATOMS = frozenset({str, int, float, bool, type(None)})


def json_copy(value: Any) -> Any:
    """Deep copy of JSON-like data (dicts, lists, scalars; tuples become lists as over HTTP).
    Several times faster than copy.deepcopy, which matters at one call per action: scalars
    inside a container are taken over without a call."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _ATOMS else json_copy(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [v if type(v) in _ATOMS else json_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    return value


def _undo_till(applied: list[dict], kind: str) -> None:
    while applied:
        e = applied.pop()
        if e.get("event") == kind:
            return
