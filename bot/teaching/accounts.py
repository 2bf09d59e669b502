"""Teacher accounts: argon2 passwords, one-time set-password links, revocable sessions,
login throttling, and teachers from the school's trusted login header.

A teacher is a row of `teachers` however the person signs in; the sign-in method only decides
how the row is found (e-mail + password, `external_id` `header:<user>`, later `lti:...`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from bot.store.models import as_utc, utcnow
from bot.store.ratelimit import RateLimited, hit
from bot.store.repository import new_id
from bot.store.teacher_models import Teacher, TeacherSession

TEACHERS = Teacher.__table__
SESSIONS = TeacherSession.__table__

SESSION_LIFETIME = timedelta(hours=12)
SETUP_LIFETIME = timedelta(days=7)
MIN_PASSWORD_LENGTH = 10
# Failed or not, every login attempt counts: per account 10 and per address 30 per 15 minutes.
LOGIN_LIMIT_ACCOUNT = 10
LOGIN_LIMIT_ADDRESS = 30
LOGIN_WINDOW = 15 * 60

_hasher = PasswordHasher()
# Verified when the e-mail address is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A Dutch message for the person at the keyboard."""


@dataclass(frozen=True)
class TeacherInfo:
    id: str
    display_name: str
    email: str | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()



def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError("Dat is geen geldig e-mailadres.")
    return email


def clean_display_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or not any(ch.isalnum() for ch in name):
        raise AccountError("Vul een naam in.")
    if len(name) > 80:
        raise AccountError("Die naam is te lang (hoogstens 80 tekens).")
    return name


def add_teacher(conn: Connection, email: str, display_name: str, *, now: datetime | None = None) -> tuple[TeacherInfo, str]:
    """Create a teacher without a password; returns the teacher and the one-time setup token."""
    email = normalise_email(email)
    display_name = clean_display_name(display_name)
    if conn.execute(select(TEACHERS.c.id).where(TEACHERS.c.email == email)).first():
        raise AccountError(f"Er bestaat al een docent met het e-mailadres {email}.")
    teacher_id = new_id()
    now = now or utcnow()
    conn.execute(TEACHERS.insert().values(id=teacher_id, display_name=display_name, email=email, active=True,
                                          created_at=now))
    token = issue_setup_token(conn, teacher_id, now=now)
    return TeacherInfo(teacher_id, display_name, email), token


def issue_setup_token(conn: Connection, teacher_id: str, *, now: datetime | None = None) -> str:
    """A new one-time set-password token (an older unused one stops working)."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    conn.execute(update(TEACHERS).where(TEACHERS.c.id == teacher_id).values(
        setup_token_hash=_digest(token), setup_expires_at=now + SETUP_LIFETIME))
    return token


def teacher_for_setup(conn: Connection, token: str, *, now: datetime | None = None) -> TeacherInfo | None:
    row = conn.execute(select(TEACHERS.c.id, TEACHERS.c.display_name, TEACHERS.c.email, TEACHERS.c.setup_expires_at)
                       .where(TEACHERS.c.setup_token_hash == _digest(token or ""))).first()
    if row is None or (as_utc(row.setup_expires_at) or utcnow()) < (now or utcnow()):
        return None
    return TeacherInfo(row.id, row.display_name, row.email)


def set_password(conn: Connection, token: str, password: str, *, now: datetime | None = None) -> TeacherInfo:
    """Use the one-time token to set the password; every open session of the teacher ends."""
    teacher = teacher_for_setup(conn, token, now=now)
    if teacher is None:
        raise AccountError("Deze link is verlopen of al gebruikt. Vraag de beheerder om een nieuwe.")
    check_password_strength(password)
    conn.execute(update(TEACHERS).where(TEACHERS.c.id == teacher.id).values(
        password_hash=_hasher.hash(password), setup_token_hash=None, setup_expires_at=None))
    revoke_sessions(conn, teacher.id, now=now)
    return teacher


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.")
    if len(password) > 200:
        raise AccountError("Dat wachtwoord is te lang (hoogstens 200 tekens).")


def count_login_attempt(conn: Connection, email: str, address: str, *, now: float | None = None) -> None:
    """Count one login attempt per account and per address; raises RateLimited past a limit.
    Call in its own transaction, committed whatever the password check says."""
    email_key = (email or "").strip().lower()[:254]
    hit(conn, f"tl:a:{email_key}", LOGIN_LIMIT_ACCOUNT, LOGIN_WINDOW, now=now)
    hit(conn, f"tl:i:{address}", LOGIN_LIMIT_ADDRESS, LOGIN_WINDOW, now=now)


def authenticate(conn: Connection, email: str, password: str) -> TeacherInfo:
    """Check e-mail and password (after count_login_attempt). AccountError for a wrong
    combination, with the same message whether the address exists or not."""
    email_key = (email or "").strip().lower()[:254]
    row = conn.execute(select(TEACHERS.c.id, TEACHERS.c.display_name, TEACHERS.c.email, TEACHERS.c.password_hash,
                              TEACHERS.c.active).where(TEACHERS.c.email == email_key)).first()
    stored = row.password_hash if row is not None and row.active and row.password_hash else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None or stored is _DUMMY_HASH:
        raise AccountError("E-mailadres of wachtwoord klopt niet.")
    if _hasher.check_needs_rehash(stored):
        conn.execute(update(TEACHERS).where(TEACHERS.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return TeacherInfo(row.id, row.display_name, row.email)


def open_session(conn: Connection, teacher_id: str, *, now: datetime | None = None) -> str:
    """A new session; returns the token for the cookie (only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    conn.execute(SESSIONS.insert().values(token_hash=_digest(token), teacher_id=teacher_id, created_at=now,
                                          expires_at=now + SESSION_LIFETIME))
    return token


def session_teacher(conn, token: str | None, *, now: datetime | None = None) -> TeacherInfo | None:  # noqa: ANN001
    """The teacher of a valid, unrevoked, unexpired session token; None otherwise."""
    if not token or len(token) > 100:
        return None
    row = conn.execute(
        select(TEACHERS.c.id, TEACHERS.c.display_name, TEACHERS.c.email, TEACHERS.c.active, SESSIONS.c.expires_at,
               SESSIONS.c.revoked_at)
        .join(SESSIONS, SESSIONS.c.teacher_id == TEACHERS.c.id)
        .where(SESSIONS.c.token_hash == _digest(token))
    ).first()
    if row is None or row.revoked_at is not None or not row.active:
        return None
    if as_utc(row.expires_at) < (now or utcnow()):
        return None
    return TeacherInfo(row.id, row.display_name, row.email)


def end_session(conn: Connection, token: str, *, now: datetime | None = None) -> None:
    conn.execute(update(SESSIONS).where(SESSIONS.c.token_hash == _digest(token), SESSIONS.c.revoked_at.is_(None))
                 .values(revoked_at=now or utcnow()))


def revoke_sessions(conn: Connection, teacher_id: str, *, now: datetime | None = None) -> int:
    """End every open session of a teacher (e.g. a lost laptop); returns how many."""
    result = conn.execute(update(SESSIONS).where(SESSIONS.c.teacher_id == teacher_id, SESSIONS.c.revoked_at.is_(None))
                          .values(revoked_at=now or utcnow()))
    return result.rowcount or 0


def teacher_by_email(conn, email: str) -> TeacherInfo | None:  # noqa: ANN001
    row = conn.execute(select(TEACHERS.c.id, TEACHERS.c.display_name, TEACHERS.c.email)
                       .where(TEACHERS.c.email == (email or "").strip().lower())).first()
    return TeacherInfo(*row) if row is not None else None


def clean_external_name(display_name: str | None) -> str:
    return " ".join((display_name or "").split())[:80] or "Docent"


def find_external_teacher(conn, external_id: str) -> tuple[TeacherInfo, bool] | None:  # noqa: ANN001
    """(teacher, active) behind a trusted sign-in, or None when not seen before (read only)."""
    row = conn.execute(select(TEACHERS.c.id, TEACHERS.c.display_name, TEACHERS.c.email, TEACHERS.c.active)
                       .where(TEACHERS.c.external_id == external_id)).first()
    return (TeacherInfo(row.id, row.display_name, row.email), row.active) if row is not None else None


def external_teacher(conn: Connection, external_id: str, display_name: str) -> TeacherInfo:
    """The teacher behind a trusted sign-in (`header:<user>`, `lti:<iss>:<sub>`), created on first sight."""
    found = find_external_teacher(conn, external_id)
    name = clean_external_name(display_name)
    if found is None:
        teacher_id = new_id()
        conn.execute(TEACHERS.insert().values(id=teacher_id, display_name=name, external_id=external_id, active=True,
                                              created_at=utcnow()))
        return TeacherInfo(teacher_id, name, None)
    teacher, active = found
    if not active:
        raise AccountError("Dit docentaccount is uitgeschakeld.")
    if display_name and teacher.display_name != name:
        conn.execute(update(TEACHERS).where(TEACHERS.c.id == teacher.id).values(display_name=name))
    return TeacherInfo(teacher.id, name, teacher.email)


def list_teachers(conn) -> list[dict]:  # noqa: ANN001
    rows = conn.execute(select(TEACHERS.c.id, TEACHERS.c.display_name, TEACHERS.c.email, TEACHERS.c.external_id,
                               TEACHERS.c.password_hash.isnot(None).label("has_password"), TEACHERS.c.active)
                        .order_by(TEACHERS.c.display_name))
    return [dict(r._mapping) for r in rows]


__all__ = [
    "AccountError", "RateLimited", "TeacherInfo", "add_teacher", "authenticate", "count_login_attempt", "end_session", "external_teacher",
    "issue_setup_token", "list_teachers", "open_session", "revoke_sessions", "session_teacher", "set_password",
    "teacher_by_email", "teacher_for_setup",
]
