"""The recogniser's output: what one utterance carries, and why.

This is the contract between the NLU and the rest of the engine (tracker parse_data,
feedback, web analysis). Every label has evidence: the rule id and the matched text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Intent names used when no move/signal gives one (Rasa needs exactly one intent).
INTENT_FALLBACK = "nlu_fallback"
INTENT_INFORM = "inform"


@dataclass(frozen=True)
class Entity:
    entity: str  # bedrag | percentage | aantal | datum | weekdag | product
    value: Any  # normalised: float euros, float percent, int, ISO date / weekday name, product id
    text: str  # the matched text as typed
    start: int
    end: int

    def to_rasa(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "extractor": "OefengesprekEntityRules",
        }


@dataclass(frozen=True)
class Evidence:
    label: str
    rule: str  # id of the pattern or rule in domain/ that produced the label
    text: str  # the part of the utterance it matched

    def to_json(self) -> dict[str, Any]:
        # what dataclasses.asdict gave, built directly (the fields are strings: nothing to copy deeply)
        return {"label": self.label, "rule": self.rule, "text": self.text}


@dataclass(frozen=True)
class Reaction:
    verdict: str  # goed | matig | fout
    reason: str  # Dutch, for the student/teacher
    competencies: tuple[str, ...]  # exact BCP competency names
    signal: str  # the signal in `previous` this reaction answers
    rule: str  # id of the reaction rule in domain/

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "competencies": list(self.competencies),
            "signal": self.signal,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Analysis:
    text: str
    speaker: str
    labels: tuple[str, ...]
    intent: str
    entities: tuple[Entity, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    reaction: Reaction | None = None
    previous_signals: tuple[str, ...] = ()
    explicit_intent: bool = False  # Rasa button syntax /intent{...}
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "speaker": self.speaker,
            "text": self.text,
            "labels": list(self.labels),
            "intent": self.intent,
            "entities": [e.to_rasa() for e in self.entities],
            "evidence": [e.to_json() for e in self.evidence],
        }
        if self.reaction is not None:
            out["reaction"] = self.reaction.to_json()
        return out

    def to_parse_data(self) -> dict[str, Any]:
        """Rasa `parse_data` for a `user` event, with our full label set alongside."""
        return {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": 1.0},
            "intent_ranking": [{"name": self.intent, "confidence": 1.0}],
            "entities": [e.to_rasa() for e in self.entities],
            "labels": list(self.labels),
            "evidence": [e.to_json() for e in self.evidence],
            "reaction": self.reaction.to_json() if self.reaction else None,
            "previous_signals": list(self.previous_signals),
        }
