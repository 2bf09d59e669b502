"""A read-only view of a tracker (list of Rasa events) for the rubric checks.

Button clicks (`/intent{...}`) and answers to a form (`requested_slot` set, e.g. the
briefing) are not turns of the conversation, and only `klant`/`leverancier` utterances count
as the customer (not the coach). A turn's `number` is its position among the conversation
turns (1-based): the "beurt" the tip, the report, the web and the transcript show. The
student's first sentence to the customer is beurt 1, also after four briefing answers (the
preparation is not part of the conversation, and the engine's turn slot counts the same
way, so a turn the actions record in a slot is the same beurt). Every
customer/supplier utterance is attached to the student turn that answers it, so a check
can ask "what did the student say right after this signal?" without walking events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Any, Iterable

from bot.vocabulary import CUSTOMER, EXAM, ONGOING, OUTCOME_SLOT, PRACTICE, SPEAKERS_WITH_SIGNALS, SUCCESS_OUTCOMES

# metadata.reason values (contracts §2) whose line never carries a signal the student must answer
NO_SIGNAL_REASONS = frozenset({"clarification"})


@dataclass(frozen=True)
class Utterance:
    """One thing the customer (or supplier) said."""

    text: str
    speaker: str
    signals: tuple[str, ...]
    before_turn: int  # conversation turns before it; the reply is conv.turns[before_turn]
    annotated: bool = True  # the engine gave metadata.labels (possibly empty): authoritative
    deal: bool = False  # this line made the deal (slot `uitkomst` became a success right after it)
    reason: str | None = None  # metadata.reason: why the customer said it (None = unknown)


@dataclass(frozen=True)
class StudentTurn:
    number: int  # 1-based position among the conversation turns (the "beurt" shown to people)
    text: str
    labels: frozenset[str]
    reaction: dict | None
    entities: tuple[dict, ...]
    answers: tuple[Utterance, ...]  # what the customer said since the previous student turn
    evidence: tuple[dict, ...] = ()  # the recogniser's {label, rule, text} for each label
    position: int = 0  # the same as `number` (kept for callers that used it)

    # The turn is frozen, so what follows from its answers is worked out once (cached_property
    # writes the instance __dict__ directly; equality and repr see only the fields).
    @cached_property
    def signals(self) -> tuple[str, ...]:
        """Signals this turn answers, in order, without duplicates."""
        seen: list[str] = []
        for utterance in self.answers:
            for signal in utterance.signals:
                if signal not in seen:
                    seen.append(signal)
        return tuple(seen)

    @cached_property
    def after_deal(self) -> bool:
        """This turn answers the customer's line that made the deal."""
        return any(u.deal for u in self.answers)

    def has_any(self, moves: Iterable[str]) -> bool:
        return not self.labels.isdisjoint(moves)

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
    info: Any = None  # the ScenarioInfo the feedback judges against (set by report/hints)

    def _meta(self, key: str) -> Any:
        started = self.slots.get("session_started_metadata")
        started = started if isinstance(started, dict) else {}
        return self.slots.get(key) or self.session.get(key) or started.get(key)

    @property
    def mode(self) -> str:
        return str(self._meta("mode") or PRACTICE)

    @property
    def scenario_id(self) -> str | None:
        value = self._meta("scenario")
        return str(value) if value else None

    @property
    def outcome(self) -> str | None:
        value = self.slots.get(OUTCOME_SLOT)
        return str(value) if value else None

    @property
    def ended_by_customer(self) -> bool:
        """The conversation is over and the customer had the last word (the student could
        not say anything after it, e.g. the customer accepted or hung up)."""
        if self.outcome in (None, ONGOING) or not self.utterances:
            return False
        return self.utterances[-1].before_turn == len(self.turns)

    def turn(self, number: int | None) -> StudentTurn | None:
        """The conversation turn with this number (None for briefing answers and clicks)."""
        if number is None:
            return None
        index = self.__dict__.get("_by_number")
        if index is None:  # built on first use; the turns never change (frozen)
            index = {}
            for t in self.turns:
                index.setdefault(t.number, t)
            object.__setattr__(self, "_by_number", index)
        return index.get(number)

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


def _made_the_deal(utterance: Utterance) -> Utterance:
    """The customer's line that made the deal: her agreement is no buying signal to be
    closed any more (the reply is judged as an after-deal turn: summarise, promise, goodbye)."""
    signals = tuple(s for s in utterance.signals if not s.startswith("koopsignaal."))
    return Utterance(utterance.text, utterance.speaker, signals, utterance.before_turn,
                     utterance.annotated, deal=True, reason=utterance.reason)


def _is_command(text: str) -> bool:
    # Rasa button syntax (/intent{...}) is a click, not something the student said.
    return text.startswith("/")


class Reading:
    """read_events' running state: feed events in order, `result()` at any point. The
    engine's conversation object (bot.engine.session) keeps one and feeds it each turn's
    new events, so a hint reads only what is new."""

    __slots__ = ("turns", "pending", "slots", "session", "sent", "_spoken")

    def __init__(self) -> None:
        self.turns: list[StudentTurn] = []
        self.pending: list[Utterance] = []
        self.slots: dict[str, Any] = {}
        self.session: dict[str, Any] = {}
        self.sent = 0  # every user event, also briefing answers and clicks
        self._spoken: list[bool] = []  # per user event: did it become a conversation turn?

    def feed(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "session_started":
            self.session.update(event.get("metadata") or {})
        elif kind == "restart":
            self.turns, self.pending, self.slots, self.sent, self._spoken = [], [], {}, 0, []
        elif kind == "slot":
            name, value = event.get("name"), event.get("value")
            if (name == OUTCOME_SLOT and value in SUCCESS_OUTCOMES
                    and self.slots.get(OUTCOME_SLOT) not in SUCCESS_OUTCOMES and self.pending):
                self.pending[-1] = _made_the_deal(self.pending[-1])
            self.slots[name] = value
        elif kind == "bot":
            meta = event.get("metadata") or {}
            text = event.get("text") or ""
            if not text or str(meta.get("speaker") or CUSTOMER) not in SPEAKERS_WITH_SIGNALS:
                return  # the coach (briefing, instructions) is not the customer
            reason = meta.get("reason")
            reason = str(reason) if reason else None
            utterance = Utterance(
                text=text,
                speaker=str(meta.get("speaker") or CUSTOMER),
                # a clarification ("wat bedoelt u?") is never a signal to react to
                signals=() if reason in NO_SIGNAL_REASONS else tuple(meta.get("labels") or ()),
                before_turn=len(self.turns),
                annotated="labels" in meta or reason in NO_SIGNAL_REASONS,
                reason=reason,
            )
            self.pending.append(utterance)
        elif kind == "user":
            text = (event.get("text") or "").strip()
            if not text:
                return
            self.sent += 1
            spoken = not (_is_command(text) or self.slots.get("requested_slot"))
            self._spoken.append(spoken)
            if not spoken:
                return  # a click, or an answer to a form (the briefing): not said to the customer
            parse = event.get("parse_data") or {}
            answers = tuple(self.pending)
            turns = self.turns
            if not any(u.annotated for u in answers) and parse.get("previous_signals"):
                # The engine did not annotate the bot event; fall back to what the recogniser saw.
                quote = answers[-1].text if answers else ""
                deal = bool(answers) and answers[-1].deal
                signals = tuple(s for s in parse["previous_signals"] if not (deal and s.startswith("koopsignaal.")))
                answers = answers[:-1] + (
                    Utterance(quote, answers[-1].speaker if answers else CUSTOMER,
                              signals, len(turns), annotated=False, deal=deal),
                )
            turns.append(
                StudentTurn(
                    number=len(turns) + 1,
                    position=len(turns) + 1,
                    text=text,
                    labels=frozenset(parse.get("labels") or ()),
                    reaction=parse.get("reaction") or None,
                    entities=tuple(parse.get("entities") or ()),
                    answers=answers,
                    evidence=tuple(e for e in parse.get("evidence") or () if isinstance(e, dict)),
                )
            )
            self.pending = []
        elif kind == "rewind" and self.sent:
            # Rasa's rewind undoes the last user message.
            if self._spoken and self._spoken.pop() and self.turns:
                self.pending = list(self.turns.pop().answers)
            self.sent -= 1

    def result(self) -> Conversation:
        utterances = [u for turn in self.turns for u in turn.answers] + self.pending
        return Conversation(tuple(self.turns), tuple(utterances), dict(self.slots), dict(self.session))


def read_events(events: Iterable[dict]) -> Conversation:
    reading = Reading()
    for event in events or ():
        reading.feed(event)
    return reading.result()
