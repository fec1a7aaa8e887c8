"""What the bot remembers between Slack events: which conversation a thread continues, and which
events it has already handled (so Slack's retries never produce a second answer).

A small SQLite file in the data directory (WAL, one connection per thread). Every process on one
host that uses the same data directory shares it, so a retry that reaches another worker is still
recognised. With ``RAG_DATABASE_URL`` (several hosts) it lives in the shared PostgreSQL database
instead, so a retry that reaches another host is recognised too.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from pathlib import Path

from assistant import SQLConnection, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (
    team TEXT NOT NULL,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (team, channel, ts)
);
CREATE TABLE IF NOT EXISTS panel_threads (
    team TEXT NOT NULL,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL,
    started REAL NOT NULL,
    PRIMARY KEY (team, channel, ts)
);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    seen REAL NOT NULL
);
"""

# Slack retries an event three times within about five minutes; a day is ample.
EVENT_TTL_S = 24 * 3600
PRUNE_EVERY = 500
# The key of a DM's main line (messages not in a thread).
MAIN_LINE = ""


class SlackState:
    def __init__(self, path: Path, url: str = "") -> None:
        self.path = Path(path)
        self._connection = open_database(self.path, SCHEMA, url=url, store="slack")
        self._recorded = itertools.count(1)

    def __repr__(self) -> str:
        return f"SlackState({self._connection!r})"

    def _db(self) -> SQLConnection:
        return self._connection()

    def close(self) -> None:
        self._connection.close()

    # --- threads of the AI-app panel ----------------------------------------------------------
    def mark_panel_thread(self, team: str, channel: str, ts: str) -> None:
        """Remember that Slack started this thread in its AI-app panel (assistant_thread_started)."""
        self._db().execute(
            "INSERT INTO panel_threads(team, channel, ts, started) VALUES(?,?,?,?) "
            "ON CONFLICT DO NOTHING",
            (team, channel, ts, time.time()),
        )

    def is_panel_thread(self, team: str, channel: str, ts: str) -> bool:
        row = (
            self._db()
            .execute(
                "SELECT 1 FROM panel_threads WHERE team=? AND channel=? AND ts=?",
                (team, channel, ts),
            )
            .fetchone()
        )
        return row is not None

    # --- threads -> conversations -----------------------------------------------------------
    def conversation(
        self, team: str, channel: str, ts: str, *, max_age_s: float | None = None
    ) -> str | None:
        """The conversation a thread (or, with ``ts=MAIN_LINE``, a DM) continues, if any and
        if it was active within ``max_age_s``."""
        row = (
            self._db()
            .execute(
                "SELECT conversation_id, updated FROM threads WHERE team=? AND channel=? AND ts=?",
                (team, channel, ts),
            )
            .fetchone()
        )
        if row is None or (max_age_s is not None and time.time() - float(row[1]) > max_age_s):
            return None
        return str(row[0])

    def link(
        self, team: str, channel: str, keys: Iterable[str | None], conversation_id: str
    ) -> None:
        """Point each of ``keys`` (thread timestamps, message timestamps, ``MAIN_LINE``) of a
        channel at a conversation."""
        now = time.time()
        rows = [
            (team, channel, k, conversation_id, now) for k in dict.fromkeys(keys) if k is not None
        ]
        self._db().executemany(
            "INSERT INTO threads(team, channel, ts, conversation_id, updated) VALUES(?,?,?,?,?) "
            "ON CONFLICT(team, channel, ts) DO UPDATE SET "
            "conversation_id=excluded.conversation_id, updated=excluded.updated",
            rows,
        )

    # --- events already handled -------------------------------------------------------------
    def first_time(self, event_id: str) -> bool:
        """True the first time an event id is seen (atomically, across threads and processes)."""
        db = self._db()
        now = time.time()
        cursor = db.execute(
            "INSERT INTO events(event_id, seen) VALUES(?, ?) ON CONFLICT DO NOTHING",
            (event_id, now),
        )
        if cursor.rowcount and next(self._recorded) % PRUNE_EVERY == 0:  # forget old events
            db.execute("DELETE FROM events WHERE seen < ?", (now - EVENT_TTL_S,))
        return bool(cursor.rowcount)
