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
from collections.abc import Callable
from pathlib import Path
from typing import Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

# What SQLite says when a file cannot be written (not when it is merely locked).
_CANNOT_WRITE = re.compile(r"disk I/O error|disk is full|readonly|read-only|unable to open", re.I)


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class PerThread(Generic[C]):
    """One database connection per live thread, closed deterministically once its thread ends.

    A ``threading.local`` would drop a finished thread's connection only when the garbage
    collector breaks its reference cycles, so a server whose worker threads come and go kept
    hundreds of files open. Here every connection is registered with its thread; opening one for
    a new thread first closes those whose threads have ended (connections are opened with
    ``check_same_thread=False`` for that alone: each is still used by its own thread only).
    """

    def __init__(self, open_connection: Callable[[], C]) -> None:
        self._open_connection = open_connection
        self._lock = threading.Lock()
        self._by_thread: dict[int, tuple[threading.Thread, C]] = {}

    def get(self) -> C:
        thread = threading.current_thread()
        entry = self._by_thread.get(thread.ident or 0)
        if entry is not None and entry[0] is thread:
            return entry[1]
        self.close_finished()
        conn = self._open_connection()
        with self._lock:
            self._by_thread[thread.ident or 0] = (thread, conn)
        return conn

    def close_finished(self) -> int:
        """Close the connections of threads that have ended; returns how many."""
        with self._lock:
            dead = [key for key, (t, _) in self._by_thread.items() if not t.is_alive()]
            closing = [self._by_thread.pop(key)[1] for key in dead]
        for conn in closing:
            conn.close()
        return len(closing)

    def close_current(self) -> None:
        """Close this thread's connection (the next ``get`` opens a new one)."""
        thread = threading.current_thread()
        with self._lock:
            entry = self._by_thread.get(thread.ident or 0)
            if entry is None or entry[0] is not thread:
                return
            del self._by_thread[thread.ident or 0]
        entry[1].close()

    def __len__(self) -> int:
        return len(self._by_thread)


class ThreadLocalDB:
    """``db()`` gives this thread's connection to ``path`` (autocommit; ``BEGIN`` explicitly),
    created with ``schema`` on first use; see :class:`PerThread` for when connections close."""

    def __init__(self, path: Path, schema: str, *, foreign_keys: bool = False) -> None:
        self.path = Path(path)
        self.schema = schema
        self.foreign_keys = foreign_keys
        self._connections: PerThread[sqlite3.Connection] = PerThread(self._connect)

    def __call__(self) -> sqlite3.Connection:
        return self._connections.get()

    def _connect(self) -> sqlite3.Connection:
        try:
            return self._open()
        except sqlite3.OperationalError as exc:
            if not (self.path.is_file() and _CANNOT_WRITE.search(str(exc))):
                raise
            return self._open_read_only(exc)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
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
        conn = sqlite3.connect(
            uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:  # WAL needs its -shm file: read the file as it is
            conn.close()
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?immutable=1",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
        return conn

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        self._connections.close_current()
