"""The persona's state as read from and written back to the tracker slots (contracts §3).

`Conversation` wraps one action run: it reads the slots once, lets the logic change
them, and returns only the slots that changed (as SlotSet events).

Copying: the slot values the action receives stay untouched. Every setter below puts a
new value in place (a new list, a new dict), so a shallow copy of the slots is enough; the
one value the persona logic changes in place, its memory (`persona_toestand`), is copied
deeply once. Defaults (`INITIAL_SLOTS`, `new_memory`) are copied or built fresh for every
conversation, so nothing is shared between conversations.
"""

from __future__ import annotations

import copy
from typing import Any

from rasa_sdk.events import SlotSet

from bot.scenarios import get_scenario
from bot.scenarios.models import LEVELS, Scenario
from bot.vocabulary import ONGOING, OUTCOME_SLOT, TURN_SLOT

CONTRACT_SLOTS = (
    "scenario",
    "difficulty",
    "seed",
    "mode",
    "interesse",
    "irritatie",
    "vertrouwen",
    "open_bezwaren",
    "opgeloste_bezwaren",
    "gegeven_signalen",
    "gemiste_signalen",
    "afspraken",
    "korting_gegeven",
    "korting_binnen_marge",
    "concessie_bij_eerste_bezwaar",
    "offerte_controle",
    "briefing",
    OUTCOME_SLOT,
    TURN_SLOT,
    "misverstanden",
    "gesprek_beeindigd",
    "feitfouten",
    "concessies",
)
MEMORY_SLOT = "persona_toestand"

INITIAL_SLOTS: dict[str, Any] = {
    "open_bezwaren": [],
    "opgeloste_bezwaren": [],
    "gegeven_signalen": [],
    "gemiste_signalen": [],
    "afspraken": {},
    "korting_gegeven": 0.0,
    "korting_binnen_marge": True,
    "concessie_bij_eerste_bezwaar": False,
    "offerte_controle": None,
    OUTCOME_SLOT: ONGOING,
    TURN_SLOT: 0.0,
    "misverstanden": 0.0,
    "gesprek_beeindigd": False,
    "feitfouten": [],
    "concessies": [],
}


def new_memory() -> dict[str, Any]:
    return {
        "needs": [],  # hidden needs the persona has told
        "needs_hit": [],  # needs the student tied a benefit to
        "raised": [],  # objections raised so far (ever)
        "progress": {},  # objection id -> steps done
        "explored": {},  # objection id -> the student explored it before conceding
        "active": None,  # the objection the persona is talking about
        "signal_rules": [],  # signal rules given
        "answers": [],  # answers given
        "used": {},  # line key -> variation indices used
        "last_signals": [],  # labels of the persona's last utterance
        "price_objections": 0,  # how often a price objection was raised
        "closes": 0,
        "informeel": 0,
        "ended": False,
        "quote": {},  # amounts the student stated for the quotation, by kind
        "said": [],  # fingerprints of the lines said (actions/persona/texts.py): never twice
        "asked": None,  # topic id of the question the persona asked last (scenario `topics`)
        "topics": [],  # topic ids the student answered
        "recent_products": [],  # catalogue products the previous student message named
        "addressed": [],  # topic ids a student message was about (answered before she asks)
        "stalled": 0,  # consecutive student turns without progress
        "progress_mark": [],  # what the conversation had reached after the previous turn
    }


_ATOMS = frozenset({str, int, float, bool, type(None)})
_MEMORY_KEYS = frozenset(new_memory())


def copy_value(value: Any) -> Any:
    """A deep copy of slot data: dicts, lists and tuples are rebuilt, strings, numbers,
    booleans and None are shared (immutable); anything else goes through copy.deepcopy.
    Several times faster than copy.deepcopy on JSON-like data."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _ATOMS else copy_value(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMS else copy_value(v) for v in value]
    if kind in _ATOMS:
        return value
    if kind is tuple:
        return tuple(v if type(v) in _ATOMS else copy_value(v) for v in value)
    return copy.deepcopy(value)


class Conversation:
    """Slots of one tracker, with change tracking.

    The slot values are never changed in place: `set`, `apply`, `add_to`, `remove_from` and
    `agree` all store a new value. Only `memory` is changed in place, and it is a private
    deep copy. So `_before` can keep the values as they came in, and `slots` is a shallow copy.
    """

    def __init__(self, slots: dict[str, Any]):
        self._before = dict(slots)
        self.slots = dict(slots)
        for name, value in INITIAL_SLOTS.items():
            if self.slots.get(name) is None and value is not None:
                self.slots[name] = copy_value(value)
        memory = self.slots.get(MEMORY_SLOT)
        self.memory: dict[str, Any] = copy_value(memory) if isinstance(memory, dict) else new_memory()
        if not _MEMORY_KEYS <= self.memory.keys():  # an older memory: add the missing parts
            for key, value in new_memory().items():
                self.memory.setdefault(key, value)
        self.slots[MEMORY_SLOT] = self.memory
        self.sc: Scenario = get_scenario(str(self.slots.get("scenario")))
        level = self.slots.get("difficulty")
        self.level_name: str = level if level in LEVELS and level in self.sc.levels else self.sc.default_level
        self.level = self.sc.level(self.level_name)
        seed = self.slots.get("seed")
        self.seed = int(seed) if isinstance(seed, (int, float)) else 0

    # ----- numbers -------------------------------------------------------------------

    def get(self, name: str, default: float = 0.0) -> float:
        value = self.slots.get(name)
        return float(value) if isinstance(value, (int, float)) else default

    def set(self, name: str, value: Any) -> None:
        self.slots[name] = value

    @property
    def turn(self) -> int:
        return int(self.get(TURN_SLOT))

    def apply(self, effect: str, scale: float = 1.0) -> None:
        """Apply a named effect (a move or event from `effects`) with the level multipliers."""
        deltas = self.sc.effects.get(effect) or {}
        for var, delta in deltas.items():
            bad = delta > 0 if var == "irritatie" else delta < 0
            factor = self.level.negative if bad else self.level.positive
            value = self.get(var) + delta * factor * scale
            self.slots[var] = round(min(1.0, max(0.0, value)), 4)

    # ----- lists ---------------------------------------------------------------------

    def add_to(self, name: str, value: Any) -> None:
        items = list(self.slots.get(name) or [])
        if value not in items:
            items.append(value)
        self.slots[name] = items

    def remove_from(self, name: str, value: Any) -> None:
        self.slots[name] = [v for v in (self.slots.get(name) or []) if v != value]

    def open_objections(self) -> list[str]:
        return list(self.slots.get("open_bezwaren") or [])

    def resolved_objections(self) -> list[str]:
        return list(self.slots.get("opgeloste_bezwaren") or [])

    def settled(self, objection_id: str) -> bool:
        """Resolved, or answered by the student before the persona could raise it."""
        return objection_id in self.resolved_objections() or objection_id in (self.memory.get("preempted") or [])

    def agree(self, **terms: Any) -> None:
        agreed = dict(self.slots.get("afspraken") or {})
        agreed.update({k: v for k, v in terms.items() if v is not None})
        self.slots["afspraken"] = agreed

    # ----- output --------------------------------------------------------------------

    def events(self) -> list[dict[str, Any]]:
        out = []
        for name, value in self.slots.items():
            if name in self._before and self._before[name] == value:
                continue
            if name not in self._before and value is None:
                continue
            out.append(SlotSet(name, value))
        return out
