"""The database of the configured app (OEFENGESPREK_* settings), migrated, for CLI commands."""

from __future__ import annotations

from bot.store import migrate
from bot.store.db import Database


def open_database():  # noqa: ANN201
    """(settings, database) with the schema brought up to date, as `serve` does."""
    from bot.web.settings import Settings

    settings = Settings()
    db = Database(settings.resolved_database_url, pool_size=2)
    migrate.upgrade(db.engine)
    return settings, db
