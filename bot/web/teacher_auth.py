"""Who the teacher is: the teacher session cookie (password login) or the school's trusted
login header with a teacher role. Form posts carry a CSRF token derived from the session."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from bot.teaching import accounts
from bot.teaching.accounts import TeacherInfo
from bot.web.errors import ApiError
from bot.web.security import _sign
from bot.web.settings import Settings

TEACHER_COOKIE = "oefengesprek_docent"
TEACHER_ROLES = {"docent", "teacher", "instructor", "staff", "mentor"}


class NotSignedIn(Exception):
    """No teacher session: pages redirect to the login page, the API answers 401."""


def _from_header(request: Request, settings: Settings) -> TeacherInfo | None:
    if not (settings.trusted_user_header and settings.trusted_role_header):
        return None
    user = (request.headers.get(settings.trusted_user_header) or "").strip()
    roles = {r.strip().lower() for r in (request.headers.get(settings.trusted_role_header) or "").replace(";", ",")
             .split(",")}
    if not user or not roles & TEACHER_ROLES or len(user) > 200:
        return None
    name = (request.headers.get(settings.trusted_name_header) if settings.trusted_name_header else None) or user
    key = f"header:{user}"
    # A read first: a known teacher with the same name needs no write transaction (as for students).
    with request.app.state.db.read() as session:
        found = accounts.find_external_teacher(session, key)
    if found is not None and found[1] and found[0].display_name == accounts.clean_external_name(name):
        return found[0]
    with request.app.state.db.transaction() as conn:
        return accounts.external_teacher(conn, key, name)


def _from_cookie(request: Request) -> TeacherInfo | None:
    token = request.cookies.get(TEACHER_COOKIE)
    if not token:
        return None
    with request.app.state.db.read() as session:
        return accounts.session_teacher(session, token)


def _lookup(request: Request) -> TeacherInfo | None:
    settings: Settings = request.app.state.settings
    return _from_header(request, settings) or _from_cookie(request)


async def optional_teacher(request: Request) -> TeacherInfo | None:
    return await run_in_threadpool(_lookup, request)


async def current_teacher(request: Request) -> TeacherInfo:
    teacher = await optional_teacher(request)
    if teacher is None:
        raise NotSignedIn()
    request.state.teacher = teacher
    return teacher


def csrf_for(request: Request, teacher: TeacherInfo, session_token: str | None = None) -> str:
    """The form token of this teacher session (`session_token`: a session opened by this response)."""
    key = request.app.state.settings.resolved_secret_key
    basis = session_token or request.cookies.get(TEACHER_COOKIE) or f"header:{teacher.id}"
    return _sign(key, "docent-csrf", basis)


def check_csrf(request: Request, teacher: TeacherInfo, presented: str | None) -> None:
    if not presented or not hmac.compare_digest(presented, csrf_for(request, teacher)):
        raise ApiError(403, "csrf_failed", "Beveiligingscontrole mislukt. Herlaad de pagina en probeer het opnieuw.")


TeacherDep = Annotated[TeacherInfo, Depends(current_teacher)]
