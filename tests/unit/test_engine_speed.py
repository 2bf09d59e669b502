"""The engine's shortcuts give the same answers as the plain way (they only skip work)."""

from __future__ import annotations

from bot.engine import session
from bot.engine.engine import get_engine
from bot.engine.policy import ANY, story_trajectory
from bot.engine.tracker import Tracker, json_copy
from bot.scenarios import load_scenarios

TURNS = [
    "Goedemorgen, u spreekt met Sanne van Kantoorgemak.",
    "Waarmee kan ik u helpen?",
    "Kunt u daar wat meer over vertellen?",
    "Ik begrijp dat dat vervelend is.",
    "Wat bedoelt u precies met te duur?",
    "Zal ik de bestelling voor u vastleggen?",
    "Bedankt voor uw tijd en nog een fijne dag.",
]


def _first_match_plainly(policy, states):
    candidates = policy._by_prev.get(states[-1].prev_action)
    if candidates is None:
        candidates = policy._by_prev.get(ANY, ())
    return next((r for r in candidates if r.matches(states)), None)


def test_rule_candidates_per_state_give_the_same_rule_as_all_candidates():
    engine = get_engine()
    policy = engine.policy
    histories = [[state for state, _, _ in story_trajectory(flow, engine.domain)] for flow in engine.flows]
    for scenario_id in load_scenarios():  # real conversations: every state before an action
        result = session.start(scenario_id, seed=3)
        for text in TURNS:
            if result.finished:
                break
            result = session.step(result.state, text)
        tracker = result.conversation.tracker
        histories.append([state for state, _ in tracker.past] + [tracker.state()])
    checked = 0
    for states in histories:
        for end in range(1, len(states) + 1):
            assert policy._match_rule(states[:end]) is _first_match_plainly(policy, states[:end])
            checked += 1
    assert checked > 100


def test_the_featurised_slots_of_a_tracker_are_those_of_the_domain():
    engine = get_engine()
    tracker = Tracker("x", engine.domain)
    assert list(tracker._featurised) == sorted(engine.domain.featurised_slots())
    assert tracker._featurised_set == frozenset(engine.domain.featurised_slots())


def test_json_copy_copies_every_container_and_turns_tuples_into_lists():
    value = {"a": [1, (2, {"b": [3]})], "c": {"d": None, "e": "x", "f": 1.5, "g": True}}
    copied = json_copy(value)
    assert copied == {"a": [1, [2, {"b": [3]}]], "c": {"d": None, "e": "x", "f": 1.5, "g": True}}
    assert copied["a"] is not value["a"] and copied["a"][1][1] is not value["a"][1][1]
    assert copied["a"][1][1]["b"] is not value["a"][1][1]["b"] and copied["c"] is not value["c"]
