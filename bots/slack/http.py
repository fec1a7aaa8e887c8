"""HTTP mode: Slack posts events, commands and button clicks to ``/slack/events`` on the API.

The API server builds the bolt app once (:func:`http_app`, in its lifespan) and routes
``POST /slack/events`` to :func:`slack_events`. Every request's signature and timestamp (five
minutes' window) are checked before its body is even parsed: unsigned, badly signed, stale and
malformed requests (a timestamp that is not an integer, a body that is not UTF-8) get 401, as
bolt answers them. A signed body that still cannot be parsed gets 400. Dispatch runs in a worker
thread, so the event loop never waits on Slack.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .app import SlackApp, create_app
from .config import SlackConfig

log = logging.getLogger("bots.slack")

INVALID_REQUEST = {"error": "invalid request"}  # bolt's own answer to a bad signature
NOT_CONFIGURED = (
    "the Slack bot is not configured on this server: set RAG_SLACK_BOT_TOKEN and "
    "RAG_SLACK_SIGNING_SECRET"
)


def http_app(assistant: Any, settings: Any) -> SlackApp | None:
    """The bolt app for HTTP mode, or None when the bot token or signing secret is not set."""
    config = SlackConfig.from_settings(settings)
    if not (config.bot_token and config.signing_secret):
        log.info("Slack HTTP mode is off (%s)", NOT_CONFIGURED)
        return None
    return create_app(assistant, config)


async def slack_events(request: Request) -> Response:
    """``POST /slack/events``: hand the request to the bolt app in ``app.state.slack``."""
    bolt: SlackApp | None = getattr(request.app.state, "slack", None)
    if bolt is None or bolt.verifier is None:
        return JSONResponse({"detail": NOT_CONFIGURED}, status_code=404)
    body = await request.body()
    headers = request.headers
    timestamp = headers.get("x-slack-request-timestamp")
    if not bolt.verifier.is_valid(body, timestamp, headers.get("x-slack-signature")):
        log.info("slack request refused: bad signature or timestamp %r", (timestamp or "")[:40])
        return JSONResponse(INVALID_REQUEST, status_code=401)
    try:
        bolt_request = to_bolt_request(request, body)
    except ValueError as exc:  # signed, yet not JSON or a form Slack would send
        log.warning("slack request refused: signed body could not be parsed (%s)", exc)
        return JSONResponse({"error": "invalid request body"}, status_code=400)
    response = await run_in_threadpool(bolt.dispatch, bolt_request)
    return to_starlette_response(response)
