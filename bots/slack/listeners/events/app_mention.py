"""An @mention in a channel: answered in the message's thread (a new thread, or the one it is in,
which then continues that thread's conversation). Public documents only, under the channel's
rules (``RAG_SLACK_CHANNELS``); the event envelope says whether the channel is shared with
another organisation."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from .answer import answer_event


def app_mention_callback(
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: Logger,
    body: dict[str, Any] | None = None,
) -> None:
    channel = event["channel"]
    if channel.startswith("D"):  # a mention inside a DM: the message listener answers it
        return
    # in the thread it is in, or a new one under it
    thread_ts = event.get("thread_ts") or event["ts"]
    answer_event(event, context, client, body, thread_ts=thread_ts, direct=False)
