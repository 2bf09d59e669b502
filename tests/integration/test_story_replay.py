"""Every Rasa test story in tests/stories/ replayed through the real NLU, engine and actions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.content import ContentErrors
from bot.engine.replay import load_test_stories, replay, replay_scenario_story

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "engine_fixtures"
STORIES = load_test_stories()


@pytest.mark.parametrize("story", STORIES, ids=[f"{Path(s.path).name}:{s.name}" for s in STORIES])
def test_story_replays_as_written(story):
    result = replay_scenario_story(story)
    if not result.ok:
        pytest.fail(result.report(), pytrace=False)


def test_same_seed_replays_identically():
    if not STORIES:
        pytest.skip("nog geen teststories in tests/stories/")
    story = STORIES[0]
    a, b = replay_scenario_story(story), replay_scenario_story(story)
    strip = lambda events: [{k: v for k, v in e.items() if k != "timestamp"} for e in events]  # noqa: E731
    assert strip(a.events) == strip(b.events)


# --- the replayer itself, on the engine's fixture content ----------------------------------------

def _fixture_engine():
    sys.path.insert(0, str(FIXTURES))
    import fixture_nlu
    from bot.engine.engine import Engine
    content = FIXTURES / "content"
    return Engine.load(content / "domain" / "rasa", [content / "stories"], config_path=FIXTURES / "none.yml",
                       actions_package="engine_fixture_actions", nlu=fixture_nlu.analyse)


def test_replayer_passes_a_matching_story():
    engine = _fixture_engine()
    [story] = load_test_stories(FIXTURES / "test_stories" / "goed.yml")
    result = replay(story, engine, story.metadata)
    assert result.ok, result.report()


def test_replayer_reports_a_clear_diff():
    engine = _fixture_engine()
    [story] = load_test_stories(FIXTURES / "test_stories" / "fout.yml")
    result = replay(story, engine, story.metadata)
    where = "tests/data/engine_fixtures/test_stories/fout.yml"
    assert result.diffs == [
        f"{where}:6: 'Goedemorgen': verwacht intent 'open_vraag', de NLU gaf 'begroeting' (labels: begroeting)",
        f"na 'Goedemorgen': {where}:9: verwacht actie 'utter_akkoord', kreeg 'action_fx_reageer'",
        f"na 'Goedemorgen': {where}:11: verwacht begroet = False, kreeg True",
    ]
    assert "teststory 'verkeerde verwachtingen'" in result.report()


def test_a_test_story_opens_with_one_action(tmp_path):
    """Rasa's `rasa test core` takes only the first step as given: a second action before the
    student's first message would be predicted from nothing."""
    story = tmp_path / "start.yml"
    story.write_text('version: "3.1"\nstories:\n  - story: s\n    metadata: {scenario: fixture}\n    steps:\n'
                     '      - action: action_session_start\n      - action: utter_groet\n'
                     '      - user: Goedemorgen\n        intent: begroeting\n', encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        load_test_stories(story)
    [error] = exc.value.errors
    assert error.line == 7 and "noemt een teststory één actie" in str(error)


def _fixture_story_without(tmp_path, line: str):
    text = (FIXTURES / "test_stories" / "goed.yml").read_text(encoding="utf-8")
    assert line in text
    story = tmp_path / "zonder.yml"
    story.write_text(text.replace(line, ""), encoding="utf-8")
    [flow] = load_test_stories(story)
    return flow


def test_the_replayer_wants_every_loop_change_in_the_story(tmp_path):
    """Rasa runs no actions in its test: a form's active_loop must stand in the story."""
    flow = _fixture_story_without(tmp_path, "      - active_loop: bestelformulier\n")
    result = replay(flow, _fixture_engine(), flow.metadata)
    assert result.diffs == ["na 'ik wil bestellen': active_loop werd 'bestelformulier', maar de teststory noemt "
                            "dat niet: zet '- active_loop: bestelformulier' na de actie die het deed (Rasa voert "
                            "in zijn test geen acties uit)"]


def test_the_replayer_wants_every_steering_slot_in_the_story(tmp_path):
    """A slot with influence_conversation steers Rasa's rules: set by an action, it must stand
    in the story, or `rasa test core` predicts from another state."""
    flow = _fixture_story_without(tmp_path, "          - begroet: true\n")
    result = replay(flow, _fixture_engine(), flow.metadata)
    assert result.diffs == ["na 'Goedemorgen': slot 'begroet' stuurt het gesprek en werd true, maar de teststory "
                            "zegt dat niet: zet '- slot_was_set: [begroet: true]' na de actie die het deed (Rasa "
                            "voert in zijn test geen acties uit)"]


def test_a_form_that_opens_the_conversation_must_stand_at_the_top(tmp_path):
    """2.1 without a briefing: the session start hands over to briefing_form (FollowupAction);
    a story that starts with the session start instead says so at the session start."""
    text = (Path(__file__).resolve().parents[1] / "stories" / "2.1-voorbereiding-dispensers.yml").read_text(
        encoding="utf-8")
    opening = "  - action: briefing_form\n  - active_loop: briefing_form\n  - user: Ik wil"
    assert opening in text
    story = tmp_path / "2.1.yml"
    story.write_text(text.replace(opening, "  - action: action_session_start\n  - user: Ik wil"), encoding="utf-8")
    flow = next(f for f in load_test_stories(story) if "formulier" in f.name)
    result = replay_scenario_story(flow)
    assert result.diffs[:2] == [
        "bij de sessiestart: extra actie 'briefing_form' (niet in de teststory)",
        "bij de sessiestart: active_loop werd 'briefing_form', maar de teststory noemt dat niet: zet "
        "'- active_loop: briefing_form' na de actie die het deed (Rasa voert in zijn test geen acties uit)",
    ]
