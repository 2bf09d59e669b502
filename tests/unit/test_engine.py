"""The dialog engine on its own fixture content (tests/data/engine_fixtures/) with a keyword parser."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "engine_fixtures"
sys.path.insert(0, str(FIXTURES))

import fixture_nlu  # noqa: E402

from bot.engine.engine import Engine  # noqa: E402
from bot.engine.tracker import Tracker  # noqa: E402

CONTENT = FIXTURES / "content"


def make_engine(**kwargs) -> Engine:
    kwargs.setdefault("actions_package", "engine_fixture_actions")
    kwargs.setdefault("nlu", fixture_nlu.analyse)
    kwargs.setdefault("config_path", CONTENT / "config.yml")  # absent: Rasa defaults
    return Engine.load(CONTENT / "domain" / "rasa", [CONTENT / "stories"], **kwargs)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return make_engine()


def started(engine: Engine, seed: int = 1) -> Tracker:
    tracker = engine.new_tracker("test")
    engine.start_session(tracker, {"seed": seed, "scenario": "fixture"})
    return tracker


def say(engine: Engine, tracker: Tracker, text: str) -> list[dict]:
    return engine.handle_message(tracker, text, engine.nlu(text).to_parse_data())


def actions(events: list[dict]) -> list[str]:
    return [e["name"] for e in events if e["event"] == "action"]


def bot_texts(events: list[dict]) -> list[str]:
    return [e["text"] for e in events if e["event"] == "bot"]


def strip_time(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "timestamp"} for e in events]


# --- session start --------------------------------------------------------------------------

def test_custom_session_start_gets_metadata_and_speaks_first(engine):
    tracker = engine.new_tracker("t")
    new = engine.start_session(tracker, {"seed": 42, "scenario": "fixture"})
    assert actions(new) == ["action_session_start", "action_listen"]
    assert bot_texts(new) == ["Met Jansen van Bakkerij De Korf."]
    assert [e["event"] for e in new][:4] == ["slot", "action", "bot", "session_started"]
    assert tracker.slots["seed"] == 42
    assert tracker.slots["naam"] == "Jansen"
    assert tracker.slots["uitkomst"] == "lopend"  # initial value survives the session reset


def test_default_session_start_when_domain_does_not_list_a_custom_one(tmp_path):
    domain = tmp_path / "domain"
    domain.mkdir()
    text = (CONTENT / "domain" / "rasa" / "domain.yml").read_text(encoding="utf-8")
    (domain / "domain.yml").write_text(text.replace("  - action_session_start\n", ""), encoding="utf-8")
    (domain / "responses.yml").write_text((CONTENT / "domain" / "rasa" / "responses.yml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    eng = Engine.load(domain, [CONTENT / "stories"], config_path=tmp_path / "none.yml",
                      actions_package="engine_fixture_actions", nlu=fixture_nlu.analyse)
    tracker = eng.new_tracker("t")
    new = eng.start_session(tracker, {"seed": 5})
    assert [e["event"] for e in new] == ["slot", "action", "session_started", "slot", "action"]
    assert new[2]["metadata"] == {"seed": 5}
    assert bot_texts(new) == []
    assert tracker.slots["session_started_metadata"] == {"seed": 5}


# --- rules, specificity, memoization, fallback -------------------------------------------------

def test_rule_runs_its_actions_then_listens(engine):
    tracker = started(engine)
    new = say(engine, tracker, "Goedemorgen")
    assert actions(new) == ["utter_groet", "action_fx_reageer", "action_listen"]
    first = [e for e in new if e["event"] == "action"][0]
    assert first["policy"] == "RulePolicy"
    assert first["metadata"]["bron"] == "groet"
    assert first["metadata"]["plaats"].endswith("stories/rules.yml:6")
    bots = [e for e in new if e["event"] == "bot"]
    assert bots[0]["text"].count("Jansen") == 1  # {naam} filled from the slot
    assert bots[0]["metadata"]["speaker"] == "klant" and bots[0]["metadata"]["labels"] == []
    # extra utter_message kwargs of a custom action reach the bot event metadata
    assert bots[1]["metadata"]["speaker"] == "klant"
    assert bots[1]["metadata"]["labels"] == ["interessesignaal"]
    assert tracker.slots["begroet"] is True and tracker.slots["interesse"] == pytest.approx(0.6)


def test_more_specific_rule_wins(engine):
    tracker = started(engine)
    say(engine, tracker, "Goedemorgen")
    new = say(engine, tracker, "goedemorgen nog eens")
    assert actions(new) == ["utter_nogmaals_hallo", "action_listen"]
    # the conditional response variation is chosen because slot begroet is true
    assert bot_texts(new) == ["We hadden elkaar al begroet, hoor."]


def test_story_memoization_predicts_after_matching_history(engine):
    tracker = started(engine)
    say(engine, tracker, "Goedemorgen")
    new = say(engine, tracker, "zullen we het zo doen?")
    assert actions(new) == ["utter_akkoord", "action_listen"]
    assert [e for e in new if e["event"] == "action"][0]["policy"] == "MemoizationPolicy"


def test_no_match_after_user_runs_the_default_fallback(engine):
    tracker = started(engine)
    new = say(engine, tracker, "zullen we het zo doen?")  # no greeting first: the story does not apply
    assert actions(new) == ["action_default_fallback"]
    assert bot_texts(new) == ["Sorry, dat begreep ik niet."]
    assert new[-1]["event"] == "rewind"
    # the reverted message no longer counts: the next greeting behaves as the first turn
    assert actions(say(engine, tracker, "Goedemorgen")) == ["utter_groet", "action_fx_reageer", "action_listen"]


def test_fallback_action_is_configurable(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("policies:\n  - name: MemoizationPolicy\n    max_history: 5\n"
                      "  - name: RulePolicy\n    core_fallback_action_name: action_fx_verduidelijk\n", encoding="utf-8")
    eng = make_engine(config_path=config)
    assert eng.fallback_action == "action_fx_verduidelijk"
    tracker = started(eng)
    new = say(eng, tracker, "iets onbegrijpelijks")
    assert actions(new) == ["action_fx_verduidelijk", "action_listen"]
    assert bot_texts(new) == ["Sorry, dat begreep ik niet."]  # rendered from response=utter_default


def test_rejected_action_falls_back(engine):
    tracker = started(engine)
    new = say(engine, tracker, "weiger dat")
    assert [e["event"] for e in new][:2] == ["user", "action_execution_rejected"]
    assert actions(new) == ["action_default_fallback"]


def test_at_most_ten_actions_per_turn(engine):
    tracker = started(engine)
    new = say(engine, tracker, "lus")
    assert actions(new) == ["action_fx_echo"] * 10 + ["action_listen"]
    assert new[-1]["policy"] == "MaxActionsPerTurn"
    # the pending followup was consumed: the next turn is normal again
    assert actions(say(engine, tracker, "hoe gaat het?")) == ["action_fx_reageer", "action_listen"]


def test_restart_intent_restarts_and_runs_session_start_again(engine):
    tracker = started(engine)
    say(engine, tracker, "Goedemorgen")
    assert tracker.slots["begroet"] is True
    new = say(engine, tracker, "opnieuw")
    assert actions(new)[:2] == ["action_restart", "action_session_start"]
    assert "restart" in [e["event"] for e in new]
    assert tracker.slots["begroet"] is False
    assert tracker.slots["seed"] == 1  # metadata carried into the new session


def test_wait_for_user_input_false_hands_over_to_the_next_rule(engine):
    tracker = started(engine)
    new = say(engine, tracker, "fijne dag")
    assert actions(new) == ["utter_tot_ziens", "action_fx_afronden", "action_listen"]
    sources = [e["metadata"]["bron"] for e in new if e["event"] == "action" and e.get("metadata")]
    assert sources == ["afscheid", "na het afscheid afronden", "na het afscheid afronden"]
    assert tracker.slots["uitkomst"] == "geen_deal"


def test_conversation_start_rule_only_applies_to_the_first_message(engine):
    tracker = started(engine)
    # the longer rule (its own action_listen) beats "na het afscheid afronden"
    assert actions(say(engine, tracker, "stop")) == ["utter_tot_ziens", "action_listen"]
    tracker = started(engine)
    say(engine, tracker, "Goedemorgen")
    assert actions(say(engine, tracker, "stop")) == ["action_default_fallback"]


# --- forms ---------------------------------------------------------------------------------------

def test_form_asks_validates_and_submits(engine):
    tracker = started(engine)
    new = say(engine, tracker, "ik wil bestellen")
    assert actions(new) == ["bestelformulier", "action_listen"]
    assert tracker.active_loop == "bestelformulier"
    assert tracker.slots["requested_slot"] == "product"
    assert bot_texts(new) == ["Welk product bedoelt u?"]

    new = say(engine, tracker, "een printer")
    assert actions(new) == ["bestelformulier", "action_listen"]
    assert tracker.slots["product"] == "printer" and tracker.slots["requested_slot"] == "aantal"

    new = say(engine, tracker, "0")  # custom validate_bestelformulier refuses 0
    assert bot_texts(new) == ["Dat aantal kan niet.", "Hoeveel stuks wilt u?"]
    assert tracker.slots["aantal"] is None and tracker.slots["requested_slot"] == "aantal"

    new = say(engine, tracker, "nul")  # no entity: the form rejects, nothing else applies
    assert [e["event"] for e in new][1] == "action_execution_rejected"
    assert actions(new) == ["action_default_fallback"]
    assert tracker.active_loop == "bestelformulier"

    say(engine, tracker, "5")
    new = say(engine, tracker, "graag voor vrijdag")  # from_text only while requested
    assert actions(new) == ["bestelformulier", "utter_bevestig", "action_fx_afronden", "action_listen"]
    assert tracker.active_loop is None and tracker.slots["requested_slot"] is None
    assert tracker.slots["opmerking"] == "graag voor vrijdag"
    assert bot_texts(new) == ["Prima, dan bestel ik 5.0 stuks printer."]
    assert tracker.slots["uitkomst"] == "order"


def test_entity_mapping_with_condition_only_fills_while_requested(engine):
    tracker = started(engine)
    say(engine, tracker, "hoe gaat het met 12 stuks?")
    assert tracker.slots["aantal"] is None  # aantal maps only while the form asks for it


def test_unhappy_path_rule_returns_to_the_form(engine):
    tracker = started(engine)
    say(engine, tracker, "ik wil bestellen")
    new = say(engine, tracker, "hoe snel kan het?")  # no product: form rejects, the rule answers, form asks again
    assert [e["event"] for e in new][1] == "action_execution_rejected"
    assert actions(new) == ["action_fx_reageer", "bestelformulier", "action_listen"]
    assert bot_texts(new) == ["Interessant, vertelt u eens meer.", "Welk product bedoelt u?"]
    assert tracker.active_loop == "bestelformulier" and tracker.slots["requested_slot"] == "product"
    new = say(engine, tracker, "een printer")
    assert actions(new) == ["bestelformulier", "action_listen"] and tracker.slots["product"] == "printer"


def test_form_ignored_intents_do_not_fill_its_slots(engine):
    tracker = started(engine)
    say(engine, tracker, "hoe werkt die printer?")  # open_vraag is ignored by bestelformulier
    assert tracker.slots["product"] is None
    say(engine, tracker, "goedemorgen, over die printer")  # begroeting: the entity mapping applies
    assert tracker.slots["product"] == "printer"


def test_rule_interrupts_form_after_rejection(engine):
    tracker = started(engine)
    say(engine, tracker, "ik wil bestellen")
    new = say(engine, tracker, "stop maar")
    assert actions(new) == ["action_deactivate_loop", "utter_tot_ziens", "action_listen"]
    assert "action_execution_rejected" in [e["event"] for e in new]
    assert tracker.active_loop is None


# --- determinism and serialisation --------------------------------------------------------------

SCRIPT = ["Goedemorgen", "zullen we het zo doen?", "ik wil bestellen", "een printer", "5", "snel graag"]


def play(engine, seed):
    tracker = started(engine, seed)
    for line in SCRIPT:
        say(engine, tracker, line)
    return tracker


def test_same_seed_same_conversation(engine):
    a, b = play(engine, 7), play(engine, 7)
    assert strip_time(a.events) == strip_time(b.events)


def test_different_seeds_choose_other_variations(engine):
    greetings = set()
    for seed in range(8):
        tracker = started(engine, seed)
        greetings.add(bot_texts(say(engine, tracker, "Goedemorgen"))[0])
    assert len(greetings) > 1


def test_json_state_resumes_exactly(engine):
    straight = play(engine, 3)
    tracker = started(engine, 3)
    for line in SCRIPT:
        data = json.loads(json.dumps(tracker.to_json()))
        tracker = Tracker.from_json(data, engine.domain)
        say(engine, tracker, line)
    assert strip_time(tracker.events) == strip_time(straight.events)
    assert tracker.slots == straight.slots


def test_current_state_is_what_rasa_sdk_reads(engine):
    from rasa_sdk.interfaces import Tracker as SdkTracker

    tracker = started(engine)
    say(engine, tracker, "ik wil bestellen")
    state = tracker.current_state()
    for key in ("sender_id", "slots", "latest_message", "events", "active_loop", "latest_action_name", "paused"):
        assert key in state
    sdk = SdkTracker.from_dict(state)
    assert sdk.get_slot("requested_slot") == "product"
    assert sdk.active_loop.get("name") == "bestelformulier"
    assert sdk.get_intent_of_latest_message() == "bestellen"
    assert sdk.latest_action_name == "action_listen"
    json.dumps(state)  # serialisable like the webhook payload


def test_domain_as_dict_is_what_forms_read(engine):
    d = engine.domain.as_dict()
    assert d["forms"]["bestelformulier"]["required_slots"] == ["product", "aantal", "opmerking"]
    assert d["slots"]["aantal"]["mappings"][0]["entity"] == "aantal"
    assert "requested_slot" in d["slots"]
    assert {"begroeting", "inform"} <= {i if isinstance(i, str) else next(iter(i)) for i in d["intents"]}
    json.dumps(d)


def test_rewind_restores_slots(engine):
    tracker = started(engine)
    tracker.update({"event": "user", "timestamp": 0, "text": "x",
                    "parse_data": {"intent": {"name": "inform"}, "entities": []}})
    tracker.update({"event": "slot", "timestamp": 0, "name": "naam", "value": "Pietersen"})
    assert tracker.slots["naam"] == "Pietersen"
    tracker.update({"event": "rewind", "timestamp": 0})
    assert tracker.slots["naam"] == "Jansen"


def test_an_action_that_really_awaits_runs_also_inside_a_running_event_loop(engine):
    import asyncio

    tracker = started(engine)
    new = say(engine, tracker, "wacht even")
    assert actions(new) == ["action_fx_async", "action_listen"]
    assert bot_texts(new) == ["Even kijken... ja, dat kan."] and tracker.slots["interesse"] == 0.9

    async def inside_a_web_handler():  # FastAPI calls the façade from a running loop
        other = started(engine)
        return say(engine, other, "wacht even")

    assert bot_texts(asyncio.run(inside_a_web_handler())) == ["Even kijken... ja, dat kan."]


def test_rule_with_entities_needs_them_and_use_entities_filters(engine):
    tracker = started(engine)
    assert actions(say(engine, tracker, "12 stuks")) == ["utter_akkoord", "action_listen"]
    # product is not among inform's use_entities: the state has no entity, the rule does not apply
    assert actions(say(engine, tracker, "die printer")) == ["action_default_fallback"]
    probe = Tracker("p", engine.domain)
    probe.update({"event": "user", "timestamp": 0, "text": "12 printers",
                  "parse_data": fixture_nlu.analyse("12 printers").to_parse_data()})
    assert probe.state().intent == "inform" and probe.state().entities == frozenset({"aantal"})


def test_a_crashing_action_raises_action_failed_and_the_given_tracker_stays_usable(engine):
    from bot.engine.errors import ActionFailed

    tracker = started(engine)
    saved = json.loads(json.dumps(tracker.to_json()))
    with pytest.raises(ActionFailed) as exc:
        say(engine, tracker, "dit is kapot")
    assert str(exc.value) == "actie 'action_fx_kapot' gaf een fout: ValueError('deling door nul')"
    resumed = Tracker.from_json(saved, engine.domain)  # what the caller still holds
    assert actions(say(engine, resumed, "Goedemorgen")) == ["utter_groet", "action_fx_reageer", "action_listen"]
