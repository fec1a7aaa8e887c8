"""Document and model text never speaks Slack's markup: no mention, broadcast, channel link or
non-https link reaches a message, only ``https:`` and ``mailto:`` links and the bot's own links.
And a request whose timestamp Slack could never send is refused like a bad signature (401).

The formatter is tested form by form; then a document holding every form is ingested for real and
asked about through the real bolt app (HTTP mode, behind uvicorn) against the fake Slack."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import Harness
from slack_fakes import BOT_USER, SIGNING_SECRET, FakeSlack
from slack_sdk.signature import SignatureVerifier

from assistant import Answer, Assistant, Citation, Settings
from bots.slack.formatting import (
    WORD_JOINER,
    answer_messages,
    escape,
    fallback_text,
    linkable,
    to_mrkdwn,
)
from tests.conftest import make_settings

URL = "https://chat.example.org"
CHANNEL = "C0GENERAL"
ASKER = "U0ANA"

# --- the injection forms --------------------------------------------------------------------------

# Markdown link targets that must never become a Slack link: each would ping people, point into
# the workspace, run in the client, or lead somewhere that is not https.
LINK_TARGETS = [
    "!channel",
    "!here",
    "!everyone",
    "@U0ROOT",
    "#C0SECRET",
    "!subteam^S0TEAM",
    "!date^1700000000^{date_short}",
    "http://legacy.example.org/kauri",
    "javascript:fetch",
    "data:text/html,hi",
    "slack://channel?team=T0TEAM&id=C0SECRET",
    "ftp://files.example.org/kauri",
    "../kauri.html",
    "//evil.example.com/kauri",
    "https:evil.example.com",
    "mailto:everyone",
]
# Slack's own markup already present in document or model text: shown as typed, never parsed.
RAW_MARKUP = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!channel|everyone>",
    "<@U0ROOT>",
    "<@U0ROOT|root>",
    "<#C0SECRET|secret>",
    "<!subteam^S0TEAM|team>",
    "<https://evil.example.com|the portal>",
    "<http://evil.example.com>",
]
# Plain words Slack itself would turn into broadcasts where text is not verbatim.
BROADCAST_WORDS = ["@channel", "@here", "@everyone"]
# Link tricks: a URL that tries to end the link early, a label holding markup, the formatter's
# own placeholder characters typed into the text.
LINK_TRICKS = [
    "[the schedule](https://ok.example.org/a|<!channel>)",
    "[<!here>](https://ok.example.org/a)",
    "\x020\x03 and \x04bold\x04",
]
INJECTION_FORMS = len(LINK_TARGETS) + len(RAW_MARKUP) + len(BROADCAST_WORDS) + len(LINK_TRICKS)

_TOKEN = re.compile(r"<([^<>]*)>")
_ALLOWED_TARGET = re.compile(r"(https://[^/\s|]+|mailto:[^@\s|]+@[^\s|]+)")
FORBIDDEN = ("<!channel", "<!here", "<!everyone", "<@", "<#", "<!subteam", "<!date", "<http:")


def slack_links(text: str) -> list[str]:
    """The target of every ``<target|label>`` / ``<target>`` token Slack would parse in ``text``."""
    return [m.group(1).split("|", 1)[0] for m in _TOKEN.finditer(text)]


def unsafe_markup(text: str) -> list[str]:
    """Tokens Slack would parse as anything but an https or mailto link, and forbidden prefixes."""
    bad = [t for t in slack_links(text) if not _ALLOWED_TARGET.match(t)]
    return bad + [f for f in FORBIDDEN if f in text]


def mrkdwn_objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every mrkdwn text object in a message payload, however deep."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            yield value
        for item in value.values():
            yield from mrkdwn_objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from mrkdwn_objects(item)


# --- the formatter, form by form ------------------------------------------------------------------


@pytest.mark.parametrize("target", LINK_TARGETS)
def test_a_link_to_anything_but_https_or_mailto_stays_text(target: str) -> None:
    out = to_mrkdwn(f"Ask [everyone]({target}) today.")
    assert unsafe_markup(out) == [] and slack_links(out) == []
    assert out == f"Ask everyone ({escape(target)}) today."
    assert not linkable(target)


def test_https_and_mailto_links_and_citation_markers_are_kept() -> None:
    md = (
        "See [the schedules](https://records.example.org/kauri?a=1) or "
        "[SHOUT](HTTPS://Records.Example.org/k), write to [us](mailto:records@example.org) [1]."
    )
    out = to_mrkdwn(md, {1: f"{URL}/?doc=d1"}.get)
    assert out == (
        "See <https://records.example.org/kauri?a=1|the schedules> or "
        "<HTTPS://Records.Example.org/k|SHOUT>, write to <mailto:records@example.org|us> "
        f"<{URL}/?doc=d1|[1]>."
    )
    # A kept link cannot be ended early by its URL, nor carry markup in its label.
    assert to_mrkdwn(f"{LINK_TRICKS[0]} {LINK_TRICKS[1]}") == (
        "<https://ok.example.org/a%7C%3C!channel%3E|the schedule> "
        "<https://ok.example.org/a|&lt;!here&gt;>"
    )


@pytest.mark.parametrize("raw", RAW_MARKUP)
def test_slack_markup_in_the_text_is_escaped_wherever_it_stands(raw: str) -> None:
    md = "\n".join(
        [
            f"# Notice {raw}",
            f"Plain {raw} and **bold {raw}** and `code {raw}`.",
            f"- a bullet {raw}",
            f"> a quote {raw}",
            f"[label {raw}](https://ok.example.org/x) [{raw}](!channel)",
            "| name | value |",
            "|------|-------|",
            f"| cell | {raw} |",
            "```",
            f"fenced {raw}",
            "```",
        ]
    )
    out = to_mrkdwn(md)
    assert unsafe_markup(out) == []
    assert slack_links(out) == ["https://ok.example.org/x"]
    # every occurrence shown as typed (a "|" splits a table cell and reads "/" in a link label)
    assert out.count(escape(raw.split("|")[0])) == 10


def test_the_formatters_own_marks_typed_in_the_text_are_dropped() -> None:
    out = to_mrkdwn(f"Before {LINK_TRICKS[2]} [1].", {1: f"{URL}/?doc=d1"}.get)
    assert out == f"Before 0 and bold <{URL}/?doc=d1|[1]>."


def injected_answer() -> Answer:
    forms = " ".join(RAW_MARKUP + BROADCAST_WORDS)
    links = " ".join(f"[x]({t})" for t in LINK_TARGETS)
    return Answer(
        id="a1",
        question="q",
        answer=f"Retention is yearly [1]. {forms} {links} {' '.join(LINK_TRICKS)}",
        grounded=True,
        rewritten_question=f"What about {forms}?",
        citations=[
            Citation(
                n=1,
                document_id="doc1",
                title=f"Notice {forms} [all](!channel)",
                collection="study",
                source="notice.txt",
                text="…",
            )
        ],
    )


def test_answer_blocks_sources_and_fallback_carry_no_markup_and_are_verbatim() -> None:
    [message] = answer_messages(injected_answer(), URL, preface=f"<@{ASKER}> asked: x")
    objects = list(mrkdwn_objects(message["blocks"]))
    assert objects and all(o.get("verbatim") is True for o in objects)
    texts = [o["text"] for o in objects]
    assert unsafe_markup("\n".join(texts).replace(f"<@{ASKER}>", "")) == []
    sources = texts[-1]
    assert sources.startswith(f"*[1]* <{URL}/?doc=doc1&answer=a1|Notice &lt;!channel&gt;")
    assert unsafe_markup(message["text"]) == []
    for word in BROADCAST_WORDS:  # the notification text has no verbatim switch
        assert word not in message["text"]
        assert word.replace("@", "@" + WORD_JOINER) in message["text"]


def test_an_answers_notes_are_shown_escaped_before_its_sources() -> None:
    answer = injected_answer()
    answer.notes = ["질문의 뜻으로 영어 문서를 찾았습니다 <!channel> (Found by meaning)"]
    [message] = answer_messages(answer, URL)
    texts = [o["text"] for o in mrkdwn_objects(message["blocks"])]
    [note] = [t for t in texts if t.startswith("질문의 뜻으로")]
    assert "&lt;!channel&gt;" in note and unsafe_markup(note) == []
    first_source = next(i for i, t in enumerate(texts) if t.startswith("*[1]*"))
    assert texts.index(note) < first_source  # the sources come last


def test_the_notification_text_leaves_e_mail_addresses_alone() -> None:
    assert fallback_text("Write to ops@channel.example.org or @here.") == (
        f"Write to ops@channel.example.org or @{WORD_JOINER}here."
    )


# --- through the bot: a document with every form, ingested and asked about ------------------------

NOTICE = """Kauri records retention notice <!here> [all](!channel)

The Kauri records office keeps retention schedules for every agency [everyone](!channel) and [the room](!here) and [all](!everyone) and reviews them yearly.
The Kauri records office publishes its schedules at [the schedule site](https://records.example.org/kauri) and answers by [email](mailto:records@example.org).
Kauri records staff escalate disputes to [the board](@U0BOARD) and [the team](!subteam^S0TEAM) and [the channel](#C0SECRET) without delay.
Kauri records older than a decade move to the [legacy archive](http://legacy.example.org/kauri) or the [script](javascript:fetch) or the [relative page](../kauri.html) or the [app](slack://channel?team=T0TEAM&id=C0SECRET).
Kauri records notices also say <!channel> and <!here> and <!everyone> and <@U0ROOT> and <#C0SECRET|secret> and <!subteam^S0TEAM|team> and <https://evil.example.com|the Kauri portal> and <http://evil.example.com> and @channel in raw form.
"""
KEEPS = "How does the Kauri records office keep retention schedules?"
MOVES = "Where are Kauri records older than a decade moved?"
SAYS = "What do Kauri records notices say?"
ESCALATES = "To whom do Kauri records staff escalate disputes?"
PUBLISHES = "Where does the Kauri records office publish its schedules?"


@pytest.fixture(scope="module")
def notice_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """A store whose one document holds every injection form (plain text keeps them as written)."""
    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("slack-injection")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "kauri-notice.txt").write_text(NOTICE, encoding="utf-8")
    settings: Settings = make_settings(root / "data", corpus_dirs=[corpus])
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    built = Assistant(settings)
    built.warm()
    return built


def sent_payloads(fake: FakeSlack) -> list[dict[str, Any]]:
    return [p for method, p in fake.calls if method != "auth.test"]


def test_a_document_full_of_injections_is_answered_without_any(
    make_harness: Callable[..., Harness], notice_assistant: Assistant
) -> None:
    h = make_harness(notice_assistant)
    keeps = h.slack.mention(KEEPS)
    says = h.slack.mention(SAYS)
    h.slack.direct(MOVES, channel="D0ANA")
    assert h.slack.command("/ask", ESCALATES).status == 200  # privately
    assert h.slack.command("/ask", f"--public {PUBLISHES}").status == 200
    h.fake.answered(CHANNEL, keeps)
    h.fake.answered(CHANNEL, says)
    h.fake.answered("D0ANA", None)
    h.fake.answered(CHANNEL, None)
    h.fake.wait_for(lambda: h.fake.ephemeral)
    assert h.fake.rejected == []

    payloads = sent_payloads(h.fake)
    everything = json.dumps(payloads, ensure_ascii=False)
    # Each form reached Slack as text...
    assert "everyone (!channel)" in everything and "the board (@U0BOARD)" in everything
    assert "legacy archive (http://legacy.example.org/kauri)" in everything
    assert "&lt;!channel&gt;" in everything and "&lt;@U0ROOT&gt;" in everything
    # ...and none as markup: only https and mailto links, and the asker's own mention.
    assert unsafe_markup(everything.replace(f"<@{ASKER}>", "")) == []
    assert "<https://records.example.org/kauri|the schedule site>" in everything
    assert "<mailto:records@example.org|email>" in everything
    objects = list(mrkdwn_objects(payloads))
    assert objects and all(o.get("verbatim") is True for o in objects)
    for p in payloads:  # notification texts, which have no verbatim switch
        assert not re.search(r"(?<![\w.])@(channel|here|everyone)\b", p.get("text") or "")


def test_commands_echo_slack_markup_as_plain_quiet_text(harness: Harness) -> None:
    h = harness
    question = "<!channel> <@U0ROOT|root> How does Singapore train its public officers?"
    assert h.slack.command("/ask", f"--public {question}").status == 200
    [message] = h.fake.answered(CHANNEL, None)
    placeholder = message.history[0]["text"]
    assert placeholder.startswith(f"<@{ASKER}> asked: @{WORD_JOINER}channel @root How does")
    [preface, *_] = [b for b in message.blocks if b["type"] == "context"]
    assert preface["elements"][0] == {
        "type": "mrkdwn",
        "text": f"<@{ASKER}> asked: @channel @root How does Singapore train its public officers?",
        "verbatim": True,
    }

    reply = h.slack.command("/brief", "Fiji: digital identity <!channel> <!subteam^S0TEAM|team>")
    assert reply.status == 200 and "Drafting a brief" in reply.body.decode()
    assert unsafe_markup(reply.body.decode()) == []
    _word, shared = h.fake.wait_for(lambda: len(h.fake.shared_files) == 2 and h.fake.shared_files)
    comment = shared["initial_comment"]
    assert unsafe_markup(comment.replace(f"<@{ASKER}>", "")) == []
    assert f"@{WORD_JOINER}channel" in comment
    assert unsafe_markup(json.dumps(sent_payloads(h.fake)).replace(f"<@{ASKER}>", "")) == []


# --- a timestamp Slack could never send ------------------------------------------------------------

MALFORMED_TIMESTAMPS = ["abc", "1e309", "", " ", "1.5", "NaN", "-inf", "0x10", "9" * 5000]


@pytest.mark.parametrize("stamp", MALFORMED_TIMESTAMPS, ids=lambda s: repr(s[:8]))
def test_a_malformed_timestamp_gets_401_even_when_signed_with_it(
    harness: Harness, stamp: str
) -> None:
    h = harness
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER}> How does Singapore train its public officers?",
        "ts": "1699999300.1",
        "channel": CHANNEL,
    }
    body = h.slack.event_body(event)
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    for signed in (signature, "v0=" + "0" * 64):
        reply = h.slack.send(
            body,
            "application/json",
            secret=None,
            headers={"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signed},
        )
        assert reply.status == 401, reply.body
        assert json.loads(reply.body) == {"error": "invalid request"}
    time.sleep(0.2)
    assert h.fake.calls == []  # refused before anything ran


def test_unsigned_bodies_that_cannot_be_parsed_get_401_and_signed_ones_400(
    harness: Harness,
) -> None:
    h = harness
    now = str(int(time.time()))
    bodies = [
        (b"{not json", "application/json"),
        (b"\xff\xfe not utf-8", "application/json"),
        (b"payload=%7Bnot", "application/x-www-form-urlencoded"),
    ]
    for body, content_type in bodies:
        forged = {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64}
        assert h.slack.send(body, content_type, secret=None, headers=forged).status == 401
    assert h.slack.send(b"{not json", "application/json").status == 400
    time.sleep(0.2)
    assert h.fake.calls == []
