"""xAPI (optional, off by default): with an LRS configured (OEFENGESPREK_XAPI_ENDPOINT, _KEY,
_SECRET) every finished conversation becomes one `completed` statement in an outbox
(`xapi_statements`, written in the conversation's own transaction) that a worker sends with
retry; the chat never waits for the LRS. The actor is pseudonymous: an account whose name is
an HMAC of the student id, never a name or e-mail address."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from bot.store.lti_models import XapiStatement
from bot.store.models import Conversation, as_utc, json_value, utcnow
from bot.store.outbox import DeliveryError, deliver

STATEMENTS = XapiStatement.__table__
CONVERSATIONS = Conversation.__table__
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
NAMESPACE = uuid.UUID("0b7f3a52-6a55-4bd8-9d1f-4b2f3c1e9a10")  # statement and registration ids per attempt
PASS_SCORE = 55  # the usual Dutch pass mark, on 0–100


def pseudonym(secret: bytes, student_id: str) -> str:
    return hmac.new(secret, f"xapi|{student_id}".encode(), hashlib.sha256).hexdigest()[:32]


def duration(start: datetime, end: datetime) -> str:
    seconds = max(0, int((end - start).total_seconds()))
    return f"PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"


def statement(conv: dict[str, Any], *, secret: bytes, home: str) -> dict[str, Any]:
    from bot.scenarios import load_scenarios

    scenario = load_scenarios().get(conv["scenario"])
    report = conv.get("report") or {}
    score = report.get("score")
    start, end = as_utc(conv["created_at"]), as_utc(conv["finished_at"] or utcnow())
    attempt = uuid.uuid5(NAMESPACE, conv["id"])
    result: dict[str, Any] = {"completion": True, "duration": duration(start, end)}
    if isinstance(score, int):
        result["score"] = {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100}
        result["success"] = score >= PASS_SCORE
    return {
        "id": str(uuid.uuid5(NAMESPACE, "statement|" + conv["id"])),
        "actor": {"objectType": "Agent", "account": {"homePage": home, "name": pseudonym(secret, conv["student_id"])}},
        "verb": {"id": COMPLETED, "display": {"nl-NL": "heeft afgerond", "en-US": "completed"}},
        "object": {"objectType": "Activity", "id": f"{home}/scenario/{conv['scenario']}", "definition": {
            "type": SIMULATION,
            "name": {"nl-NL": scenario.title if scenario else conv["scenario"]},
            "description": {"nl-NL": "Oefengesprek, werkproces " + ", ".join(scenario.werkprocessen)
                            if scenario else "Oefengesprek"}}},
        "result": result,
        "context": {"registration": str(attempt), "language": "nl-NL", "platform": "Oefengesprek",
                    "extensions": {f"{home}/xapi/modus": conv["mode"],
                                   f"{home}/xapi/niveau": conv.get("difficulty") or "standaard"}},
        "timestamp": end.isoformat().replace("+00:00", "Z"),
    }


def enqueue(conn, settings, conversation_id: str) -> bool:  # noqa: ANN001
    """Queue the statement of a finished conversation (only with an LRS configured)."""
    if not settings.xapi_endpoint:
        return False
    row = conn.execute(select(CONVERSATIONS.c.id, CONVERSATIONS.c.student_id, CONVERSATIONS.c.scenario,
                              CONVERSATIONS.c.mode, CONVERSATIONS.c.difficulty, CONVERSATIONS.c.report,
                              CONVERSATIONS.c.created_at, CONVERSATIONS.c.finished_at)
                       .where(CONVERSATIONS.c.id == conversation_id)).first()
    if row is None:
        return False
    conv = {**row._mapping, "report": json_value(row.report)}
    now = utcnow()
    conn.execute(STATEMENTS.insert().values(
        conversation_id=conversation_id, statement=statement(conv, secret=settings.resolved_secret_key,
                                                             home=settings.public_url.rstrip("/")),
        status="wacht", attempts=0, next_try_at=now, created_at=now))
    return True


def process_due(db, settings, *, now: datetime | None = None, limit: int = 50) -> int:  # noqa: ANN001
    """Send the due statements to the LRS (blocking HTTP: call from a worker thread)."""
    if not settings.xapi_endpoint:
        return 0
    url = settings.xapi_endpoint.rstrip("/") + "/statements"
    auth = (settings.xapi_key or "", settings.xapi_secret or "")

    def send(row) -> str:  # noqa: ANN001
        try:
            response = httpx.post(url, json=row.statement, auth=auth, timeout=15,
                                  headers={"X-Experience-API-Version": "1.0.3"})
        except httpx.HTTPError as exc:
            raise DeliveryError(f"LRS onbereikbaar: {type(exc).__name__}") from None
        if response.status_code == 409:  # the LRS has this statement id already: delivered before
            return "al ontvangen (HTTP 409)"
        if response.status_code not in (200, 204):
            raise DeliveryError(f"LRS antwoordde {response.status_code}")
        return f"ontvangen (HTTP {response.status_code})"

    return deliver(db, STATEMENTS, send, now=now, limit=limit)
