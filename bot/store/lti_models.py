"""Tables of the LTI 1.3 tool: registered platforms, one-time states and nonces of launches,
resource links (a placement of a scenario in a course), the course ↔ klas link, and the
durable queue of grades sent to the platform's gradebook (AGS)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow


class LtiPlatform(Base):
    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON)
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    jwks_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LtiState(Base):
    """An OIDC login in progress: `state` → nonce, bound to the browser by a cookie digest."""

    __tablename__ = "lti_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[str] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    browser: Mapped[str] = mapped_column(String(64))  # sha256 of the state cookie's value
    login: Mapped[dict[str, Any]] = mapped_column(JSON)  # the login request (for the new-window fallback)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LtiNonce(Base):
    """Nonces of accepted id_tokens: a second launch with the same nonce is a replay."""

    __tablename__ = "lti_nonces"

    nonce: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LtiContext(Base):
    """A course of a platform deployment; it is a klas (group) of ours."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id", "context_id", name="uq_lti_contexts_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str] = mapped_column(String(255))
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(255))
    memberships_url: Mapped[str | None] = mapped_column(String(500))
    lineitems_url: Mapped[str | None] = mapped_column(String(500))


class OutboxColumns:
    """The columns of an outbox row (bot.store.outbox): its state of delivery."""

    status: Mapped[str] = mapped_column(String(12), default="wacht")  # wacht | verstuurd | mislukt
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_result: Mapped[str | None] = mapped_column(String(500))
    next_try_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LtiGradeSend(OutboxColumns, Base):
    """One score to send to a line item (retried with back-off until it succeeds or gives up)."""

    __tablename__ = "lti_grade_sends"
    __table_args__ = (Index("ix_lti_grade_sends_due", "status", "next_try_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    lineitem_url: Mapped[str] = mapped_column(String(500))
    user_sub: Mapped[str] = mapped_column(String(255))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class LtiLaunch(Base):
    """The latest launch of a student into a scenario: where that scenario's grade goes."""

    __tablename__ = "lti_launches"

    student_id: Mapped[str] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(120), primary_key=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    user_sub: Mapped[str] = mapped_column(String(255))
    lineitem_url: Mapped[str | None] = mapped_column(String(500))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class XapiStatement(OutboxColumns, Base):
    """A `completed` statement for the school's LRS (outbox; only when an LRS is configured)."""

    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_due", "status", "next_try_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)
