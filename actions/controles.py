"""Standalone check actions: the same checks the persona action runs on every turn,
for stories that want them as explicit steps before `action_persona_reageren`.

They look at the turn being processed (the turn slot + 1) and mark it as checked, so the
persona action that follows does not record the same concession or amounts twice.
"""

from __future__ import annotations

from actions.common import TurnCheckAction
from actions.persona.margin import check_concession
from actions.persona.message import Message
from actions.persona.quotation import check_quotation
from actions.persona.state import Conversation


class ActionMargeControleren(TurnCheckAction):
    """2.5: korting_gegeven, korting_binnen_marge, concessie_bij_eerste_bezwaar."""

    def name(self) -> str:
        return "action_marge_controleren"

    def check(self, conv: Conversation, msg: Message, turn: int) -> None:
        check_concession(conv, msg)


class ActionOfferteControleren(TurnCheckAction):
    """2.4: the quotation arithmetic in offerte_controle."""

    def name(self) -> str:
        return "action_offerte_controleren"

    def check(self, conv: Conversation, msg: Message, turn: int) -> None:
        result = check_quotation(conv, msg)
        if result is not None:
            result["turn"] = turn
