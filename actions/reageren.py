"""action_persona_reageren: the persona reacts to the student's turn (all moves but afscheid;
a message whose intent is another move but that also says goodbye ends the call)."""

from __future__ import annotations

from actions.afronden import goodbye
from actions.common import PersonaAction
from actions.persona.core import persona_turn
from actions.persona.message import Message
from actions.persona.reply import Reply
from actions.persona.state import Conversation


class ActionPersonaReageren(PersonaAction):
    def name(self) -> str:
        return "action_persona_reageren"

    def reply(self, conv: Conversation, msg: Message) -> Reply:
        conv.set("misverstanden", 0.0)
        if "afscheid" in msg.moves and not conv.memory.get("ended"):
            # "Dat is afgesproken. Hartelijk dank voor uw tijd!": a toezegging (the intent) with
            # a goodbye ends the call as any goodbye does, after she takes in the rest.
            return goodbye(conv, msg)
        return persona_turn(conv, msg)
