"""The listener functions called directly, as slack-samples' templates test them: a Mock Web API
client, a Mock assistant, and a real bot (state on disk, real formatting)."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any
from unittest.mock import Mock, create_autospec

import pytest
from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from assistant import Answer, Brief, Citation, render_markdown
from assistant.errors import BadRequest, NotFound, QuestionTooLong, StoreUnavailable
from bots.slack.bot import HELP, SlackBot
from bots.slack.config import SlackConfig
from bots.slack.formatting import FEEDBACK_DOWN, FEEDBACK_UP, PLACEHOLDER
from bots.slack.listeners.actions.feedback import feedback_callback
from bots.slack.listeners.commands.ask import ask_callback, parse_ask
from bots.slack.listeners.commands.brief import USAGE, brief_callback, parse_brief
from bots.slack.listeners.events.app_mention import app_mention_callback
from bots.slack.listeners.events.direct_message import direct_message_callback
from bots.slack.state import SlackState

LOG = logging.getLogger("test")


def make_answer(text: str = "The College trains officers [1].", **changes: Any) -> Answer:
    values: dict[str, Any] = {
        "id": "ans-1",
        "question": "q",
        "answer": text,
        "grounded": True,
        "conversation_id": "conv-1",
        "citations": [
            Citation(
                n=1,
                document_id="doc-1",
                title="Public service training",
                collection="study",
                source="a.md",
                text="…",
            )
        ],
        **changes,
    }
    return Answer(**values)


@pytest.fixture
def assistant() -> Mock:
    fake = Mock(spec=["converse", "feedback", "draft_brief", "check_question"])
    fake.converse.return_value = make_answer()

    def check_question(question: str) -> str:  # Assistant.check_question with a 200 limit
        if len(question.strip()) > 200:
            raise QuestionTooLong(len(question.strip()), 200)
        return question.strip()

    fake.check_question.side_effect = check_question
    return fake


@pytest.fixture
def bot(assistant: Mock, tmp_path: Path) -> SlackBot:
    config = SlackConfig(
        public_url="https://chat.example.org",
        private_grants={"U0HR": ("hr",)},
        state_path=tmp_path / "slack.sqlite3",
    )
    return SlackBot(assistant, config, SlackState(config.state_path))


@pytest.fixture
def client() -> Mock:
    web = Mock(spec=WebClient)
    counter = iter(range(100, 1000))
    web.chat_postMessage.side_effect = lambda **kw: {"ok": True, "ts": f"1700.{next(counter)}"}
    web.conversations_info.side_effect = lambda channel: {
        "ok": True,
        "channel": {"id": channel, "is_ext_shared": False},
    }
    return web


def context(bot: SlackBot) -> BoltContext:
    return BoltContext({"slack_bot": bot, "team_id": "T1", "bot_user_id": "UBOT"})


def slack_error(error: str) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="",
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=200,
    )
    return SlackApiError(error, response)


def mention(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": "U0ANA",
        "text": f"<@UBOT> {text}",
        "ts": "1.0",
        "channel": "C1",
        **extra,
    }


def dm(text: str, user: str = "U0ANA", **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": "2.0",
        "channel": "D1",
        **extra,
    }


# --- mentions -------------------------------------------------------------------------------------


def test_a_mention_gets_a_placeholder_then_the_answer_in_its_thread(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    app_mention_callback(mention("How are officers trained?"), context(bot), client, LOG)
    placeholder = client.chat_postMessage.call_args_list[0].kwargs
    assert placeholder == {"channel": "C1", "thread_ts": "1.0", "text": PLACEHOLDER}
    args, kwargs = assistant.converse.call_args
    assert args == ("How are officers trained?", None, None)
    assert kwargs == {"access": ("public",), "owner": "slack:T1:C1", "channel": "slack"}
    update = client.chat_update.call_args.kwargs
    assert update["channel"] == "C1" and update["ts"] == "1700.100"
    assert "trains officers" in update["blocks"][0]["text"]["text"]
    assert update["blocks"][-1]["elements"][0]["value"] == "ans-1"


def test_a_follow_up_in_the_thread_continues_the_conversation(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    app_mention_callback(mention("How are officers trained?"), context(bot), client, LOG)
    app_mention_callback(
        mention("And in Fiji?", ts="1.5", thread_ts="1.0"), context(bot), client, LOG
    )
    assert assistant.converse.call_args.args == ("And in Fiji?", None, "conv-1")
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == "1.0"
    # another channel's thread with the same timestamp is another conversation
    app_mention_callback(
        mention("And in Fiji?", channel="C2", thread_ts="1.0"), context(bot), client, LOG
    )
    assert assistant.converse.call_args.args[2] is None


def test_a_vanished_conversation_starts_a_new_one(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    bot.state.link("T1", "C1", ["1.0"], "conv-gone")
    assistant.converse.side_effect = [NotFound("no conversation"), make_answer()]
    app_mention_callback(mention("Again?", thread_ts="1.0"), context(bot), client, LOG)
    assert [c.args[2] for c in assistant.converse.call_args_list] == ["conv-gone", None]
    assert client.chat_update.call_args.kwargs["blocks"]


def test_a_bare_mention_gets_help_and_no_search(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    app_mention_callback(mention(""), context(bot), client, LOG)
    assert client.chat_postMessage.call_args.kwargs["text"] == HELP
    assistant.converse.assert_not_called()


def test_a_question_over_the_limit_is_refused_politely(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    app_mention_callback(mention("why " * 100), context(bot), client, LOG)
    assert "please keep it under 200" in client.chat_postMessage.call_args.kwargs["text"]
    assistant.converse.assert_not_called()


def test_a_failure_is_told_in_the_thread_with_a_reference_in_the_log(
    bot: SlackBot, assistant: Mock, client: Mock, caplog: pytest.LogCaptureFixture
) -> None:
    assistant.converse.side_effect = StoreUnavailable("chroma at 10.0.0.5:8001 is down")
    with caplog.at_level(logging.ERROR, logger="bots.slack"):
        app_mention_callback(mention("How are officers trained?"), context(bot), client, LOG)
    text = client.chat_update.call_args.kwargs["text"]
    assert text.startswith("Sorry, something went wrong") and "10.0.0.5" not in text
    reference = text.rsplit("reference ", 1)[1].rstrip(").")
    assert any(
        reference in r.getMessage() and "channel=C1" in r.getMessage() for r in caplog.records
    )


def test_a_bad_question_says_what_is_wrong(bot: SlackBot, assistant: Mock, client: Mock) -> None:
    assistant.converse.side_effect = BadRequest("unknown country 'Atlantis'")
    app_mention_callback(mention("EGDI of Atlantis?"), context(bot), client, LOG)
    assert (
        client.chat_update.call_args.kwargs["text"]
        == "I could not take that question: unknown country 'Atlantis'"
    )


def test_an_answer_slack_refuses_is_replaced_by_a_message_with_the_answer_id(
    bot: SlackBot, client: Mock, caplog: pytest.LogCaptureFixture
) -> None:
    client.chat_update.side_effect = [slack_error("invalid_blocks"), {"ok": True}]
    with caplog.at_level(logging.ERROR, logger="bots.slack"):
        app_mention_callback(mention("How are officers trained?"), context(bot), client, LOG)
    assert "answer id ans-1" in client.chat_update.call_args.kwargs["text"]
    assert any(
        "ans-1" in r.getMessage() and "invalid_blocks" in r.getMessage() for r in caplog.records
    )


def test_mentions_inside_a_dm_are_left_to_the_message_listener(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    app_mention_callback(mention("hi", channel="D1"), context(bot), client, LOG)
    client.chat_postMessage.assert_not_called()
    assistant.converse.assert_not_called()


# --- direct messages ------------------------------------------------------------------------------


def test_a_dm_is_answered_in_the_dm_with_the_users_grants(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    direct_message_callback(
        dm("What is the Zephyr allowance?", user="U0HR"), context(bot), client, LOG
    )
    assert client.chat_postMessage.call_args.kwargs == {
        "channel": "D1",
        "thread_ts": None,
        "text": PLACEHOLDER,
    }
    assert assistant.converse.call_args.kwargs["access"] == ("public", "hr")
    direct_message_callback(
        dm("What is the Zephyr allowance?", channel="D2"), context(bot), client, LOG
    )
    assert assistant.converse.call_args.kwargs["access"] == ("public",)


def test_the_dm_main_line_continues_while_recent(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    direct_message_callback(dm("How are officers trained?"), context(bot), client, LOG)
    direct_message_callback(dm("And in Fiji?", ts="3.0"), context(bot), client, LOG)
    assert assistant.converse.call_args.args[2] == "conv-1"
    stale = SlackBot(
        assistant, SlackConfig(dm_idle_minutes=0, state_path=bot.config.state_path), bot.state
    )
    direct_message_callback(dm("And in Samoa?", ts="4.0"), context(stale), client, LOG)
    assert assistant.converse.call_args.args[2] is None


def test_a_thread_under_a_dm_answer_continues_its_conversation(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    direct_message_callback(dm("How are officers trained?"), context(bot), client, LOG)
    answer_ts = client.chat_postMessage.call_args.kwargs and "1700.100"
    direct_message_callback(dm("More?", ts="5.0", thread_ts=answer_ts), context(bot), client, LOG)
    assert assistant.converse.call_args.args[2] == "conv-1"
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == answer_ts


@pytest.mark.parametrize(
    "event",
    [
        dm("edited", subtype="message_changed"),
        dm("from a bot", bot_id="B1"),
        {**dm("in a channel"), "channel_type": "channel", "channel": "C1"},
    ],
)
def test_other_messages_are_ignored(
    bot: SlackBot, assistant: Mock, client: Mock, event: dict[str, Any]
) -> None:
    direct_message_callback(event, context(bot), client, LOG)
    client.chat_postMessage.assert_not_called()
    assistant.converse.assert_not_called()


# --- /ask -----------------------------------------------------------------------------------------


def test_parse_ask_options() -> None:
    assert parse_ask("--public What is it?") == (True, "What is it?")
    assert parse_ask("-p  What  is it?") == (True, "What is it?")
    assert parse_ask("What is --public?") == (False, "What is --public?")
    assert parse_ask("--public --private x") == (False, "x")
    assert parse_ask("") == (False, "")


def command(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "command": "/ask",
        "text": text,
        "channel_id": "C1",
        "user_id": "U0HR",
        "team_id": "T1",
        **extra,
    }


def test_ask_answers_privately_by_default_with_public_documents_only(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    ack, respond = Mock(), Mock()
    ask_callback(ack, command("What is the Zephyr allowance?"), context(bot), client, respond, LOG)
    ack.assert_called_once_with(text=PLACEHOLDER)
    assert assistant.converse.call_args.kwargs["access"] == ("public",)  # even for a granted user
    sent = client.chat_postEphemeral.call_args.kwargs
    assert sent["channel"] == "C1" and sent["user"] == "U0HR"
    assert (
        sent["blocks"][0]["elements"][0]["text"] == "<@U0HR> asked: What is the Zephyr allowance?"
    )
    client.chat_postMessage.assert_not_called()
    respond.assert_not_called()


def test_ask_public_posts_in_the_channel_and_links_the_thread(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    ack, respond = Mock(), Mock()
    ask_callback(
        ack, command("--public How are officers trained?"), context(bot), client, respond, LOG
    )
    ack.assert_called_once_with()
    assert client.chat_postMessage.call_args.kwargs["text"].endswith(PLACEHOLDER)
    assert client.chat_update.call_args.kwargs["ts"] == "1700.100"
    assert bot.state.conversation("T1", "C1", "1700.100") == "conv-1"


def test_ask_falls_back_to_the_response_url_where_the_bot_is_not_a_member(
    bot: SlackBot, client: Mock
) -> None:
    client.chat_postMessage.side_effect = slack_error("not_in_channel")
    client.chat_postEphemeral.side_effect = slack_error("not_in_channel")
    for text, kind in (("--public Why?", "in_channel"), ("Why?", "ephemeral")):
        respond = Mock()
        ask_callback(Mock(), command(text), context(bot), client, respond, LOG)
        assert respond.call_args.kwargs["response_type"] == kind
        assert respond.call_args.kwargs["blocks"][-1]["type"] == "actions"


def test_ask_without_a_question_explains(bot: SlackBot, assistant: Mock, client: Mock) -> None:
    respond = Mock()
    ask_callback(Mock(), command("  "), context(bot), client, respond, LOG)
    assert respond.call_args.kwargs == {"text": HELP, "response_type": "ephemeral"}
    assistant.converse.assert_not_called()


# --- /brief ---------------------------------------------------------------------------------------


def test_parse_brief() -> None:
    assert parse_brief("Fiji e-procurement, open contracting") == (
        "Fiji",
        "e-procurement, open contracting",
    )
    assert parse_brief('"Papua New Guinea" digital identity') == (
        "Papua New Guinea",
        "digital identity",
    )
    assert parse_brief("“Viet Nam” open data") == ("Viet Nam", "open data")
    assert parse_brief("Papua New Guinea: digital identity") == (
        "Papua New Guinea",
        "digital identity",
    )
    assert parse_brief("Fiji") == ("Fiji", "")


def a_brief() -> Brief:
    return Brief(
        id="brief-1", country="Fiji", iso3="FJI", topic="e-procurement", created="", sections=[]
    )


def draft_brief(
    country: str, topic: str, audience: str | None = None, *, access: Any = ("public",)
) -> Brief:
    raise AssertionError("replaced by an autospec")


def test_brief_posts_the_word_file_and_the_markdown(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    assistant.draft_brief = create_autospec(draft_brief, return_value=a_brief())
    client.files_upload_v2.return_value = {"ok": True, "file": {"id": "F1"}}
    ack = Mock()
    brief_callback(
        ack, command("Fiji e-procurement", command="/brief"), context(bot), client, Mock(), LOG
    )
    assert "Drafting a brief" in ack.call_args.kwargs["text"]
    assert assistant.draft_brief.call_args.args == ("Fiji", "e-procurement")
    assert assistant.draft_brief.call_args.kwargs == {"access": ("public",)}
    upload = client.files_upload_v2.call_args.kwargs
    word, markdown = upload["file_uploads"]
    assert upload["channel"] == "C1"
    assert word["filename"].endswith(".docx") and word["content"][:2] == b"PK"  # a zip: .docx
    assert markdown["filename"].endswith(".md")
    assert markdown["content"] == render_markdown(a_brief())


def test_brief_without_a_topic_answers_at_once_with_the_usage(
    bot: SlackBot, client: Mock, tmp_path: Path
) -> None:
    ack = Mock()
    brief_callback(ack, command("Fiji", command="/brief"), context(bot), client, Mock(), LOG)
    assert ack.call_args.kwargs["text"] == USAGE
    client.files_upload_v2.assert_not_called()


def test_brief_errors_are_told_privately(bot: SlackBot, assistant: Mock, client: Mock) -> None:
    assistant.draft_brief.side_effect = BadRequest("unknown country 'Atlantis'")
    respond = Mock()
    brief_callback(
        Mock(), command("Atlantis ports", command="/brief"), context(bot), client, respond, LOG
    )
    assert respond.call_args.kwargs == {
        "text": "I could not draft that brief: unknown country 'Atlantis'",
        "response_type": "ephemeral",
    }
    assistant.draft_brief.side_effect = None
    assistant.draft_brief.return_value = a_brief()
    client.files_upload_v2.side_effect = slack_error("not_in_channel")
    brief_callback(
        Mock(), command("Fiji ports", command="/brief"), context(bot), client, respond, LOG
    )
    assert "Invite me to this channel" in respond.call_args.kwargs["text"]


# --- feedback -------------------------------------------------------------------------------------


def click(
    action_id: str, channel: str = "C1", user: str = "U0ANA"
) -> tuple[dict[str, Any], dict[str, Any]]:
    action = {"action_id": action_id, "value": "ans-1", "block_id": "feedback", "type": "button"}
    body = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T1"},
        "channel": {"id": channel},
        "container": {
            "type": "message",
            "channel_id": channel,
            "message_ts": "9.0",
            "thread_ts": "1.0",
        },
        "message": {"ts": "9.0", "thread_ts": "1.0"},
        "actions": [action],
    }
    return body, action


def test_feedback_is_stored_against_the_answer_and_confirmed_privately(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    for action_id, rating in ((FEEDBACK_UP, 1), (FEEDBACK_DOWN, -1)):
        ack = Mock()
        body, action = click(action_id)
        feedback_callback(ack, body, action, context(bot), client, Mock(), LOG)
        ack.assert_called_once_with()
        assert assistant.feedback.call_args.args == ("ans-1", rating)
        assert assistant.feedback.call_args.kwargs == {
            "access": ("public",),
            "owner": "slack:T1:U0ANA",
        }
        sent = client.chat_postEphemeral.call_args.kwargs
        assert sent == {
            "channel": "C1",
            "user": "U0ANA",
            "thread_ts": "1.0",
            "text": "Thanks, your feedback was recorded.",
        }


def test_feedback_in_a_dm_uses_the_users_grants(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    body, action = click(FEEDBACK_UP, channel="D1", user="U0HR")
    feedback_callback(Mock(), body, action, context(bot), client, Mock(), LOG)
    assert assistant.feedback.call_args.kwargs["access"] == ("public", "hr")


def test_feedback_on_an_unknown_answer_says_so(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    assistant.feedback.side_effect = NotFound("no answer")
    body, action = click(FEEDBACK_DOWN)
    feedback_callback(Mock(), body, action, context(bot), client, Mock(), LOG)
    assert "could not find that answer" in client.chat_postEphemeral.call_args.kwargs["text"]


def test_a_dm_thread_reply_also_sent_to_the_dm_is_answered(
    bot: SlackBot, assistant: Mock, client: Mock
) -> None:
    event = dm("And in Fiji?", subtype="thread_broadcast", thread_ts="1.0")
    direct_message_callback(event, context(bot), client, LOG)
    assert assistant.converse.call_args.args[0] == "And in Fiji?"
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == "1.0"


# --- streamed answers (the AI-app surface) ---------------------------------------------------------


def _streaming(
    bot: SlackBot, client: Mock, assistant: Mock, answer: Answer, deltas: list[str]
) -> None:
    """Answers streamed in every thread (RAG_SLACK_STREAM=threads), by an assistant that
    streams ``deltas``."""
    bot.config = dataclasses.replace(bot.config, stream="threads")
    client.chat_startStream.return_value = {"ok": True, "ts": "9.1"}
    events = [{"type": "delta", "text": d} for d in deltas]
    events.append({"type": "done", "answer": answer.model_dump()})
    assistant.converse_stream = Mock(return_value=iter(events))


def test_an_answer_is_streamed_and_ends_with_its_sources_and_feedback_buttons(
    bot: SlackBot, client: Mock, assistant: Mock
) -> None:
    answer = make_answer("The College trains officers [1].")
    _streaming(bot, client, assistant, answer, ["The College trains officers [1]. "])
    direct_message_callback(dm("who trains officers?", thread_ts="5.0"), context(bot), client, LOG)
    start = client.chat_startStream.call_args.kwargs
    assert (start["thread_ts"], start["markdown_text"]) == (
        "5.0",
        "The College trains officers [1]. ",
    )
    stop = client.chat_stopStream.call_args.kwargs
    kinds = [b["type"] for b in stop["blocks"]]
    assert kinds[-1] == "context_actions" and "context" in kinds
    assert not client.chat_update.called and not client.chat_postMessage.called
    assert bot.state.conversation("T1", "D1", "5.0") == "conv-1"


def test_a_stream_that_breaks_is_followed_by_the_whole_answer_as_messages(
    bot: SlackBot, client: Mock, assistant: Mock
) -> None:
    answer = make_answer("First sentence [1]. Second sentence [1].")
    _streaming(
        bot, client, assistant, answer, ["First sentence [1]. ", "Second sentence [1]." * 200]
    )
    client.chat_appendStream.side_effect = slack_error("ratelimited")
    direct_message_callback(dm("q", thread_ts="5.0"), context(bot), client, LOG)
    # the broken stream is closed as it is (no sources under part of an answer) …
    assert (
        client.chat_startStream.called and "blocks" not in client.chat_stopStream.call_args.kwargs
    )
    # … and the whole answer follows as messages
    posted = client.chat_postMessage.call_args.kwargs
    assert posted["thread_ts"] == "5.0" and "First sentence" in str(posted["blocks"])


def test_where_slack_refuses_to_stream_nothing_is_lost(
    bot: SlackBot, client: Mock, assistant: Mock
) -> None:
    _streaming(bot, client, assistant, make_answer(), ["The College trains officers [1]. "])
    client.chat_startStream.side_effect = slack_error("missing_scope")
    direct_message_callback(dm("q", thread_ts="5.0"), context(bot), client, LOG)
    posted = client.chat_postMessage.call_args.kwargs
    assert "The College trains officers" in str(posted["blocks"])
    assert any(b["type"] == "actions" for b in posted["blocks"])  # today's 👍/👎 buttons


def test_streamed_text_is_sent_safe_and_never_cut_inside_a_token_or_link(
    bot: SlackBot, client: Mock, assistant: Mock
) -> None:
    deltas = ["Ask <", "@U123> or @chan", "nel about [the por", "tal](http://evil.example) now. "]
    _streaming(bot, client, assistant, make_answer("x"), deltas)
    direct_message_callback(dm("q", thread_ts="5.0"), context(bot), client, LOG)
    sent = [c.kwargs["markdown_text"] for c in client.chat_startStream.call_args_list]
    sent += [c.kwargs["markdown_text"] for c in client.chat_appendStream.call_args_list]
    text = "".join(sent)
    assert "<@U123>" not in text and "@channel" not in text and "http://evil" not in text
    assert (
        text.replace("\u2060", "").split()
        == "Ask <@U123> or @channel about the portal now.".split()
    )


def test_where_slack_will_not_end_a_stream_with_its_sources_they_follow_on_their_own(
    bot: SlackBot, client: Mock, assistant: Mock
) -> None:
    _streaming(bot, client, assistant, make_answer(), ["The College trains officers [1]. "])
    refused = slack_error("invalid_blocks")
    client.chat_stopStream.side_effect = lambda **kw: (
        (_ for _ in ()).throw(refused) if "blocks" in kw else {"ok": True}
    )
    direct_message_callback(dm("q", thread_ts="5.0"), context(bot), client, LOG)
    assert [c.kwargs.get("blocks") is None for c in client.chat_stopStream.call_args_list] == [
        False,
        True,
    ]
    [posted] = [c.kwargs for c in client.chat_postMessage.call_args_list]
    assert "The College trains officers" not in str(posted)  # the text is not shown twice
    assert "Public service training" in str(posted["blocks"])
