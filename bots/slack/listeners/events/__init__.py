from __future__ import annotations

from slack_bolt import App

from .app_mention import app_mention_callback
from .direct_message import direct_message_callback


def register(app: App) -> None:
    app.event("app_mention")(app_mention_callback)
    app.event("message")(direct_message_callback)
