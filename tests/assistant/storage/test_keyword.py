import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from assistant import Assistant
from assistant.config import Settings
from assistant.storage.keyword import KeywordIndex
from ingest.pipeline import Pipeline
from server import create_app
from tests.conftest import make_settings, write_private_corpus

DOCS = [
    ("a:0", "a", "Fiji launched an e-procurement portal for public tenders."),
    ("a:1", "a", "The portal publishes every contract award."),
    ("b:0", "b", "Mongolia's digital identity programme issues e-ID cards."),
    ("c:0", "c", "Procurement reform in Samoa started with open contracting."),
]


def _batches():
    yield [d[0] for d in DOCS], [d[2] for d in DOCS], [{"doc_id": d[1]} for d in DOCS]


def test_search_ranks_and_stems(tmp_path) -> None:
    index = KeywordIndex(tmp_path / "kw")
    assert index.build(_batches(), generation=3) == 4
    hits = index.search("procurement portals", k=3)
    assert hits[0][0] == "a:0"
    assert {h[0] for h in hits} <= {"a:0", "a:1", "c:0"}
    assert all(score > 0 for _, score in hits)


def test_filter_applies_inside_the_search(tmp_path) -> None:
    index = KeywordIndex(tmp_path / "kw")
    index.build(_batches(), generation=1)
    hits = index.search("procurement", k=1, allowed_docs=lambda d: d == "c")
    assert [h[0] for h in hits] == ["c:0"]
    assert index.search("procurement", k=5, allowed_docs=lambda d: False) == []


def test_save_load_roundtrip_keeps_generation(tmp_path) -> None:
    KeywordIndex(tmp_path / "kw").build(_batches(), generation=7)
    loaded = KeywordIndex(tmp_path / "kw")
    assert loaded.load()
    assert loaded.generation == 7 and len(loaded) == 4
    assert loaded.search("identity", k=1)[0][0] == "b:0"


@pytest.mark.parametrize("damage", ["delete_meta", "corrupt_ids", "truncate_npy"])
def test_damaged_index_is_reported_not_loaded(tmp_path, damage: str) -> None:
    KeywordIndex(tmp_path / "kw").build(_batches(), generation=2)
    if damage == "delete_meta":
        (tmp_path / "kw" / "meta.json").unlink()
    elif damage == "corrupt_ids":
        (tmp_path / "kw" / "ids.json").write_text("[not json")
    else:
        (tmp_path / "kw" / "doc_of_chunk.npy").write_bytes(b"\x93NUMPY")
    assert not KeywordIndex(tmp_path / "kw").load()


def test_count_mismatch_is_detected(tmp_path) -> None:
    KeywordIndex(tmp_path / "kw").build(_batches(), generation=2)
    (tmp_path / "kw" / "ids.json").write_text(json.dumps(["a:0"]))
    assert not KeywordIndex(tmp_path / "kw").load()


# --- checksums: an index changed after it was written is corrupt ------------------------------
def test_permuted_ids_are_detected_at_load(tmp_path, caplog) -> None:
    KeywordIndex(tmp_path / "kw").build(_batches(), generation=2)
    ids_file = tmp_path / "kw" / "ids.json"
    ids = json.loads(ids_file.read_text())
    ids_file.write_text(json.dumps(ids[::-1]))  # same length, same ids: hits would go astray
    with caplog.at_level(logging.WARNING, logger="assistant.storage.keyword"):
        assert not KeywordIndex(tmp_path / "kw").load()
    assert "checksum mismatch: ids.json" in caplog.text


@pytest.mark.parametrize("damage", ["scores_changed", "file_added", "file_lost"])
def test_changed_added_or_lost_model_file_is_detected(tmp_path, damage: str) -> None:
    KeywordIndex(tmp_path / "kw").build(_batches(), generation=2)
    data = next((tmp_path / "kw").glob("*/data.csc.index.npy"))
    if damage == "scores_changed":
        np.save(data, np.load(data)[::-1].copy())  # a valid array, other scores
    elif damage == "file_added":
        (data.parent / "corpus.jsonl").write_text('{"id": 0, "text": "stray"}\n')
    else:
        next((tmp_path / "kw").glob("*/indptr.csc.index.npy")).unlink()
    assert not KeywordIndex(tmp_path / "kw").load()


def test_passages_of_stop_words_alone_are_counted_but_never_match(tmp_path) -> None:
    index = KeywordIndex(tmp_path / "kw")
    batch = (["p:0", "q:0"], ["It is as it is.", "To be or not to be."])
    metas = [{"doc_id": "p"}, {"doc_id": "q", "access": "hr"}]
    assert index.build([(*batch, metas)], generation=1) == 2
    assert index.search("is it to be", k=5) == []
    loaded = KeywordIndex(tmp_path / "kw")
    assert loaded.load() and len(loaded) == 2


# --- a damaged index in a running service ---------------------------------------------------------
@pytest.fixture
def store(tmp_path) -> Settings:
    """A tiny store (two public notes, a private circular and data file) with its keyword index."""
    settings = make_settings(
        tmp_path / "data", corpus_dirs=[write_private_corpus(tmp_path / "corpus")]
    )
    assert Pipeline(settings).run().ok
    return settings


def test_permuted_ids_are_rebuilt_at_start_up_and_hits_find_their_passages(store, caplog) -> None:
    ids_file = store.keyword_path / "ids.json"
    ids_file.write_text(json.dumps(json.loads(ids_file.read_text())[::-1]))
    assistant = Assistant(store)
    with caplog.at_level(logging.WARNING, logger="assistant"):
        assistant.warm()
    assert "checksum mismatch" in caplog.text and "rebuilding it from the store" in caplog.text
    hits = assistant.search("Zephyr allowance", k=3, access=None)
    keyword_hits = [h for h in hits if h.keyword_score is not None]
    assert keyword_hits and all("Zephyr" in h.chunk.text for h in keyword_hits)
    hits = assistant.search("Civil Service College courses", k=3)
    assert hits[0].keyword_score and "Civil Service College" in hits[0].chunk.text


def _resign(index_dir: Path, damaged: Path) -> None:
    """Write ``damaged``'s new checksum into meta.json: damage no checksum can see (a bad write)."""
    meta_file = index_dir / "meta.json"
    meta = json.loads(meta_file.read_text())
    if "sha256" in meta:
        digest = hashlib.sha256(damaged.read_bytes()).hexdigest()
        meta["sha256"][damaged.relative_to(index_dir).as_posix()] = digest
        meta_file.write_text(json.dumps(meta))


def test_keyword_search_failing_at_question_time_answers_from_vectors_and_rebuilds(
    store, caplog
) -> None:
    question = {"question": "How does the Civil Service College train public officers?"}
    for indices in store.keyword_path.glob("*/indices.csc.index.npy"):
        np.save(indices, np.load(indices) + 1000)  # passage numbers past the end of the index
        _resign(store.keyword_path, indices)
    assert KeywordIndex(store.keyword_path).load(), "the damage loads cleanly"
    with TestClient(create_app(store)) as client:
        with caplog.at_level(logging.INFO, logger="assistant"):
            response = client.post("/api/ask", json=question)
            assert response.status_code == 200, response.text
            assert response.json()["citations"], "answered from the vector search"
            assert "keyword search failed" in caplog.text
            assert client.app.state.assistant.retriever.wait_for_keyword_repair(timeout=120)
        assert "keyword index rebuilt" in caplog.text
        results = client.post("/api/search", json={"query": question["question"]}).json()
        assert results["results"][0]["keyword_score"] is not None
    rebuilt = KeywordIndex(store.keyword_path)
    assert rebuilt.load() and rebuilt.search("Civil Service College", k=1)


def test_words_are_what_each_script_makes_them(tmp_path) -> None:
    docs = [
        ("zh:0", "zh", "各国政府正在推进电子政务发展，以改善公共服务。"),
        ("ko:0", "ko", "피지는 전자정부 발전을 위해 디지털 신분증을 도입했다."),
        ("ru:0", "ru", "Правительство Японии развивает электронное правительство."),
        ("th:0", "th", "รัฐบาลไทยพัฒนารัฐบาลอิเล็กทรอนิกส์"),
        ("en:0", "en", "Fiji launched an e-procurement portal for public tenders."),
    ]
    index = KeywordIndex(tmp_path / "kw")
    index.build([([d[0] for d in docs], [d[2] for d in docs], [{"doc_id": d[1]} for d in docs])], 1)
    # no spaces between Chinese or Thai words, particles joined to Korean ones, Russian declined
    assert index.search("电子政务", k=1)[0][0] == "zh:0"
    assert index.search("피지의 전자정부", k=1)[0][0] == "ko:0"
    assert index.search("правительства Японии", k=1)[0][0] == "ru:0"
    assert index.search("รัฐบาลอิเล็กทรอนิกส์", k=1)[0][0] == "th:0"
    assert index.search("procurement", k=1)[0][0] == "en:0"


def test_thai_pairs_survive_the_tokeniser() -> None:
    import bm25s

    from assistant.storage.keyword import keyword_words

    words = keyword_words("ดัชนีรัฐบาลอิเล็กทรอนิกส์")
    pairs = words.split()
    assert pairs and all(len(pair) == 2 for pair in pairs)  # vowel and tone marks left out
    tokens = bm25s.tokenize([words], stopwords=None, return_ids=False, show_progress=False)[0]
    assert len(tokens) == len(pairs)  # none split or dropped at a mark
