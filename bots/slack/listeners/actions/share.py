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
    # the button says which answer and which thread (formatting.share_value): a click on an
    # ephemeral message carries no message, so not the thread it was in
    answer_id, _, thread_ts = str(action.get("value", "")).partition("@")
    context["slack_bot"].share_answer(
        client,
        respond,
        team=(body.get("team") or {}).get("id") or context.get("team_id") or "",
        channel=channel,
        user=(body.get("user") or {}).get("id", ""),
        answer_id=answer_id,
        thread_ts=thread_ts or None,
    )
