"""The bolt app: ``create_app(assistant, config)``, the same for Socket Mode and HTTP mode."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from assistant import Assistant

from .bot import SlackBot
from .config import SlackConfig
from .listeners import register_listeners
from .middleware import provide, skip_retries
from .state import SlackState

log = logging.getLogger(__name__)

# Slack's X-Slack-Request-Timestamp: Unix seconds, plain ASCII digits.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class StrictSignatureVerifier(SignatureVerifier):
    """Slack's signature check that answers False, never raises, for what Slack never sends: a
    timestamp that is not plain digits (``abc``, ``1e309``, empty, thousands of digits) or a body
    that is not UTF-8. The SDK's own check raises on those, which would make a forged request
    a server error instead of a refusal."""

    def is_valid(self, body: str | bytes, timestamp: str | None, signature: str | None) -> bool:
        if timestamp is None or not _TIMESTAMP.fullmatch(timestamp):
            return False
        if isinstance(body, bytes):
            try:
                body = body.decode("utf-8")
            except UnicodeDecodeError:
                return False
        return super().is_valid(body, timestamp, signature)


class SlackApp(App):
    """The bolt app, with the verifier the HTTP endpoint checks each request against before
    bolt parses it (bolt parses the body first and verifies after)."""

    def __init__(self, *, signing_secret: str | None, **kwargs: Any) -> None:
        super().__init__(signing_secret=signing_secret, **kwargs)
        self.verifier = StrictSignatureVerifier(signing_secret) if signing_secret else None


def create_app(
    assistant: Assistant,
    config: SlackConfig,
    *,
    client: WebClient | None = None,
    state: SlackState | None = None,
    token_verification_enabled: bool = False,
) -> SlackApp:
    """Listeners answer through ``assistant`` (an :class:`assistant.Assistant`). Nothing is
    contacted here; ``auth.test`` runs on the first request (or here, if asked to verify)."""
    if client is None:
        client = WebClient(token=config.bot_token, base_url=config.api_url)
        # Slack answers a burst (streamed answers call it often) with 429 and Retry-After:
        # wait and retry once rather than lose the call
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    app = SlackApp(
        client=client,
        signing_secret=config.signing_secret,
        token_verification_enabled=token_verification_enabled,
        process_before_response=False,  # acknowledge at once, answer in a worker thread
        raise_error_for_unhandled_request=False,
    )
    warn_if_links_are_local(config.public_url)
    bot = SlackBot(assistant, config, state or SlackState(config.state_path, config.database_url))
    app.use(skip_retries(bot))
    app.use(provide(bot))
    register_listeners(app, config)
    return app


def warn_if_links_are_local(public_url: str) -> bool:
    """Say at start-up when the source links Slack answers carry point at this machine's own
    loopback address (the default ``RAG_PUBLIC_URL``): no one reading Slack can open them."""
    host = urlsplit(public_url).hostname or ""
    if host not in ("localhost", "::1", "0.0.0.0") and not host.startswith("127."):
        return False
    log.warning(
        "RAG_PUBLIC_URL is %s: the source links in Slack answers point at this machine's "
        "loopback address, which people reading Slack cannot open. Set RAG_PUBLIC_URL to the "
        "address they reach the web chat at (https://assistant.example.org).",
        public_url,
    )
    return True
