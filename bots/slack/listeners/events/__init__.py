from __future__ import annotations

from slack_bolt import App

from .app_home import app_home_opened_callback
from .app_mention import app_mention_callback
from .assistant_thread import build_assistant
from .channel_message import channel_message_callback, is_channel
from .direct_message import direct_message_callback, is_direct


def ignore() -> None:
    """A listener that does nothing."""


def register(app: App) -> None:
    app.use(build_assistant())  # assistant threads (and DM threads) before the plain listeners
    app.event("app_mention")(app_mention_callback)
    app.event("app_home_opened")(app_home_opened_callback)
    app.event("message", matchers=[is_direct])(direct_message_callback)
    app.event("message", matchers=[is_channel])(channel_message_callback)
    # every other message event (group DMs, edits in channels the app hears): acknowledged and
    # left alone; without a listener bolt would answer 404 and Slack would retry
    app.event("message")(ignore)
