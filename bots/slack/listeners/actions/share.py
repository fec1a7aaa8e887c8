""" "Share to channel" under a private answer (``/ask`` without ``--public``, or a channel whose
rules want private replies): the question asked again for the channel and posted there."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from .origin import click_origin


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
    team, channel, user = click_origin(body, context)
    # the button says which answer and which thread (formatting.share_value): a click on an
    # ephemeral message carries no message, so not the thread it was in
    answer_id, _, thread_ts = str(action.get("value", "")).partition("@")
    context["slack_bot"].share_answer(
        client,
        respond,
        team=team,
        channel=channel,
        user=user,
        answer_id=answer_id,
        thread_ts=thread_ts or None,
    )
