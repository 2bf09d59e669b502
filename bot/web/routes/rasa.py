"""Rasa-compatible REST channel: POST /webhooks/rest/webhook.

Body `{"sender", "message", "metadata"?}` → `[{"recipient_id", "text"}, ...]`.
`metadata.scenario` (and `difficulty`, `mode`) choose the scenario; a new sender starts the
default one; `/restart` ends the current conversation and starts a new one. With guest
access on, the sender id alone identifies the conversation (as in Rasa); with it off, the
caller must authenticate (Bearer token or the trusted header).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.web.conversations import ReplayedList
from bot.web.deps import (
    ConversationsDep,
    IdempotencyKeyHeader,
    SettingsDep,
    check_idempotency_key,
    client_address,
    optional_identity,
)
from bot.web.errors import ApiError
from bot.web.schemas.common import WRITE, errors
from bot.web.schemas.requests import RasaMessage
from bot.web.schemas.service import Alive, RestReply

router = APIRouter(prefix="/webhooks/rest", tags=["rasa"])


@router.get("/", response_model=Alive, responses=errors(500), summary="Status van het REST-kanaal (zoals Rasa)")
def rest_status() -> dict:
    return {"status": "ok"}


@router.post("/webhook", response_model=list[RestReply], responses=errors(*WRITE, 409), summary="Rasa REST-kanaal")
def rest_webhook(body: RasaMessage, request: Request, settings: SettingsDep, conversations: ConversationsDep,
                 idempotency_key: IdempotencyKeyHeader = None) -> JSONResponse:
    identity = optional_identity(request) if ("authorization" in request.headers or settings.trusted_user_header) else None
    if identity is None and not settings.guest_access:
        raise ApiError(401, "not_authenticated", "Gasttoegang staat uit: stuur een Bearer-token of meld je aan via je school.")
    metadata = body.metadata.model_dump(exclude_none=True) if body.metadata is not None else {}
    # the header, or Rasa's message id in the metadata (a channel that retries sends the same id)
    key = check_idempotency_key(idempotency_key if idempotency_key is not None else metadata.get("message_id"))
    out = conversations.rest_message(identity, body.sender, body.message, metadata, client_address(request), key)
    return JSONResponse(out, headers={"Idempotent-Replayed": "true"} if isinstance(out, ReplayedList) else None)
