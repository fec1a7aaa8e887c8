"""The scale path: a real Chroma server (client/server mode) and several uvicorn processes
serving one data directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from server import create_app
from tests.conftest import HR_TOKEN, PUBLIC_TOKEN, REPO, free_port, make_settings

pytestmark = pytest.mark.slow

NOTE = """<!-- collection: case; countries: KOR; year: 2021 -->
# Government 24 in the Republic of Korea

Government 24 is the single portal through which citizens of the Republic of Korea reach more than
ninety thousand public services. It lets people apply for certificates online and receive them by mail.
The portal sends reminders before documents such as passports expire.
"""


def _wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    binary = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(binary).exists():
        pytest.skip("the chroma CLI (from the chromadb package) is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc)
        yield port, proc
    finally:
        _stop(proc)


def test_chroma_client_server_mode_ingests_and_answers_through_the_api(
    tmp_path: Path, chroma_server: tuple[int, subprocess.Popen[bytes]]
) -> None:
    from ingest.pipeline import Pipeline

    port, proc = chroma_server
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "government-24.md").write_text(NOTE, encoding="utf-8")
    settings = make_settings(
        tmp_path / "data", corpus_dirs=[corpus], chroma_mode="http", chroma_port=port
    )
    report = Pipeline(settings).run()
    assert report.ok and report.totals()["chunks"] > 0
    assert not settings.chroma_path.exists()  # the passages went to the server, not to disk
    with TestClient(create_app(settings)) as client:
        health = client.get("/api/health").json()
        assert health["store"]["mode"] == "http" and health["store"]["passages"] > 0
        answer = client.post(
            "/api/ask",
            json={"question": "How many public services can people reach through Government 24?"},
        ).json()
        assert answer["grounded"] is True and "ninety thousand" in answer["answer"]
        assert answer["citations"][0]["source"] == "government-24.md"
        _stop(proc)  # the Chroma server goes away
        down = client.post(
            "/api/ask", json={"question": "What does Government 24 send before passports expire?"}
        )
        assert down.status_code == 503
        assert f"127.0.0.1:{port}" in down.json()["detail"] and "Traceback" not in down.text
        assert client.get("/api/health").status_code == 503


def _serve(settings: Settings, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(settings.data_dir),
        "RAG_CORPUS_DIRS": json.dumps([str(p) for p in settings.corpus_dirs]),
        "RAG_API_TOKENS": settings.api_tokens.get_secret_value(),
    }
    command = [sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_several_worker_processes_serve_one_data_directory(private_store: Settings) -> None:
    """Two uvicorn processes (one of them with two workers) on one data directory: a
    conversation goes on from one to the other, and every answer is in the shared audit trail."""
    ports = free_port(), free_port()
    procs = [_serve(private_store, ports[0], workers=2), _serve(private_store, ports[1], workers=1)]
    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_for(f"http://127.0.0.1:{port}/healthz", proc)
        a, b = (f"http://127.0.0.1:{p}" for p in ports)
        hr = {"Authorization": f"Bearer {HR_TOKEN}"}
        first = httpx.post(
            f"{a}/api/ask",
            headers=hr,
            timeout=60,
            json={"question": "What was Tuvalu's EGDI in 2026?"},
        )
        assert first.status_code == 200 and "0.98765" in first.json()["answer"]
        cid = first.json()["conversation_id"]
        follow = httpx.post(
            f"{b}/api/ask",
            headers=hr,
            timeout=60,
            json={"question": "What about Samoa?", "conversation_id": cid},
        ).json()
        assert follow["rewritten_question"] == "What was Samoa's EGDI in 2026?"
        assert "0.87654" in follow["answer"]
        turns = httpx.get(f"{a}/api/conversations/{cid}", headers=hr).json()["turns"]
        assert [t["answer_id"] for t in turns] == [first.json()["id"], follow["id"]]

        public = {"Authorization": f"Bearer {PUBLIC_TOKEN}"}
        questions = [
            "What does the Civil Service College teach?",
            "What did Fiji launch for digital identity?",
        ]

        def ask(i: int) -> tuple[int, str, str]:
            base, other = (a, b) if i % 2 else (b, a)
            with httpx.Client(headers=public, timeout=120) as client:  # a new connection each time
                r = client.post(f"{base}/api/ask", json={"question": questions[i % 2]})
                return r.status_code, r.json().get("id", ""), other

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(ask, range(16)))
        assert [code for code, _, _ in results] == [200] * 16
        for _, answer_id, other in results:  # each answer is readable from the other process
            assert httpx.get(f"{other}/api/answers/{answer_id}", headers=public).status_code == 200
        listed = httpx.get(f"{b}/api/conversations", headers=public, params={"limit": 200}).json()
        assert {r[1] for r in results} <= {
            t["answer_id"]
            for c in listed["items"]
            for t in httpx.get(f"{a}/api/conversations/{c['id']}", headers=public).json()["turns"]
        }
    finally:
        for proc in procs:
            _stop(proc)
