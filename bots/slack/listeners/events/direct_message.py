"""A direct message to the bot (``message.im``): answered in the DM, in the thread if it was
written in one. Messages in the DM's main line continue its latest conversation while it is
recent; a thread continues its own. The user's private grants apply here, and only here."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from .answer import answer_event

# A plain message, or a thread reply also sent to the conversation.
ANSWERED_SUBTYPES = (None, "thread_broadcast")


def direct_message_callback(
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: Logger,
    body: dict[str, Any] | None = None,
) -> None:
    if event.get("channel_type") != "im" or event.get("bot_id"):
        return  # bots' messages, and channels (mentions are answered there)
    if event.get("subtype") not in ANSWERED_SUBTYPES:
        return  # edits, deletions, joins...
    answer_event(event, context, client, body, thread_ts=event.get("thread_ts"), direct=True)


def is_direct(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im"
