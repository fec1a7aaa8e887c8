"""How many of the exact nearest passages Chroma's vector index (HNSW) returns, by ``ef_search``.

    .venv/bin/python bench/hnsw_recall.py --data-dir DATA [--ef 100 200 400 800] [--opens 3]
                                          [--json bench/results/hnsw-recall.json]

Chroma answers a vector search from an HNSW graph: approximate, and only as good as the number
of candidates it weighs (``ef_search``, 100 unless the collection says otherwise). This embeds
the practitioner-style questions of ``bench/load_questions.jsonl`` as the retriever does, and
for each ``ef_search`` compares the passages Chroma returns (as many as the retriever asks for)
with the exact nearest ones, found by comparing the question with every stored vector.

Chroma rebuilds part of the graph each time a store is opened, so the same store can search
better or worse from one opening to the next: each setting is measured on ``--opens`` fresh
openings of a copy of the store (``DATA`` itself is never changed). Per setting: mean recall,
the share of questions that got under 90 % of their nearest passages, the share whose nearest
passage was missed, and the median and p95 milliseconds per search. A measure, not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUESTIONS = REPO / "bench" / "load_questions.jsonl"


def questions(path: Path) -> list[str]:
    """Every distinct question of the load set, follow-ups included."""
    asked: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            asked += [row["question"], *([row["follow_up"]] if row.get("follow_up") else [])]
    return list(dict.fromkeys(asked))


def open_fresh(chroma_dir: Path, name: str, ef: int) -> Any:
    """The collection ``name`` of the store in ``chroma_dir``, opened afresh (Chroma's cached
    client for the path dropped) and searched with ``ef``."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(chroma_dir), None)
    client = chromadb.PersistentClient(path=str(chroma_dir))
    collection = client.get_collection(name)
    if (collection.configuration_json or {}).get("hnsw", {}).get("ef_search") != ef:
        collection.modify(configuration={"hnsw": {"ef_search": ef}})
        SharedSystemClient._identifier_to_system.pop(str(chroma_dir), None)
        client = chromadb.PersistentClient(path=str(chroma_dir))
        collection = client.get_collection(name)
    return collection


def measure(collection: Any, vectors: np.ndarray, exact: list[list[str]], k: int) -> dict[str, Any]:
    recalls, misses, times = [], 0, []
    for vector, nearest in zip(vectors, exact, strict=True):
        started = time.perf_counter()
        got = collection.query(query_embeddings=[vector.tolist()], n_results=k, include=[])
        times.append((time.perf_counter() - started) * 1000)
        ids = set(got["ids"][0])
        recalls.append(len(ids & set(nearest)) / len(nearest))
        misses += nearest[0] not in ids
    times.sort()
    return {
        "recall_mean": round(statistics.fmean(recalls), 4),
        "under_90pct": round(sum(r < 0.9 for r in recalls) / len(recalls), 4),
        "nearest_missed": round(misses / len(recalls), 4),
        "ms_median": round(statistics.median(times), 2),
        "ms_p95": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--ef", type=int, nargs="+", default=[100, 200, 400, 800])
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from assistant import Settings
    from assistant.embedding import Embedder
    from assistant.retrieval import CANDIDATES

    settings = Settings(_env_file=None, data_dir=args.data_dir)  # type: ignore[call-arg]
    if not settings.chroma_path.is_dir():
        raise SystemExit(f"no Chroma store in {settings.chroma_path}: ingest a corpus there first")
    asked = questions(args.questions)
    vectors = np.asarray([Embedder().embed_query(q) for q in asked], dtype=np.float32)
    k = max(CANDIDATES, settings.top_k * 4)  # the pool Retriever.search asks Chroma for

    with tempfile.TemporaryDirectory(prefix="hnsw-recall-") as scratch:
        chroma_dir = Path(scratch) / "chroma"
        print(f"copying {settings.chroma_path} (the store itself is never changed)")
        shutil.copytree(settings.chroma_path, chroma_dir)
        stored = open_fresh(chroma_dir, settings.chroma_collection, args.ef[0]).get(
            include=["embeddings"]
        )
        matrix = np.asarray(stored["embeddings"], dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        exact = [[stored["ids"][i] for i in np.argsort(-(matrix @ v))[:k]] for v in unit]
        print(f"{len(asked)} questions, {len(stored['ids'])} passages, {k} nearest asked for")

        rows = []
        for ef in args.ef:
            for opening in range(1, args.opens + 1):
                collection = open_fresh(chroma_dir, settings.chroma_collection, ef)
                row = {
                    "ef_search": ef,
                    "opening": opening,
                    **measure(collection, vectors, exact, k),
                }
                rows.append(row)
                print(
                    f"ef_search {ef:4d} opening {opening}: recall {row['recall_mean']:.3f}, "
                    f"under 90% {row['under_90pct']:.1%}, nearest missed "
                    f"{row['nearest_missed']:.1%}, {row['ms_median']:.1f} ms median, "
                    f"{row['ms_p95']:.1f} ms p95"
                )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "machine": platform.platform(),
                    "questions": len(asked),
                    "passages": len(stored["ids"]),
                    "k": k,
                    "rows": rows,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
