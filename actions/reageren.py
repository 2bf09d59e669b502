"""action_persona_reageren: the persona reacts to the student's turn (all moves but afscheid;
a message whose intent is another move but that also says goodbye ends the call)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.afronden import goodbye
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
        msg = Message.from_parse_data(tracker.latest_message)
        if "afscheid" in msg.moves and not conv.memory.get("ended"):
            # "Dat is afgesproken. Hartelijk dank voor uw tijd!": a toezegging (the intent) with
            # a goodbye ends the call as any goodbye does, after she takes in the rest.
            reply = goodbye(conv, msg)
        else:
            reply = persona_turn(conv, msg)
        utter(dispatcher, conv, reply)
        return conv.events()
