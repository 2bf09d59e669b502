"""Repository functions: the only place that knows how rows are queried and written.

The write path (start, turn, end) uses SQLAlchemy Core statements on a Connection inside
`Database.transaction()`: a turn is a handful of prebuilt statements (lock, insert
messages, insert events, one conversation UPDATE) and no ORM unit of work; what it locks or
writes it returns as the models the reads use (bot.store.models.as_loaded). Reads that build
transcripts and lists load the same models through an ORM Session (`Database.read()`).

`lock_conversation` is the per-conversation lock: FOR UPDATE on PostgreSQL; on SQLite the
write transaction already holds the database write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from bot.store.models import Conversation, ConversationEvents, IdempotencyKey, Message, Student, as_loaded, utcnow
from bot.vocabulary import FINISHED, RUNNING, STUDENT

STUDENTS = Student.__table__
CONVERSATIONS = Conversation.__table__
EVENTS = ConversationEvents.__table__
MESSAGES = Message.__table__
IDEMPOTENCY = IdempotencyKey.__table__

Executor = Connection | Session  # both have .execute(statement, params)


def new_id() -> str:
    return uuid.uuid4().hex


# --- students -------------------------------------------------------------------------

_INSERT_STUDENT = insert(STUDENTS)
_STUDENT_BY_EXTERNAL = select(STUDENTS.c.id, STUDENTS.c.display_name, STUDENTS.c.kind, STUDENTS.c.external_id).where(
    STUDENTS.c.external_id == bindparam("external_id")
)


def create_student(db: Executor, display_name: str, kind: str = "guest", external_id: str | None = None) -> Student:
    values = {"id": new_id(), "display_name": display_name, "kind": kind, "external_id": external_id,
              "created_at": utcnow()}
    db.execute(_INSERT_STUDENT, values)
    return as_loaded(Student, values)


def get_student(session: Session, student_id: str) -> Student | None:
    return session.get(Student, student_id)


def student_by_external_id(db: Executor, external_id: str, *, for_update: bool = False) -> Student | None:
    stmt = _STUDENT_BY_EXTERNAL.with_for_update() if for_update else _STUDENT_BY_EXTERNAL
    row = db.execute(stmt, {"external_id": external_id}).first()
    return as_loaded(Student, row._mapping) if row is not None else None


_STUDENT_ID = select(STUDENTS.c.id).where(STUDENTS.c.id == bindparam("student_id"))
_LOCK_STUDENT = _STUDENT_ID.with_for_update()


def lock_student(db: Executor, student_id: str) -> bool:
    """Serialise on the student row (PostgreSQL; SQLite's write transaction is already exclusive).
    False when the student does not exist (any more)."""
    return db.execute(_LOCK_STUDENT, {"student_id": student_id}).first() is not None


def get_or_create_external_student(db: Executor, external_id: str, display_name: str, kind: str) -> Student:
    student = student_by_external_id(db, external_id)
    if student is None:
        return create_student(db, display_name, kind=kind, external_id=external_id)
    if display_name and student.display_name != display_name:
        db.execute(update(STUDENTS).where(STUDENTS.c.id == student.id).values(display_name=display_name))
        student.display_name = display_name
    return student


# --- conversations: the write path (Core) ----------------------------------------------

# Everything a turn needs from the conversation row, except the state (see load_state), the
# score and the summary (written when it ends).
_ROW_COLUMNS = ("id", "student_id", "scenario", "difficulty", "mode", "status", "channel", "channel_sender",
                "event_count", "report", "message_count", "student_turns", "created_at", "updated_at",
                "finished_at")


def _conversation(row: Any) -> Conversation:
    return as_loaded(Conversation, row._mapping)


_INSERT_CONVERSATION = insert(CONVERSATIONS)
_INSERT_EVENTS = insert(EVENTS)
_INSERT_MESSAGES = insert(MESSAGES)


def create_conversation(
    db: Executor,
    *,
    student_id: str,
    scenario: str,
    difficulty: str | None,
    mode: str,
    header: dict[str, Any],
    events: list[dict[str, Any]],
    opening: Iterable[dict[str, Any]] = (),
    channel: str = "web",
    channel_sender: str | None = None,
) -> tuple[Conversation, list[Message]]:
    """Insert a conversation with its opening messages and its first events (the engine
    state's header and the opening's events, contracts §5): three statements."""
    now = utcnow()
    conversation_id = new_id()
    messages = _message_values(conversation_id, 0, 0, map(_line, opening), now)
    values = {"id": conversation_id, "student_id": student_id, "scenario": scenario, "difficulty": difficulty,
              "mode": mode, "status": RUNNING, "channel": channel, "channel_sender": channel_sender,
              "event_count": len(events), "report": None, "message_count": len(messages), "student_turns": 0,
              "created_at": now, "updated_at": now, "finished_at": None}
    db.execute(_INSERT_CONVERSATION, {**values, "state": header})  # before its messages and events
    if events:
        db.execute(_INSERT_EVENTS, {"conversation_id": conversation_id, "start": 0, "events": events})
    if messages:
        db.execute(_INSERT_MESSAGES, messages)
    return as_loaded(Conversation, values), [as_loaded(Message, m) for m in messages]


_LOCK_CONVERSATION = (
    select(*(CONVERSATIONS.c[name] for name in _ROW_COLUMNS))
    .where(CONVERSATIONS.c.id == bindparam("conversation_id"), CONVERSATIONS.c.student_id == bindparam("student_id"))
    .with_for_update()
)


def lock_conversation(db: Executor, conversation_id: str, student_id: str) -> Conversation | None:
    """Fetch a conversation of this student for update; None if absent or someone else's."""
    row = db.execute(_LOCK_CONVERSATION, {"conversation_id": conversation_id, "student_id": student_id}).first()
    return _conversation(row) if row is not None else None


_ACTIVE_REST = (
    select(*(CONVERSATIONS.c[name] for name in _ROW_COLUMNS))
    .where(
        CONVERSATIONS.c.student_id == bindparam("student_id"),
        CONVERSATIONS.c.channel_sender == bindparam("sender"),
        CONVERSATIONS.c.status == RUNNING,
    )
    .order_by(CONVERSATIONS.c.created_at.desc())
    .limit(1)
    .with_for_update()
)


def active_rest_conversation(db: Executor, student_id: str, sender: str) -> Conversation | None:
    row = db.execute(_ACTIVE_REST, {"student_id": student_id, "sender": sender}).first()
    return _conversation(row) if row is not None else None


_STATE_HEADER = select(CONVERSATIONS.c.state).where(CONVERSATIONS.c.id == bindparam("conversation_id"))
_EVENTS = (
    select(EVENTS.c.events).where(EVENTS.c.conversation_id == bindparam("conversation_id")).order_by(EVENTS.c.start)
)


def load_state(db: Executor, conv: Conversation) -> dict[str, Any]:
    """The whole engine state from the database: the header plus every stored event, in order."""
    params = {"conversation_id": conv.id}
    header = db.execute(_STATE_HEADER, params).scalar_one()
    events: list[dict[str, Any]] = []
    if conv.event_count:
        for chunk in db.execute(_EVENTS, params).scalars():
            events.extend(chunk)
    return {**(header or {}), "events": events}


def _line(m: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None, None]:
    """An engine message (bot.engine.session.message_of: speaker, text, labels, reason) as a
    row's speaker, text and analysis: its signal labels (for teachers, never shown to
    students) and why the customer said it; no hint."""
    labels = m.get("labels")
    meta = {"labels": list(labels)} if labels else {}
    if m.get("reason"):
        meta["reason"] = m["reason"]
    return m["speaker"], m["text"], meta or None, None


def _message_values(conversation_id: str, after: int, turn: int,
                    lines: Iterable[tuple[str, str, dict[str, Any] | None, str | None]],
                    now: datetime) -> list[dict[str, Any]]:
    """The rows of messages (speaker, text, analysis, hint) numbered on after message `after`."""
    return [{"conversation_id": conversation_id, "seq": after + i, "turn": turn, "speaker": speaker, "text": text,
             "analysis": analysis, "hint": hint, "created_at": now}
            for i, (speaker, text, analysis, hint) in enumerate(lines, start=1)]


def append_messages(
    db: Executor, conv: Conversation, *, turn: int, student: tuple[str, dict[str, Any] | None, str | None],
    replies: Iterable[dict[str, Any]],
) -> list[Message]:
    """A turn's messages: the student's (text, analysis, hint), then the engine's replies. The
    new count is written by update_conversation."""
    now = utcnow()
    text, analysis, hint = student
    values = _message_values(conv.id, conv.message_count, turn, [(STUDENT, text, analysis, hint), *map(_line, replies)],
                             now)
    db.execute(_INSERT_MESSAGES, values)  # one executemany, no ids returned
    conv.set(message_count=conv.message_count + len(values), updated_at=now)
    return [as_loaded(Message, v) for v in values]


def append_events(db: Executor, conv: Conversation, events: list[dict[str, Any]]) -> None:
    """Append a turn's new events (bot.engine.session: TurnResult.events) as one row after
    the stored ones; the new count is written by update_conversation."""
    if events:
        db.execute(_INSERT_EVENTS, {"conversation_id": conv.id, "start": conv.event_count, "events": events})
        conv.set(event_count=conv.event_count + len(events), updated_at=utcnow())


def report_summary(report: dict[str, Any]) -> dict[str, Any]:
    """What the teacher's lists and overviews need of a report (kept beside it, small)."""
    missed = [[m["signal"], m.get("turn")] for m in report.get("missed_signals") or []
              if isinstance(m, dict) and m.get("signal")]
    return {
        "competencies": dict(report.get("competencies") or {}),
        "missed": missed,
        "outcome": report.get("outcome"),
    }


def finish_conversation(conv: Conversation, report: dict[str, Any]) -> None:
    now = utcnow()
    score = report.get("score")
    conv.set(report=report, status=FINISHED, finished_at=now, updated_at=now,
             score=score if isinstance(score, int) else None, summary=report_summary(report))


_UPDATE_CONVERSATION = update(CONVERSATIONS).where(CONVERSATIONS.c.id == bindparam("row_id"))


def update_conversation(db: Executor, conv: Conversation) -> None:
    """Write the row's changed columns (one UPDATE; nothing when nothing changed)."""
    if conv.changes:
        db.execute(_UPDATE_CONVERSATION, {**conv.changes, "row_id": conv.id})
        conv.changes.clear()


# --- idempotency keys ---------------------------------------------------------------------

IDEMPOTENCY_TTL = timedelta(hours=24)  # a retry comes within seconds; a day covers a laptop lid closed overnight


def request_fingerprint(*parts: Any) -> str:
    """A hash of what a request asked (endpoint, conversation, text): same key + other request = misuse."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


_STORED_REPLY = select(IDEMPOTENCY.c.fingerprint, IDEMPOTENCY.c.status, IDEMPOTENCY.c.response).where(
    IDEMPOTENCY.c.student_id == bindparam("student_id"), IDEMPOTENCY.c.key == bindparam("key"),
    IDEMPOTENCY.c.created_at >= bindparam("since"),
)
_INSERT_REPLY = insert(IDEMPOTENCY)
_DELETE_OLD_REPLIES = delete(IDEMPOTENCY).where(IDEMPOTENCY.c.created_at < bindparam("before"))
_DELETE_REPLY = delete(IDEMPOTENCY).where(
    IDEMPOTENCY.c.student_id == bindparam("student_id"), IDEMPOTENCY.c.key == bindparam("key")
)


def stored_reply(db: Executor, student_id: str, key: str) -> IdempotencyKey | None:
    """The reply stored under this student's key (within the last IDEMPOTENCY_TTL), if any.
    Call after taking the lock the request itself needs (conversation or student row), so a
    retry that races the original waits for it and then finds its reply."""
    row = db.execute(_STORED_REPLY, {"student_id": student_id, "key": key, "since": utcnow() - IDEMPOTENCY_TTL}).first()
    return as_loaded(IdempotencyKey, row._mapping) if row is not None else None


def store_reply(db: Executor, student_id: str, key: str, fingerprint: str, status: int, response: Any) -> None:
    """Remember the reply in the request's own transaction: committed together with the turn, or not at all."""
    now = utcnow()
    db.execute(_DELETE_REPLY, {"student_id": student_id, "key": key})  # an expired entry under the same key
    db.execute(_INSERT_REPLY, {"student_id": student_id, "key": key, "fingerprint": fingerprint, "status": status,
                               "response": response, "created_at": now})
    if random.random() < 0.01:  # occasional clean-up, as for the rate counters
        db.execute(_DELETE_OLD_REPLIES, {"before": now - IDEMPOTENCY_TTL})


# --- conversations: reads (ORM) ---------------------------------------------------------

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
        .where(Conversation.student_id == student_id, Conversation.status == FINISHED)
        .order_by(Conversation.finished_at, Conversation.created_at)
    )
    return list(session.scalars(stmt))
