"""What the bot does, apart from how Slack delivers it: answer in a thread, answer a command,
store feedback, post a brief. Listeners parse Slack's payloads and call these.

Every path answers the person, also when something fails: a friendly message where they asked,
and a log line with the answer id (or a reference when there is no answer yet).
"""

from __future__ import annotations

import io
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackClientError
from slack_sdk.web import WebClient

from assistant import (
    Answer,
    Assistant,
    BadRequest,
    Filters,
    NotFound,
    QuestionTooLong,
    render_docx,
    render_markdown,
)

from .config import PUBLIC, ChannelRules, SlackConfig
from .formatting import (
    LOADING,
    PLACEHOLDER,
    STATUS,
    Message,
    answer_messages,
    escape,
    home_view,
    plain_question,
    quiet,
    share_value,
    sources_message,
    stream_end_blocks,
    stream_pieces,
    stream_text,
    suggested_prompts,
    table_message,
)
from .state import MAIN_LINE, SlackState

log = logging.getLogger("bots.slack")

Respond = Callable[..., Any]

GREETING = (
    "Hello! Ask me about the governance documents and indicator data: I quote them with "
    "numbered sources you can open and check, and say so when they do not hold the answer."
)
HELP = (
    "Ask me a question about the governance documents, for example "
    "_How does Singapore train public officers in digital skills?_ "
    "I answer with numbered sources you can open and check."
)
PUBLIC_ONLY = (PUBLIC,)
SHARED_CHANNEL = (
    "I do not answer in channels shared with another organisation (Slack Connect): ask me in a "
    "direct message."
)
UNKNOWN_CHANNEL = (
    "I could not check whether this channel is shared with another organisation (Slack said: "
    "{error}), so I do not post answers here."
)
UNKNOWN_CHANNEL_WHAT_TO_DO = {
    "missing_scope": " An admin can reinstall the app with the channels:read and groups:read "
    "scopes (see bots/slack/manifest.yaml).",
    "channel_not_found": " Invite me to the channel first (`/invite @Governance Assistant`), "
    "or ask without `--public`: only you will see the answer.",
    "ratelimited": " Slack is busy: try again in a minute.",
}
SHARING_NOTE = "Sharing this answer in the channel…"
SHARED_NOTE = "Shared in the channel."
NOT_SHARED_NOTE = "The answer could not be shared in the channel; ask again with `/ask --public`."
CHANNEL_INFO_SECONDS = 60.0  # how long what conversations.info said about a channel is kept


def owner_for(team: str, channel: str) -> str:
    """Conversations belong to the channel (a DM is a channel): everyone in a thread continues
    the same conversation, and nothing crosses from one channel to another."""
    return f"slack:{team}:{channel}"


@dataclass
class SlackBot:
    assistant: Assistant
    config: SlackConfig
    state: SlackState
    # channel -> (shared with another organisation, when Slack said so)
    _external: dict[str, tuple[bool, float]] = field(default_factory=dict, init=False, repr=False)

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
        user_team: str | None = None,
        shared: bool | None = None,
    ) -> str | None:
        """Answer a message where it was asked: in ``thread_ts`` (a DM's main line when None).
        Streams the answer into the thread where :meth:`_streams` says so; otherwise posts a
        placeholder at once and replaces it with the answer. In a channel, its rules apply
        (:meth:`SlackConfig.channel`): a channel shared with another organisation gets no answer,
        answers draw on the channel's kinds of document, and a channel with private replies
        gets them ephemerally. ``user_team``: the asker's own workspace when it
        is not ``team`` (Slack Connect); ``shared``: the event's own word on whether the channel
        is shared with another organisation. Returns the answer id."""
        question = plain_question(text, bot_user_id)
        problem = self._check_question(question)
        if problem:
            self._post_quietly(client, channel=channel, thread_ts=thread_ts, text=problem)
            return None
        # a guest from another organisation, or a DM shared with one: no private grants
        external = bool(shared) or bool(user_team and user_team != team)
        rules = ChannelRules() if direct else self.config.channel(channel)
        filters = rules.filters()
        if not direct:
            # told where the asker is looking: beside a top-level message, in its thread else
            beside = None if thread_ts == ts else thread_ts
            refusal = self._refusal_here(client, team, channel, user_team, shared)
            if refusal:
                if user:
                    self._tell_privately(client, channel, user, beside, refusal)
                return None
            if rules.replies == "private" and user:
                return self._answer_privately(
                    client,
                    team=team,
                    channel=channel,
                    user=user,
                    question=question,
                    thread_ts=beside,
                    filters=filters,
                )
        access = PUBLIC_ONLY if external else self.config.access_for(user, direct=direct)
        if thread_ts is not None and self._streams(team, channel, thread_ts):
            self._set_status(client, channel, thread_ts)
            return self._answer_streamed(
                client,
                team=team,
                channel=channel,
                user=user,
                user_team=user_team or team,
                question=question,
                ts=ts,
                thread_ts=thread_ts,
                access=access,
                filters=filters,
            )
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
        try:
            answer = self._converse(
                question, conversation_id, access, owner_for(team, channel), filters
            )
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
            answer_messages(answer, self.config.public_url, **self._links(answer)),
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

    # --- the AI-app surface: assistant threads, streamed answers, the App Home ---------------
    def start_thread(
        self, client: WebClient, *, team: str, channel: str, thread_ts: str, user: str
    ) -> None:
        """A new assistant thread: a greeting and up to four suggested prompts, made from what is
        ingested (and what ``user`` may read: their grants apply in their own threads)."""
        self.state.mark_panel_thread(team, channel, thread_ts)
        self._post_quietly(client, channel=channel, thread_ts=thread_ts, text=GREETING)
        questions = self._questions(self.config.access_for(user, direct=True))
        if not questions:
            return
        try:
            client.assistant_threads_setSuggestedPrompts(
                channel_id=channel,
                thread_ts=thread_ts,
                title="Try asking",
                prompts=suggested_prompts(questions),
            )
        except SlackClientError as exc:
            log.warning("slack could not set suggested prompts in %s: %s", channel, exc)

    def answer_in_thread(
        self,
        client: WebClient,
        *,
        team: str,
        channel: str,
        user: str | None,
        text: str,
        ts: str,
        thread_ts: str,
        bot_user_id: str | None = None,
        user_team: str | None = None,
    ) -> str | None:
        """A message in a DM thread (bolt's Assistant middleware takes them all): in a thread of
        the AI-app panel its first question titles the thread; the answer is streamed or posted
        as :meth:`answer_message` decides."""
        panel = self.state.is_panel_thread(team, channel, thread_ts)
        if panel and self.state.conversation(team, channel, thread_ts) is None:
            title = " ".join(plain_question(text, bot_user_id).split())[:80]
            if title:
                try:
                    client.assistant_threads_setTitle(
                        channel_id=channel, thread_ts=thread_ts, title=title
                    )
                except SlackClientError as exc:
                    log.info("slack could not title thread %s in %s: %s", thread_ts, channel, exc)
        return self.answer_message(
            client,
            team=team,
            channel=channel,
            user=user,
            text=text,
            ts=ts,
            thread_ts=thread_ts,
            direct=True,
            bot_user_id=bot_user_id,
            user_team=user_team,
        )

    def publish_home(self, client: WebClient, *, user: str) -> None:
        """The App Home for ``user``: what the assistant knows (with their grants, as in their
        DMs), how to ask, the web chat's address."""
        access = self.config.access_for(user, direct=True)
        try:
            summary = self.assistant.overview(access)
            view = home_view(summary, self.config.public_url, self._questions(access))
            client.views_publish(user_id=user, view=view)
        except SlackClientError as exc:
            log.error("slack could not publish the App Home for %s: %s", user, exc)
        except Exception as exc:  # the home is a courtesy: log and go on
            self._log_failure(exc, where=f"app home user={user}")

    def _questions(self, access: Sequence[str] | None) -> list[str]:
        """Starter questions from what ``access`` may read: the assistant's suggestions (each
        checked to have an answer)."""
        try:
            return list(self.assistant.suggestions(access).get("questions") or [])
        except Exception as exc:  # suggestions are a courtesy, never a failure
            log.warning("slack could not make suggestions: %r", exc)
            return []

    def _streams(self, team: str, channel: str, thread_ts: str) -> bool:
        """Whether an answer in this thread is streamed (``RAG_SLACK_STREAM``): in the AI-app
        panel's threads ("panel"), in every thread ("threads"), or nowhere ("off")."""
        if self.config.stream == "threads":
            return True
        return self.config.stream == "panel" and self.state.is_panel_thread(
            team, channel, thread_ts
        )

    @staticmethod
    def _set_status(client: WebClient, channel: str, thread_ts: str) -> None:
        """Show "is searching the documents…" in the thread (a courtesy: a refusal is logged)."""
        try:
            client.assistant_threads_setStatus(
                channel_id=channel, thread_ts=thread_ts, status=STATUS, loading_messages=LOADING
            )
        except SlackClientError as exc:
            log.info("slack status not shown in %s: %s", channel, exc)

    def _answer_streamed(
        self,
        client: WebClient,
        *,
        team: str,
        channel: str,
        user: str | None,
        user_team: str,
        question: str,
        ts: str,
        thread_ts: str,
        access: Sequence[str] | None,
        filters: Filters | None = None,
    ) -> str | None:
        """Answer in ``thread_ts`` with Slack's streaming methods: the text as the answerer
        writes it (an LLM's tokens, the extractive answerer's sentences), then how the question
        was read, the sources and the feedback buttons. Should Slack refuse to start the stream,
        the answer is posted as today's messages instead; should it fail later, the whole answer
        is posted as messages after what was streamed."""
        conversation_id = self.state.conversation(team, channel, thread_ts)
        owner = owner_for(team, channel)
        stream = _Stream(client, channel, thread_ts, user_team, user)
        answer: Answer | None = None
        try:
            try:
                events = self.assistant.converse_stream(
                    question, filters, conversation_id, access=access, owner=owner, channel="slack"
                )
            except NotFound:
                log.warning("slack conversation %s is gone; starting a new one", conversation_id)
                events = self.assistant.converse_stream(
                    question, filters, None, access=access, owner=owner, channel="slack"
                )
            for event in events:
                if event["type"] == "delta":
                    stream.append(stream_text(event["text"]))
                elif event["type"] == "done":
                    answer = Answer.model_validate(event["answer"])
            if answer is None:
                raise RuntimeError("the answer stream ended without its answer")
            if answer.conversation_id:
                self.state.link(team, channel, [thread_ts, ts], answer.conversation_id)
            posted = stream.finish(answer, self.config.public_url, **self._links(answer))
        except Exception as exc:
            reference = self._log_failure(exc, where=f"stream channel={channel} thread={thread_ts}")
            stream.fail(_failure_text(exc, reference))
            return None
        if answer.conversation_id and posted:
            self.state.link(team, channel, posted, answer.conversation_id)
        log.info(
            "slack streamed answer id=%s team=%s channel=%s thread=%s streamed=%s grounded=%s",
            answer.id,
            team,
            channel,
            thread_ts,
            stream.ts is not None,
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
        """``/ask``: an answer only the asker sees (with a button to share it in the channel),
        or (``public``) one posted in the channel. Public documents only: a command may be typed
        anywhere, in front of anyone. The channel's rules apply as to a mention's answer."""
        problem = self._check_question(question)
        if problem:
            respond(text=problem, response_type="ephemeral")
            return None
        direct = channel.startswith("D")  # a DM, where channel rules do not apply
        rules = ChannelRules() if direct else self.config.channel(channel)
        # an answer posted for the channel is refused where Slack cannot say whether the
        # channel is shared; one only the asker sees (public documents) is not: in a private
        # channel the bot is not in, Slack will not say
        refusal = self._refusal_here(client, team, channel, None, None, unknown_ok=not public)
        if refusal:
            respond(text=refusal, response_type="ephemeral")
            return None
        filters = rules.filters()
        return self._answer_for_channel(
            client,
            respond,
            team=team,
            channel=channel,
            user=user,
            question=question,
            public=public,
            filters=filters,
        )

    def _answer_for_channel(
        self,
        client: WebClient,
        respond: Respond,
        *,
        team: str,
        channel: str,
        user: str,
        question: str,
        public: bool,
        filters: Filters | None,
        said: str = "asked",
        thread_ts: str | None = None,
    ) -> str | None:
        """An answer from public documents, posted in the channel (``public``: a placeholder
        at once, replaced by the answer; where the bot is not a member, through the response
        URL) or shown to ``user`` only, with a button to share it. ``said``: what the person
        did, as the answer's first line says it ("<@U…> asked: …")."""
        placeholder_ts: str | None = None
        if public:
            try:
                placeholder = client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=f"<@{user}> {said}: {quiet(escape(question))}\n{PLACEHOLDER}",
                )
                placeholder_ts = str(placeholder["ts"])
            except SlackClientError as exc:  # not a member: answer through the response URL
                log.info("slack /ask: cannot post in %s (%s); using the response URL", channel, exc)
        try:
            answer = self._converse(question, None, PUBLIC_ONLY, owner_for(team, channel), filters)
        except Exception as exc:
            reference = self._log_failure(exc, where=f"command channel={channel}")
            text = _failure_text(exc, reference)
            if placeholder_ts:
                self._update_quietly(client, channel, placeholder_ts, text)
            else:
                respond(text=text, response_type="ephemeral")
            return None
        preface = f"<@{user}> {said}: {escape(question)}"
        shareable = not public and not channel.startswith("D")
        messages = answer_messages(
            answer,
            self.config.public_url,
            preface=preface,
            share=share_value(answer.id, thread_ts) if shareable else "",
            **self._links(answer),
        )
        if placeholder_ts:
            if answer.conversation_id:  # an @mention in its thread continues it
                self.state.link(team, channel, [placeholder_ts], answer.conversation_id)
            posted = self._deliver(client, channel, placeholder_ts, thread_ts, messages, answer.id)
            if not posted:
                return None
            if answer.conversation_id and len(posted) > 1:
                self.state.link(team, channel, posted[1:], answer.conversation_id)
        else:
            kind = "in_channel" if public else "ephemeral"
            if not self._ephemeral_or_respond(
                client, respond, channel, user, messages, kind, answer.id
            ):
                return None
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

    # --- channel rules, private answers and sharing them ----------------------------------------
    def _refusal_here(
        self,
        client: WebClient,
        team: str,
        channel: str,
        user_team: str | None,
        shared: bool | None,
        *,
        unknown_ok: bool = False,
    ) -> str | None:
        """Why the bot does not answer in ``channel``, or None: never in a channel shared with
        another organisation (Slack Connect), nor where it cannot tell. Whether it is shared:
        the event's own flag, else conversations.info; where neither is known, a guest from
        another workspace counts as sharing it. ``unknown_ok``: no refusal where Slack will not
        say."""
        if shared is None and user_team and user_team != team:
            return SHARED_CHANNEL
        if shared is None:
            try:
                shared = self.channel_is_shared(client, channel)
            except SlackClientError as exc:
                log.warning("slack could not read channel %s: %s", channel, exc)
                if unknown_ok:
                    return None
                data = getattr(getattr(exc, "response", None), "data", None) or {}
                return _unknown_channel(str(data.get("error") or "no answer"))
        return SHARED_CHANNEL if shared else None

    def channel_is_shared(self, client: WebClient, channel: str) -> bool:
        """Whether ``channel`` is shared with another organisation, as conversations.info says
        (kept for CHANNEL_INFO_SECONDS); raises SlackClientError when Slack will not say."""
        known = self._external.get(channel)
        if known and time.monotonic() - known[1] < CHANNEL_INFO_SECONDS:
            return known[0]
        info = client.conversations_info(channel=channel)
        details = info.get("channel") or {}
        shared = bool(details.get("is_ext_shared") or details.get("is_pending_ext_shared"))
        self._external[channel] = (shared, time.monotonic())
        return shared

    def _tell_privately(
        self, client: WebClient, channel: str, user: str, thread_ts: str | None, text: str
    ) -> None:
        try:
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=text)
        except SlackClientError as exc:
            log.error("slack could not tell %s in %s: %s", user, channel, exc)

    def _answer_privately(
        self,
        client: WebClient,
        *,
        team: str,
        channel: str,
        user: str,
        question: str,
        thread_ts: str | None,
        filters: Filters | None,
    ) -> str | None:
        """A channel whose rules want private replies: the answer only the asker sees, in the
        thread, with a button that shares it in the channel. Each such answer starts its own
        conversation (nobody else sees the turns it would continue)."""
        try:
            answer = self._converse(question, None, PUBLIC_ONLY, owner_for(team, channel), filters)
        except Exception as exc:
            reference = self._log_failure(exc, where=f"private channel={channel}")
            self._tell_privately(client, channel, user, thread_ts, _failure_text(exc, reference))
            return None
        share = share_value(answer.id, thread_ts)
        links = self._links(answer)
        for message in answer_messages(answer, self.config.public_url, share=share, **links):
            try:
                client.chat_postEphemeral(
                    channel=channel, user=user, thread_ts=thread_ts, **message
                )
            except SlackClientError as exc:
                log.error("slack private answer id=%s not shown: %s", answer.id, exc)
                break
        log.info("slack private answer id=%s channel=%s", answer.id, channel)
        return answer.id

    def share_answer(
        self,
        client: WebClient,
        respond: Respond,
        *,
        team: str,
        channel: str,
        user: str,
        answer_id: str,
        thread_ts: str | None,
    ) -> str | None:
        """ "Share to channel" under a private answer: the question asked again for the channel,
        from public documents only and under the channel's rules (so nothing private crosses),
        posted in the channel (in the thread it was asked in); the private copy then says where
        it went. Only an answer made in this channel can be shared here."""
        try:
            record = self.assistant.answer_record(answer_id, None)
        except NotFound:
            record = None
        if record is None or record.owner != owner_for(team, channel):
            respond(
                text="That answer cannot be shared here any more; ask again.",
                response_type="ephemeral",
                replace_original=False,
            )
            return None
        rules = self.config.channel(channel)
        refusal = self._refusal_here(client, team, channel, None, None)
        if refusal:
            respond(text=refusal, response_type="ephemeral", replace_original=False)
            return None
        filters = rules.filters()
        # the private copy loses its buttons at once: a second click cannot post it twice
        respond(text=SHARING_NOTE, response_type="ephemeral", replace_original=True)
        shared = self._answer_for_channel(
            client,
            respond,
            team=team,
            channel=channel,
            user=user,
            question=record.question,
            public=True,
            filters=filters,
            said="shared an answer to",
            thread_ts=thread_ts,
        )
        if shared is None:
            respond(text=NOT_SHARED_NOTE, response_type="ephemeral", replace_original=True)
            return None
        respond(text=SHARED_NOTE, response_type="ephemeral", replace_original=True)
        log.info("slack shared answer id=%s (from %s) channel=%s", shared, answer_id, channel)
        return shared

    # --- helpers -------------------------------------------------------------------------------
    def _links(self, answer: Answer) -> dict[str, str]:
        """View links to ``answer`` (assistant.links): ``view`` for its source links, where the
        API asks for tokens (nobody reading Slack could answer its token prompt), and
        ``resume`` for "Continue in the web chat", where it was given in a conversation."""
        links = self.config.view_links
        if links is None or not answer.id:
            return {}
        token = str(links.sign(answer.id))
        return {
            "view": token if self.config.signed_sources else "",
            "resume": token if answer.conversation_id else "",
        }

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
        filters: Filters | None = None,
    ) -> Answer:
        def ask(conversation: str | None) -> Answer:
            answer: Answer = self.assistant.converse(
                question, filters, conversation, access=access, owner=owner, channel="slack"
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
        """The first message replaces the placeholder, the others follow it: the timestamps of
        the answer's messages, none when Slack would not show it (the thread then says so)."""
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
            return []
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
    ) -> bool:
        """Ephemeral messages through chat.postEphemeral (or in the channel through the response
        URL, where the bot is not a member); whether they were all delivered. A message for the
        channel never replaces the one the response URL belongs to (a private answer shared)."""
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
            if response_type == "in_channel":
                extra["replace_original"] = False
            try:
                respond(response_type=response_type, **extra)
            except Exception as exc:  # no response URL, or it expired or was used up
                log.error("slack answer id=%s could not be delivered: %s", answer_id, exc)
                return False
        return True

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


class _Stream:
    """One answer streamed into a thread with chat.startStream / appendStream / stopStream.

    The stream starts with the first text (so that it shows at once); later text is sent in
    batches of STREAM_BATCH characters or STREAM_SECONDS (Slack rate-limits the calls), each call
    within Slack's 12,000 characters. Text is made safe (:func:`stream_text`) as a whole: what
    is sent ends at a word boundary and before an unclosed link, so that no Slack token or
    Markdown link can be assembled across two calls. If Slack refuses to start the stream,
    nothing was shown and :meth:`finish` posts the answer as messages."""

    def __init__(
        self, client: WebClient, channel: str, thread_ts: str, team: str, user: str | None
    ) -> None:
        self.client, self.channel, self.thread_ts = client, channel, thread_ts
        self.team, self.user = team, user
        self.ts: str | None = None
        self.refused = False  # Slack would not start a stream here
        self.broken = False  # the stream failed after it started
        self.pending = ""  # text not yet sent
        self.flushed = 0.0  # when text was last sent

    def append(self, text: str) -> None:
        if self.refused or self.broken:
            return
        self.pending += text
        due = time.monotonic() - self.flushed >= STREAM_SECONDS
        if self.ts is None or len(self.pending) >= STREAM_BATCH or due:
            self._send(final=False)

    def _send(self, *, final: bool) -> None:
        """Send what is pending (starting the stream with it if it has not started); all of it
        when ``final``, else up to a point where nothing can be cut in two."""
        cut = len(self.pending) if final else _safe_cut(self.pending)
        text, self.pending = self.pending[:cut], self.pending[cut:]
        if not text.strip() and self.ts is not None:
            self.pending = text + self.pending
            return
        for piece in stream_pieces(stream_text(text or " ")):
            try:
                if self.ts is None:
                    reply = self.client.chat_startStream(
                        channel=self.channel,
                        thread_ts=self.thread_ts,
                        recipient_team_id=self.team or None,
                        recipient_user_id=self.user,
                        markdown_text=piece,
                    )
                    self.ts = str(reply["ts"])
                else:
                    self.client.chat_appendStream(
                        channel=self.channel, ts=self.ts, markdown_text=piece
                    )
            except SlackClientError as exc:
                if self.ts is None:
                    self.refused = True
                    log.info(
                        "slack would not stream in %s (%s): posting instead", self.channel, exc
                    )
                else:
                    self.broken = True
                    log.error("slack stream %s in %s broke: %s", self.ts, self.channel, exc)
                return
        self.flushed = time.monotonic()

    def finish(
        self, answer: Answer, public_url: str, view: str = "", resume: str = ""
    ) -> list[str]:
        """End the stream with the answer's sources and feedback buttons (or post the answer as
        messages where it could not be streamed); the timestamps of the messages shown."""
        if not (self.refused or self.broken) and (self.pending or self.ts is None):
            self._send(final=True)
        if self.ts is not None and not self.broken:
            try:
                self.client.chat_stopStream(
                    channel=self.channel,
                    ts=self.ts,
                    blocks=stream_end_blocks(answer, public_url, view, resume),
                )
                return [self.ts]
            except SlackClientError as exc:
                # the text is shown: close the stream as it is, the sources follow on their own
                log.error("slack could not end stream %s in %s: %s", self.ts, self.channel, exc)
                self._close()
                posted = [
                    self.ts,
                    *self._post(sources_message(answer, public_url, view, resume), answer.id),
                ]
                if (table := table_message(answer)) is not None:
                    posted += self._post(table, answer.id)
                return posted
        self._close()
        posted = [self.ts] if self.ts else []
        for message in answer_messages(answer, public_url, view=view, resume=resume):
            more = self._post(message, answer.id)
            if not more:
                break
            posted += more
        return posted

    def fail(self, text: str) -> None:
        """The answer failed: say so where the person is looking."""
        if self.ts is not None and not self.broken:
            try:
                self.client.chat_stopStream(
                    channel=self.channel, ts=self.ts, markdown_text=f"\n\n{text}"
                )
                return
            except SlackClientError as exc:
                log.error("slack could not stop stream %s: %s", self.ts, exc)
        self._close()
        self._post({"text": text}, "")

    def _close(self) -> None:
        """Stop a started stream as it is (a broken one too), quietly."""
        if self.ts is None:
            return
        try:
            self.client.chat_stopStream(channel=self.channel, ts=self.ts)
        except SlackClientError as exc:
            log.info("slack could not close stream %s: %s", self.ts, exc)

    def _post(self, message: Message, answer_id: str) -> list[str]:
        try:
            reply = self.client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, **message
            )
            return [str(reply["ts"])]
        except SlackClientError as exc:
            log.error("slack answer id=%s could not be posted: %s", answer_id, exc)
            return []


def _safe_cut(text: str) -> int:
    """Where ``text`` may be cut for streaming: after its last whitespace, and before a "[" not
    yet closed by its "](…)" link (0: keep it all for now)."""
    cut = max(text.rfind(" "), text.rfind("\n")) + 1
    opened = text.rfind("[", 0, cut)
    if opened == -1:
        return cut
    tail = text[opened:cut]
    close = tail.find("]")
    # "[the por": no "]" yet; "[the portal](http://ev": its target not closed
    if close == -1 or (tail[close + 1 : close + 2] == "(" and ")" not in tail[close:]):
        return opened
    return cut


# Streamed text is sent in batches: this many characters, or what came in this many seconds.
STREAM_BATCH = 2_000
STREAM_SECONDS = 0.5


def _unknown_channel(error: str) -> str:
    return UNKNOWN_CHANNEL.format(error=error) + UNKNOWN_CHANNEL_WHAT_TO_DO.get(error, "")


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
