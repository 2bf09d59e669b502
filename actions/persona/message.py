"""The student's analysed message, read from the tracker's latest_message (contracts §1/§2)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
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


# A keyword of a scenario ("adres", "rug", "app", "uur") is found in what the student wrote.
# A long keyword may sit anywhere, also inside a compound ("afleveradres", "spoedlevering").
# A short one (SHORT letters or fewer) is a word of its own, inflected ("rollen", "bureautje"),
# or the tail of a compound whose head is a word of its own ("handdoekrol", "levertijd"):
# never a piece of another word ("waar" in "waarmee", "rug" in "terug", "rij" in "prijs",
# "uur" in "duur", "app" in "apparaat").
SHORT = 4
COMPOUND_HEAD = 5  # letters before a short keyword at the end of a compound
INFLECTIONS = ("", "s", "'s", "e", "en", "n", "t", "te", "ten", "je", "jes", "tje", "tjes", "etje", "etjes")


@lru_cache(maxsize=4096)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    k = re.escape(keyword)
    if len(keyword) > SHORT or not keyword.isalpha():
        return re.compile(k)
    doubled = re.escape(keyword[-1]) if keyword[-1] not in "aeiou" else ""
    endings = "|".join(sorted({re.escape(e) for e in INFLECTIONS} | ({doubled + "en", doubled + "e"} if doubled else set()),
                              key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:[^\W\d_]{{{COMPOUND_HEAD},}})?{k}(?:{endings})(?![^\W\d_])")


def find_keyword(text: str, keyword: str) -> int:
    """Where the keyword stands in the (lower-case) text as the rule above reads it; -1 if not."""
    match = _keyword_pattern(keyword).search(text)
    # a short keyword's match may start at its compound's head ("handdoekrol"): the keyword is its tail
    return -1 if match is None else match.start() + match.group().rfind(keyword)


def has_keyword(text: str, keyword: str) -> bool:
    return find_keyword(text, keyword) >= 0


def keyword_hits(text: str, keywords: list[str]) -> int:
    """How many of the keywords the text has."""
    return sum(has_keyword(text, k) for k in keywords)


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
        return any(has_keyword(text, k) for k in keywords)
