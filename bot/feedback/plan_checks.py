"""Check kind `plan_onderdeel`: what the team leader heard of an activiteitenplan (1.2).

The plan discussion (actions/plan/) keeps its notes in slot `activiteitenplan`
(docs/contracts.md §3): per part of the plan the turn where the student named it
concretely (or only vaguely), per checked figure the last value and whether it fits the
facts, and the pushbacks raised and fixed. A check reads exactly one of:

- `onderdeel: <topic id>` the student covered this part (with `concreet: true`, the
  default: concretely); the evidence is the sentence that did it, or the vague one;
- `cijfers: [<figure id>, ...]` the last value named for each of these figures fits (the
  share that fits is the score); niet van toepassing when none was named;
- `kritiek_verwerkt: true` every pushback of the team leader was fixed (the share fixed);
  niet van toepassing when she had none.

Without the slot (any other scenario) the check is niet van toepassing.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from bot.feedback.checks import NOT_APPLICABLE, CheckBase, Observation, Outcome
from bot.feedback.conversation import Conversation

PLAN_SLOT = "activiteitenplan"


class PlanOnderdeel(CheckBase):
    onderdeel: str | None = None
    concreet: bool = True
    cijfers: list[str] = Field(default_factory=list)
    kritiek_verwerkt: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> "PlanOnderdeel":
        given = [bool(self.onderdeel), bool(self.cijfers), self.kritiek_verwerkt]
        if sum(given) != 1:
            raise ValueError("geef precies één van: onderdeel, cijfers, kritiek_verwerkt")
        return self


def _turn(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _reply_to(conv: Conversation, number: int | None) -> str | None:
    """What the team leader said right after student turn `number` (her pushback)."""
    turn = conv.turn(number) if number is not None else None
    if turn is None:
        return None
    return next((u.text for u in conv.utterances if u.before_turn == turn.position), None)


def _topic(spec: PlanOnderdeel, notes: dict) -> Outcome:
    entry = (notes.get("onderwerpen") or {}).get(spec.onderdeel)
    if not isinstance(entry, dict):
        return Outcome(0.0, (Observation(None, 0.0),))
    if entry.get("concreet") or not spec.concreet:
        return Outcome(1.0, (Observation(_turn(entry.get("turn")) or _turn(entry.get("vaag_turn")), 1.0),))
    return Outcome(0.0, (Observation(_turn(entry.get("vaag_turn")), 0.0),))


def _figures(spec: PlanOnderdeel, notes: dict, conv: Conversation) -> Outcome:
    named = notes.get("cijfers") or {}
    observations = []
    for figure_id in spec.cijfers:
        entry = named.get(figure_id)
        if isinstance(entry, dict):
            ok = 1.0 if entry.get("oordeel") == "ok" else 0.0
            number = _turn(entry.get("turn"))
            observations.append(Observation(number, ok, customer_quote=None if ok else _reply_to(conv, number)))
    if not observations:
        return NOT_APPLICABLE
    return Outcome(sum(o.ok for o in observations) / len(observations), tuple(observations))


def _criticism(notes: dict, conv: Conversation) -> Outcome:
    fixed = [p for p in notes.get("opgelost") or () if isinstance(p, dict)]
    still_open = [p for p in notes.get("problemen") or () if isinstance(p, dict)]
    if not fixed and not still_open:
        return NOT_APPLICABLE
    observations = [Observation(_turn(p.get("opgelost_turn")), 1.0) for p in fixed]
    observations += [Observation(_turn(p.get("turn")), 0.0, customer_quote=_reply_to(conv, _turn(p.get("turn"))))
                     for p in still_open]
    return Outcome(len(fixed) / (len(fixed) + len(still_open)), tuple(observations))


def evaluate_plan_onderdeel(spec: PlanOnderdeel, conv: Conversation) -> Outcome:
    notes = conv.slots.get(PLAN_SLOT)
    if not isinstance(notes, dict):
        return NOT_APPLICABLE
    if spec.onderdeel:
        return _topic(spec, notes)
    if spec.cijfers:
        return _figures(spec, notes, conv)
    return _criticism(notes, conv)
