"""What the Slack bot needs to know, read from the assistant's :class:`~assistant.Settings`.

The settings live in the one ``Settings`` class (``RAG_SLACK_*``); :meth:`SlackConfig.from_settings`
reads them, parses the private-collection grants and checks what each mode needs. Tests build a
``SlackConfig`` directly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from assistant import Filters

log = logging.getLogger(__name__)

PUBLIC = "public"
ALL = "*"
# The kinds of document a channel's answers may be limited to (assistant.Filters.collections).
KINDS = ("study", "case", "profile", "data", "un", "other")
REPLIES = ("thread", "private")


@dataclass(frozen=True)
class ChannelRules:
    """How the bot behaves in one channel (``RAG_SLACK_CHANNELS``).

    ``collections``: the kinds of document its answers draw on (empty: all; never a private
    collection: a channel is read by everyone in it). ``without_mention``: answer every new
    message in the channel, not only mentions. ``replies``: ``thread`` (everyone sees the
    answer) or ``private`` (only the asker, with a button to share it). There is no rule for
    channels shared with another organisation (Slack Connect): the bot never answers in them."""

    collections: tuple[str, ...] = ()
    without_mention: bool = False
    replies: str = "thread"

    def filters(self) -> Filters | None:
        """The search filters these rules put on every answer in the channel."""
        return Filters(collections=list(self.collections)) if self.collections else None


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
    # Slack channel id (or "*" for every other channel) -> how the bot behaves there.
    channels: Mapping[str, ChannelRules] = field(default_factory=dict)
    public_url: str = "http://127.0.0.1:8000"
    state_path: Path = Path("data/slack.sqlite3")
    # RAG_DATABASE_URL: the bot's state in the database several hosts share; "": state_path
    database_url: str = ""
    # Signs view links (assistant.links.ViewLinks): "Continue in the web chat", and the source
    # links where the API asks for tokens (``signed_sources``); None: neither.
    view_links: Any = None
    signed_sources: bool = False

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
        if "channels" in values:
            values["channels"] = parse_channels(values["channels"])
        values["public_url"] = str(settings.public_url)
        values["state_path"] = Path(settings.data_dir) / "slack.sqlite3"
        values["database_url"] = getattr(settings, "database", "")
        if hasattr(settings, "view_link_secret"):
            from assistant import ViewLinks

            values["view_links"] = ViewLinks.for_settings(settings)
            values["signed_sources"] = bool(settings.token_grants())
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

    def channel(self, channel: str) -> ChannelRules:
        """The rules of ``channel``: its own, else those under ``"*"``, else the defaults."""
        return self.channels.get(channel) or self.channels.get(ALL) or ChannelRules()

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
    data = _json_object(raw, "RAG_SLACK_PRIVATE_GRANTS", '{"U0123ABCD": ["hr"]}')
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


def parse_channels(raw: object) -> dict[str, ChannelRules]:
    """``RAG_SLACK_CHANNELS``: a JSON object of channel ids (``"*"``: every other channel) and
    their rules, inline or in a file it names, e.g. ``{"C0123ABCD": {"collections": ["data",
    "un"], "without_mention": true}, "*": {"replies": "private"}}``."""
    data = _json_object(
        raw, "RAG_SLACK_CHANNELS", '{"C0123ABCD": {"collections": ["un"]}}', files=True
    )
    return {
        str(channel).strip(): _channel_rules(str(channel), rules) for channel, rules in data.items()
    }


def _json_object(raw: object, setting: str, example: str, *, files: bool = False) -> dict[str, Any]:
    """A setting's JSON object (empty for an empty setting); with ``files``, a value that is
    not JSON names a file holding it. :class:`SlackConfigError` names the setting."""
    if isinstance(raw, Mapping):
        return dict(raw)
    text = str(raw or "").strip()
    if not text:
        return {}
    if files and text[:1] not in "{[":
        path = Path(text).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SlackConfigError(
                f"{setting} names the file {path}, which cannot be read "
                f"({exc.strerror or exc}); give a JSON object or the path of a JSON file"
            ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SlackConfigError(f"{setting} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SlackConfigError(f"{setting} must be a JSON object such as {example}")
    return data


def _channel_rules(channel: str, raw: object) -> ChannelRules:
    where = f"RAG_SLACK_CHANNELS[{channel!r}]"
    if not channel.strip() or not (channel == ALL or channel[:1] in "CG"):
        raise SlackConfigError(
            f"{where}: a key must be a channel id (C… or G…, from the channel's details) or '*'"
        )
    if not isinstance(raw, Mapping):
        raise SlackConfigError(f'{where} must be an object such as {{"replies": "private"}}')
    if "external" in raw:
        # a retired setting: `false` is what the bot does anyway, anything else it cannot do
        if raw["external"] is not False:
            raise SlackConfigError(
                f"{where}: remove 'external' from the rule: the bot never answers in a channel "
                "shared with another organisation (Slack Connect); people there can ask it in a "
                "direct message"
            )
        log.warning("%s: 'external' is no longer a setting and is ignored; remove it", where)
        raw = {k: v for k, v in raw.items() if k != "external"}
    known = {f.name for f in fields(ChannelRules)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SlackConfigError(
            f"{where}: unknown setting {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}"
        )
    collections = raw.get("collections", [])
    if isinstance(collections, str):
        collections = [collections]
    if not isinstance(collections, list | tuple) or not all(
        isinstance(c, str) for c in collections
    ):
        raise SlackConfigError(f'{where}: collections must be a list such as ["data", "un"]')
    others = [c for c in collections if c not in KINDS]
    if others:
        raise SlackConfigError(
            f"{where}: {', '.join(map(repr, others))} is not a kind of document ({', '.join(KINDS)}). "
            "Private collections are never used in channels, where everyone reads the answer: "
            "grant them to people for their direct messages with RAG_SLACK_PRIVATE_GRANTS"
        )
    replies = raw.get("replies", "thread")
    if replies not in REPLIES:
        raise SlackConfigError(f"{where}: replies must be one of {', '.join(REPLIES)}")
    without_mention = raw.get("without_mention", False)
    if not isinstance(without_mention, bool):
        raise SlackConfigError(f"{where}: without_mention must be true or false")
    return ChannelRules(
        tuple(dict.fromkeys(collections)), without_mention=without_mention, replies=replies
    )


def _plain(value: object) -> object:
    """A SecretStr's value; anything else unchanged."""
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else value
