"""The Slack bot: answers @mentions, direct messages, ``/ask`` and ``/brief`` with checkable
sources, through :class:`assistant.Assistant` like every front end.

    python -m bots.slack                      # Socket Mode (RAG_SLACK_APP_TOKEN)
    POST /slack/events on the API server      # HTTP mode (RAG_SLACK_SIGNING_SECRET)

See ``bots/slack/README.md`` for installing the app (``manifest.yaml``), tokens and scopes.
"""

from .app import create_app
from .config import SlackConfig, SlackConfigError

__all__ = ["SlackConfig", "SlackConfigError", "create_app"]
