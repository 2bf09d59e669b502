"""All FastAPI dependencies in one place: settings, database, engine, identity, CSRF."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from bot.store import repository as repo
from bot.store.db import Database
from bot.web.conversations import Conversations, Identity
from bot.web.engine import ConversationEngine
from bot.web.errors import ApiError
from bot.web.security import CSRF_HEADER, SESSION_COOKIE, csrf_valid, read_session_token
from bot.web.settings import Settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The cheap dependencies are `async def`: FastAPI runs a plain `def` dependency in the thread
# pool, and each such hop cost more CPU than the dependency itself (about a millisecond per
# request under load). Only what touches the database runs in the pool.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_engine(request: Request) -> ConversationEngine:
    return request.app.state.engine


async def get_conversations(request: Request) -> Conversations:
    return request.app.state.conversations


def client_address(request: Request) -> str:
    return request.client.host if request.client else "onbekend"


def _header_identity(request: Request, settings: Settings, db: Database) -> Identity | None:
    header = settings.trusted_user_header
    if not header:
        return None
    external = (request.headers.get(header) or "").strip()
    if not external:
        return None
    if len(external) > 200:
        raise ApiError(400, "bad_identity", "De gebruikersnaam van je school is te lang.")
    name = (request.headers.get(settings.trusted_name_header) if settings.trusted_name_header else None) or external
    name = " ".join(name.split())[:80] or external[:80]
    with db.read() as session:
        student = repo.student_by_external_id(session, f"header:{external}")
        if student is not None and student.display_name == name:
            return Identity(student.id, student.display_name, "header", "header")
    with db.transaction() as conn:
        student = repo.get_or_create_external_student(conn, f"header:{external}", name, kind="header")
        return Identity(student.id, student.display_name, "header", "header")


def optional_identity(request: Request) -> Identity | None:
    """The caller's identity or None (blocking: the proxy-header path may use the database)."""
    settings: Settings = request.app.state.settings
    ident = _header_identity(request, settings, request.app.state.db)
    if ident is not None:
        return ident
    return token_identity(request, settings)


def token_identity(request: Request, settings: Settings) -> Identity | None:
    """Identity from the bearer token or session cookie (HMAC only, no I/O)."""
    key = settings.resolved_secret_key
    auth = request.headers.get("authorization", "")
    token, via = None, None
    if auth.lower().startswith("bearer "):
        token, via = auth[7:].strip(), "bearer"
    elif SESSION_COOKIE in request.cookies:
        token, via = request.cookies[SESSION_COOKIE], "cookie"
    if token is None:
        return None
    parsed = read_session_token(key, token, max_age=settings.guest_session_seconds)
    if parsed is None:
        raise ApiError(401, "invalid_session", "Je sessie is verlopen of ongeldig. Meld je opnieuw aan.")
    student_id, kind = parsed
    if kind == "guest" and not settings.guest_access:
        raise ApiError(403, "guest_access_disabled", "Gasttoegang staat uit. Meld je aan via je school.")
    return Identity(student_id, "", kind, via)


def csrf_failed() -> ApiError:
    return ApiError(
        403, "csrf_failed", "Beveiligingscontrole mislukt (CSRF-token ontbreekt of klopt niet). Herlaad de pagina."
    )


async def current_identity(request: Request) -> Identity:
    settings: Settings = request.app.state.settings
    if settings.trusted_user_header:
        ident = await run_in_threadpool(optional_identity, request)
    else:
        ident = token_identity(request, settings)
    if ident is None:
        if settings.guest_access:
            raise ApiError(401, "not_authenticated", "Je bent niet aangemeld. Vul eerst je naam in om te beginnen.")
        raise ApiError(401, "not_authenticated", "Je bent niet aangemeld. Meld je aan via de omgeving van je school.")
    if request.method not in SAFE_METHODS and ident.via in ("cookie", "header"):
        if not csrf_valid(settings.resolved_secret_key, ident.student_id, request.headers.get(CSRF_HEADER)):
            raise csrf_failed()
    return ident


IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY_CHARS = frozenset(map(chr, range(0x21, 0x7F)))


def check_idempotency_key(value: object) -> str | None:
    """The client's idempotency key (IETF draft `Idempotency-Key`, a string; the quotes of the
    structured-field form are optional): 1-255 visible ASCII characters, else a Dutch 400."""
    if value is None:
        return None
    key = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if key is not None and len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > 255 or not _KEY_CHARS.issuperset(key):
        raise ApiError(
            400, "invalid_idempotency_key",
            "De Idempotency-Key is ongeldig: gebruik 1 tot 255 zichtbare tekens (bijvoorbeeld een UUID).",
        )
    return key


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]
EngineDep = Annotated[ConversationEngine, Depends(get_engine)]
ConversationsDep = Annotated[Conversations, Depends(get_conversations)]
IdentityDep = Annotated[Identity, Depends(current_identity)]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        description="Eén sleutel per bericht (bijv. een UUID). Opnieuw versturen met dezelfde sleutel geeft het "
        "opgeslagen antwoord in plaats van een tweede beurt; dezelfde sleutel met een andere tekst geeft 422.",
    ),
]
