"""Keyword statistics per access scope: what a caller's keyword scores depend on is text the
caller may read, never a private collection's (issue 12, item 5)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.storage.keyword import KeywordIndex
from ingest.pipeline import Pipeline
from server import create_app
from tests.conftest import PRIVATE_TOKENS, PUBLIC_TOKEN, make_settings, write_private_corpus

PUBLIC_DOCS = [
    ("a:0", "a", "Fiji launched an e-procurement portal for public tenders."),
    ("a:1", "a", "The portal publishes every contract award of the ministry."),
    ("b:0", "b", "Mongolia's digital identity programme issues e-ID cards."),
]
# Private passages sharing words with the public ones ("procurement", "portal", "ministry"): on a
# single model they change those words' document frequencies and the average passage length.
PRIVATE_DOCS = [
    ("h:0", "h", "The ministry's internal procurement portal lists the Zephyr allowance."),
    ("h:1", "h", "Procurement officers of the ministry receive the Zephyr allowance monthly."),
    ("h:2", "h", "A long internal note on procurement, portal passwords and payroll " * 3),
]
QUERIES = ["procurement portal", "ministry contract award", "digital identity", "Zephyr portal"]


def _build(path: Path, private: bool) -> KeywordIndex:
    docs = [*PUBLIC_DOCS, *(PRIVATE_DOCS if private else [])]
    metas = [{"doc_id": d, "access": "hr" if d == "h" else "public"} for _, d, _ in docs]
    index = KeywordIndex(path)
    index.build([([c for c, _, _ in docs], [t for _, _, t in docs], metas)], generation=1)
    return index


def _public_doc(doc_id: str) -> bool:
    return doc_id != "h"


@pytest.mark.parametrize("query", QUERIES)
def test_public_scores_are_the_same_with_or_without_a_private_collection(
    tmp_path: Path, query: str
) -> None:
    alone = _build(tmp_path / "alone", private=False).search(query, k=10)
    assert alone, "every query matches a public passage"
    beside = _build(tmp_path / "beside", private=True)
    assert len(beside) == len(PUBLIC_DOCS) + len(PRIVATE_DOCS)
    # however the public caller is kept from the private passages (a filter, or the scopes it
    # may read), and after a save and load, the public hits and their scores are exactly the same
    assert beside.search(query, k=10, allowed_docs=_public_doc) == alone
    assert beside.search(query, k=10, scopes={"public"}) == alone
    loaded = KeywordIndex(tmp_path / "beside")
    assert loaded.load()
    assert loaded.search(query, k=10, scopes={"public"}) == alone


def test_a_private_word_finds_nothing_for_a_public_caller(tmp_path: Path) -> None:
    index = _build(tmp_path / "kw", private=True)
    assert index.search("Zephyr allowance", k=10, scopes={"public"}) == []
    assert {c for c, _ in index.search("Zephyr allowance", k=10)} == {"h:0", "h:1"}


def test_a_granted_caller_gets_both_scopes_merged_by_score(tmp_path: Path) -> None:
    index = _build(tmp_path / "kw", private=True)
    both = index.search("procurement portal", k=10, scopes={"public", "hr"})
    public = index.search("procurement portal", k=10, scopes={"public"})
    private = index.search("procurement portal", k=10, scopes={"hr"})
    assert sorted(both, key=lambda hit: -hit[1]) == both
    assert set(both) == set(public) | set(private)  # each scored by its own scope's statistics
    assert index.search("procurement portal", k=2, scopes={"public", "hr"}) == both[:2]


# --- through the API: two stores, the same public documents, one with a private collection -------
@pytest.fixture(scope="module")
def public_only_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The public notes of ``private_store``, ingested without its private collection."""
    root = tmp_path_factory.mktemp("public-only")
    corpus = write_private_corpus(root / "corpus")
    shutil.rmtree(corpus / "hr")
    settings = make_settings(
        root / "data", corpus_dirs=[corpus], api_tokens=json.dumps(PRIVATE_TOKENS)
    )
    assert Pipeline(settings).run().ok
    return settings


def _search(settings: Settings, query: str) -> Iterator[tuple[str, str, float | None, float]]:
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/api/search",
            headers={"Authorization": f"Bearer {PUBLIC_TOKEN}"},
            json={"query": query, "k": 10},
        )
    assert response.status_code == 200, response.text
    for hit in response.json()["results"]:
        yield hit["document_id"], hit["text"], hit["keyword_score"], hit["score"]


def test_api_search_scores_of_a_public_caller_ignore_the_private_collection(
    private_store: Settings, public_only_store: Settings
) -> None:
    # "civil", "officers" and "islands" are in the private circular as well as the public notes
    query = "civil service officers on islands and digital identity"
    alone = list(_search(public_only_store, query))
    beside = list(_search(private_store, query))
    assert sum(score is not None for _, _, score, _ in alone) >= 2
    assert beside == alone
