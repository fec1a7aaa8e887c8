"""The embedding model's threads: a setting for every process, and `serve --workers N` giving
each worker its share of the cores (N processes each running a thread per core only take turns)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from assistant.__main__ import main
from assistant.config import get_settings
from assistant.service import Assistant
from tests.conftest import make_settings


def test_the_setting_reaches_the_assistants_embedder(tmp_path: Path) -> None:
    assert Assistant(make_settings(tmp_path / "a", embed_threads=1)).embedder.threads == 1
    assert Assistant(make_settings(tmp_path / "b")).embedder.threads is None  # onnxruntime's


@pytest.mark.parametrize(("workers", "cpus", "expected"), [(2, 2, "1"), (2, 8, "4"), (4, 2, "1")])
def test_serve_with_workers_gives_each_its_share_of_the_cores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: int, cpus: int, expected: str
) -> None:
    import uvicorn

    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(kw, app=app))
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    monkeypatch.delenv("RAG_EMBED_THREADS", raising=False)
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert main(["serve", "--workers", str(workers)]) == 0
        assert started["workers"] == workers
        assert os.environ["RAG_EMBED_THREADS"] == expected  # read by each worker's settings
    finally:
        monkeypatch.delenv("RAG_EMBED_THREADS", raising=False)
        get_settings.cache_clear()


def test_one_worker_or_a_set_thread_count_is_left_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RAG_EMBED_THREADS", raising=False)
    get_settings.cache_clear()
    try:
        main(["serve"])
        assert "RAG_EMBED_THREADS" not in os.environ
        monkeypatch.setenv("RAG_EMBED_THREADS", "2")
        get_settings.cache_clear()
        main(["serve", "--workers", "2"])
        assert os.environ["RAG_EMBED_THREADS"] == "2"
    finally:
        get_settings.cache_clear()
