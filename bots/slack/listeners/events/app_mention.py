"""An @mention in a channel: answered in the message's thread (a new thread, or the one it is in,
which then continues that thread's conversation). Public documents only, under the channel's
rules (``RAG_SLACK_CHANNELS``); the event envelope says whether the channel is shared with
another organisation."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient


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
    context["slack_bot"].answer_message(
        client,
        team=context.get("team_id") or event.get("team", ""),
        channel=channel,
        user=event.get("user"),
        text=event.get("text", ""),
        ts=event["ts"],
        thread_ts=event.get("thread_ts") or event["ts"],
        direct=False,
        bot_user_id=context.get("bot_user_id"),
        user_team=event.get("user_team"),  # a Slack Connect guest's own workspace
        shared=(body or {}).get("is_ext_shared_channel"),
    )
