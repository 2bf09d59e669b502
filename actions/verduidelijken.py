"""action_verduidelijken: the persona did not understand the student (nlu_fallback).

Stays in character and varies; from the second consecutive miss on, the persona gives a
concrete hint the student can act on, chosen from the state of the conversation.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation, next_turn, utter
from actions.persona.afterdeal import in_after_deal, maybe_end
from actions.persona.core import persona_turn
from actions.persona.reply import Reply
from actions.persona.message import Message
from actions.persona.quotation import looks_like_quotation
from actions.persona.state import Conversation
from actions.persona.texts import LinePicker

HINT_AFTER = 2


def hint_text(conv: Conversation, picker: LinePicker) -> str:
    memory = conv.memory
    if in_after_deal(conv):
        return picker.fill(conv.sc.hints["algemeen"])  # the deal is made: no signal or close to point at
    open_ = conv.open_objections()
    if open_:
        obj = conv.sc.objection(memory.get("active") or open_[-1]) or conv.sc.objection(open_[-1])
        if obj is not None:
            return picker.fill(obj.hint)
    pending = (memory.get("last_signals") or []) + (memory.get("pending_signals") or [])
    if any(s.startswith("koopsignaal.") for s in pending):
        return picker.fill(conv.sc.hints["signaal"])
    if len(memory.get("needs") or []) < max(1, conv.sc.close.min_needs):
        return picker.fill(conv.sc.hints["vragen"])
    if conv.slots.get("uitkomst") == "lopend":
        return picker.fill(conv.sc.hints["afsluiten"])
    return picker.fill(conv.sc.hints["algemeen"])


def clarify(conv: Conversation) -> Reply:
    picker = LinePicker(conv.sc, conv.slots, conv.memory, conv.seed, conv.turn, conv.level_name)
    reply = Reply()
    if conv.memory.get("ended"):
        reply.add_line(picker, "after_end")
        return reply
    misses = int(conv.get("misverstanden")) + 1
    conv.set("misverstanden", float(misses))
    conv.apply("onbegrepen")
    if misses >= HINT_AFTER:
        reply.add(hint_text(conv, picker))
    else:
        reply.add_line(picker, "clarify")
    # Her signal is not "missed" after a misunderstanding, but she still waits for an answer.
    conv.memory["pending_signals"] = (conv.memory.get("last_signals") or []) + (conv.memory.get("pending_signals") or [])
    conv.memory["last_signals"] = []
    if in_after_deal(conv):
        maybe_end(conv, reply, picker)  # after the deal her patience for extra turns is limited
    return reply


class ActionVerduidelijken(Action):
    def name(self) -> str:
        return "action_verduidelijken"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        next_turn(conv)
        msg = Message.from_parse_data(tracker.latest_message)
        if conv.sc.quotation is not None and looks_like_quotation(msg, conv.sc) and not conv.memory.get("ended"):
            # No move recognised, but it is part of the quotation (e.g. the terms): the
            # customer understands that and reacts as usual.
            conv.set("misverstanden", 0.0)
            utter(dispatcher, conv, persona_turn(conv, msg))
        else:
            utter(dispatcher, conv, clarify(conv))
        return conv.events()
