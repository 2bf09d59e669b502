"""Helpers for the action tests: run our actions through rasa_sdk's ActionExecutor with a
hand-built tracker (the webhook payload Rasa would send), and build parse_data by hand.

No tests here; the other test_actions*.py modules import it.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]

_EXECUTOR: ActionExecutor | None = None


# A good discovery in 2.3 (printer), student line + its moves: greeting, open question, probe,
# summary, then two benefits; the customer gives a buying signal somewhere in the benefits.
PRINTER_DISCOVERY = [
    ("Goedemorgen mevrouw De Vries, u spreekt met Sanne van Kantoorgemak.", ["begroeting"]),
    ("Waar gebruikt u de printer vooral voor?", ["open_vraag"]),
    ("Kunt u daar wat meer over vertellen?", ["doorvragen"]),
    ("Als ik u goed begrijp, zoekt u een zuinige printer die ook kan scannen.", ["samenvatten"]),
    ("De MF 450 scant meteen naar de mail, zo krijgt uw boekhouder alles digitaal.", ["voordeel_benoemen"]),
    ("Met de XL-toner betaalt u maar twee cent per pagina, zo bespaart u flink op toner.", ["voordeel_benoemen"]),
]


def executor() -> ActionExecutor:
    """rasa_sdk's executor with our package. register_package() registers every Action
    subclass imported in the process (other tests import fixture actions with the same
    names), so ours are registered again last and win; abstract bases (actions.common.
    PersonaAction) are skipped, as register_package does."""
    global _EXECUTOR
    if _EXECUTOR is None:
        from rasa_sdk import utils
        from rasa_sdk.interfaces import Action

        _EXECUTOR = ActionExecutor()
        _EXECUTOR.register_package("actions")
        for cls in utils.all_subclasses(Action):
            if cls.__module__.startswith("actions.") and not inspect.isabstract(cls):
                _EXECUTOR.register_action(cls)
    return _EXECUTOR


def rasa_domain() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted((ROOT / "domain" / "rasa").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if key == "version":
                continue
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            else:
                merged[key] = value
    return merged


def entity(name: str, value: Any, text: str, start: int = 0) -> dict[str, Any]:
    return {"entity": name, "value": value, "text": text, "start": start, "end": start + len(text)}


def parse(text: str, labels: list[str] | tuple[str, ...] = (), intent: str | None = None,
          entities: list[dict] | None = None, reaction: dict | None = None) -> dict[str, Any]:
    """parse_data as Analysis.to_parse_data() gives it (contracts §1)."""
    labels = list(labels)
    intent = intent or (labels[0] if labels else "nlu_fallback")
    ents = []
    for e in entities or []:
        e = dict(e)
        if "start" not in e or e.get("start") is None:
            i = text.find(e["text"])
            e["start"] = max(i, 0)
        e["end"] = e["start"] + len(e["text"])
        ents.append(e)
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": ents,
        "labels": labels,
        "evidence": [],
        "reaction": reaction,
        "previous_signals": [],
    }


def reaction(verdict: str, signal: str) -> dict[str, Any]:
    return {"verdict": verdict, "reason": "test", "competencies": [], "signal": signal, "rule": "test"}


class Chat:
    """A conversation driven directly through the ActionExecutor."""

    def __init__(self, scenario: str, difficulty: str = "gemiddeld", seed: int = 1, **metadata: Any):
        self.domain = rasa_domain()
        self.slots: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []
        self.latest: dict[str, Any] = {}
        self.messages: list[dict[str, Any]] = []
        meta = {"scenario": scenario, "difficulty": difficulty, "seed": seed, "mode": "oefenen", **metadata}
        self.events.append({"event": "session_started", "metadata": meta})
        self.opening = self.run("action_session_start")

    def tracker(self) -> dict[str, Any]:
        return {
            "sender_id": "test",
            "slots": copy.deepcopy(self.slots),
            "latest_message": copy.deepcopy(self.latest),
            "events": copy.deepcopy(self.events),
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }

    def run(self, action: str) -> list[dict[str, Any]]:
        call = {"next_action": action, "tracker": self.tracker(), "domain": self.domain}
        result = asyncio.run(executor().run(call))
        for event in result.events:
            self.events.append(event)
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.messages.extend(result.responses)
        return result.responses

    def say(self, text: str, labels=(), action: str | None = None, **kwargs) -> dict[str, Any]:
        """One student turn; returns the persona's (single) response dict."""
        self.latest = parse(text, labels, **kwargs)
        self.events.append({"event": "user", "text": text, "parse_data": self.latest})
        intent = self.latest["intent"]["name"]
        if action is None:
            action = {"afscheid": "action_gesprek_afronden", "nlu_fallback": "action_verduidelijken"}.get(
                intent, "action_persona_reageren"
            )
        responses = self.run(action)
        return responses[-1] if responses else {}

    def slot(self, name: str) -> Any:
        return self.slots.get(name)


def goodbye_ends(sc_id: str, key: str = "goodbye_good") -> tuple[str, ...]:
    """How a reply ends with her goodbye after another line: the goodbye's last sentence
    (actions/persona/reply.py, one closing line)."""
    import re

    from bot.scenarios import get_scenario
    from bot.scenarios.models import text_of

    return tuple(re.findall(r"[^.!?]+[.!?]+", text_of(t))[-1].strip() for t in get_scenario(sc_id).lines[key])
