"""The dialog engine: Rasa 3.x domain + rules/stories + rasa_sdk actions, run by rules.

    engine = Engine.load()                      # domain/rasa, stories/, package `actions`
    tracker = engine.new_tracker("abc")
    engine.start_session(tracker, {"scenario": ..., "seed": 7})
    engine.handle_message(tracker, text, parse_data)   # appends user, slot, action, bot events

Loading validates everything and raises ContentErrors (file:line) for broken content,
unknown references and contradicting rules/stories. `get_engine()` caches one engine per
process and content folder.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable

from bot.content import ContentError, ContentErrors
from bot.engine.actions import ENDPOINT_ENV, ActionRunner
from bot.engine.domain import (ACTION_DEFAULT_FALLBACK, ACTION_LISTEN, ACTION_SESSION_START, DEFAULT_INTENTS,
                               REQUESTED_SLOT, SESSION_START_METADATA_SLOT, Domain, load_domain)
from bot.engine.policy import Policy, Prediction
from bot.engine.stories import Flow, load_flows
from bot.engine.tracker import Tracker, action_event, event, slot_event
from bot.paths import content_root, display_path, domain_dir, stories_dir

MAX_ACTIONS_PER_TURN = 10
FALLBACK_ENV = "OEFENGESPREK_FALLBACK_ACTION"


def _default_nlu():
    from bot.nlu import analyse
    return analyse


class Engine:
    def __init__(self, domain: Domain, flows: list[Flow], *, actions_package: str | None = "actions",
                 nlu: Callable | None = None, fallback_action: str | None = None, endpoint: str | None = None,
                 clock: Callable[[], float] | None = None, max_history: int = 5,
                 max_actions: int = MAX_ACTIONS_PER_TURN) -> None:
        self.domain = domain
        self.flows = flows
        self.max_actions = max_actions
        self._nlu = nlu
        self.runner = ActionRunner(domain, actions_package, endpoint, clock)
        self.clock = clock
        self.fallback_action = os.environ.get(FALLBACK_ENV) or fallback_action or ACTION_DEFAULT_FALLBACK
        self.policy = Policy(domain, self.fallback_action, max_history)
        errors = check_references(domain, flows, self.fallback_action, self.runner)
        if not errors:
            errors = self.policy.train(flows)
        if errors:
            raise ContentErrors(errors)

    @classmethod
    def load(cls, domain_path: Path | None = None, story_paths: list[Path] | None = None,
             config_path: Path | None = None, **kwargs) -> "Engine":
        errors: list[ContentError] = []
        domain = flows = None
        try:
            for key, value in read_config(config_path or content_root() / "config.yml").items():
                kwargs.setdefault(key, value)
        except ContentErrors as exc:
            errors.extend(exc.errors)
        try:
            domain = load_domain(Path(domain_path) if domain_path else domain_dir() / "rasa")
        except ContentErrors as exc:
            errors.extend(exc.errors)
        try:
            flows = load_flows([Path(p) for p in story_paths] if story_paths else [stories_dir()])
        except ContentErrors as exc:
            errors.extend(exc.errors)
        if errors:
            raise ContentErrors(errors)
        return cls(domain, flows, **kwargs)

    @property
    def nlu(self) -> Callable:
        if self._nlu is None:
            self._nlu = _default_nlu()
        return self._nlu

    # conversation --------------------------------------------------------------------
    def new_tracker(self, sender_id: str = "default", events: list[dict] | None = None) -> Tracker:
        return Tracker(sender_id, self.domain, events)

    def start_session(self, tracker: Tracker, metadata: dict[str, Any] | None = None) -> list[dict]:
        """Run action_session_start (default or the custom one); metadata reaches it as the
        slot `session_started_metadata` and, for the default action, the session_started event.

        The session starts before the student's first message (as in Rasa when the chat
        widget sends `/session_start`). When the action hands over with a FollowupAction (a
        form that opens the conversation), the actions run on until action_listen, like
        Rasa's prediction loop after `/session_start`; otherwise the session ends with
        action_listen, as Rasa's session start does."""
        begin = len(tracker.events)
        tracker.update(slot_event(SESSION_START_METADATA_SLOT, metadata, self.clock))
        result = self.runner.run(ACTION_SESSION_START, tracker)
        tracker.update_many(result.events)
        if tracker.followup_action:
            self.run_turn(tracker)
        elif tracker.latest_action_name != ACTION_LISTEN or tracker.events[-1].get("event") != "action":
            tracker.update(action_event(ACTION_LISTEN, self.clock))
        return tracker.events[begin:]

    def handle_message(self, tracker: Tracker, text: str, parse_data: dict[str, Any],
                       metadata: dict[str, Any] | None = None) -> list[dict]:
        """Append the user event, extract slots, predict and run actions until action_listen."""
        begin = len(tracker.events)
        user = event("user", self.clock, text=text, parse_data=parse_data, input_channel="oefengesprek")
        if metadata:
            user["metadata"] = metadata
        tracker.update(user)
        tracker.update_many(self.runner.extract_slots(tracker))
        self.run_turn(tracker)
        return tracker.events[begin:]

    def run_turn(self, tracker: Tracker) -> None:
        for _ in range(self.max_actions):
            prediction = self.policy.predict(tracker)
            if prediction.action == ACTION_LISTEN:
                listen = action_event(ACTION_LISTEN, self.clock, policy=prediction.policy)
                if prediction.event_metadata():
                    listen["metadata"] = prediction.event_metadata()
                tracker.update(listen)
                return
            result = self.runner.run(prediction.action, tracker, policy=prediction.policy,
                                     metadata=prediction.event_metadata() or None)
            tracker.update_many(result.events)
            if result.rejected:
                continue
            kinds = {e.get("event") for e in result.events}
            if "restart" in kinds:
                self.start_session(tracker, _last_session_metadata(tracker))
                return
            if "rewind" in kinds:
                return
            if tracker.events[-1].get("event") == "action" and tracker.latest_action_name == ACTION_LISTEN:
                return  # e.g. action_session_start ends with action_listen
        tracker.update(action_event(ACTION_LISTEN, self.clock, policy="MaxActionsPerTurn"))

    def predict(self, tracker: Tracker) -> Prediction:
        return self.policy.predict(tracker)


def read_config(path: Path) -> dict[str, Any]:
    """Policy settings from a Rasa `config.yml` (optional): RulePolicy's
    `core_fallback_action_name` and the memoization policy's `max_history`."""
    from bot.content import line_of, load_yaml
    path = Path(path)
    if not path.exists():
        return {}
    data = load_yaml(path)
    shown = display_path(path)
    out: dict[str, Any] = {}
    policies = (data or {}).get("policies") if isinstance(data, dict) else None
    if policies is None:
        return out
    if not isinstance(policies, list):
        raise ContentErrors.single(shown, line_of(data, "policies"), "policies moet een lijst zijn")
    for i, policy in enumerate(policies):
        if not isinstance(policy, dict) or "name" not in policy:
            raise ContentErrors.single(shown, line_of(policies, i), "een policy heeft een 'name' nodig")
        name = policy["name"]
        if name == "RulePolicy" and policy.get("core_fallback_action_name"):
            out["fallback_action"] = str(policy["core_fallback_action_name"])
        elif name in ("MemoizationPolicy", "AugmentedMemoizationPolicy") and policy.get("max_history"):
            value = policy["max_history"]
            if not isinstance(value, int) or value < 1:
                raise ContentErrors.single(shown, line_of(policy, "max_history"),
                                           "max_history moet een positief geheel getal zijn")
            out["max_history"] = value
    return out


def _last_session_metadata(tracker: Tracker) -> dict | None:
    for e in reversed(tracker.events):
        if e.get("event") == "slot" and e.get("name") == SESSION_START_METADATA_SLOT:
            return e.get("value")
    return None


def check_references(domain: Domain, flows: list[Flow], fallback_action: str,
                     runner: ActionRunner | None = None) -> list[ContentError]:
    """Unknown intents, entities, actions, slots and forms in rules/stories; custom actions
    named in the domain that the actions package does not have; forms without questions."""
    errors: list[ContentError] = []
    intents = set(domain.intents) | set(DEFAULT_INTENTS)
    actions = domain.action_names
    slots = set(domain.slots) | {REQUESTED_SLOT}
    seen: set[tuple] = set()

    def err(path: str, line: int | None, message: str) -> None:
        if (path, line, message) not in seen:
            seen.add((path, line, message))
            errors.append(ContentError(path, line, message))

    for flow in flows:
        what = "regel" if flow.kind == "rule" else "verhaal"
        for step in [*flow.condition, *flow.steps]:
            if step.kind == "user":
                if step.name is None:
                    err(step.path, step.line, f"{what} '{flow.name}': gebruikersstap zonder intent")
                elif step.name not in intents:
                    err(step.path, step.line, f"{what} '{flow.name}': onbekende intent '{step.name}' "
                                              "(niet in het domein)")
                for entity, _ in step.value or ():
                    if entity not in domain.entities:
                        err(step.path, step.line, f"{what} '{flow.name}': onbekende entity '{entity}'")
            elif step.kind == "action" and step.name not in actions:
                err(step.path, step.line, f"{what} '{flow.name}': onbekende actie of response '{step.name}'")
            elif step.kind == "slot" and step.name not in slots:
                err(step.path, step.line, f"{what} '{flow.name}': onbekend slot '{step.name}'")
            elif step.kind == "slot" and step.explicit_value and step.name in domain.slots:
                slot = domain.slots[step.name]
                if slot.type == "categorical" and step.value is not None and \
                        str(step.value).lower() not in [v.lower() for v in slot.values or []]:
                    err(step.path, step.line, f"{what} '{flow.name}': waarde '{step.value}' staat niet in de "
                                              f"values van slot '{step.name}'")
            elif step.kind == "active_loop" and step.name is not None and step.name not in domain.forms:
                err(step.path, step.line, f"{what} '{flow.name}': onbekend formulier '{step.name}'")
    if fallback_action not in actions:
        err("domain/rasa", None, f"de fallback-actie '{fallback_action}' staat niet in het domein")
    if runner is not None and (runner.package or runner.endpoint):
        try:
            known = runner.custom_action_names()
        except SyntaxError as exc:
            err(display_path(Path(exc.filename)) if exc.filename else (runner.package or "actions"), exc.lineno,
                f"het actiepakket kan niet geladen worden: {exc.msg}")
            known = None
        except Exception as exc:  # noqa: BLE001 - ImportError or a crash while importing the actions
            err(runner.package or "actions", None,
                f"het actiepakket kan niet geladen worden: {type(exc).__name__}: {exc}")
            known = None
        if known is not None:
            for name in domain.actions:
                if name not in known and name not in domain.responses \
                        and name not in (ACTION_SESSION_START, ACTION_DEFAULT_FALLBACK):
                    path, line = domain.location("actions", name)
                    err(path, line, f"actie '{name}' staat in het domein maar bestaat niet in het actiepakket "
                                    f"'{runner.package}'")
    for form_name, form in domain.forms.items():
        for slot in form.required_slots:
            asks = {f"utter_ask_{form_name}_{slot}", f"utter_ask_{slot}"}
            action_asks = {f"action_ask_{form_name}_{slot}", f"action_ask_{slot}"}
            if not (asks & set(domain.responses)) and not (action_asks & set(domain.actions)):
                path, line = domain.location("forms", form_name)
                err(path, line, f"formulier '{form_name}': geen vraag voor slot '{slot}' "
                                f"(maak response utter_ask_{slot})")
    return errors


# --- one engine per process -------------------------------------------------------------------

_cache: dict[tuple, Engine] = {}
_cache_lock = threading.Lock()


def get_engine() -> Engine:
    """The engine for the current content folder, loaded once per process."""
    key = (os.environ.get("OEFENGESPREK_CONTENT_DIR"), os.getcwd() if os.environ.get("OEFENGESPREK_CONTENT_DIR") else "",
           os.environ.get(ENDPOINT_ENV), os.environ.get(FALLBACK_ENV))
    engine = _cache.get(key)
    if engine is None:
        with _cache_lock:
            engine = _cache.get(key)
            if engine is None:
                engine = Engine.load()
                _cache[key] = engine
    return engine


def clear_cache() -> None:
    _cache.clear()
