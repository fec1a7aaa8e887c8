"""Where a store's records go: its SQLite file in the data directory, or the PostgreSQL database
that ``RAG_DATABASE_URL`` names (see :mod:`assistant.storage.postgres`). The stores hold one set of
SQL and call :func:`open_database` for their connections."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Protocol

from assistant.storage.sqlite import ThreadLocalDB


class SQLConnection(Protocol):
    """What the stores use of a connection: sqlite3's, or :class:`postgres.Connection`."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Any, /) -> Any: ...


class Database(Protocol):
    """``db()`` is this thread's connection; ``close()`` closes it."""

    def __call__(self) -> SQLConnection: ...

    def close(self) -> None: ...


def open_database(
    path: Path, schema: str, *, url: str = "", store: str, foreign_keys: bool = False
) -> Database:
    """The store's database: PostgreSQL when ``url`` is set (its schema is Alembic's), else the
    SQLite file at ``path`` created with ``schema``."""
    if url:
        from assistant.storage.postgres import PostgresDB

        return PostgresDB(url, store)
    return ThreadLocalDB(path, schema, foreign_keys=foreign_keys)


def replacing(columns: str) -> str:
    """The ``SET`` of an upsert that writes every column but the first (the key) anew: SQLite's
    ``INSERT OR REPLACE`` in SQL that PostgreSQL runs too
    (``INSERT … ON CONFLICT(key) DO UPDATE SET <this>``)."""
    names = [c.strip() for c in columns.split(",")]
    return ", ".join(f"{c}=excluded.{c}" for c in names[1:])


def database_errors() -> tuple[type[Exception], ...]:
    """The exceptions a database of either kind raises when it fails."""
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return errors
    return (*errors, psycopg.Error)


DatabaseError = database_errors()
