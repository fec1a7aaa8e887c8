"""Slack's AI-app surface, through the real bolt app in HTTP mode against the fake Slack with the
surface switched on: assistant threads with suggested prompts, the status while searching,
answers streamed with chat.startStream / appendStream / stopStream (each call within Slack's
documented limits), feedback buttons, thread titles and the App Home. Where the workspace has
no such surface (the fake's default), every other test in this folder checks today's replies."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from conftest import Harness
from slack_fakes import BOT_USER, HR_USER, PUBLIC_URL, TEAM, Posted
from test_slack_http import CHANNEL, PRIVATE_TITLE, SINGAPORE, ZEPHYR, LongAnswers

from assistant import Assistant
from bots.slack.formatting import FEEDBACK, STATUS, STREAM_CHARS, stream_text
from bots.slack.listeners.commands.ask import parse_ask

DM = "D0ANA"


def ai_harness(
    make_harness: Callable[..., Harness], assistant: Assistant | None = None, **overrides: Any
) -> Harness:
    h = make_harness(assistant, **overrides)
    h.fake.ai_app = True
    return h


def context_texts(message: Posted) -> str:
    return "\n".join(
        e.get("text", "") for b in message.blocks if b["type"] == "context" for e in b["elements"]
    )


def feedback_block(message: Posted) -> dict:  # type: ignore[type-arg]
    [block] = [b for b in message.blocks if b["type"] == "context_actions"]
    return block


def test_a_new_assistant_thread_greets_and_suggests_what_is_ingested(
    make_harness: Callable[..., Harness],
) -> None:
    h = ai_harness(make_harness)
    thread = h.slack.thread_started(channel=DM)
    h.fake.wait_for(lambda: h.fake.prompts)
    [greeting] = h.fake.in_thread(DM, thread)
    assert greeting.text.startswith("Hello!")
    [prompts] = h.fake.prompts
    assert prompts["channel_id"] == DM and prompts["thread_ts"] == thread
    # this store has no indicator data nor defined acronyms to suggest from: its (public)
    # documents' subjects, each prompt one the documents answer
    titles = {d.title for d in h.assistant.documents(("public",))}
    asked = [p["message"] for p in prompts["prompts"]]
    lead = "What do the documents say about "
    assert asked and all(q.startswith(lead) and q.removeprefix(lead)[:-1] in titles for q in asked)
    assert all(h.assistant.ask(q).grounded for q in asked)
    assert all(len(p["title"]) <= 40 for p in prompts["prompts"])
    assert h.fake.rejected == []


def test_a_question_in_an_assistant_thread_shows_the_status_then_streams_its_answer(
    make_harness: Callable[..., Harness],
) -> None:
    h = ai_harness(make_harness)
    thread = h.slack.thread_started(channel=DM)
    h.slack.direct(SINGAPORE, channel=DM, thread_ts=thread)
    message = h.fake.streamed(DM, thread)
    # the status while searching, the thread titled by its first question
    assert [(s["thread_ts"], s["status"]) for s in h.fake.statuses] == [(thread, STATUS)]
    assert [t["title"] for t in h.fake.titles] == [SINGAPORE]
    # the answer streamed (no placeholder, no chat.update), then its sources and feedback buttons
    assert not h.fake.calls_to("chat.update")
    assert "Civil Service College trains public officers" in message.text
    assert f"[1]* <{PUBLIC_URL}/?doc=" in context_texts(message)
    assert "Read as: Singapore" in context_texts(message)
    buttons = feedback_block(message)["elements"][0]
    assert buttons["type"] == "feedback_buttons" and buttons["action_id"] == FEEDBACK
    answer_id = buttons["positive_button"]["value"].split(":", 1)[1]
    record = h.assistant.answer_record(answer_id)
    assert record.channel == "slack" and message.text.split() == stream_text(record.answer).split()

    # a follow-up in the same thread continues the conversation; the title stays
    h.slack.direct("What about Fiji?", channel=DM, thread_ts=thread)
    h.fake.wait_for(
        lambda: len([m for m in h.fake.in_thread(DM, thread) if m.streaming is False]) == 2
    )
    second = [m for m in h.fake.in_thread(DM, thread) if m.streaming is False][-1]
    assert "How does Fiji train its public officers?" in context_texts(second)
    assert len(h.fake.titles) == 1
    conversation = h.state.conversation(TEAM, DM, thread)
    stored = h.assistant.conversations.get(conversation or "", f"slack:{TEAM}:{DM}")
    assert [t.question for t in stored.turns] == [SINGAPORE, "What about Fiji?"]

    # the feedback buttons record a rating against the answer
    h.slack.feedback_button(f"-1:{answer_id}", channel=DM, message_ts=message.ts, thread_ts=thread)
    h.fake.wait_for(lambda: h.fake.ephemeral)
    assert [f.rating for f in h.assistant.answer_record(answer_id).feedback] == [-1]
    assert h.fake.rejected == []


def test_a_mention_in_a_channel_is_streamed_to_the_asker(
    make_harness: Callable[..., Harness],
) -> None:
    h = ai_harness(make_harness, stream="threads")  # RAG_SLACK_STREAM=threads
    ts = h.slack.mention(SINGAPORE)
    message = h.fake.streamed(CHANNEL, ts)
    [start] = h.fake.calls_to("chat.startStream")
    # outside a DM Slack needs the recipient of the stream (the fake refuses a stream without)
    assert (start["recipient_team_id"], start["recipient_user_id"]) == (TEAM, "U0ANA")
    assert "Civil Service College" in message.text
    assert h.fake.rejected == []


def test_private_documents_stay_in_the_granted_users_own_threads(
    make_harness: Callable[..., Harness],
) -> None:
    h = ai_harness(make_harness)
    granted = h.slack.thread_started(channel="D0HR", user=HR_USER)
    h.slack.direct(ZEPHYR, channel="D0HR", user=HR_USER, thread_ts=granted)
    assert PRIVATE_TITLE in context_texts(h.fake.streamed("D0HR", granted))
    other = h.slack.thread_started(channel=DM)
    h.slack.direct(ZEPHYR, channel=DM, thread_ts=other)
    message = h.fake.streamed(DM, other)
    assert PRIVATE_TITLE not in message.text + context_texts(message)
    assert "The documents do not answer this question" in message.text


def test_a_long_answer_streams_in_calls_within_slacks_limit_with_nothing_lost(
    make_harness: Callable[..., Harness], slack_assistant: Assistant
) -> None:
    long = LongAnswers(
        slack_assistant.settings,
        store=slack_assistant.store,
        catalog=slack_assistant.catalog,
        embedder=slack_assistant.embedder,
    )
    h = ai_harness(make_harness, long)
    thread = h.slack.thread_started(channel=DM)
    h.slack.direct(SINGAPORE, channel=DM, thread_ts=thread)
    message = h.fake.streamed(DM, thread)
    assert h.fake.rejected == []
    assert all(len(chunk) <= STREAM_CHARS for chunk in message.chunks)
    assert len(message.text) > 3 * STREAM_CHARS
    assert message.text.count("Finding 199.") == 1
    # batched: far fewer calls than sentences
    calls = len(h.fake.calls_to("chat.startStream")) + len(h.fake.calls_to("chat.appendStream"))
    assert calls <= len(message.text) // 1000 + 3


def test_where_slack_will_not_stream_the_answer_is_posted_as_messages(
    make_harness: Callable[..., Harness],
) -> None:
    h = ai_harness(make_harness)
    h.fake.streaming = False  # the status is allowed, the stream is not
    thread = h.slack.thread_started(channel=DM)
    h.slack.direct(SINGAPORE, channel=DM, thread_ts=thread)
    posted = h.fake.wait_for(
        lambda: [m for m in h.fake.in_thread(DM, thread) if m.blocks and m.streaming is None]
    )
    assert "Civil Service College" in posted[0].all_text()
    assert any(b["type"] == "actions" for b in posted[-1].blocks)  # today's 👍/👎 buttons
    assert h.fake.refused_streams == 1
    assert h.fake.rejected == [("chat.startStream", ["feature_not_enabled"])]


def test_outside_the_panel_replies_are_as_before_and_the_mention_is_read_out(
    make_harness: Callable[..., Harness],
) -> None:
    # a thread in a DM that the panel did not start (bolt's Assistant middleware receives its
    # messages too): placeholder and update, as before; "@bot" is not part of the question
    h = ai_harness(make_harness)
    h.slack.direct(SINGAPORE, channel=DM)
    [first] = h.fake.answered(DM, None)
    h.slack.direct(f"<@{BOT_USER}> What about Fiji?", channel=DM, thread_ts=first.ts)
    [reply] = h.fake.answered(DM, first.ts)
    assert reply.history and not h.fake.calls_to("chat.startStream")
    assert "How does Fiji train its public officers?" in reply.all_text()
    assert h.fake.rejected == []


def test_the_app_home_says_what_the_assistant_knows_and_how_to_ask(
    make_harness: Callable[..., Harness],
) -> None:
    h = make_harness()
    assert h.slack.home_opened(user="U0ANA").status == 200
    view = h.fake.wait_for(lambda: h.fake.homes.get("U0ANA"))
    text = str(view["blocks"])
    public = len(h.assistant.documents(("public",)))
    assert f"*{public:,}* documents" in text
    assert "/ask" in text and "/brief" in text
    # every option the home tells people to add is one /ask understands
    options = re.findall(r"add `([^`]+)`", text)
    assert options and all(parse_ask(f"{o} what is the egdi?")[0] for o in options)
    assert f"<{PUBLIC_URL}/|Open the web chat>" in text
    assert "last ingest 20" in text  # the time the store was last brought up to date
    assert PRIVATE_TITLE not in text
    # a user with grants sees their private collection counted, as in their DMs
    h.slack.home_opened(user=HR_USER)
    granted = h.fake.wait_for(lambda: h.fake.homes.get(HR_USER))
    assert f"*{public + 1:,}* documents" in str(granted["blocks"])
    assert h.fake.rejected == []
