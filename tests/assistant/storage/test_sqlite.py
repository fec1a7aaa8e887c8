"""Per-thread SQLite connections: opened on first use, closed once their thread has ended."""

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.storage.sqlite import ThreadLocalDB

SCHEMA = "CREATE TABLE IF NOT EXISTS t (x INTEGER);"


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd (Linux)")
def test_connections_of_finished_threads_are_closed_without_garbage_collection(
    tmp_path: Path,
) -> None:
    import gc

    db = ThreadLocalDB(tmp_path / "x.sqlite", SCHEMA)
    db().execute("INSERT INTO t VALUES (1)")
    before = open_files()
    gc.disable()  # the leak was only ever cleaned up by the collector
    try:
        for _ in range(70):
            worker = threading.Thread(target=lambda: db().execute("SELECT count(*) FROM t"))
            worker.start()
            worker.join()
        db().execute("SELECT 1")
        # one finished thread's connection may still wait for the next thread to open one
        assert open_files() - before <= 4
    finally:
        gc.enable()


def test_a_thread_keeps_its_own_connection_and_close_reopens(tmp_path: Path) -> None:
    db = ThreadLocalDB(tmp_path / "x.sqlite", SCHEMA)
    first = db()
    assert db() is first
    seen: list[sqlite3.Connection] = []
    worker = threading.Thread(target=lambda: seen.append(db()))
    worker.start()
    worker.join()
    assert seen[0] is not first
    db.close()
    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")
    assert db().execute("SELECT count(*) FROM t").fetchone() == (0,)
