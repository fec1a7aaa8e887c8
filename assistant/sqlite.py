"""SQLite files shared by threads and worker processes: one connection per thread, WAL mode.

The catalogue, the audit trail, conversations and the Slack bot's state are small SQLite files in
the data directory. WAL lets several worker processes on one host read while one writes; a
connection per thread keeps sqlite3's objects out of each other's way.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# What SQLite says when a file cannot be written (not when it is merely locked).
_CANNOT_WRITE = re.compile(r"disk I/O error|disk is full|readonly|read-only|unable to open", re.I)


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
            try:
                conn = self._open()
            except sqlite3.OperationalError as exc:
                if not (self.path.is_file() and _CANNOT_WRITE.search(str(exc))):
                    raise
                conn = self._open_read_only(exc)
            self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if self.foreign_keys:
                conn.execute("PRAGMA foreign_keys=ON")
            conn.executescript(self.schema)
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _open_read_only(self, why: sqlite3.Error) -> sqlite3.Connection:
        """A file that cannot be opened for writing (a full disk, a read-only mount) can still be
        read: questions need no space. Writes then fail with SQLite's own error."""
        log.warning("%s cannot be opened for writing (%s): reading it read-only", self.path, why)
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:  # WAL needs its -shm file: read the file as it is
            conn.close()
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None
            )
        return conn

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
