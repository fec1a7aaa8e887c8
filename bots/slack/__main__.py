"""``python -m bots.slack``: the bot in Socket Mode (no public URL needed)."""

from __future__ import annotations

import logging
import sys

from slack_bolt.adapter.socket_mode import SocketModeHandler

from assistant import Assistant, get_settings

from .app import create_app
from .config import SlackConfig, SlackConfigError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    try:
        config = SlackConfig.from_settings(settings)
        config.require("socket")
    except SlackConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    assistant.warm()
    app = create_app(assistant, config, token_verification_enabled=True)
    SocketModeHandler(app, config.app_token).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
