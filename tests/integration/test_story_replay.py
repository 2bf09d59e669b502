"""Every Rasa test story in tests/stories/ replayed through the real NLU, engine and actions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

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
