"""The shared records in a real PostgreSQL (a throwaway cluster the tests start): the same stores
as the SQLite files of one host, their schema from Alembic, writers of one store one at a time."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from assistant.errors import NotFound, StoreUnavailable
from assistant.models import DocumentRecord
from assistant.storage.audit import AnswerLog, AnswerRecord
from assistant.storage.briefs import DatabaseBriefStore
from assistant.storage.catalog import Catalog
from assistant.storage.conversations import ConversationStore
from tests.assistant.storage.test_brief_store import new_brief


def _turn(store: ConversationStore, cid: str, owner: str, question: str) -> int:
    return store.add_turn(
        cid,
        owner,
        question=question,
        standalone=question,
        kind="document",
        answer_id=f"a-{question}",
        answer="an answer",
        grounded=True,
        citations=[{"n": 1, "source": "x.pdf"}],
    )


def test_the_schema_is_alembics_latest_revision(database_url: str, tmp_path: Path) -> None:
    ConversationStore(tmp_path / "unused.sqlite3", database_url).count()
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema='public'"
            )
        }
    assert {"documents", "files", "state", "conversations", "turns", "answers", "feedback"} | {
        "briefs"
    } <= tables
    assert not (tmp_path / "unused.sqlite3").exists()  # nothing written to the data directory


def test_conversations(database_url: str, tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3", database_url)
    assert [_turn(store, "c1", "alice", q) for q in ("first?", "second?")] == [1, 2]
    got = store.get("c1", "alice")
    assert [t.question for t in got.turns] == ["first?", "second?"]
    assert got.turns[0].citations == [{"n": 1, "source": "x.pdf"}] and got.turns[0].grounded
    assert abs(got.created - time.time()) < 60  # times to the second, not float4's 100 s
    with pytest.raises(NotFound):
        store.get("c1", "bob")
    with pytest.raises(NotFound):
        _turn(store, "c1", "bob", "not mine")
    copy = store.copy("c1", "alice", "bob", through=1)
    assert [t.question for t in copy.turns] == ["first?"] and copy.owner == "bob"
    assert store.rename("c1", "alice", "  A   title ").title == "A title"
    total, page = store.for_owner("alice")
    assert total == 1 and page[0].turn_count == 2
    store.delete("c1", "alice")
    assert store.for_owner("alice") == (0, []) and store.count() == 1


def test_turns_written_at_once_from_several_threads_each_get_their_own_number(
    database_url: str, tmp_path: Path
) -> None:
    """The next turn number is read and written in one transaction: the store's write lock
    makes concurrent writers wait instead of colliding on the key."""
    store = ConversationStore(tmp_path / "c.sqlite3", database_url)
    _turn(store, "busy", "alice", "opening")
    start = threading.Barrier(8)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def write(i: int) -> None:
        start.wait()
        try:
            numbers.append(_turn(store, "busy", "alice", f"q{i}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(numbers) == list(range(2, 10))


def test_the_audit_trail_and_feedback(database_url: str, tmp_path: Path) -> None:
    log = AnswerLog(tmp_path / "a.sqlite3", database_url)
    record = AnswerRecord(
        id="ans1",
        created=time.time(),
        owner="alice",
        access=["public"],
        channel="api",
        question="q",
        rewritten_question=None,
        filters={},
        conversation_id=None,
        retrieved=[],
        documents={},
        answer="first",
        grounded=True,
        kind="document",
        citations=[],
        answerer="extractive",
        model="",
        latency_ms=12.5,
        timings={"total_ms": 12.5},
    )
    log.record(record)
    log.record(AnswerRecord(**{**record.__dict__, "answer": "second"}))  # an upsert
    log.add_feedback("ans1", rating=1, comment="useful", owner="alice")
    got = log.get("ans1")
    assert log.count() == 1 and got.answer == "second" and got.access == ["public"]
    assert [(f.rating, f.comment) for f in got.feedback] == [(1, "useful")]
    with pytest.raises(NotFound):
        log.get("missing")


def test_the_catalogue(database_url: str, tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite3", database_url)
    doc = DocumentRecord("d1", "d1.pdf", "/c/d1.pdf", "D one", "study", ["FJI"], 2024, "h1")
    assert catalog.generation() == 0
    catalog.begin(doc)
    assert [d.doc_id for d in catalog.pending()] == ["d1"] and catalog.documents() == {}
    catalog.commit(doc)
    assert catalog.documents()["d1"].countries == ["FJI"] and catalog.generation() == 2
    catalog.set_state("run_active", "1")
    catalog.set_state("run_active", "2")
    assert catalog.get_state("run_active") == "2"
    catalog.record_file("/c/d1.pdf", "h1", "ingested", None)
    catalog.record_file("/c/d1.pdf", "h2", "failed", "broken")
    assert catalog.file_state("/c/d1.pdf") == ("h2", "failed", "broken")
    catalog.remove("d1")
    assert catalog.documents() == {} and catalog.generation() == 3
    # another process (a second API host) sees the same catalogue
    assert Catalog(tmp_path / "other.sqlite3", database_url).generation() == 3


def test_briefs(database_url: str) -> None:
    store = DatabaseBriefStore(database_url)
    mine = [new_brief(f"topic {i}") for i in range(3)]
    for brief in mine:
        store.save(brief, "alice")
        time.sleep(0.01)
    store.save(new_brief("theirs"), "bob")
    assert [b.id for b in store.list("alice", limit=2)] == [mine[2].id, mine[1].id]
    assert store.get(mine[0].id, "alice") == mine[0]
    with pytest.raises(NotFound):
        store.get(mine[0].id, "bob")


def test_a_database_that_cannot_be_reached_says_where_and_what_to_do(tmp_path: Path) -> None:
    from tests.conftest import free_port

    url = f"postgresql://rag:secret@127.0.0.1:{free_port()}/nowhere"
    with pytest.raises(StoreUnavailable) as caught:
        ConversationStore(tmp_path / "c.sqlite3", url).count()
    message = str(caught.value)
    assert "127.0.0.1" in message and "RAG_DATABASE_URL" in message
    assert "secret" not in message  # the password is never shown


def test_a_write_that_cannot_take_its_lock_leaves_the_connection_usable(
    database_url: str, tmp_path: Path
) -> None:
    """A transaction whose lock times out is rolled back: the thread's next calls work."""
    from assistant.storage.postgres import _lock_key

    store = ConversationStore(tmp_path / "c.sqlite3", database_url)
    _turn(store, "c1", "alice", "first?")
    store._db().execute("SET lock_timeout = '100ms'")
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (_lock_key("conversations"),))
        with pytest.raises(StoreUnavailable):
            _turn(store, "c1", "alice", "blocked?")
        assert store.count() == 1  # reads go on meanwhile
    assert _turn(store, "c1", "alice", "second?") == 2


def test_a_connection_the_server_dropped_is_replaced(database_url: str, tmp_path: Path) -> None:
    """A database restart or failover: the call that meets the dropped connection gets a 503's
    error, the next one connects again."""
    store = ConversationStore(tmp_path / "c.sqlite3", database_url)
    _turn(store, "c1", "alice", "first?")
    pid = store._db().execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(StoreUnavailable) as caught:
        store.count()
    assert "RAG_DATABASE_URL" in str(caught.value)
    assert store.count() == 1 and _turn(store, "c1", "alice", "second?") == 2


def test_text_with_nul_characters_is_stored(database_url: str, tmp_path: Path) -> None:
    # PostgreSQL's text cannot hold NUL (SQLite's can): dropped, not a failed request
    store = ConversationStore(tmp_path / "c.sqlite3", database_url)
    _turn(store, "c1", "alice", "nul\x00here?")
    assert store.get("c1", "alice").turns[0].question == "nulhere?"


def test_urls_are_checked_and_shown_without_their_password() -> None:
    from pydantic import ValidationError

    from assistant.config import Settings
    from assistant.storage.postgres import redacted

    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, database_url="postgresql+psycopg2://rag:secret@db/gka")  # type: ignore[call-arg]
    assert "secret" not in str(caught.value) and "PostgreSQL URL" in str(caught.value)
    assert redacted("postgresql://rag:p@ss@db:5432/gka") == "postgresql://rag:***@db:5432/gka"
    assert redacted("postgresql://db/gka?password=x&sslmode=require") == (
        "postgresql://db/gka?password=***&sslmode=require"
    )
    assert redacted("postgresql://rag@db/gka") == "postgresql://rag@db/gka"


def test_the_repositorys_alembic_ini_finds_the_migrations() -> None:
    """``alembic upgrade head`` by hand, from the repository root, as the README says."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from tests.conftest import REPO

    config = Config(str(REPO / "alembic.ini"))
    config.set_main_option("script_location", str(REPO / config.get_main_option("script_location")))
    assert ScriptDirectory.from_config(config).get_heads() == ["0002"]
