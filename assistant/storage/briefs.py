"""Drafted briefs kept on disk, so their Markdown and Word downloads work from any API worker.

One JSON file per brief in ``<data_dir>/briefs/<owner key>/``, written atomically (a temporary
file, then ``os.replace``), holding the brief and its *owner* (the caller's token id or
``"anonymous"``). The owner key is a hash of the owner, so listing someone's briefs reads only
their folder however many briefs others drafted. An owner only ever sees its own briefs, like
conversations. Briefs saved by earlier versions directly in ``briefs/`` are moved into their
owner's folder the first time the store is used.

With ``RAG_DATABASE_URL`` set (several API hosts), :class:`DatabaseBriefStore` keeps them in the
shared PostgreSQL database instead, one row per brief.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.briefs.model import Brief
from assistant.errors import NotFound

_ID = re.compile(r"^[0-9a-f]{32}$")


class BriefStore:
    """Briefs as JSON files in the data directory (one host)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._migrated = False

    def __repr__(self) -> str:
        return f"BriefStore({str(self.root)!r})"

    def close(self) -> None:
        """Nothing stays open between calls: files are opened and closed by each."""

    def _folder(self, owner: str) -> Path:
        return self.root / hashlib.sha256(owner.encode("utf-8")).hexdigest()[:24]

    def _path(self, brief_id: str, owner: str) -> Path:
        if not _ID.match(brief_id):
            raise NotFound(f"no brief {brief_id!r}")
        return self._folder(owner) / f"{brief_id}.json"

    def save(self, brief: Brief, owner: str) -> None:
        self._migrate()
        self._write(self._path(brief.id, owner), {"owner": owner, "brief": brief.to_json()})

    @staticmethod
    def _write(path: Path, data: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".brief-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _migrate(self) -> None:
        """Move briefs of the flat layout (``briefs/<id>.json``) into their owner's folder."""
        if self._migrated:
            return
        if self.root.is_dir():
            for path in self.root.glob("*.json"):
                data = self._read(path)
                if data is not None and isinstance(data.get("owner"), str):
                    target = self._path(path.stem, data["owner"])
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with contextlib.suppress(FileNotFoundError):  # another worker moved it
                        os.replace(path, target)
        self._migrated = True

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data

    def get(self, brief_id: str, owner: str) -> Brief:
        """The brief ``owner`` drafted; NotFound for a brief that is missing or someone else's."""
        self._migrate()
        data = self._read(self._path(brief_id, owner))
        if data is None or data.get("owner") != owner:
            raise NotFound(f"no brief {brief_id!r}")
        return Brief.model_validate(data["brief"])

    def list(self, owner: str, limit: int = 20) -> list[Brief]:
        """The owner's briefs, newest first."""
        self._migrate()
        folder = self._folder(owner)
        if not folder.is_dir():
            return []
        paths = sorted(folder.glob("*.json"), key=_mtime, reverse=True)
        found: list[Brief] = []
        for path in paths:
            data = self._read(path)
            if data is not None and data.get("owner") == owner:
                found.append(Brief.model_validate(data["brief"]))
                if len(found) >= limit:
                    break
        return found


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # replaced or removed while listing
        return 0.0


class DatabaseBriefStore:
    """Briefs in the shared database: the same calls as :class:`BriefStore`."""

    def __init__(self, url: str) -> None:
        from assistant.storage.postgres import PostgresDB

        self._connection = PostgresDB(url, "briefs")

    def __repr__(self) -> str:
        return f"DatabaseBriefStore({self._connection!r})"

    def save(self, brief: Brief, owner: str) -> None:
        self._connection().execute(
            "INSERT INTO briefs(id, owner, created, brief) VALUES(?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET owner=excluded.owner, brief=excluded.brief",
            (brief.id, owner, time.time(), json.dumps(brief.to_json(), ensure_ascii=False)),
        )

    def get(self, brief_id: str, owner: str) -> Brief:
        """The brief ``owner`` drafted; NotFound for a brief that is missing or someone else's."""
        row = (
            self._connection()
            .execute("SELECT brief FROM briefs WHERE id=? AND owner=?", (brief_id, owner))
            .fetchone()
        )
        if row is None:
            raise NotFound(f"no brief {brief_id!r}")
        return Brief.model_validate(json.loads(row[0]))

    def list(self, owner: str, limit: int = 20) -> list[Brief]:
        """The owner's briefs, newest first."""
        rows = self._connection().execute(
            "SELECT brief FROM briefs WHERE owner=? ORDER BY created DESC, id LIMIT ?",
            (owner, limit),
        )
        return [Brief.model_validate(json.loads(r[0])) for r in rows]

    def close(self) -> None:
        self._connection.close()


# What the service keeps briefs in: files on one host, the shared database on several.
Briefs = BriefStore | DatabaseBriefStore
