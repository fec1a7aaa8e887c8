"""SQLite files shared by threads and worker processes: one connection per thread, WAL mode.

The catalogue, the audit trail, conversations and the Slack bot's state are small SQLite files in
the data directory. WAL lets several worker processes on one host read while one writes; a
connection per thread keeps sqlite3's objects out of each other's way.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class ThreadLocalDB:
    """``db()`` gives this thread's connection to ``path`` (autocommit; ``BEGIN`` explicitly),
    created with ``schema`` on first use."""

    def __init__(self, path: Path, schema: str, *, foreign_keys: bool = False) -> None:
        self.path = Path(path)
        self.schema = schema
        self.foreign_keys = foreign_keys
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if self.foreign_keys:
                conn.execute("PRAGMA foreign_keys=ON")
            conn.executescript(self.schema)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
