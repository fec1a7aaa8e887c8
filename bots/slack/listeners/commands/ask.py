"""``/ask [--public] <question>``: answered privately (only the asker sees it), or with
``--public`` in the channel, where an @mention in the answer's thread continues it. The question
is read as a mention's is: Slack's ``<@U…>``, ``<!channel>`` and links become their labels."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bots.slack.formatting import PLACEHOLDER, plain_question

PUBLIC_FLAGS = frozenset({"--public", "--channel", "--in-channel", "-p"})
PRIVATE_FLAGS = frozenset({"--private", "--ephemeral"})


def parse_ask(text: str) -> tuple[bool, str]:
    """(public, question) from the command's text; options come first."""
    words = (text or "").split()
    public = False
    while words and words[0].lower() in PUBLIC_FLAGS | PRIVATE_FLAGS:
        public = words.pop(0).lower() in PUBLIC_FLAGS
    return public, " ".join(words)


def ask_callback(
    ack: Ack,
    command: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    logger: Logger,
) -> None:
    public, question = parse_ask(plain_question(command.get("text", "")))
    if public or not question:
        ack()
    else:
        ack(text=PLACEHOLDER)  # shown at once, to the asker only
    context["slack_bot"].answer_command(
        client,
        respond,
        team=command.get("team_id") or context.get("team_id") or "",
        channel=command["channel_id"],
        user=command["user_id"],
        question=question,
        public=public,
    )
