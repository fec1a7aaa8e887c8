from __future__ import annotations

from slack_bolt import App

from .app_home import app_home_opened_callback
from .app_mention import app_mention_callback
from .assistant_thread import build_assistant
from .direct_message import direct_message_callback


def register(app: App) -> None:
    app.use(build_assistant())  # assistant threads (and DM threads) before the plain listeners
    app.event("app_mention")(app_mention_callback)
    app.event("app_home_opened")(app_home_opened_callback)
    app.event("message")(direct_message_callback)
