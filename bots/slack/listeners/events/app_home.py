"""The App Home tab: published afresh each time someone opens it, so its figures are current."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient


def app_home_opened_callback(
    event: dict[str, Any], context: BoltContext, client: WebClient, logger: Logger
) -> None:
    if event.get("tab", "home") != "home":
        return  # the Messages tab
    context["slack_bot"].publish_home(client, user=event["user"])
