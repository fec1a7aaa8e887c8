"""The vectors of the sentences answers choose from, stored at ingestion beside the passages
(``RAG_SENTENCE_VECTORS``): kept in line with them through changes and settings, and read by an
answer instead of computed. Real files, real Chroma on disk, the real embedding model."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.answering.extractive import _sentence_vectors
from assistant.embedding import Embedder
from assistant.sentences import answer_sentences, sentence_id
from assistant.storage.catalog import Catalog
from assistant.storage.vectors import SentenceVectors, VectorStore
from ingest.pipeline import Pipeline
from tests.conftest import copy_corpus, make_settings, mended_after_a_change_with_it_off

pytestmark = pytest.mark.slow

FIJI = "general-debate-2024/session79_2024/FJI_79_2024.txt"
SAMOA = "general-debate-2024/session79_2024/WSM_79_2024.txt"


def _versions(settings) -> tuple[dict[str, str], dict[str, str]]:
    return VectorStore(settings).doc_versions(), SentenceVectors(settings).doc_versions()


def _stored_sentences(settings) -> dict[str, list[str]]:
    """Each stored passage's id with the sentences an answer reads in it, as ingestion saw it."""
    store, records = VectorStore(settings), Catalog(settings.catalog_path).documents()
    out: dict[str, list[str]] = {}
    for doc_id, record in records.items():
        out.update(answer_sentences(record, store.document_chunks(doc_id)))
    return out


class CountingEmbedder:
    """The real embedder, counting the sentences it is asked to embed."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.embedded: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    def embed_cached(self, texts) -> np.ndarray:
        self.embedded += list(texts)
        return self.embedder.embed_cached(texts)


def test_the_sentence_vectors_follow_the_passages_through_changes_and_settings(
    tmp_path: Path, shared_corpus: Path
) -> None:
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", [FIJI, SAMOA])
    common = {"corpus_dirs": [corpus], "multilingual_index": False}
    off = make_settings(tmp_path / "data", sentence_vectors=False, **common)
    assert Pipeline(off).run().totals()["ingested"] == 2
    passages, vectors = _versions(off)
    assert len(passages) == 2 and vectors == {}

    # turned on: the stored passages' sentences are embedded, nothing is parsed again
    on = make_settings(tmp_path / "data", **common)
    report = Pipeline(on).run()
    assert report.totals()["unchanged"] == 2 and report.timings["embed"] == 0.0
    assert report.timings["sentences"] > 0
    passages, vectors = _versions(on)
    assert vectors == passages
    # every sentence an answer may read is stored, as the model embeds it, and nothing else
    wanted = _stored_sentences(on)
    stored = SentenceVectors(on)
    assert stored.store.count() == sum(len(sentences) for sentences in wanted.values())
    embedder = Embedder()
    for chunk_id, sentences in list(wanted.items())[:6]:
        ids = [sentence_id(chunk_id, n, text) for n, text in enumerate(sentences)]
        found = stored.vectors([*ids, sentence_id(chunk_id, len(ids), "not a sentence of it")])
        assert sorted(found) == sorted(ids) and ids
        fresh = embedder.embed(sentences)
        for sid, vector in zip(ids, fresh, strict=True):
            assert float(found[sid] @ vector) > 0.99
    again = Pipeline(on).run()  # in line: nothing is read or embedded again
    assert again.timings["sentences"] == 0.0

    # a file changed while the setting is off leaves them stale; the next run with it on mends it
    mended_after_a_change_with_it_off(corpus, off, on, _versions)
    # the changed document's old sentences are gone, its new one is stored
    now = _stored_sentences(on)
    assert stored.store.count() == sum(len(sentences) for sentences in now.values())
    new = [
        sentence_id(chunk_id, n, text)
        for chunk_id, sentences in now.items()
        for n, text in enumerate(sentences)
        if "e-procurement portal" in text
    ]
    assert len(new) == 1 and list(stored.vectors(new)) == new

    # a removed file takes its sentence vectors with it
    (corpus / FIJI).unlink()
    Pipeline(on).run(prune=True)
    passages, vectors = _versions(on)
    assert vectors == passages and len(passages) == 1


def test_an_answer_reads_the_stored_sentence_vectors_instead_of_computing_them(
    small_store,
) -> None:
    question = "What is the theme of the twenty-fourth session of CEPA?"
    computed = Assistant(small_store.model_copy(update={"sentence_vectors": False}))
    reading = Assistant(small_store)
    spies = {}
    for name, assistant in (("computed", computed), ("reading", reading)):
        spy = CountingEmbedder(assistant.embedder)
        object.__setattr__(assistant.context, "embedder", spy)
        spies[name] = (spy, assistant.ask(question))
    (computing, by_computing), (read, by_reading) = spies["computed"], spies["reading"]
    assert by_computing.grounded and computing.embedded  # without them, every sentence is embedded
    assert read.embedded == []  # with them, none is
    assert by_reading.answer == by_computing.answer
    assert [c.chunk_id for c in by_reading.citations] == [
        c.chunk_id for c in by_computing.citations
    ]


def test_a_sentence_not_stored_is_embedded_and_only_it() -> None:
    texts = [
        "The Committee met in New York.",
        "It adopted a resolution on digital government.",
        "The Committee met in New York.",  # the first's text in another passage
    ]
    ids = ["a:1~0~x", "a:1~1~y", "a:2~0~x"]
    stored = {ids[0]: Embedder().embed([texts[0]])[0]}
    asked: list[list[str]] = []

    def lookup(wanted):
        asked.append(list(wanted))
        return {sid: stored[sid] for sid in wanted if sid in stored}

    embedder = CountingEmbedder(Embedder())
    vectors = _sentence_vectors(texts, ids, embedder, lookup)
    assert asked == [ids]  # one read for all the candidates
    # the second is embedded; the third, not stored under its own id, has the first's text
    assert embedder.embedded == [texts[1]]
    assert vectors.shape == (3, stored[ids[0]].shape[0])
    assert np.array_equal(vectors[0], stored[ids[0]]) and np.array_equal(vectors[2], vectors[0])
    assert float(vectors[1] @ Embedder().embed_query(texts[1])) > 0.99
    # without stored vectors every distinct sentence is embedded once
    fresh = CountingEmbedder(Embedder())
    _sentence_vectors(texts, ids, fresh, None)
    assert fresh.embedded == texts[:2]


def _log_behind(settings) -> dict[str, int]:
    """Per collection, how many writes its vector index has not taken in yet: read from the
    bookkeeping of Chroma's own SQLite file (the writes logged against what its vector segment
    has written out), the state an API worker would otherwise write out on reading."""
    with sqlite3.connect(settings.chroma_path / "chroma.sqlite3") as db:
        rows = db.execute(
            "SELECT c.name, MAX(CASE WHEN s.scope = 'METADATA' THEN m.seq_id END),"
            " MAX(CASE WHEN s.scope = 'VECTOR' THEN m.seq_id END)"
            " FROM segments s JOIN collections c ON c.id = s.collection"
            " LEFT JOIN max_seq_id m ON m.segment_id = s.id GROUP BY c.name"
        ).fetchall()
    return {name: (logged or 0) - (indexed or 0) for name, logged, indexed in rows}


def test_what_ingestion_wrote_is_in_the_vector_index_before_the_api_reads_it(tmp_path) -> None:
    settings = make_settings(tmp_path / "data")
    store = VectorStore(settings, "settle_check")
    rng = np.random.default_rng(7)
    for start in range(0, 1500, 500):  # past Chroma's 1,000 writes, in several writes
        ids = [f"s{i}" for i in range(start, start + 500)]
        vectors = rng.normal(size=(500, 8)).astype(np.float32)
        store.upsert(ids, vectors, ids, [{"doc_id": "d"}] * 500)
    assert _log_behind(settings)["settle_check"] > 0  # left for a later reader to write out
    store.settle()
    assert _log_behind(settings)["settle_check"] == 0
    assert store.count() == 1500
