"""The vector-recall benchmark on a tiny store, so that it cannot rot between the long runs:
every setting and opening measured, the store it reads left as it was. Figures are not
asserted beyond what exact search guarantees."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings
from tests.conftest import run_bench


def test_hnsw_recall_measures_each_setting_on_a_copy(
    private_store: Settings, tmp_path: Path
) -> None:
    before = sorted(p.name for p in private_store.chroma_path.rglob("*"))
    report = tmp_path / "hnsw.json"
    done = run_bench(
        "hnsw_recall.py",
        *["--data-dir", str(private_store.data_dir), "--ef", "100", "400", "--opens", "2"],
        *["--json", str(report)],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(report.read_text(encoding="utf-8"))
    assert figures["questions"] >= 200 and figures["passages"] > 0
    assert [(r["ef_search"], r["opening"]) for r in figures["rows"]] == [
        (100, 1),
        (100, 2),
        (400, 1),
        (400, 2),
    ]
    assert all(0 < r["recall_mean"] <= 1 and r["ms_median"] > 0 for r in figures["rows"])
    assert sorted(p.name for p in private_store.chroma_path.rglob("*")) == before
