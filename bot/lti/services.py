"""Calls from the tool to the platform: an OAuth 2 access token by client-credentials JWT grant,
scores to a line item (Assignment and Grade Services) and the course roster (Names and Role
Provisioning Services). Blocking HTTP: call from a worker thread, never on the event loop."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import jwt

from bot.lti.keys import ToolKey
from bot.lti.platforms import Platform

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
TIMEOUT = 15


class ServiceError(Exception):
    """A failed call to the platform (message for the teacher's list of sends)."""


def access_token(platform: Platform, key: ToolKey, scopes: list[str], client: httpx.Client | None = None) -> str:
    now = int(time.time())
    assertion = jwt.encode(
        {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.auth_token_url, "iat": now,
         "exp": now + 300, "jti": secrets.token_urlsafe(16)},
        key.private_key, algorithm="RS256", headers={"kid": key.kid})
    data = {"grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion, "scope": " ".join(scopes)}
    try:
        response = (client or httpx).post(platform.auth_token_url, data=data, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise ServiceError(f"tokenserver onbereikbaar: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise ServiceError(f"tokenserver antwoordde {response.status_code}")
    token = response.json().get("access_token")
    if not token:
        raise ServiceError("tokenserver gaf geen access_token")
    return token


def scores_url(lineitem: str) -> str:
    parts = urlsplit(lineitem)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/scores", parts.query, parts.fragment))


def send_score(platform: Platform, key: ToolKey, lineitem: str, user_sub: str, score: int, comment: str | None,
               *, timestamp: datetime | None = None) -> int:
    """POST one score (0–100, FullyGraded, Completed); returns the platform's HTTP status."""
    body: dict[str, Any] = {
        "userId": user_sub, "scoreGiven": score, "scoreMaximum": 100,
        "activityProgress": "Completed", "gradingProgress": "FullyGraded",
        "timestamp": (timestamp or datetime.now(timezone.utc)).isoformat(timespec="milliseconds").replace("+00:00",
                                                                                                           "Z"),
    }
    if comment:
        body["comment"] = comment[:1000]
    with httpx.Client(timeout=TIMEOUT) as client:
        token = access_token(platform, key, [SCORE_SCOPE], client)
        try:
            response = client.post(scores_url(lineitem), json=body, headers={
                "authorization": f"Bearer {token}", "content-type": SCORE_TYPE})
        except httpx.HTTPError as exc:
            raise ServiceError(f"cijferlijst onbereikbaar: {type(exc).__name__}") from None
    if response.status_code not in (200, 201, 202, 204):
        raise ServiceError(f"cijferlijst antwoordde {response.status_code}")
    return response.status_code


def memberships(platform: Platform, key: ToolKey, url: str) -> list[dict[str, Any]]:
    """All members of the course (following `rel="next"` pages)."""
    members: list[dict[str, Any]] = []
    with httpx.Client(timeout=TIMEOUT) as client:
        token = access_token(platform, key, [MEMBERSHIP_SCOPE], client)
        next_url: str | None = url
        for _ in range(50):
            if not next_url:
                break
            try:
                response = client.get(next_url, headers={"authorization": f"Bearer {token}",
                                                         "accept": MEMBERSHIP_TYPE})
            except httpx.HTTPError as exc:
                raise ServiceError(f"deelnemerslijst onbereikbaar: {type(exc).__name__}") from None
            if response.status_code != 200:
                raise ServiceError(f"deelnemerslijst antwoordde {response.status_code}")
            members += [m for m in response.json().get("members", []) if isinstance(m, dict)]
            next_url = response.links.get("next", {}).get("url")
    return members
