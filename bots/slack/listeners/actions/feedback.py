"""👍/👎 under an answer: stored against the answer id in the audit trail, confirmed privately."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bots.slack.formatting import FEEDBACK_UP

from .origin import click_origin


def feedback_callback(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    logger: Logger,
) -> None:
    ack()
    rating = 1 if action.get("action_id") == FEEDBACK_UP else -1
    _record(body, context, client, respond, str(action.get("value", "")), rating)


def feedback_buttons_callback(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    logger: Logger,
) -> None:
    """The feedback buttons of the AI-app surface: one action, the value "1:<answer id>" or
    "-1:<answer id>"."""
    ack()
    rating, _, answer_id = str(action.get("value", "")).partition(":")
    if rating not in ("1", "-1") or not answer_id:
        logger.warning("slack feedback button with an unreadable value %r", action.get("value"))
        return
    _record(body, context, client, respond, answer_id, int(rating))


def _record(
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    answer_id: str,
    rating: int,
) -> None:
    """Store a rating from a click, where the click came from (team, channel, thread)."""
    message = body.get("message") or {}
    container = body.get("container") or {}
    team, channel, user = click_origin(body, context)
    context["slack_bot"].record_feedback(
        client,
        respond,
        team=team,
        channel=channel or None,
        user=user,
        answer_id=answer_id,
        rating=rating,
        thread_ts=message.get("thread_ts") or container.get("thread_ts"),
    )
