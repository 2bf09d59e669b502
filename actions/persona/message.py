"""The student's analysed message, read from the tracker's latest_message (contracts §1/§2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.labels import label_contract


_MOVES: tuple = (None, frozenset())


def _known_moves() -> frozenset[str]:
    """The contract's moves as a set, made once per loaded contract."""
    global _MOVES
    contract = label_contract()
    if _MOVES[0] is not contract:
        _MOVES = (contract, frozenset(contract.moves))
    return _MOVES[1]


@dataclass
class Message:
    text: str
    moves: set[str]
    entities: list[dict[str, Any]] = field(default_factory=list)
    reaction: dict[str, Any] | None = None
    intent: str = ""

    @classmethod
    def from_parse_data(cls, data: dict[str, Any] | None) -> "Message":
        data = data or {}
        intent = (data.get("intent") or {}).get("name") or ""
        known = _known_moves()
        labels = set(data.get("labels") or [])
        if not labels and intent in known:
            labels = {intent}  # e.g. button syntax /afsluitvraag, or a parse without our labels
        reaction = data.get("reaction")
        return cls(
            text=str(data.get("text") or ""),
            moves={label for label in labels if label in known},
            entities=[e for e in (data.get("entities") or []) if isinstance(e, dict)],
            reaction=reaction if isinstance(reaction, dict) else None,
            intent=intent,
        )

    @property
    def lower(self) -> str:
        return self.text.lower()

    def values(self, entity: str) -> list[Any]:
        return [e.get("value") for e in self.entities if e.get("entity") == entity]

    def numbers(self, entity: str) -> list[float]:
        out = []
        for value in self.values(entity):
            try:
                out.append(float(value))
            except (TypeError, ValueError):
                continue
        return out

    def has_entity(self, names: list[str]) -> bool:
        return any(e.get("entity") in names for e in self.entities)

    def mentions(self, keywords: list[str]) -> bool:
        text = self.lower
        return any(k in text for k in keywords)
