"""The real bolt app in HTTP mode, behind uvicorn, receiving signed requests as Slack sends them;
its Web API client talks to a fake Slack that keeps the messages and enforces Slack's limits.
The assistant is real, over a tiny store with a private collection."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import Harness
from fastapi import FastAPI
from fastapi.testclient import TestClient
from slack_fakes import BOT_USER, HR_USER, PUBLIC_URL, SIGNING_SECRET, TEAM, FakeSlack, Posted
from slack_sdk.signature import SignatureVerifier

from assistant import AnswerResult, Assistant, Citation, Conversation, Filters
from bots.slack.formatting import MESSAGE_BLOCKS, PLACEHOLDER, SECTION_CHARS, source_url, to_mrkdwn
from bots.slack.http import slack_events

SINGAPORE = "How does Singapore train its public officers?"
ZEPHYR = "What is the Zephyr allowance for remote-island civil servants?"
SECRET = "412 dollars"
PRIVATE_TITLE = "Internal human resources circular"
CHANNEL = "C0GENERAL"


def blocks_of(message: Posted, kind: str) -> list[dict[str, Any]]:
    return [b for b in message.blocks if b["type"] == kind]


def answer_id(message: Posted) -> str:
    [actions] = blocks_of(message, "actions")
    return str(actions["elements"][0]["value"])


def section_text(messages: Sequence[Posted]) -> str:
    return "\n".join(b["text"]["text"] for m in messages for b in blocks_of(m, "section"))


# --- mentions, threads, feedback ------------------------------------------------------------------


def test_a_mention_is_answered_in_its_thread_with_sources_and_feedback(harness: Harness) -> None:
    h = harness
    ts = h.slack.mention(SINGAPORE)
    [message] = h.fake.answered(CHANNEL, ts)
    assert message.history[0]["text"] == PLACEHOLDER  # posted at once, then updated in place
    assert "Civil Service College trains public officers" in section_text([message])
    read_as, sources = blocks_of(message, "context")  # what the question was read as, sources
    assert read_as["elements"][0]["text"].startswith("Read as: Singapore")
    first = sources["elements"][0]["text"]
    assert (
        first.startswith(f"*[1]* <{PUBLIC_URL}/?doc=")
        and "Public service training in Singapore" in first
    )
    assert f"<{PUBLIC_URL}/?doc=" in section_text([message])  # [n] markers are links
    record = h.assistant.answer_record(answer_id(message))
    assert record.channel == "slack" and record.access == ["public"]
    assert record.owner == f"slack:{TEAM}:{CHANNEL}"
    assert h.fake.rejected == []

    reply = h.slack.click(
        "feedback_up", record.id, channel=CHANNEL, message_ts=message.ts, thread_ts=ts
    )
    assert reply.status == 200
    h.fake.wait_for(lambda: h.fake.ephemeral)
    assert h.fake.ephemeral[-1]["text"] == "Thanks, your feedback was recorded."
    assert h.fake.ephemeral[-1]["thread_ts"] == ts
    h.slack.click(
        "feedback_down",
        record.id,
        channel=CHANNEL,
        message_ts=message.ts,
        thread_ts=ts,
        user="U0BEN",
    )
    h.fake.wait_for(lambda: len(h.fake.ephemeral) == 2)
    feedback = h.assistant.answer_record(record.id).feedback
    assert [(f.rating, f.owner) for f in feedback] == [
        (1, f"slack:{TEAM}:U0ANA"),
        (-1, f"slack:{TEAM}:U0BEN"),
    ]


def test_a_follow_up_in_a_channel_thread_continues_the_conversation(harness: Harness) -> None:
    h = harness
    ts = h.slack.mention(SINGAPORE)
    h.fake.answered(CHANNEL, ts)
    h.slack.mention("What about Fiji?", thread_ts=ts, user="U0BEN")  # anyone in the thread
    first, second = h.fake.answered(CHANNEL, ts, count=2)
    assert "Follow-up read as: _How does Fiji train its public officers?_" in second.all_text()
    conversation_id = h.state.conversation(TEAM, CHANNEL, ts)
    assert conversation_id
    stored = h.assistant.conversations.get(conversation_id, f"slack:{TEAM}:{CHANNEL}")
    assert [t.question for t in stored.turns] == [SINGAPORE, "What about Fiji?"]
    assert [t.answer_id for t in stored.turns] == [answer_id(first), answer_id(second)]
    # a new mention outside the thread starts afresh
    other = h.slack.mention("What about Fiji?")
    [fresh] = h.fake.answered(CHANNEL, other)
    assert "Follow-up read as" not in fresh.all_text()


def test_a_direct_message_is_answered_in_the_dm_and_threads_there_continue(
    harness: Harness,
) -> None:
    h = harness
    h.slack.direct(SINGAPORE, channel="D0ANA")
    [answer] = h.fake.answered("D0ANA", None)  # in the DM itself, not in a thread
    assert "Civil Service College" in section_text([answer])
    h.slack.direct("What about Fiji?", channel="D0ANA", thread_ts=answer.ts)
    [follow_up] = h.fake.answered("D0ANA", answer.ts)
    assert "How does Fiji train its public officers?" in follow_up.all_text()
    assert h.fake.rejected == []


# --- private collections --------------------------------------------------------------------------


def test_private_collections_reach_only_granted_users_in_their_dms(harness: Harness) -> None:
    h = harness
    h.slack.direct(ZEPHYR, channel="D0HR", user=HR_USER)
    [granted] = h.fake.answered("D0HR", None)
    assert SECRET in section_text([granted]) and PRIVATE_TITLE in granted.all_text()
    assert sorted(h.assistant.answer_record(answer_id(granted), None).access or []) == [
        "hr",
        "public",
    ]

    h.slack.direct(ZEPHYR, channel="D0ANA", user="U0ANA")  # not granted
    [plain] = h.fake.answered("D0ANA", None)
    assert SECRET not in plain.all_text() and PRIVATE_TITLE not in plain.all_text()

    ts = h.slack.mention(ZEPHYR, user=HR_USER)  # granted, but in a channel
    h.fake.answered(CHANNEL, ts)
    h.slack.command("/ask", f"--public {ZEPHYR}", user=HR_USER)
    h.slack.command("/ask", ZEPHYR, user=HR_USER)
    h.fake.wait_for(
        lambda: h.fake.ephemeral and any(m.history for m in h.fake.in_thread(CHANNEL, None))
    )
    channel_payloads = [p for m, p in h.fake.calls if p.get("channel") in (CHANNEL, None)]
    seen = json.dumps(channel_payloads, ensure_ascii=False)
    assert "Zephyr allowance" in seen  # the question is there...
    assert SECRET not in seen and PRIVATE_TITLE not in seen  # ...the private answer is not


# --- the slash command ----------------------------------------------------------------------------


def test_ask_answers_privately_and_acknowledges_at_once(harness: Harness) -> None:
    h = harness
    started = time.monotonic()
    reply = h.slack.command("/ask", SINGAPORE)
    assert reply.status == 200 and time.monotonic() - started < 3
    assert reply.body.decode() == PLACEHOLDER
    [message] = h.fake.wait_for(lambda: h.fake.ephemeral)
    assert message["user"] == "U0ANA" and message["channel"] == CHANNEL
    assert "Civil Service College" in json.dumps(message["blocks"])
    assert h.fake.calls_to("chat.postMessage") == []  # nothing in the channel


def test_ask_public_posts_in_the_channel_and_its_thread_continues(harness: Harness) -> None:
    h = harness
    assert h.slack.command("/ask", f"--public {SINGAPORE}").status == 200
    [message] = h.fake.answered(CHANNEL, None)
    assert message.history[0]["text"].endswith(PLACEHOLDER)
    assert f"<@U0ANA> asked: {SINGAPORE}" in message.all_text()
    h.slack.mention("What about Fiji?", thread_ts=message.ts)
    [follow_up] = h.fake.answered(CHANNEL, message.ts)
    assert "How does Fiji train its public officers?" in follow_up.all_text()


def test_ask_where_the_bot_is_not_a_member_answers_through_the_response_url(
    harness: Harness,
) -> None:
    h = harness
    h.fake.not_member.add("C0CLOSED")
    h.slack.command("/ask", f"--public {SINGAPORE}", channel="C0CLOSED")
    [response] = h.fake.wait_for(lambda: h.fake.responses)
    assert response["response_type"] == "in_channel"
    assert "Civil Service College" in json.dumps(response["blocks"])


def test_brief_is_posted_as_a_file(harness: Harness) -> None:
    h = harness
    reply = h.slack.command("/brief", "Fiji: digital identity")
    assert reply.status == 200 and "Drafting a brief" in reply.body.decode()
    word, shared = h.fake.wait_for(lambda: len(h.fake.shared_files) == 2 and h.fake.shared_files)
    assert word["channel"] == shared["channel"] == CHANNEL
    assert word["filename"].endswith(".docx") and word["data"][:2] == b"PK"  # a .docx is a zip
    assert len(word["data"]) == word["length"]
    assert shared["filename"].endswith(".md")
    content = shared["data"].decode("utf-8")
    assert (
        len(shared["data"]) == shared["length"]
        and "Fiji" in content
        and "digital identity" in content
    )
    assert "<@U0ANA>" in shared["initial_comment"]
    assert [m for m, _ in h.fake.calls if m.startswith("files.")] == [
        "files.getUploadURLExternal",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


# --- long answers ---------------------------------------------------------------------------------


class LongAnswers(Assistant):
    """The real assistant, with every answer followed by a long cited report (as an LLM might write)."""

    EXTRA = "\n\n".join(
        f"## Part {i}\n**Finding {i}.** "
        + "The College trains public officers in digital skills [1]. " * 14
        for i in range(200)
    )

    def answer(
        self,
        question: str,
        filters: Filters | None = None,
        conversation: Conversation | None = None,
        **kw: Any,
    ) -> AnswerResult:
        result = super().answer(question, filters, conversation, **kw)
        result.answer.answer += "\n\n" + self.EXTRA
        return result


def test_a_long_answer_is_split_within_slacks_limits_with_nothing_lost(
    make_harness: Callable[..., Harness], slack_assistant: Assistant
) -> None:
    long = LongAnswers(
        slack_assistant.settings,
        store=slack_assistant.store,
        catalog=slack_assistant.catalog,
        embedder=slack_assistant.embedder,
    )
    h = make_harness(long)
    ts = h.slack.mention(SINGAPORE)
    messages = h.fake.wait_for(
        lambda: (ms := h.fake.in_thread(CHANNEL, ts)) and blocks_of(ms[-1], "actions") and ms
    )
    assert len(messages) >= 2 and messages[0].history  # the placeholder, then continuations
    assert h.fake.rejected == []
    for m in messages:
        assert len(m.blocks) <= MESSAGE_BLOCKS
        assert all(len(b["text"]["text"]) <= SECTION_CHARS for b in blocks_of(m, "section"))
    record = long.answer_record(answer_id(messages[-1]))
    citations = [Citation.model_validate(c) for c in record.citations]
    urls = {c.n: source_url(PUBLIC_URL, c, record.id) for c in citations}
    delivered = section_text(messages)
    assert delivered.split() == to_mrkdwn(record.answer, urls.get).split()
    assert delivered.count("Finding 199.") == 1


# --- retries and signatures -----------------------------------------------------------------------


def test_slacks_retries_never_produce_a_second_answer(harness: Harness) -> None:
    h = harness
    ts = "1699999001.000100"
    event = {
        "type": "app_mention",
        "user": "U0ANA",
        "text": f"<@{BOT_USER}> {SINGAPORE}",
        "ts": ts,
        "channel": CHANNEL,
    }
    body = h.slack.event_body(event, event_id="Ev0RETRY")
    assert h.slack.send(body, "application/json").status == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    first_retry = h.slack.send(
        body, "application/json", headers=retry
    )  # while the first is in flight
    assert first_retry.status == 200 and first_retry.headers.get("x-slack-no-retry") == "1"
    h.fake.answered(CHANNEL, ts)
    retry["X-Slack-Retry-Num"] = "2"
    assert h.slack.send(body, "application/json", headers=retry).status == 200
    later = h.slack.mention(SINGAPORE)  # handled after the retries: they had their chance to act
    h.fake.answered(CHANNEL, later)
    assert len(h.fake.in_thread(CHANNEL, ts)) == 1
    placeholders = [p for p in h.fake.calls_to("chat.postMessage") if p.get("thread_ts") == ts]
    assert len(placeholders) == 1


def _signed_kinds(h: Harness) -> dict[str, tuple[bytes, str]]:
    event = {
        "type": "app_mention",
        "user": "U0ANA",
        "text": f"<@{BOT_USER}> {SINGAPORE}",
        "ts": "1699999100.1",
        "channel": CHANNEL,
    }
    command = {
        "team_id": TEAM,
        "channel_id": CHANNEL,
        "user_id": "U0ANA",
        "command": "/ask",
        "text": SINGAPORE,
        "response_url": f"{h.fake.url}/response/1",
        "trigger_id": "t1",
        "api_app_id": "A0APP",
    }
    action = {
        "type": "block_actions",
        "user": {"id": "U0ANA"},
        "team": {"id": TEAM},
        "channel": {"id": CHANNEL},
        "api_app_id": "A0APP",
        "container": {"type": "message", "message_ts": "1.0"},
        "actions": [
            {"action_id": "feedback_up", "value": "nope", "block_id": "feedback", "type": "button"}
        ],
    }
    return {
        "event": (h.slack.event_body(event, event_id="Ev0SIGNED"), "application/json"),
        "command": (urlencode(command).encode(), "application/x-www-form-urlencoded"),
        "action": (
            urlencode({"payload": json.dumps(action)}).encode(),
            "application/x-www-form-urlencoded",
        ),
    }


@pytest.mark.parametrize("kind", ["event", "command", "action"])
def test_unsigned_badly_signed_and_stale_requests_get_401_and_do_nothing(
    harness: Harness, kind: str
) -> None:
    h = harness
    before = h.assistant.answers.count()
    body, content_type = _signed_kinds(h)[kind]
    now = int(time.time())
    attempts = [
        h.slack.send(body, content_type, secret=None),
        h.slack.send(body, content_type, secret="not-the-signing-secret"),
        h.slack.send(body, content_type, timestamp=now - 6 * 60),  # outside the 5-minute window
        h.slack.send(body, content_type, timestamp=now + 6 * 60),
    ]
    assert [a.status for a in attempts] == [401, 401, 401, 401]
    assert h.fake.calls == []  # refused before any listener: not even auth.test
    assert h.assistant.answers.count() == before
    # Correctly signed, the same request is handled: nothing above marked it as seen.
    assert h.slack.send(body, content_type).status == 200
    if kind == "event":
        h.fake.answered(CHANNEL, "1699999100.1")
        assert h.assistant.answers.count() == before + 1
    else:
        [message] = h.fake.wait_for(lambda: h.fake.ephemeral)
        assert "Civil Service College" in json.dumps(message) or "could not find" in message["text"]


def test_a_request_whose_body_was_altered_after_signing_gets_401(harness: Harness) -> None:
    h = harness
    body, content_type = _signed_kinds(h)["event"]
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    altered = body.replace(SINGAPORE.encode(), b"What is the Zephyr allowance?")
    reply = h.slack.send(
        altered,
        content_type,
        secret=None,
        headers={"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature},
    )
    assert reply.status == 401
    time.sleep(0.3)
    assert h.fake.calls == []


def test_the_url_verification_challenge_is_answered(harness: Harness) -> None:
    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"}).encode()
    reply = harness.slack.send(body, "application/json")
    assert reply.status == 200 and json.loads(reply.body) == {"challenge": "c-123"}
    assert harness.slack.send(body, "application/json", secret="wrong").status == 401


def test_the_endpoint_without_slack_configured_says_what_to_set(fake_slack: FakeSlack) -> None:
    api = FastAPI()
    api.state.slack = None
    api.add_api_route("/slack/events", slack_events, methods=["POST"])
    with TestClient(api) as client:
        reply = client.post("/slack/events", content=b"{}")
    assert reply.status_code == 404 and "RAG_SLACK_SIGNING_SECRET" in reply.json()["detail"]


def test_the_api_server_mounts_the_bot_from_its_settings(
    live_server: Callable[[Any], str], fake_slack: FakeSlack, slack_store: Any
) -> None:
    """``make run`` is all HTTP mode needs: server.py builds the bot from the RAG_SLACK_* settings
    and serves it at /slack/events; without them the endpoint says what to set."""
    from pydantic import SecretStr
    from slack_fakes import BOT_TOKEN, SlackSender

    from bots.slack.http import NOT_CONFIGURED
    from server import create_app

    settings = slack_store.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": f"{fake_slack.url}/api/",
            "public_url": PUBLIC_URL,
        }
    )
    sender = SlackSender(live_server(create_app(settings)), fake_slack)
    ts = sender.mention(SINGAPORE)
    [message] = fake_slack.answered(CHANNEL, ts)
    assert "Civil Service College trains public officers" in section_text([message])
    assert fake_slack.rejected == []

    with TestClient(create_app(slack_store)) as plain:
        response = plain.post("/slack/events", content=b"{}")
    assert response.status_code == 404 and response.json()["detail"] == NOT_CONFIGURED


def test_with_api_tokens_source_links_carry_a_view_link_to_their_answer(
    make_harness: Callable[..., Harness], tmp_path: Any
) -> None:
    from urllib.parse import parse_qs, urlsplit

    from assistant import Settings
    from assistant.links import ViewLinks
    from bots.slack import SlackConfig

    settings = Settings(_env_file=None, data_dir=tmp_path / "d", api_tokens="t" * 40)  # type: ignore[call-arg]
    config = SlackConfig.from_settings(settings)
    links = config.view_links
    assert isinstance(links, ViewLinks) and config.signed_sources
    without_tokens = SlackConfig.from_settings(settings.model_copy(update={"api_tokens": ""}))
    assert not without_tokens.signed_sources
    h = make_harness(view_links=links, signed_sources=True)
    ts = h.slack.mention(SINGAPORE)
    [message] = h.fake.answered(CHANNEL, ts)
    urls = re.findall(r"<(https://chat\.example\.org/\?[^|>]+)\|", message.all_text())
    assert urls
    for url in urls:
        query = parse_qs(urlsplit(url).query)
        grant = links.read(query["view"][0])
        assert grant is not None and grant.answer_id == query["answer"][0] == answer_id(message)


def test_an_answer_offers_to_continue_its_conversation_in_the_web_chat(
    make_harness: Callable[..., Harness], tmp_path: Any
) -> None:
    from urllib.parse import parse_qs, urlsplit

    from assistant.links import ViewLinks
    from bots.slack.formatting import CONTINUE

    links = ViewLinks(b"k" * 32, 72)
    h = make_harness(view_links=links)  # no API tokens: source links carry no view link
    ts = h.slack.mention(SINGAPORE)
    [message] = h.fake.answered(CHANNEL, ts)
    [actions] = blocks_of(message, "actions")
    [button] = [e for e in actions["elements"] if e["action_id"] == CONTINUE]
    url = urlsplit(button["url"])
    assert f"{url.scheme}://{url.netloc}" == PUBLIC_URL
    grant = links.read(parse_qs(url.query)["continue"][0])
    assert grant is not None and grant.answer_id == answer_id(message)
    assert "view=" not in message.all_text()
    # Slack tells the app about a click on a link button: acknowledged, nothing posted
    calls = len(h.fake.calls)
    reply = h.slack.click(CONTINUE, "", channel=CHANNEL, message_ts=message.ts, thread_ts=ts)
    assert reply.status == 200
    time.sleep(0.5)
    assert len(h.fake.calls) == calls and h.fake.rejected == []
