"""Unit tests of bot/teaching on a fresh SQLite database: expiry of codes, links and sessions,
the overview's aggregation, the persona chart, and the CSV's formula guard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Conversation, Student, utcnow
from bot.teaching import accounts, groups, overview
from bot.teaching.exports import _cell
from bot.teaching.transcript import persona_chart


@pytest.fixture()
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 't.sqlite3'}")
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def test_codes_are_normalised_the_way_students_type_them() -> None:
    for typed in ("klas-7q4m", "KLAS 7Q4M", "7q4m", " klas7q4m "):
        assert groups.normalise_code(typed) == "KLAS-7Q4M"
    assert all(ch not in groups.CODE_ALPHABET for ch in "01OIL")


def test_expired_join_code_is_refused(db) -> None:
    with db.transaction() as conn:
        teacher, _ = accounts.add_teacher(conn, "a@school.nl", "A")
        group = groups.create_group(conn, "Klas", teacher.id)
        conn.execute(Student.__table__.insert().values(id="s1", display_name="S", kind="guest", created_at=utcnow()))
    later = utcnow() + groups.CODE_LIFETIME + timedelta(minutes=1)
    with db.transaction() as conn, pytest.raises(groups.GroupError, match="verlopen"):
        groups.join_group(conn, "s1", group.join_code, now=later)
    with db.transaction() as conn:
        assert groups.join_group(conn, "s1", group.join_code).id == group.id


def test_setup_link_and_session_expire(db) -> None:
    with db.transaction() as conn:
        teacher, token = accounts.add_teacher(conn, "b@school.nl", "B")
    late = utcnow() + accounts.SETUP_LIFETIME + timedelta(minutes=1)
    with db.transaction() as conn, pytest.raises(accounts.AccountError, match="verlopen"):
        accounts.set_password(conn, token, "een-lang-wachtwoord", now=late)
    with db.transaction() as conn:
        accounts.set_password(conn, token, "een-lang-wachtwoord")
        session = accounts.open_session(conn, teacher.id)
    with db.read() as s:
        assert accounts.session_teacher(s, session).id == teacher.id
        assert accounts.session_teacher(s, session, now=utcnow() + accounts.SESSION_LIFETIME + timedelta(seconds=1)) is None
        assert accounts.session_teacher(s, "verzonnen") is None


def test_email_and_name_are_checked() -> None:
    with pytest.raises(accounts.AccountError, match="e-mailadres"):
        accounts.normalise_email("geen-adres")
    with pytest.raises(accounts.AccountError, match="naam"):
        accounts.clean_display_name("  \u200b ")


def test_overview_takes_the_latest_and_the_best_per_competency(db) -> None:
    with db.transaction() as conn:
        teacher, _ = accounts.add_teacher(conn, "c@school.nl", "C")
        group = groups.create_group(conn, "Klas", teacher.id)
        conn.execute(Student.__table__.insert().values(id="s1", display_name="Sanne", kind="guest", created_at=utcnow()))
        groups.join_group(conn, "s1", group.join_code)
        for n, (score, comp, missed) in enumerate([(70, 80, [["klacht", 2]]), (40, 50, [["klacht", 3],
                                                                                      ["weerstand.prijs", 4]])]):
            conn.execute(Conversation.__table__.insert().values(
                id=f"c{n}", student_id="s1", scenario="2.3-inbound-printer", mode="oefenen", status="afgerond",
                channel="web", event_count=0, message_count=0, student_turns=3, score=score, state={},
                summary={"competencies": {"Presenteren": comp, "Analyseren": None}, "missed": missed},
                created_at=utcnow(), updated_at=utcnow(), finished_at=utcnow() + timedelta(minutes=n)))
    with db.read() as s:
        data = overview.group_overview(s, group.id)
        progress = overview.student_progress(s, group.id, "s1")
    row = data["rows"][0]
    assert row["latest"] == {"Presenteren": 50, "Totaal": 40} and row["best"] == {"Presenteren": 80, "Totaal": 70}
    assert data["competencies"] == ["Presenteren"] and row["attempts"] == 2
    assert data["missed"][0] == {"signal": "klacht", "count": 2, "examples": [
        {"conversation_id": "c0", "turn": 2}, {"conversation_id": "c1", "turn": 3}]}
    assert [a["score"] for a in progress["attempts"]] == [70, 40] and progress["competencies"] == ["Presenteren"]


def test_persona_chart_scales_values_into_the_box() -> None:
    chart = persona_chart({"interesse": [0.0, 0.5, 1.0], "irritatie": [None, 0.2, 0.2]})
    interest = chart["lines"][0]
    xs_ys = [tuple(map(float, p.split(","))) for p in interest["points"].split()]
    assert xs_ys[0][1] > xs_ys[1][1] > xs_ys[2][1]  # higher interest is drawn higher
    assert all(0 <= x <= chart["width"] and 0 <= y <= chart["height"] for x, y in xs_ys)
    assert chart["lines"][1]["scores"] == ["–", "20", "20"] and persona_chart({}) is None


def test_csv_cells_cannot_start_a_formula() -> None:
    assert _cell("=1+1") == "'=1+1" and _cell("@SUM(A1)") == "'@SUM(A1)" and _cell("Zoë") == "Zoë"
