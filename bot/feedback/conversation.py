"""A read-only view of a tracker (list of Rasa events) for the rubric checks.

Button clicks (`/intent{...}`) and answers to a form (`requested_slot` set, e.g. the
briefing) are not turns of the conversation, and only `klant`/`leverancier` utterances count
as the customer (not the coach). A turn's `number` is its position among everything the
student sent (all `user` events, 1-based), the "beurt" the web and the transcript show; so
after four briefing answers the first conversation turn is number 5. Every
customer/supplier utterance is attached to the student turn that answers it, so a check
can ask "what did the student say right after this signal?" without walking events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Iterable

DEFAULT_MODE = "oefenen"
CUSTOMER_SPEAKERS = ("klant", "leverancier")
EXAM_MODE = "toets"


@dataclass(frozen=True)
class Utterance:
    """One thing the customer (or supplier) said."""

    text: str
    speaker: str
    signals: tuple[str, ...]
    before_turn: int  # conversation turns before it; the reply is conv.turns[before_turn]
    annotated: bool = True  # the engine gave metadata.labels (possibly empty): authoritative


@dataclass(frozen=True)
class StudentTurn:
    number: int  # 1-based position among all user events (the "beurt" shown to people)
    text: str
    labels: frozenset[str]
    reaction: dict | None
    entities: tuple[dict, ...]
    answers: tuple[Utterance, ...]  # what the customer said since the previous student turn
    evidence: tuple[dict, ...] = ()  # the recogniser's {label, rule, text} for each label
    position: int = 0  # 1-based position among the conversation turns (briefing answers excluded)

    @property
    def signals(self) -> tuple[str, ...]:
        """Signals this turn answers, in order, without duplicates."""
        seen: list[str] = []
        for utterance in self.answers:
            for signal in utterance.signals:
                if signal not in seen:
                    seen.append(signal)
        return tuple(seen)

    def has_any(self, moves: Iterable[str]) -> bool:
        return any(move in self.labels for move in moves)

    @property
    def verdict(self) -> str | None:
        """The recogniser's verdict, only when it judged a signal the customer really gave
        (the scenario's annotation wins over the recogniser's own reading of the customer)."""
        reaction = self.reaction or {}
        if reaction.get("verdict") and reaction.get("signal") in self.signals:
            return reaction["verdict"]
        return None

    @property
    def customer_quote(self) -> str | None:
        """The customer's sentence this turn answers (the last one carrying a signal, else the last)."""
        for utterance in reversed(self.answers):
            if utterance.signals:
                return utterance.text
        return self.answers[-1].text if self.answers else None


@dataclass(frozen=True)
class Conversation:
    turns: tuple[StudentTurn, ...]
    utterances: tuple[Utterance, ...]
    slots: dict[str, Any] = field(default_factory=dict)
    session: dict[str, Any] = field(default_factory=dict)

    def _meta(self, key: str) -> Any:
        started = self.slots.get("session_started_metadata")
        started = started if isinstance(started, dict) else {}
        return self.slots.get(key) or self.session.get(key) or started.get(key)

    @property
    def mode(self) -> str:
        return str(self._meta("mode") or DEFAULT_MODE)

    @property
    def scenario_id(self) -> str | None:
        value = self._meta("scenario")
        return str(value) if value else None

    @property
    def outcome(self) -> str | None:
        value = self.slots.get("uitkomst")
        return str(value) if value else None

    @property
    def ended_by_customer(self) -> bool:
        """The conversation is over and the customer had the last word (the student could
        not say anything after it, e.g. the customer accepted or hung up)."""
        if self.outcome in (None, "lopend") or not self.utterances:
            return False
        return self.utterances[-1].before_turn == len(self.turns)

    def turn(self, number: int | None) -> StudentTurn | None:
        """The conversation turn with this number (None for briefing answers and clicks)."""
        if number is None:
            return None
        return next((t for t in self.turns if t.number == number), None)

    def reply_to(self, utterance: Utterance) -> StudentTurn | None:
        index = utterance.before_turn
        return self.turns[index] if index < len(self.turns) else None

    def utterances_with(self, patterns: Iterable[str]) -> list[Utterance]:
        patterns = tuple(patterns)
        return [u for u in self.utterances if any(signal_matches(s, patterns) for s in u.signals)]

    def turns_with(self, moves: Iterable[str]) -> list[StudentTurn]:
        moves = tuple(moves)
        return [t for t in self.turns if t.has_any(moves)]


def signal_matches(signal: str, patterns: Iterable[str]) -> bool:
    """`koopsignaal.*` matches every koopsignaal; a plain name matches itself."""
    return any(fnmatchcase(signal, pattern) for pattern in patterns)


def _is_command(text: str) -> bool:
    # Rasa button syntax (/intent{...}) is a click, not something the student said.
    return text.startswith("/")


def read_events(events: Iterable[dict]) -> Conversation:
    turns: list[StudentTurn] = []
    pending: list[Utterance] = []
    slots: dict[str, Any] = {}
    session: dict[str, Any] = {}

    sent = 0  # every user event counts for the numbering, also briefing answers and clicks
    for event in events or ():
        kind = event.get("event")
        if kind == "session_started":
            session.update(event.get("metadata") or {})
        elif kind == "restart":
            turns, pending, slots, sent = [], [], {}, 0
        elif kind == "slot":
            slots[event.get("name")] = event.get("value")
        elif kind == "bot":
            meta = event.get("metadata") or {}
            text = event.get("text") or ""
            if not text or str(meta.get("speaker") or "klant") not in CUSTOMER_SPEAKERS:
                continue  # the coach (briefing, instructions) is not the customer
            utterance = Utterance(
                text=text,
                speaker=str(meta.get("speaker") or "klant"),
                signals=tuple(meta.get("labels") or ()),
                before_turn=len(turns),
                annotated="labels" in meta,
            )
            pending.append(utterance)
        elif kind == "user":
            text = (event.get("text") or "").strip()
            if not text:
                continue
            sent += 1
            if _is_command(text) or slots.get("requested_slot"):
                continue  # a click, or an answer to a form (the briefing): not said to the customer
            parse = event.get("parse_data") or {}
            answers = tuple(pending)
            if not any(u.annotated for u in answers) and parse.get("previous_signals"):
                # The engine did not annotate the bot event; fall back to what the recogniser saw.
                quote = answers[-1].text if answers else ""
                answers = answers[:-1] + (
                    Utterance(quote, answers[-1].speaker if answers else "klant",
                              tuple(parse["previous_signals"]), len(turns), annotated=False),
                )
            turns.append(
                StudentTurn(
                    number=sent,
                    position=len(turns) + 1,
                    text=text,
                    labels=frozenset(parse.get("labels") or ()),
                    reaction=parse.get("reaction") or None,
                    entities=tuple(parse.get("entities") or ()),
                    answers=answers,
                    evidence=tuple(e for e in parse.get("evidence") or () if isinstance(e, dict)),
                )
            )
            pending = []
        elif kind == "rewind" and sent:
            # Rasa's rewind undoes the last user message.
            if turns and turns[-1].number == sent:
                pending = list(turns.pop().answers)
            sent -= 1

    utterances = [u for turn in turns for u in turn.answers] + pending
    return Conversation(tuple(turns), tuple(utterances), slots, session)
