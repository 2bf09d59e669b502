"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.web.schemas.common import errors
from bot.web.schemas.service import Alive, Readiness

router = APIRouter(tags=["gezondheid"])


@router.head("/healthz", include_in_schema=False)
@router.get("/healthz", response_model=Alive, responses=errors(500), summary="Leeft het proces?")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, summary="Database bereikbaar en inhoud geladen?",
            responses={503: {"model": Readiness, "description": "Niet klaar: `checks` zegt wat ontbreekt."},
                       **errors(500)})
def readyz(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    ok = True
    try:
        request.app.state.db.ping()
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001
        checks["database"] = "niet bereikbaar"
        ok = False
    try:
        n = len(request.app.state.engine.scenarios())
        checks["scenarios"] = f"{n} geladen" if n else "geen scenario's geladen"
        ok = ok and n > 0
    except Exception:  # noqa: BLE001
        checks["scenarios"] = "laden mislukt"
        ok = False
    engine_error = getattr(request.app.state, "engine_error", None)
    ready = getattr(request.app.state, "engine_ready", None)
    loading = ready is not None and not ready.is_set()
    checks["engine"] = f"laden mislukt: {engine_error}" if engine_error else "wordt geladen" if loading else "ok"
    ok = ok and not engine_error and not loading
    return JSONResponse({"status": "ok" if ok else "niet klaar", "checks": checks}, status_code=200 if ok else 503)
