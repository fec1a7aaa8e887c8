"""What the web-chat tests run on: Debian's chromium, a live uvicorn over a tiny store, pages
watched for script errors and dialogs, and screenshots under ``test-output/web/``.

The store is built from ``corpus.py`` with ``python -m ingest``; the server is a real uvicorn
process on 127.0.0.1 (``server:app``, which serves ``bots/web`` at "/"); the browser is the
system's ``chromium`` driven by Playwright (``playwright install`` is neither needed nor used).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import free_port
from tests.web.corpus import write_corpus

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "web"
TOKEN = "web-chat-token-0123456789abcdefghijklm"


def chromium_path() -> str | None:
    """Debian's chromium (or CHROMIUM_PATH); None when there is none."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def server_env(data_dir: Path, corpus: Path, **extra: str) -> dict[str, str]:
    """The environment of ``python -m ingest`` and the server: only the settings set here
    (no RAG_* from the developer's shell; the working directory has no .env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(
        RAG_DATA_DIR=str(data_dir),
        RAG_CORPUS_DIRS=str(corpus),
        RAG_ANSWERER="extractive",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def ingest(root: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "--json", "--quiet"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"ingest failed:\n{result.stdout}\n{result.stderr}"


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def api(self, method: str, path: str, *, page: Any = None, **kwargs: Any) -> httpx.Response:
        """Call the API from the test (with the token when there is one); with ``page``, as
        that browser: without tokens, what a browser makes belongs to its ``X-Client-Id``."""
        headers = dict(self.headers)
        if page is not None and self.token is None:
            headers["X-Client-Id"] = page.evaluate("localStorage.getItem('gka.client-id')")
        return httpx.request(method, self.url + path, headers=headers, timeout=60, **kwargs)


def start_server(root: Path, env: dict[str, str], token: str | None = None) -> LiveServer:
    port = free_port()
    log = root / f"uvicorn-{port}.log"
    command = [sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    server = LiveServer(f"http://127.0.0.1:{port}", process, log, token, headers)
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if server.api("GET", "/api/health").status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"uvicorn did not answer /api/health:\n{log.read_text()}")
        time.sleep(0.25)


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=30)


def serve(root: Path, **extra: str) -> Iterator[LiveServer]:
    """Write the corpus under ``root``, ingest it, serve it; stop the server afterwards."""
    corpus = write_corpus(root / "corpus")
    env = server_env(root / "data", corpus, **extra)
    ingest(root, env)
    server = start_server(root, env, token=extra.get("RAG_API_TOKENS"))
    try:
        yield server
    finally:
        stop_server(server)


@dataclass
class Watched:
    """A page and what it did that a test may want to check afterwards."""

    page: Any
    context: Any
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def open_page(browser: Any, url: str, **context_options: Any) -> Watched:
    options = {"viewport": {"width": 1366, "height": 900}, **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(30_000)
    page = context.new_page()
    watched = Watched(page, context)

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("request", lambda request: watched.requests.append(request.url))
    page.goto(url + "/")
    return watched


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
