"""The AI-app panel (Slack's assistant threads): a new thread gets a greeting and suggested
prompts made from what is ingested; a message in it is answered with the status shown while
searching and the answer streamed (see :meth:`bots.slack.bot.SlackBot.answer_in_thread`).

bolt's :class:`~slack_bolt.Assistant` middleware routes these events, and every other message
in a DM thread too: those are answered as before (streamed only with RAG_SLACK_STREAM=threads)."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Assistant, BoltContext
from slack_sdk import WebClient


def build_assistant() -> Assistant:
    assistant = Assistant()
    assistant.thread_started(thread_started_callback)
    assistant.user_message(user_message_callback)
    assistant.thread_context_changed(context_changed_callback)
    return assistant


def thread_started_callback(
    payload: dict[str, Any], context: BoltContext, client: WebClient, logger: Logger
) -> None:
    thread = payload.get("assistant_thread") or {}
    context["slack_bot"].start_thread(
        client,
        team=context.get("team_id") or (thread.get("context") or {}).get("team_id") or "",
        channel=thread["channel_id"],
        thread_ts=thread["thread_ts"],
        user=thread.get("user_id") or context.get("user_id") or "",
    )


def user_message_callback(
    payload: dict[str, Any], context: BoltContext, client: WebClient, logger: Logger
) -> None:
    # bolt passes plain messages and file shares here (a thread reply also sent to the DM,
    # "thread_broadcast", goes to the message listener)
    if payload.get("subtype") is not None:
        return
    context["slack_bot"].answer_in_thread(
        client,
        team=context.get("team_id") or payload.get("team", ""),
        channel=payload["channel"],
        user=payload.get("user"),
        text=payload.get("text", ""),
        ts=payload["ts"],
        thread_ts=payload["thread_ts"],
        bot_user_id=context.get("bot_user_id"),
        user_team=payload.get("user_team"),  # a Slack Connect DM: the guest's own workspace
    )


def context_changed_callback(payload: dict[str, Any], logger: Logger) -> None:
    """The panel moved to another channel. Answers come from the documents, not from the
    channel being viewed, so nothing is kept (bolt's default would write the context into the
    thread's first message)."""
    logger.debug("assistant thread context changed: %s", payload.get("assistant_thread"))
