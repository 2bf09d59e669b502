"""The durable queue of grades for platform gradebooks: a finished conversation (or a teacher's
adjusted score) that came from an LTI launch puts a row in `lti_grade_sends`; a worker sends due
rows and retries failures with back-off. Any number of workers: a row is claimed by moving its
`next_try_at` forward in one UPDATE, so only one worker sends it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.lti import platforms
from bot.lti.keys import KeyStore
from bot.lti.services import ServiceError, send_score
from bot.store.lti_models import LtiGradeSend, LtiLaunch
from bot.store.models import Conversation, utcnow

SENDS = LtiGradeSend.__table__
LAUNCHES = LtiLaunch.__table__
CONVERSATIONS = Conversation.__table__
MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=2)

log = logging.getLogger("oefengesprek.lti")


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(0, attempts - 1), 6 * 3600))


def comment_for(score: int, adjusted: bool) -> str:
    if adjusted:
        return f"Score {score} van 100, aangepast door je docent in Oefengesprek."
    return f"Score {score} van 100 voor je oefengesprek. De feedback per competentie staat in Oefengesprek."


def enqueue_for_conversation(conn, conversation_id: str, score: int | None, *, adjusted: bool = False) -> bool:  # noqa: ANN001
    """Queue a grade when the conversation's student came by an LTI launch with a line item."""
    if score is None:
        return False
    conv = conn.execute(select(CONVERSATIONS.c.student_id, CONVERSATIONS.c.scenario)
                        .where(CONVERSATIONS.c.id == conversation_id)).first()
    if conv is None:
        return False
    launch = conn.execute(select(LAUNCHES).where(LAUNCHES.c.student_id == conv.student_id,
                                                 LAUNCHES.c.scenario == conv.scenario)).first()
    if launch is None or not launch.lineitem_url:
        return False
    now = utcnow()
    conn.execute(SENDS.insert().values(conversation_id=conversation_id, platform_id=launch.platform_id,
                                       lineitem_url=launch.lineitem_url, user_sub=launch.user_sub, score=int(score),
                                       comment=comment_for(int(score), adjusted), status="wacht", attempts=0,
                                       next_try_at=now, created_at=now))
    return True


def process_due(db, keys: KeyStore, *, now: datetime | None = None, limit: int = 20) -> int:  # noqa: ANN001
    """Send the grades that are due; returns how many were sent successfully."""
    now = now or utcnow()
    with db.read() as session:
        due = list(session.execute(select(SENDS.c.id).where(SENDS.c.status == "wacht", SENDS.c.next_try_at <= now)
                                   .order_by(SENDS.c.next_try_at).limit(limit)).scalars())
    sent = 0
    for send_id in due:
        with db.transaction() as conn:
            claimed = conn.execute(update(SENDS).where(SENDS.c.id == send_id, SENDS.c.status == "wacht",
                                                       SENDS.c.next_try_at <= now)
                                   .values(next_try_at=now + CLAIM_FOR)).rowcount
            row = conn.execute(select(SENDS).where(SENDS.c.id == send_id)).first() if claimed else None
            platform = platforms.get(conn, row.platform_id) if row is not None else None
        if row is None:
            continue
        result: dict[str, Any]
        try:
            if platform is None:
                raise ServiceError("leeromgeving niet meer geregistreerd")
            status = send_score(platform, keys.signing_key(), row.lineitem_url, row.user_sub, row.score, row.comment)
            result = {"status": "verstuurd", "last_result": f"ontvangen (HTTP {status})", "sent_at": utcnow()}
            sent += 1
        except ServiceError as exc:
            attempts = row.attempts + 1
            give_up = attempts >= MAX_ATTEMPTS
            result = {"status": "mislukt" if give_up else "wacht", "last_result": str(exc)[:500],
                      "next_try_at": utcnow() + backoff(attempts)}
            log.warning("grade send failed", extra={"send_id": send_id, "attempts": attempts, "gave_up": give_up})
        with db.transaction() as conn:
            conn.execute(update(SENDS).where(SENDS.c.id == send_id).values(attempts=row.attempts + 1, **result))
    return sent


def sends_for_group(conn, group_id: str) -> list[dict[str, Any]]:  # noqa: ANN001
    from bot.store.models import Student
    from bot.teaching.groups import MEMBERS

    students = Student.__table__
    rows = conn.execute(
        select(SENDS.c.id, SENDS.c.conversation_id, SENDS.c.score, SENDS.c.status, SENDS.c.attempts,
               SENDS.c.last_result, SENDS.c.created_at, SENDS.c.sent_at, SENDS.c.next_try_at,
               students.c.display_name.label("student_name"))
        .join(CONVERSATIONS, CONVERSATIONS.c.id == SENDS.c.conversation_id)
        .join(students, students.c.id == CONVERSATIONS.c.student_id)
        .join(MEMBERS, MEMBERS.c.student_id == CONVERSATIONS.c.student_id)
        .where(MEMBERS.c.group_id == group_id).order_by(SENDS.c.id.desc()).limit(200))
    return [dict(r._mapping) for r in rows]
