"""From a verified launch to our own users and klassen: a course (iss, deployment, context) is a
klas; LMS roles map to the same roles as a local sign-in (teacher or student). Names and e-mail
only when the platform sends them: with ids only everything works (anonymous launches)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select, update

from bot.lti.launch import Launch
from bot.store import repository as repo
from bot.store.lti_models import LtiContext, LtiLaunch
from bot.store.models import Student, utcnow
from bot.store.repository import new_id
from bot.store.teacher_models import GroupMember
from bot.teaching import accounts, groups

CONTEXTS = LtiContext.__table__
LAUNCHES = LtiLaunch.__table__
MEMBERS = GroupMember.__table__


@dataclass(frozen=True)
class Person:
    role: str  # teacher | student
    id: str  # teacher id or student id
    display_name: str
    group_id: str | None


def user_key(launch_or_iss, sub: str | None = None) -> str:  # noqa: ANN001
    issuer = launch_or_iss.platform.issuer if isinstance(launch_or_iss, Launch) else launch_or_iss
    return f"lti:{issuer}:{sub if sub is not None else launch_or_iss.sub}"[:255]


def context_group(conn, launch: Launch) -> str | None:  # noqa: ANN001
    """The klas of the launch's course (created on first launch), or None without a context."""
    context_id = launch.context.get("id")
    if not context_id:
        return None
    row = conn.execute(select(CONTEXTS.c.id, CONTEXTS.c.group_id).where(
        CONTEXTS.c.platform_id == launch.platform.id, CONTEXTS.c.deployment_id == launch.deployment_id,
        CONTEXTS.c.context_id == str(context_id))).first()
    title = launch.context.get("title") or launch.context.get("label") or "Cursus uit de leeromgeving"
    urls = {"memberships_url": launch.nrps.get("context_memberships_url"),
            "lineitems_url": launch.ags.get("lineitems")}
    if row is not None:
        conn.execute(update(CONTEXTS).where(CONTEXTS.c.id == row.id).values(
            title=str(title)[:255], **{k: v for k, v in urls.items() if v}))
        return row.group_id
    group_id = new_id()
    conn.execute(groups.GROUPS.insert().values(id=group_id, name=str(title)[:80], created_at=utcnow()))
    conn.execute(CONTEXTS.insert().values(id=new_id(), platform_id=launch.platform.id,
                                          deployment_id=launch.deployment_id, context_id=str(context_id),
                                          group_id=group_id, title=str(title)[:255], **urls))
    return group_id


def provision(conn, launch: Launch) -> Person:  # noqa: ANN001
    group_id = context_group(conn, launch)
    if launch.role == "teacher":
        teacher = accounts.external_teacher(conn, user_key(launch), launch.name or "Docent")
        if group_id:
            groups.add_teacher_to_group(conn, group_id, teacher.id)
        return Person("teacher", teacher.id, teacher.display_name, group_id)
    student = student_for(conn, launch.platform.issuer, launch.sub, launch.name)
    if group_id:
        add_member(conn, group_id, student.id)
    return Person("student", student.id, student.display_name, group_id)


def student_for(conn, issuer: str, sub: str, name: str | None) -> Student:  # noqa: ANN001
    """The student of this LMS user; without a name from the LMS: "Student" + a short number."""
    key = user_key(issuer, sub)
    existing = repo.student_by_external_id(conn, key)
    if existing is not None and not name:
        return existing
    fallback = existing.display_name if existing else f"Student {int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10000:04d}"
    return repo.get_or_create_external_student(conn, key, (name or fallback)[:80], kind="lti")


def add_member(conn, group_id: str, student_id: str) -> None:  # noqa: ANN001
    exists = conn.execute(select(MEMBERS.c.group_id).where(MEMBERS.c.group_id == group_id,
                                                           MEMBERS.c.student_id == student_id)).first()
    if exists is None:
        conn.execute(MEMBERS.insert().values(group_id=group_id, student_id=student_id, joined_at=utcnow()))


def remember_launch(conn, launch: Launch, student_id: str, scenario: str) -> None:  # noqa: ANN001
    """Where the grade of this student's next conversation in this scenario goes."""
    lineitem = launch.ags.get("lineitem")
    values = {"platform_id": launch.platform.id, "user_sub": launch.sub, "lineitem_url": lineitem,
              "resource_link_id": str(launch.resource_link.get("id")), "updated_at": utcnow()}
    done = conn.execute(update(LAUNCHES).where(LAUNCHES.c.student_id == student_id, LAUNCHES.c.scenario == scenario)
                        .values(**values)).rowcount
    if not done:
        conn.execute(LAUNCHES.insert().values(student_id=student_id, scenario=scenario, **values))
