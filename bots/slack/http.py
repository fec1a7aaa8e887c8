"""HTTP mode: Slack posts events, commands and button clicks to ``/slack/events`` on the API.

The API server builds the bolt app once (:func:`http_app`, in its lifespan) and routes
``POST /slack/events`` to :func:`slack_events`. Bolt checks every request's signature and
timestamp (five minutes' window) before anything runs: unsigned, badly signed and stale requests
get 401. Dispatch runs in a worker thread, so the event loop never waits on Slack.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .app import create_app
from .config import SlackConfig

log = logging.getLogger("bots.slack")

NOT_CONFIGURED = (
    "the Slack bot is not configured on this server: set RAG_SLACK_BOT_TOKEN and "
    "RAG_SLACK_SIGNING_SECRET"
)


def http_app(assistant: Any, settings: Any) -> App | None:
    """The bolt app for HTTP mode, or None when the bot token or signing secret is not set."""
    config = SlackConfig.from_settings(settings)
    if not (config.bot_token and config.signing_secret):
        log.info("Slack HTTP mode is off (%s)", NOT_CONFIGURED)
        return None
    return create_app(assistant, config)


async def slack_events(request: Request) -> Response:
    """``POST /slack/events``: hand the request to the bolt app in ``app.state.slack``."""
    bolt: App | None = getattr(request.app.state, "slack", None)
    if bolt is None:
        return JSONResponse({"detail": NOT_CONFIGURED}, status_code=404)
    body = await request.body()
    response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
    return to_starlette_response(response)
