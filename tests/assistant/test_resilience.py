"""Faults survived: a damaged keyword index is rebuilt; half-written documents are never cited."""

from __future__ import annotations

import logging
import shutil

import pytest

from assistant import Assistant
from assistant.models import Chunk, DocumentRecord
from assistant.storage.catalog import Catalog
from assistant.storage.vectors import VectorStore
from ingest.pipeline import Pipeline
from tests.conftest import copy_corpus, make_settings

pytestmark = pytest.mark.slow

FILES = [
    "general-debate-2024/session79_2024/FJI_79_2024.txt",
    "general-debate-2024/session79_2024/TON_79_2024.txt",
]


@pytest.fixture
def store(tmp_path, shared_corpus):
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", FILES)
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    assert Pipeline(settings).run().ok
    return settings


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_damaged_keyword_index_is_rebuilt_at_start_up(store, damage, caplog) -> None:
    expected = VectorStore(store).count()
    if damage == "missing":
        shutil.rmtree(store.keyword_path)
    else:
        (store.keyword_path / "ids.json").write_text("{garbage")
    assistant = Assistant(store)
    with caplog.at_level(logging.WARNING, logger="assistant"):
        assistant.warm()
    assert "rebuilding it from the store" in caplog.text
    assert len(assistant.keyword) == expected
    hits = assistant.search("climate change and sea level rise in the Pacific", k=3)
    assert hits and all(h.keyword_score is not None or h.vector_score is not None for h in hits)


def test_half_written_document_is_never_cited(store) -> None:
    assistant = Assistant(store)
    assistant.warm()
    catalog = Catalog(store.catalog_path)
    fiji = next(d for d in catalog.documents().values() if "FJI" in d.source)
    # A second process starts replacing Fiji's document: pending in the catalogue, new passages
    # (another content hash) in Chroma, not committed yet.
    pending = DocumentRecord(**{**fiji.__dict__, "content_hash": "new-version"})
    catalog.begin(pending)
    text = "Fiji's parliament approved a brand new zebra registry for e-procurement."
    vector = assistant.embedder.embed([text])
    chunk = Chunk(f"{fiji.doc_id}:99999", fiji.doc_id, 99999, text, doc_hash="new-version")
    VectorStore(store).add(pending, [chunk], vector)
    hits = assistant.search("zebra registry e-procurement Fiji parliament", k=10)
    assert all(h.chunk.chunk_id != chunk.chunk_id for h in hits)
    assert all(h.document.doc_id != fiji.doc_id for h in hits), "a pending document is not served"
    # the crash is recovered by the next run: the document comes back whole, the stray passage goes
    report = Pipeline(store).run()
    assert report.recovered
    assert chunk.chunk_id not in VectorStore(store).get([chunk.chunk_id])
    assert any(h.document.doc_id == fiji.doc_id for h in assistant.search("Fiji climate", k=5))


def test_store_unavailable_is_a_clear_error(tmp_path) -> None:
    from assistant.errors import StoreUnavailable

    settings = make_settings(tmp_path / "data", chroma_mode="http", chroma_port=9)
    with pytest.raises(StoreUnavailable, match="Chroma server"):
        VectorStore(settings).count()
