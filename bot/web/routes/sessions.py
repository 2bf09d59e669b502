"""Practice conversations: start, send a message, end, read, list, progress.

The handlers return a ready JSONResponse: FastAPI would otherwise validate the returned
dict against the response model in a second thread-pool hop per request. The models
(bot.web.schemas.conversations) still describe every answer in the OpenAPI schema;
tests/integration/test_openapi_schema.py checks real answers against that schema.
Start, send and end are `async def` and go through `Conversations.run`, which decides
between the event loop and the thread pool (bot.web.app.turns_inline); the reads stay
plain `def` (thread pool). They take the service from `request.app.state` rather than as
a dependency: each dependency FastAPI solves costs more than the lookup. Sending a message
comes first: routes are tried in order.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.web.conversations import Conversations, Replayed
from bot.web.deps import ConversationsDep, IdempotencyKeyHeader, IdentityDep, check_idempotency_key
from bot.web.schemas.common import READ, WRITE, errors
from bot.web.schemas.conversations import (
    Conversation,
    ConversationDetail,
    ConversationList,
    Ended,
    MyProgress,
    TurnReply,
)
from bot.web.schemas.requests import SendMessage, StartSession

router = APIRouter(prefix="/api/v1", tags=["gesprekken"])

REPLAYED = {"Idempotent-Replayed": "true"}


def reply(body: dict, status: int = 200) -> JSONResponse:
    """The use case's answer; a stored one given again to a retry says so in a header."""
    return JSONResponse(body, status_code=status, headers=REPLAYED if isinstance(body, Replayed) else None)


@router.post("/sessions/{session_id}/messages", response_model=TurnReply, responses=errors(*WRITE, 404, 409),
             summary="Stuur een bericht; krijg de reactie van de klant")
async def send_message(session_id: str, body: SendMessage, identity: IdentityDep, request: Request,
                       idempotency_key: IdempotencyKeyHeader = None) -> JSONResponse:
    conversations: Conversations = request.app.state.conversations
    key = check_idempotency_key(idempotency_key)
    return reply(await conversations.run(conversations.send, identity, session_id, body.text, key))


@router.post("/sessions", status_code=201, response_model=Conversation, responses=errors(*WRITE),
             summary="Start een gesprek")
async def start_session(body: StartSession, identity: IdentityDep, request: Request,
                        idempotency_key: IdempotencyKeyHeader = None) -> JSONResponse:
    conversations: Conversations = request.app.state.conversations
    key = check_idempotency_key(idempotency_key)
    view = await conversations.run(conversations.start, identity, body.scenario, body.difficulty, body.mode, key)
    return reply(view, 201)


@router.get("/sessions", response_model=ConversationList, responses=errors(*READ),
            summary="Mijn gesprekken (nieuwste eerst)")
def list_sessions(identity: IdentityDep, conversations: ConversationsDep) -> JSONResponse:
    return JSONResponse({"sessions": conversations.list(identity)})


@router.get("/sessions/{session_id}", response_model=ConversationDetail, responses=errors(*READ, 404, 422),
            summary="Transcript en (na afloop) rapport")
def get_session(session_id: str, identity: IdentityDep, conversations: ConversationsDep) -> JSONResponse:
    return JSONResponse(conversations.get(identity, session_id))


@router.post("/sessions/{session_id}/end", response_model=Ended, responses=errors(*WRITE, 404),
             summary="Beëindig het gesprek; krijg het rapport")
async def end_session(session_id: str, identity: IdentityDep, request: Request) -> JSONResponse:
    conversations: Conversations = request.app.state.conversations
    return JSONResponse(await conversations.run(conversations.end, identity, session_id))


@router.get("/me/progress", response_model=MyProgress, responses=errors(*READ),
            summary="Mijn voortgang per competentie over mijn pogingen")
def my_progress(identity: IdentityDep, conversations: ConversationsDep) -> JSONResponse:
    return JSONResponse(conversations.progress(identity))
