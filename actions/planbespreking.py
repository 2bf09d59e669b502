"""action_plan_bespreken: the team leader reacts to the student in a plan discussion (1.2).

The rules in stories/planbespreking.yml send every student turn here when slot
`planbespreking` is true (set at session start for a scenario with a `plan:` section),
the goodbye and a message the recogniser did not understand included: whether a message
is about the plan is for the team leader to judge (actions/plan/), not for the intent.
"""

from __future__ import annotations

from actions.common import PersonaAction
from actions.persona.message import Message
from actions.persona.reply import Reply
from actions.persona.state import Conversation
from actions.plan.discussion import plan_turn


class ActionPlanBespreken(PersonaAction):
    def name(self) -> str:
        return "action_plan_bespreken"

    def reply(self, conv: Conversation, msg: Message) -> Reply:
        return plan_turn(conv, msg)
