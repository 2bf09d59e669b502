"""Repository functions: the only place that knows how rows are queried and written.

All functions take an open Session; the caller owns the transaction (Database.write()).
`lock_conversation` is the per-conversation lock: FOR UPDATE on PostgreSQL; on SQLite the
write transaction already holds the database write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session, selectinload

from bot.store.models import Conversation, ConversationEvents, Message, Student, utcnow


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class NewMessage:
    speaker: str
    text: str
    analysis: dict[str, Any] | None = None
    hint: str | None = None


# --- students -------------------------------------------------------------------------

def create_student(session: Session, display_name: str, kind: str = "guest", external_id: str | None = None) -> Student:
    student = Student(id=new_id(), display_name=display_name, kind=kind, external_id=external_id, created_at=utcnow())
    session.add(student)
    session.flush()
    return student


def get_student(session: Session, student_id: str) -> Student | None:
    return session.get(Student, student_id)


def student_by_external_id(session: Session, external_id: str) -> Student | None:
    return session.scalars(select(Student).where(Student.external_id == external_id)).first()


def get_or_create_external_student(session: Session, external_id: str, display_name: str, kind: str) -> Student:
    student = student_by_external_id(session, external_id)
    if student is None:
        student = create_student(session, display_name, kind=kind, external_id=external_id)
    elif display_name and student.display_name != display_name:
        student.display_name = display_name
    return student


# --- conversations --------------------------------------------------------------------

def create_conversation(
    session: Session,
    *,
    student_id: str,
    scenario: str,
    difficulty: str | None,
    mode: str,
    state: dict[str, Any],
    opening: Iterable[NewMessage] = (),
    channel: str = "web",
    channel_sender: str | None = None,
) -> Conversation:
    now = utcnow()
    conv = Conversation(
        id=new_id(),
        student_id=student_id,
        scenario=scenario,
        difficulty=difficulty,
        mode=mode,
        status="lopend",
        channel=channel,
        channel_sender=channel_sender,
        state_header=state_header(state),
        event_count=0,
        report=None,
        message_count=0,
        student_turns=0,
        created_at=now,
        updated_at=now,
    )
    session.add(conv)
    session.flush()  # the row must exist before its messages and events are inserted
    _append_events(session, conv, list(state.get("events") or []))
    append_messages(session, conv, turn=0, messages=opening)
    return conv


_LOCK_CONVERSATION = (
    select(Conversation)
    .where(Conversation.id == bindparam("conversation_id"), Conversation.student_id == bindparam("student_id"))
    .with_for_update()
)


def lock_conversation(session: Session, conversation_id: str, student_id: str) -> Conversation | None:
    """Fetch a conversation of this student for update; None if absent or someone else's."""
    params = {"conversation_id": conversation_id, "student_id": student_id}
    return session.scalars(_LOCK_CONVERSATION, params).first()


@dataclass(frozen=True)
class StoredMessage:
    """A message as just written (same attributes the views read from a Message row)."""

    conversation_id: str
    seq: int
    turn: int
    speaker: str
    text: str
    analysis: dict[str, Any] | None
    hint: str | None
    created_at: datetime


def append_messages(
    session: Session, conv: Conversation, *, turn: int, messages: Iterable[NewMessage]
) -> list[StoredMessage]:
    """Insert messages after the conversation's last one (plain executemany: no ids returned)."""
    now = utcnow()
    rows = []
    for m in messages:
        conv.message_count += 1
        rows.append(
            StoredMessage(conv.id, conv.message_count, turn, m.speaker, m.text, m.analysis, m.hint, now)
        )
    if rows:
        with session.no_autoflush:  # the conversation row is updated once, at commit
            session.execute(insert(Message.__table__), [r.__dict__ for r in rows])
    conv.updated_at = now
    return rows


def state_header(state: dict[str, Any]) -> dict[str, Any]:
    """The state without its events (stored in the conversation row)."""
    return {k: v for k, v in state.items() if k != "events"}


def _append_events(session: Session, conv: Conversation, events: list[dict[str, Any]]) -> None:
    if events:
        with session.no_autoflush:
            session.execute(
                insert(ConversationEvents.__table__),
                [{"conversation_id": conv.id, "start": conv.event_count, "events": events}],
            )
        conv.event_count += len(events)


def save_state(session: Session, conv: Conversation, state: dict[str, Any], previous: dict[str, Any]) -> None:
    """Store `state`, the engine's successor of `previous` (the state stored for this conversation).

    The engine only appends events (contracts §5: step never changes the state it is given),
    so only the new events are written, as one row; the header is written only when it changed.
    Should the events not extend the stored ones, they are all written again."""
    events = state.get("events") or []
    old = previous.get("events") or []
    n = len(old)
    extends = n == conv.event_count and len(events) >= n and (n == 0 or events[n - 1] is old[-1] or events[n - 1] == old[-1])
    if extends:
        _append_events(session, conv, list(events[n:]))
    else:
        session.query(ConversationEvents).filter(ConversationEvents.conversation_id == conv.id).delete(
            synchronize_session=False
        )
        conv.event_count = 0
        _append_events(session, conv, list(events))
    header = state_header(state)
    if header != state_header(previous):
        conv.state_header = header
    conv.updated_at = utcnow()


def finish_conversation(conv: Conversation, report: dict[str, Any]) -> None:
    conv.report = report
    conv.status = "afgerond"
    conv.finished_at = utcnow()
    conv.updated_at = conv.finished_at


def get_conversation(session: Session, conversation_id: str, student_id: str) -> Conversation | None:
    stmt = (
        select(Conversation)
        .where(Conversation.id == conversation_id, Conversation.student_id == student_id)
        .options(selectinload(Conversation.messages))
    )
    return session.scalars(stmt).first()


def list_conversations(session: Session, student_id: str, limit: int = 50) -> list[Conversation]:
    stmt = (
        select(Conversation)
        .where(Conversation.student_id == student_id)
        .order_by(Conversation.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def finished_reports(session: Session, student_id: str) -> list[Conversation]:
    """The student's finished conversations, oldest first (attempt order for progress)."""
    stmt = (
        select(Conversation)
        .where(Conversation.student_id == student_id, Conversation.status == "afgerond")
        .order_by(Conversation.finished_at, Conversation.created_at)
    )
    return list(session.scalars(stmt))


def active_rest_conversation(session: Session, student_id: str, sender: str) -> Conversation | None:
    stmt = (
        select(Conversation)
        .where(
            Conversation.student_id == student_id,
            Conversation.channel_sender == sender,
            Conversation.status == "lopend",
        )
        .order_by(Conversation.created_at.desc())
        .with_for_update()
    )
    return session.scalars(stmt).first()
