"""How cost grows with the corpus: 10k, 100k (and 1M) passages, embedded Chroma and Chroma server.

    .venv/bin/python bench/scale.py --sizes 10000 100000 [1000000] [--real 100000]
        [--modes embedded http] [--per-doc 10] [--vector-cache bench/results/real-vectors.npy]
        [--json bench/results/scale.json] [--plot docs/scale.png]
    .venv/bin/python bench/scale.py --plot docs/scale.png --plot-from RUN.json [RUN.json ...]

Corpus: passages of 40–160 words recombined from real sentences of ``../shared/corpus`` (already
ingested into ``--source-data``, default ``/tmp/full``, or any data directory), each a distinct
document. Embedding a million passages on two cores takes hours, so ``--real`` passages (default
100,000: 30-60 minutes on two cores, once, with ``--vector-cache``) are embedded for real and the
rest are derived: each derived vector is a real vector plus Gaussian noise scaled so that its
cosine similarity to its parent is about 0.85 (the median similarity of a passage to its nearest
real neighbour in the ingested corpus), then re-normalised. That keeps the norm, the
dimensionality and the neighbourhood structure of real vectors (no synthetic clusters a vector
index would find unusually easy or hard). Texts of derived passages are new recombinations
of real sentences, so BM25 sees realistic term statistics.

For each size and mode it measures: ingest rate (store writes plus keyword index build), disk,
keyword index load time, peak RSS of a fresh API-like process that loads everything and answers
(and, in server mode, of the Chroma server), and p50/p95 latency of vector, keyword and hybrid
retrieval and of a full extractive answer over 50 questions. Prints text, writes JSON, and draws a
PNG (log scale) when matplotlib is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUESTIONS = [
    "digital identity for public services",
    "e-procurement portal for public tenders",
    "open government data policy",
    "artificial intelligence in public administration",
    "small island developing States climate finance",
    "gender equality and women's access to the Internet",
    "capacity development of civil servants",
    "interoperability of public sector information systems",
    "national AI strategy of least developed countries",
    "supreme audit institutions and accountability",
]


def sentences_from(source_data: Path, limit: int = 200_000) -> list[str]:
    from assistant.config import Settings
    from assistant.storage.vectors import VectorStore
    from assistant.text import sentence_spans

    store = VectorStore(Settings(_env_file=None, data_dir=source_data))  # type: ignore[call-arg]
    out: list[str] = []
    for _, texts, _ in store.iter_all():
        for text in texts:
            for s, e in sentence_spans(text):
                sentence = " ".join(text[s:e].split())
                if 30 <= len(sentence) <= 400:
                    out.append(sentence)
        if len(out) >= limit:
            break
    return out


def make_passages(sentences: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    passages = []
    for _ in range(n):
        words = 0
        parts = []
        target = rng.randint(40, 160)
        while words < target:
            s = rng.choice(sentences)
            parts.append(s)
            words += len(s.split())
        passages.append(" ".join(parts))
    return passages


def derive_vectors(real: np.ndarray, n: int, seed: int, similarity: float = 0.85) -> np.ndarray:
    rng = np.random.default_rng(seed)
    parents = real[rng.integers(0, len(real), size=n)]
    noise = rng.normal(size=parents.shape).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    # cos(parent, parent*a + noise*b) = a / sqrt(a^2 + b^2) with unit parent and noise ⟂ (approx.)
    b = np.sqrt(1.0 / similarity**2 - 1.0)
    out = parents + b * noise
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def real_vectors_for(
    passages: list[str], cache: Path | None, block: int = 2_000
) -> tuple[np.ndarray, float | None]:
    """Embed ``passages`` for real, resuming from and extending ``cache`` block by block; also
    the embedding rate (passages/s), or None when the cache held them all.

    Passages are a prefix-stable sequence (same seed and source), so a cache of the first k vectors
    serves any ``--real`` up to k and a larger ``--real`` embeds only the rest. The cache is rewritten
    atomically after every block: an interrupted run loses at most one block.
    """
    from assistant.embedding import Embedder

    have = np.load(cache) if cache and cache.is_file() else np.zeros((0, 0), np.float32)
    if have.shape[0] >= len(passages):
        print(f"loaded {len(passages)} real passage vectors from {cache}")
        return have[: len(passages)], None
    if have.shape[0]:
        print(f"resuming from {have.shape[0]} cached vectors in {cache}")
    embedder = Embedder(batch_size=8)
    parts = [have] if have.shape[0] else []
    done, t0 = have.shape[0], time.perf_counter()
    while done < len(passages):
        chunk = embedder.embed(passages[done : done + block])
        parts.append(np.asarray(chunk, dtype=np.float32))
        done += len(chunk)
        rate = (done - have.shape[0]) / (time.perf_counter() - t0)
        eta = (len(passages) - done) / rate
        print(
            f"embedded {done}/{len(passages)} real passages, {rate:.1f}/s, ~{eta / 60:.0f} min left"
        )
        if cache:
            tmp = cache.with_name(cache.name + ".tmp.npy")
            np.save(tmp, np.concatenate(parts))
            os.replace(tmp, cache)
    rate = (done - have.shape[0]) / (time.perf_counter() - t0)
    return np.concatenate(parts), rate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def group_peak_rss_mib(pgid: int) -> float:
    """Sum of VmHWM (peak resident memory) over the processes of one process group."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != pgid:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return round(total / 1024, 1)


def build(
    size: int,
    mode: str,
    passages: list[str],
    vectors: np.ndarray,
    work: Path,
    per_doc: int = 10,
) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.models import Chunk, DocumentRecord
    from assistant.storage.catalog import Catalog
    from assistant.storage.keyword import KeywordIndex, rebuild_from_store
    from assistant.storage.vectors import VectorStore

    data = work / f"{mode}-{size}"
    extra: dict[str, Any] = {}
    server = None
    if mode == "http":
        port = free_port()
        server = start_chroma(data / "chroma-server", port)
        extra = {"chroma_mode": "http", "chroma_port": port}
    settings = Settings(_env_file=None, data_dir=data, **extra)  # type: ignore[call-arg]
    store, catalog = VectorStore(settings), Catalog(settings.catalog_path)
    started = time.perf_counter()
    for start in range(0, size, per_doc):
        doc_id = f"doc{start // per_doc:07d}"
        doc = DocumentRecord(
            doc_id,
            f"synthetic/{doc_id}.txt",
            f"/synthetic/{doc_id}.txt",
            f"Synthetic document {doc_id}",
            "study",
            [],
            2024,
            content_hash=doc_id,
        )
        chunks = [
            Chunk(f"{doc_id}:{i:05d}", doc_id, i, passages[start + i])
            for i in range(min(per_doc, size - start))
        ]
        store.add(doc, chunks, vectors[start : start + len(chunks)])
        catalog.commit(doc)
    store_seconds = time.perf_counter() - started
    t0 = time.perf_counter()
    rebuild_from_store(KeywordIndex(settings.keyword_path), store, catalog)
    index_seconds = time.perf_counter() - t0
    disk = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    return {
        "settings": settings,
        "server": server,
        "ingest_passages_per_second": round(size / (store_seconds + index_seconds), 1),
        "store_seconds": round(store_seconds, 1),
        "keyword_build_seconds": round(index_seconds, 1),
        "disk_mib": round(disk / 2**20, 1),
    }


PROBE = r"""
import json, resource, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from assistant import Assistant, Settings
settings = Settings.model_validate_json(sys.argv[2])
questions = json.loads(sys.argv[3])
t0 = time.perf_counter()
a = Assistant(settings)
a.keyword.load()
load = time.perf_counter() - t0
a.warm()
startup = time.perf_counter() - t0
docs = a.catalog.documents()
def peak_rss_mib():
    # VmHWM, not getrusage: on Linux ru_maxrss survives exec, so a child started from a big
    # parent would report the parent's peak.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
def timed(fn):
    out = []
    for q in questions:
        s = time.perf_counter(); fn(q); out.append((time.perf_counter() - s) * 1000)
    return out
vec = timed(lambda q: a.store.query(a.embedder.embed_query(q), 6, None))
kw = timed(lambda q: a.keyword.search(q, 40))
hyb = timed(lambda q: a.search(q, k=6))
ans = timed(lambda q: a.ask(q))
def pct(v, p):
    v = sorted(v); return round(v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))], 1)
print(json.dumps({
    "keyword_load_seconds": round(load, 2), "startup_seconds": round(startup, 2),
    "vector_p50_ms": pct(vec, .5), "vector_p95_ms": pct(vec, .95),
    "keyword_p50_ms": pct(kw, .5), "keyword_p95_ms": pct(kw, .95),
    "hybrid_p50_ms": pct(hyb, .5), "hybrid_p95_ms": pct(hyb, .95),
    "answer_p50_ms": pct(ans, .5), "answer_p95_ms": pct(ans, .95),
    "api_peak_rss_mib": peak_rss_mib(),
}))
"""


def probe(settings: Any) -> dict[str, Any]:
    questions = (QUESTIONS * 5)[:50]
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO), settings.model_dump_json(), json.dumps(questions)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def plot(results: list[dict[str, Any]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode in sorted({r["mode"] for r in results}):
        rows = sorted((r for r in results if r["mode"] == mode), key=lambda r: r["size"])
        sizes = [r["size"] for r in rows]
        for key, style in (
            ("hybrid_p95_ms", "-o"),
            ("answer_p95_ms", "--s"),
            ("vector_p95_ms", ":^"),
            ("keyword_p95_ms", "-.v"),
        ):
            left.plot(
                sizes,
                [r[key] for r in rows],
                style,
                label=f"{key.replace('_p95_ms', '')} p95 ({mode})",
            )
        right.plot(
            sizes, [r["api_peak_rss_mib"] for r in rows], "-o", label=f"API peak RSS ({mode})"
        )
        served = [r for r in rows if r.get("chroma_server_peak_rss_mib")]
        if served:
            right.plot(
                [r["size"] for r in served],
                [r["chroma_server_peak_rss_mib"] for r in served],
                "--s",
                label=f"Chroma server peak RSS ({mode})",
            )
    left.axhline(150, color="red", lw=0.8, alpha=0.6, label="hybrid p95 target at 1M (150 ms)")
    right.axhline(4096, color="red", lw=0.8, alpha=0.6, label="API RSS target at 1M (4 GB)")
    for ax, title, unit in ((left, "latency", "ms"), (right, "memory", "MiB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("passages")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--modes", nargs="+", default=["embedded", "http"], choices=["embedded", "http"]
    )
    parser.add_argument(
        "--real", type=int, default=100_000, help="passages embedded for real (~30-60 min at 100k)"
    )
    parser.add_argument(
        "--source-data", type=Path, default=Path(os.environ.get("RAG_DATA_DIR", "/tmp/full"))
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--plot-from",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="measure nothing: draw --plot from the results of earlier runs (e.g. the 1M runs "
        "next to the 10k/100k one)",
    )
    parser.add_argument(
        "--per-doc",
        type=int,
        default=10,
        help="passages per synthetic document, i.e. per store write (ingestion writes a document "
        "at a time; more per write loads a large size faster)",
    )
    parser.add_argument(
        "--vector-cache",
        type=Path,
        default=None,
        help="save the real passages' vectors here, or load them if there (same seed and source); "
        "a smaller cache is extended, and an interrupted run resumes from it",
    )
    args = parser.parse_args()

    if args.plot_from:
        if not args.plot:
            parser.error("--plot-from needs --plot (where to write the picture)")
        merged = [r for f in args.plot_from for r in json.loads(f.read_text())["results"]]
        if not plot(merged, args.plot):
            return 1
        print(f"plot of {len(merged)} results: {args.plot}")
        return 0
    if not (args.source_data / "documents.sqlite3").is_file():
        parser.error(
            f"no ingested corpus in {args.source_data}: ingest one first "
            f"(RAG_DATA_DIR={args.source_data} python -m ingest ../shared/corpus) "
            "or pass --source-data"
        )
    sentences = sentences_from(args.source_data)
    print(f"{len(sentences)} real sentences from {args.source_data}")
    largest = max(args.sizes)
    passages = make_passages(sentences, largest, seed=1)
    real = min(args.real, largest)
    real_vectors, embed_rate = real_vectors_for(passages[:real], args.vector_cache)
    vectors = (
        np.concatenate([real_vectors, derive_vectors(real_vectors, largest - real, seed=2)])
        if largest > real
        else real_vectors
    )
    work = Path(tempfile.mkdtemp(prefix="gka-scale-"))
    results = []
    try:
        for size in sorted(args.sizes):
            for mode in args.modes:
                built = build(size, mode, passages, vectors, work, args.per_doc)
                server = built.pop("server")
                try:
                    figures = probe(built.pop("settings"))
                    if server is not None:
                        figures["chroma_server_peak_rss_mib"] = group_peak_rss_mib(server.pid)
                finally:
                    if server is not None:
                        os.killpg(server.pid, signal.SIGTERM)
                        server.wait(timeout=30)
                row = {"size": size, "mode": mode, **built, **figures}
                results.append(row)
                print(json.dumps(row))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    summary = {
        "real_embedded": real,
        "embed_passages_per_second": None if embed_rate is None else round(embed_rate, 1),
        "results": results,
    }
    print()
    print(
        f"{'size':>9} {'mode':<9} {'ingest/s':>9} {'disk MiB':>9} {'RSS MiB':>8} {'kw load s':>9} "
        f"{'vec p95':>8} {'kw p95':>7} {'hyb p95':>8} {'ans p95':>8} {'server MiB':>10}"
    )
    for r in results:
        print(
            f"{r['size']:>9} {r['mode']:<9} {r['ingest_passages_per_second']:>9} {r['disk_mib']:>9} "
            f"{r['api_peak_rss_mib']:>8} {r['keyword_load_seconds']:>9} {r['vector_p95_ms']:>8} "
            f"{r['keyword_p95_ms']:>7} {r['hybrid_p95_ms']:>8} {r['answer_p95_ms']:>8} "
            f"{r.get('chroma_server_peak_rss_mib', '-'):>10}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2))
    if args.plot and plot(results, args.plot):
        print(f"plot: {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
