"""Per-client rate limits with counters in the database, so every worker sees the same count.

Fixed one-minute (or one-hour) windows: `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`,
which SQLite (>= 3.35) and PostgreSQL both support. Call inside a write transaction.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.store.models import RateCounter


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


def _insert(session: Session):  # noqa: ANN202
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def hit(session: Session, key: str, limit: int, period: int = 60, *, now: float | None = None) -> int:
    """Count one request for `key`; raise RateLimited when the window already holds `limit`."""
    if limit <= 0:
        return 0
    now = time.time() if now is None else now
    window = int(now // period) * period  # window start, in seconds
    insert = _insert(session)
    stmt = insert(RateCounter).values(key=key, window=window, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[RateCounter.key, RateCounter.window], set_={"count": RateCounter.count + 1}
    ).returning(RateCounter.count)
    count = session.execute(stmt).scalar_one()
    if random.random() < 0.01:  # occasional clean-up of old windows, no background task needed
        session.execute(delete(RateCounter).where(RateCounter.window < int(now) - 2 * 3600))
    if count > limit:
        raise RateLimited(retry_after=max(1, int(window + period - now)))
    return count
