"""Chroma's approximate vector search against the exact one, on real passages and questions.

With Chroma's own search width (``ef_search`` 100) about one question in twenty missed its
nearest passage on the small corpus, and which ones changed from one opening of the store to the
next: the same question was answered from different documents on different runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.retrieval import CANDIDATES
from assistant.storage.vectors import VectorStore

QUESTIONS = Path(__file__).resolve().parents[2] / "bench" / "load_questions.jsonl"


@pytest.mark.slow
def test_the_vector_search_returns_the_exact_nearest_passages(small_store: Settings) -> None:
    asked = [
        json.loads(line)["question"]
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][:120]
    store = VectorStore(small_store)
    stored = store._connect().get(include=["embeddings"])
    matrix = np.asarray(stored["embeddings"], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    embedder = Embedder()
    recalls, missed = [], []
    for question in asked:
        vector = np.asarray(embedder.embed_query(question), dtype=np.float32)
        exact = [stored["ids"][i] for i in np.argsort(-(matrix @ vector))[:CANDIDATES]]
        found = {chunk.chunk_id for chunk, _ in store.query(vector, CANDIDATES)}
        recalls.append(len(found & set(exact)) / CANDIDATES)
        if exact[0] not in found:
            missed.append(question)
    assert missed == []
    assert np.mean(recalls) >= 0.97
