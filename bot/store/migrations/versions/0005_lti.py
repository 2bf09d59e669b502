"""LTI 1.3: platforms, login states, nonces, course contexts (klassen), launches and the
queue of grades for the platform's gradebook; the queue of xAPI statements for an LRS.

Revision ID: 0005_lti
Revises: 0004_teacher_side
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_lti"
down_revision = "0004_teacher_side"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("deployment_ids", sa.JSON(), nullable=False),
        sa.Column("auth_login_url", sa.String(500), nullable=False),
        sa.Column("auth_token_url", sa.String(500), nullable=False),
        sa.Column("jwks_url", sa.String(500), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
    )
    op.create_table(
        "lti_states",
        sa.Column("state", sa.String(64), primary_key=True),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.String(36), sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("browser", sa.String(64), nullable=False),
        sa.Column("login", sa.JSON(), nullable=False),
        sa.Column("expires_at", TZ, nullable=False, index=True),
    )
    op.create_table(
        "lti_nonces",
        sa.Column("nonce", sa.String(255), primary_key=True),
        sa.Column("expires_at", TZ, nullable=False, index=True),
    )
    op.create_table(
        "lti_contexts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("platform_id", sa.String(36), sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("context_id", sa.String(255), nullable=False),
        sa.Column("group_id", sa.String(36), sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(255)),
        sa.Column("memberships_url", sa.String(500)),
        sa.Column("lineitems_url", sa.String(500)),
        sa.UniqueConstraint("platform_id", "deployment_id", "context_id", name="uq_lti_contexts_key"),
    )
    op.create_table(
        "lti_grade_sends",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("platform_id", sa.String(36), sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lineitem_url", sa.String(500), nullable=False),
        sa.Column("user_sub", sa.String(255), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_result", sa.String(500)),
        sa.Column("next_try_at", TZ, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
    )
    op.create_index("ix_lti_grade_sends_due", "lti_grade_sends", ["status", "next_try_at"])
    op.create_table(
        "lti_launches",
        sa.Column("student_id", sa.String(36), sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scenario", sa.String(120), primary_key=True),
        sa.Column("platform_id", sa.String(36), sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_sub", sa.String(255), nullable=False),
        sa.Column("lineitem_url", sa.String(500)),
        sa.Column("resource_link_id", sa.String(255), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "xapi_statements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_result", sa.String(500)),
        sa.Column("next_try_at", TZ, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
    )
    op.create_index("ix_xapi_statements_due", "xapi_statements", ["status", "next_try_at"])


def downgrade() -> None:
    for table in ("xapi_statements", "lti_launches", "lti_grade_sends", "lti_contexts", "lti_nonces", "lti_states", "lti_platforms"):
        op.drop_table(table)
