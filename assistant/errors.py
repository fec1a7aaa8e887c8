"""Domain errors, in one place. Front ends translate them to user messages and statuses at the
edge (the API in :mod:`api.errors`)."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: something the user or operator can act on. ``str(e)`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ConfigError(AssistantError):
    """A setting is missing or wrong."""


class StoreUnavailable(AssistantError):
    """A store's server cannot be reached: Chroma's, or the PostgreSQL database's."""


class StoreError(AssistantError):
    """The store refused a read or write."""


class NotFound(AssistantError):
    """A document, page, answer or conversation does not exist (or is not visible to the caller)."""


class BadRequest(AssistantError):
    """The caller asked for something malformed."""


class QuestionTooLong(BadRequest):
    """A question over ``RAG_MAX_QUESTION_CHARS``; ``length`` and ``limit`` let a front end word it."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"the question is {length} characters long; the limit is {limit} "
            "(RAG_MAX_QUESTION_CHARS)"
        )
        self.length = length
        self.limit = limit


class ProviderError(AssistantError):
    """The configured LLM provider failed, timed out or answered nonsense."""


class Unauthorized(AssistantError):
    """The caller sent no API token or an unknown one (only when tokens are configured)."""


class RateLimited(AssistantError):
    """The caller sent more requests than ``RAG_RATE_LIMIT`` allows; ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after
