"""SQLAlchemy models, one per table, for the read side and the write side alike. Schema
changes go through Alembic (bot/store/migrations/).

Reads load them through an ORM Session; the write path (bot.store.repository) runs prebuilt
Core statements and hands what it locked or wrote to the rest of the app as the same models
(`as_loaded`). The write path changes a conversation with `Conversation.set` and writes the
changed columns in one UPDATE (repository.update_conversation).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import DeclarativeBase, Mapped, configure_mappers, mapped_column, object_session, relationship
from bot.vocabulary import RUNNING


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(dt: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones)."""
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


def json_value(value: Any) -> Any:
    """A JSON column's value as data (some drivers hand back the text)."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


class Base(DeclarativeBase):
    pass


M = TypeVar("M", bound=Base)


def as_loaded(model: type[M], values: Mapping[str, Any]) -> M:
    """An instance of `model` holding these column values, built the way the ORM builds an
    instance it loads (no __init__, no change history, in no session): a row the write path's
    Core statements locked or wrote, as the model the reads use."""
    mapper = model.__mapper__
    if not mapper.configured:
        configure_mappers()
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


class Student(Base):
    """Whoever practises: a local guest, a user named by a trusted proxy header, or a REST sender."""

    __tablename__ = "students"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))  # guest | header | rest
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_student_created", "student_id", "created_at"),
        Index("ix_conversations_student_sender", "student_id", "channel_sender"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    scenario: Mapped[str] = mapped_column(String(120))
    difficulty: Mapped[str | None] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))  # oefenen | toets
    status: Mapped[str] = mapped_column(String(12), default=RUNNING)  # vocabulary.STATUSES
    channel: Mapped[str] = mapped_column(String(10), default="web")  # web | rest
    channel_sender: Mapped[str | None] = mapped_column(String(255))
    # The engine state (contracts §5) is stored in two parts so a turn writes only what is new:
    # `state_header` (column `state`) is the state without its events; the Rasa events are
    # appended per turn as rows of `conversation_events` (see the `state` property). Deferred:
    # lists and transcripts never need it; turns load it only when this process does not hold
    # the conversation live (bot.store.conversation_cache).
    state_header: Mapped[dict[str, Any]] = mapped_column("state", JSON, deferred=True)
    event_count: Mapped[int] = mapped_column(Integer, default=0)  # events stored in conversation_events
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    student_turns: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Written with the report, for the teacher's lists and overviews (no report parsing there):
    # the overall score and {"competencies": {name: score}, "missed": [[signal, turn]], "outcome"}.
    score: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)

    messages: Mapped[list["Message"]] = relationship(
        back_populates="conversation", order_by="Message.seq", cascade="all, delete-orphan"
    )

    def set(self, **values: Any) -> None:
        """Change columns on the write path; bot.store.repository.update_conversation writes them."""
        for key, value in values.items():
            setattr(self, key, value)
        self.__dict__.setdefault("changes", {}).update(values)

    @property
    def changes(self) -> dict[str, Any]:
        """The columns `set` changed since the row was last written."""
        return self.__dict__.setdefault("changes", {})

    @property
    def state(self) -> dict[str, Any]:
        """The whole engine state: the header plus every stored event, in order."""
        session = object_session(self)
        if session is None:
            raise RuntimeError("Conversation.state needs the conversation's session")
        events: list[dict[str, Any]] = []
        if self.event_count:
            stmt = (
                select(ConversationEvents.events)
                .where(ConversationEvents.conversation_id == self.id)
                .order_by(ConversationEvents.start)
            )
            for chunk in session.scalars(stmt):
                events.extend(chunk)
        return {**(self.state_header or {}), "events": events}


class ConversationEvents(Base):
    """A run of the conversation's Rasa events, appended once per turn (never rewritten):
    `events` are the state's events from index `start` on."""

    __tablename__ = "conversation_events"

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    start: Mapped[int] = mapped_column(Integer, primary_key=True)
    events: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Message(Base):
    """One utterance in a conversation, in order (seq is unique per conversation)."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    turn: Mapped[int] = mapped_column(Integer)  # student turn number this message belongs to (0 = opening)
    speaker: Mapped[str] = mapped_column(String(16))  # student | klant | leverancier | systeem
    text: Mapped[str] = mapped_column(Text)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    hint: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class RateCounter(Base):
    """Fixed-window request counters per client, shared by all workers."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """A client's Idempotency-Key (IETF draft header) with the reply it got, per student.

    A retried request with the same key gets this stored reply instead of a second turn;
    `fingerprint` (a hash of what was asked: endpoint, conversation, text) tells a retry
    from a different request that reuses the key. Kept for a day (bot.store.repository)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_created", "created_at"),)

    student_id: Mapped[str] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
