"""``python -m assistant db copy``: one host's SQLite records carried into PostgreSQL, once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.__main__ import main
from assistant.config import get_settings
from assistant.models import DocumentRecord
from assistant.storage import Stores
from assistant.storage.audit import AnswerLog, AnswerRecord
from assistant.storage.briefs import BriefStore, DatabaseBriefStore
from assistant.storage.catalog import Catalog
from assistant.storage.conversations import ConversationStore
from bots.slack.state import SlackState
from tests.assistant.storage.test_brief_store import new_brief
from tests.assistant.storage.test_postgres import _turn
from tests.conftest import make_settings


def test_a_hosts_records_are_copied_into_postgresql_once(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    one_host = make_settings(tmp_path / "data")
    stores = Stores.from_settings(one_host)
    doc = DocumentRecord("d1", "d1.pdf", "/c/d1.pdf", "D one", "study", ["FJI"], 2024, "h1")
    stores.catalog.commit(doc)
    _turn(stores.conversations, "c1", "alice", "first?")
    _turn(stores.conversations, "c1", "alice", "second?")
    log = stores.answers
    log.record(
        AnswerRecord(
            id="ans1", created=time.time(), owner="alice", access=None, channel="api",
            question="q", rewritten_question=None, filters={}, conversation_id="c1",
            retrieved=[], documents={}, answer="a", grounded=True, kind="document",
            citations=[], answerer="extractive", model="", latency_ms=1.0, timings={},
        )
    )  # fmt: skip
    log.add_feedback("ans1", rating=-1, comment="wrong page", owner="alice")
    brief = new_brief()
    BriefStore(one_host.data_dir / "briefs").save(brief, "alice")
    slack = SlackState(one_host.data_dir / "slack.sqlite3")
    slack.link("T1", "C1", ["1.1"], "c1")
    slack.first_time("Ev1")

    monkeypatch.setenv("RAG_DATA_DIR", str(one_host.data_dir))
    monkeypatch.setenv("RAG_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["db", "copy"]) == 0
        first = capsys.readouterr().out
        assert main(["db", "copy"]) == 0
        again = capsys.readouterr().out
    finally:
        get_settings.cache_clear()

    assert "turns          2" in first and "feedback       1" in first
    # a second run copies nothing twice
    assert "turns          0" in again and "feedback       0" in again
    unused = tmp_path / "unused.sqlite3"
    assert Catalog(unused, database_url).documents()["d1"].title == "D one"
    assert Catalog(unused, database_url).generation() == stores.catalog.generation()
    turns = ConversationStore(unused, database_url).get("c1", "alice").turns
    assert [t.question for t in turns] == ["first?", "second?"]
    record = AnswerLog(unused, database_url).get("ans1")
    assert record.conversation_id == "c1" and [f.comment for f in record.feedback] == ["wrong page"]
    assert DatabaseBriefStore(database_url).get(brief.id, "alice") == brief
    shared_slack = SlackState(unused, database_url)
    assert shared_slack.conversation("T1", "C1", "1.1") == "c1"
    assert shared_slack.first_time("Ev1") is False  # already answered on the old host


def test_copy_needs_a_postgresql_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RAG_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert main(["db", "copy"]) == 2
    finally:
        get_settings.cache_clear()
    assert "set RAG_DATABASE_URL=postgresql://" in capsys.readouterr().err
