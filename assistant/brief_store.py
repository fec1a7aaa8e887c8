"""Drafted briefs kept on disk, so their Markdown and Word downloads work from any API worker.

One JSON file per brief in ``<data_dir>/briefs/``, written atomically (a temporary file, then
``os.replace``), holding the brief and its *owner* (the caller's token id or ``"anonymous"``).
An owner only ever sees its own briefs, like conversations.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from .briefs import Brief
from .errors import NotFound

_ID = re.compile(r"^[0-9a-f]{32}$")


class BriefStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"BriefStore({str(self.root)!r})"

    def _path(self, brief_id: str) -> Path:
        if not _ID.match(brief_id):
            raise NotFound(f"no brief {brief_id!r}")
        return self.root / f"{brief_id}.json"

    def save(self, brief: Brief, owner: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = {"owner": owner, "brief": brief.to_json()}
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".brief-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            os.replace(tmp, self._path(brief.id))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data

    def get(self, brief_id: str, owner: str) -> Brief:
        """The brief ``owner`` drafted; NotFound for a brief that is missing or someone else's."""
        data = self._read(self._path(brief_id))
        if data is None or data.get("owner") != owner:
            raise NotFound(f"no brief {brief_id!r}")
        return Brief.model_validate(data["brief"])

    def list(self, owner: str, limit: int = 20) -> list[Brief]:
        """The owner's briefs, newest first."""
        if not self.root.is_dir():
            return []
        paths = sorted(self.root.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        found: list[Brief] = []
        for path in paths:
            data = self._read(path)
            if data is not None and data.get("owner") == owner:
                found.append(Brief.model_validate(data["brief"]))
                if len(found) >= limit:
                    break
        return found
