"""The HTTP status of each domain error, decided here, once: the assistant raises what went
wrong (:mod:`assistant.errors`), the edge says how HTTP words it."""

from __future__ import annotations

from assistant import (
    AssistantError,
    BadRequest,
    NotFound,
    ProviderError,
    RateLimited,
    StoreUnavailable,
    Unauthorized,
)

STATUS: dict[type[AssistantError], int] = {
    BadRequest: 422,
    Unauthorized: 401,
    NotFound: 404,
    RateLimited: 429,
    ProviderError: 502,
    StoreUnavailable: 503,
}


def status_of(exc: AssistantError) -> int:
    """The status for ``exc``: its class's, or its nearest base class's; 500 for the rest
    (configuration and store errors: the operator's to fix, not the caller's)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500
