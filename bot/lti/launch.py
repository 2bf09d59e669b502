"""OIDC login initiation and id_token verification of an LTI 1.3 launch.

Every check of the LTI 1.3 core spec (section 5.1.3) is made here, each failure a LaunchError
with an HTTP status and a Dutch message; the token itself is never logged or stored. The
platform's JWKS is fetched over HTTP (run this in a worker thread, never on the event loop),
kept per process for a few minutes, and fetched again once when a `kid` is unknown.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlparse

import httpx
import jwt
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.lti import platforms
from bot.lti.platforms import Platform
from bot.store.lti_models import LtiNonce, LtiState
from bot.store.models import as_utc, utcnow

STATES = LtiState.__table__
NONCES = LtiNonce.__table__

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
STATE_LIFETIME = timedelta(minutes=10)
NONCE_LIFETIME = timedelta(hours=2)
LEEWAY = 60  # seconds of clock skew allowed on exp/iat
TEACHER_ROLES = ("#Instructor", "#Administrator", "#TeachingAssistant", "/Instructor", "/Administrator",
                 "/TeachingAssistant", "#ContentDeveloper", "#Mentor")
LEARNER_ROLES = ("#Learner", "/Learner", "#Student")


class LaunchError(Exception):
    def __init__(self, status: int, message: str, *, login: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.login = login  # set when the browser lost its state cookie: offer a new window


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- OIDC login initiation ----------------------------------------------------------------

@dataclass(frozen=True)
class LoginRedirect:
    url: str
    browser_token: str  # goes into the state cookie


def start_login(conn: Connection, params: dict[str, str], own_launch_urls: list[str]) -> LoginRedirect:
    """Check the third-party login request and make the redirect to the platform's authorisation."""
    issuer, login_hint, target = params.get("iss"), params.get("login_hint"), params.get("target_link_uri")
    if not issuer or not login_hint or not target:
        raise LaunchError(400, "De LMS stuurde een onvolledige aanmelding (iss, login_hint of target_link_uri ontbreekt).")
    platform = platforms.find(conn, issuer, params.get("client_id"))
    if platform is None:
        raise LaunchError(403, "Deze leeromgeving is niet bij Oefengesprek geregistreerd. Vraag de beheerder om hulp.")
    deployment = params.get("lti_deployment_id")
    if deployment and deployment not in platform.deployment_ids:
        raise LaunchError(403, "Deze koppeling (deployment) van de leeromgeving is niet geregistreerd.")
    if not _is_own_url(target, own_launch_urls):
        raise LaunchError(400, "Het doeladres van deze aanmelding hoort niet bij Oefengesprek.")
    state, nonce, browser = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    login = {k: params[k] for k in ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id",
                                    "lti_deployment_id") if params.get(k)}
    now = utcnow()
    conn.execute(delete(STATES).where(STATES.c.expires_at < now))
    conn.execute(STATES.insert().values(state=state, nonce=nonce, platform_id=platform.id, browser=digest(browser),
                                        login=login, expires_at=now + STATE_LIFETIME))
    query = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "client_id": platform.client_id, "redirect_uri": target, "login_hint": login_hint, "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return LoginRedirect(platform.auth_login_url + separator + urlencode(query), browser)


def _is_own_url(url: str, own: list[str]) -> bool:
    parsed = urlparse(url)
    return any((parsed.scheme, parsed.netloc, parsed.path) == (o.scheme, o.netloc, o.path)
               for o in map(urlparse, own))


# --- the platform's keys -------------------------------------------------------------------

class JwksCache:
    """Platform JWKS per URL, kept for `ttl` seconds; fetched again once on an unknown kid."""

    def __init__(self, ttl: float = 300.0, fetch=None) -> None:  # noqa: ANN001
        self.ttl = ttl
        self._fetch = fetch or self._http_get
        self._keys: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _http_get(url: str) -> dict[str, Any]:
        response = httpx.get(url, timeout=10, headers={"accept": "application/json"})
        response.raise_for_status()
        return response.json()

    def _load(self, url: str) -> dict[str, Any]:
        try:
            keys = {k["kid"]: k for k in self._fetch(url).get("keys", []) if isinstance(k, dict) and k.get("kid")}
        except (httpx.HTTPError, ValueError) as exc:
            raise LaunchError(502, "De sleutels van de leeromgeving konden niet worden opgehaald. Probeer het zo "
                                   "opnieuw.") from exc
        with self._lock:
            self._keys[url] = (time.monotonic(), keys)
        return keys

    def key(self, url: str, kid: str) -> dict[str, Any] | None:
        with self._lock:
            cached = self._keys.get(url)
        fresh = cached is not None and time.monotonic() - cached[0] < self.ttl
        keys = cached[1] if fresh else self._load(url)
        if kid not in keys and fresh:
            keys = self._load(url)  # the platform may have rotated its keys: once
        return keys.get(kid)


# --- the launch ------------------------------------------------------------------------------

@dataclass
class Launch:
    platform: Platform
    claims: dict[str, Any]
    message_type: str
    deployment_id: str
    sub: str
    role: str  # "teacher" or "student"
    name: str | None
    email: str | None
    context: dict[str, Any] = field(default_factory=dict)
    resource_link: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    ags: dict[str, Any] = field(default_factory=dict)
    nrps: dict[str, Any] = field(default_factory=dict)
    deep_linking: dict[str, Any] = field(default_factory=dict)


def role_of(roles: list[str]) -> str:
    """Instructor/Administrator/TeachingAssistant → teacher; anything else (Learner, none) → student."""
    if any(isinstance(r, str) and r.endswith(TEACHER_ROLES) for r in roles or []):
        return "teacher"
    return "student"


def verify_launch(conn: Connection, id_token: str | None, state: str | None, browser_token: str | None,
                  jwks: JwksCache) -> Launch:
    if not id_token or not state:
        raise LaunchError(400, "De leeromgeving stuurde geen geldige aanmelding (id_token of state ontbreekt).")
    row = conn.execute(select(STATES).where(STATES.c.state == state[:64])).first()
    if row is None or as_utc(row.expires_at) < utcnow():
        raise LaunchError(401, "Deze aanmelding is verlopen of al gebruikt. Open de opdracht opnieuw vanuit je "
                               "leeromgeving.")
    conn.execute(delete(STATES).where(STATES.c.state == row.state))  # one use
    if not browser_token:
        raise LaunchError(403, "Je browser blokkeert cookies in de leeromgeving.", login=dict(row.login))
    if not secrets.compare_digest(digest(browser_token), row.browser):
        raise LaunchError(403, "Deze aanmelding hoort bij een ander browservenster. Open de opdracht opnieuw.")
    platform = platforms.get(conn, row.platform_id)
    if platform is None:
        raise LaunchError(403, "Deze leeromgeving is niet (meer) geregistreerd.")
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise LaunchError(401, "De aanmelding van de leeromgeving is onleesbaar.") from None
    if header.get("alg") != "RS256":
        raise LaunchError(401, "De aanmelding is niet met RS256 ondertekend en wordt geweigerd.")
    jwk = jwks.key(platform.jwks_url, str(header.get("kid") or ""))
    if jwk is None:
        raise LaunchError(401, "De aanmelding is ondertekend met een onbekende sleutel van de leeromgeving.")
    try:
        key = jwt.PyJWK(jwk, algorithm="RS256").key
        claims = jwt.decode(id_token, key, algorithms=["RS256"], audience=platform.client_id, issuer=platform.issuer,
                            leeway=LEEWAY, options={"require": ["exp", "iat", "iss", "aud", "nonce"]})
    except jwt.ExpiredSignatureError:
        raise LaunchError(401, "De aanmelding is verlopen. Open de opdracht opnieuw vanuit je leeromgeving.") from None
    except jwt.InvalidAudienceError:
        raise LaunchError(401, "De aanmelding is niet voor Oefengesprek bedoeld (aud).") from None
    except jwt.InvalidIssuerError:
        raise LaunchError(401, "De aanmelding komt niet van de geregistreerde leeromgeving (iss).") from None
    except jwt.MissingRequiredClaimError as exc:
        raise LaunchError(401, f"De aanmelding mist het verplichte veld '{exc.claim}'.") from None
    except jwt.exceptions.InvalidSubjectError:
        raise LaunchError(401, "De aanmelding zegt niet wie je bent (sub ontbreekt of is ongeldig).") from None
    except jwt.InvalidSignatureError:
        raise LaunchError(401, "De handtekening van de aanmelding klopt niet.") from None
    except jwt.PyJWTError:
        raise LaunchError(401, "De aanmelding van de leeromgeving is ongeldig.") from None
    aud = claims.get("aud")
    if isinstance(aud, list) and (len(aud) > 1 or "azp" in claims) and claims.get("azp") != platform.client_id:
        raise LaunchError(401, "De aanmelding is niet voor Oefengesprek bedoeld (azp).")
    if not secrets.compare_digest(str(claims.get("nonce")), row.nonce):
        raise LaunchError(401, "De aanmelding hoort niet bij dit aanmeldverzoek (nonce).")
    deployment = claims.get(CLAIM + "deployment_id")
    if deployment not in platform.deployment_ids:
        raise LaunchError(403, "Deze koppeling (deployment) van de leeromgeving is niet geregistreerd.")
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LaunchError(400, "Alleen LTI 1.3.0 wordt ondersteund.")
    message_type = claims.get(CLAIM + "message_type")
    if message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchError(400, "Dit soort LTI-bericht wordt niet ondersteund.")
    resource_link = claims.get(CLAIM + "resource_link") or {}
    if message_type == RESOURCE_LINK and not (isinstance(resource_link, dict) and resource_link.get("id")):
        raise LaunchError(400, "De aanmelding mist de koppeling (resource_link.id).")
    deep = claims.get(DL_CLAIM + "deep_linking_settings") or {}
    if message_type == DEEP_LINKING and not (isinstance(deep, dict) and deep.get("deep_link_return_url")):
        raise LaunchError(400, "De aanmelding mist het terugkeeradres voor het kiezen van inhoud.")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise LaunchError(401, "De aanmelding zegt niet wie je bent (sub ontbreekt).")
    try:  # a replayed token: its nonce was used before
        with conn.begin_nested():
            conn.execute(NONCES.insert().values(nonce=f"{platform.id}:{claims['nonce']}"[:255],
                                                expires_at=utcnow() + NONCE_LIFETIME))
    except IntegrityError:
        raise LaunchError(401, "Deze aanmelding is al gebruikt.") from None
    conn.execute(delete(NONCES).where(NONCES.c.expires_at < utcnow()))
    roles = claims.get(CLAIM + "roles") or []
    role = role_of(roles if isinstance(roles, list) else [])
    if message_type == DEEP_LINKING and role != "teacher":
        raise LaunchError(403, "Alleen docenten kunnen oefengesprekken aan de cursus toevoegen.")
    return Launch(
        platform=platform, claims=claims, message_type=message_type, deployment_id=deployment, sub=sub, role=role,
        name=claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")])) or None,
        email=claims.get("email"), context=_dict(claims.get(CLAIM + "context")), resource_link=_dict(resource_link),
        custom=_dict(claims.get(CLAIM + "custom")), ags=_dict(claims.get(AGS_CLAIM)), nrps=_dict(claims.get(NRPS_CLAIM)),
        deep_linking=_dict(deep),
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
