"""The parse benchmark on a tiny folder, so that it cannot rot between the long runs: real PDFs
from the shared corpus and a broken file, each parsed in its own process. Figures are not
asserted (benchmarks measure, tests do not time); the report's shape and counts are."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_parse_bench_counts_pages_failures_and_symbols(shared_corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(shared_corpus / "un-docs" / "E_2025_L.24.en.pdf", folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    report = tmp_path / "parse.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "parse_bench.py"), str(folder), "--no-ocr"]
        + ["--json", str(report)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(report.read_text())
    summary = figures["summary"]
    assert (summary["files"], summary["parsed"], summary["with_symbol"]) == (2, 1, 1)
    assert sum(summary["failures"].values()) == 1
    assert summary["pages"] == 2 and summary["pages_unreadable"] == 0
    assert (
        set(summary["cpu_s_per_file"])
        == set(summary["parse_cpu_s_per_file"])
        == {"median", "p90", "max"}
    )
    parsed = next(f for f in figures["files"] if f["ok"])
    assert parsed["symbol"] == "E/2025/L.24" and parsed["title"].endswith("(E/2025/L.24)")
    assert "broken.pdf" in done.stdout and "FAILED" in done.stdout
