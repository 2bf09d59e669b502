"""Per-client rate limits with counters in the database, so every worker sees the same count.

Fixed one-minute (or one-hour) windows: `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`,
which SQLite (>= 3.35) and PostgreSQL both support. Call inside a write transaction.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import bindparam, delete, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.store.models import RateCounter


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


# Plain SQL, valid on SQLite (>= 3.35) and PostgreSQL; built once (building the ORM
# statement per request cost more than running it). "window" is reserved in PostgreSQL.
_UPSERT = text(
    'INSERT INTO rate_counters ("key", "window", "count") VALUES (:key, :window, 1) '
    'ON CONFLICT ("key", "window") DO UPDATE SET "count" = rate_counters."count" + 1 '
    'RETURNING "count"'
)


_CLEAN_UP = delete(RateCounter.__table__).where(RateCounter.__table__.c.window < bindparam("before"))


def hit(session: Connection | Session, key: str, limit: int, period: int = 60, *, now: float | None = None) -> int:
    """Count one request for `key`; raise RateLimited when the window already holds `limit`."""
    if limit <= 0:
        return 0
    now = time.time() if now is None else now
    window = int(now // period) * period  # window start, in seconds
    count = session.execute(_UPSERT, {"key": key, "window": window}).scalar_one()
    if random.random() < 0.01:  # occasional clean-up of old windows, no background task needed
        session.execute(_CLEAN_UP, {"before": int(now) - 2 * 3600})
    if count > limit:
        raise RateLimited(retry_after=max(1, int(window + period - now)))
    return count
