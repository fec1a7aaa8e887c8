"""What the message listeners share: a message event handed to :meth:`SlackBot.answer_message`
with everything Slack says about where it came from."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient


def answer_event(
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    body: dict[str, Any] | None,
    *,
    thread_ts: str | None,
    direct: bool,
) -> None:
    """Answer ``event`` in ``thread_ts`` (None: a DM's main line). The asker's own workspace
    (``user_team``, a Slack Connect guest's) and the envelope's ``is_ext_shared_channel`` go
    with it: they decide whether the bot answers there, and with which grants."""
    context["slack_bot"].answer_message(
        client,
        team=context.get("team_id") or event.get("team", ""),
        channel=event["channel"],
        user=event.get("user"),
        text=event.get("text", ""),
        ts=event["ts"],
        thread_ts=thread_ts,
        direct=direct,
        bot_user_id=context.get("bot_user_id"),
        user_team=event.get("user_team"),
        shared=(body or {}).get("is_ext_shared_channel"),
    )
