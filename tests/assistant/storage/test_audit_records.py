"""The audit trail in detail (assistant/storage/audit.py): every field round-trips through SQLite,
feedback accumulates and survives a reopen, and a replay reports exactly what changed.

Complements tests/assistant/storage/test_audit.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import NotFound
from assistant.models import Answer, Chunk, Citation, DocumentRecord, Filters, Passage
from assistant.storage.audit import (
    AnswerLog,
    AnswerRecord,
    Feedback,
    RetrievedPassage,
    compare,
    record_for,
)


def doc(doc_id: str, digest: str = "v1") -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id,
        source=f"{doc_id}.md",
        path=f"/c/{doc_id}.md",
        title=doc_id,
        content_hash=digest,
    )


def passage(doc_id: str, n: int, *, score: float = 0.5, chunk_hash: str = "v1") -> Passage:
    chunk = Chunk(
        chunk_id=f"{doc_id}:{n}", doc_id=doc_id, ordinal=n, text=f"text {n}", doc_hash=chunk_hash
    )
    return Passage(chunk, doc(doc_id, "catalogue-hash"), score=score, rank=n + 1)


def citation(document_id: str, text: str = "a quote", **extra: Any) -> Citation:
    return Citation(
        n=1,
        document_id=document_id,
        title=document_id,
        collection="study",
        source=f"{document_id}.md",
        text=text,
        **extra,
    )


def answer(
    text: str = "It is so [1].",
    citations: list[Citation] | None = None,
    *,
    answer_id: str = "ans-1",
    grounded: bool = True,
    **extra: Any,
) -> Answer:
    return Answer(
        id=answer_id,
        question="What is so?",
        answer=text,
        grounded=grounded,
        citations=[citation("a")] if citations is None else citations,
        **extra,
    )


def record(ans: Answer, retrieved: list[Passage] | None = None, **extra: Any) -> AnswerRecord:
    values: dict[str, Any] = {
        "retrieved": [passage("a", 0)] if retrieved is None else retrieved,
        "catalog_documents": {"a": doc("a"), "b": doc("b")},
        "access": ("public",),
        "owner": "owner-1",
        "channel": "api",
        "model": "extractive",
        **extra,
    }
    return record_for(ans, **values)


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AnswerLog]:
    answers = AnswerLog(tmp_path / "audit.sqlite3")
    yield answers
    answers.close()


# --- record_for ----------------------------------------------------------------------------------
def test_record_for_copies_the_answer() -> None:
    ans = answer(
        filters=Filters(countries=["FJI"], year_from=2020),
        rewritten_question="What is so in Fiji?",
        conversation_id="conv-9",
        kind="comparison",
        answerer="llm",
        timings={"total_ms": 42.0, "retrieve_ms": 7.5},
    )
    rec = record(ans, channel="slack", model="gpt-x", owner="u-7")
    assert (rec.id, rec.question, rec.rewritten_question) == (
        "ans-1",
        "What is so?",
        "What is so in Fiji?",
    )
    assert rec.filters["countries"] == ["FJI"] and rec.filters["year_from"] == 2020
    assert (rec.conversation_id, rec.kind, rec.answerer) == ("conv-9", "comparison", "llm")
    assert (rec.channel, rec.model, rec.owner) == ("slack", "gpt-x", "u-7")
    assert rec.latency_ms == 42.0 and rec.timings == {"total_ms": 42.0, "retrieve_ms": 7.5}
    assert rec.citations[0]["document_id"] == "a" and rec.citations[0]["text"] == "a quote"
    assert rec.feedback == []


def test_record_for_without_a_total_time_records_zero_latency() -> None:
    assert record(answer(timings={"retrieve_ms": 3.0})).latency_ms == 0.0


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (None, None),  # an operator: everything
        (("public",), ["public"]),
        (("public", "hr", "finance", "hr"), ["finance", "hr", "public"]),  # sorted, once each
        ((), []),
    ],
)
def test_record_for_keeps_the_callers_access(
    access: tuple[str, ...] | None, expected: list[str] | None
) -> None:
    assert record(answer(), access=access).access == expected


def test_record_for_keeps_retrieval_order_and_drops_repeats() -> None:
    retrieved = [passage("b", 2), passage("a", 0), passage("b", 2), passage("a", 1)]
    rec = record(answer(), retrieved)
    assert [p.chunk_id for p in rec.retrieved] == ["b:2", "a:0", "a:1"]
    assert [p.rank for p in rec.retrieved] == [3, 1, 2]
    assert rec.retrieved[0] == RetrievedPassage("b:2", "b", "v1", 0.5, 3)


def test_a_passage_keeps_the_version_of_its_chunk_or_else_of_its_document() -> None:
    rec = record(answer(citations=[]), [passage("a", 0, chunk_hash="")])
    assert rec.retrieved[0].doc_hash == "catalogue-hash"  # the chunk names no version
    assert rec.documents == {"a": "catalogue-hash"}
    rec = record(answer(citations=[]), [passage("a", 0, chunk_hash="chunk-v")])
    assert rec.retrieved[0].doc_hash == "chunk-v" and rec.documents == {"a": "chunk-v"}


def test_scores_are_rounded() -> None:
    rec = record(answer(), [passage("a", 0, score=0.123456789)])
    assert rec.retrieved[0].score == 0.123457


def test_documents_cover_what_was_retrieved_and_what_was_cited() -> None:
    ans = answer(citations=[citation("b"), citation("a"), citation("gone")])
    rec = record(ans, [passage("a", 0, chunk_hash="retrieved-v")])
    # a: as retrieved (not overwritten by the catalogue); b: cited only, from the catalogue;
    # a cited document the catalogue no longer has is not listed
    assert rec.documents == {"a": "retrieved-v", "b": "v1"}


# --- AnswerLog ----------------------------------------------------------------------------------
def test_every_field_round_trips(log: AnswerLog) -> None:
    ans = answer(
        "Ça va, Türkiye [1].",
        [citation("a", "« quoted »", page=3, page_label="iii", chunk_id="a:0")],
        filters=Filters(countries=["TUR"], collections=["study"], documents=["a"]),
        rewritten_question="How is Türkiye?",
        conversation_id="conv-1",
        grounded=False,
        kind="refusal",
        timings={"total_ms": 9.25},
    )
    rec = record(ans, [passage("a", 0), passage("b", 1)], access=("hr", "public"))
    log.record(rec)
    back = log.get("ans-1")
    assert back.to_dict() == rec.to_dict()
    assert isinstance(back.retrieved[0], RetrievedPassage)
    assert back.grounded is False


def test_operator_access_round_trips_as_none(log: AnswerLog) -> None:
    log.record(record(answer(), access=None))
    assert log.get("ans-1").access is None
    log.record(record(answer(answer_id="ans-2"), access=()))
    assert log.get("ans-2").access == []


def test_recording_the_same_id_again_replaces_it(log: AnswerLog) -> None:
    log.record(record(answer("first")))
    log.record(record(answer("second")))
    assert log.count() == 1 and log.get("ans-1").answer == "second"
    log.record(record(answer("other", answer_id="ans-2")))
    assert log.count() == 2


@pytest.mark.parametrize("unknown", ["nope", "", "ANS-1", "ans-1 "])
def test_an_unknown_id_raises_not_found(log: AnswerLog, unknown: str) -> None:
    log.record(record(answer()))
    with pytest.raises(NotFound, match="no answer with id"):
        log.get(unknown)


def test_an_empty_log(log: AnswerLog) -> None:
    assert log.count() == 0
    with pytest.raises(NotFound):
        log.get("ans-1")


def test_feedback_accumulates_in_order_and_belongs_to_one_answer(log: AnswerLog) -> None:
    log.record(record(answer()))
    log.record(record(answer(answer_id="ans-2")))
    given = log.add_feedback("ans-1", rating=1, comment="clear", owner="alice")
    assert isinstance(given, Feedback) and (given.rating, given.owner) == (1, "alice")
    log.add_feedback("ans-1", rating=-1, comment="", owner="bob")
    log.add_feedback("ans-1", rating=1, comment="ok après tout", owner="alice")
    feedback = log.get("ans-1").feedback
    assert [(f.rating, f.comment, f.owner) for f in feedback] == [
        (1, "clear", "alice"),
        (-1, "", "bob"),
        (1, "ok après tout", "alice"),
    ]
    assert [f.created for f in feedback] == sorted(f.created for f in feedback)
    assert feedback[0] == given
    assert log.get("ans-2").feedback == []


def test_feedback_does_not_count_as_answers(log: AnswerLog) -> None:
    log.record(record(answer()))
    for rating in (1, 1, -1):
        log.add_feedback("ans-1", rating=rating, comment="", owner="x")
    assert log.count() == 1


def test_records_and_feedback_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    first = AnswerLog(path)
    rec = record(answer())
    first.record(rec)
    first.add_feedback("ans-1", rating=-1, comment="wrong year", owner="carol")
    first.close()
    second = AnswerLog(path)
    back = second.get("ans-1")
    assert back.answer == rec.answer and [f.comment for f in back.feedback] == ["wrong year"]
    second.close()


def test_another_thread_reads_what_one_wrote(log: AnswerLog) -> None:
    log.record(record(answer()))
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.append(log.get("ans-1").answer))
    reader.start()
    reader.join(timeout=10)
    assert seen == ["It is so [1]."]


# --- compare ------------------------------------------------------------------------------------
def test_an_unchanged_replay_reports_nothing() -> None:
    then = record(answer())
    replay = compare(then, record(answer()), {"a": doc("a")})
    assert not replay.changed
    assert replay.answer_id == "ans-1" and replay.question == "What is so?"
    out = replay.to_dict()
    assert out["changed"] is False and out["then"]["id"] == "ans-1"


def test_whitespace_alone_is_not_a_new_answer() -> None:
    then = record(answer("It is  so\n[1]."))
    assert not compare(then, record(answer(" It is so [1]. ")), {"a": doc("a")}).changed


def test_the_replay_asks_the_standalone_question() -> None:
    then = record(answer(rewritten_question="What is so in Fiji?"))
    assert compare(then, then, {"a": doc("a")}).question == "What is so in Fiji?"


@pytest.mark.parametrize(
    ("now", "field"),
    [
        (answer("It is not so [1]."), "answer_changed"),
        (answer(grounded=False), "grounded_changed"),
        (answer(citations=[citation("a", "another quote")]), "citations_added"),
        (answer(citations=[citation("a", page=4)]), "citations_added"),
        (answer(citations=[citation("a", data_row=12)]), "citations_added"),
        (answer(citations=[]), "citations_removed"),
    ],
)
def test_each_kind_of_change_is_reported(now: Answer, field: str) -> None:
    then = record(answer())
    replay = compare(then, record(now), {"a": doc("a")})
    assert replay.changed and getattr(replay, field)
    flags = {
        "answer_changed": replay.answer_changed,
        "grounded_changed": replay.grounded_changed,
        "retrieved": bool(replay.retrieved_added or replay.retrieved_removed),
        "documents": bool(replay.documents_changed or replay.documents_gone),
    }
    assert [k for k, v in flags.items() if v] in ([], [field])


def test_changed_citations_are_named_by_document_place_and_text() -> None:
    then = record(answer(citations=[citation("a", "old  quote", page=2, page_label="ii")]))
    now = record(answer(citations=[citation("b", "new quote", data_row=7)]))
    replay = compare(then, now, {"a": doc("a"), "b": doc("b")})
    assert replay.citations_removed == ["a p. ii: old quote"]
    assert replay.citations_added == ["b row 7: new quote"]
    # the same citation text on another page is another citation
    moved = record(answer(citations=[citation("a", "old quote", page=5)]))
    # a page without a printed label is named by its place in the file, never as printed
    assert compare(then, moved, {"a": doc("a")}).citations_added == ["a PDF page 5: old quote"]


def test_retrieved_passages_added_and_removed_in_order() -> None:
    then = record(answer(), [passage("a", 0), passage("a", 1), passage("b", 2)])
    now = record(answer(), [passage("b", 2), passage("b", 3), passage("a", 0), passage("b", 4)])
    replay = compare(then, now, {"a": doc("a"), "b": doc("b")})
    assert replay.retrieved_removed == ["a:1"]
    assert replay.retrieved_added == ["b:3", "b:4"]
    assert not replay.answer_changed and replay.changed  # a reordering alone is no change:
    reordered = record(answer(), [passage("b", 2), passage("a", 1), passage("a", 0)])
    assert not compare(then, reordered, {"a": doc("a"), "b": doc("b")}).changed


def test_documents_changed_or_gone_since_the_answer() -> None:
    then = record(answer(citations=[]), [passage("a", 0), passage("b", 1), passage("c", 2)])
    catalogue = {"a": doc("a"), "b": doc("b", "v2")}  # b re-ingested, c deleted
    replay = compare(then, then, catalogue)
    assert replay.documents_changed == ["b"] and replay.documents_gone == ["c"]
    assert replay.changed and not replay.retrieved_added and not replay.answer_changed


def test_a_replay_of_a_stored_record(log: AnswerLog) -> None:
    log.record(record(answer()))
    then = log.get("ans-1")
    now = replace(then, answer="Something else.", channel="replay")
    replay = compare(then, now, {"a": doc("a")})
    assert replay.answer_changed and replay.then is then and replay.now is now
