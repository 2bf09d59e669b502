"""The 2.1 briefing form: questions from the scenario, validation, scoring, then the role play.

Rasa runs `briefing_form` (domain/rasa/actions.yml); the answers fill slots
briefing_doel / briefing_aanpak / briefing_aanbod / briefing_vragen (from_text).
`action_briefing_afronden` scores them into slot `briefing` and starts the role play.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation, utter, utter_coach
from actions.persona.briefing import FIELDS, SLOT_OF, question, score_briefing
from actions.persona.core import opening
from bot.scenarios import get_scenario

MIN_WORDS = 3


def _scenario(tracker: Tracker):
    try:
        return get_scenario(str(tracker.get_slot("scenario")))
    except KeyError:
        return None


def _validate(field: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    text = str(value or "").strip()
    if len(text.split()) < MIN_WORDS or text.startswith("/"):
        utter_coach(dispatcher, "Dat is wel erg kort. Kun je het in een of twee zinnen uitleggen?")
        return {SLOT_OF[field]: None}
    return {SLOT_OF[field]: text}


class ValidateBriefingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_briefing_form"

    def validate_briefing_doel(self, slot_value, dispatcher, tracker, domain):
        return _validate("doel", slot_value, dispatcher)

    def validate_briefing_aanpak(self, slot_value, dispatcher, tracker, domain):
        return _validate("aanpak", slot_value, dispatcher)

    def validate_briefing_aanbod(self, slot_value, dispatcher, tracker, domain):
        return _validate("aanbod", slot_value, dispatcher)

    def validate_briefing_vragen(self, slot_value, dispatcher, tracker, domain):
        return _validate("vragen", slot_value, dispatcher)


def _ask_action(field: str) -> type[Action]:
    class AskBriefing(Action):
        def name(self) -> str:
            return f"action_ask_briefing_{field}"

        async def run(self, dispatcher, tracker, domain):
            utter_coach(dispatcher, question(_scenario(tracker), field))
            return []

    AskBriefing.__name__ = AskBriefing.__qualname__ = f"ActionAskBriefing{field.capitalize()}"
    return AskBriefing


ActionAskBriefingDoel = _ask_action("doel")
ActionAskBriefingAanpak = _ask_action("aanpak")
ActionAskBriefingAanbod = _ask_action("aanbod")
ActionAskBriefingVragen = _ask_action("vragen")


class ActionBriefingAfronden(Action):
    """Scores the briefing, tells the student the result, then the persona opens."""

    def name(self) -> str:
        return "action_briefing_afronden"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        answers = {f: tracker.get_slot(SLOT_OF[f]) for f in FIELDS}
        result = score_briefing(conv.sc, answers)
        conv.set("briefing", result)
        good = sum(1 for p in result["punten"] if p["ok"])
        lines = [f"Je voorbereiding: {good} van de {len(FIELDS)} onderdelen op orde."]
        lines += [("✓ " if p["ok"] else "✗ ") + p["tekst"] for p in result["punten"]]
        lines.append("Dan begint nu het gesprek.")
        utter_coach(dispatcher, "\n".join(lines))
        reply = opening(conv)
        if not reply.empty:
            utter(dispatcher, conv, reply)
        return conv.events()
