""" "Share to channel" under a private answer (``/ask`` without ``--public``, or a channel whose
rules want private replies): the question asked again for the channel and posted there."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient


def share_callback(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    logger: Logger,
) -> None:
    ack()
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    context["slack_bot"].share_answer(
        client,
        respond,
        team=(body.get("team") or {}).get("id") or context.get("team_id") or "",
        channel=channel,
        user=(body.get("user") or {}).get("id", ""),
        answer_id=str(action.get("value", "")),
        thread_ts=container.get("thread_ts"),
    )
