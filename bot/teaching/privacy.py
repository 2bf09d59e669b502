"""Privacy (AVG): the audit log of who viewed or exported whose data, deletion of a student
on request, and the retention clean-up (`oefengesprek opschonen`).

Deleting a student removes the student row and, through the foreign keys and explicit
deletes, their conversations, messages, events, judgements and group memberships; the audit
log keeps only a pseudonym (a one-way hash of the id) for entries about that student.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from bot.store.models import Conversation, ConversationEvents, Message, RateCounter, Student, utcnow
from bot.store.teacher_models import AuditEntry, GroupMember, Judgement

AUDIT = AuditEntry.__table__
STUDENTS = Student.__table__
CONVERSATIONS = Conversation.__table__
MESSAGES = Message.__table__
EVENTS = ConversationEvents.__table__
JUDGEMENTS = Judgement.__table__
MEMBERS = GroupMember.__table__
COUNTERS = RateCounter.__table__


def audit(conn: Connection, actor: str, action: str, subject: str | None = None, detail: str | None = None) -> None:
    conn.execute(AUDIT.insert().values(at=utcnow(), actor=actor[:120], action=action[:40], subject=subject,
                                       detail=(detail or None) and detail[:255]))


def pseudonym(student_id: str) -> str:
    return "verwijderd-" + hashlib.sha256(student_id.encode()).hexdigest()[:16]


def _delete_conversations(conn: Connection, conversation_ids: list[str]) -> None:
    # Explicit deletes (not only ON DELETE CASCADE): SQLite enforces foreign keys per connection.
    for table in (JUDGEMENTS, MESSAGES, EVENTS):
        conn.execute(delete(table).where(table.c.conversation_id.in_(conversation_ids)))
    conn.execute(delete(CONVERSATIONS).where(CONVERSATIONS.c.id.in_(conversation_ids)))


def delete_student(conn: Connection, student_id: str, actor: str) -> dict[str, int]:
    """Remove everything of one student; returns what was removed."""
    ids = list(conn.execute(select(CONVERSATIONS.c.id).where(CONVERSATIONS.c.student_id == student_id)).scalars())
    for start in range(0, len(ids), 500):
        _delete_conversations(conn, ids[start:start + 500])
    conn.execute(delete(MEMBERS).where(MEMBERS.c.student_id == student_id))
    # rate-limit counters are keyed by student id ("w:<id>", "join:s:<id>")
    conn.execute(delete(COUNTERS).where(COUNTERS.c.key.contains(student_id, autoescape=True)))
    removed = conn.execute(delete(STUDENTS).where(STUDENTS.c.id == student_id)).rowcount or 0
    conn.execute(update(AUDIT).where(AUDIT.c.subject == student_id).values(subject=pseudonym(student_id)))
    audit(conn, actor, "verwijderd", pseudonym(student_id), f"{len(ids)} gesprekken")
    return {"students": removed, "conversations": len(ids)}


def expired_conversations(conn, months: int, *, now: datetime | None = None) -> list[str]:  # noqa: ANN001
    """Ids of conversations started more than `months` months (of 30 days) ago."""
    cutoff = (now or utcnow()) - timedelta(days=30 * months)
    return list(conn.execute(select(CONVERSATIONS.c.id).where(CONVERSATIONS.c.created_at < cutoff)
                             .order_by(CONVERSATIONS.c.created_at)).scalars())


def clean_up(conn: Connection, months: int, *, dry_run: bool = False, now: datetime | None = None) -> dict[str, Any]:
    """Delete conversations older than the retention period, and guests left without any."""
    ids = expired_conversations(conn, months, now=now)
    cutoff = (now or utcnow()) - timedelta(days=30 * months)
    has_conversation = select(CONVERSATIONS.c.id).where(CONVERSATIONS.c.student_id == STUDENTS.c.id).exists()
    guests = list(conn.execute(select(STUDENTS.c.id).where(STUDENTS.c.kind == "guest", STUDENTS.c.created_at < cutoff,
                                                           ~has_conversation)).scalars())
    if not dry_run:
        for start in range(0, len(ids), 500):
            _delete_conversations(conn, ids[start:start + 500])
        # guests whose conversations were all removed now, too
        guests = list(conn.execute(select(STUDENTS.c.id).where(STUDENTS.c.kind == "guest",
                                                               STUDENTS.c.created_at < cutoff,
                                                               ~has_conversation)).scalars())
        for guest in guests:
            delete_student(conn, guest, "opschonen")
        audit(conn, "opschonen", "opgeschoond", None, f"{len(ids)} gesprekken, {len(guests)} gasten")
    return {"conversations": len(ids), "guests": len(guests), "dry_run": dry_run,
            "cutoff": cutoff.isoformat()}


def count_rows(conn) -> dict[str, int]:  # noqa: ANN001
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (STUDENTS, CONVERSATIONS, MESSAGES, EVENTS, JUDGEMENTS, AUDIT)}
