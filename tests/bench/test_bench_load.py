"""The load benchmark against a live server over the web chat's tiny corpus, so that it cannot rot
between the long runs: a cold and a warm pass over a pool of every kind (a follow-up continuing
its conversation), then the stream samples. Figures are not asserted (benchmarks measure, tests
do not time); the report's shape and counts are, and the shipped pool's make-up."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import run_bench
from tests.web.harness import serve

REPO = Path(__file__).resolve().parents[2]


def _bench(
    urls: list[str], pool: Path, report: Path, *, stream_samples: int
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """``bench/load.py`` run against ``urls`` with two clients: it must succeed; its output and
    the figures it wrote."""
    done = run_bench(
        "load.py",
        *["--url", *urls, "--clients", "2", "--questions", str(pool)],
        *["--stream-samples", str(stream_samples), "--json", str(report)],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done, json.loads(report.read_text(encoding="utf-8"))


def test_the_shipped_pool_is_large_distinct_and_of_every_kind() -> None:
    lines = (REPO / "bench" / "load_questions.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    questions = [i["question"].lower() for i in items]
    assert len(items) >= 200 and len(set(questions)) == len(questions)
    kinds = Counter(i["kind"] for i in items)
    assert set(kinds) == {"document", "indicator", "comparison", "follow_up"}
    assert all(bool(i.get("follow_up")) == (i["kind"] == "follow_up") for i in items)


def test_load_bench_runs_a_cold_and_a_warm_pass_over_the_pool(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    items = [
        {"kind": "document", "question": "how does singapore train its officers"},
        {"kind": "indicator", "question": "fiji egdi 2024"},
        {"kind": "comparison", "question": "compare fiji and tonga egdi"},
        {
            "kind": "follow_up",
            "question": "what does fiji's digital id do",
            "follow_up": "and who runs it?",
        },
        {"kind": "document", "question": "kiribati permits outer islands"},
    ]
    pool.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    report = tmp_path / "load.json"
    server = serve(tmp_path / "server")
    live = next(server)
    try:
        done, figures = _bench([live.url], pool, report, stream_samples=1)
    finally:
        server.close()
    # the last item is kept for the stream samples, which must be cold too
    assert figures["pool"] == {"items": 4, "requests": 5}
    assert [(r["pass"], r["clients"]) for r in figures["runs"]] == [("cold", 2), ("warm", 2)]
    for run in figures["runs"]:
        assert run["requests"] == 5 and run["errors"] == 0
        kinds = {"document", "indicator", "comparison", "opening", "follow_up"}
        assert set(run["by_kind"]) == kinds
        assert run["by_kind"]["follow_up"]["answered"] == 1  # the pair's second question
    assert figures["stream"]["samples"] == 1 and figures["stream"]["errors"] == 0
    assert "cold,   2 clients" in done.stdout and "warm,   2 clients" in done.stdout


def test_load_bench_spreads_clients_over_several_hosts_and_follow_ups_change_host(
    tmp_path: Path,
) -> None:
    """Two server processes on one data directory (SQLite's WAL lets them share it; several
    hosts share PostgreSQL instead): each follow-up is asked of the other process."""
    from tests.web.harness import ingest, server_env, start_server, stop_server, write_corpus

    root = tmp_path / "server"
    env = server_env(root / "data", write_corpus(root / "corpus"))
    ingest(root, env)
    pool = tmp_path / "pool.jsonl"
    pairs = [
        {"kind": "follow_up", "question": q, "follow_up": "and who runs it?"}
        for q in ("what does fiji's digital id do", "how does singapore train its officers")
    ]
    pool.write_text("\n".join(json.dumps(i) for i in pairs), encoding="utf-8")
    report = tmp_path / "load.json"
    servers = [start_server(root, env), start_server(root, env)]
    try:
        _, figures = _bench([s.url for s in servers], pool, report, stream_samples=0)
    finally:
        for server in servers:
            stop_server(server)
    assert figures["hosts"] == 2 and figures["url"] == [s.url for s in servers]
    for run in figures["runs"]:
        assert run["errors"] == 0 and run["by_kind"]["follow_up"]["answered"] == 2
    # each host answered its clients' openings and the other clients' follow-ups
    for server in servers:
        asked = server.log.read_text(encoding="utf-8").count('"POST /api/ask HTTP')
        assert asked == 4, (server.url, asked)
