"""Shared plumbing for the actions: read the tracker, utter with speaker and labels, and the
common sequence of the actions that answer a student turn (PersonaAction, TurnCheckAction)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.persona.message import Message
from actions.persona.reply import Reply
from actions.persona.state import Conversation
from actions.persona.texts import remember_said
from bot.vocabulary import COACH, TURN_SLOT


def conversation(tracker: Tracker) -> Conversation:
    return Conversation(dict(tracker.slots))


def utter(dispatcher: CollectingDispatcher, conv: Conversation, reply: Reply) -> None:
    """One bot message; the engine copies `speaker`, `labels` and `reason` into the bot
    event metadata. Every part is remembered, so no line comes back word for word."""
    remember_said(conv.memory, [p.text for p in reply.parts])
    dispatcher.utter_message(text=reply.text(), speaker=conv.sc.role, labels=reply.signals(), reason=reply.reason())


def utter_coach(dispatcher: CollectingDispatcher, text: str) -> None:
    """Outside the role play (briefing form): the coach speaks to the student."""
    dispatcher.utter_message(text=text, speaker=COACH, labels=[])


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


class PersonaAction(Action, ABC):
    """An action that answers the student's turn in character. The sequence is shared (as
    rasa_sdk's FormValidationAction shares its validation): read the conversation from the
    slots, count the turn, let the subclass build the reply, utter it, return the changed
    slots. A subclass gives `name()` and `reply()`."""

    @abstractmethod
    def reply(self, conv: Conversation, msg: Message) -> Reply:
        """The answer to `msg`; may change the conversation's slots and memory."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        conv.set(TURN_SLOT, float(conv.turn + 1))  # the student's turn this reply answers
        utter(dispatcher, conv, self.reply(conv, Message.from_parse_data(tracker.latest_message)))
        return conv.events()


class TurnCheckAction(Action, ABC):
    """A standalone check on the turn being processed (the turn slot + 1, set back after): the
    same check the persona runs on every turn, as an explicit story step before it."""

    @abstractmethod
    def check(self, conv: Conversation, msg: Message, turn: int) -> None:
        """Record what the check finds for turn `turn` in the conversation's slots."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        before = conv.get(TURN_SLOT)
        conv.set(TURN_SLOT, before + 1)
        self.check(conv, Message.from_parse_data(tracker.latest_message), int(before + 1))
        conv.set(TURN_SLOT, before)
        return conv.events()
