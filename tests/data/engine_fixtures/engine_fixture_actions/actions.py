"""Fixture actions: a session start with an opening line, a reaction, an order form, a loop."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, FormValidationAction
from rasa_sdk.events import ActionExecuted, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.interfaces import ActionExecutionRejection


class FxSessionStart(Action):
    def name(self):
        return "action_session_start"

    def run(self, dispatcher, tracker, domain):
        metadata = tracker.get_slot("session_started_metadata") or {}
        dispatcher.utter_message(text="Met Jansen van Bakkerij De Korf.", speaker="klant", labels=[])
        return [SessionStarted(), SlotSet("seed", metadata.get("seed", 0)), SlotSet("naam", "Jansen"),
                SlotSet("session_started_metadata", metadata), ActionExecuted("action_listen")]


class FxReageer(Action):
    def name(self):
        return "action_fx_reageer"

    def run(self, dispatcher, tracker, domain):
        interest = (tracker.get_slot("interesse") or 0.0) + 0.1
        labels = tracker.latest_message.get("labels") or []
        dispatcher.utter_message(text="Interessant, vertelt u eens meer.", speaker="klant",
                                 labels=["interessesignaal"], gezien=len(labels))
        return [SlotSet("begroet", True), SlotSet("interesse", round(interest, 2))]


class FxVerduidelijk(Action):
    def name(self):
        return "action_fx_verduidelijk"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_default")
        return []


class FxAfronden(Action):
    def name(self):
        return "action_fx_afronden"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("uitkomst", "order" if tracker.get_slot("aantal") else "geen_deal")]


class FxEcho(Action):
    def name(self):
        return "action_fx_echo"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="echo", speaker="klant")
        return [FollowupAction("action_fx_echo")]


class FxWeiger(Action):
    def name(self):
        return "action_fx_weiger"

    def run(self, dispatcher, tracker, domain):
        raise ActionExecutionRejection("action_fx_weiger", "weigert altijd")


class ValidateBestelformulier(FormValidationAction):
    def name(self):
        return "validate_bestelformulier"

    def validate_aantal(self, value, dispatcher, tracker, domain):
        if value is None or float(value) <= 0:
            dispatcher.utter_message(text="Dat aantal kan niet.", speaker="klant")
            return {"aantal": None}
        return {"aantal": float(value)}


class FxAsync(Action):
    """Awaits for real (like an action calling a service), so the engine needs an event loop."""

    def name(self):
        return "action_fx_async"

    async def run(self, dispatcher, tracker, domain):
        await asyncio.sleep(0.001)
        dispatcher.utter_message(text="Even kijken... ja, dat kan.", speaker="klant")
        return [SlotSet("interesse", 0.9)]


class FxKapot(Action):
    """A bug in an action."""

    def name(self):
        return "action_fx_kapot"

    def run(self, dispatcher, tracker, domain):
        raise ValueError("deling door nul")
