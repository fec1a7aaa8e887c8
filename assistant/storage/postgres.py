"""PostgreSQL for the records several API hosts share (``RAG_DATABASE_URL``).

With one host, the catalogue, conversations, the audit trail with its feedback, and briefs live in
SQLite files in the data directory. Behind a load balancer every host must see the same ones, so
``RAG_DATABASE_URL=postgresql://user:password@host:5432/db`` puts them in PostgreSQL (the vectors
already have their server: Chroma's).

The stores keep one set of SQL, written so that both engines run it. The two differences that
remain are bridged here, in one place, by :class:`Connection`:

* placeholders: SQLite's ``?``, psycopg's ``%s``;
* ``BEGIN IMMEDIATE``, SQLite's transaction that takes the file's write lock at once: here a
  transaction holding an advisory lock named after the store, so that one store's writers still
  go one at a time (a turn number is read and the next one written under it).

The schema is Alembic's (``assistant/storage/migrations``): the first connection a process opens
brings the database to the latest revision, under a lock so that workers starting together do
not race.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import StoreUnavailable
from assistant.storage.sqlite import PerThread

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# How long a connection attempt waits before the error says the server cannot be reached.
CONNECT_TIMEOUT_S = 10
# The advisory lock held while the schema is brought up to date.
_MIGRATION_LOCK = 0x52414701

_upgraded: set[str] = set()
_upgrade_lock = threading.Lock()


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


def libpq_url(url: str) -> str:
    """The URL as psycopg takes it (SQLAlchemy's ``postgresql+psycopg://`` spelling accepted)."""
    return re.sub(r"^postgres(?:ql)?(?:\+psycopg)?://", "postgresql://", url)


def sqlalchemy_url(url: str) -> str:
    return re.sub(r"^postgres(?:ql)?(?:\+psycopg)?://", "postgresql+psycopg://", url)


def redacted(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


class Connection:
    """A psycopg connection (autocommit) that runs the stores' SQL: see the module's notes."""

    def __init__(self, conn: Any, store: str) -> None:
        self._conn = conn
        self._lock = _lock_key(store)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            self._conn.execute("BEGIN")
            return self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock,))
        return self._conn.execute(_placeholders(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        cursor = self._conn.cursor()
        cursor.executemany(_placeholders(sql), [tuple(r) for r in rows])
        return cursor

    def close(self) -> None:
        self._conn.close()


class PostgresDB:
    """``db()`` gives this thread's :class:`Connection` to the database at ``url``, the schema
    brought up to date first; connections close with their threads (see
    :class:`~assistant.storage.sqlite.PerThread`). ``store`` names the store's write lock."""

    def __init__(self, url: str, store: str) -> None:
        self.url = libpq_url(url)
        self.store = store
        self._connections: PerThread[Connection] = PerThread(self._connect)

    def __repr__(self) -> str:
        return f"PostgresDB({redacted(self.url)!r}, {self.store!r})"

    def __call__(self) -> Connection:
        return self._connections.get()

    def _connect(self) -> Connection:
        import psycopg

        try:
            upgrade(self.url)
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            reason = " ".join(str(exc).split())
            raise StoreUnavailable(
                f"Cannot reach the PostgreSQL database at {redacted(self.url)}: {reason}. "
                "Start it, or check RAG_DATABASE_URL (empty: SQLite files in the data directory)."
            ) from exc
        return Connection(conn, self.store)

    def close(self) -> None:
        self._connections.close_current()


def upgrade(url: str) -> None:
    """Bring the database's schema to Alembic's latest revision (once per process and URL)."""
    url = libpq_url(url)
    if url in _upgraded:
        return
    with _upgrade_lock:
        if url in _upgraded:
            return
        import psycopg
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        # Alembic's settings interpolate "%": a password may hold one
        config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
        with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as lock:
            lock.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
            try:
                command.upgrade(config, "head")
            finally:
                lock.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
        log.info("database %s is at the latest schema", redacted(url))
        _upgraded.add(url)


def _lock_key(store: str) -> int:
    """A store's advisory lock: a signed 64-bit number drawn from its name."""
    return int.from_bytes(hashlib.sha256(store.encode()).digest()[:8], "big", signed=True)


def _placeholders(sql: str) -> str:
    # the stores' SQL holds no "?" or "%" of its own: every "?" is a parameter
    return sql.replace("%", "%%").replace("?", "%s")


# What ``python -m assistant db copy`` carries over: each SQLite file of a data directory (by its
# name in the settings) and its tables, parents before the tables that point at them.
SQLITE_TABLES = {
    "catalog_path": ("documents", "files", "state"),
    "conversations_path": ("conversations", "turns"),
    "audit_path": ("answers", "feedback"),
}


def copy_from_sqlite(files: dict[str, Path], briefs: Path, url: str) -> dict[str, int | str]:
    """Copy one host's records into the PostgreSQL database at ``url`` (moving to several
    hosts): the tables of the SQLite ``files`` (``SQLITE_TABLES``' names to paths) and the briefs
    kept as files under ``briefs``. A table that already holds rows there is left alone, so
    that a second run cannot duplicate anything; returns each table's count copied, or why not."""
    import sqlite3

    import psycopg

    upgrade(url)
    done: dict[str, int | str] = {}
    with psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_S) as target:
        for setting, tables in SQLITE_TABLES.items():
            path = files[setting]
            if not path.is_file():
                done.update({t: f"no {path.name}" for t in tables})
                continue
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                for table in tables:
                    done[table] = _copy_table(source, target, table)
            finally:
                source.close()
        done["briefs"] = _copy_briefs(briefs, target)
        target.commit()
    return done


def _copy_table(source: Any, target: Any, table: str) -> int | str:
    if target.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
        return "already holds rows: left alone"
    have = {r[1] for r in source.execute(f"PRAGMA table_info({table})")}
    if not have:
        return "not in the file"
    wanted = [
        r[0]
        for r in target.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name=%s "
            "ORDER BY ordinal_position",
            (table,),
        )
    ]
    columns = [c for c in wanted if c in have]
    rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
    marks = ", ".join(["%s"] * len(columns))
    with target.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES({marks})", rows)
    return len(rows)


def _copy_briefs(root: Path, target: Any) -> int | str:
    import json

    if target.execute("SELECT EXISTS (SELECT 1 FROM briefs)").fetchone()[0]:
        return "already holds rows: left alone"
    rows = []
    for path in sorted(root.glob("*/*.json")) if root.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a file being written, or not a brief
        if isinstance(data.get("owner"), str) and isinstance(data.get("brief"), dict):
            brief = data["brief"]
            rows.append((path.stem, data["owner"], path.stat().st_mtime, json.dumps(brief)))
    with target.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO briefs(id, owner, created, brief) VALUES(%s, %s, %s, %s)", rows
        )
    return len(rows)
