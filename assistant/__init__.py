"""The Governance Knowledge Assistant: retrieval and grounded, cited answers over governance documents.

Front ends use :class:`Assistant` only::

    from assistant import Assistant, Settings
    answer = Assistant(Settings()).ask("What was Fiji's EGDI in 2024?")
"""

from assistant.config import Settings, get_settings
from assistant.errors import AssistantError, BadRequest, NotFound
from assistant.models import Answer, Citation, DocumentRecord, Filters, Passage
from assistant.service import Assistant, Conversation, Turn

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "BadRequest",
    "Citation",
    "Conversation",
    "DocumentRecord",
    "Filters",
    "NotFound",
    "Passage",
    "Settings",
    "Turn",
    "get_settings",
]
__version__ = "0.1.0"
