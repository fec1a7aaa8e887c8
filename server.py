"""The HTTP service: ``create_app(settings=None)`` and ``app`` (for ``uvicorn server:app``).

Wiring only: the lifespan builds the assistant once; routers (``api/routes``) are a few lines
each and call the assistant's API; domain errors are mapped to HTTP once, here. Building the app
reads no settings and touches nothing: that happens when it starts.

    uvicorn server:app                      # or: python -m assistant serve [--workers N]
    open http://127.0.0.1:8000/docs         # the OpenAPI docs
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import stat
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

import assistant as assistant_package
from api.deps import RateLimiter, resolve_settings
from api.errors import status_of
from api.middleware import BodyLimit, RequestLog, SettingsCORS
from api.openai_compat import error_body
from api.routes import answers, ask, briefs, conversations, data, documents, health, openai
from api.schemas import ErrorBody, OpenAIErrorBody, error_responses
from assistant import (
    Assistant,
    AssistantError,
    RateLimited,
    Settings,
    Unauthorized,
    ViewLinks,
    get_settings,
    is_loopback,
)
from bots.slack.http import http_app, slack_events

log = logging.getLogger("server")

WEB_DIR = Path(__file__).resolve().parent / "bots" / "web"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = resolve_settings(app)
    app.state.settings = settings
    for name in ("server", "assistant.service"):  # one line per request and per answer
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.INFO)
    app.state.limiter = RateLimiter(settings.rate_limit)
    app.state.auth_failures = RateLimiter(
        settings.auth_failure_limit, "wrong API tokens per minute per address"
    )
    # the key that signs Slack's view links ("Continue in the web chat", and source links
    # where tokens are set)
    app.state.view_links = ViewLinks.for_settings(settings)
    warn_if_exposed(settings.host, settings)
    bind_check = asyncio.create_task(warn_if_bound_beyond_loopback(settings))
    built = Assistant(settings)
    try:
        await run_in_threadpool(warm_up, built)
    except AssistantError as exc:  # serve anyway: /api/health says what is wrong
        log.error("the assistant could not load its store: %s", exc)
    app.state.assistant = built
    app.state.slack = http_app(built, settings)  # None unless the Slack tokens are set
    log.info("serving %s (answerer=%s)", settings.data_dir, settings.answerer)
    yield
    bind_check.cancel()
    for resource in (built.catalog, built.conversations, built.answers):
        resource.close()


def warm_up(built: Assistant) -> None:
    """Load the models and indexes and open the store before the first request: opening the
    embedded Chroma client from several request threads at once fails."""
    built.store.count()
    built.warm()


def warn_if_exposed(host: str, settings: Settings) -> bool:
    """Log a loud warning when the API binds beyond this machine with no tokens; True if so."""
    if is_loopback(host) or settings.token_grants():
        return False
    log.warning(
        "\n%s\nSECURITY WARNING: the API binds to %s, which other machines can reach, and "
        "RAG_API_TOKENS is not set: anyone who can reach it can ask, search and download "
        "documents. Set RAG_API_TOKENS or bind to 127.0.0.1.\n%s",
        "!" * 78,
        host,
        "!" * 78,
    )
    return True


async def warn_if_bound_beyond_loopback(settings: Settings, wait: float = 10.0) -> list[str]:
    """Warn (as :func:`warn_if_exposed`) for every address this process really listens on
    beyond loopback: ``uvicorn server:app --host 0.0.0.0`` binds without telling the settings.
    The sockets appear once the lifespan has started, so this looks for ``wait`` seconds."""
    if settings.token_grants():
        return []
    deadline = time.monotonic() + wait
    while not (addresses := listening_addresses()) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    exposed = [a for a in addresses if not is_loopback(a)]
    for address in exposed:
        if address != settings.host:  # that one was warned about at start-up already
            warn_if_exposed(address, settings)
    return exposed


def listening_addresses() -> list[str]:
    """The addresses of the sockets this process listens on (Linux; elsewhere none)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return []
    found: list[str] = []
    for entry in fds.iterdir():
        try:
            fd = int(entry.name)
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            with socket.socket(fileno=os.dup(fd)) as sock:
                if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.getsockopt(
                    socket.SOL_SOCKET, socket.SO_ACCEPTCONN
                ):
                    found.append(str(sock.getsockname()[0]))
        except (OSError, ValueError):
            continue  # closed meanwhile, or not ours to read
    return sorted(set(found))


def _is_openai(request: Request) -> bool:
    return request.url.path.startswith("/v1/")


async def assistant_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssistantError)
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(int(exc.retry_after))
    if status_of(exc) >= 500:
        log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    body = (
        error_body(exc.message, status_of(exc)) if _is_openai(request) else {"detail": exc.message}
    )
    return JSONResponse(body, status_code=status_of(exc), headers=headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_json_safe(error) for error in exc.errors()]
    if not _is_openai(request):
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors
    )
    return JSONResponse(jsonable_encoder(error_body(problems, 422)), status_code=422)


def _json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (``1e309``, ``NaN``) as text: a validation error
    echoes the caller's input, and JSON cannot carry those numbers back."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Anything else: a 500 with a reference to the log line, never a stack trace."""
    if isinstance(exc, UnicodeError):  # e.g. a lone surrogate escaped in the JSON body
        message = "the request contains text that is not valid Unicode"
        body = error_body(message, 422) if _is_openai(request) else {"detail": message}
        return JSONResponse(body, status_code=422)
    reference = uuid.uuid4().hex[:12]
    log.exception("unexpected error %s on %s %s", reference, request.method, request.url.path)
    message = f"internal error (reference {reference}); the server log has the details"
    body = error_body(message, 500) if _is_openai(request) else {"detail": message}
    return JSONResponse(body, status_code=500)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API. With ``settings`` they override :func:`get_settings` for this app."""
    app = FastAPI(
        title="Governance Knowledge Assistant",
        version=assistant_package.__version__,
        description="Answers about governance documents with citations a person can check. "
        "When RAG_API_TOKENS is set, every /api and /v1 route needs `Authorization: Bearer`.",
        lifespan=lifespan,
    )
    if settings is not None:
        app.dependency_overrides[get_settings] = lambda: settings
    for module in (ask, briefs, documents, data, answers, conversations, health):
        app.include_router(module.router, responses=error_responses(ErrorBody))
    app.include_router(openai.router, responses=error_responses(OpenAIErrorBody))
    app.add_api_route("/slack/events", slack_events, methods=["POST"], include_in_schema=False)
    app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")  # the web chat, last
    app.add_exception_handler(AssistantError, assistant_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
    app.add_middleware(RequestLog)
    app.add_middleware(BodyLimit)
    app.add_middleware(SettingsCORS)
    return app


app = create_app()
