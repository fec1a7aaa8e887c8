"""The embedder's own ceiling on this machine, against which ingestion is measured.

    .venv/bin/python bench/embed_ceiling.py --data-dir DATA [--sample 600] [--json bench/results/embed.json]

Ingestion spends most of its time embedding passages, so the question is how fast the embedding
model itself can go here, and how close the pipeline gets. This takes ``--sample`` passages spread
evenly over a store (``DATA`` holding an ingested corpus; the passages as the pipeline stored
them) and embeds them, in one process and one run, under each setting:

* batch sizes 1 to 64, texts sorted by length (as the pipeline does) or not;
* onnxruntime's own thread count (``intra_op_num_threads``) left to it, or 1, or 2.

For each: passages/s and tokens/s (tokens as the model reads them, truncation included), the
median of ``--repeats`` timings. Then the passages/s of the setting the pipeline uses
(``RAG_EMBED_BATCH_SIZE``, sorted, threads left to onnxruntime) as a share of the best. Prints a
table; ``--json`` writes the figures. A measure, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BATCHES = (1, 2, 4, 8, 16, 32, 64)
THREADS = (None, 1, 2)


def sample_passages(data_dir: Path, size: int) -> list[str]:
    """``size`` passages spread evenly over the store in ``data_dir`` (by id order)."""
    import chromadb

    from assistant import Settings

    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    client = chromadb.PersistentClient(path=str(settings.chroma_path))
    collection = client.get_collection(settings.chroma_collection)
    ids = sorted(collection.get(include=[])["ids"])
    if not ids:
        raise SystemExit(f"no passages in {data_dir}: ingest a corpus there first")
    step = max(1, len(ids) // size)
    chosen = ids[::step][:size]
    found = collection.get(ids=chosen, include=["documents"])
    by_id = dict(zip(found["ids"], found["documents"] or [], strict=True))
    return [by_id[i] or " " for i in chosen]


def measure(
    texts: list[str], batch: int, threads: int | None, ordered: bool, repeats: int
) -> float:
    """Median seconds to embed ``texts`` under one setting (a fresh session, warmed first)."""
    from assistant.embedding import Embedder

    embedder = Embedder(batch_size=batch, threads=threads)
    embedder.embed(texts[:batch])  # load the session, first-run allocations
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        embedder.embed(texts, by_length=ordered)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from assistant import Settings
    from assistant.embedding import Embedder

    texts = sample_passages(args.data_dir, args.sample)
    tokens = Embedder().count_tokens(texts)
    default_batch = Settings(_env_file=None).embed_batch_size  # type: ignore[call-arg]
    print(f"{len(texts)} passages, {tokens:,} tokens ({tokens / len(texts):.0f} a passage)")
    rows: list[dict[str, Any]] = []
    settings = [(b, None, True) for b in BATCHES] + [(b, None, False) for b in (8, 32)]
    settings += [(b, t, True) for b in (8, 32) for t in THREADS if t is not None]
    for batch, threads, ordered in settings:
        seconds = measure(texts, batch, threads, ordered, args.repeats)
        row = {
            "batch": batch,
            "threads": threads or "auto",
            "sorted": ordered,
            "seconds": round(seconds, 2),
            "passages_per_s": round(len(texts) / seconds, 1),
            "tokens_per_s": round(tokens / seconds),
        }
        rows.append(row)
        print(
            f"batch {batch:>2}, threads {row['threads']!s:>4}, "
            f"{'sorted  ' if ordered else 'unsorted'}: {row['passages_per_s']:6.1f} passages/s, "
            f"{row['tokens_per_s']:6,} tokens/s",
            flush=True,
        )
    best = max(rows, key=lambda r: r["passages_per_s"])
    used = next(
        (r for r in rows if r["batch"] == default_batch and r["threads"] == "auto" and r["sorted"]),
        None,
    )
    share = round(used["passages_per_s"] / best["passages_per_s"], 2) if used else None
    print(
        f"best: batch {best['batch']}, threads {best['threads']}, sorted {best['sorted']}: "
        f"{best['passages_per_s']} passages/s; the pipeline's setting (batch {default_batch}) "
        f"reaches {share} of it"
    )
    result = {
        "passages": len(texts),
        "tokens": tokens,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "rows": rows,
        "best": best,
        "pipeline_batch": default_batch,
        "pipeline_share_of_best": share,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
