"""Registered LTI platforms (an LMS with its issuer, client id, deployments and endpoints)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from bot.store.lti_models import LtiPlatform
from bot.store.models import utcnow
from bot.store.repository import new_id

PLATFORMS = LtiPlatform.__table__


class PlatformError(ValueError):
    """A Dutch message for the administrator."""


@dataclass(frozen=True)
class Platform:
    id: str
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    auth_login_url: str
    auth_token_url: str
    jwks_url: str


def _url(value: str, what: str) -> str:
    parsed = urlparse(value or "")
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise PlatformError(f"{what} moet een volledige URL zijn (https://…): {value!r}")
    return value


def _row(r) -> Platform:  # noqa: ANN001
    return Platform(r.id, r.issuer, r.client_id, tuple(r.deployment_ids or ()), r.auth_login_url, r.auth_token_url,
                    r.jwks_url)


def add_platform(conn: Connection, *, issuer: str, client_id: str, deployment_ids: list[str], auth_login_url: str,
                 auth_token_url: str, jwks_url: str) -> Platform:
    """Register a platform, or add deployment ids and update the URLs of a registered one."""
    if not issuer or not client_id:
        raise PlatformError("--issuer en --client-id zijn verplicht.")
    if not deployment_ids or not all(d.strip() for d in deployment_ids):
        raise PlatformError("Geef minstens één --deployment-id.")
    urls = {"auth_login_url": _url(auth_login_url, "--auth-login-url"),
            "auth_token_url": _url(auth_token_url, "--auth-token-url"), "jwks_url": _url(jwks_url, "--jwks-url")}
    existing = find(conn, issuer, client_id)
    if existing is not None:
        merged = list(dict.fromkeys([*existing.deployment_ids, *deployment_ids]))
        conn.execute(update(PLATFORMS).where(PLATFORMS.c.id == existing.id).values(deployment_ids=merged, **urls))
        return find(conn, issuer, client_id)
    pid = new_id()
    conn.execute(PLATFORMS.insert().values(id=pid, issuer=issuer, client_id=client_id,
                                           deployment_ids=list(dict.fromkeys(deployment_ids)), created_at=utcnow(),
                                           **urls))
    return find(conn, issuer, client_id)


def find(conn, issuer: str, client_id: str | None) -> Platform | None:  # noqa: ANN001
    """The platform of this issuer (and client id; without one: the only registration of the issuer)."""
    stmt = select(PLATFORMS).where(PLATFORMS.c.issuer == issuer)
    if client_id:
        stmt = stmt.where(PLATFORMS.c.client_id == client_id)
    rows = conn.execute(stmt).all()
    return _row(rows[0]) if len(rows) == 1 else None


def get(conn, platform_id: str) -> Platform | None:  # noqa: ANN001
    row = conn.execute(select(PLATFORMS).where(PLATFORMS.c.id == platform_id)).first()
    return _row(row) if row else None


def all_platforms(conn) -> list[Platform]:  # noqa: ANN001
    return [_row(r) for r in conn.execute(select(PLATFORMS).order_by(PLATFORMS.c.issuer, PLATFORMS.c.client_id))]


def remove(conn: Connection, issuer: str, client_id: str) -> bool:
    return bool(conn.execute(delete(PLATFORMS).where(PLATFORMS.c.issuer == issuer,
                                                     PLATFORMS.c.client_id == client_id)).rowcount)


def frame_origins(conn) -> list[str]:  # noqa: ANN001
    """Origins of the registered platforms (for the CSP frame-ancestors of LTI pages)."""
    origins = []
    for p in all_platforms(conn):
        for url in (p.issuer, p.auth_login_url):
            parsed = urlparse(url)
            if parsed.scheme and parsed.netloc:
                origins.append(f"{parsed.scheme}://{parsed.netloc}")
    return list(dict.fromkeys(origins))
