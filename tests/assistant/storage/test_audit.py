"""The audit trail (assistant/storage/audit.py): records round-trip, feedback, replays."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import NotFound
from assistant.models import Answer, Chunk, Citation, DocumentRecord, Passage
from assistant.storage.audit import AnswerLog, compare, record_for


def doc(doc_id: str, digest: str = "h1") -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id,
        source=f"{doc_id}.md",
        path=f"/c/{doc_id}.md",
        title=doc_id,
        content_hash=digest,
    )


def passage(doc_id: str, n: int) -> Passage:
    chunk = Chunk(
        chunk_id=f"{doc_id}:{n}", doc_id=doc_id, ordinal=n, text=f"text {n}", doc_hash="h1"
    )
    return Passage(chunk, doc(doc_id), score=1.0 / (n + 1))


def answer(text: str, cited: str = "a") -> Answer:
    return Answer(
        id="ans-1",
        question="q?",
        answer=text,
        grounded=True,
        citations=[
            Citation(
                n=1, document_id=cited, title=cited, collection="study", source=cited, text="quote"
            )
        ],
        timings={"total_ms": 12.5},
    )


def test_a_record_round_trips_with_its_passages_and_feedback(tmp_path: Path) -> None:
    log = AnswerLog(tmp_path / "audit.sqlite3")
    retrieved = [passage("a", 0), passage("a", 0), passage("b", 1)]  # duplicates collapse
    rec = record_for(
        answer("It is so [1]."),
        retrieved=retrieved,
        catalog_documents={"a": doc("a")},
        access=("hr", "public", "hr"),
        owner="me",
        channel="api",
        model="embedding:x",
    )
    assert [p.chunk_id for p in rec.retrieved] == ["a:0", "b:1"]
    assert rec.access == ["hr", "public"] and rec.latency_ms == 12.5
    log.record(rec)
    back = log.get("ans-1")
    assert back.answer == "It is so [1]." and back.owner == "me" and back.documents["a"] == "h1"
    log.add_feedback("ans-1", rating=1, comment="good", owner="me")
    log.add_feedback("ans-1", rating=-1, comment="", owner="you")
    assert [f.rating for f in log.get("ans-1").feedback] == [1, -1]
    assert log.count() == 1
    with pytest.raises(NotFound):
        log.get("nope")
    log.close()


def test_compare_reports_what_changed(tmp_path: Path) -> None:
    documents = {"a": doc("a")}
    then = record_for(
        answer("Old [1]."),
        retrieved=[passage("a", 0)],
        catalog_documents=documents,
        access=None,
        owner="o",
        channel="api",
        model="m",
    )
    same = compare(then, then, documents)
    assert not same.changed
    now = record_for(
        answer("New [1].", cited="b"),
        retrieved=[passage("b", 1)],
        catalog_documents=documents,
        access=None,
        owner="o",
        channel="replay",
        model="m",
    )
    replay = compare(then, now, {"a": doc("a", "h2")})
    assert replay.changed and replay.answer_changed and not replay.grounded_changed
    assert replay.retrieved_removed == ["a:0"] and replay.retrieved_added == ["b:1"]
    assert replay.citations_removed and replay.citations_added
    assert replay.documents_changed == ["a"]
    assert compare(then, now, {}).documents_gone == ["a"]
