"""Practice conversations: start, send a message, end, read, list, progress."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web.deps import ConversationsDep, IdentityDep
from bot.web.schemas import SendMessage, StartSession

router = APIRouter(prefix="/api/v1", tags=["gesprekken"])


@router.post("/sessions", status_code=201, summary="Start een gesprek")
def start_session(body: StartSession, identity: IdentityDep, conversations: ConversationsDep) -> dict:
    return conversations.start(identity, body.scenario, body.difficulty, body.mode)


@router.get("/sessions", summary="Mijn gesprekken (nieuwste eerst)")
def list_sessions(identity: IdentityDep, conversations: ConversationsDep) -> dict:
    return {"sessions": conversations.list(identity)}


@router.get("/sessions/{session_id}", summary="Transcript en (na afloop) rapport")
def get_session(session_id: str, identity: IdentityDep, conversations: ConversationsDep) -> dict:
    return conversations.get(identity, session_id)


@router.post("/sessions/{session_id}/messages", summary="Stuur een bericht; krijg de reactie van de klant")
def send_message(session_id: str, body: SendMessage, identity: IdentityDep, conversations: ConversationsDep) -> dict:
    return conversations.send(identity, session_id, body.text)


@router.post("/sessions/{session_id}/end", summary="Beëindig het gesprek; krijg het rapport")
def end_session(session_id: str, identity: IdentityDep, conversations: ConversationsDep) -> dict:
    return conversations.end(identity, session_id)


@router.get("/me/progress", summary="Mijn voortgang per competentie over mijn pogingen")
def my_progress(identity: IdentityDep, conversations: ConversationsDep) -> dict:
    return conversations.progress(identity)
