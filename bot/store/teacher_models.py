"""Tables of the teacher's side: teachers and their sessions, groups (klassen), assignments,
teacher judgements on conversations, and the audit log.

Roles are tables, not sign-in methods: a teacher row is a teacher however the person signed
in (password, the school's trusted header, later an LMS launch); `external_id` holds the key
of a non-password sign-in (`header:<user>`, `lti:<iss>:<sub>`).

Judgements are append-only: the machine's judgement stays in the conversation (messages and
report); each teacher judgement is a new row with who and when, and the newest row per
target is the one shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow


class Teacher(Base):
    __tablename__ = "teachers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # sha256 of the one-time set-password token and its expiry (None once used)
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TeacherSession(Base):
    """A signed-in browser of a teacher; the cookie holds a random token, the table its sha256."""

    __tablename__ = "teacher_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    teacher_id: Mapped[str] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Group(Base):
    """A klas: students join with its code; one or more teachers see its students."""

    __tablename__ = "groups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    join_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    join_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GroupTeacher(Base):
    __tablename__ = "group_teachers"

    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    teacher_id: Mapped[str] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"), primary_key=True, index=True)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assignment(Base):
    """A scenario a teacher set for a group (shown first in the student's picker)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("group_id", "scenario", name="uq_assignments_group_scenario"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    scenario: Mapped[str] = mapped_column(String(120))
    difficulty: Mapped[str | None] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("teachers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Judgement(Base):
    """One teacher judgement on one target of a conversation (append-only).

    `target` names what is judged: `turn:<n>:labels`, `turn:<n>:verdict`, `check:<id>`,
    `turn:<n>:comment`, `conversation:comment`, `conversation:score`. `machine` is a copy of
    the machine's judgement at that moment, `verdict` is eens | deels | oneens (or None for a
    plain comment), `correction` what the teacher says it should be.
    """

    __tablename__ = "judgements"
    __table_args__ = (Index("ix_judgements_conversation_target", "conversation_id", "target", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(80))
    machine: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    verdict: Mapped[str | None] = mapped_column(String(10))
    correction: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    teacher_id: Mapped[str | None] = mapped_column(ForeignKey("teachers.id", ondelete="SET NULL"))
    teacher_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who viewed, exported or deleted which student's data (pseudonymised when the student goes)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))  # "docent:<id>", "cli", "systeem"
    action: Mapped[str] = mapped_column(String(40))  # bekeken | geexporteerd | verwijderd | ...
    subject: Mapped[str | None] = mapped_column(String(80))  # student id (or its pseudonym)
    detail: Mapped[str | None] = mapped_column(String(255))
