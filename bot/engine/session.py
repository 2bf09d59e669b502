"""Session façade (docs/contracts.md §5): start, step, finish — used by the CLI and the web.

The state is JSON: the tracker events plus scenario, difficulty, seed and mode. It is all a
worker needs to continue a conversation. The engine, domain, stories, recogniser and
scenarios load once per process; a step costs milliseconds.
"""

from __future__ import annotations

import copy
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.engine.engine import Engine, get_engine
from bot.engine.errors import (ActionFailed, ConversationFinished, EngineError, InvalidArgument, InvalidState,
                               UnknownScenario)
from bot.engine.nlu_turn import analyse_student_turn
from bot.engine.tracker import Tracker
from bot.labels import SPEAKERS_WITH_SIGNALS

STATE_VERSION = 1
MODES = ("oefenen", "toets")
CUSTOMER_SPEAKERS = SPEAKERS_WITH_SIGNALS
ONGOING = "lopend"


@dataclass
class TurnResult:
    state: dict
    messages: list[dict] = field(default_factory=list)  # {"speaker", "text", "labels"}
    analysis: dict | None = None
    hint: str | None = None
    finished: bool = False


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


def _engine() -> Engine:
    return get_engine()


def _speaker_default(scenario) -> str:
    role = getattr(scenario, "role", None)
    return role if role in CUSTOMER_SPEAKERS else "klant"


def message_of(e: dict, default_speaker: str = "klant") -> dict:
    meta = e.get("metadata") or {}
    out = {"speaker": meta.get("speaker") or default_speaker, "text": e.get("text") or "",
           "labels": list(meta.get("labels") or [])}
    if meta.get("reason"):
        out["reason"] = meta["reason"]  # why the customer said it (contracts §2)
    return out


def _messages(events: list[dict], default_speaker: str) -> list[dict]:
    return [message_of(e, default_speaker) for e in events if e.get("event") == "bot" and e.get("text")]


def transcript(events: list[dict], default_speaker: str = "klant") -> list[dict]:
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
    if not isinstance(state, dict) or not isinstance(state.get("events"), list) or not state.get("scenario"):
        raise InvalidState("verwacht een object met 'scenario' en 'events'")
    if state.get("version", STATE_VERSION) != STATE_VERSION:
        raise InvalidState(f"versie {state.get('version')} wordt niet ondersteund")


def _tracker(engine: Engine, state: dict) -> Tracker:
    try:
        return engine.tracker_for(state.get("sender_id") or "oefengesprek", state["events"])
    except (TypeError, AttributeError, KeyError) as exc:
        raise InvalidState(f"de gebeurtenissen zijn onleesbaar ({exc})") from None


def outcome(tracker: Tracker) -> str | None:
    return tracker.slots.get("uitkomst")


def is_finished(tracker: Tracker) -> bool:
    value = tracker.slots.get("uitkomst")
    ended = tracker.slots.get("gesprek_beeindigd")
    if ended is None:  # content without that slot: any outcome ends the conversation
        if value is not None and value != ONGOING:
            return True
    elif ended or value == "afgebroken":  # a deal alone does not end it: the goodbye does
        return True
    return tracker.paused or any(e.get("event") == "session_ended" for e in tracker.events[-3:])


def _hint(events: list[dict], scenario, mode: str) -> str | None:
    if mode != "oefenen":
        return None
    try:
        from bot.feedback import turn_hint
    except ImportError:  # feedback not built: no hints
        return None
    return turn_hint(events, scenario)


# --- the façade ----------------------------------------------------------------------------

def session_metadata(scenario, difficulty: str | None = None, seed: int | None = None, mode: str = "oefenen",
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


def start(scenario_id: str, difficulty: str | None = None, seed: int | None = None, mode: str = "oefenen",
          briefing: dict | None = None) -> TurnResult:
    """Start a conversation. The seed is chosen when not given and kept in the state."""
    scenario = _scenario(scenario_id)
    metadata = session_metadata(scenario, difficulty, seed, mode, briefing)
    engine = _engine()
    sender_id = f"{scenario.id}-{metadata['seed']}"
    tracker = engine.new_tracker(sender_id)
    new = engine.start_session(tracker, metadata)
    engine.remember(tracker)
    state = {"version": STATE_VERSION, "sender_id": sender_id, "scenario": scenario.id,
             "difficulty": metadata["difficulty"], "seed": metadata["seed"], "mode": mode, "events": tracker.events}
    return TurnResult(state=state, messages=_messages(new, _speaker_default(scenario)),
                      finished=is_finished(tracker))


def step(state: dict, text: str) -> TurnResult:
    """One student turn: analyse, append, predict and run actions. `state` is not modified."""
    _check_state(state)
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument("lege beurt: typ wat je tegen de klant zegt")
    text = text.strip()
    scenario = _scenario(state["scenario"])
    engine = _engine()
    tracker = _tracker(engine, state)
    if is_finished(tracker):
        raise ConversationFinished()
    analysis = analyse_student_turn(engine.nlu, tracker.events, text, _catalogue(scenario))
    new = engine.handle_message(tracker, text, analysis.to_parse_data())
    engine.remember(tracker)
    new_state = {**{k: v for k, v in state.items() if k != "events"}, "events": tracker.events}
    return TurnResult(state=new_state, messages=_messages(new, _speaker_default(scenario)),
                      analysis=analysis.to_json(), hint=_hint(tracker.events, scenario, state.get("mode", "oefenen")),
                      finished=is_finished(tracker))


def finish(state: dict) -> dict:
    """The feedback report (contracts §6), or {} while bot.feedback is not there."""
    _check_state(state)
    scenario = _scenario(state["scenario"])
    try:
        from bot.feedback import build_report
    except ImportError:
        return {}
    return build_report(state["events"], scenario)


_catalogues: dict[str, list] = {}


def _catalogue(scenario) -> list | None:
    cached = _catalogues.get(scenario.id)
    if cached is None:
        cached = scenario.catalogue_for_nlu() if hasattr(scenario, "catalogue_for_nlu") else None
        _catalogues[scenario.id] = cached
    return cached


__all__ = ["TurnResult", "start", "step", "finish", "transcript", "outcome", "UnknownScenario", "InvalidState",
           "InvalidArgument", "ConversationFinished", "ActionFailed", "EngineError", "session_metadata", "clear_cache"]
