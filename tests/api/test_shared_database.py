"""Two API hosts behind a load balancer: each with a data directory of its own, sharing a Chroma
server and a PostgreSQL database (``RAG_DATABASE_URL``). What one host records, the other reads:
a conversation goes on from one to the other, an answer recorded on one is read and rated on
the other, a brief drafted on one is listed and downloaded from the other."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.api.test_server_scale import NOTE, _stop, _wait_for, chroma_server  # noqa: F401
from tests.conftest import PUBLIC_TOKEN, REPO, free_port, make_settings

pytestmark = pytest.mark.slow

HOST_FILES = ("documents.sqlite3", "conversations.sqlite3", "answers.sqlite3", "briefs")


def _host(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, **env, "RAG_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_two_api_hosts_share_conversations_answers_feedback_and_briefs(
    tmp_path: Path,
    database_url: str,
    chroma_server: tuple[int, subprocess.Popen[bytes]],  # noqa: F811
) -> None:
    from ingest.pipeline import Pipeline

    chroma_port, _ = chroma_server
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "government-24.md").write_text(NOTE, encoding="utf-8")
    shared = {
        "chroma_mode": "http",
        "chroma_port": chroma_port,
        "database_url": database_url,
        "corpus_dirs": [corpus],
    }
    report = Pipeline(make_settings(tmp_path / "ingest-host", **shared)).run()
    assert report.ok and report.totals()["chunks"] > 0

    env = {
        "RAG_CHROMA_MODE": "http",
        "RAG_CHROMA_PORT": str(chroma_port),
        "RAG_DATABASE_URL": database_url,
        "RAG_CORPUS_DIRS": json.dumps([str(corpus)]),
        "RAG_API_TOKENS": json.dumps({PUBLIC_TOKEN: []}),
    }
    dirs = tmp_path / "host-a", tmp_path / "host-b"
    ports = free_port(), free_port()
    hosts = [_host(d, p, env) for d, p in zip(dirs, ports, strict=True)]
    try:
        for port, proc in zip(ports, hosts, strict=True):
            _wait_for(f"http://127.0.0.1:{port}/healthz", proc)
        a, b = (
            httpx.Client(
                base_url=f"http://127.0.0.1:{p}",
                headers={"Authorization": f"Bearer {PUBLIC_TOKEN}"},
                timeout=120,
            )
            for p in ports
        )
        # a conversation started on one host goes on on the other
        first = a.post(
            "/api/ask",
            json={"question": "How many public services can people reach through Government 24?"},
        ).json()
        assert first["grounded"] and "ninety thousand" in first["answer"]
        follow = b.post(
            "/api/ask",
            json={
                "question": "what does it send before passports expire?",
                "conversation_id": first["conversation_id"],
            },
        ).json()
        assert follow["conversation_id"] == first["conversation_id"]
        assert "reminders" in follow["answer"]
        turns = a.get(f"/api/conversations/{first['conversation_id']}").json()["turns"]
        assert [t["answer_id"] for t in turns] == [first["id"], follow["id"]]
        # an answer recorded on one host is read and rated on the other
        rated = b.post("/api/feedback", json={"answer_id": first["id"], "rating": 1})
        assert rated.status_code == 200, rated.text
        record = a.get(f"/api/answers/{first['id']}").json()
        assert record["answer"] == first["answer"] and len(record["feedback"]) == 1
        # a brief drafted on one host is listed and downloaded from the other
        brief = a.post("/api/briefs", json={"country": "Korea", "topic": "one-stop portals"})
        assert brief.status_code == 200, brief.text
        listed = b.get("/api/briefs").json()["items"]
        assert [item["id"] for item in listed] == [brief.json()["id"]]
        docx = b.get(f"/api/briefs/{brief.json()['id']}/docx")
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
        # the database drops every connection (a restart, a failover): requests that meet a
        # dropped one get a 503 that says so, and the hosts connect again
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        statuses = []
        for _ in range(8):
            r = b.get("/api/briefs")
            statuses.append(r.status_code)
            assert r.status_code in (200, 503), r.text
            if r.status_code == 503:
                assert (
                    "PostgreSQL" in r.json()["detail"] and "RAG_DATABASE_URL" in r.json()["detail"]
                )
        assert statuses[-1] == 200
        health = b.get("/api/health").json()["store"]
        assert health["records"] == "postgresql" and health["mode"] == "http"
        # none of it was written to either host's data directory
        for data_dir in dirs:
            assert not [name for name in HOST_FILES if (data_dir / name).exists()], data_dir
    finally:
        for proc in hosts:
            _stop(proc)
