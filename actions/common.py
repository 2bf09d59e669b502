"""Shared plumbing for the actions: read the tracker, utter with speaker and labels."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.persona.reply import Reply
from actions.persona.state import Conversation
from actions.persona.texts import remember_said


def conversation(tracker: Tracker) -> Conversation:
    return Conversation(dict(tracker.slots))


def utter(dispatcher: CollectingDispatcher, conv: Conversation, reply: Reply) -> None:
    """One bot message; the engine copies `speaker`, `labels` and `reason` into the bot
    event metadata. Every part is remembered, so no line comes back word for word."""
    remember_said(conv.memory, [p.text for p in reply.parts])
    dispatcher.utter_message(text=reply.text(), speaker=conv.sc.role, labels=reply.signals(), reason=reply.reason())


def utter_coach(dispatcher: CollectingDispatcher, text: str) -> None:
    """Outside the role play (briefing form): the coach speaks to the student."""
    dispatcher.utter_message(text=text, speaker="coach", labels=[])


def next_turn(conv: Conversation) -> None:
    conv.set("beurt", float(conv.turn + 1))


def session_metadata(tracker: Tracker) -> dict[str, Any]:
    """scenario/difficulty/seed/mode/briefing from the session start (contracts §2)."""
    found: dict[str, Any] = {}
    slot = tracker.slots.get("session_started_metadata")
    if isinstance(slot, dict):
        found.update(slot)
    for event in reversed(tracker.events or []):
        if event.get("event") == "session_started" and isinstance(event.get("metadata"), dict):
            for k, v in event["metadata"].items():
                found.setdefault(k, v)
            break
    latest = tracker.latest_message or {}
    if isinstance(latest.get("metadata"), dict):
        for k, v in latest["metadata"].items():
            found.setdefault(k, v)
    return found
