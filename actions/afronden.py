"""action_gesprek_afronden: the student says goodbye; the persona answers, `uitkomst` is set and
the conversation ends (`gesprek_beeindigd`). After a deal the outcome stays as agreed."""

from __future__ import annotations

from actions.common import PersonaAction
from actions.persona.afterdeal import after_deal_goodbye, in_after_deal
from actions.persona.core import PersonaTurn
from actions.persona.margin import check_concession
from actions.persona.quotation import check_quotation
from actions.persona.reply import Reply
from actions.persona.message import Message
from actions.persona.patience import end_conversation, outcome_at_end
from actions.persona.state import Conversation
from actions.persona.texts import LinePicker
from bot.vocabulary import OUTCOME_SLOT, SUCCESS_OUTCOMES

def goodbye(conv: Conversation, msg: Message) -> Reply:
    if conv.memory.get("ended"):
        picker = LinePicker(conv.sc, conv.slots, conv.memory, conv.seed, conv.turn, conv.level_name)
        reply = Reply()
        reply.add_line(picker, "after_end")
        return reply
    after_deal = in_after_deal(conv)
    turn = PersonaTurn(conv, msg)
    turn.effects_of_moves()
    turn.reaction_to_last_signal()
    if after_deal:
        # "Dan ontvangt u vandaag de bevestiging, fijne dag!": the deal stands; she reacts
        # to the rest as after the deal, then says goodbye.
        return after_deal_goodbye(turn)
    raised = len(conv.memory["raised"])
    if msg.moves - {"afscheid", "informeel", "begroeting"}:
        # "Ik bel u vanmiddag terug, fijne dag!": the persona first takes in the rest.
        concession = check_concession(conv, msg)
        check_quotation(conv, msg)
        handled = turn.handle_open_objection(concession)
        if not handled and set(conv.sc.close.moves) & msg.moves:
            turn.handle_close()
    if conv.slots.get(OUTCOME_SLOT) not in SUCCESS_OUTCOMES:
        # "Tot ziens!" while something the close needs is still unsaid: she says it first and
        # the call goes on (the student can answer it).
        pending = turn.unvoiced_requirement() if len(conv.memory["raised"]) == raised else None
        if pending is not None:
            turn.raise_objection(pending)
        if len(conv.memory["raised"]) > raised:
            return turn.finish(patience=True)
    outcome = outcome_at_end(conv)
    conv.set(OUTCOME_SLOT, outcome)
    # a customer whose own complaint or objection is still open thanks nobody for "meer kan ik niet doen"
    friendly = conv.get("irritatie") < 0.5 and (
        outcome in SUCCESS_OUTCOMES or (conv.get("vertrouwen") >= 0.4 and not conv.open_objections()))
    turn.reply.add_line(turn.picker, "goodbye_good" if friendly else "goodbye_bad")
    end_conversation(conv)
    return turn.finish()


class ActionGesprekAfronden(PersonaAction):
    def name(self) -> str:
        return "action_gesprek_afronden"

    def reply(self, conv: Conversation, msg: Message) -> Reply:
        conv.set("misverstanden", 0.0)
        return goodbye(conv, msg)
