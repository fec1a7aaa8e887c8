"""Where a button click came from, as a block_actions payload says it."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext


def click_origin(body: dict[str, Any], context: BoltContext) -> tuple[str, str, str]:
    """(team, channel, user) of a click. A click on an ephemeral message carries no message,
    only its container."""
    container = body.get("container") or {}
    team = (body.get("team") or {}).get("id") or context.get("team_id") or ""
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    return team, channel, (body.get("user") or {}).get("id", "")
