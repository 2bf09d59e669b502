"""Errors as Dutch JSON: {"detail": <Dutch message>, "code": <machine code>, "errors"?: [...]}."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("oefengesprek.web")


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers


STATUS_MESSAGES = {
    400: ("bad_request", "De aanvraag is ongeldig."),
    401: ("not_authenticated", "Je bent niet aangemeld."),
    403: ("forbidden", "Dit mag je niet doen."),
    404: ("not_found", "Deze pagina of dit gegeven bestaat niet."),
    405: ("method_not_allowed", "Deze methode is hier niet toegestaan."),
    413: ("too_large", "De aanvraag is te groot."),
    415: ("unsupported_media_type", "Stuur de aanvraag als JSON (Content-Type: application/json)."),
    429: ("rate_limited", "Je stuurt te veel verzoeken. Wacht even en probeer het opnieuw."),
    500: ("internal_error", "Er ging iets mis op de server. Je gesprek is niet veranderd; probeer het opnieuw."),
    503: (
        "database_unavailable",
        "De database is even niet bereikbaar. Er is niets opgeslagen; probeer het over een paar seconden opnieuw.",
    ),
}

def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def engine_error(exc: Exception, call: str) -> ApiError:
    """The one translation of an engine failure into the web's answer: the engine's own Dutch
    message where a student can act on it (bot.engine.errors), else a Dutch 500. Logged
    without the student's text (the exceptions may quote it)."""
    from bot.engine import errors as e
    from bot.web.logs import failure_fields

    if isinstance(exc, e.UnknownScenario):
        return ApiError(422, "unknown_scenario", _sentence(str(exc)))
    if isinstance(exc, e.ConversationFinished):
        return ApiError(409, "conversation_finished", _sentence(str(exc)))
    if isinstance(exc, e.InvalidArgument):
        return ApiError(422, "invalid_input", _sentence(str(exc)))
    if isinstance(exc, e.InvalidState):
        # The stored conversation cannot be continued (it was not made by start()); retrying will not help.
        log.error("invalid conversation state", extra=failure_fields(exc))
        return ApiError(409, "invalid_state", "Dit gesprek kan niet verder: de opgeslagen gesprekstoestand is "
                                              "onleesbaar. Er is niets opgeslagen; start een nieuw gesprek.")
    if isinstance(exc, e.ActionFailed):
        # A custom action crashed or the action server failed; nothing is stored, so a retry may work.
        log.error("action failed", extra={"action": exc.action, **failure_fields(exc)})
        return ApiError(502, "action_failed", "De klant kon even niet reageren (er ging iets mis in de "
                                              "gesprekspartner). Er is niets opgeslagen; stuur je bericht opnieuw.")
    log.error("engine failed", extra={"engine_call": call, **failure_fields(exc)})
    return ApiError(500, "engine_error",
                    "De gesprekspartner kon je bericht niet verwerken. Er is niets opgeslagen; probeer het opnieuw.")


DATABASE_RETRY_AFTER = 5  # seconds; a restarted or failed-over database is usually back by then


def is_database_outage(exc: BaseException) -> bool:
    """The database cannot be reached or is busy (connection refused or lost, pool exhausted, locked)."""
    from sqlalchemy import exc as sa

    return isinstance(exc, (sa.OperationalError, sa.InterfaceError, sa.DisconnectionError, sa.TimeoutError))


def failure_reply(exc: BaseException) -> tuple[int, str, str, dict[str, str]]:
    """(status, code, Dutch detail, headers) for an exception no route handled."""
    if is_database_outage(exc):
        code, detail = STATUS_MESSAGES[503]
        return 503, code, detail, {"Retry-After": str(DATABASE_RETRY_AFTER)}
    code, detail = STATUS_MESSAGES[500]
    return 500, code, detail, {}

FIELD_NAMES = {
    "text": "tekst",
    "scenario": "scenario",
    "difficulty": "moeilijkheid",
    "mode": "modus",
    "display_name": "naam",
    "sender": "sender",
    "message": "message",
    "metadata": "metadata",
}


def account_gone() -> ApiError:
    """A valid token for a student who no longer exists (deleted, or the database was recreated)."""
    return ApiError(401, "invalid_session", "Je account bestaat niet meer. Meld je opnieuw aan.")


def error_body(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    if not parts:
        return ""
    return FIELD_NAMES.get(parts[-1], ".".join(parts))


def dutch_validation_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    field = _field(tuple(err.get("loc", ())))
    named = f"'{field}'" if field else "De aanvraag"
    if kind == "missing":
        return f"Het veld {named} ontbreekt." if field else "De aanvraag is leeg; stuur een JSON-object."
    if kind == "string_unicode":  # a lone surrogate: the value is not quoted back
        return f"Het veld {named} bevat ongeldige tekens."
    if kind == "string_type":
        return f"Het veld {named} moet tekst zijn."
    if kind in ("dict_type", "model_attributes_type", "model_type"):
        return f"{'Het veld ' + named if field else 'De aanvraag'} moet een JSON-object zijn."
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        return f"Het veld {named} heeft een ongeldige waarde; kies uit {expected.replace(' or ', ' of ')}."
    if kind in ("int_parsing", "int_type", "float_parsing", "float_type"):
        return f"Het veld {named} moet een getal zijn."
    if kind == "string_too_long":
        limit = (err.get("ctx") or {}).get("max_length")
        return f"Het veld {named} is te lang (maximaal {limit} tekens)."
    if kind == "string_too_short":
        return f"Het veld {named} mag niet leeg zijn."
    return f"Het veld {named} is ongeldig." if field else "De aanvraag is ongeldig."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, printable(exc.detail)), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(
                error_body("invalid_json", "De aanvraag is geen geldige JSON. Controleer aanhalingstekens en haakjes."),
                status_code=400,
            )
        items = [{"field": _field(tuple(e.get("loc", ()))), "message": dutch_validation_message(e)} for e in errors]
        return JSONResponse(
            error_body("validation_error", items[0]["message"] if items else "De aanvraag is ongeldig.", errors=items),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = STATUS_MESSAGES.get(exc.status_code, ("error", "De aanvraag kon niet worden verwerkt."))
        detail = exc.detail if isinstance(exc.detail, str) and _looks_dutch(exc.detail) else message
        return JSONResponse(error_body(code, detail), status_code=exc.status_code, headers=getattr(exc, "headers", None))

    # Exceptions no route handled are answered by bot.web.middleware (500, or 503 when the
    # database is down) before they reach Starlette's ServerErrorMiddleware.


def printable(text: str) -> str:
    """`text` as it can be sent as UTF-8 JSON: lone surrogates (from a bad value quoted back) become '?'."""
    return text.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(text) else text


_SURROGATE = re.compile("[\ud800-\udfff]")


def _looks_dutch(text: str) -> bool:
    # Starlette's own details are English reason phrases ("Not Found"); ours are full Dutch sentences.
    return text.endswith((".", "?", "!")) and " " in text
