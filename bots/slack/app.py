"""The bolt app: ``create_app(assistant, config)``, the same for Socket Mode and HTTP mode."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from .bot import SlackBot
from .config import SlackConfig
from .listeners import register_listeners
from .middleware import provide, skip_retries
from .state import SlackState


def create_app(
    assistant: Any,
    config: SlackConfig,
    *,
    client: WebClient | None = None,
    state: SlackState | None = None,
    token_verification_enabled: bool = False,
) -> App:
    """Listeners answer through ``assistant`` (an :class:`assistant.Assistant`). Nothing is
    contacted here; ``auth.test`` runs on the first request (or here, if asked to verify)."""
    app = App(
        client=client or WebClient(token=config.bot_token, base_url=config.api_url),
        signing_secret=config.signing_secret,
        token_verification_enabled=token_verification_enabled,
        process_before_response=False,  # acknowledge at once, answer in a worker thread
        raise_error_for_unhandled_request=False,
    )
    bot = SlackBot(assistant, config, state or SlackState(config.state_path))
    app.use(skip_retries(bot))
    app.use(provide(bot))
    register_listeners(app, config)
    return app
