"""Deep Linking: a teacher picks scenarios in the tool and the tool answers the platform with a
signed LtiDeepLinkingResponse holding one ltiResourceLink per scenario (custom `scenario`,
`difficulty`, `mode`; optionally a gradebook line item of 100 points), echoing `data`.

Between the launch and the teacher's choice the deep-linking settings travel in the form as a
signed, short-lived ticket (HMAC with the app's secret key), so no state is kept in memory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import jwt

from bot.lti.keys import ToolKey
from bot.lti.launch import CLAIM, DL_CLAIM, Launch
from bot.lti.platforms import Platform
from bot.vocabulary import MODES  # noqa: F401 - the modes a deep link can ask for

TICKET_LIFETIME = 3600


class TicketError(ValueError):
    pass


def make_ticket(secret: bytes, launch: Launch, teacher_id: str) -> str:
    payload = {"p": launch.platform.id, "d": launch.deployment_id, "r": launch.deep_linking["deep_link_return_url"],
               "data": launch.deep_linking.get("data"), "t": teacher_id, "exp": int(time.time()) + TICKET_LIFETIME,
               "multi": bool(launch.deep_linking.get("accept_multiple", True)),
               "types": launch.deep_linking.get("accept_types") or ["ltiResourceLink"]}
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return body + "." + _mac(secret, body)


def read_ticket(secret: bytes, ticket: str) -> dict[str, Any]:
    body, _, mac = (ticket or "").partition(".")
    if not body or not hmac.compare_digest(mac, _mac(secret, body)):
        raise TicketError("Deze keuzepagina is ongeldig. Open het toevoegen opnieuw vanuit je leeromgeving.")
    payload = json.loads(base64.urlsafe_b64decode(body.encode()))
    if payload["exp"] < time.time():
        raise TicketError("Deze keuzepagina is verlopen. Open het toevoegen opnieuw vanuit je leeromgeving.")
    return payload


def _mac(secret: bytes, body: str) -> str:
    return hmac.new(secret, f"lti-dl|{body}".encode(), hashlib.sha256).hexdigest()


def content_item(scenario, launch_url: str, difficulty: str | None, mode: str, line_item: bool) -> dict[str, Any]:  # noqa: ANN001
    custom = {"scenario": scenario.id, "mode": mode}
    if difficulty:
        custom["difficulty"] = difficulty
    item: dict[str, Any] = {
        "type": "ltiResourceLink", "title": f"Oefengesprek: {scenario.title}", "url": launch_url,
        "text": f"Werkproces {', '.join(scenario.werkprocessen)}. {'Toets' if mode == 'toets' else 'Oefenen met tips'}.",
        "custom": custom,
    }
    if line_item:
        item["lineItem"] = {"scoreMaximum": 100, "label": f"Oefengesprek: {scenario.title}", "resourceId": scenario.id}
    return item


def response_jwt(platform: Platform, key: ToolKey, ticket: dict[str, Any], items: list[dict[str, Any]]) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id, "aud": platform.issuer, "iat": now, "exp": now + 600,
        "nonce": secrets.token_urlsafe(16), "azp": platform.client_id,
        CLAIM + "deployment_id": ticket["d"], CLAIM + "message_type": "LtiDeepLinkingResponse",
        CLAIM + "version": "1.3.0", DL_CLAIM + "content_items": items,
        DL_CLAIM + "msg": f"{len(items)} oefengesprek{'ken' if len(items) != 1 else ''} toegevoegd.",
    }
    if ticket.get("data") is not None:
        claims[DL_CLAIM + "data"] = ticket["data"]
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})
