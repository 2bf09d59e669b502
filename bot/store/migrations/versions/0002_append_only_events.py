"""Append-only conversation events: a turn stores only its new Rasa events.

`conversations.state` keeps the state without its events (the header); the events move to
`conversation_events` (one row per turn: the events from index `start` on);
`conversations.event_count` says how many there are. Existing conversations are split here.

Revision ID: 0002_append_only_events
Revises: 0001_initial
Create Date: 2026-11-27
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002_append_only_events"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def _load(value):  # noqa: ANN001, ANN202 - JSON comes back as text on some drivers
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def upgrade() -> None:
    op.create_table(
        "conversation_events",
        sa.Column(
            "conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("start", sa.Integer(), primary_key=True),
        sa.Column("events", sa.JSON(), nullable=False),
    )
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("event_count", sa.Integer(), nullable=False, server_default="0"))
    conn = op.get_bind()
    conversations = sa.table(
        "conversations", sa.column("id", sa.String), sa.column("state", sa.JSON), sa.column("event_count", sa.Integer)
    )
    chunks = sa.table(
        "conversation_events", sa.column("conversation_id", sa.String), sa.column("start", sa.Integer),
        sa.column("events", sa.JSON),
    )
    for conv_id, state in conn.execute(sa.select(conversations.c.id, conversations.c.state)).all():
        state = _load(state) or {}
        events = list(state.pop("events", None) or [])
        if events:
            conn.execute(sa.insert(chunks).values(conversation_id=conv_id, start=0, events=events))
        conn.execute(
            sa.update(conversations).where(conversations.c.id == conv_id).values(state=state, event_count=len(events))
        )


def downgrade() -> None:
    conn = op.get_bind()
    conversations = sa.table("conversations", sa.column("id", sa.String), sa.column("state", sa.JSON))
    chunks = sa.table(
        "conversation_events", sa.column("conversation_id", sa.String), sa.column("start", sa.Integer),
        sa.column("events", sa.JSON),
    )
    for conv_id, header in conn.execute(sa.select(conversations.c.id, conversations.c.state)).all():
        events: list = []
        rows = conn.execute(
            sa.select(chunks.c.events).where(chunks.c.conversation_id == conv_id).order_by(chunks.c.start)
        ).all()
        for (chunk,) in rows:
            events.extend(_load(chunk) or [])
        conn.execute(
            sa.update(conversations).where(conversations.c.id == conv_id)
            .values(state={**(_load(header) or {}), "events": events})
        )
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("event_count")
    op.drop_table("conversation_events")
