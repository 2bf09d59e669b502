"""Health and readiness, the Rasa REST channel and the LTI key set."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.web.schemas.common import Strict


class Alive(Strict):
    status: Literal["ok"]


class Readiness(Strict):
    status: Literal["ok", "niet klaar"]
    checks: dict[str, str] = Field(description="database, scenarios en engine: 'ok' of wat er mis is.")


class RestReply(Strict):
    """Eén bericht terug, zoals Rasa's REST-kanaal (alleen tekst)."""

    recipient_id: str
    text: str


class JsonWebKey(Strict):
    kty: str
    kid: str
    alg: str
    use: str
    n: str
    e: str
    key_ops: list[str] | None = None


class KeySet(Strict):
    keys: list[JsonWebKey]
