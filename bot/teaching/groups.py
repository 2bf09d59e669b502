"""Groups (klassen): join codes, members, teachers, assignments, and who may see whom.

A teacher sees a student only through a group they both belong to; every teacher query in
bot/teaching goes through `visible_student_ids` or `teacher_in_group`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.store.models import Student, as_utc, utcnow
from bot.store.ratelimit import hit
from bot.store.repository import new_id
from bot.store.teacher_models import Assignment, Group, GroupMember, GroupTeacher, Teacher
from bot.vocabulary import MODES

GROUPS = Group.__table__
MEMBERS = GroupMember.__table__
GROUP_TEACHERS = GroupTeacher.__table__
ASSIGNMENTS = Assignment.__table__
STUDENTS = Student.__table__
TEACHERS = Teacher.__table__

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud in a classroom
CODE_LENGTH = 4
CODE_LIFETIME = timedelta(days=14)
# Join attempts per 10 minutes: 10 per student and 120 per address (a whole class joins at once
# from the school's one public address). 31**4 = 923,521 codes: guessing one of even a hundred
# live codes takes ~9,000 tries on average, i.e. days to weeks at these rates.
JOIN_LIMIT_STUDENT = 10
JOIN_LIMIT_ADDRESS = 120
JOIN_WINDOW = 600


class GroupError(ValueError):
    """A Dutch message for the person at the keyboard."""


@dataclass(frozen=True)
class GroupInfo:
    id: str
    name: str
    join_code: str | None
    join_code_expires_at: datetime | None



def new_code() -> str:
    return "KLAS-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """'klas 7q4m', 'KLAS7Q4M' and '7Q4M' all mean KLAS-7Q4M."""
    code = "".join((code or "").split()).upper()[:20]
    return "KLAS-" + code.removeprefix("KLAS").lstrip("-")


def create_group(conn: Connection, name: str, teacher_id: str) -> GroupInfo:
    name = " ".join((name or "").split())
    if not name:
        raise GroupError("Geef de klas een naam.")
    if len(name) > 80:
        raise GroupError("Die naam is te lang (hoogstens 80 tekens).")
    group_id = new_id()
    conn.execute(GROUPS.insert().values(id=group_id, name=name, created_at=utcnow()))
    conn.execute(GROUP_TEACHERS.insert().values(group_id=group_id, teacher_id=teacher_id))
    return regenerate_code(conn, group_id)


def regenerate_code(conn: Connection, group_id: str, *, now: datetime | None = None) -> GroupInfo:
    """A fresh join code (the old one stops working), valid for CODE_LIFETIME."""
    now = now or utcnow()
    for _ in range(20):
        code = new_code()
        try:
            with conn.begin_nested():
                conn.execute(update(GROUPS).where(GROUPS.c.id == group_id)
                             .values(join_code=code, join_code_expires_at=now + CODE_LIFETIME))
        except IntegrityError:
            continue
        return get_group(conn, group_id)
    raise GroupError("Er kon geen nieuwe code gemaakt worden. Probeer het opnieuw.")


def get_group(conn, group_id: str) -> GroupInfo | None:  # noqa: ANN001
    row = conn.execute(select(GROUPS.c.id, GROUPS.c.name, GROUPS.c.join_code, GROUPS.c.join_code_expires_at)
                       .where(GROUPS.c.id == group_id)).first()
    return GroupInfo(row.id, row.name, row.join_code, as_utc(row.join_code_expires_at)) if row else None


def teacher_in_group(conn, teacher_id: str, group_id: str) -> bool:  # noqa: ANN001
    return conn.execute(select(GROUP_TEACHERS.c.group_id).where(
        GROUP_TEACHERS.c.group_id == group_id, GROUP_TEACHERS.c.teacher_id == teacher_id)).first() is not None


def teacher_groups(conn, teacher_id: str) -> list[dict]:  # noqa: ANN001
    members = (select(MEMBERS.c.group_id, func.count().label("n")).group_by(MEMBERS.c.group_id).subquery())
    rows = conn.execute(
        select(GROUPS.c.id, GROUPS.c.name, GROUPS.c.join_code, GROUPS.c.join_code_expires_at,
               func.coalesce(members.c.n, 0).label("students"))
        .join(GROUP_TEACHERS, GROUP_TEACHERS.c.group_id == GROUPS.c.id)
        .outerjoin(members, members.c.group_id == GROUPS.c.id)
        .where(GROUP_TEACHERS.c.teacher_id == teacher_id)
        .order_by(GROUPS.c.name)
    )
    return [{**r._mapping, "join_code_expires_at": as_utc(r.join_code_expires_at)} for r in rows]


def group_students(conn, group_id: str) -> list[dict]:  # noqa: ANN001
    rows = conn.execute(select(STUDENTS.c.id, STUDENTS.c.display_name, STUDENTS.c.kind, MEMBERS.c.joined_at)
                        .join(MEMBERS, MEMBERS.c.student_id == STUDENTS.c.id)
                        .where(MEMBERS.c.group_id == group_id).order_by(STUDENTS.c.display_name, STUDENTS.c.id))
    return [dict(r._mapping) for r in rows]


def group_teachers(conn, group_id: str) -> list[dict]:  # noqa: ANN001
    rows = conn.execute(select(TEACHERS.c.id, TEACHERS.c.display_name, TEACHERS.c.email)
                        .join(GROUP_TEACHERS, GROUP_TEACHERS.c.teacher_id == TEACHERS.c.id)
                        .where(GROUP_TEACHERS.c.group_id == group_id).order_by(TEACHERS.c.display_name))
    return [dict(r._mapping) for r in rows]


def add_teacher_to_group(conn: Connection, group_id: str, teacher_id: str) -> None:
    if not teacher_in_group(conn, teacher_id, group_id):
        conn.execute(GROUP_TEACHERS.insert().values(group_id=group_id, teacher_id=teacher_id))


def count_join_attempt(conn: Connection, student_id: str, address: str) -> None:
    """Count one join attempt per address and per student; raises RateLimited past the limit.
    Call in its own transaction, committed whether the code is right or not."""
    hit(conn, f"join:s:{student_id}", JOIN_LIMIT_STUDENT, JOIN_WINDOW)
    hit(conn, f"join:i:{address}", JOIN_LIMIT_ADDRESS, JOIN_WINDOW)


def join_group(conn: Connection, student_id: str, code: str, *, now: datetime | None = None) -> GroupInfo:
    """A student joins the group of a valid code (after count_join_attempt)."""
    code = normalise_code(code)
    row = conn.execute(select(GROUPS.c.id, GROUPS.c.join_code_expires_at).where(GROUPS.c.join_code == code)).first()
    if row is None or (as_utc(row.join_code_expires_at) or utcnow()) < (now or utcnow()):
        raise GroupError("Deze klascode bestaat niet of is verlopen. Vraag je docent om de juiste code.")
    exists = conn.execute(select(MEMBERS.c.group_id).where(MEMBERS.c.group_id == row.id,
                                                           MEMBERS.c.student_id == student_id)).first()
    if exists is None:
        conn.execute(MEMBERS.insert().values(group_id=row.id, student_id=student_id, joined_at=now or utcnow()))
    return get_group(conn, row.id)


def student_groups(conn, student_id: str) -> list[dict]:  # noqa: ANN001
    rows = conn.execute(select(GROUPS.c.id, GROUPS.c.name).join(MEMBERS, MEMBERS.c.group_id == GROUPS.c.id)
                        .where(MEMBERS.c.student_id == student_id).order_by(GROUPS.c.name))
    return [dict(r._mapping) for r in rows]


def remove_student(conn: Connection, group_id: str, student_id: str) -> None:
    conn.execute(delete(MEMBERS).where(MEMBERS.c.group_id == group_id, MEMBERS.c.student_id == student_id))


def visible_student_ids(teacher_id: str, group_id: str | None = None):  # noqa: ANN201
    """A subquery of the student ids this teacher may see (optionally within one group)."""
    stmt = (select(MEMBERS.c.student_id)
            .join(GROUP_TEACHERS, GROUP_TEACHERS.c.group_id == MEMBERS.c.group_id)
            .where(GROUP_TEACHERS.c.teacher_id == teacher_id))
    if group_id is not None:
        stmt = stmt.where(MEMBERS.c.group_id == group_id)
    return stmt


def teacher_sees_student(conn, teacher_id: str, student_id: str) -> bool:  # noqa: ANN001
    stmt = visible_student_ids(teacher_id).where(MEMBERS.c.student_id == student_id).limit(1)
    return conn.execute(stmt).first() is not None


# --- assignments --------------------------------------------------------------------------

def assign(conn: Connection, group_id: str, teacher_id: str, scenario: str, difficulty: str | None, mode: str,
           deadline: datetime | None) -> None:
    from bot.scenarios import get_scenario

    try:
        sc = get_scenario(scenario)
    except KeyError:
        raise GroupError("Dat scenario bestaat niet.") from None
    if difficulty and difficulty not in sc.difficulties:
        raise GroupError(f"Dat niveau bestaat niet voor dit scenario (kies uit {', '.join(sc.difficulties)}).")
    if mode not in MODES:
        raise GroupError("Kies oefenen of toets.")
    conn.execute(delete(ASSIGNMENTS).where(ASSIGNMENTS.c.group_id == group_id, ASSIGNMENTS.c.scenario == scenario))
    conn.execute(ASSIGNMENTS.insert().values(id=new_id(), group_id=group_id, scenario=scenario,
                                             difficulty=difficulty or None, mode=mode, deadline=deadline,
                                             created_by=teacher_id, created_at=utcnow()))


def unassign(conn: Connection, group_id: str, assignment_id: str) -> None:
    conn.execute(delete(ASSIGNMENTS).where(ASSIGNMENTS.c.group_id == group_id, ASSIGNMENTS.c.id == assignment_id))


def group_assignments(conn, group_id: str) -> list[dict]:  # noqa: ANN001
    rows = conn.execute(select(ASSIGNMENTS).where(ASSIGNMENTS.c.group_id == group_id)
                        .order_by(ASSIGNMENTS.c.deadline.is_(None), ASSIGNMENTS.c.deadline, ASSIGNMENTS.c.scenario))
    return [{**r._mapping, "deadline": as_utc(r.deadline)} for r in rows]


def student_assignments(conn, student_id: str) -> list[dict]:  # noqa: ANN001
    """The scenarios set for the student's groups (earliest deadline first), one per scenario."""
    rows = conn.execute(
        select(ASSIGNMENTS.c.scenario, ASSIGNMENTS.c.difficulty, ASSIGNMENTS.c.mode, ASSIGNMENTS.c.deadline,
               GROUPS.c.name.label("group"))
        .join(MEMBERS, MEMBERS.c.group_id == ASSIGNMENTS.c.group_id)
        .join(GROUPS, GROUPS.c.id == ASSIGNMENTS.c.group_id)
        .where(MEMBERS.c.student_id == student_id)
        .order_by(ASSIGNMENTS.c.deadline.is_(None), ASSIGNMENTS.c.deadline, ASSIGNMENTS.c.scenario)
    )
    seen: dict[str, dict] = {}
    for r in rows:
        seen.setdefault(r.scenario, {**r._mapping, "deadline": as_utc(r.deadline)})
    return list(seen.values())
