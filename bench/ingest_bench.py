"""Ingestion benchmark: our pipeline against the naive LlamaIndex baseline, in the same run.

    .venv/bin/python bench/ingest_bench.py [--corpus ../shared/corpus] [--json bench/results/ingest.json]

Runs, each in its own process (so peak RSS is per run, measured with wait4):

1. ``python -m ingest CORPUS`` into a fresh data directory: pages/s, chunks/s, peak RSS and the
   time split into parse, chunk, embed, store and keyword index (from the pipeline's report);
2. the same command again over the unchanged corpus (should embed nothing);
3. ``bench/naive_baseline.py``: ``SimpleDirectoryReader`` + ``VectorStoreIndex`` into Chroma with the
   same embedding model, LlamaIndex defaults otherwise;
4. the embedder's ceiling on this machine (``bench/embed_ceiling.py``'s measure): a sample of our
   passages embedded alone at the pipeline's batch size and at the best one found there (2),
   sorted by length.

Throughput is given in passages and in tokens (as the model reads them, truncation included:
the baseline's chunks are larger), for the whole run and for the embedding step alone.

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
    tokens = _store_tokens(work / "data")
    result["ours"]["tokens"] = tokens
    result["ours"]["tokens_per_second"] = round(tokens / seconds)
    result["ours"]["embedding_tokens_per_second"] = (
        round(tokens / split["embed"]) if split["embed"] else None
    )
    result["ceiling"] = _ceiling(work / "data")
    if not args.skip_baseline:
        base_env = {**env, "RAG_DATA_DIR": str(work / "baseline")}
        b_seconds, b_rss, b_out, b_code = run(
            [py, str(REPO / "bench" / "naive_baseline.py"), str(corpus)], base_env
        )
        baseline = json.loads(b_out) if b_code == 0 else {"error": f"exit {b_code}"}
        baseline.update(wall_seconds=round(b_seconds, 1), peak_rss_mib=round(b_rss, 1))
        result["baseline"] = baseline
        result["ours_over_baseline_wall"] = round(seconds / b_seconds, 3)
        if baseline.get("tokens"):
            result["ours_over_baseline_tokens_per_second"] = round(
                result["ours"]["tokens_per_second"] / (baseline["tokens"] / b_seconds), 2
            )

    print(format_result(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
        print(f"\nwrote {args.json}")
    return 0


def _store_tokens(data_dir: Path) -> int:
    """The tokens the model read for every passage of the store in ``data_dir``."""
    import chromadb

    sys.path.insert(0, str(REPO))
    from assistant import Settings
    from assistant.embedding import Embedder

    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    client = chromadb.PersistentClient(path=str(settings.chroma_path))
    texts = client.get_collection(settings.chroma_collection).get(include=["documents"])
    return Embedder().count_tokens([t or " " for t in texts["documents"] or []])


def _ceiling(data_dir: Path, sample: int = 400) -> dict[str, Any]:
    """The embedder alone on a sample of the passages, at the pipeline's batch size and at 2."""
    sys.path.insert(0, str(REPO / "bench"))
    from embed_ceiling import measure, sample_passages

    from assistant import Settings
    from assistant.embedding import Embedder

    texts = sample_passages(data_dir, sample)
    tokens = Embedder().count_tokens(texts)
    batch = Settings(_env_file=None).embed_batch_size  # type: ignore[call-arg]
    rows = {}
    for size in dict.fromkeys((batch, 2)):
        seconds = measure(texts, size, None, True, 1)
        rows[size] = {
            "passages_per_s": round(len(texts) / seconds, 1),
            "tokens_per_s": round(tokens / seconds),
        }
    best = max(rows.values(), key=lambda r: r["tokens_per_s"])
    return {"sample": len(texts), "tokens": tokens, "by_batch": rows, "best": best}


def format_result(r: dict[str, Any]) -> str:
    o, s = r["ours"], r["ours"]["seconds"]
    lines = [
        f"ours:     {o['files']} files ({o['ingested']} ingested, {o['failed']} failed, {o['needs_ocr']} need OCR), "
        f"{o['pages']} pages, {o['chunks']} passages in {o['wall_seconds']} s wall",
        f"          {o['pages_per_second']} pages/s, {o['chunks_per_second']} passages/s, peak RSS {o['peak_rss_mib']} MiB",
        f"          split: parse {s['parse']} s, chunk {s['chunk']} s, embed {s['embed']} s, store {s['store']} s, "
        f"keyword index {s['index']} s, total {s['total']} s",
        f"          total / embedding alone = {o['total_over_embed']} (target <= 1.3)",
        f"          {o['tokens']:,} tokens: {o['tokens_per_second']:,} tokens/s overall, "
        f"{o['embedding_tokens_per_second']:,} tokens/s while embedding; the embedder alone: "
        f"{r['ceiling']['best']['tokens_per_s']:,} tokens/s ({r['ceiling']['best']['passages_per_s']} passages/s) "
        f"on {r['ceiling']['sample']} of the passages",
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
        if "ours_over_baseline_tokens_per_second" in r:
            lines.append(
                f"baseline: {b['tokens']:,} tokens, {b['tokens_per_second']:,} tokens/s; ours / "
                f"baseline tokens/s = {r['ours_over_baseline_tokens_per_second']} (target >= 2)"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
