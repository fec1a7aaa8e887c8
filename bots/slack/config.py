"""What the Slack bot needs to know, read from the assistant's :class:`~assistant.Settings`.

The settings live in the one ``Settings`` class (``RAG_SLACK_*``); :meth:`SlackConfig.from_settings`
reads them, parses the private-collection grants and checks what each mode needs. Tests build a
``SlackConfig`` directly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PUBLIC = "public"
ALL = "*"


class SlackConfigError(ValueError):
    """A Slack setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = "https://slack.com/api/"
    ask_command: str = "/ask"
    brief_command: str = "/brief"
    # Slack user id -> private collections granted to that user in their DM with the bot.
    private_grants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dm_idle_minutes: float = 30.0
    # Where answers are streamed (chat.startStream): "panel", the threads of Slack's AI-app
    # panel; "threads", also mentions and DM threads; "off", nowhere.
    stream: str = "panel"
    public_url: str = "http://127.0.0.1:8000"
    state_path: Path = Path("data/slack.sqlite3")

    @classmethod
    def from_settings(cls, settings: Any) -> SlackConfig:
        """The ``RAG_SLACK_*`` settings (``slack_<field>``), plus ``public_url`` and the data
        directory. A field with no setting keeps its default."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f"slack_{f.name}"
            if hasattr(settings, name):
                values[f.name] = _plain(getattr(settings, name))
        if "private_grants" in values:
            values["private_grants"] = parse_grants(values["private_grants"])
        values["public_url"] = str(settings.public_url)
        values["state_path"] = Path(settings.data_dir) / "slack.sqlite3"
        return cls(**values)

    def access_for(self, user: str | None, *, direct: bool) -> tuple[str, ...] | None:
        """What an answer may draw on: public documents only, except in a user's direct
        messages with the bot, where that user's grants are added (``"*"``: everything)."""
        if not direct or not user:
            return (PUBLIC,)
        grants = self.private_grants.get(user, ())
        if ALL in grants:
            return None
        return (PUBLIC, *[g for g in grants if g != PUBLIC])

    def require(self, mode: str) -> None:
        """Raise :class:`SlackConfigError` naming what ``mode`` (``socket`` or ``http``) lacks."""
        needed = {"socket": ("bot_token", "app_token"), "http": ("bot_token", "signing_secret")}
        missing = [f"RAG_SLACK_{n.upper()}" for n in needed[mode] if not getattr(self, n)]
        if missing:
            raise SlackConfigError(
                f"the Slack bot in {mode} mode needs {' and '.join(missing)}: "
                "see bots/slack/README.md for where to find them"
            )


def parse_grants(raw: object) -> dict[str, tuple[str, ...]]:
    """``RAG_SLACK_PRIVATE_GRANTS``: a JSON object of Slack user ids and the private collections
    each may read in their DMs with the bot, e.g. ``{"U0123ABCD": ["hr"], "U0456EFGH": ["*"]}``."""
    if isinstance(raw, Mapping):
        data: object = dict(raw)
    else:
        text = str(raw or "").strip()
        if not text:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SlackConfigError(f"RAG_SLACK_PRIVATE_GRANTS is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SlackConfigError(
            'RAG_SLACK_PRIVATE_GRANTS must be a JSON object such as {"U0123ABCD": ["hr"]}'
        )
    out: dict[str, tuple[str, ...]] = {}
    for user, grants in data.items():
        if isinstance(grants, str):
            grants = [grants]
        if not isinstance(user, str) or not user.strip():
            raise SlackConfigError("RAG_SLACK_PRIVATE_GRANTS: every key must be a Slack user id")
        if not isinstance(grants, list | tuple) or not all(
            isinstance(g, str) and g for g in grants
        ):
            raise SlackConfigError(
                f"RAG_SLACK_PRIVATE_GRANTS: the grants of {user!r} must be a list of collection names"
            )
        out[user.strip()] = tuple(dict.fromkeys(grants))
    return out


def _plain(value: object) -> object:
    """A SecretStr's value; anything else unchanged."""
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else value
