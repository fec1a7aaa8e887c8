"""Conversations kept server-side, so a follow-up ("And in 2022?") works across requests.

A SQLite file in the data directory (WAL, one connection per thread), so several worker
processes on one host share it safely. Every conversation belongs to an *owner* (the caller's
token id, or ``"anonymous"``): an owner only ever sees its own conversations.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import NotFound
from assistant.storage.database import SQLConnection, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    question TEXT NOT NULL,
    standalone TEXT NOT NULL,
    kind TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    grounded INTEGER NOT NULL,
    citations TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (conversation_id, n)
);
"""

TITLE_CHARS = 80


@dataclass
class StoredTurn:
    n: int
    question: str
    standalone: str
    kind: str
    answer_id: str
    answer: str
    grounded: bool
    citations: list[dict[str, Any]]
    created: float


@dataclass
class StoredConversation:
    id: str
    owner: str
    title: str
    created: float
    updated: float
    turn_count: int = 0
    turns: list[StoredTurn] = field(default_factory=list)


def new_conversation_id() -> str:
    return uuid.uuid4().hex


class ConversationStore:
    """Conversations and their turns in SQLite, or in PostgreSQL given its ``url``."""

    def __init__(self, path: Path, url: str = "") -> None:
        self.path = Path(path)
        self._connection = open_database(
            self.path, SCHEMA, url=url, store="conversations", foreign_keys=True
        )

    def __repr__(self) -> str:
        return f"ConversationStore({self._connection!r})"

    def _db(self) -> SQLConnection:
        return self._connection()

    def close(self) -> None:
        self._connection.close()

    # --- reads -------------------------------------------------------------------------------
    def get(self, conversation_id: str, owner: str) -> StoredConversation:
        """The conversation with all its turns; :class:`NotFound` unless ``owner`` owns it."""
        row = (
            self._db()
            .execute(
                "SELECT id, owner, title, created, updated FROM conversations WHERE id=? AND owner=?",
                (conversation_id, owner),
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"no conversation with id {conversation_id!r}")
        turns = [
            StoredTurn(
                n=int(t[0]),
                question=t[1],
                standalone=t[2],
                kind=t[3],
                answer_id=t[4],
                answer=t[5],
                grounded=bool(t[6]),
                citations=json.loads(t[7]),
                created=float(t[8]),
            )
            for t in self._db().execute(
                "SELECT n, question, standalone, kind, answer_id, answer, grounded, citations, created "
                "FROM turns WHERE conversation_id=? ORDER BY n",
                (conversation_id,),
            )
        ]
        return StoredConversation(
            id=row[0],
            owner=row[1],
            title=row[2],
            created=float(row[3]),
            updated=float(row[4]),
            turn_count=len(turns),
            turns=turns,
        )

    def for_owner(
        self, owner: str, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[StoredConversation]]:
        """(total, one page of the owner's conversations, most recently updated first)."""
        db = self._db()
        total = int(
            db.execute("SELECT COUNT(*) FROM conversations WHERE owner=?", (owner,)).fetchone()[0]
        )
        rows = db.execute(
            "SELECT c.id, c.owner, c.title, c.created, c.updated, "
            "(SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) "
            "FROM conversations c WHERE owner=? ORDER BY updated DESC, id LIMIT ? OFFSET ?",
            (owner, limit, offset),
        ).fetchall()
        return total, [
            StoredConversation(
                id=r[0],
                owner=r[1],
                title=r[2],
                created=float(r[3]),
                updated=float(r[4]),
                turn_count=int(r[5]),
            )
            for r in rows
        ]

    def count(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM conversations").fetchone()[0])

    # --- writes ------------------------------------------------------------------------------
    def add_turn(
        self,
        conversation_id: str,
        owner: str,
        *,
        question: str,
        standalone: str,
        kind: str,
        answer_id: str,
        answer: str,
        grounded: bool,
        citations: list[dict[str, Any]],
    ) -> int:
        """Append a turn, creating the conversation on its first turn; returns the turn number.

        Raises :class:`NotFound` when the conversation exists but belongs to someone else.
        """
        db = self._db()
        now = time.time()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                "SELECT owner FROM conversations WHERE id=?", (conversation_id,)
            ).fetchone()
            if row is None:
                title = " ".join(question.split())
                title = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
                db.execute(
                    "INSERT INTO conversations(id, owner, title, created, updated) VALUES(?,?,?,?,?)",
                    (conversation_id, owner, title, now, now),
                )
            elif row[0] != owner:
                raise NotFound(f"no conversation with id {conversation_id!r}")
            n = int(
                db.execute(
                    "SELECT COALESCE(MAX(n), 0) + 1 FROM turns WHERE conversation_id=?",
                    (conversation_id,),
                ).fetchone()[0]
            )
            db.execute(
                "INSERT INTO turns(conversation_id, n, question, standalone, kind, answer_id, answer, "
                "grounded, citations, created) VALUES(?,?,?,?,?,?,?,?,?,?)",
                (
                    conversation_id,
                    n,
                    question,
                    standalone,
                    kind,
                    answer_id,
                    answer,
                    int(grounded),
                    json.dumps(citations, ensure_ascii=False),
                    now,
                ),
            )
            db.execute("UPDATE conversations SET updated=? WHERE id=?", (now, conversation_id))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return n

    def copy(
        self, conversation_id: str, owner: str, new_owner: str, *, through: int | None = None
    ) -> StoredConversation:
        """A new conversation of ``new_owner`` holding the turns of ``owner``'s conversation
        (up to turn ``through``), titled alike; written in one transaction."""
        source = self.get(conversation_id, owner)
        turns = [t for t in source.turns if through is None or t.n <= through]
        copy_id, now = new_conversation_id(), time.time()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "INSERT INTO conversations(id, owner, title, created, updated) VALUES(?,?,?,?,?)",
                (copy_id, new_owner, source.title, now, now),
            )
            db.executemany(
                "INSERT INTO turns(conversation_id, n, question, standalone, kind, answer_id, answer, "
                "grounded, citations, created) VALUES(?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        copy_id,
                        t.n,
                        t.question,
                        t.standalone,
                        t.kind,
                        t.answer_id,
                        t.answer,
                        int(t.grounded),
                        json.dumps(t.citations, ensure_ascii=False),
                        t.created,
                    )
                    for t in turns
                ],
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return self.get(copy_id, new_owner)

    def rename(self, conversation_id: str, owner: str, title: str) -> StoredConversation:
        cursor = self._db().execute(
            "UPDATE conversations SET title=?, updated=? WHERE id=? AND owner=?",
            (" ".join(title.split()), time.time(), conversation_id, owner),
        )
        if cursor.rowcount == 0:
            raise NotFound(f"no conversation with id {conversation_id!r}")
        return self.get(conversation_id, owner)

    def delete(self, conversation_id: str, owner: str) -> StoredConversation:
        """Delete a conversation and its turns; returns what was deleted."""
        conversation = self.get(conversation_id, owner)
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM turns WHERE conversation_id=?", (conversation_id,))
            db.execute("DELETE FROM conversations WHERE id=? AND owner=?", (conversation_id, owner))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return conversation
