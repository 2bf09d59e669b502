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


def test_a_test_story_may_not_name_the_session_start(tmp_path):
    """Rasa's `rasa test core` would predict action_default_fallback for the listen after it."""
    story = tmp_path / "start.yml"
    story.write_text('version: "3.1"\nstories:\n  - story: s\n    metadata: {scenario: fixture}\n    steps:\n'
                     '      - action: action_session_start\n      - user: Goedemorgen\n        intent: begroeting\n',
                     encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        load_test_stories(story)
    [error] = exc.value.errors
    assert error.line == 6 and "laat 'action: action_session_start' weg" in str(error)


def test_the_replayer_wants_every_loop_change_in_the_story(tmp_path):
    """Rasa runs no actions in its test: a form's active_loop must stand in the story."""
    engine = _fixture_engine()
    text = (FIXTURES / "test_stories" / "goed.yml").read_text(encoding="utf-8")
    story = tmp_path / "zonder_loop.yml"
    story.write_text(text.replace("      - active_loop: bestelformulier\n", ""), encoding="utf-8")
    [flow] = load_test_stories(story)
    result = replay(flow, engine, flow.metadata)
    assert result.diffs == ["na 'ik wil bestellen': active_loop werd 'bestelformulier', maar de teststory noemt "
                            "dat niet: zet '- active_loop: bestelformulier' na de actie die het deed (Rasa voert "
                            "in zijn test geen acties uit)"]
