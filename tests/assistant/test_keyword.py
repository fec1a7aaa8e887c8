import json

import pytest

from assistant.keyword import KeywordIndex

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
