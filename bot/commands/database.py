"""The database of the configured app (OEFENGESPREK_* settings), migrated, for CLI commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.store import migrate
from bot.store.db import Database


@contextmanager
def opened_database() -> Iterator[tuple[object, Database]]:
    """(settings, database) with the schema brought up to date, as `serve` does; closed after."""
    from bot.web.settings import Settings

    settings = Settings()
    db = Database(settings.resolved_database_url, pool_size=2)
    try:
        migrate.upgrade(db.engine)
        yield settings, db
    finally:
        db.dispose()
