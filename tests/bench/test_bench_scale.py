"""The scale benchmark's script at a tiny size, so that it cannot rot between the long runs.

Real parts: the small store as the sentence source, the real embedder, embedded Chroma and a
``chroma run`` server. Figures are not asserted (benchmarks measure, tests do not time); the shape
of the report and the resumable vector cache are.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from assistant.config import Settings
from tests.conftest import run_bench

REPO = Path(__file__).resolve().parents[2]


def run_scale(*args: str) -> subprocess.CompletedProcess[str]:
    return run_bench("scale.py", *args)


def test_scale_bench_reports_both_modes_and_resumes_its_vector_cache(
    small_store: Settings, tmp_path: Path
) -> None:
    cache = tmp_path / "vectors.npy"
    report = tmp_path / "scale.json"
    common = ["--source-data", str(small_store.data_dir), "--vector-cache", str(cache)]

    first = run_scale("--sizes", "20", "--real", "20", "--modes", "embedded", *common)
    assert first.returncode == 0, first.stderr
    assert np.load(cache).shape == (20, 384)

    second = run_scale(
        "--sizes", "120", "--real", "30", "--per-doc", "7", "--json", str(report), *common
    )
    assert second.returncode == 0, second.stderr
    assert "resuming from 20 cached vectors" in second.stdout
    vectors = np.load(cache)
    assert vectors.shape == (30, 384)
    # The resumed rows are real embeddings of new passages, not copies of the cached ones.
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(vectors[20:], vectors[:10])

    summary = json.loads(report.read_text())
    assert summary["real_embedded"] == 30
    assert summary["embed_passages_per_second"] > 0  # the 10 it embedded on top of the cache
    rows = {(r["size"], r["mode"]): r for r in summary["results"]}
    assert set(rows) == {(120, "embedded"), (120, "http")}
    for row in rows.values():
        for key in ("vector", "keyword", "hybrid", "answer"):
            assert 0 < row[f"{key}_p50_ms"] <= row[f"{key}_p95_ms"]
        assert row["api_peak_rss_mib"] > 50
        assert row["disk_mib"] > 0
    assert rows[(120, "http")]["chroma_server_peak_rss_mib"] > 10
    assert "chroma_server_peak_rss_mib" not in rows[(120, "embedded")]

    picture = tmp_path / "scale.png"
    drawn = run_scale("--plot", str(picture), "--plot-from", str(report), str(report))
    assert drawn.returncode == 0, drawn.stderr
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run_scale("--source-data", str(tmp_path / "nothing")).returncode == 2
