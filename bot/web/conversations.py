"""Use cases behind the routes: start, send a message, end, read. Engine + store, no HTTP.

Every turn is one write transaction: rate-limit counter, conversation lock, engine step,
new messages, the turn's new events (and the report when the conversation ends) are
committed together before the response is built. If anything fails, nothing is changed.
The path of one message from the route to the stored events: docs/contracts.md §8.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from bot.engine.session import Conversation as LiveConversation
from bot.engine.session import TurnResult
from bot.lti import grades, xapi
from bot.store import repository as repo
from bot.store.conversation_cache import ConversationCache
from bot.store.db import Database
from bot.store.models import Conversation, Message
from bot.store.ratelimit import RateLimited, hit
from bot.teaching.review import teacher_feedback_for_student
from bot.vocabulary import FINISHED, MODES, PRACTICE, RUNNING, STUDENT
from bot.web.engine import ConversationEngine
from bot.web.errors import ApiError, account_gone, engine_error
from bot.web.settings import Settings
from bot.web.validation import check_identifier, clean_text

NOT_FOUND = "Dit gesprek bestaat niet (of is niet van jou)."
ENGINE_LOAD_TIMEOUT = 120  # seconds a turn waits for the engine to finish loading at start-up


def _set_event() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


@dataclass(frozen=True)
class Identity:
    student_id: str
    display_name: str
    kind: str  # guest | header | rest
    via: str  # cookie | bearer | header | anonymous


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class Replayed(dict):
    """A stored reply given again to a retried request (the route adds `Idempotent-Replayed: true`)."""


class ReplayedList(list):
    """A stored REST-channel reply given again to a retried message."""


def rate_limited(exc: RateLimited) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        f"Je stuurt te veel berichten achter elkaar. Wacht {exc.retry_after} seconden en probeer het opnieuw.",
        headers={"Retry-After": str(exc.retry_after)},
    )


class Conversations:
    def __init__(
        self, db: Database, engine: ConversationEngine, settings: Settings, *, inline: bool = False,
        ready: threading.Event | None = None,
    ) -> None:
        self.db = db
        self.engine = engine
        self.settings = settings
        self.live = ConversationCache()  # the engine's conversations, by id (see its module)
        # Run start/send/end on the event loop instead of in the thread pool (see bot.web.app:
        # SQLite without an action server, where every write already queues on one lock).
        self.inline = inline
        # Set once the engine has warmed up (bot.web.app); until then turns wait in the pool.
        self.ready = ready or _set_event()

    async def run(self, fn, *args):  # noqa: ANN001, ANN201
        """Call a blocking use case: directly when `inline` (and the engine is loaded), else in the
        thread pool. Never on the event loop while the engine is still loading: that would stop
        every other request (health checks included) for seconds."""
        if self.ready.is_set():
            if self.inline:
                return fn(*args)
            return await run_in_threadpool(fn, *args)
        return await run_in_threadpool(self._when_ready, fn, *args)

    def _when_ready(self, fn, *args):  # noqa: ANN001, ANN202
        if not self.ready.wait(ENGINE_LOAD_TIMEOUT):
            raise ApiError(503, "engine_loading", "De gesprekspartner wordt nog geladen. Probeer het over een minuut opnieuw.",
                           headers={"Retry-After": "10"})
        return fn(*args)

    # --- views ------------------------------------------------------------------------

    def scenario_brief(self, scenario_id: str) -> dict[str, Any] | None:
        info = self.engine.scenario(scenario_id)
        if info is None:
            return None
        keys = ("id", "title", "role", "werkprocessen", "persona", "briefing")
        return {k: info.get(k) for k in keys}

    @staticmethod
    def message_view(m: Message, show_analysis: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": m.seq,
            "turn": m.turn,
            "speaker": m.speaker,
            "text": m.text,
            "created_at": iso(m.created_at),
        }
        if m.speaker != STUDENT:
            out["reason"] = (m.analysis or {}).get("reason")  # why the customer said it (contracts §2)
        if show_analysis and m.speaker == STUDENT:
            out["analysis"] = m.analysis
            out["hint"] = m.hint
        return out

    def conversation_view(self, conv: Conversation, messages: list[Message] | None = None) -> dict[str, Any]:
        show = conv.mode == PRACTICE or conv.status == FINISHED
        msgs = conv.messages if messages is None else messages
        return {
            "id": conv.id,
            "scenario": conv.scenario,
            "scenario_info": self.scenario_brief(conv.scenario),
            "difficulty": conv.difficulty,
            "mode": conv.mode,
            "status": conv.status,
            "finished": conv.status == FINISHED,
            "student_turns": conv.student_turns,
            "created_at": iso(conv.created_at),
            "updated_at": iso(conv.updated_at),
            "finished_at": iso(conv.finished_at),
            "messages": [self.message_view(m, show) for m in msgs],
            "report": conv.report,
        }

    # --- use cases --------------------------------------------------------------------

    def _limit(self, conn, identity: Identity) -> None:  # noqa: ANN001
        try:
            hit(conn, f"w:{identity.student_id}", self.settings.rate_limit_per_minute, 60)
        except RateLimited as exc:
            raise rate_limited(exc) from None

    def _check_start_args(self, scenario: str, difficulty: str | None, mode: str) -> dict[str, Any]:
        check_identifier(scenario, "Het scenario")
        if difficulty is not None:
            check_identifier(difficulty, "De moeilijkheid")
        info = self.engine.scenario(scenario)
        if info is None:
            known = ", ".join(s["id"] for s in self.engine.scenarios()[:20])
            raise ApiError(422, "unknown_scenario", f"Onbekend scenario '{scenario[:80]}'. Kies uit: {known}.")
        allowed = info.get("difficulties") or []
        if difficulty is not None and allowed and difficulty not in allowed:
            raise ApiError(
                422, "unknown_difficulty", f"Onbekende moeilijkheid '{difficulty[:40]}'. Kies uit: {', '.join(allowed)}."
            )
        return info

    @staticmethod
    def _engine_call(what: str, fn, *args):  # noqa: ANN001, ANN205
        try:
            return fn(*args)
        except ApiError:
            raise
        except Exception as exc:  # noqa: BLE001 - rolled back; the student gets a Dutch message
            raise engine_error(exc, what) from None

    def _new_conversation(
        self, conn, identity: Identity, scenario: str, difficulty: str | None, mode: str,
        channel: str = "web", sender: str | None = None,
    ) -> tuple[Conversation, list[Message], TurnResult]:  # noqa: ANN001
        turn: TurnResult = self._engine_call("start", self.engine.start, scenario, difficulty, mode)
        live = turn.conversation
        conv, rows = repo.create_conversation(
            conn,
            student_id=identity.student_id,
            scenario=scenario,
            difficulty=live["difficulty"],
            mode=mode,
            header=live.header,
            events=turn.events,
            opening=turn.messages,
            channel=channel,
            channel_sender=sender,
        )
        if turn.finished:
            self._close(conn, conv, live)
            repo.update_conversation(conn, conv)
        return conv, rows, turn

    def _load(self, conn, conv: Conversation) -> LiveConversation:  # noqa: ANN001
        """The locked conversation's engine state: this process's live one, else from the database."""
        live = self.live.take(conv.id, conv.message_count)
        if live is None:
            live = self._engine_call("load", self.engine.load, repo.load_state(conn, conv))
        return live

    def _close(self, conn, conv: Conversation, live: LiveConversation) -> None:  # noqa: ANN001
        """The finish hook: the report onto the row; a grade for the LMS (and an xAPI statement)
        queued in the same transaction."""
        repo.finish_conversation(conv, self._engine_call("finish", self.engine.finish, live))
        grades.enqueue_for_conversation(conn, conv.id, conv.report.get("score"))
        if self.settings.xapi_endpoint:
            repo.update_conversation(conn, conv)  # the statement reads the finished row
            xapi.enqueue(conn, self.settings, conv.id)

    def _end(self, conn, conv: Conversation) -> None:  # noqa: ANN001
        """Close a running conversation now (the student stops, or the REST channel restarts)."""
        self._close(conn, conv, self._load(conn, conv))
        repo.update_conversation(conn, conv)

    def start(
        self, identity: Identity, scenario: str, difficulty: str | None, mode: str, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        self._check_start_args(scenario, difficulty, mode)
        with self.db.transaction() as conn:
            self._limit(conn, identity)
            if not repo.lock_student(conn, identity.student_id):
                raise account_gone()
            asked = repo.request_fingerprint("start", scenario, difficulty, mode)
            replay = self._replay(conn, identity, idempotency_key, asked)
            if replay is not None:
                return Replayed(replay)
            conv, rows, turn = self._new_conversation(conn, identity, scenario, difficulty, mode)
            view = self.conversation_view(conv, rows)
            if idempotency_key:
                repo.store_reply(conn, identity.student_id, idempotency_key, asked, 201, view)
        self._keep(conv, turn)
        return view

    @staticmethod
    def _replay(conn, identity: Identity, key: str | None, asked: str) -> Any:  # noqa: ANN001
        """The stored reply when this is a retry of a request that was already carried out (same
        Idempotency-Key, same request); 422 when the key was used for a different request."""
        if not key:
            return None
        stored = repo.stored_reply(conn, identity.student_id, key)
        if stored is None:
            return None
        if stored.fingerprint != asked:
            raise ApiError(
                422, "idempotency_key_reused",
                "Deze Idempotency-Key hoort bij een ander verzoek (bijvoorbeeld een ander bericht). "
                "Gebruik voor elk nieuw bericht een nieuwe sleutel.",
            )
        return stored.response

    def _step(
        self, conn, conv: Conversation, text: str, live: LiveConversation | None = None,  # noqa: ANN001
    ) -> tuple[list[Message], list[Message], TurnResult]:
        """One student turn on a locked conversation: the engine steps it; its messages, the
        turn's new events and the row are written in three statements (plus the finish hook)."""
        live = live if live is not None else self._load(conn, conv)
        turn: TurnResult = self._engine_call("step", self.engine.step, live, text)
        number = turn.conversation.student_turns  # counted once, by the conversation's events
        conv.set(student_turns=number)
        rows = repo.append_messages(conn, conv, turn=number, student=(text, turn.analysis, turn.hint),
                                    replies=turn.messages)
        repo.append_events(conn, conv, turn.events)
        if turn.finished:
            self._close(conn, conv, turn.conversation)
        repo.update_conversation(conn, conv)
        return rows[:1], rows[1:], turn

    def _keep(self, conv: Conversation | None, turn: TurnResult | None) -> None:
        """After the commit: a running conversation stays live in this process for its next turn."""
        if conv is not None and turn is not None and conv.status == RUNNING and turn.conversation is not None:
            self.live.keep(conv.id, conv.message_count, turn.conversation)

    def send(
        self, identity: Identity, conversation_id: str, text: str, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        text = clean_text(text, self.settings.max_message_length)
        with self.db.transaction() as conn:
            self._limit(conn, identity)
            conv = repo.lock_conversation(conn, conversation_id, identity.student_id)
            if conv is None:
                raise ApiError(404, "conversation_not_found", NOT_FOUND)
            # before the status check: a retried goodbye gets its reply, not "al afgerond"
            asked = repo.request_fingerprint("send", conversation_id, text)
            replay = self._replay(conn, identity, idempotency_key, asked)
            if replay is not None:
                return Replayed(replay)
            if conv.status != RUNNING:
                raise ApiError(
                    409, "conversation_finished", "Dit gesprek is al afgerond. Start een nieuw gesprek om verder te oefenen."
                )
            student_rows, reply_rows, turn = self._step(conn, conv, text)
            practice = conv.mode == PRACTICE
            out: dict[str, Any] = {
                "id": conv.id,
                "student_message": self.message_view(student_rows[0], False),
                "messages": [self.message_view(m, False) for m in reply_rows],
                "finished": conv.status == FINISHED,
                "status": conv.status,
            }
            if practice:
                out["analysis"] = turn.analysis
                out["hint"] = turn.hint
            if conv.status == FINISHED:
                out["report"] = conv.report
            if idempotency_key:
                repo.store_reply(conn, identity.student_id, idempotency_key, asked, 200, out)
        self._keep(conv, turn)
        return out

    def end(self, identity: Identity, conversation_id: str) -> dict[str, Any]:
        with self.db.transaction() as conn:
            self._limit(conn, identity)
            conv = repo.lock_conversation(conn, conversation_id, identity.student_id)
            if conv is None:
                raise ApiError(404, "conversation_not_found", NOT_FOUND)
            if conv.status != FINISHED:
                self._end(conn, conv)
            return {"id": conv.id, "status": conv.status, "finished": True, "report": conv.report}

    def get(self, identity: Identity, conversation_id: str) -> dict[str, Any]:
        with self.db.read() as session:
            conv = repo.get_conversation(session, conversation_id, identity.student_id)
            if conv is None:
                raise ApiError(404, "conversation_not_found", NOT_FOUND)
            view = self.conversation_view(conv)
            # The teachers' comments and adjusted score, as the student sees them in their report.
            view["teacher_feedback"] = teacher_feedback_for_student(session, conv.id)
            return view

    def list(self, identity: Identity) -> list[dict[str, Any]]:
        with self.db.read() as session:
            return [
                {
                    "id": c.id,
                    "scenario": c.scenario,
                    "mode": c.mode,
                    "difficulty": c.difficulty,
                    "status": c.status,
                    "student_turns": c.student_turns,
                    "score": (c.report or {}).get("score"),
                    "created_at": iso(c.created_at),
                    "finished_at": iso(c.finished_at),
                }
                for c in repo.list_conversations(session, identity.student_id)
            ]

    def progress(self, identity: Identity) -> dict[str, Any]:
        with self.db.read() as session:
            convs = repo.finished_reports(session, identity.student_id)
            attempts = [
                {"id": c.id, "scenario": c.scenario, "finished_at": iso(c.finished_at), "score": (c.report or {}).get("score")}
                for c in convs
            ]
            reports = [
                {"scenario": c.scenario, **c.report, "finished_at": iso(c.finished_at)} for c in convs if c.report
            ]
        return {"attempts": attempts, "progress": self.engine.progress(reports) if reports else {}}

    # --- Rasa REST channel ------------------------------------------------------------

    def rest_message(
        self, identity: Identity | None, sender: str, message: str, metadata: dict[str, Any], client: str,
        idempotency_key: str | None = None,
    ) -> list[dict[str, str]]:
        for attempt in range(3):
            try:
                return self._rest_message(identity, sender, message, metadata, client, idempotency_key)
            except IntegrityError:
                if attempt == 2:
                    raise
                # another request created the same REST student at the same moment: retry
        raise AssertionError("unreachable")

    def _rest_message(
        self, identity: Identity | None, sender: str, message: str, metadata: dict[str, Any], client: str,
        idempotency_key: str | None,
    ) -> list[dict[str, str]]:
        check_identifier(sender, "De sender")
        command = message.strip()
        if command not in ("/restart", "/start"):
            message = clean_text(message, self.settings.max_message_length)
        wanted = metadata.get("scenario")
        if wanted is not None and not isinstance(wanted, str):
            raise ApiError(422, "unknown_scenario", "metadata.scenario moet de id van een scenario zijn.")
        mode = metadata.get("mode") or PRACTICE
        if mode not in MODES:
            raise ApiError(422, "validation_error", "metadata.mode moet 'oefenen' of 'toets' zijn.")
        difficulty = metadata.get("difficulty")
        if difficulty is not None and not isinstance(difficulty, str):
            raise ApiError(422, "validation_error", "metadata.difficulty moet tekst zijn.")
        if wanted:
            self._check_start_args(wanted, difficulty, mode)

        with self.db.transaction() as conn:
            if identity is None:
                student = repo.student_by_external_id(conn, f"rest:{sender}", for_update=True)
                if student is None:
                    try:
                        hit(conn, f"g:{client}", self.settings.rate_limit_guests_per_hour, 3600)
                    except RateLimited as exc:
                        raise rate_limited(exc) from None
                    student = repo.create_student(conn, sender[:80], kind="rest", external_id=f"rest:{sender}")
                identity = Identity(student.id, student.display_name, "rest", "anonymous")
            elif not repo.lock_student(conn, identity.student_id):
                raise account_gone()
            self._limit(conn, identity)
            # the student row is locked (the sender's conversations with it): a racing retry waits here
            asked = repo.request_fingerprint("rest", sender, message, metadata)
            replay = self._replay(conn, identity, idempotency_key, asked)
            if replay is not None:
                return ReplayedList(replay)
            out, conv, turn = self._rest_turn(conn, identity, sender, message, command, wanted, difficulty, mode)
            if idempotency_key:
                repo.store_reply(conn, identity.student_id, idempotency_key, asked, 200, out)
        self._keep(conv, turn)
        return out

    def _rest_turn(
        self, conn, identity: Identity, sender: str, message: str, command: str,  # noqa: ANN001
        wanted: str | None, difficulty: str | None, mode: str,
    ) -> tuple[list[dict[str, str]], Conversation, TurnResult | None]:
        out: list[dict[str, str]] = []
        turn = None
        conv = repo.active_rest_conversation(conn, identity.student_id, sender)
        if conv is not None and (command == "/restart" or (wanted and wanted != conv.scenario)):
            self._end(conn, conv)
            conv = None
        if conv is None:
            scenario = wanted or self._default_scenario()
            conv, rows, turn = self._new_conversation(
                conn, identity, scenario, difficulty, mode, channel="rest", sender=sender
            )
            out += [{"recipient_id": sender, "text": r.text} for r in rows]
        if command in ("/restart", "/start") or conv.status != RUNNING:
            return out, conv, turn
        _, replies, turn = self._step(conn, conv, message, turn.conversation if turn else None)
        out += [{"recipient_id": sender, "text": r.text} for r in replies]
        if conv.mode == PRACTICE and turn.hint:
            out.append({"recipient_id": sender, "text": f"Tip: {turn.hint}"})
        return out, conv, turn

    def _default_scenario(self) -> str:
        if self.settings.default_scenario:
            return self.settings.default_scenario
        scenarios = self.engine.scenarios()
        if not scenarios:
            raise ApiError(503, "no_scenarios", "Er zijn geen scenario's geladen.")
        return scenarios[0]["id"]
