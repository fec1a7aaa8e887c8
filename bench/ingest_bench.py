"""Ingestion benchmark: our pipeline against the naive LlamaIndex baseline, in the same run.

    .venv/bin/python bench/ingest_bench.py [--corpus ../shared/corpus] [--json bench/results/ingest.json]

Runs, each in its own process (so peak RSS is per run, measured with wait4):

1. ``python -m ingest CORPUS`` into a fresh data directory: pages/s, chunks/s, peak RSS and the
   time split into parse, chunk, embed, store and keyword index (from the pipeline's report);
2. the same command again over the unchanged corpus (should embed nothing);
3. ``bench/naive_baseline.py``: ``SimpleDirectoryReader`` + ``VectorStoreIndex`` into Chroma with the
   same embedding model, LlamaIndex defaults otherwise.

Prints a table and, with ``--json``, writes every figure to a file. Figures on a shared 2-core
machine are noisy: compare the ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str, int]:
    """(seconds, peak RSS MiB, stdout, exit code) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    work = Path(tempfile.mkdtemp(prefix="gka-bench-"))
    env = {**os.environ, "RAG_DATA_DIR": str(work / "data"), "PYTHONUNBUFFERED": "1"}
    py = sys.executable

    print(f"corpus: {corpus}\nwork dir: {work}\n")
    seconds, rss, out, code = run([py, "-m", "ingest", str(corpus), "--json"], env)
    first = json.loads(out)
    totals = first["totals"]
    split = totals["seconds"]
    result: dict[str, Any] = {
        "corpus": str(corpus),
        "ours": {
            "wall_seconds": round(seconds, 1),
            "peak_rss_mib": round(rss, 1),
            "exit_code": code,
            "files": totals["files"],
            "ingested": totals["ingested"],
            "failed": totals["failed"],
            "needs_ocr": totals["needs_ocr"],
            "pages": totals["pages"],
            "chunks": totals["chunks"],
            "pages_per_second": round(totals["pages"] / seconds, 2),
            "chunks_per_second": round(totals["chunks"] / seconds, 2),
            "seconds": split,
            "total_over_embed": round(split["total"] / split["embed"], 3)
            if split["embed"]
            else None,
        },
    }
    seconds2, rss2, out2, _ = run([py, "-m", "ingest", str(corpus), "--json"], env)
    second = json.loads(out2)["totals"]
    result["rerun"] = {
        "wall_seconds": round(seconds2, 1),
        "peak_rss_mib": round(rss2, 1),
        "ingested": second["ingested"],
        "unchanged": second["unchanged"],
        "embed_seconds": second["seconds"]["embed"],
        "fraction_of_first": round(seconds2 / seconds, 4),
    }
    if not args.skip_baseline:
        base_env = {**env, "RAG_DATA_DIR": str(work / "baseline")}
        b_seconds, b_rss, b_out, b_code = run(
            [py, str(REPO / "bench" / "naive_baseline.py"), str(corpus)], base_env
        )
        baseline = json.loads(b_out) if b_code == 0 else {"error": f"exit {b_code}"}
        baseline.update(wall_seconds=round(b_seconds, 1), peak_rss_mib=round(b_rss, 1))
        result["baseline"] = baseline
        result["ours_over_baseline_wall"] = round(seconds / b_seconds, 3)

    print(format_result(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
        print(f"\nwrote {args.json}")
    return 0


def format_result(r: dict[str, Any]) -> str:
    o, s = r["ours"], r["ours"]["seconds"]
    lines = [
        f"ours:     {o['files']} files ({o['ingested']} ingested, {o['failed']} failed, {o['needs_ocr']} need OCR), "
        f"{o['pages']} pages, {o['chunks']} passages in {o['wall_seconds']} s wall",
        f"          {o['pages_per_second']} pages/s, {o['chunks_per_second']} passages/s, peak RSS {o['peak_rss_mib']} MiB",
        f"          split: parse {s['parse']} s, chunk {s['chunk']} s, embed {s['embed']} s, store {s['store']} s, "
        f"keyword index {s['index']} s, total {s['total']} s",
        f"          total / embedding alone = {o['total_over_embed']} (target <= 1.3)",
        f"re-run:   {r['rerun']['wall_seconds']} s, {r['rerun']['unchanged']} unchanged, embed {r['rerun']['embed_seconds']} s "
        f"= {r['rerun']['fraction_of_first'] * 100:.1f}% of the first run (target < 5%)",
    ]
    if "baseline" in r:
        b = r["baseline"]
        lines.append(
            f"baseline: {b.get('documents')} LlamaIndex documents, {b.get('chunks')} chunks in {b['wall_seconds']} s wall, "
            f"peak RSS {b['peak_rss_mib']} MiB"
        )
        lines.append(f"ours / baseline wall time = {r['ours_over_baseline_wall']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
