"""action_verduidelijken: the recogniser found no move in the student's message (nlu_fallback).

Only a message that relates to nothing in the conversation gets the clarification line:
no entity, no catalogue product, no word of the topic of her last question, of any topic,
hidden need or fact of the scenario, and not part of a 2.4 quotation. Anything else is
information, and the persona reacts to its content as on any turn (`relates`).
The clarification stays in character and varies; from the second consecutive miss on, the
persona gives a concrete hint the student can act on, chosen from the state of the conversation.
"""

from __future__ import annotations

from actions.common import PersonaAction
from actions.persona.afterdeal import in_after_deal, maybe_end
from actions.persona.core import persona_turn
from actions.persona.reply import Reply
from actions.persona.message import Message
from actions.persona.quotation import looks_like_quotation
from actions.persona.state import Conversation
from actions.persona.patience import check_patience
from actions.persona.texts import LinePicker, was_said
from bot.vocabulary import ONGOING, OUTCOME_SLOT, SUCCESS_OUTCOMES

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
    if conv.slots.get(OUTCOME_SLOT) == ONGOING:
        return picker.fill(conv.sc.hints["afsluiten"])
    return picker.fill(conv.sc.hints["algemeen"])


def scenario_words(sc) -> list[str]:
    """Words that tie a message to this scenario: the companies and her name, products,
    topics, needs, answers, facts."""
    words: list[str] = [sc.student_company.name.lower(), sc.persona.company.lower(),
                        sc.persona.name.split()[-1].lower()]
    for product in sc.catalogue:
        words += [n.lower() for n in product.names]
    for topic in sc.topics:
        words += topic.keywords
    for need in sc.persona.needs:
        words += need.keywords
    for answer in sc.answers:
        words += answer.keywords
    for fact in sc.facts:
        words += fact.keywords
    return [w for w in words if len(w) >= 3]


def relates(conv: Conversation, msg: Message) -> bool:
    """Something in the message belongs to this conversation (then it is no misunderstanding)."""
    if msg.entities or msg.moves:
        return True
    if conv.sc.quotation is not None and looks_like_quotation(msg, conv.sc):
        return True
    return msg.mentions(scenario_words(conv.sc))


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
        hint = hint_text(conv, picker)
        reply.add("" if was_said(conv.memory, hint) else hint, reason="question")
    if reply.empty:
        reply.add_line(picker, "clarify")
    # Her signal is not "missed" after a misunderstanding, but she still waits for an answer.
    conv.memory["pending_signals"] = (conv.memory.get("last_signals") or []) + (conv.memory.get("pending_signals") or [])
    conv.memory["last_signals"] = []
    if in_after_deal(conv):
        reply.after_deal = True
        maybe_end(conv, reply, picker)  # after the deal her patience for extra turns is limited
    elif conv.slots.get(OUTCOME_SLOT) not in SUCCESS_OUTCOMES:
        check_patience(conv, reply, picker)  # a call that goes nowhere ends
    return reply


class ActionVerduidelijken(PersonaAction):
    def name(self) -> str:
        return "action_verduidelijken"

    def reply(self, conv: Conversation, msg: Message) -> Reply:
        if relates(conv, msg) and not conv.memory.get("ended"):
            # No move recognised, but it is about the conversation (an answer to her question,
            # a figure, a product, part of the quotation): she reacts to its content.
            conv.set("misverstanden", 0.0)
            return persona_turn(conv, msg)
        return clarify(conv)
