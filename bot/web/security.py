"""Signed session tokens and CSRF tokens (HMAC-SHA256 with the app's secret key).

A session token is `<student id>.<kind>.<issued unix time>.<signature>`; it is sent as
an HttpOnly cookie (browser) or as `Authorization: Bearer <token>` (API clients). The CSRF
token is derived from the student id, so any worker can check it without stored state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

SESSION_COOKIE = "oefengesprek_sessie"
CSRF_COOKIE = "oefengesprek_csrf"
CSRF_HEADER = "x-csrf-token"
# Default lifetime of a guest session (cookie and bearer token): see Settings.guest_session_hours.
TOKEN_MAX_AGE = 12 * 3600


def _sign(key: bytes, purpose: str, payload: str) -> str:
    mac = hmac.new(key, f"{purpose}|{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def make_session_token(key: bytes, student_id: str, kind: str, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    payload = f"{student_id}.{kind}.{issued}"
    return f"{payload}.{_sign(key, 'session', payload)}"


def read_session_token(
    key: bytes, token: str, now: float | None = None, max_age: int = TOKEN_MAX_AGE
) -> tuple[str, str] | None:
    """(student id, kind) for a valid token issued at most `max_age` seconds ago; None otherwise."""
    if not token or len(token) > 300:
        return None
    parts = token.split(".")
    if len(parts) != 4:
        return None
    student_id, kind, issued, signature = parts
    payload = f"{student_id}.{kind}.{issued}"
    if not hmac.compare_digest(signature, _sign(key, "session", payload)):
        return None
    try:
        age = (time.time() if now is None else now) - int(issued)
    except ValueError:
        return None
    if age > max_age or age < -300:
        return None
    return student_id, kind


def csrf_token(key: bytes, student_id: str) -> str:
    return _sign(key, "csrf", student_id)


def csrf_valid(key: bytes, student_id: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(presented, csrf_token(key, student_id))
