"""ASGI middleware: CORS from the settings, the request-body limit, one log line per request.

They read the settings the lifespan stored on ``app.state`` when the first request arrives, so
building the app reads nothing.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import Settings

from .deps import resolve_settings
from .openai_compat import error_body

log = logging.getLogger("server.requests")


def _settings(scope: Scope) -> Settings:
    app = scope["app"]
    settings = getattr(app.state, "settings", None)
    return settings if settings is not None else resolve_settings(app)


class SettingsCORS:
    """Starlette's CORS middleware, configured from ``RAG_CORS_ORIGINS`` on first use."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._inner: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._inner is None:
            origins = _settings(scope).cors_origins
            self._inner = (
                CORSMiddleware(
                    self.app,
                    allow_origins=origins,
                    allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
                    allow_headers=["Authorization", "Content-Type", "X-Client-Id"],
                    expose_headers=["X-Request-ID", "Retry-After"],
                    max_age=600,
                )
                if origins
                else self.app
            )
        await self._inner(scope, receive, send)


async def _reject_body(scope: Scope, send: Send, size: str, limit: int) -> None:
    """413 Content Too Large, worded for the caller (an OpenAI error body on ``/v1``)."""
    message = f"the request body is {size} bytes; the limit is {limit} bytes (RAG_MAX_BODY_BYTES)"
    await send_error(scope, send, 413, message)


async def send_error(scope: Scope, send: Send, status: int, message: str) -> None:
    """An error response from ASGI middleware, shaped like the routes' own errors."""
    payload: dict[str, Any] = (
        error_body(message, status) if scope["path"].startswith("/v1/") else {"detail": message}
    )
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuses request bodies over ``RAG_MAX_BODY_BYTES`` with a 413 that says so (and a
    ``Content-Length`` that is not a number with a 400)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _settings(scope).max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await send_error(scope, send, 400, "the Content-Length header is not a number")
                return
            if int(declared) > limit:
                await _reject_body(scope, send, declared.decode("latin-1"), limit)
                return
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # chunked upload: read it (small JSON bodies only) up to the limit, then replay it
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _reject_body(scope, send, f"more than {limit}", limit)
                return
            parts.append(chunk)
            if not message.get("more_body", False):
                break
        replay: list[Message] = [
            {"type": "http.request", "body": b"".join(parts), "more_body": False}
        ]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)


class RequestLog:
    """One line per request: id, method, path, status, milliseconds, caller; sets X-Request-ID."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:12]
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            state = scope.get("state") or {}
            log.info(
                "request id=%s method=%s path=%s status=%s ms=%.0f caller=%s",
                request_id,
                scope["method"],
                scope["path"],
                status["code"],
                (time.perf_counter() - started) * 1000,
                state.get("caller", "-"),
            )
