"""The audit trail: every answer, with what it was built from, so it can be checked and replayed.

Each answer is stored with its id, time, question (and the standalone rewrite), filters,
conversation, the caller's access, the retrieved passages (chunk ids, their documents and those
documents' content hashes), the answer and its citations, who wrote it (answerer and model), its
latency, and any feedback given later. A SQLite file in the data directory (WAL), shared safely by
several worker processes on one host.

:func:`compare` says what changed when a recorded question is asked again on the current index
(``python -m assistant replay ID``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import NotFound
from assistant.models import Answer, DocumentRecord, Passage, page_words
from assistant.storage.database import SQLConnection, open_database, replacing

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    owner TEXT NOT NULL,
    access TEXT,
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    rewritten_question TEXT,
    filters TEXT NOT NULL,
    conversation_id TEXT,
    retrieved TEXT NOT NULL,
    documents TEXT NOT NULL,
    answer TEXT NOT NULL,
    grounded INTEGER NOT NULL,
    kind TEXT NOT NULL,
    citations TEXT NOT NULL,
    answerer TEXT NOT NULL,
    model TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    timings TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_conversation ON answers (conversation_id);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    created REAL NOT NULL,
    owner TEXT NOT NULL,
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_answer ON feedback (answer_id);
"""


ANSWER_COLUMNS = (
    "id, created, owner, access, channel, question, rewritten_question, filters, "
    "conversation_id, retrieved, documents, answer, grounded, kind, citations, answerer, model, "
    "latency_ms, timings"
)


@dataclass
class RetrievedPassage:
    """One passage that retrieval returned for an answer, and the document version it came from."""

    chunk_id: str
    document_id: str
    doc_hash: str
    score: float
    rank: int

    @classmethod
    def from_passage(cls, passage: Passage) -> RetrievedPassage:
        return cls(
            chunk_id=passage.chunk.chunk_id,
            document_id=passage.document.doc_id,
            doc_hash=passage.chunk.doc_hash or passage.document.content_hash,
            score=round(float(passage.score), 6),
            rank=passage.rank,
        )


@dataclass
class Feedback:
    rating: int
    comment: str
    owner: str
    created: float


@dataclass
class AnswerRecord:
    """An answer as the audit trail keeps it."""

    id: str
    created: float
    owner: str
    access: list[str] | None  # None: everything (an operator)
    channel: str  # api, stream, openai, cli, slack, ...
    question: str
    rewritten_question: str | None
    filters: dict[str, Any]
    conversation_id: str | None
    retrieved: list[RetrievedPassage]
    documents: dict[str, str]  # document id -> content hash of every retrieved or cited document
    answer: str
    grounded: bool
    kind: str
    citations: list[dict[str, Any]]
    answerer: str
    model: str
    latency_ms: float
    timings: dict[str, float] = field(default_factory=dict)
    feedback: list[Feedback] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def record_for(
    answer: Answer,
    *,
    retrieved: Sequence[Passage],
    catalog_documents: Mapping[str, DocumentRecord],
    access: Sequence[str] | None,
    owner: str,
    channel: str,
    model: str,
) -> AnswerRecord:
    """The audit record of ``answer`` (retrieved passages de-duplicated, in retrieval order)."""
    seen: set[str] = set()
    passages: list[RetrievedPassage] = []
    for passage in retrieved:
        if passage.chunk.chunk_id not in seen:
            seen.add(passage.chunk.chunk_id)
            passages.append(RetrievedPassage.from_passage(passage))
    documents = {p.document_id: p.doc_hash for p in passages}
    for citation in answer.citations:
        doc = catalog_documents.get(citation.document_id)
        if doc is not None:
            documents.setdefault(doc.doc_id, doc.content_hash)
    return AnswerRecord(
        id=answer.id,
        created=time.time(),
        owner=owner,
        access=None if access is None else sorted(set(access)),
        channel=channel,
        question=answer.question,
        rewritten_question=answer.rewritten_question,
        filters=answer.filters.model_dump(),
        conversation_id=answer.conversation_id,
        retrieved=passages,
        documents=documents,
        answer=answer.answer,
        grounded=answer.grounded,
        kind=answer.kind,
        citations=[c.model_dump() for c in answer.citations],
        answerer=answer.answerer,
        model=model,
        latency_ms=float(answer.timings.get("total_ms", 0.0)),
        timings=dict(answer.timings),
    )


class AnswerLog:
    """The audit trail in SQLite, or in PostgreSQL given its ``url``."""

    def __init__(self, path: Path, url: str = "") -> None:
        self.path = Path(path)
        self._connection = open_database(self.path, SCHEMA, url=url, store="answers")

    def __repr__(self) -> str:
        return f"AnswerLog({self._connection!r})"

    def _db(self) -> SQLConnection:
        return self._connection()

    def close(self) -> None:
        self._connection.close()

    def record(self, rec: AnswerRecord) -> None:
        self._db().execute(
            f"INSERT INTO answers({ANSWER_COLUMNS}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            f"ON CONFLICT(id) DO UPDATE SET {replacing(ANSWER_COLUMNS)}",
            (
                rec.id,
                rec.created,
                rec.owner,
                None if rec.access is None else json.dumps(rec.access),
                rec.channel,
                rec.question,
                rec.rewritten_question,
                json.dumps(rec.filters, ensure_ascii=False),
                rec.conversation_id,
                json.dumps([asdict(p) for p in rec.retrieved]),
                json.dumps(rec.documents),
                rec.answer,
                int(rec.grounded),
                rec.kind,
                json.dumps(rec.citations, ensure_ascii=False),
                rec.answerer,
                rec.model,
                rec.latency_ms,
                json.dumps(rec.timings),
            ),
        )

    def get(self, answer_id: str) -> AnswerRecord:
        db = self._db()
        row = db.execute(
            "SELECT id, created, owner, access, channel, question, rewritten_question, filters, "
            "conversation_id, retrieved, documents, answer, grounded, kind, citations, answerer, "
            "model, latency_ms, timings FROM answers WHERE id=?",
            (answer_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no answer with id {answer_id!r}")
        feedback = [
            Feedback(rating=int(r[0]), comment=r[1], owner=r[2], created=float(r[3]))
            for r in db.execute(
                "SELECT rating, comment, owner, created FROM feedback WHERE answer_id=? ORDER BY created",
                (answer_id,),
            )
        ]
        return AnswerRecord(
            id=row[0],
            created=float(row[1]),
            owner=row[2],
            access=None if row[3] is None else json.loads(row[3]),
            channel=row[4],
            question=row[5],
            rewritten_question=row[6],
            filters=json.loads(row[7]),
            conversation_id=row[8],
            retrieved=[RetrievedPassage(**p) for p in json.loads(row[9])],
            documents=json.loads(row[10]),
            answer=row[11],
            grounded=bool(row[12]),
            kind=row[13],
            citations=json.loads(row[14]),
            answerer=row[15],
            model=row[16],
            latency_ms=float(row[17]),
            timings=json.loads(row[18]),
            feedback=feedback,
        )

    def add_feedback(self, answer_id: str, *, rating: int, comment: str, owner: str) -> Feedback:
        item = Feedback(rating=rating, comment=comment, owner=owner, created=time.time())
        self._db().execute(
            "INSERT INTO feedback(answer_id, created, owner, rating, comment) VALUES(?,?,?,?,?)",
            (answer_id, item.created, owner, rating, comment),
        )
        return item

    def count(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM answers").fetchone()[0])


# --- replay ------------------------------------------------------------------------------------


@dataclass
class Replay:
    """What changed between a recorded answer and the same question asked again now."""

    answer_id: str
    question: str
    then: AnswerRecord
    now: AnswerRecord
    answer_changed: bool
    grounded_changed: bool
    citations_removed: list[str]
    citations_added: list[str]
    retrieved_removed: list[str]
    retrieved_added: list[str]
    documents_changed: list[str]  # content hash differs from the recorded one
    documents_gone: list[str]  # no longer in the catalogue

    @property
    def changed(self) -> bool:
        return bool(
            self.answer_changed
            or self.grounded_changed
            or self.citations_removed
            or self.citations_added
            or self.retrieved_removed
            or self.retrieved_added
            or self.documents_changed
            or self.documents_gone
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["changed"] = self.changed
        return out


def _citation_key(citation: Mapping[str, Any]) -> str:
    where = page_words(citation.get("page"), citation.get("page_label"))
    if citation.get("data_row"):
        where = f"row {citation['data_row']}"
    text = " ".join(str(citation.get("text", "")).split())[:80]
    return f"{citation.get('document_id')} {where}: {text}".replace("  ", " ")


def compare(
    then: AnswerRecord, now: AnswerRecord, catalog_documents: Mapping[str, DocumentRecord]
) -> Replay:
    old_cites = [_citation_key(c) for c in then.citations]
    new_cites = [_citation_key(c) for c in now.citations]
    old_chunks = [p.chunk_id for p in then.retrieved]
    new_chunks = [p.chunk_id for p in now.retrieved]
    changed, gone = [], []
    for doc_id, digest in sorted(then.documents.items()):
        current = catalog_documents.get(doc_id)
        if current is None:
            gone.append(doc_id)
        elif current.content_hash != digest:
            changed.append(doc_id)
    return Replay(
        answer_id=then.id,
        question=then.rewritten_question or then.question,
        then=then,
        now=now,
        answer_changed=" ".join(then.answer.split()) != " ".join(now.answer.split()),
        grounded_changed=then.grounded != now.grounded,
        citations_removed=[c for c in old_cites if c not in new_cites],
        citations_added=[c for c in new_cites if c not in old_cites],
        retrieved_removed=[c for c in old_chunks if c not in new_chunks],
        retrieved_added=[c for c in new_chunks if c not in old_chunks],
        documents_changed=changed,
        documents_gone=gone,
    )
