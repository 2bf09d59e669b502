"""Alembic migrations from an empty database: upgrade head, tables exist, downgrade works."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from bot.store import migrate
from bot.store.db import Database, normalise_url

TABLES = {"students", "conversations", "messages", "rate_counters"}


def test_normalise_url_maps_postgres_to_psycopg3():
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_upgrade_downgrade_roundtrip(database_url: str):
    db = Database(database_url, pool_size=1)
    try:
        assert not (TABLES & migrate.table_names(db.engine)), "database should start empty"
        migrate.upgrade(db.engine)
        assert TABLES <= migrate.table_names(db.engine)
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        cols = {c["name"] for c in inspect(db.engine).get_columns("messages")}
        assert {"conversation_id", "seq", "turn", "speaker", "text", "analysis", "hint", "created_at"} <= cols
        uniques = inspect(db.engine).get_unique_constraints("messages")
        assert any(set(u["column_names"]) == {"conversation_id", "seq"} for u in uniques)

        migrate.upgrade(db.engine)  # idempotent: a second start changes nothing
        assert migrate.current_revision(db.engine) == migrate.head_revision()

        migrate.downgrade(db.engine, "base")
        assert not (TABLES & migrate.table_names(db.engine))
        assert migrate.current_revision(db.engine) is None

        migrate.upgrade(db.engine)
        assert TABLES <= migrate.table_names(db.engine)
    finally:
        db.dispose()


def test_sqlite_uses_wal_and_busy_timeout(sqlite_url: str):
    db = Database(sqlite_url, pool_size=1)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_migrate_only_command_creates_the_database(tmp_path, monkeypatch):
    from bot.cli import main

    monkeypatch.delenv("OEFENGESPREK_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["serve", "--migrate-only", "--data-dir", str(tmp_path / "d")]) == 0
    db = Database(f"sqlite:///{tmp_path / 'd' / 'oefengesprek.sqlite3'}", pool_size=1)
    try:
        assert TABLES <= migrate.table_names(db.engine)
    finally:
        db.dispose()


@pytest.mark.parametrize("bad", ["postgresql://nobody@127.0.0.1:1/none"])
def test_migrate_only_reports_unreachable_database_in_dutch(bad, tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("OEFENGESPREK_DATABASE_URL", bad)
    assert main(["serve", "--migrate-only", "--data-dir", str(tmp_path)]) == 1
    assert "Kon de database niet bijwerken" in capsys.readouterr().err


def test_0002_splits_stored_states_into_header_and_events_and_back(database_url: str):
    """Conversations stored before 0002 keep their whole state (header in the row, events appended)."""
    import json

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from bot.store.models import Conversation

    state = {"version": 1, "sender_id": "s-1", "scenario": "2.3-inbound-printer", "difficulty": "gemiddeld",
             "seed": 1, "mode": "oefenen",
             "events": [{"event": "slot", "name": "x", "value": [1, 2]}, {"event": "user", "text": "hoi", "parse_data": {}}]}
    db = Database(database_url, pool_size=1)
    try:
        migrate.upgrade(db.engine, "0001_initial")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO students (id, display_name, kind, created_at) VALUES ('s', 'S', 'guest', CURRENT_TIMESTAMP)"))
            conn.execute(
                text("INSERT INTO conversations (id, student_id, scenario, mode, status, channel, state, message_count, "
                     "student_turns, created_at, updated_at) VALUES ('c', 's', '2.3-inbound-printer', 'oefenen', 'lopend', "
                     "'web', :state, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"state": json.dumps(state)},
            )
        migrate.upgrade(db.engine)
        with Session(db.engine) as s:
            conv = s.get(Conversation, "c")
            assert conv.event_count == 2
            assert "events" not in conv.state_header
            assert conv.state == state
        migrate.downgrade(db.engine, "0001_initial")
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT state FROM conversations WHERE id = 'c'")).scalar_one()
        assert (json.loads(stored) if isinstance(stored, str) else stored) == state
        assert "conversation_events" not in migrate.table_names(db.engine)
    finally:
        migrate.downgrade(db.engine, "base")
        db.dispose()


def test_sqlite_write_transactions_take_the_write_lock_at_begin(sqlite_url: str):
    """BEGIN IMMEDIATE for Database.transaction() and write(), BEGIN DEFERRED for reads."""
    import sqlite3

    from sqlalchemy import text

    db = Database(sqlite_url, pool_size=1)
    path = sqlite_url.removeprefix("sqlite:///")

    def other_writer_gets_the_lock() -> bool:
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()

    try:
        with db.transaction():
            assert not other_writer_gets_the_lock()
        with db.write() as session:
            session.connection()
            assert not other_writer_gets_the_lock()
        with db.read() as session:
            session.execute(text("SELECT 1"))
            assert other_writer_gets_the_lock()
        assert other_writer_gets_the_lock()
    finally:
        db.dispose()
