"""The document catalogue: which documents are in the store, in which version, and which are whole.

A SQLite file in the data directory. It is the ledger that makes ingestion crash-safe:

1. ``begin(doc)`` marks the document *pending* before any passage of it is written;
2. the passages are replaced in Chroma;
3. ``commit(doc)`` marks it *ready* and bumps the catalogue's generation.

A document left *pending* by a crash is swept from the store on the next run and ingested again.
Readers only trust passages whose document is *ready* with the same content hash, so a
half-written document is never cited, even while ingestion runs beside the API.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path

from assistant.models import DocumentRecord
from assistant.storage.database import SQLConnection, open_database, replacing

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    collection TEXT NOT NULL,
    countries TEXT NOT NULL,
    year INTEGER,
    url TEXT,
    content_hash TEXT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0,
    access TEXT NOT NULL DEFAULT 'public',
    status TEXT NOT NULL,
    updated REAL NOT NULL,
    symbol TEXT,
    language TEXT,
    issued TEXT,
    body TEXT
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

COLUMNS = (
    "doc_id, source, path, title, collection, countries, year, url, content_hash, pages, chunks, "
    "access, symbol, language, issued, body"
)
FILE_COLUMNS = "path, content_hash, status, reason, updated"
# Columns added after the first release, each added to an older catalogue when it is opened.
ADDED_COLUMNS = ("symbol", "language", "issued", "body")


class Catalog:
    """Thread-safe access to the catalogue database (one connection per thread)."""

    def __init__(self, path: Path, url: str = "") -> None:
        self.path = Path(path)
        self._connection = open_database(self.path, SCHEMA, url=url, store="catalog")
        self._cache: tuple[int, dict[str, DocumentRecord]] | None = None
        self._cache_lock = threading.Lock()
        self._migrated = bool(url)  # PostgreSQL's schema is Alembic's
        self._select = COLUMNS  # what reads select: NULL for columns an old catalogue lacks

    def _db(self) -> SQLConnection:
        db = self._connection()
        if not self._migrated:
            self._migrate(db)
        return db

    def _migrate(self, db: SQLConnection) -> None:
        """Add the columns a catalogue written by an older version lacks (all nullable). A
        catalogue that can only be read keeps its columns and reads the missing ones as NULL."""
        with self._cache_lock:
            present = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
            missing = [column for column in ADDED_COLUMNS if column not in present]
            for column in missing:
                try:
                    db.execute(f"ALTER TABLE documents ADD COLUMN {column} TEXT")
                except sqlite3.OperationalError as exc:
                    if "duplicate column" in str(exc):  # another process added it just now
                        continue
                    log.warning("catalogue %s: cannot add column %s (%s)", self.path, column, exc)
                    self._select = self._select.replace(column, f"NULL AS {column}")
            self._migrated = True

    def close(self) -> None:
        self._connection.close()

    # --- generation: bumped on every committed change -----------------------------------
    def generation(self) -> int:
        row = self._db().execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def _bump(self, db: SQLConnection) -> None:
        db.execute(
            "INSERT INTO state(key, value) VALUES('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(state.value AS INTEGER) + 1 AS TEXT)"
        )

    def get_state(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_state(self, key: str, value: str | None) -> None:
        if value is None:
            self._db().execute("DELETE FROM state WHERE key=?", (key,))
        else:
            self._db().execute(
                "INSERT INTO state(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    # --- documents ----------------------------------------------------------------------
    def begin(self, doc: DocumentRecord) -> None:
        """Mark ``doc`` pending: from now until :meth:`commit` its passages are not trusted."""
        self._write(doc, "pending")

    def commit(self, doc: DocumentRecord) -> None:
        self._write(doc, "ready")

    def _write(self, doc: DocumentRecord, status: str) -> None:
        db = self._db()
        with _transaction(db):
            db.execute(
                f"INSERT INTO documents({COLUMNS}, status, updated) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                f"ON CONFLICT(doc_id) DO UPDATE SET {replacing(f'{COLUMNS}, status, updated')}",
                (
                    doc.doc_id,
                    doc.source,
                    doc.path,
                    doc.title,
                    doc.collection,
                    json.dumps(doc.countries),
                    doc.year,
                    doc.url,
                    doc.content_hash,
                    doc.pages,
                    doc.chunks,
                    doc.access,
                    doc.symbol,
                    doc.language,
                    doc.issued,
                    doc.body,
                    status,
                    time.time(),
                ),
            )
            self._bump(db)

    def remove(self, doc_id: str) -> None:
        db = self._db()
        with _transaction(db):
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            self._bump(db)

    def pending(self) -> list[DocumentRecord]:
        rows = (
            self._db()
            .execute(f"SELECT {self._select} FROM documents WHERE status='pending'")
            .fetchall()
        )
        return [_record(r) for r in rows]

    def documents(self) -> dict[str, DocumentRecord]:
        """Every *ready* document by id; cached until the generation changes."""
        generation = self.generation()
        with self._cache_lock:
            if self._cache and self._cache[0] == generation:
                return self._cache[1]
            rows = (
                self._db()
                .execute(
                    f"SELECT {self._select} FROM documents WHERE status='ready' ORDER BY source"
                )
                .fetchall()
            )
            docs = {r[0]: _record(r) for r in rows}
            self._cache = (generation, docs)
            return docs

    def get(self, doc_id: str) -> DocumentRecord | None:
        return self.documents().get(doc_id)

    # --- files: what happened to each path on the last run ------------------------------
    # ``content_hash`` here is whatever the pipeline's change check compares: for a document,
    # the file's hash and a digest of the metadata it was ingested with (access, collection...).
    def file_state(self, path: str) -> tuple[str, str, str | None] | None:
        row = (
            self._db()
            .execute("SELECT content_hash, status, reason FROM files WHERE path=?", (path,))
            .fetchone()
        )
        return (row[0], row[1], row[2]) if row else None

    def record_file(self, path: str, content_hash: str, status: str, reason: str | None) -> None:
        self._db().execute(
            "INSERT INTO files(path, content_hash, status, reason, updated) VALUES(?,?,?,?,?) "
            f"ON CONFLICT(path) DO UPDATE SET {replacing(FILE_COLUMNS)}",
            (path, content_hash, status, reason, time.time()),
        )

    def forget_file(self, path: str) -> None:
        self._db().execute("DELETE FROM files WHERE path=?", (path,))

    def files(self) -> list[tuple[str, str, str, str | None]]:
        return list(self._db().execute("SELECT path, content_hash, status, reason FROM files"))


class _transaction:
    def __init__(self, db: SQLConnection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _record(row: tuple[object, ...]) -> DocumentRecord:
    return DocumentRecord(
        doc_id=str(row[0]),
        source=str(row[1]),
        path=str(row[2]),
        title=str(row[3]),
        collection=str(row[4]),
        countries=list(json.loads(str(row[5]))),
        year=int(row[6]) if row[6] is not None else None,  # type: ignore[call-overload]
        url=str(row[7]) if row[7] else None,
        content_hash=str(row[8]),
        pages=int(row[9]),  # type: ignore[call-overload]
        chunks=int(row[10]),  # type: ignore[call-overload]
        access=str(row[11]),
        symbol=str(row[12]) if row[12] else None,
        language=str(row[13]) if row[13] else None,
        issued=str(row[14]) if row[14] else None,
        body=str(row[15]) if row[15] else None,
    )
