"""Global middleware: skip events already handled (Slack's retries), and hand listeners the bot.

Bolt runs these after its own request verification, so an unsigned, badly signed or stale
request never reaches them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse

from .bot import SlackBot

log = logging.getLogger("bots.slack")

Middleware = Callable[..., BoltResponse | None]


def skip_retries(bot: SlackBot) -> Middleware:
    """Slack sends an event again (``X-Slack-Retry-Num``) when it thinks the first delivery
    failed. Each ``event_id`` is handled once: a repeat is acknowledged and does nothing."""

    def middleware(
        body: dict[str, Any], request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not bot.state.first_time(str(event_id)):
            retry = (request.headers.get("x-slack-retry-num") or [""])[0]
            log.info("slack event %s already handled; retry %s ignored", event_id, retry or "?")
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        return next()

    return middleware


def provide(bot: SlackBot) -> Middleware:
    """Listeners find the bot in ``context["slack_bot"]``."""

    def middleware(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["slack_bot"] = bot
        return next()

    return middleware
