"""A durable outbox: rows to send to another system (an LMS gradebook, an LRS), each with
`status` (wacht | verstuurd | mislukt), `attempts`, `next_try_at` and `last_result`. Any number
of workers may run `deliver`: a row is claimed by moving its `next_try_at` forward in one
UPDATE, so exactly one worker sends it; failures are retried with back-off."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, update

from bot.store.models import utcnow

log = logging.getLogger("oefengesprek.outbox")

MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=2)


class DeliveryError(Exception):
    """A failed send; the message is stored for the teacher or admin (no personal data in it)."""


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(0, attempts - 1), 6 * 3600))


def deliver(db, table: Table, send: Callable[[Any], str], *, now: datetime | None = None, limit: int = 20) -> int:  # noqa: ANN001
    """Send the due rows of `table` with `send(row) -> result text`; returns how many succeeded."""
    now = now or utcnow()
    key = table.c.id
    with db.read() as session:
        due = list(session.execute(select(key).where(table.c.status == "wacht", table.c.next_try_at <= now)
                                   .order_by(table.c.next_try_at).limit(limit)).scalars())
    delivered = 0
    for row_id in due:
        with db.transaction() as conn:
            claimed = conn.execute(update(table).where(key == row_id, table.c.status == "wacht",
                                                       table.c.next_try_at <= now)
                                   .values(next_try_at=now + CLAIM_FOR)).rowcount
            row = conn.execute(select(table).where(key == row_id)).first() if claimed else None
        if row is None:
            continue
        attempts = row.attempts + 1
        try:
            values: dict[str, Any] = {"status": "verstuurd", "last_result": send(row)[:500], "sent_at": utcnow()}
            delivered += 1
        except DeliveryError as exc:
            give_up = attempts >= MAX_ATTEMPTS
            values = {"status": "mislukt" if give_up else "wacht", "last_result": str(exc)[:500],
                      "next_try_at": utcnow() + backoff(attempts)}
            log.warning("delivery failed", extra={"outbox": table.name, "row": row_id, "attempts": attempts,
                                                  "gave_up": give_up})
        with db.transaction() as conn:
            conn.execute(update(table).where(key == row_id).values(attempts=attempts, **values))
    return delivered
