"""The queue of grades for platform gradebooks: a finished conversation (or a teacher's adjusted
score) that came from an LTI launch puts a row in `lti_grade_sends` (an outbox, bot.store.outbox:
sent by any worker, retried with back-off)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.lti import platforms
from bot.lti.keys import KeyStore
from bot.lti.services import ServiceError, send_score
from bot.store.lti_models import LtiGradeSend, LtiLaunch
from bot.store.models import Conversation, utcnow
from bot.store.outbox import DeliveryError, deliver

SENDS = LtiGradeSend.__table__
LAUNCHES = LtiLaunch.__table__
CONVERSATIONS = Conversation.__table__
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

    def send(row) -> str:  # noqa: ANN001
        with db.read() as session:
            platform = platforms.get(session, row.platform_id)
        if platform is None:
            raise DeliveryError("leeromgeving niet meer geregistreerd")
        try:
            status = send_score(platform, keys.signing_key(), row.lineitem_url, row.user_sub, row.score, row.comment)
        except ServiceError as exc:
            raise DeliveryError(str(exc)) from None
        return f"ontvangen (HTTP {status})"

    return deliver(db, SENDS, send, now=now, limit=limit)


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
