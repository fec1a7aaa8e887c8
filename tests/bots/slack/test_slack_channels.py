"""Per-channel rules (``RAG_SLACK_CHANNELS``), Slack Connect, private answers and "Share to
channel": the real bolt app in HTTP mode against the fake Slack, over the tiny store with a
private collection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Harness
from slack_fakes import BOT_USER, HR_USER, TEAM

from bots.slack.bot import SHARED_CHANNEL, SHARED_NOTE, SHARING_NOTE, owner_for
from bots.slack.config import ChannelRules, SlackConfig, SlackConfigError, parse_channels
from bots.slack.formatting import SHARE, share_value

SINGAPORE = "How does Singapore train its public officers?"
ZEPHYR = "What is the Zephyr allowance for remote-island civil servants?"
SECRET = "412 dollars"
CHANNEL = "C0GENERAL"


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action id -> value of every button in ``blocks``."""
    return {
        e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]
    }


# --- the setting ------------------------------------------------------------------------------------
def test_channel_rules_are_read_inline_or_from_a_file(tmp_path: Path) -> None:
    rules = {
        "C0DATA": {"collections": ["data", "un"], "without_mention": True},
        "*": {"replies": "private"},
    }
    inline = parse_channels(json.dumps(rules))
    path = tmp_path / "channels.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    assert parse_channels(str(path)) == inline
    config = SlackConfig(channels=inline)
    assert config.channel("C0DATA") == ChannelRules(("data", "un"), without_mention=True)
    assert config.channel("C0OTHER") == ChannelRules(replies="private")
    assert SlackConfig().channel("C0OTHER") == ChannelRules()  # answers in threads, all kinds


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ('{"C0HR": {"collections": ["hr"]}}', "RAG_SLACK_PRIVATE_GRANTS"),
        ('{"C0X": {"replies": "loud"}}', "replies must be one of thread, private"),
        ('{"C0X": {"answer_always": true}}', "unknown setting 'answer_always'"),
        ('{"general": {}}', "channel id"),
        ('{"C0X": {"without_mention": "yes"}}', "without_mention must be true or false"),
        ('{"C0X": {"external": true}}', "remove 'external' from the rule: the bot never"),
        ("[1]", "must be a JSON object"),
        ("{not json", "not valid JSON"),
        ("/no/such/channels.json", "cannot be read"),
    ],
)
def test_a_bad_channel_rule_names_the_setting_and_what_to_do(raw: str, says: str) -> None:
    with pytest.raises(SlackConfigError, match="RAG_SLACK_CHANNELS") as raised:
        parse_channels(raw)
    assert says in str(raised.value)


def test_a_retired_external_false_is_ignored_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # false is what the bot does anyway: the rest of the rule still applies
    rules = parse_channels('{"C0X": {"external": false, "without_mention": true}}')
    assert rules["C0X"].without_mention is True
    assert "'external' is no longer a setting and is ignored" in caplog.text


# --- Slack Connect ------------------------------------------------------------------------------
def test_no_answer_in_a_channel_shared_with_another_organisation(harness: Harness) -> None:
    h = harness
    h.fake.shared_channels.add("C0SHARED")
    ts = h.slack.mention(SINGAPORE, channel="C0SHARED")
    h.slack.command("/ask", f"--public {SINGAPORE}", channel="C0SHARED")
    h.slack.command("/ask", SINGAPORE, channel="C0SHARED")  # private: refused too
    told = h.fake.wait_for(lambda: len(h.fake.responses) == 2 and h.fake.ephemeral)
    assert told[0]["text"] == SHARED_CHANNEL and told[0]["user"] == "U0ANA"
    assert told[0].get("thread_ts") is None  # beside the top-level mention, where the asker looks
    assert [r["text"] for r in h.fake.responses] == [SHARED_CHANNEL] * 2
    posted = [p for m, p in h.fake.calls if m == "chat.postMessage"]
    assert posted == [] and ts  # nothing in the channel, nothing searched for it


def test_a_guest_from_another_organisation_counts_where_the_event_does_not_say(
    harness: Harness,
) -> None:
    """Slack's envelope says whether the channel is shared; where an envelope lacks the flag,
    a guest from another workspace is taken to mean that it is."""
    h = harness
    event = {
        "type": "app_mention",
        "user": "U0GUEST",
        "user_team": "T0OTHER",
        "text": f"<@{BOT_USER}> {SINGAPORE}",
        "ts": "1699000888.000200",
        "channel": CHANNEL,
        "team": TEAM,
    }
    envelope = json.loads(h.slack.event_body(event))
    del envelope["is_ext_shared_channel"]
    assert h.slack.send(json.dumps(envelope).encode(), "application/json").status == 200
    [told] = h.fake.wait_for(lambda: h.fake.ephemeral)
    assert told["text"] == SHARED_CHANNEL and told["user"] == "U0GUEST"
    assert h.fake.calls_to("chat.postMessage") == []


def test_a_shared_channel_is_not_answered_whatever_its_rules(make_harness: Any) -> None:
    h = make_harness(channels={"C0SHARED": ChannelRules(without_mention=True)})
    h.fake.shared_channels.add("C0SHARED")
    h.slack.mention(ZEPHYR, channel="C0SHARED", user=HR_USER)
    [told] = h.fake.wait_for(lambda: h.fake.ephemeral)
    assert told["text"] == SHARED_CHANNEL and told["user"] == HR_USER
    assert h.fake.calls_to("chat.postMessage") == []


def test_where_slack_will_not_say_whether_a_channel_is_shared_the_bot_does_not_answer(
    harness: Harness,
) -> None:
    h = harness
    h.fake.channels_read = False  # an install without channels:read
    h.slack.command("/ask", f"--public {SINGAPORE}")
    [response] = h.fake.wait_for(lambda: h.fake.responses)
    assert "could not check whether this channel is shared" in response["text"]
    assert "missing_scope" in response["text"] and "channels:read" in response["text"]
    assert h.fake.calls_to("chat.postMessage") == []
    # an answer only the asker sees is given all the same (public documents only)
    h.slack.command("/ask", SINGAPORE)
    [private] = h.fake.wait_for(lambda: h.fake.ephemeral)
    assert "Civil Service College" in json.dumps(private["blocks"])


def test_a_slack_connect_dm_gets_no_private_grants(harness: Harness) -> None:
    h = harness
    event = {
        "type": "message",
        "channel_type": "im",
        "user": HR_USER,  # the id of a granted user, from another organisation's workspace
        "user_team": "T0OTHER",
        "text": ZEPHYR,
        "ts": "1699000999.000300",
        "channel": "D0EXT",
        "team": TEAM,
    }
    assert h.slack.event(event).status == 200
    [answer] = h.fake.answered("D0EXT", None)
    assert SECRET not in answer.all_text()
    # nor in a thread of that DM (the Assistant middleware's path)
    thread = {**event, "ts": "1699000999.000400", "thread_ts": answer.ts}
    assert h.slack.event(thread).status == 200
    replies = h.fake.answered("D0EXT", answer.ts)
    assert replies and SECRET not in json.dumps([r.all_text() for r in replies])
    # the same user id in the bot's own workspace is granted (the test is not vacuous)
    assert h.slack.event({**event, "user_team": TEAM, "channel": "D0HR"}).status == 200
    [granted] = h.fake.answered("D0HR", None)
    assert SECRET in granted.all_text()


# --- the channel's kinds of document, answers without a mention ------------------------------
def test_a_channel_draws_only_on_its_kinds_of_document(make_harness: Any) -> None:
    h = make_harness(channels={CHANNEL: ChannelRules(collections=("un",))})
    ts = h.slack.mention(SINGAPORE)
    [message] = h.fake.answered(CHANNEL, ts)
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    record = h.assistant.answer_record(actions["elements"][0]["value"])
    assert record.filters["collections"] == ["un"]
    assert record.citations == []  # the store holds no UN document: nothing else is quoted
    assert "Civil Service College" not in message.all_text()


def test_a_channel_can_be_answered_without_a_mention(make_harness: Any) -> None:
    h = make_harness(channels={"C0ASK": ChannelRules(without_mention=True)})
    ts = h.slack.channel_message(SINGAPORE, channel="C0ASK")
    [message] = h.fake.answered("C0ASK", ts)
    assert "Civil Service College" in message.all_text()
    h.slack.channel_message(SINGAPORE, channel=CHANNEL)  # a channel without the rule
    # a mention comes as two events (app_mention and message.channels): answered once
    h.slack.channel_message(f"<@{BOT_USER}> {SINGAPORE}", channel="C0ASK")
    h.slack.mention(SINGAPORE, channel="C0ASK")
    h.fake.wait_for(lambda: len(h.fake.calls_to("chat.update")) >= 2)
    threads = {(p["channel"], p.get("thread_ts")) for p in h.fake.calls_to("chat.postMessage")}
    assert all(channel == "C0ASK" for channel, _ in threads) and len(threads) == 2


# --- private answers and "Share to channel" ---------------------------------------------------
def share(h: Harness, message: dict[str, Any], **kw: Any) -> None:
    value = buttons(message["blocks"])[SHARE]
    reply = h.slack.click(
        SHARE,
        value,
        channel=message["channel"],
        message_ts="1700000999.000100",
        ephemeral=True,
        **kw,
    )
    assert reply.status == 200


def test_a_private_answer_can_be_shared_to_the_channel(harness: Harness) -> None:
    h = harness
    h.slack.command("/ask", SINGAPORE)
    [private] = h.fake.wait_for(lambda: h.fake.ephemeral)
    assert SHARE in buttons(private["blocks"])
    share(h, private)
    [shared] = h.fake.answered(CHANNEL, None)
    assert "<@U0ANA> shared an answer to: " + SINGAPORE in shared.all_text()
    assert "Civil Service College" in shared.all_text()
    assert SHARE not in buttons(shared.blocks)  # a public answer has nothing to share
    sharing, note = h.fake.wait_for(lambda: len(h.fake.responses) == 2 and h.fake.responses)
    assert sharing["text"] == SHARING_NOTE and "blocks" not in sharing  # no second click
    assert note["text"] == SHARED_NOTE and note["replace_original"] is True
    # its thread continues the shared answer's conversation
    h.slack.mention("What about Fiji?", thread_ts=shared.ts)
    [follow_up] = h.fake.answered(CHANNEL, shared.ts)
    assert "Fiji" in follow_up.all_text()


def test_a_channel_with_private_replies_answers_only_the_asker_who_may_share(
    make_harness: Any,
) -> None:
    h = make_harness(channels={"*": ChannelRules(replies="private")})
    top = h.slack.mention("What is the Civil Service College?")
    ts = h.slack.mention(SINGAPORE, user=HR_USER, thread_ts=top)  # asked in a thread
    private = h.fake.wait_for(lambda: [e for e in h.fake.ephemeral if e["user"] == HR_USER])[0]
    assert private["thread_ts"] == top
    assert "Civil Service College" in json.dumps(private["blocks"])
    assert h.fake.calls_to("chat.postMessage") == []
    share(h, private, user=HR_USER)  # the button says which thread
    [shared] = h.fake.answered(CHANNEL, top)
    assert "Civil Service College" in shared.all_text() and ts
    h.fake.wait_for(lambda: [r for r in h.fake.responses if r["text"] == SHARED_NOTE])


def test_a_shared_answer_never_carries_private_documents(harness: Harness) -> None:
    h = harness
    h.slack.command("/ask", ZEPHYR, user=HR_USER)  # granted, but a command is public-only
    [private] = h.fake.wait_for(lambda: h.fake.ephemeral)
    share(h, private, user=HR_USER)
    [shared] = h.fake.answered(CHANNEL, None)
    assert SECRET not in shared.all_text()
    h.fake.wait_for(lambda: [r for r in h.fake.responses if r["text"] == SHARED_NOTE])


def test_sharing_asks_again_so_private_sources_of_the_original_never_reach_the_channel(
    harness: Harness,
) -> None:
    h = harness
    # an answer of the channel's that did draw on a private collection (as one made with a
    # grant would): sharing must not post it as it is
    original = h.assistant.converse(
        ZEPHYR, access=("public", "hr"), owner=owner_for(TEAM, CHANNEL), channel="slack"
    )
    assert SECRET in original.answer
    message = {
        "channel": CHANNEL,
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "action_id": SHARE, "value": share_value(original.id)}
                ],
            }
        ],
    }
    share(h, message, user=HR_USER)
    [shared] = h.fake.answered(CHANNEL, None)
    assert ZEPHYR in shared.all_text() and SECRET not in shared.all_text()


def test_an_answer_is_shared_only_in_the_channel_it_was_made_in(harness: Harness) -> None:
    h = harness
    h.slack.command("/ask", SINGAPORE)
    [private] = h.fake.wait_for(lambda: h.fake.ephemeral)
    share(h, {**private, "channel": "C0ELSEWHERE"})
    [told] = h.fake.wait_for(lambda: h.fake.responses)
    assert "cannot be shared here" in told["text"]
    assert h.fake.calls_to("chat.postMessage") == []
