"""Replay Rasa test stories (tests/stories/*.yml) through the NLU, the engine and the actions.

A test story has story-level `metadata: {scenario, difficulty, seed}` (optional `mode`,
`briefing`) and steps `user:` (what the student types) with `intent:` (what the NLU must
read), `action:` (what the engine must run, in order) and `slot_was_set:` / `active_loop:`
(what must have been set during that turn). Actions before the first user step are
compared with what the session start ran after `action_session_start`.

The same files pass `rasa test core` (Rasa 3.6, tests/integration/test_real_rasa.py), which
runs no actions: it takes a story's first step as given and predicts every later action from
the story's own events. Hence the convention, checked here too (docs/scenario-authoring.md §4):
before the student's first message a test story names one action, `action_session_start` or
the form the session start hands over to; and every change of the active loop and of a slot
that steers the conversation (influence_conversation) stands in the story.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content import ContentError, ContentErrors
from bot.engine import policy
from bot.engine.domain import ACTION_LISTEN, ACTION_SESSION_START
from bot.engine.engine import Engine
from bot.engine.nlu_turn import analyse_student_turn
from bot.engine.stories import Flow, Step, load_flows
from bot.paths import content_root
from bot.vocabulary import PRACTICE

SKIPPED_ACTIONS = (ACTION_LISTEN, ACTION_SESSION_START)
OPENING_RULE = ("vóór het eerste bericht van de student noemt een teststory één actie: action_session_start, "
                "of het formulier waaraan de sessiestart het gesprek doorgeeft (docs/scenario-authoring.md §4)")
RASA_RUNS_NO_ACTIONS = "Rasa voert in zijn test geen acties uit"


def test_stories_dir() -> Path:
    return content_root() / "tests" / "stories"


def load_test_stories(path: Path | None = None) -> list[Flow]:
    """Parse test stories; each needs metadata with at least `scenario`."""
    path = Path(path) if path else test_stories_dir()
    if not path.exists():
        return []
    flows = load_flows([path], test_stories=True)
    errors = []
    for flow in flows:
        if not isinstance(flow.metadata, dict) or not flow.metadata.get("scenario"):
            errors.append(ContentError(flow.path, flow.line, f"teststory '{flow.name}': metadata.scenario ontbreekt"))
        for step in flow.steps:
            if step.kind == "user" and step.text is None and step.name is None:
                errors.append(ContentError(step.path, step.line, f"teststory '{flow.name}': lege gebruikersstap"))
            elif step.kind == "action" and step.name == ACTION_SESSION_START and step is not flow.steps[0]:
                errors.append(ContentError(step.path, step.line, f"teststory '{flow.name}': action_session_start "
                                                                 "kan alleen de eerste stap zijn"))
        opening = [s for s in _segments(flow)[0][1] if s.kind == "action"]
        if len(opening) > 1:
            errors.append(ContentError(opening[1].path, opening[1].line, f"teststory '{flow.name}': {OPENING_RULE}"))
    if errors:
        raise ContentErrors(errors)
    return flows


@dataclass
class ReplayResult:
    name: str
    diffs: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.diffs

    def report(self) -> str:
        return f"teststory '{self.name}':\n  " + "\n  ".join(self.diffs)


def _segments(flow: Flow) -> list[tuple[Step | None, list[Step]]]:
    """(user step or None for the session start, the expectations that follow it)."""
    out: list[tuple[Step | None, list[Step]]] = [(None, [])]
    for step in flow.steps:
        if step.kind == "user":
            out.append((step, []))
        elif step.kind in ("action", "slot", "active_loop"):
            out[-1][1].append(step)
    return out


def _user_text(step: Step) -> str:
    if step.text is not None:
        return step.text
    entities = {e: v for e, v in step.value or ()}
    return f"/{step.name}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def compare(expected: list[Step], events: list[dict]) -> list[str]:
    diffs = []
    actual_actions = [e.get("name") for e in events if e.get("event") == "action"
                      and e.get("name") not in SKIPPED_ACTIONS]
    wanted_actions = [s for s in expected if s.kind == "action" and s.name not in SKIPPED_ACTIONS]
    for i in range(max(len(actual_actions), len(wanted_actions))):
        want = wanted_actions[i] if i < len(wanted_actions) else None
        got = actual_actions[i] if i < len(actual_actions) else None
        if want is None:
            diffs.append(f"extra actie '{got}' (niet in de teststory)")
        elif got != want.name:
            diffs.append(f"{want.where}: verwacht actie '{want.name}', kreeg '{got or '(geen actie meer)'}'")
    slots: dict[str, list[Any]] = {}
    for e in events:
        if e.get("event") == "slot":
            slots.setdefault(e.get("name"), []).append(e.get("value"))
    for s in expected:
        if s.kind == "slot":
            if s.name not in slots:
                diffs.append(f"{s.where}: verwacht slot_was_set '{s.name}', maar het slot werd niet gezet")
            elif s.explicit_value and not _same(slots[s.name][-1], s.value):
                diffs.append(f"{s.where}: verwacht {s.name} = {s.value!r}, kreeg {slots[s.name][-1]!r}")
    loops = [e.get("name") for e in events if e.get("event") == "active_loop"]
    stated = [s.name for s in expected if s.kind == "active_loop"]
    for s in expected:
        if s.kind == "active_loop" and s.name not in loops:
            diffs.append(f"{s.where}: verwacht active_loop {s.name!r}, kreeg {loops or 'geen wijziging'}")
    for name in loops:
        if name not in stated:
            # Rasa's `rasa test core` runs no actions: it only knows the loop from the story
            diffs.append(f"active_loop werd {name!r}, maar de teststory noemt dat niet: zet "
                         f"'- active_loop: {name or 'null'}' na de actie die het deed ({RASA_RUNS_NO_ACTIONS})")
    return diffs


class _SteeringSlots:
    """The slots that steer the conversation (influence_conversation), as the engine has them
    and as a Rasa tracker built from the story's own events would have them."""

    def __init__(self, domain) -> None:
        self.domain = domain
        self.names = domain.featurised_slots()
        initial = domain.initial_slots()
        self.story = {n: domain.featurise(n, initial.get(n)) for n in self.names}

    def diffs(self, expected: list[Step], tracker) -> list[str]:
        stated = set()
        for step in expected:
            if step.kind == "slot" and step.name in self.story:
                self.story[step.name] = policy.slot_feature(self.domain, step)
                stated.add(step.name)
        out = []
        for name in self.names:
            value = tracker.slots.get(name)
            feature = self.domain.featurise(name, value)
            if feature == self.story[name]:
                continue
            self.story[name] = feature  # report once
            if name not in stated:  # a wrong value the story states is compare()'s diff
                out.append(f"slot '{name}' stuurt het gesprek en werd {json.dumps(value, ensure_ascii=False)}, maar "
                           f"de teststory zegt dat niet: zet '- slot_was_set: [{name}: "
                           f"{json.dumps(value, ensure_ascii=False)}]' na de actie die het deed ({RASA_RUNS_NO_ACTIONS})")
        return out


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and not isinstance(actual, bool):
        return abs(float(actual) - float(expected)) < 1e-9
    return actual == expected


def replay(flow: Flow, engine: Engine, metadata: dict[str, Any], catalogue: list | None = None) -> ReplayResult:
    """Play one test story; return the differences (empty when it behaves as written)."""
    result = ReplayResult(flow.name)
    tracker = engine.new_tracker(f"teststory-{metadata.get('seed', 0)}")
    segments = _segments(flow)
    steering = _SteeringSlots(engine.domain)
    new = engine.start_session(tracker, metadata)
    for diff in compare(segments[0][1], new) + steering.diffs(segments[0][1], tracker):
        result.diffs.append(f"bij de sessiestart: {diff}")
    for user, expected in segments[1:]:
        text = _user_text(user)
        analysis = analyse_student_turn(engine.nlu, tracker.events, text, catalogue)
        if user.name is not None and analysis.intent != user.name:
            labels = ", ".join(analysis.labels) or "geen"
            result.diffs.append(f"{user.where}: '{text}': verwacht intent '{user.name}', de NLU gaf "
                                f"'{analysis.intent}' (labels: {labels})")
        new = engine.handle_message(tracker, text, analysis.to_parse_data())
        for diff in compare(expected, new) + steering.diffs(expected, tracker):
            result.diffs.append(f"na '{text}': {diff}")
    result.events = tracker.events
    return result


def replay_scenario_story(flow: Flow) -> ReplayResult:
    """Replay with the project's engine, scenario (metadata) and real NLU."""
    from bot.engine.engine import get_engine
    from bot.engine.session import session_metadata, _catalogue, _scenario
    md = flow.metadata
    scenario = _scenario(md["scenario"])
    metadata = session_metadata(scenario, md.get("difficulty"), md.get("seed", 0), md.get("mode", PRACTICE),
                                md.get("briefing"))
    return replay(flow, get_engine(), metadata, _catalogue(scenario))
