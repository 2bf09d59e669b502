"""action_session_start: set up the scenario's slots, then the persona's opening line."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import session_metadata, utter, utter_coach
from actions.persona.briefing import FIELDS, score_briefing
from actions.persona.core import opening
from actions.persona.state import INITIAL_SLOTS, MEMORY_SLOT, Conversation, new_memory
from bot.scenarios import get_scenario, load_scenarios
from bot.vocabulary import MODES, PRACTICE

BRIEFING_INTRO = (
    "Voordat je het gesprek voert, bereid je het voor. Ik stel je vier korte vragen over "
    "je doel, je aanpak, je aanbod en de vragen die je wilt stellen."
)


def initial_slots(metadata: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """The starting values of every contract slot for the scenario in `metadata`."""
    scenario_id = metadata.get("scenario") or slots.get("scenario") or next(iter(load_scenarios()))
    sc = get_scenario(str(scenario_id))
    difficulty = metadata.get("difficulty") or slots.get("difficulty")
    if difficulty not in sc.levels:
        difficulty = sc.default_level
    seed = metadata.get("seed", slots.get("seed"))
    try:
        seed = float(int(seed))
    except (TypeError, ValueError):
        seed = 0.0
    mode = metadata.get("mode") or slots.get("mode")
    if mode not in MODES:
        mode = PRACTICE
    start = sc.level(difficulty).start
    values: dict[str, Any] = {
        "scenario": sc.id,
        "difficulty": difficulty,
        "seed": seed,
        "mode": mode,
        "interesse": start.interesse,
        "irritatie": start.irritatie,
        "vertrouwen": start.vertrouwen,
        **{k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in INITIAL_SLOTS.items()},
        "briefing": None,
        "planbespreking": sc.plan is not None,  # 1.2: rules send the turns to action_plan_bespreken
        MEMORY_SLOT: new_memory(),
    }
    briefing = metadata.get("briefing")
    if isinstance(briefing, dict) and any(briefing.get(f) for f in FIELDS):
        values["briefing"] = score_briefing(sc, briefing)
    return values


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        values = initial_slots(session_metadata(tracker), dict(tracker.slots))
        events: list[dict] = [SessionStarted()]
        events += [SlotSet(name, value) for name, value in values.items()]
        conv = Conversation(values)
        check = conv.sc.briefing_check
        if check is not None and check.required and values["briefing"] is None:
            # The conversation opens with the briefing form: Rasa runs it next (activation,
            # then its first question, action_ask_briefing_doel) and then listens. A test
            # story therefore starts with `action: briefing_form` + `active_loop: briefing_form`.
            utter_coach(dispatcher, BRIEFING_INTRO)
            events.append(FollowupAction("briefing_form"))
            return events
        reply = opening(conv)
        if not reply.empty:
            utter(dispatcher, conv, reply)
            events += [SlotSet(MEMORY_SLOT, conv.memory), SlotSet("gegeven_signalen", conv.slots.get("gegeven_signalen"))]
            events.append(SlotSet("open_bezwaren", conv.slots.get("open_bezwaren")))
        events.append(ActionExecuted("action_listen"))
        return events
