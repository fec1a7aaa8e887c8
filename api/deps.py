"""Dependencies every route declares as plain parameters: settings, the assistant, the caller.

``SettingsDep`` resolves :func:`assistant.get_settings`, so tests (and ``create_app(settings)``)
override it with ``app.dependency_overrides[get_settings]``. ``CallerDep`` authenticates the
bearer token (when ``RAG_API_TOKENS`` is set), throttles wrong tokens per client address,
applies the per-token rate limit and gives the caller's access: the private collections its
token is granted, besides the public documents.

Without tokens every caller reads only public documents; what a caller *owns* (conversations,
briefs, answer records) then belongs to the random id its browser sends in ``X-Client-Id``
(the web chat makes one and keeps it in localStorage), or to one shared ``anonymous`` owner for
clients that send none. That keeps one visitor's history out of another's list; it is not
authentication: anyone who learns an id can present it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant import (
    PUBLIC,
    Assistant,
    NotFound,
    RateLimited,
    Settings,
    Unauthorized,
    ViewLinks,
    caller_access,
    get_settings,
    is_loopback,
)

log = logging.getLogger("server")

bearer = HTTPBearer(
    auto_error=False,
    description="An API token from RAG_API_TOKENS (only when tokens are configured).",
)


def resolve_settings(app: FastAPI) -> Settings:
    """The settings this app runs with: an override of :func:`get_settings` if there is one."""
    provider = app.dependency_overrides.get(get_settings, get_settings)
    return provider()  # type: ignore[no-any-return]


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]


@dataclass(frozen=True)
class Caller:
    """Who is asking: a name for logs and ownership, and what they may read."""

    name: str  # "anonymous" or "token:<12 hex digits of the token's SHA-256>"
    access: tuple[str, ...] | None  # ("public", *grants); None when granted "*"
    rate_key: str
    # A view link's holder (see assistant.links): the one answer it may read and the documents
    # that answer cites; None for every other caller.
    answer: str | None = None
    documents: frozenset[str] | None = None

    def may_read_answer(self, answer_id: str) -> bool:
        return self.answer is None or self.answer == answer_id

    def may_read_document(self, doc_id: str) -> bool:
        return self.documents is None or doc_id in self.documents


class RateLimiter:
    """Token buckets per caller, in this process only (each worker counts on its own)."""

    def __init__(self, per_minute: int, what: str = "requests per minute per token") -> None:
        self.per_minute = per_minute
        self.what = what
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, setting: str = "RAG_RATE_LIMIT") -> None:
        """Take one request from ``key``'s bucket; :class:`RateLimited` when it is empty."""
        wait = self.wait(key)
        if wait:
            raise RateLimited(
                f"rate limit exceeded: at most {self.per_minute} {self.what} ({setting}, "
                f"counted per worker); retry in {wait} s",
                retry_after=wait,
            )
        self._take(key)

    def wait(self, key: str) -> int:
        """Seconds until ``key`` may make a request again (0: now). Takes nothing."""
        if self.per_minute <= 0:
            return 0
        capacity = float(self.per_minute)
        rate = capacity / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, time.monotonic()))
            tokens = min(capacity, tokens + (time.monotonic() - last) * rate)
        return 0 if tokens >= 1.0 else math.ceil((1.0 - tokens) / rate)

    def _take(self, key: str) -> None:
        if self.per_minute <= 0:
            return
        capacity = float(self.per_minute)
        rate = capacity / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            self._buckets[key] = (max(0.0, tokens - 1.0), now)
            if len(self._buckets) > 10_000:  # forget callers whose bucket has refilled
                full = [
                    k for k, (t, at) in self._buckets.items() if t + (now - at) * rate >= capacity
                ]
                for k in full:
                    del self._buckets[k]


def token_id(token: str) -> str:
    return "token:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]


def get_caller(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    tokens = settings.token_grants()
    host = request.client.host if request.client else "unknown"
    if not tokens:
        _warn_once_if_remote(host)
        caller = Caller(browser_owner(request), (PUBLIC,), f"address:{host}")
    else:
        if credentials is None:
            raise Unauthorized(
                "this API needs a token: send the header 'Authorization: Bearer <token>'"
            )
        caller = _authenticate(request, tokens, credentials.credentials, host)
    request.state.caller = caller.name
    limiter: RateLimiter | None = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        limiter.check(caller.rate_key)
    return caller


def _authenticate(
    request: Request, tokens: dict[str, tuple[str, ...]], presented: str, host: str
) -> Caller:
    """The caller a token names. Wrong tokens are counted per client address: past
    ``RAG_AUTH_FAILURE_LIMIT`` a minute, that address gets 429 without its token being tried,
    so tokens cannot be guessed at speed."""
    failures: RateLimiter | None = getattr(request.app.state, "auth_failures", None)
    key = f"address:{host}"
    if failures is not None and (wait := failures.wait(key)):
        raise RateLimited(
            f"too many wrong API tokens from this address: at most {failures.per_minute} a "
            f"minute (RAG_AUTH_FAILURE_LIMIT); retry in {wait} s",
            retry_after=wait,
        )
    grants = _grants_for(tokens, presented)
    if grants is None:
        if failures is not None:
            failures.check(key, "RAG_AUTH_FAILURE_LIMIT")
        log.warning("wrong API token from %s", host)
        raise Unauthorized("unknown API token")
    name = token_id(presented)
    return Caller(name, caller_access(grants), name)


VIEW_LINK_HEADER = "X-View-Link"


def view_links(request: Request, settings: Settings) -> ViewLinks:
    """The server's view-link signer (made at start-up; made here for apps without one)."""
    links: ViewLinks | None = getattr(request.app.state, "view_links", None)
    return links or ViewLinks.for_settings(settings)


def get_reader(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller of a route that only reads an answer or a document: as :func:`get_caller`,
    or, when tokens are set and none is sent, the holder of a valid view link
    (``X-View-Link``, see :mod:`assistant.links`), who may read that answer and the documents
    it cites with the answer's own access."""
    link = request.headers.get(VIEW_LINK_HEADER, "")
    if not link or credentials is not None or not settings.token_grants():
        return get_caller(request, settings, credentials)
    grant = view_links(request, settings).read(link)
    if grant is None:
        raise Unauthorized(
            "this view link is not valid or has expired: open the answer again from Slack, "
            "or sign in with an API token"
        )
    try:
        record = get_assistant(request).answer_record(grant.answer_id, None)
    except NotFound:
        raise Unauthorized("the answer this view link shows is no longer kept") from None
    host = request.client.host if request.client else "unknown"
    documents = frozenset(str(c.get("document_id", "")) for c in record.citations)
    access = None if record.access is None else tuple(record.access)
    caller = Caller(
        f"view:{grant.answer_id}", access, f"address:{host}", grant.answer_id, documents
    )
    request.state.caller = caller.name
    limiter: RateLimiter | None = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        limiter.check(caller.rate_key)
    return caller


CLIENT_ID_HEADER = "X-Client-Id"
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


def browser_owner(request: Request) -> str:
    """The owner of what a caller makes when no tokens are configured: the browser's random id
    (``X-Client-Id``), hashed, or ``anonymous`` for clients that send none."""
    client_id = request.headers.get(CLIENT_ID_HEADER, "")
    if not _CLIENT_ID.fullmatch(client_id):
        return "anonymous"
    return "browser:" + hashlib.sha256(client_id.encode("ascii")).hexdigest()[:16]


_warned: set[str] = set()


def _warn_once_if_remote(host: str) -> None:
    """However the server was started, say so loudly when another machine reaches it while
    no tokens are configured (once per process)."""
    if "remote" in _warned or host in ("unknown", "testclient") or is_loopback(host):
        return
    _warned.add("remote")
    log.warning(
        "SECURITY WARNING: a request came from %s, another machine, and RAG_API_TOKENS is not "
        "set: anyone who can reach this server can use the API. Set RAG_API_TOKENS.",
        host,
    )


def _grants_for(tokens: dict[str, tuple[str, ...]], presented: str) -> tuple[str, ...] | None:
    """The grants of ``presented``, compared in constant time with every known token."""
    found: tuple[str, ...] | None = None
    given = presented.encode("utf-8", "surrogatepass")
    for token, grants in tokens.items():
        if hmac.compare_digest(token.encode("utf-8"), given):
            found = grants
    return found


CallerDep = Annotated[Caller, Depends(get_caller)]
ReaderDep = Annotated[Caller, Depends(get_reader)]  # also a view link's holder
