"""action_plan_bespreken: the team leader reacts to the student in a plan discussion (1.2).

The rules in stories/planbespreking.yml send every student turn here when slot
`planbespreking` is true (set at session start for a scenario with a `plan:` section),
the goodbye and a message the recogniser did not understand included: whether a message
is about the plan is for the team leader to judge (actions/plan/), not for the intent.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation, next_turn, utter
from actions.persona.message import Message
from actions.plan.discussion import plan_turn


class ActionPlanBespreken(Action):
    def name(self) -> str:
        return "action_plan_bespreken"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        conv = conversation(tracker)
        next_turn(conv)
        utter(dispatcher, conv, plan_turn(conv, Message.from_parse_data(tracker.latest_message)))
        return conv.events()
