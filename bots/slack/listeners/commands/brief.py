"""``/brief <country> <topic>``: a drafted brief posted in the channel as a Markdown file.

A country of several words goes in quotes or before a colon: ``/brief "Papua New Guinea"
e-government`` or ``/brief Papua New Guinea: e-government``; ISO3 codes work too (``PNG``)."""

from __future__ import annotations

import re
from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bots.slack.formatting import escape, plain_question

USAGE = (
    "Usage: `/brief <country> <topic>`, e.g. `/brief Fiji e-procurement` or "
    '`/brief "Papua New Guinea" digital identity` (or `Papua New Guinea: digital identity`).'
)
_QUOTED = re.compile(r'^\s*["“”\'‘’]([^"“”\'‘’]+)["“”\'‘’]\s*(.*)$', re.S)
_SEPARATED = re.compile(r"^\s*([^:]+?)\s*:\s*(.*)$", re.S)


def parse_brief(text: str) -> tuple[str, str]:
    """(country, topic); either may be empty when the text does not name it."""
    text = " ".join((text or "").split())
    for pattern in (_QUOTED, _SEPARATED):
        if m := pattern.match(text):
            return m.group(1).strip(), m.group(2).strip()
    country, _, topic = text.partition(" ")
    return country, topic.strip()


def brief_callback(
    ack: Ack,
    command: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    logger: Logger,
) -> None:
    country, topic = parse_brief(plain_question(command.get("text", "")))
    bot = context["slack_bot"]
    if not (country and topic):
        ack(text=USAGE)
        return
    ack(
        text=f"Drafting a brief on _{escape(topic)}_ for {escape(country)}… "
        "it will be posted here as a file."
    )
    bot.post_brief(
        client,
        respond,
        channel=command["channel_id"],
        user=command["user_id"],
        country=country,
        topic=topic,
    )
