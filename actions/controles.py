"""Standalone check actions: the same checks the persona action runs on every turn,
for stories that want them as explicit steps before `action_persona_reageren`.

They look at the turn being processed (beurt + 1) and mark it as checked, so the
persona action that follows does not record the same concession or amounts twice.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation
from actions.persona.margin import check_concession
from actions.persona.message import Message
from actions.persona.quotation import check_quotation


class ActionMargeControleren(Action):
    """2.5: korting_gegeven, korting_binnen_marge, concessie_bij_eerste_bezwaar."""

    def name(self) -> str:
        return "action_marge_controleren"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        before = conv.get("beurt")
        conv.set("beurt", before + 1)
        check_concession(conv, Message.from_parse_data(tracker.latest_message))
        conv.set("beurt", before)
        return conv.events()


class ActionOfferteControleren(Action):
    """2.4: the quotation arithmetic in offerte_controle."""

    def name(self) -> str:
        return "action_offerte_controleren"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        before = conv.get("beurt")
        conv.set("beurt", before + 1)
        result = check_quotation(conv, Message.from_parse_data(tracker.latest_message))
        if result is not None:
            result["turn"] = int(before + 1)
        conv.set("beurt", before)
        return conv.events()
