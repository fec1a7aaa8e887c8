from assistant.models import DocumentRecord
from assistant.storage.catalog import Catalog


def _doc(doc_id: str = "d1", digest: str = "h1") -> DocumentRecord:
    return DocumentRecord(
        doc_id,
        f"{doc_id}.pdf",
        f"/x/{doc_id}.pdf",
        "Title",
        "study",
        ["KOR"],
        2024,
        content_hash=digest,
    )


def test_pending_documents_are_not_ready(tmp_path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    catalog.begin(_doc())
    assert catalog.documents() == {}
    assert [d.doc_id for d in catalog.pending()] == ["d1"]
    catalog.commit(_doc())
    assert list(catalog.documents()) == ["d1"]
    assert catalog.pending() == []
    assert catalog.get("d1").countries == ["KOR"]


def test_generation_moves_on_every_change(tmp_path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    g0 = catalog.generation()
    catalog.begin(_doc())
    catalog.commit(_doc())
    g1 = catalog.generation()
    catalog.remove("d1")
    assert g0 < g1 < catalog.generation()


def test_cache_sees_changes_from_another_connection(tmp_path) -> None:
    reader = Catalog(tmp_path / "c.sqlite3")
    writer = Catalog(tmp_path / "c.sqlite3")
    assert reader.documents() == {}
    writer.commit(_doc())
    assert list(reader.documents()) == ["d1"]
    writer.commit(_doc(digest="h2"))
    assert reader.get("d1").content_hash == "h2"


def test_file_states(tmp_path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    catalog.record_file("/a.pdf", "h", "needs_ocr", "no text layer")
    assert catalog.file_state("/a.pdf") == ("h", "needs_ocr", "no text layer")
    catalog.forget_file("/a.pdf")
    assert catalog.file_state("/a.pdf") is None
