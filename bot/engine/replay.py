"""Replay Rasa test stories (tests/stories/*.yml) through the NLU, the engine and the actions.

A test story has story-level `metadata: {scenario, difficulty, seed}` (optional `mode`,
`briefing`) and steps `user:` (what the student types) with `intent:` (what the NLU must
read), `action:` (what the engine must run, in order) and `slot_was_set:` / `active_loop:`
(what must have been set during that turn). Actions before the first user step are
compared with what the session start ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content import ContentError, ContentErrors
from bot.engine.domain import ACTION_LISTEN, ACTION_SESSION_START
from bot.engine.engine import Engine
from bot.engine.nlu_turn import analyse_student_turn
from bot.engine.stories import Flow, Step, load_flows
from bot.paths import content_root

SKIPPED_ACTIONS = (ACTION_LISTEN, ACTION_SESSION_START)


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
    import json
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
    for s in expected:
        if s.kind == "active_loop" and s.name not in loops:
            diffs.append(f"{s.where}: verwacht active_loop {s.name!r}, kreeg {loops or 'geen wijziging'}")
    return diffs


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and not isinstance(actual, bool):
        return abs(float(actual) - float(expected)) < 1e-9
    return actual == expected


def replay(flow: Flow, engine: Engine, metadata: dict[str, Any], catalogue: list | None = None) -> ReplayResult:
    """Play one test story; return the differences (empty when it behaves as written)."""
    result = ReplayResult(flow.name)
    tracker = engine.new_tracker(f"teststory-{metadata.get('seed', 0)}")
    segments = _segments(flow)
    new = engine.start_session(tracker, metadata)
    result.diffs.extend(compare(segments[0][1], new))
    for user, expected in segments[1:]:
        text = _user_text(user)
        analysis = analyse_student_turn(engine.nlu, tracker.events, text, catalogue)
        if user.name is not None and analysis.intent != user.name:
            labels = ", ".join(analysis.labels) or "geen"
            result.diffs.append(f"{user.where}: '{text}': verwacht intent '{user.name}', de NLU gaf "
                                f"'{analysis.intent}' (labels: {labels})")
        new = engine.handle_message(tracker, text, analysis.to_parse_data())
        for diff in compare(expected, new):
            result.diffs.append(f"na '{text}': {diff}")
    result.events = tracker.events
    return result


def replay_scenario_story(flow: Flow) -> ReplayResult:
    """Replay with the project's engine, scenario (metadata) and real NLU."""
    from bot.engine.engine import get_engine
    from bot.engine.session import session_metadata, _catalogue, _scenario
    md = flow.metadata
    scenario = _scenario(md["scenario"])
    metadata = session_metadata(scenario, md.get("difficulty"), md.get("seed", 0), md.get("mode", "oefenen"),
                                md.get("briefing"))
    return replay(flow, get_engine(), metadata, _catalogue(scenario))
