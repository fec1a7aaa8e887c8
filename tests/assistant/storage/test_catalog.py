import os
import sqlite3

import pytest

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


def _old_catalogue(path) -> None:
    """A catalogue as the first releases wrote it: no symbol, language or issued column, and one
    ready document, "old"."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT"
            " NULL, title TEXT NOT NULL, collection TEXT NOT NULL, countries TEXT NOT NULL, year"
            " INTEGER, url TEXT, content_hash TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0,"
            " chunks INTEGER NOT NULL DEFAULT 0, access TEXT NOT NULL DEFAULT 'public', status"
            " TEXT NOT NULL, updated REAL NOT NULL)"
        )
        for table in (
            "files (path TEXT PRIMARY KEY, content_hash TEXT NOT NULL, status TEXT NOT"
            " NULL, reason TEXT, updated REAL NOT NULL)",
            "state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ):
            db.execute(f"CREATE TABLE {table}")
        db.execute(
            "INSERT INTO documents VALUES('old', 'old.pdf', '/x/old.pdf', 'Old', 'study', '[]',"
            " 2020, NULL, 'h0', 3, 4, 'public', 'ready', 0)"
        )


def test_a_catalogue_from_before_symbols_is_read_and_gains_the_columns(tmp_path) -> None:
    # The documents table as the first releases wrote it: no symbol, language or issued.
    path = tmp_path / "c.sqlite3"
    _old_catalogue(path)
    catalog = Catalog(path)
    old = catalog.get("old")
    assert old is not None and old.title == "Old" and old.symbol is None
    new = _doc("un")
    new.symbol, new.language, new.issued = "A/80/82", "en", "2025-06-05"
    new.body = "Committee of Experts on Public Administration"
    catalog.commit(new)
    again = Catalog(path).get("un")
    assert again is not None
    assert (again.symbol, again.language, again.issued) == ("A/80/82", "en", "2025-06-05")
    assert again.body == "Committee of Experts on Public Administration"


def test_a_read_only_old_catalogue_reads_the_new_columns_as_empty(tmp_path) -> None:
    path = tmp_path / "c.sqlite3"
    _old_catalogue(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
    path.chmod(0o444)
    if os.access(path, os.W_OK):
        path.chmod(0o644)
        pytest.skip("running as root: permissions do not stop writing")
    try:
        old = Catalog(path).get("old")
    finally:
        path.chmod(0o644)
    assert old is not None and old.symbol is None and old.language is None
