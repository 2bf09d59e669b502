"""Storage: SQLAlchemy models, Alembic migrations, repositories, per-conversation locking."""

from bot.store import lti_models, teacher_models  # noqa: F401 - register their tables on Base.metadata
from bot.store.db import Database, make_engine, normalise_url

__all__ = ["Database", "make_engine", "normalise_url"]
