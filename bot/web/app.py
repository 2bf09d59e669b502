"""The FastAPI application: create_app() wires settings, database, engine and routes."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot import __version__
from bot.store import migrate
from bot.store.db import Database
from bot.web.conversations import Conversations
from bot.web.engine import ConversationEngine
from bot.web.errors import install_error_handlers
from bot.web.logs import failure_fields
from bot.web.middleware import WebMiddleware
from bot.web.routes import auth, groups, health, lti, pages, rasa, scenarios, sessions, teacher, teacher_review
from bot.web.settings import Settings

log = logging.getLogger("oefengesprek.web")

STATIC = Path(__file__).resolve().parent / "static"

DESCRIPTION = (
    "Oefengesprek: oefen klant- en leveranciersgesprekken als commercieel medewerker binnendienst. "
    "Schrijfverzoeken met een cookie vragen de header `X-CSRF-Token` (zie `GET /api/v1/me`); "
    "met `Authorization: Bearer <token>` (uit `POST /api/v1/guest`) is dat niet nodig."
)


def turns_inline(settings: Settings, db: Database) -> bool:
    """Whether start/send/end run on the event loop instead of in the thread pool.

    On SQLite every write transaction, engine step included, already holds one process-wide
    lock (bot.store.db), so pool threads add no concurrency, only cost: a thread hop per
    request and the GIL handed back and forth between the loop and the lock holder, about
    as much CPU per turn as the web and store work itself. The loop is then blocked for the
    length of a turn, which is CPU work anyway, unless the engine calls out over the network:
    with an action server (OEFENGESPREK_ACTION_ENDPOINT) or PostgreSQL (a round trip per
    statement) turns stay in the pool. `turns_inline` = "on"/"off" overrides the choice.
    """
    if settings.turns_inline != "auto":
        return settings.turns_inline == "on"
    from bot.engine.actions import ENDPOINT_ENV

    return db.dialect == "sqlite" and not os.environ.get(ENDPOINT_ENV)


def _warm_up(app: FastAPI, engine: ConversationEngine, ready: threading.Event) -> None:
    """Load NLU, scenarios and engine (one scripted turn) once, off the event loop."""
    started = time.perf_counter()
    try:
        engine.warm_up()
    except Exception as exc:  # noqa: BLE001 - /readyz reports it; the app still serves pages
        app.state.engine_error = str(exc)[:500]
        # content errors (file:line), no student data: the message may be logged
        log.error("warm-up failed", extra={**failure_fields(exc), "detail": app.state.engine_error})
    finally:
        # Everything loaded so far (spaCy, rules, scenarios: ~235k objects) lives as long as the
        # process; moving it out of the collector's generations saves a full pass over it on
        # every major collection during turns (about 8 % of a turn's CPU, measured).
        gc.collect()
        gc.freeze()
        ready.set()
        log.info("engine ready", extra={"seconds": round(time.perf_counter() - started, 2)})


async def send_grades(app: FastAPI) -> None:
    """Background: send the queued LTI grades and xAPI statements that are due (blocking HTTP
    in a worker thread)."""
    from starlette.concurrency import run_in_threadpool

    from bot.lti import grades, xapi

    settings: Settings = app.state.settings
    while True:
        await asyncio.sleep(settings.lti_grade_interval)
        try:
            await run_in_threadpool(grades.process_due, app.state.db, keys_of_app(app))
            await run_in_threadpool(xapi.process_due, app.state.db, settings)
        except Exception as exc:  # noqa: BLE001 - the next round tries again; the rows keep their state
            # type, SQLSTATE and file:line only: never a traceback that could carry row values
            log.error("sending grades or statements failed", extra=failure_fields(exc))


def keys_of_app(app: FastAPI):  # noqa: ANN201
    from bot.lti.keys import KeyStore

    store = getattr(app.state, "lti_keys", None)
    if store is None:
        store = app.state.lti_keys = KeyStore(app.state.settings.data_dir)
    return store


def registered_platforms(settings: Settings) -> list[str]:
    """Origins of the registered LTI platforms, which may frame the chat (read once at start;
    `oefengesprek lti add-platform` says to restart). Nothing when the database is not there yet."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.lti.platforms import frame_origins

    try:
        db = Database(settings.resolved_database_url, pool_size=1)
        try:
            with db.read() as session:
                return frame_origins(session)
        finally:
            db.dispose()
    except SQLAlchemyError:
        return []


def create_app(settings: Settings | None = None, engine: ConversationEngine | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        db = Database(settings.resolved_database_url, pool_size=settings.pool_size)
        if settings.migrate_on_start:
            migrate.upgrade(db.engine)
        settings.resolved_secret_key  # noqa: B018 - create the key file now, not during a request
        conv_engine = engine
        if conv_engine is None:
            from bot.web.engine import RealEngine

            conv_engine = RealEngine()
        app.state.engine_error = None
        ready = threading.Event()
        app.state.engine_ready = ready
        if settings.warm_up:
            # Loading spaCy, the rules and the scenarios takes seconds; the server answers meanwhile
            # (/healthz, the page, the scenario list; /readyz says "wordt geladen"), and turns wait
            # in the thread pool until the engine is ready (bot.web.conversations.Conversations.run).
            threading.Thread(target=_warm_up, args=(app, conv_engine, ready), name="warm-up", daemon=True).start()
        else:
            ready.set()
        app.state.settings = settings
        app.state.db = db
        app.state.engine = conv_engine
        inline = turns_inline(settings, db)
        app.state.conversations = Conversations(db, conv_engine, settings, inline=inline, ready=ready)
        log.info("ready", extra={"database": db.dialect, "turns_inline": inline})
        sender = asyncio.create_task(send_grades(app)) if settings.lti_grade_interval > 0 else None
        try:
            yield
        finally:
            if sender is not None:
                sender.cancel()
                with suppress(asyncio.CancelledError):
                    await sender
            db.dispose()

    app = FastAPI(
        openapi_tags=[{"name": t} for t in ("gezondheid", "aanmelden", "scenario's", "gesprekken", "klassen", "rasa")],
        title="Oefengesprek",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the default page loads Swagger from a CDN; /docs is served locally instead
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    # The conversation routes first: FastAPI tries routes in order, and each route it tries
    # costs a few dozen Python calls; a turn was matched after ten others.
    for module in (sessions, health, auth, scenarios, groups, rasa, pages, teacher_review, lti):
        app.include_router(module.router)
    teacher.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(WebMiddleware, frame_ancestors=[*settings.frame_ancestor_list, *registered_platforms(settings)])
    return app
