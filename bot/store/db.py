"""Database engine and transactions: SQLite (embedded default) or PostgreSQL.

Write transactions serialise per conversation:
- PostgreSQL: `SELECT ... FOR UPDATE` on the conversation row (see repository.py).
- SQLite: every write transaction starts with `BEGIN IMMEDIATE`, which takes the
  database write lock up front; other writers (threads or worker processes) wait up to
  the busy timeout. WAL mode lets readers continue meanwhile.
  Within one process, writers also queue on a threading.Lock first: SQLite's busy handler
  polls with sleeps of up to 100 ms, a mutex hands over at once. The lock is an
  optimisation only; correctness across workers comes from the database lock.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000

# JSON columns (events, analyses, reports) are written compact and as UTF-8 rather than with
# json.dumps' defaults (", " separators, \u escapes): the same values, less text to make and
# store (a report encodes in two thirds of the time). Reading accepts either form.
_json_serializer = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def normalise_url(url: str) -> str:
    """Map plain PostgreSQL URLs to the psycopg 3 driver; leave others as they are."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, pool_size: int = 10, sqlite_begin: str = "DEFERRED") -> Engine:
    """An engine; on SQLite its transactions start with `BEGIN <sqlite_begin>` (DEFERRED or IMMEDIATE)."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=20,
            json_serializer=_json_serializer,
        )
        _install_sqlite_hooks(engine, sqlite_begin)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True, json_serializer=_json_serializer)


def _install_sqlite_hooks(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy (not the sqlite3 module) decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    # BEGIN is emitted by the dialect (this engine's own instance), not by a "begin" event
    # listener: any connection-event listener makes SQLAlchemy dispatch its events around
    # every statement, which cost more per turn than the BEGIN itself.
    statement = f"BEGIN {begin}"

    def do_begin(dbapi_connection) -> None:  # noqa: ANN001
        dbapi_connection.execute(statement)

    engine.dialect.do_begin = do_begin


class Database:
    """One per process: the engine plus session factories for reads and writes."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, pool_size=pool_size)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite writers get an engine (and pool) of their own whose transactions BEGIN IMMEDIATE.
        sqlite = is_sqlite(self.engine)
        self._write_engine = make_engine(self.url, pool_size=pool_size, sqlite_begin="IMMEDIATE") if sqlite else self.engine
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)
        self._write_mutex = threading.Lock() if sqlite else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self._write_mutex or nullcontext(), self._write() as session, session.begin():
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction on a Core Connection (the conversation write path): same locking
        and all-or-nothing commit as write(), without the ORM session around it."""
        with self._write_mutex or nullcontext(), self._write_engine.begin() as conn:
            yield conn

    def ping(self) -> bool:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True

    def dispose(self) -> None:
        self.engine.dispose()
        if self._write_engine is not self.engine:
            self._write_engine.dispose()
