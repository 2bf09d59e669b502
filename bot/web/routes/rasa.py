"""Rasa-compatible REST channel: POST /webhooks/rest/webhook.

Body `{"sender", "message", "metadata"?}` → `[{"recipient_id", "text"}, ...]`.
`metadata.scenario` (and `difficulty`, `mode`) choose the scenario; a new sender starts the
default one; `/restart` ends the current conversation and starts a new one. With guest
access on, the sender id alone identifies the conversation (as in Rasa); with it off, the
caller must authenticate (Bearer token or the trusted header).
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from bot.web.deps import ConversationsDep, SettingsDep, client_address, optional_identity
from bot.web.errors import ApiError
from bot.web.schemas import RasaMessage

router = APIRouter(prefix="/webhooks/rest", tags=["rasa"])


@router.get("/", summary="Status van het REST-kanaal (zoals Rasa)")
def rest_status() -> dict:
    return {"status": "ok"}


@router.post("/webhook", summary="Rasa REST-kanaal")
def rest_webhook(body: RasaMessage, request: Request, settings: SettingsDep, conversations: ConversationsDep) -> list:
    identity = optional_identity(request) if ("authorization" in request.headers or settings.trusted_user_header) else None
    if identity is None and not settings.guest_access:
        raise ApiError(401, "not_authenticated", "Gasttoegang staat uit: stuur een Bearer-token of meld je aan via je school.")
    return conversations.rest_message(identity, body.sender, body.message, body.metadata or {}, client_address(request))
