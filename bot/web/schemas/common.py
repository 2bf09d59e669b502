"""What every part of the API shares: strict answers, the contract words as types, and the
Dutch error body every 4xx/5xx answer has (bot.web.errors) with the `responses=` of a route."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.vocabulary import COACH, CUSTOMER, EXAM, FINISHED, PRACTICE, RUNNING, STUDENT, SUPPLIER

Mode = Literal[PRACTICE, EXAM]  # type: ignore[valid-type]
Status = Literal[RUNNING, FINISHED]  # type: ignore[valid-type]
Speaker = Literal[STUDENT, CUSTOMER, SUPPLIER, COACH]  # type: ignore[valid-type]


class Strict(BaseModel):
    """An answer with exactly these keys: the schema says `additionalProperties: false`."""

    model_config = ConfigDict(extra="forbid")


class FieldError(Strict):
    field: str = Field(description="Het veld (Nederlandse naam), leeg voor de hele aanvraag.")
    message: str


class ErrorBody(Strict):
    detail: str = Field(description="Wat er mis is, in het Nederlands (voor de student).",
                        examples=["Dit gesprek bestaat niet (of is niet van jou)."])
    code: str = Field(description="Machinecode, bijvoorbeeld conversation_not_found of rate_limited.",
                      examples=["conversation_not_found"])
    errors: list[FieldError] | None = Field(default=None, description="Alleen bij validation_error (422): per veld.")


ERROR_DESCRIPTIONS = {
    400: "Ongeldige aanvraag (geen geldige JSON, ongeldige Idempotency-Key, te lange naam uit de schoolheader).",
    401: "Niet aangemeld, of de sessie is verlopen.",
    403: "Niet toegestaan (CSRF-token ontbreekt of klopt niet, gasttoegang staat uit).",
    404: "Bestaat niet (of is niet van jou).",
    409: "Het gesprek is al afgerond, of kan niet verder.",
    413: "De aanvraag is te groot.",
    415: "Geen JSON (Content-Type: application/json).",
    422: "Een veld is ongeldig (per veld in `errors`), of een onbekend scenario of niveau.",
    429: "Te veel verzoeken; de header Retry-After zegt na hoeveel seconden het weer kan.",
    500: "Fout op de server; er is niets veranderd.",
    503: "De database of de gesprekspartner is even niet beschikbaar; zie Retry-After.",
}

SERVER = (500, 503)
READ = (400, 401, 403, *SERVER)  # a signed-in read (the identity itself may be refused)
WRITE = (400, 401, 403, 413, 415, 422, 429, *SERVER)  # a signed-in write with a JSON body


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error body under each status it can answer with."""
    return {status: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]} for status in sorted(set(statuses))}
