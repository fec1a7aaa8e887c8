"""Load benchmark for a running server: N concurrent clients against /api/ask for D seconds.

    python bench/load.py [--url http://127.0.0.1:8000] [--clients 20 50] [--duration 60]
                         [--token TOKEN] [--questions ../shared/eval/public_qa.jsonl]
                         [--stream-samples 20] [--json bench/results/load.json]

For each client count: requests, errors (any status but 200, or a failed request), requests/s
and latency p50/p95/p99. Then the time to the first event of /api/ask/stream (and to ``done``),
one request at a time on an otherwise idle server. Prints text; ``--json`` writes the figures.
Exits 1 when any request failed. The server's answerer should be the extractive one (the
default), or the figures measure the LLM rather than the service.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

DEFAULT_QUESTIONS = [
    "What did CEPA encourage INTOSAI to do about artificial intelligence?",
    "What was Fiji's EGDI in 2024?",
    "How has Mongolia's online service index changed since 2012?",
    "Which country ranked first in 2010?",
    "What does the Three-Year Plan for ICT in Public Administration say about cloud services?",
    "What did Singapore say about digital government at the General Assembly in 2024?",
    "How do Korea and Italy approach digital identity?",
    "What is the OECD Digital Government Index?",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_questions(path: Path | None) -> list[str]:
    if path is None:
        return DEFAULT_QUESTIONS
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            questions.append(item["question"] if isinstance(item, dict) else str(item))
    if not questions:
        raise SystemExit(f"no questions in {path}")
    return questions


async def run_load(
    url: str, headers: dict[str, str], questions: list[str], clients: int, duration: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    counter = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=120, limits=limits
    ) as client:

        async def worker(offset: int) -> None:
            nonlocal counter
            i = offset
            while time.perf_counter() < deadline:
                question = questions[i % len(questions)]
                i += clients
                started = time.perf_counter()
                try:
                    response = await client.post("/api/ask", json={"question": question})
                    if response.status_code == 200:
                        latencies.append((time.perf_counter() - started) * 1000)
                    else:
                        errors[f"HTTP {response.status_code}"] += 1
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                counter += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": counter,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "requests_per_s": round(len(latencies) / elapsed, 2),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
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


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    questions = load_questions(args.questions)
    async with httpx.AsyncClient(base_url=args.url, headers=headers, timeout=30) as client:
        health = (await client.get("/api/health")).json()
        for question in questions:  # warm up: first answers load caches
            await client.post("/api/ask", json={"question": question}, timeout=120)
    runs = []
    for clients in args.clients:
        result = await run_load(args.url, headers, questions, clients, args.duration)
        runs.append(result)
        print(
            f"{clients:>3} clients, {result['seconds']:.0f} s: {result['requests']} requests, "
            f"{result['errors']} errors {result['error_kinds'] or ''}, "
            f"{result['requests_per_s']:.1f} req/s, p50 {result['p50_ms']:.0f} ms, "
            f"p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms",
            flush=True,
        )
    stream = await run_stream(args.url, headers, questions, args.stream_samples)
    print(
        f"/api/ask/stream, {stream['samples']} sequential requests: first event p50 "
        f"{stream['first_event_p50_ms']:.0f} ms, p95 {stream['first_event_p95_ms']:.0f} ms; "
        f"done p50 {stream['done_p50_ms']:.0f} ms; {stream['errors']} errors"
    )
    return {
        "url": args.url,
        "duration_s": args.duration,
        "questions": len(questions),
        "server": {k: health.get(k) for k in ("version", "store", "models")},
        "client_machine": {"python": platform.python_version(), "platform": platform.platform()},
        "runs": runs,
        "stream": stream,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per client count")
    parser.add_argument("--token", default=None, help="an API token, if the server needs one")
    parser.add_argument("--questions", type=Path, default=None, help="JSONL with 'question'")
    parser.add_argument("--stream-samples", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    try:
        result = asyncio.run(main_async(args))
    except httpx.HTTPError as exc:
        print(f"error: cannot reach {args.url}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(f"figures written to {args.json}")
    failed = sum(r["errors"] for r in result["runs"]) + result["stream"]["errors"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
