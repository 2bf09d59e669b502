"""The teacher's side: teachers and sessions, groups, assignments, judgements, audit log;
and per conversation the score and a small summary of its report (for lists and overviews).

Revision ID: 0004_teacher_side
Revises: 0003_idempotency
Create Date: 2026-12-07
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004_teacher_side"
down_revision = "0003_idempotency"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _load(value):  # noqa: ANN001, ANN202 - JSON comes back as text on some drivers
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def upgrade() -> None:
    op.create_table(
        "teachers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("email", sa.String(254), unique=True),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("external_id", sa.String(255), unique=True),
        sa.Column("setup_token_hash", sa.String(64), unique=True),
        sa.Column("setup_expires_at", TZ),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "teacher_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("teacher_id", sa.String(36), sa.ForeignKey("teachers.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("join_code", sa.String(20), unique=True),
        sa.Column("join_code_expires_at", TZ),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "group_teachers",
        sa.Column("group_id", sa.String(36), sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("teacher_id", sa.String(36), sa.ForeignKey("teachers.id", ondelete="CASCADE"), primary_key=True,
                  index=True),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(36), sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("student_id", sa.String(36), sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True,
                  index=True),
        sa.Column("joined_at", TZ, nullable=False),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("group_id", sa.String(36), sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("scenario", sa.String(120), nullable=False),
        sa.Column("difficulty", sa.String(20)),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("deadline", TZ),
        sa.Column("created_by", sa.String(36), sa.ForeignKey("teachers.id", ondelete="SET NULL")),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("group_id", "scenario", name="uq_assignments_group_scenario"),
    )
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("machine", sa.JSON()),
        sa.Column("verdict", sa.String(10)),
        sa.Column("correction", sa.JSON()),
        sa.Column("comment", sa.Text()),
        sa.Column("teacher_id", sa.String(36), sa.ForeignKey("teachers.id", ondelete="SET NULL")),
        sa.Column("teacher_name", sa.String(80), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_judgements_conversation_target", "judgements", ["conversation_id", "target", "created_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", TZ, nullable=False, index=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(80)),
        sa.Column("detail", sa.String(255)),
    )
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("score", sa.Integer()))
        batch.add_column(sa.Column("summary", sa.JSON()))
    # Backfill score and summary of finished conversations from their stored reports.
    from bot.store.repository import report_summary

    conn = op.get_bind()
    conversations = sa.table(
        "conversations", sa.column("id", sa.String), sa.column("report", sa.JSON), sa.column("score", sa.Integer),
        sa.column("summary", sa.JSON),
    )
    rows = conn.execute(sa.select(conversations.c.id, conversations.c.report).where(conversations.c.report.isnot(None)))
    for conv_id, report in rows.fetchall():
        report = _load(report) or {}
        score = report.get("score")
        conn.execute(
            conversations.update().where(conversations.c.id == conv_id).values(
                score=score if isinstance(score, int) else None, summary=report_summary(report)
            )
        )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35), not a batch copy of the table: copying
    # `conversations` on SQLite would drop it and cascade-delete its conversation_events.
    op.drop_column("conversations", "summary")
    op.drop_column("conversations", "score")
    for table in ("audit_log", "judgements", "assignments", "group_members", "group_teachers", "groups",
                  "teacher_sessions", "teachers"):
        op.drop_table(table)
