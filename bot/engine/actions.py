"""Running actions: built-in ones, responses, forms and custom rasa_sdk actions.

Custom actions run in-process through `rasa_sdk.executor.ActionExecutor` (the `actions`
package is registered once per process) with the same webhook payload Rasa sends to an
action server; or, when `OEFENGESPREK_ACTION_ENDPOINT` is set, over HTTP to a real
`python -m rasa_sdk` server. Either way the result is a list of Rasa events: the
`action` event, `bot` events for the responses, then the action's own events (Rasa's
order), or a single `action_execution_rejected` event.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import pkgutil
import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.utils import all_subclasses
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from rasa_sdk.version import __version__ as RASA_SDK_VERSION

from bot.engine.domain import (ACTION_BACK, ACTION_DEACTIVATE_LOOP, ACTION_DEFAULT_FALLBACK,
                               ACTION_EXTRACT_SLOTS, ACTION_LISTEN, ACTION_RESTART, ACTION_SESSION_START,
                               ACTION_VALIDATE_SLOT_MAPPINGS, REQUESTED_SLOT, SESSION_START_METADATA_SLOT,
                               Domain, fill_template)
from bot.engine.errors import ActionFailed
from bot.engine.tracker import Tracker, action_event, event, json_copy, slot_event

# rasa_sdk logs routine notes ("Skipping validation ...") as warnings; without a handler
# Python would print them on stderr of every CLI command. The app's own logging still sees them.
logging.getLogger("rasa_sdk").addHandler(logging.NullHandler())

ENDPOINT_ENV = "OEFENGESPREK_ACTION_ENDPOINT"
_STANDARD_MESSAGE_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}
_METADATA_KEYS = ("speaker", "labels", "reason")  # contracts §2: copied into the bot event metadata

_executors: dict[str, ActionExecutor] = {}
_executor_lock = threading.Lock()


def executor_for(package: str) -> ActionExecutor:
    """One ActionExecutor per actions package per process (importing is the slow part)."""
    with _executor_lock:
        ex = _executors.get(package)
        if ex is None:
            ex = ActionExecutor()
            _import_package(package)  # ImportError surfaces here, not as sys.exit
            # Only this package's actions: ActionExecutor.register_package would take every
            # Action subclass loaded in the process (another package's action_session_start too).
            for cls in all_subclasses(Action):
                module = cls.__module__
                if (module == package or module.startswith(package + ".")) and not inspect.isabstract(cls):
                    ex.register_action(cls)
            _executors[package] = ex
        return ex


def _import_package(package: str) -> None:
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=package + "."):
        importlib.import_module(info.name)


_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def _run_coroutine(make: Callable[[], Any]) -> Any:
    """Run an executor coroutine. Most actions never await anything real, so a single
    `send(None)` finishes them without any event loop (microseconds, and safe inside a
    running loop such as FastAPI's). An action that truly awaits (or asks for the running
    loop) is run again from the start on a private background loop; its first, unfinished
    attempt produced nothing (a fresh dispatcher per run)."""
    coro = make()
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    except RuntimeError as exc:  # it asked for the running loop (asyncio.sleep, a client call)
        if "event loop" not in str(exc):
            raise
    else:
        coro.close()
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="oefengesprek-actions", daemon=True).start()
    return asyncio.run_coroutine_threadsafe(make(), _loop).result()


@dataclass
class ActionResult:
    events: list[dict]
    rejected: bool = False


class ActionRunner:
    def __init__(self, domain: Domain, package: str | None = "actions", endpoint: str | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.domain = domain
        self.package = package
        self.endpoint = endpoint if endpoint is not None else os.environ.get(ENDPOINT_ENV) or None
        self.clock = clock
        self._http = None
        self._custom_names: set[str] | None = None
        self._mapped: list[tuple[str, Any, list, set[str]]] | None = None

    # custom actions ----------------------------------------------------------------
    def custom_action_names(self) -> set[str]:
        if self._custom_names is None:
            if self.endpoint:
                try:
                    url = self.endpoint.rsplit("/webhook", 1)[0] + "/actions"
                    self._custom_names = {a["name"] for a in self._client().get(url).json()}
                except Exception:  # noqa: BLE001 - server may not list; domain decides then
                    self._custom_names = set(self.domain.actions)
            elif self.package:
                self._custom_names = set(executor_for(self.package).actions)
            else:
                self._custom_names = set()
        return self._custom_names

    def has_custom(self, name: str) -> bool:
        return name in self.custom_action_names()

    def _client(self):
        if self._http is None:
            import httpx
            self._http = httpx.Client(timeout=10.0)
        return self._http

    def call_custom(self, name: str, tracker: Tracker) -> dict | None:
        """The webhook call; returns {"events", "responses"} or None when rejected."""
        payload = {
            "next_action": name,
            "sender_id": tracker.sender_id,
            "tracker": tracker.current_state(),
            "domain": self.domain.as_dict(),
            "version": RASA_SDK_VERSION,
        }
        if self.endpoint:
            import httpx
            try:
                response = self._client().post(self.endpoint, json=payload)
            except httpx.HTTPError as exc:
                raise ActionFailed(name, f"de actieserver {self.endpoint} is niet bereikbaar ({exc})") from exc
            if response.status_code == 400:
                try:
                    rejected = "action_name" in (response.json() or {})
                except ValueError:
                    rejected = False
                if rejected:
                    return None
            if response.status_code != 200:
                raise ActionFailed(name, f"actieserver gaf status {response.status_code}: {response.text[:300]}")
            return response.json() or {"events": [], "responses": []}
        executor = executor_for(self.package)
        try:
            result = _run_coroutine(lambda: executor.run(payload))
        except ActionExecutionRejection:
            return None
        except ActionNotFoundException as exc:
            raise ActionFailed(name, f"actie '{name}' bestaat niet in het pakket '{self.package}'") from exc
        except Exception as exc:  # noqa: BLE001 - an action bug must not lose the conversation
            raise ActionFailed(name, f"actie '{name}' gaf een fout: {exc!r}") from exc
        if result is None:
            return {"events": [], "responses": []}
        return {"events": json_copy(result.events), "responses": json_copy(result.responses)}

    # responses ----------------------------------------------------------------------
    def _rng(self, tracker: Tracker, name: str, salt: int = 0) -> random.Random:
        seed = tracker.slots.get("seed")
        if seed is None:
            seed = (tracker.slots.get(SESSION_START_METADATA_SLOT) or {}).get("seed", 0)
        try:
            seed = int(float(seed))
        except (TypeError, ValueError):
            seed = str(seed)
        return random.Random(f"{seed}:{len(tracker.events)}:{name}:{salt}")

    def render(self, name: str, tracker: Tracker, values: dict | None = None, *, utter_action: str | None = None,
               extra_metadata: dict | None = None, salt: int = 0) -> dict | None:
        """A `bot` event for response `name` (seeded choice among matching variations)."""
        variations = self.domain.matching_variations(name, tracker.slots)
        if not variations:
            return None
        variation = variations[0] if len(variations) == 1 else self._rng(tracker, name, salt).choice(variations)
        fill = {**tracker.slots, **(values or {})}
        extra = dict(variation.model_extra or {})
        text = fill_template(variation.text, fill) if variation.text is not None else None
        metadata = {"utter_action": utter_action or name, **dict(extra.pop("metadata", None) or {})}
        for key in _METADATA_KEYS:
            if key in extra:
                metadata[key] = extra.pop(key)
        metadata.update(extra_metadata or {})
        data = {"elements": None, "quick_replies": None, "buttons": extra.pop("buttons", None),
                "attachment": extra.pop("attachment", None), "image": extra.pop("image", None),
                "custom": extra.pop("custom", None)}
        return event("bot", self.clock, text=text, data=data, metadata=metadata)

    def _bot_from_message(self, message: dict, tracker: Tracker, action: str, index: int = 0) -> dict | None:
        kwargs = {k: v for k, v in message.items() if k not in _STANDARD_MESSAGE_KEYS}
        meta = {k: kwargs[k] for k in _METADATA_KEYS if k in kwargs}
        name = message.get("response") or message.get("template")
        if name:
            bot = self.render(name, tracker, kwargs, utter_action=name, extra_metadata=meta, salt=index)
            if bot is None:
                raise ActionFailed(action, f"actie '{action}' gebruikt onbekende response '{name}'")
            if message.get("text"):
                bot["text"] = message["text"]
            return bot
        data = {"elements": message.get("elements") or None, "quick_replies": None,
                "buttons": message.get("buttons") or None, "attachment": message.get("attachment"),
                "image": message.get("image"), "custom": message.get("custom") or None}
        return event("bot", self.clock, text=message.get("text"), data=data, metadata=meta)

    # running one action ---------------------------------------------------------------
    def run(self, name: str, tracker: Tracker, *, policy: str | None = None, metadata: dict | None = None
            ) -> ActionResult:
        """Run action `name` on (a view of) `tracker`; return the events to append."""
        head = action_event(name, self.clock, policy=policy)
        if metadata:
            head["metadata"] = metadata
        if name == ACTION_LISTEN:
            return ActionResult([head])
        if name in self.domain.forms and not self.has_custom(name):
            return self._run_form(name, tracker, head)
        overridden = name in self.domain.actions and name != ACTION_EXTRACT_SLOTS and self.has_custom(name)
        if name in _BUILTINS and not overridden:
            return ActionResult([head] + _BUILTINS[name](self, tracker))
        if name.startswith("utter_") and name in self.domain.responses and not self.has_custom(name):
            bot = self.render(name, tracker)
            return ActionResult([head] + ([bot] if bot else []))
        return self._run_custom(name, tracker, head)

    def _run_custom(self, name: str, tracker: Tracker, head: dict) -> ActionResult:
        result = self.call_custom(name, tracker)
        if result is None:
            return ActionResult([event("action_execution_rejected", self.clock, name=name, policy=head.get("policy"),
                                       confidence=1.0)], rejected=True)
        bots = []
        for index, message in enumerate(result.get("responses") or []):
            # templating reads the slots as they were when the action ran, like Rasa
            bot = self._bot_from_message(message, tracker, name, index)
            if bot is not None:
                bots.append(bot)
        events = [_stamp(e, self.clock) for e in result.get("events") or []]
        return ActionResult([head] + bots + events)

    # forms --------------------------------------------------------------------------------
    def _run_form(self, name: str, tracker: Tracker, head: dict) -> ActionResult:
        """Rasa's FormAction: activate, validate (custom `validate_<form>`), ask the next slot."""
        form = self.domain.forms[name]
        out: list[dict] = [head]
        view = _View(tracker)
        if tracker.active_loop != name:
            out.append(event("active_loop", self.clock, name=name))
            view.add(out[-1])
            out.extend(view.add_all(self._trigger_intent_slots(name, view.tracker)))
        elif tracker.latest_action_name == ACTION_LISTEN:
            # Rasa validates (and may reject) only straight after user input; back from an
            # unhappy path (a rule ran another action first) the form just asks again
            requested = tracker.slots.get(REQUESTED_SLOT)
            filled = {e.get("name") for e in tracker.events_since_last_user() if e.get("event") == "slot"}
            if requested and requested not in filled and not (filled & set(form.required_slots)):
                return ActionResult([event("action_execution_rejected", self.clock, name=name,
                                           policy=head.get("policy"), confidence=1.0)], rejected=True)
        validator = f"validate_{name}"
        explicit_request = False
        validate_now = tracker.active_loop != name or tracker.latest_action_name == ACTION_LISTEN
        if validate_now and (validator in self.domain.actions or self.has_custom(validator)):
            result = self.call_custom(validator, view.tracker)
            if result is None:
                return ActionResult([event("action_execution_rejected", self.clock, name=name,
                                           policy=head.get("policy"), confidence=1.0)], rejected=True)
            for message in result.get("responses") or []:
                bot = self._bot_from_message(message, view.tracker, validator)
                if bot:
                    out.append(view.add(bot))
            for e in result.get("events") or []:
                e = _stamp(e, self.clock)
                if e.get("event") == "slot" and e.get("name") == REQUESTED_SLOT:
                    explicit_request = True
                out.append(view.add(e))
        if view.tracker.active_loop != name:  # the validator deactivated the loop
            return ActionResult(out)
        if explicit_request:
            next_slot = view.tracker.slots.get(REQUESTED_SLOT)
        else:
            next_slot = next((s for s in form.required_slots if view.tracker.slots.get(s) is None), None)
        if next_slot is None:
            out.append(view.add(event("active_loop", self.clock, name=None)))
            out.append(view.add(slot_event(REQUESTED_SLOT, None, self.clock)))
            return ActionResult(out)
        if not explicit_request:
            out.append(view.add(slot_event(REQUESTED_SLOT, next_slot, self.clock)))
        out.extend(self._ask(name, next_slot, view))
        return ActionResult(out)

    def _ask(self, form: str, slot: str, view: "_View") -> list[dict]:
        for response in (f"utter_ask_{form}_{slot}", f"utter_ask_{slot}"):
            if response in self.domain.responses:
                bot = self.render(response, view.tracker)
                return [view.add(bot)] if bot else []
        for action in (f"action_ask_{form}_{slot}", f"action_ask_{slot}"):
            if self.has_custom(action):
                result = self.call_custom(action, view.tracker) or {}
                out = []
                for message in result.get("responses") or []:
                    bot = self._bot_from_message(message, view.tracker, action)
                    if bot:
                        out.append(view.add(bot))
                out.extend(view.add(_stamp(e, self.clock)) for e in result.get("events") or [])
                return out
        raise ActionFailed(form, f"formulier '{form}' heeft geen vraag voor slot '{slot}' "
                                 f"(utter_ask_{slot} of action_ask_{slot})")

    def _trigger_intent_slots(self, form: str, tracker: Tracker) -> list[dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        out = []
        for slot_name in self.domain.forms[form].required_slots:
            for m in self.domain.slots[slot_name].mappings:
                if m.type == "from_trigger_intent" and _intent_ok(m, intent):
                    out.append(slot_event(slot_name, m.value, self.clock))
                    break
        return out

    # slot mappings (action_extract_slots) ---------------------------------------------------
    def _mapped_slots(self) -> list[tuple[str, Any, list, set[str]]]:
        """(name, slot, mappings that extract from a message, ignored intents) for every slot
        with such a mapping, in domain order; `custom` and `from_trigger_intent` mappings are
        not run here. Computed once: the domain does not change after loading."""
        mapped = self._mapped
        if mapped is None:
            mapped = []  # built whole before it is shared: another thread may ask meanwhile
            for name, slot in self.domain.slots.items():
                mappings = [m for m in slot.mappings if m.type not in ("custom", "from_trigger_intent")]
                if mappings:
                    mapped.append((name, slot, mappings, self.domain.ignored_intents_for(name)))
            self._mapped = mapped
        return mapped

    def extract_slots(self, tracker: Tracker) -> list[dict]:
        """Slot events from the domain's mappings for the latest user message (Rasa 3)."""
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        entities = message.get("entities") or []
        loop = tracker.active_loop
        requested = tracker.slots.get(REQUESTED_SLOT)
        out = []
        for name, slot, mappings, ignored in self._mapped_slots():
            if intent in ignored:
                continue
            for m in mappings:
                if m.conditions:
                    if not any(c.active_loop == loop and (c.requested_slot is None or c.requested_slot == requested)
                               for c in m.conditions):
                        continue
                elif m.type in ("from_text", "from_intent") and loop and requested != name:
                    continue  # while a form asks for another slot, free text is not this slot's value
                if not _intent_ok(m, intent):
                    continue
                value, found = None, False
                if m.type == "from_entity":
                    values = [e.get("value") for e in entities if e.get("entity") == m.entity
                              and (m.role is None or e.get("role") == m.role)
                              and (m.group is None or e.get("group") == m.group)]
                    if values:
                        value, found = (values if slot.type == "list" else values[0]), True
                elif m.type == "from_text":
                    value, found = message.get("text"), message.get("text") is not None
                elif m.type == "from_intent":
                    value, found = m.value, True
                if found:
                    if value != tracker.slots.get(name) or (loop and requested == name):
                        out.append(slot_event(name, value, self.clock))
                    break
        if self.has_custom(ACTION_VALIDATE_SLOT_MAPPINGS):
            view = _View(tracker)
            view.add_all(out)
            result = self.call_custom(ACTION_VALIDATE_SLOT_MAPPINGS, view.tracker) or {}
            out.extend(_stamp(e, self.clock) for e in result.get("events") or [])
        return out


def _intent_ok(m, intent: str | None) -> bool:
    wanted = m.intents("intent")
    if wanted and intent not in wanted:
        return False
    return intent not in m.intents("not_intent")


def _stamp(e: dict, clock) -> dict:
    """Give an action's event a timestamp when it has none. The events come from
    call_custom, which returns fresh dicts (a JSON copy, or the parsed HTTP body), so a
    plain dict is stamped in place."""
    if type(e) is not dict:
        e = dict(e)
    if e.get("timestamp") is None:
        e["timestamp"] = (clock or time.time)()
    return e


class _View:
    """The tracker as an action sees it while the action is still producing events."""

    def __init__(self, tracker: Tracker) -> None:
        self.base = tracker
        self._tracker: Tracker | None = None
        self.pending: list[dict] = []

    @property
    def tracker(self) -> Tracker:
        if self._tracker is None:
            self._tracker = self.base.copy()
        return self._tracker

    def add(self, e: dict) -> dict:
        self.tracker.update(e)
        return e

    def add_all(self, events: list[dict]) -> list[dict]:
        for e in events:
            self.add(e)
        return events


# --- built-in actions -----------------------------------------------------------------------

def _utter_if(runner: ActionRunner, tracker: Tracker, name: str) -> list[dict]:
    if name in runner.domain.responses:
        bot = runner.render(name, tracker)
        return [bot] if bot else []
    return []


def _session_start(runner: ActionRunner, tracker: Tracker) -> list[dict]:
    metadata = tracker.slots.get(SESSION_START_METADATA_SLOT)
    out = [event("session_started", runner.clock, metadata=metadata)]
    if runner.domain.session_config.carry_over_slots_to_new_session:
        for name, value in tracker.slots.items():
            if name not in (REQUESTED_SLOT, SESSION_START_METADATA_SLOT) and value is not None \
                    and value != runner.domain.initial_slots().get(name):
                out.append(slot_event(name, value, runner.clock))
    if metadata is not None:
        out.append(slot_event(SESSION_START_METADATA_SLOT, metadata, runner.clock))
    out.append(action_event(ACTION_LISTEN, runner.clock))
    return out


def _restart(runner, tracker):
    return _utter_if(runner, tracker, "utter_restart") + [event("restart", runner.clock)]


def _fallback(runner, tracker):
    return _utter_if(runner, tracker, "utter_default") + [event("rewind", runner.clock)]


def _deactivate(runner, tracker):
    return [event("active_loop", runner.clock, name=None), slot_event(REQUESTED_SLOT, None, runner.clock)]


def _back(runner, tracker):
    return _utter_if(runner, tracker, "utter_back") + [event("rewind", runner.clock), event("rewind", runner.clock)]


def _extract(runner, tracker):
    return runner.extract_slots(tracker)


_BUILTINS: dict[str, Callable[[ActionRunner, Tracker], list[dict]]] = {
    ACTION_SESSION_START: _session_start,
    ACTION_RESTART: _restart,
    ACTION_DEFAULT_FALLBACK: _fallback,
    ACTION_DEACTIVATE_LOOP: _deactivate,
    ACTION_BACK: _back,
    ACTION_EXTRACT_SLOTS: _extract,
}
