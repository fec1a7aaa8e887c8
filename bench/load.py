"""Load benchmark for a running server: a pool of practitioners' questions asked by N concurrent
clients, first cold, then warm.

    python bench/load.py [--url http://127.0.0.1:8000 [URL ...]] [--clients 20] [--token TOKEN]
                         [--questions bench/load_questions.jsonl] [--stream-samples 20]
                         [--json bench/results/load.json]

The pool (``bench/load_questions.jsonl``: 210 questions typed as practitioners type them, of four
kinds: document, indicator, comparison, and follow-up pairs whose second question continues the
first's conversation) is asked once through with each client count: the **cold** pass, whose
questions the server has not seen since it started (start it afresh before the run: its caches
of sentence embeddings and answers are then empty), then the same pool again, the **warm** pass.
For each pass: requests, errors (any status but 200, or a failed request), requests/s and latency
p50/p95/p99, also per kind (a follow-up pair's first question counted as "opening"). Then the time to the first event of /api/ask/stream (and to
``done``), one request at a time on an otherwise idle server, for questions of the pool not asked
before. Prints text; ``--json`` writes the figures. Exits 1 when any request failed. The server's
answerer should be the extractive one (the default), or the figures measure the LLM rather than
the service.

With several ``--url`` (API hosts sharing a Chroma server and ``RAG_DATABASE_URL``), the clients
are spread over them in turn, as a load balancer would, and each follow-up goes to the host after
the one that answered its opening question: the conversation must carry over.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import platform
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
POOL = REPO / "bench" / "load_questions.jsonl"


@dataclass(frozen=True)
class Item:
    """One client's unit of work: a question and, for a follow-up pair, the question that
    continues its conversation."""

    kind: str
    question: str
    follow_up: str | None = None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_items(path: Path) -> list[Item]:
    """The pool: JSONL with ``question`` (and ``kind``, ``follow_up``), or plain strings."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        if isinstance(data, str):
            items.append(Item("document", data))
        else:
            kind = str(data.get("kind") or "document")
            items.append(Item(kind, str(data["question"]), data.get("follow_up") or None))
    if not items:
        raise SystemExit(f"no questions in {path}")
    return items


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "answered": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
    }


async def run_pass(
    urls: list[str], headers: dict[str, str], items: list[Item], clients: int, label: str
) -> dict[str, Any]:
    """Every item asked once, by ``clients`` clients taking the next item as each finishes;
    client ``i`` asks host ``i`` mod the hosts, and its follow-ups the next host."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    queue: asyncio.Queue[Item] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    requests = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with contextlib.AsyncExitStack() as stack:
        hosts = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits)
            )
            for url in urls
        ]

        async def ask(host: int, kind: str, body: dict[str, Any]) -> dict[str, Any] | None:
            nonlocal requests
            requests += 1
            started = time.perf_counter()
            try:
                response = await hosts[host % len(hosts)].post("/api/ask", json=body)
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] += 1
                return None
            if response.status_code != 200:
                errors[f"HTTP {response.status_code}"] += 1
                return None
            latencies[kind].append((time.perf_counter() - started) * 1000)
            return response.json()  # type: ignore[no-any-return]

        async def worker(host: int) -> None:
            while True:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                # a pair's first question is counted apart from its follow-up
                opening = "opening" if item.follow_up else item.kind
                first = await ask(host, opening, {"question": item.question})
                if item.follow_up and first is not None:
                    body = {"question": item.follow_up, "conversation_id": first["conversation_id"]}
                    await ask(host + 1, "follow_up", body)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    every = [v for values in latencies.values() for v in values]
    return {
        "pass": label,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": requests,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "requests_per_s": round(len(every) / elapsed, 2) if elapsed else 0.0,
        **summary(every),
        "by_kind": {kind: summary(values) for kind, values in sorted(latencies.items())},
    }


async def run_stream(
    url: str, headers: dict[str, str], questions: list[str], samples: int
) -> dict[str, Any]:
    first: list[float] = []
    done: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        for i in range(samples):
            started = time.perf_counter()
            try:
                async with client.stream(
                    "POST", "/api/ask/stream", json={"question": questions[i % len(questions)]}
                ) as response:
                    if response.status_code != 200:
                        errors += 1
                        continue
                    seen_first = False
                    async for line in response.aiter_lines():
                        if line.startswith("event:"):
                            if not seen_first:
                                first.append((time.perf_counter() - started) * 1000)
                                seen_first = True
                            if line.strip() == "event: error":
                                errors += 1
                    done.append((time.perf_counter() - started) * 1000)
            except httpx.HTTPError:
                errors += 1
    return {
        "samples": samples,
        "errors": errors,
        "first_event_p50_ms": round(percentile(first, 50), 1),
        "first_event_p95_ms": round(percentile(first, 95), 1),
        "done_p50_ms": round(percentile(done, 50), 1),
        "done_p95_ms": round(percentile(done, 95), 1),
    }


def _line(result: dict[str, Any]) -> str:
    kinds = ", ".join(f"{k} p95 {v['p95_ms']:.0f}" for k, v in result["by_kind"].items())
    return (
        f"{result['pass']:>4}, {result['clients']:>3} clients, {result['seconds']:.0f} s: "
        f"{result['requests']} requests, {result['errors']} errors {result['error_kinds'] or ''}, "
        f"{result['requests_per_s']:.1f} req/s, p50 {result['p50_ms']:.0f} ms, "
        f"p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms ({kinds})"
    )


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    items = load_items(args.questions)
    # a few questions kept out of the passes, so that the stream samples are cold too
    held = [i.question for i in items[-args.stream_samples :]] if args.stream_samples else []
    pool = items[: len(items) - len(held)] if held else items
    async with httpx.AsyncClient(base_url=args.url[0], headers=headers, timeout=30) as client:
        health = (await client.get("/api/health")).json()
    runs = []
    for clients in args.clients:
        for label in ("cold", "warm"):
            result = await run_pass(args.url, headers, pool, clients, label)
            runs.append(result)
            print(_line(result), flush=True)
    stream = await run_stream(args.url[0], headers, held or [pool[0].question], len(held) or 1)
    print(
        f"/api/ask/stream, {stream['samples']} sequential requests: first event p50 "
        f"{stream['first_event_p50_ms']:.0f} ms, p95 {stream['first_event_p95_ms']:.0f} ms; "
        f"done p50 {stream['done_p50_ms']:.0f} ms; {stream['errors']} errors"
    )
    kinds = Counter(i.kind for i in pool)
    return {
        "url": args.url[0] if len(args.url) == 1 else args.url,
        "hosts": len(args.url),
        "pool": {"items": len(pool), "requests": len(pool) + sum(1 for i in pool if i.follow_up)},
        "kinds": dict(kinds),
        "server": {k: health.get(k) for k in ("version", "store", "models")},
        "client_machine": {"python": platform.python_version(), "platform": platform.platform()},
        "runs": runs,
        "stream": stream,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        nargs="+",
        action="extend",
        default=None,
        help="the API; several: hosts sharing one database, asked in turn",
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[20])
    parser.add_argument("--token", default=None, help="an API token, if the server needs one")
    parser.add_argument("--questions", type=Path, default=POOL, help="JSONL with 'question'")
    parser.add_argument("--stream-samples", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    args.url = args.url or ["http://127.0.0.1:8000"]
    try:
        result = asyncio.run(main_async(args))
    except httpx.HTTPError as exc:
        print(f"error: cannot reach {' '.join(args.url)}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"figures written to {args.json}")
    failed = sum(r["errors"] for r in result["runs"]) + result["stream"]["errors"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
