"""Who is practising: local guests (name only) or a school's trusted proxy header."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from bot.store import repository as repo
from bot.store.ratelimit import RateLimited, hit
from bot.web.conversations import rate_limited
from bot.web.deps import DbDep, IdentityDep, SettingsDep, client_address, csrf_failed, token_identity
from bot.web.errors import ApiError, account_gone
from bot.web.schemas.accounts import GuestSession, Me, SignedOut
from bot.web.schemas.common import READ, SERVER, WRITE, errors
from bot.web.schemas.requests import GuestLogin
from bot.web.security import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrf_token, csrf_valid, make_session_token
from bot.web.settings import Settings
from bot.web.validation import clean_name

router = APIRouter(prefix="/api/v1", tags=["aanmelden"])


def cookie_policy(request: Request, settings: Settings) -> dict:
    """Secure when served over HTTPS; SameSite=None (+Partitioned) when embedded in an LMS over HTTPS."""
    https = request.url.scheme == "https"
    secure = settings.cookie_secure == "always" or (settings.cookie_secure == "auto" and https)
    embedding = bool(settings.frame_ancestor_list) and secure
    return {"secure": secure, "samesite": "none" if embedding else "lax", "partitioned": embedding}


def set_cookie(response: Response, name: str, value: str, *, max_age: int, httponly: bool, secure: bool,
               samesite: str, partitioned: bool) -> None:
    """Set a cookie (max_age 0 deletes it); add `Partitioned` (CHIPS) by hand, as Starlette supports
    it only on Python >= 3.14. A browser deletes a cookie only when the deletion carries the same
    attributes: a partitioned cookie in an LMS iframe needs `Secure; SameSite=None; Partitioned`."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=httponly, secure=secure, samesite=samesite,
                        expires=0 if max_age == 0 else None)
    if partitioned:
        key, header = response.raw_headers[-1]
        response.raw_headers[-1] = (key, header + b"; Partitioned")


@router.post("/guest", status_code=201, response_model=GuestSession, responses=errors(*WRITE),
             summary="Aanmelden als gast (alleen een naam)")
def guest_login(body: GuestLogin, request: Request, response: Response, settings: SettingsDep, db: DbDep) -> dict:
    if not settings.guest_access:
        raise ApiError(403, "guest_access_disabled", "Gasttoegang staat uit. Meld je aan via de omgeving van je school.")
    name = clean_name(body.display_name)
    with db.transaction() as conn:
        try:
            hit(conn, f"g:{client_address(request)}", settings.rate_limit_guests_per_hour, 3600)
        except RateLimited as exc:
            raise rate_limited(exc) from None
        student = repo.create_student(conn, name, kind="guest")
        student_id, display_name = student.id, student.display_name
    key = settings.resolved_secret_key
    token = make_session_token(key, student_id, "guest")
    csrf = csrf_token(key, student_id)
    policy = cookie_policy(request, settings)
    lifetime = settings.guest_session_seconds
    set_cookie(response, SESSION_COOKIE, token, max_age=lifetime, httponly=True, **policy)
    set_cookie(response, CSRF_COOKIE, csrf, max_age=lifetime, httponly=False, **policy)
    return {
        "student": {"id": student_id, "display_name": display_name, "kind": "guest"},
        "csrf_token": csrf,
        "token": token,
    }


@router.get("/me", response_model=Me, responses=errors(*READ),
            summary="Wie ben ik? (plus het CSRF-token voor schrijfverzoeken)")
def me(identity: IdentityDep, settings: SettingsDep, db: DbDep) -> dict:
    with db.read() as session:
        student = repo.get_student(session, identity.student_id)
        if student is None:
            raise account_gone()
        return {
            "student": {"id": student.id, "display_name": student.display_name, "kind": student.kind},
            "csrf_token": csrf_token(settings.resolved_secret_key, student.id),
            "guest_access": settings.guest_access,
        }


@router.post("/logout", response_model=SignedOut, responses=errors(403, 413, 415, *SERVER),
             summary="Afmelden (cookie wissen, ook in een LMS-iframe)")
@router.post("/auth/logout", include_in_schema=False)
def logout(request: Request, response: Response, settings: SettingsDep) -> dict:
    """Clears the session and CSRF cookies with the attributes they were set with. Works with an
    expired or unknown session too (there is nothing left to protect then); a valid cookie session
    needs its CSRF token, so another site cannot sign a student out."""
    try:
        identity = token_identity(request, settings)
    except ApiError:
        identity = None
    if identity is not None and identity.via == "cookie":
        if not csrf_valid(settings.resolved_secret_key, identity.student_id, request.headers.get(CSRF_HEADER)):
            raise csrf_failed()
    policy = cookie_policy(request, settings)
    set_cookie(response, SESSION_COOKIE, "", max_age=0, httponly=True, **policy)
    set_cookie(response, CSRF_COOKIE, "", max_age=0, httponly=False, **policy)
    return {"status": "afgemeld"}
