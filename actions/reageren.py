"""action_persona_reageren: the persona reacts to the student's turn (all moves but afscheid)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation, next_turn, utter
from actions.persona.core import persona_turn
from actions.persona.message import Message


class ActionPersonaReageren(Action):
    def name(self) -> str:
        return "action_persona_reageren"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        next_turn(conv)
        conv.set("misverstanden", 0.0)
        reply = persona_turn(conv, Message.from_parse_data(tracker.latest_message))
        utter(dispatcher, conv, reply)
        return conv.events()
