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

import contextlib
import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from assistant.config import POSTGRES_SCHEMES
from assistant.errors import StoreError, StoreUnavailable
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
    return url.startswith(POSTGRES_SCHEMES)


def libpq_url(url: str) -> str:
    """The URL as psycopg takes it (SQLAlchemy's ``postgresql+psycopg://`` spelling accepted)."""
    return _SCHEME.sub("postgresql://", url)


def sqlalchemy_url(url: str) -> str:
    return _SCHEME.sub("postgresql+psycopg://", url)


# Any of POSTGRES_SCHEMES, where a URL starts.
_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+psycopg)?://")


def redacted(url: str) -> str:
    """The URL with its password hidden (in the user part or a ``password=`` parameter), for
    messages and logs."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}{':***' if ':' in user else ''}@{host}"
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _unavailable(url: str, exc: BaseException) -> StoreUnavailable:
    reason = " ".join(str(exc).split()).replace(url, redacted(url))
    return StoreUnavailable(
        f"Cannot reach the PostgreSQL database at {redacted(url)}: {reason}. "
        "Start it, or check RAG_DATABASE_URL (empty: SQLite files in the data directory)."
    )


class Connection:
    """A thread's psycopg connection (autocommit) as one store uses it: runs the stores' SQL
    (see the module's notes). A connection the server dropped is closed, so that the next call
    opens another, and the error is a :class:`StoreUnavailable`."""

    def __init__(self, conn: Any, lock: int, url: str) -> None:
        self._conn = conn
        self._lock = lock  # the store's advisory lock (see _lock_key)
        self._url = url

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            self._run("BEGIN", ())
            try:
                return self._run("SELECT pg_advisory_xact_lock(%s)", (self._lock,))
            except BaseException:
                self._rollback()  # no transaction is left open on the thread's connection
                raise
        return self._run(_placeholders(sql), _storable(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        import psycopg

        cursor = self._conn.cursor()
        try:
            cursor.executemany(_placeholders(sql), [_storable(r) for r in rows])
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from exc
        return cursor

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        import psycopg

        try:
            return self._conn.execute(sql, params)
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from exc

    def _lost(self, exc: BaseException) -> StoreUnavailable:
        if self._conn.broken or self._conn.closed:
            self._conn.close()  # the next call on this thread connects again
        return _unavailable(self._url, exc)

    def _rollback(self) -> None:
        with contextlib.suppress(Exception):  # a broken connection: the original error counts
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()


class PostgresDB:
    """``db()`` gives this thread's connection to the database at ``url``, the schema brought
    up to date first, for the store ``store`` (which names its write lock). The stores of one
    process share one connection per thread (see :class:`~assistant.storage.sqlite.PerThread`
    for when it closes): one connection per API request thread in each process, not one per
    store."""

    def __init__(self, url: str, store: str) -> None:
        if not is_postgres(url):
            raise StoreError(
                f"RAG_DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/"
                f"db), not {redacted(url)!r}; leave it empty for SQLite files in the data directory"
            )
        self.url = libpq_url(url)
        self.store = store
        self._lock = _lock_key(store)
        self._threads = _per_thread(self.url)

    def __repr__(self) -> str:
        return f"PostgresDB({redacted(self.url)!r}, {self.store!r})"

    def __call__(self) -> Connection:
        from psycopg.pq import TransactionStatus

        threads = self._threads
        conn = threads.get()
        if conn.closed or conn.broken:
            threads.close_current()  # the server dropped it (a restart, a failover): reconnect
            conn = threads.get()
        elif conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("ROLLBACK")  # what an interrupted call left open is not carried on
        return Connection(conn, self._lock, self.url)

    def close(self) -> None:
        self._threads.close_current()


_threads: dict[str, PerThread[Any]] = {}
_threads_lock = threading.Lock()


def _per_thread(url: str) -> PerThread[Any]:
    with _threads_lock:
        if url not in _threads:
            _threads[url] = PerThread(lambda: _connect(url))
        return _threads[url]


def _connect(url: str) -> Any:
    import psycopg

    upgrade(url)
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as exc:
        raise _unavailable(url, exc) from exc


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
        from sqlalchemy.exc import SQLAlchemyError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        # Alembic's settings interpolate "%": a password may hold one
        config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as lock:
                lock.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
                try:
                    command.upgrade(config, "head")
                finally:
                    lock.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
        except psycopg.OperationalError as exc:
            raise _unavailable(url, exc) from exc
        except SQLAlchemyError as exc:
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
            raise StoreError(
                f"Cannot bring the schema of {redacted(url)} up to date: {reason}. The database "
                "user must be allowed to create tables in it (GRANT CREATE ON SCHEMA public)."
            ) from exc
        log.info("database %s is at the latest schema", redacted(url))
        _upgraded.add(url)


def _lock_key(store: str) -> int:
    """A store's advisory lock: a signed 64-bit number drawn from its name."""
    return int.from_bytes(hashlib.sha256(store.encode()).digest()[:8], "big", signed=True)


def _storable(params: Sequence[Any]) -> tuple[Any, ...]:
    """PostgreSQL's text cannot hold NUL characters (SQLite's can): they are dropped."""
    return tuple(p.replace("\x00", "") if isinstance(p, str) else p for p in params)


def _placeholders(sql: str) -> str:
    # the stores' SQL holds no "?" or "%" of its own: every "?" is a parameter
    return sql.replace("%", "%%").replace("?", "%s")


# What ``python -m assistant db copy`` carries over: each SQLite file of a data directory (its
# setting's name, or its file name) and its tables, parents before the tables that point at them.
SQLITE_TABLES = {
    "catalog_path": ("documents", "files", "state"),
    "conversations_path": ("conversations", "turns"),
    "audit_path": ("answers", "feedback"),
    "slack.sqlite3": ("threads", "panel_threads", "events"),
}


def copy_from_sqlite(files: dict[str, Path], briefs: Path, url: str) -> dict[str, int | str]:
    """Copy one host's records into the PostgreSQL database at ``url`` (moving to several
    hosts): the tables of the SQLite ``files`` (``SQLITE_TABLES``' names to paths) and the briefs
    kept as files under ``briefs``. What the database already holds is kept: a row whose key is
    there already is skipped (so a second run copies nothing twice, and hosts may be writing
    meanwhile), and so is feedback on an answer the database does not hold. Returns each table's
    count of rows copied, or why none was."""
    import sqlite3

    import psycopg

    url = libpq_url(url)
    upgrade(url)
    done: dict[str, int | str] = {}
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S) as target:
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
    except psycopg.OperationalError as exc:
        raise _unavailable(url, exc) from exc
    return done


# How a copied row is kept from duplicating one already there: by the table's key, or (feedback
# has none) by all its columns; feedback also needs its answer.
_NEW_ROW = {
    "feedback": (
        "WHERE EXISTS (SELECT 1 FROM answers a WHERE a.id = n.answer_id) AND NOT EXISTS "
        "(SELECT 1 FROM feedback f WHERE f.answer_id = n.answer_id AND f.created = n.created "
        "AND f.owner = n.owner AND f.rating = n.rating AND f.comment = n.comment)"
    ),
    "turns": "WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.id = n.conversation_id)",
}


def _copy_table(source: Any, target: Any, table: str) -> int | str:
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
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    insert = (
        f"INSERT INTO {table}({names}) SELECT * FROM (VALUES({marks})) AS n({names}) "
        f"{_NEW_ROW.get(table, '')} ON CONFLICT DO NOTHING"
    )
    copied = 0
    with target.cursor() as cursor:
        for row in source.execute(f"SELECT {names} FROM {table}"):
            cursor.execute(insert, _storable(row))
            copied += cursor.rowcount
    return copied


def _copy_briefs(root: Path, target: Any) -> int | str:
    """Briefs of both layouts: ``<owner key>/<id>.json``, and the flat ``<id>.json`` of old."""
    import json

    copied = 0
    paths = sorted([*root.glob("*.json"), *root.glob("*/*.json")]) if root.is_dir() else []
    with target.cursor() as cursor:
        for path in paths:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a file being written, or not a brief
            if not (isinstance(data.get("owner"), str) and isinstance(data.get("brief"), dict)):
                continue
            cursor.execute(
                "INSERT INTO briefs(id, owner, created, brief) VALUES(%s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                _storable(
                    (path.stem, data["owner"], path.stat().st_mtime, json.dumps(data["brief"]))
                ),
            )
            copied += cursor.rowcount
    return copied
