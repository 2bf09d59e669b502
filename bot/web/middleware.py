"""One pure-ASGI middleware: request id, body limits, JSON-only writes, security headers, access log."""

from __future__ import annotations

import json
import logging
import os
import time

from bot.web.errors import STATUS_MESSAGES, error_body, failure_reply
from bot.web.logs import failure_fields

log = logging.getLogger("oefengesprek.access")

MAX_BODY = 64 * 1024  # a 2000-character message in JSON is far below this
JSON_PREFIXES = ("/api/", "/webhooks/")


def content_security_policy(frame_ancestors: list[str]) -> str:
    ancestors = " ".join(["'self'", *frame_ancestors])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )


class WebMiddleware:
    def __init__(self, app, frame_ancestors: list[str]) -> None:  # noqa: ANN001
        self.app = app
        self.csp = content_security_policy(frame_ancestors).encode()
        self.deny_framing = not frame_ancestors
        # The headers every response gets, built once (per scheme and kind of path) instead of per request.
        common = [
            (b"content-security-policy", self.csp),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if self.deny_framing:
            common.append((b"x-frame-options", b"SAMEORIGIN"))
        self._headers: dict[tuple[bool, str], list[tuple[bytes, bytes]]] = {}
        for https in (False, True):
            base = common + ([(b"strict-transport-security", b"max-age=31536000")] if https else [])
            self._headers[(https, "json")] = base + [(b"cache-control", b"no-store")]
            self._headers[(https, "widget")] = base + [(b"cross-origin-resource-policy", b"cross-origin")]
            self._headers[(https, "other")] = base

    async def _reply(self, send, status: int, code: str | None = None, detail: str | None = None,  # noqa: ANN001
                     headers: dict[str, str] | None = None) -> None:
        default_code, default_detail = STATUS_MESSAGES[status]
        body = json.dumps(error_body(code or default_code, detail or default_detail), ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = os.urandom(8).hex()
        path: str = scope["path"]
        method: str = scope["method"]
        status_holder = {"status": 0}
        kind = "json" if path.startswith(JSON_PREFIXES) else "widget" if path == "/widget.js" else "other"
        extra = [(b"x-request-id", request_id.encode()), *self._headers[(scope.get("scheme") == "https", kind)]]

        async def send_wrapper(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = message.get("headers", ())
                added = extra
                if kind == "other" and any(k == b"content-security-policy" for k, _ in headers):
                    # the route set its own policy (LTI pages: the platform may frame them or receive a form)
                    added = [h for h in extra if h[0] not in (b"content-security-policy", b"x-frame-options")]
                message = {**message, "headers": [*headers, *added]}
            await send(message)

        try:
            if method in ("POST", "PUT", "PATCH", "DELETE") and path.startswith(JSON_PREFIXES):
                headers = dict(scope.get("headers", []))
                length = headers.get(b"content-length")
                if length is not None and length.isdigit() and int(length) > MAX_BODY:
                    await self._reply(send_wrapper, 413, "too_large", "Je bericht is veel te groot om te verwerken.")
                    return
                body = b""
                more = True
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    body += message.get("body", b"")
                    more = message.get("more_body", False)
                    if len(body) > MAX_BODY:
                        await self._reply(send_wrapper, 413, "too_large", "Je bericht is veel te groot om te verwerken.")
                        return
                ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
                if body and ctype != b"application/json":
                    await self._reply(send_wrapper, 415)
                    return
                replayed = False

                async def replay():  # noqa: ANN202
                    nonlocal replayed
                    if not replayed:
                        replayed = True
                        return {"type": "http.request", "body": body, "more_body": False}
                    return await receive()

                await self.app(scope, replay, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        except Exception as exc:  # noqa: BLE001 - answered here, so the connection stays open
            # Caught before Starlette's ServerErrorMiddleware, which would re-raise it to uvicorn:
            # uvicorn then logs the traceback (a database error's text holds the SQL parameters, i.e.
            # the student's message) and closes the keep-alive connection. Logged without message.
            status, code, detail, headers = failure_reply(exc)
            log.error("request failed", extra={"path": path, "status": status, "request_id": request_id,
                                               **failure_fields(exc)})
            if status_holder["status"]:
                raise  # the response had started: nothing sensible can be sent any more
            await self._reply(send_wrapper, status, code, detail, headers)
        finally:
            log.info(
                "request",
                extra={
                    "method": method,
                    "path": path,
                    "status": status_holder["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": request_id,
                },
            )
