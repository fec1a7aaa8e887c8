"""Domain errors, in one place. Front ends translate them to user messages at the edge."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: something the user or operator can act on. ``str(e)`` says what to do."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ConfigError(AssistantError):
    """A setting is missing or wrong."""

    status_code = 500


class StoreUnavailable(AssistantError):
    """The vector store (Chroma) cannot be reached."""

    status_code = 503


class StoreError(AssistantError):
    """The store refused a read or write."""

    status_code = 500


class NotFound(AssistantError):
    """A document, page, answer or conversation does not exist (or is not visible to the caller)."""

    status_code = 404


class BadRequest(AssistantError):
    """The caller asked for something malformed."""

    status_code = 422


class ProviderError(AssistantError):
    """The configured LLM provider failed, timed out or answered nonsense."""

    status_code = 502


class IngestError(AssistantError):
    """A file could not be ingested. ``reason`` is shown in the report."""

    def __init__(self, message: str, *, status: str = "failed") -> None:
        super().__init__(message)
        self.status = status  # "failed" or "needs_ocr"


class Unauthorized(AssistantError):
    """The caller sent no API token or an unknown one (only when tokens are configured)."""

    status_code = 401


class RateLimited(AssistantError):
    """The caller sent more requests than ``RAG_RATE_LIMIT`` allows; ``retry_after`` in seconds."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after
