"""What the bot does, apart from how Slack delivers it: answer in a thread, answer a command,
store feedback, post a brief. Listeners parse Slack's payloads and call these.

Every path answers the person, also when something fails: a friendly message where they asked,
and a log line with the answer id (or a reference when there is no answer yet).
"""

from __future__ import annotations

import io
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackClientError
from slack_sdk.web import WebClient

from assistant import (
    Answer,
    Assistant,
    BadRequest,
    NotFound,
    QuestionTooLong,
    render_docx,
    render_markdown,
)

from .config import PUBLIC, SlackConfig
from .formatting import PLACEHOLDER, Message, answer_messages, escape, plain_question, quiet
from .state import MAIN_LINE, SlackState

log = logging.getLogger("bots.slack")

Respond = Callable[..., Any]

HELP = (
    "Ask me a question about the governance documents, for example "
    "_How does Singapore train public officers in digital skills?_ "
    "I answer with numbered sources you can open and check."
)
PUBLIC_ONLY = (PUBLIC,)


def owner_for(team: str, channel: str) -> str:
    """Conversations belong to the channel (a DM is a channel): everyone in a thread continues
    the same conversation, and nothing crosses from one channel to another."""
    return f"slack:{team}:{channel}"


@dataclass
class SlackBot:
    assistant: Assistant
    config: SlackConfig
    state: SlackState

    # --- mentions and direct messages --------------------------------------------------------
    def answer_message(
        self,
        client: WebClient,
        *,
        team: str,
        channel: str,
        user: str | None,
        text: str,
        ts: str,
        thread_ts: str | None,
        direct: bool,
        bot_user_id: str | None = None,
    ) -> str | None:
        """Answer a message where it was asked: in ``thread_ts`` (a DM's main line when None).
        Posts a placeholder at once and replaces it with the answer. Returns the answer id."""
        question = plain_question(text, bot_user_id)
        problem = self._check_question(question)
        if problem:
            self._post_quietly(client, channel=channel, thread_ts=thread_ts, text=problem)
            return None
        try:
            placeholder = client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=PLACEHOLDER
            )
        except SlackClientError as exc:
            log.error("slack could not post in channel=%s thread=%s: %s", channel, thread_ts, exc)
            return None
        placeholder_ts = str(placeholder["ts"])
        key = thread_ts or MAIN_LINE
        idle = self.config.dm_idle_minutes * 60 if key == MAIN_LINE else None
        conversation_id = self.state.conversation(team, channel, key, max_age_s=idle)
        access = self.config.access_for(user, direct=direct)
        try:
            answer = self._converse(question, conversation_id, access, owner_for(team, channel))
        except Exception as exc:  # the edge: the person gets a message whatever failed
            self._fail(
                client, channel, placeholder_ts, exc, where=f"channel={channel} thread={thread_ts}"
            )
            return None
        if answer.conversation_id:  # before the answer shows: a quick follow-up finds it
            self.state.link(team, channel, [key, ts, placeholder_ts], answer.conversation_id)
        posted = self._deliver(
            client,
            channel,
            placeholder_ts,
            thread_ts,
            answer_messages(answer, self.config.public_url),
            answer.id,
        )
        if answer.conversation_id and len(posted) > 1:
            self.state.link(team, channel, posted[1:], answer.conversation_id)
        log.info(
            "slack answer id=%s team=%s channel=%s thread=%s conversation=%s access=%s grounded=%s",
            answer.id,
            team,
            channel,
            thread_ts,
            answer.conversation_id,
            "all" if access is None else ",".join(access),
            answer.grounded,
        )
        return answer.id

    # --- the slash command ---------------------------------------------------------------------
    def answer_command(
        self,
        client: WebClient,
        respond: Respond,
        *,
        team: str,
        channel: str,
        user: str,
        question: str,
        public: bool,
    ) -> str | None:
        """``/ask``: an answer only the asker sees, or (``public``) one posted in the channel.
        Public documents only: a command may be typed anywhere, in front of anyone."""
        problem = self._check_question(question)
        if problem:
            respond(text=problem, response_type="ephemeral")
            return None
        placeholder_ts: str | None = None
        if public:
            try:
                placeholder = client.chat_postMessage(
                    channel=channel,
                    text=f"<@{user}> asked: {quiet(escape(question))}\n{PLACEHOLDER}",
                )
                placeholder_ts = str(placeholder["ts"])
            except SlackClientError as exc:  # not a member: answer through the response URL
                log.info("slack /ask: cannot post in %s (%s); using the response URL", channel, exc)
        try:
            answer = self._converse(question, None, PUBLIC_ONLY, owner_for(team, channel))
        except Exception as exc:
            reference = self._log_failure(exc, where=f"command channel={channel}")
            text = _failure_text(exc, reference)
            if placeholder_ts:
                self._update_quietly(client, channel, placeholder_ts, text)
            else:
                respond(text=text, response_type="ephemeral")
            return None
        preface = f"<@{user}> asked: {escape(question)}"
        messages = answer_messages(answer, self.config.public_url, preface=preface)
        if placeholder_ts:
            if answer.conversation_id:  # an @mention in its thread continues it
                self.state.link(team, channel, [placeholder_ts], answer.conversation_id)
            posted = self._deliver(client, channel, placeholder_ts, None, messages, answer.id)
            if answer.conversation_id and len(posted) > 1:
                self.state.link(team, channel, posted[1:], answer.conversation_id)
        else:
            kind = "in_channel" if public else "ephemeral"
            self._ephemeral_or_respond(client, respond, channel, user, messages, kind, answer.id)
        log.info("slack command answer id=%s channel=%s public=%s", answer.id, channel, public)
        return answer.id

    # --- feedback ------------------------------------------------------------------------------
    def record_feedback(
        self,
        client: WebClient,
        respond: Respond,
        *,
        team: str,
        channel: str | None,
        user: str,
        answer_id: str,
        rating: int,
        thread_ts: str | None = None,
    ) -> bool:
        """Store 👍 (1) or 👎 (-1) against an answer and tell the person, privately."""
        direct = bool(channel and channel.startswith("D"))
        access = self.config.access_for(user, direct=direct)
        stored = False
        try:
            self.assistant.feedback(answer_id, rating, access=access, owner=f"slack:{team}:{user}")
            stored = True
            text = "Thanks, your feedback was recorded."
            log.info("slack feedback answer=%s rating=%s user=%s", answer_id, rating, user)
        except NotFound:
            text = "I could not find that answer any more, so your feedback was not stored."
            log.warning("slack feedback for unknown answer=%s user=%s", answer_id, user)
        except Exception as exc:
            reference = self._log_failure(exc, where=f"feedback answer={answer_id}")
            text = f"Sorry, your feedback could not be stored (reference {reference})."
        message = {"text": text, "blocks": None}
        self._ephemeral_or_respond(
            client, respond, channel, user, [message], "ephemeral", answer_id, thread_ts=thread_ts
        )
        return stored

    # --- briefs --------------------------------------------------------------------------------
    def post_brief(
        self,
        client: WebClient,
        respond: Respond,
        *,
        channel: str,
        user: str,
        country: str,
        topic: str,
    ) -> str | None:
        """Draft a brief (public documents only) and post it in the channel as a Word file and a
        Markdown file, in one message. Returns the Word file's id."""
        try:
            brief = self.assistant.draft_brief(country, topic, access=PUBLIC_ONLY)
        except BadRequest as exc:
            respond(
                text=f"I could not draft that brief: {escape(exc.message)}",
                response_type="ephemeral",
            )
            return None
        except Exception as exc:
            reference = self._log_failure(exc, where=f"brief country={country!r} topic={topic!r}")
            respond(text=_failure_text(exc, reference), response_type="ephemeral")
            return None
        try:
            markdown = render_markdown(brief)
            word = io.BytesIO()
            render_docx(brief, word)
        except Exception as exc:
            reference = self._log_failure(exc, where=f"brief id={brief.id} rendering")
            respond(text=_failure_text(exc, reference), response_type="ephemeral")
            return None
        title = brief.title
        problems = len(brief.problems)
        comment = f"<@{user}> here is the draft brief *{quiet(escape(title))}*."
        if problems:
            comment += f" {problems} statement(s) are marked [unsupported]: check them before use."
        try:
            # the Word file to send on, the Markdown to read in Slack: one message, two files
            upload = client.files_upload_v2(
                channel=channel,
                file_uploads=[
                    {
                        "content": word.getvalue(),
                        "filename": _slug(title) + ".docx",
                        "title": f"{title} (Word)",
                    },
                    {"content": markdown, "filename": _slug(title) + ".md", "title": title},
                ],
                initial_comment=comment,
            )
        except SlackClientError as exc:
            log.error(
                "slack brief id=%s could not be posted in %s: %s",
                brief.id,
                channel,
                exc,
            )
            respond(
                text="The brief is drafted but I could not post it here. Invite me to this channel "
                "(`/invite @Governance Knowledge Assistant`) or ask for it in a direct message with me.",
                response_type="ephemeral",
            )
            return None
        posted = upload.get("files") or [upload.get("file") or {}]
        file_id = str((posted[0] or {}).get("id", ""))
        log.info("slack brief id=%s file=%s channel=%s", getattr(brief, "id", ""), file_id, channel)
        return file_id

    # --- helpers -------------------------------------------------------------------------------
    def _check_question(self, question: str) -> str | None:
        if not question:
            return HELP
        try:
            self.assistant.check_question(question)
        except QuestionTooLong as exc:
            return (
                f"That question is {exc.length:,} characters long; please keep it under "
                f"{exc.limit:,}."
            )
        return None

    def _converse(
        self,
        question: str,
        conversation_id: str | None,
        access: Sequence[str] | None,
        owner: str,
    ) -> Answer:
        def ask(conversation: str | None) -> Answer:
            answer: Answer = self.assistant.converse(
                question, None, conversation, access=access, owner=owner, channel="slack"
            )
            return answer

        try:
            return ask(conversation_id)
        except NotFound:
            if conversation_id is None:
                raise
            log.warning("slack conversation %s is gone; starting a new one", conversation_id)
            return ask(None)

    def _deliver(
        self,
        client: WebClient,
        channel: str,
        placeholder_ts: str,
        thread_ts: str | None,
        messages: list[Message],
        answer_id: str,
    ) -> list[str]:
        """The first message replaces the placeholder, the others follow it; timestamps posted."""
        posted = [placeholder_ts]
        try:
            client.chat_update(channel=channel, ts=placeholder_ts, **messages[0])
            for message in messages[1:]:
                reply = client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)
                posted.append(str(reply["ts"]))
        except SlackClientError as exc:
            log.error("slack answer id=%s could not be posted in %s: %s", answer_id, channel, exc)
            text = (
                "Sorry, I found an answer but Slack would not show it "
                f"(answer id {answer_id}); please ask in the web chat."
            )
            if len(posted) == 1:
                self._update_quietly(client, channel, placeholder_ts, text)
            else:
                self._post_quietly(client, channel=channel, thread_ts=thread_ts, text=text)
        return posted

    def _ephemeral_or_respond(
        self,
        client: WebClient,
        respond: Respond,
        channel: str | None,
        user: str,
        messages: list[Message],
        response_type: str,
        answer_id: str,
        *,
        thread_ts: str | None = None,
    ) -> None:
        """Ephemeral messages through chat.postEphemeral (or in the channel through the response
        URL, where the bot is not a member)."""
        for message in messages:
            extra = {k: v for k, v in message.items() if v is not None}
            if response_type == "ephemeral" and channel:
                try:
                    client.chat_postEphemeral(
                        channel=channel, user=user, thread_ts=thread_ts, **extra
                    )
                    continue
                except SlackClientError as exc:  # e.g. not a member of a private channel
                    log.info(
                        "slack cannot post ephemerally in %s (%s); using the response URL",
                        channel,
                        exc,
                    )
            try:
                respond(response_type=response_type, **extra)
            except Exception as exc:  # no response URL, or it expired or was used up
                log.error("slack answer id=%s could not be delivered: %s", answer_id, exc)
                return

    def _fail(
        self, client: WebClient, channel: str, ts: str, exc: Exception, *, where: str
    ) -> None:
        reference = self._log_failure(exc, where=where)
        self._update_quietly(client, channel, ts, _failure_text(exc, reference))

    @staticmethod
    def _log_failure(exc: Exception, *, where: str) -> str:
        reference = uuid.uuid4().hex[:12]
        if isinstance(exc, BadRequest):
            log.info("slack question refused ref=%s %s: %s", reference, where, exc)
        else:
            log.error("slack answer failed ref=%s %s: %r", reference, where, exc, exc_info=exc)
        return reference

    @staticmethod
    def _update_quietly(client: WebClient, channel: str, ts: str, text: str) -> None:
        try:
            client.chat_update(channel=channel, ts=ts, text=text)
        except SlackClientError as exc:
            log.error("slack could not update %s in %s: %s", ts, channel, exc)

    @staticmethod
    def _post_quietly(client: WebClient, *, channel: str, thread_ts: str | None, text: str) -> None:
        try:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
        except SlackClientError as exc:
            log.error("slack could not post in %s: %s", channel, exc)


def _failure_text(exc: Exception, reference: str) -> str:
    if isinstance(exc, BadRequest):
        return f"I could not take that question: {escape(exc.message)}"
    return (
        "Sorry, something went wrong while I was answering. Please try again in a moment; "
        f"if it keeps happening, tell the people who run the assistant (reference {reference})."
    )


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return ("brief-" + slug)[:80].rstrip("-") or "brief"
