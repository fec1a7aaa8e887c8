"""Indicator answers and refusals as Slack shows them, end to end: a store with indicator data,
the bot behind Bolt, the fake Slack recording what a person would see (posted replies and answers
streamed into the AI-app panel)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Harness
from slack_fakes import Posted
from test_slack_ai_app import DM, ai_harness
from test_slack_http import CHANNEL

from assistant import Assistant, Settings
from bots.slack.formatting import NOT_ANSWERED
from tests.web.corpus import EGDI_CSV, FIJI

FIJI_EGDI = "What was Fiji's EGDI in 2024?"
UNANSWERABLE = "What did Fiji decide about cryptocurrency regulation in 2019?"


@pytest.fixture(scope="module")
def data_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """A note on Fiji and the UN E-Government Survey figures (public), ingested once."""
    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("slack-data")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "fiji.md").write_text(FIJI, encoding="utf-8")
    (corpus / "egdi.csv").write_text(EGDI_CSV, encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=root / "data", corpus_dirs=[corpus])  # type: ignore[call-arg]
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    return Assistant(settings)


def tables(messages: list[Posted]) -> list[dict[str, Any]]:
    return [b for m in messages for b in m.blocks if b["type"] == "table"]


def cells(table: dict[str, Any]) -> list[list[str]]:
    """The table's rows as the text of their cells."""
    return [[json.dumps(cell, ensure_ascii=False) for cell in row] for row in table["rows"]]


def test_an_indicator_answer_in_a_channel_carries_its_rows_as_a_table(
    make_harness: Callable[..., Harness], data_assistant: Assistant
) -> None:
    h = make_harness(data_assistant)
    ts = h.slack.mention(FIJI_EGDI)
    posted = h.fake.answered(CHANNEL, ts)
    [table] = tables(posted)
    rows = cells(table)
    assert any("Fiji" in " ".join(r) and "0.67544" in " ".join(r) for r in rows), rows
    assert NOT_ANSWERED not in json.dumps([m.blocks for m in posted])
    assert h.fake.rejected == []


def test_a_streamed_indicator_answer_ends_with_its_table(
    make_harness: Callable[..., Harness], data_assistant: Assistant
) -> None:
    h = ai_harness(make_harness, data_assistant)
    thread = h.slack.thread_started(channel=DM)
    h.slack.direct(FIJI_EGDI, channel=DM, thread_ts=thread)
    message = h.fake.streamed(DM, thread)
    assert "0.67544" in message.text
    assert NOT_ANSWERED not in message.all_text()
    # the table closes the stream, or follows it where Slack would not take it there
    shown = h.fake.wait_for(lambda: tables(h.fake.in_thread(DM, thread)))
    assert any("0.67544" in " ".join(r) for r in cells(shown[0]))
    assert h.fake.rejected == []


def test_a_streamed_refusal_is_marked_as_not_answered(
    make_harness: Callable[..., Harness], data_assistant: Assistant
) -> None:
    h = ai_harness(make_harness, data_assistant)
    thread = h.slack.thread_started(channel=DM)
    h.slack.direct(UNANSWERABLE, channel=DM, thread_ts=thread)
    message = h.fake.streamed(DM, thread)
    assert NOT_ANSWERED in message.all_text()
    assert h.fake.rejected == []
