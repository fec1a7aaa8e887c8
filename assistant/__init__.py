"""The Governance Knowledge Assistant: retrieval and grounded, cited answers over governance documents.

Front ends (the API, the web chat, the Slack bot, the CLI) use this module's names only::

    from assistant import Assistant, Settings
    answer = Assistant(Settings()).ask("What was Fiji's EGDI in 2024?")

Inside: :mod:`assistant.answering` (questions to answers), :mod:`assistant.briefs` (advisory
briefs), :mod:`assistant.storage` (Chroma, BM25, SQLite) and :mod:`assistant.service` (the
:class:`Assistant` façade over them).
"""

from assistant.access import caller_access, is_loopback
from assistant.briefs.model import Brief
from assistant.briefs.render import render_docx, render_markdown
from assistant.config import Settings, get_settings
from assistant.errors import (
    AssistantError,
    BadRequest,
    NotFound,
    ProviderError,
    QuestionTooLong,
    RateLimited,
    StoreError,
    StoreUnavailable,
    Unauthorized,
)
from assistant.indicators import IndicatorValue
from assistant.links import ViewGrant, ViewLinks
from assistant.models import (
    PUBLIC,
    Answer,
    Citation,
    Collection,
    DocumentRecord,
    Filters,
    Passage,
    page_words,
)
from assistant.service import AnswerResult, Assistant, Conversation, Turn
from assistant.storage.audit import AnswerRecord
from assistant.storage.conversations import StoredConversation, StoredTurn
from assistant.storage.database import SQLConnection, open_database
from assistant.storage.sqlite import ThreadLocalDB
from assistant.viewer import PageView

__all__ = [
    "PUBLIC",
    "Answer",
    "AnswerRecord",
    "AnswerResult",
    "Assistant",
    "AssistantError",
    "BadRequest",
    "Brief",
    "Citation",
    "Collection",
    "Conversation",
    "DocumentRecord",
    "Filters",
    "IndicatorValue",
    "NotFound",
    "PageView",
    "Passage",
    "ProviderError",
    "QuestionTooLong",
    "RateLimited",
    "SQLConnection",
    "Settings",
    "StoreError",
    "StoreUnavailable",
    "StoredConversation",
    "StoredTurn",
    "ThreadLocalDB",
    "Turn",
    "Unauthorized",
    "ViewGrant",
    "ViewLinks",
    "caller_access",
    "get_settings",
    "is_loopback",
    "open_database",
    "page_words",
    "render_docx",
    "render_markdown",
]
__version__ = "0.1.0"
