"""Every listener of the bot, registered by kind (as in slack-samples' starter template)."""

from __future__ import annotations

from slack_bolt import App

from bots.slack.config import SlackConfig

from . import actions, commands, events


def register_listeners(app: App, config: SlackConfig) -> None:
    events.register(app)
    commands.register(app, config)
    actions.register(app)
