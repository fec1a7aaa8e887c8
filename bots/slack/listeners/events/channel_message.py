"""A new message in a channel whose rules say to answer without a mention
(``"without_mention": true`` in ``RAG_SLACK_CHANNELS``; the app needs the ``message.channels``
and ``message.groups`` events): answered in its thread as a mention is. Replies in threads,
edits, bots' messages and messages that mention the bot (the mention listener answers those)
are left alone."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bots.slack.formatting import mentions

from .answer import answer_event


def is_channel(event: dict[str, Any]) -> bool:
    return event.get("channel_type") in ("channel", "group")


def channel_message_callback(
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: Logger,
    body: dict[str, Any] | None = None,
) -> None:
    if event.get("bot_id") or event.get("subtype") is not None or event.get("thread_ts"):
        return
    if mentions(event.get("text", ""), context.get("bot_user_id")):
        return
    bot = context["slack_bot"]
    if not bot.config.channel(event["channel"]).without_mention:
        return
    answer_event(event, context, client, body, thread_ts=event["ts"], direct=False)
