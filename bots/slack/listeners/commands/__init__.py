from __future__ import annotations

from slack_bolt import App

from bots.slack.config import SlackConfig

from .ask import ask_callback
from .brief import brief_callback


def register(app: App, config: SlackConfig) -> None:
    app.command(config.ask_command)(ask_callback)
    app.command(config.brief_command)(brief_callback)
