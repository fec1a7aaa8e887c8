"""Briefs on disk: one folder per owner, atomic writes, briefs of the flat layout moved over."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from assistant.briefs.model import Brief
from assistant.errors import NotFound
from assistant.storage.briefs import BriefStore
from tests.assistant.briefs.test_briefs import hand_brief


def new_brief(topic: str = "e-procurement") -> Brief:
    return hand_brief().model_copy(update={"id": uuid.uuid4().hex, "topic": topic})


def test_an_owner_sees_only_its_own_briefs_newest_first(tmp_path: Path) -> None:
    store = BriefStore(tmp_path / "briefs")
    mine = [new_brief(f"topic {i}") for i in range(3)]
    for i, brief in enumerate(mine):
        store.save(brief, "alice")
        path = next((tmp_path / "briefs").rglob(f"{brief.id}.json"))
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    theirs = new_brief("their topic")
    store.save(theirs, "bob")

    assert [b.id for b in store.list("alice")] == [b.id for b in reversed(mine)]
    assert [b.id for b in store.list("alice", limit=2)] == [mine[2].id, mine[1].id]
    assert store.get(mine[0].id, "alice") == mine[0]
    assert [b.id for b in store.list("bob")] == [theirs.id]
    assert store.list("carol") == []
    with pytest.raises(NotFound):
        store.get(theirs.id, "alice")
    with pytest.raises(NotFound):
        store.get("../../etc/passwd", "alice")


def test_listing_reads_only_the_owners_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BriefStore(tmp_path / "briefs")
    for _ in range(5):
        store.save(new_brief(), "bob")
    mine = new_brief()
    store.save(mine, "alice")
    read: list[Path] = []
    original = BriefStore._read
    monkeypatch.setattr(
        BriefStore, "_read", lambda self, path: read.append(path) or original(self, path)
    )

    assert [b.id for b in store.list("alice")] == [mine.id]
    assert [p.name for p in read] == [f"{mine.id}.json"]
    assert len({p.parent for p in (tmp_path / "briefs").rglob("*.json")}) == 2


def test_briefs_of_the_flat_layout_move_to_their_owners_folder(tmp_path: Path) -> None:
    root = tmp_path / "briefs"
    root.mkdir()
    old = new_brief("old layout")
    (root / f"{old.id}.json").write_text(json.dumps({"owner": "alice", "brief": old.to_json()}))
    (root / "broken.json").write_text("{")

    store = BriefStore(root)
    assert [b.id for b in store.list("alice")] == [old.id]
    assert store.get(old.id, "alice") == old
    assert not (root / f"{old.id}.json").exists()
    assert (root / "broken.json").exists(), "an unreadable file is left where it was"
    assert BriefStore(root).list("bob") == []
