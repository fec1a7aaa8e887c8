"""Faults survived, with real processes and a real Chroma: a uvicorn worker killed under load,
the Chroma server stopped (or frozen) under load, a full disk during ingestion, and ingestion
running beside live questions.

Each test checks that the fault really happened (the worker is dead, the Chroma server does not
answer its heartbeat, the disk is full) before it judges what the service did about it, and
prints the figures it measured (``pytest -s`` shows them)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.storage.catalog import Catalog
from assistant.storage.vectors import VectorStore
from ingest.pipeline import Pipeline
from tests.api.test_server_scale import NOTE, _stop, _wait_for
from tests.conftest import REPO, copy_corpus, free_port, make_settings

pytestmark = pytest.mark.slow

SPEECH = "general-debate-2024/session79_2024/{}_79_2024.txt"
HANGS = {"ReadTimeout", "ConnectTimeout", "WriteTimeout", "PoolTimeout"}

CHROMA_TIMEOUT_S = 8.0  # RAG_CHROMA_TIMEOUT of the API under test: a frozen server's wait


# --- helpers: processes, environment, load --------------------------------------------------


def _env(**values: str) -> dict[str, str]:
    """The environment of a child process: ours without any RAG_ setting, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    return {**env, **values}


def _start_api(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning"]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc: no psutil here)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _state(pid: int) -> str:
    """The process state letter (R, S, Z...), or "" once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _until(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll ``condition`` every 0.1 s; the time it became true, or fail naming ``what``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@dataclass
class Call:
    """One request of a :class:`Load` and what came of it."""

    path: str
    started: float
    ended: float = 0.0
    status: int | None = None  # None: no HTTP answer at all (see ``error``)
    error: str = ""  # the transport error's type when the connection failed
    detail: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    before: Any = None  # what ``probe`` saw just before and just after the request
    after: Any = None

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Load:
    """A steady stream of POSTs from several threads, each on a new connection (so the kernel
    spreads them over the workers), every one with a timeout."""

    def __init__(
        self,
        base: str,
        requests: list[tuple[str, dict[str, Any]]],
        *,
        threads: int = 3,
        timeout: float = 30.0,
        probe: Callable[[], Any] | None = None,
    ) -> None:
        self.base, self.requests, self.timeout, self.probe = base, requests, timeout, probe
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(i, threads), daemon=True)
            for i in range(threads)
        ]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 15)
        assert not any(t.is_alive() for t in self._threads), "a request outlived its timeout"

    def _run(self, first: int, step: int) -> None:
        n = first
        while not self._done.is_set():
            path, body = self.requests[n % len(self.requests)]
            n += step
            call = Call(path, time.monotonic())
            call.before = self.probe() if self.probe else None
            call.started = time.monotonic()
            try:
                response = httpx.post(self.base + path, json=body, timeout=self.timeout)
                call.status = response.status_code
                data = response.json() if "json" in response.headers.get("content-type", "") else {}
                call.body = data if isinstance(data, dict) else {}
                call.detail = str(call.body.get("detail", "")) or response.text[:300]
            except httpx.TransportError as exc:
                call.error = type(exc).__name__
            call.ended = time.monotonic()
            call.after = self.probe() if self.probe else None
            with self._lock:
                self.calls.append(call)
            self._done.wait(0.02)

    def snapshot(self) -> list[Call]:
        with self._lock:
            return list(self.calls)

    def count(self, keep: Callable[[Call], bool]) -> int:
        return sum(1 for c in self.snapshot() if keep(c))


# --- 1. one of two uvicorn workers killed under load ---------------------------------------

QUESTIONS = [
    "What did Fiji say about climate change?",
    "What did Tonga say about the ocean?",
    "What did Singapore say about multilateralism?",
]


@pytest.fixture(scope="module")
def speeches(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Settings:
    root = tmp_path_factory.mktemp("speeches")
    files = [SPEECH.format(c) for c in ("FJI", "TON", "SGP")]
    settings = make_settings(
        root / "data", corpus_dirs=[copy_corpus(shared_corpus, root / "corpus", files)]
    )
    assert Pipeline(settings).run().ok
    return settings


def test_killing_one_of_two_workers_under_load_loses_only_its_requests(
    speeches: Settings, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = _env(RAG_DATA_DIR=str(speeches.data_dir))
    command = [sys.executable, "-m", "assistant", "serve", "--workers", "2", "--port", str(port)]
    with log.open("wb") as out:
        master = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)

    def started() -> int:
        return log.read_text(errors="replace").count("Application startup complete.")

    try:
        _until(lambda: started() >= 2 or master.poll() is not None, 180, "two workers to start")
        assert master.poll() is None, log.read_text(errors="replace")
        workers = [p for p in _children(master.pid) if "spawn_main" in _cmdline(p)]
        assert len(workers) == 2, f"workers of {master.pid}: {workers}"
        cpu = {w: _cpu_seconds(w) for w in workers}
        requests = [("/api/ask", {"question": q}) for q in QUESTIONS]
        with Load(base, requests, threads=4, timeout=30) as load:
            # Both workers take part: each burns CPU on the questions the kernel hands it.
            _until(
                lambda: (
                    load.count(lambda c: c.status == 200) >= 12
                    and all(_cpu_seconds(w) - cpu[w] >= 0.3 for w in workers)
                ),
                90,
                "both workers to answer questions",
            )
            victim, survivor = workers
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            dead_at = _until(lambda: _state(victim) in ("", "Z", "X"), 10, "the worker to die")
            survivor_cpu = _cpu_seconds(survivor)
            replaced_at: list[float] = []

            def enough_after_the_kill() -> bool:
                if not replaced_at and started() >= 3:
                    replaced_at.append(time.monotonic())  # uvicorn's replacement is serving
                return load.count(lambda c: c.started >= dead_at and c.status == 200) >= 16

            _until(enough_after_the_kill, 90, "answers after the kill")
        calls = load.snapshot()
        survivor_alive = _state(survivor) not in ("", "Z", "X")
        survivor_cpu_after = _cpu_seconds(survivor) if survivor_alive else survivor_cpu
        # uvicorn's master replaces the dead worker: two workers again, the survivor one of them
        ready_again = _until(lambda: started() >= 3, 120, "the replacement worker to start")
        now = [p for p in _children(master.pid) if "spawn_main" in _cmdline(p)]
        answered = httpx.post(f"{base}/api/ask", json={"question": QUESTIONS[0]}, timeout=30)
    finally:
        _stop(master)

    before = [c for c in calls if c.ended < killed_at]
    after = [c for c in calls if c.started >= dead_at]
    failed = [c for c in calls if c.status != 200]
    alone_until = replaced_at[0] if replaced_at else ready_again
    by_survivor_alone = [c for c in after if c.ended < alone_until]
    print(
        f"\nworker kill: {len(before)} answers before, {len(after)} after "
        f"({len(by_survivor_alone)} by the survivor alone; uvicorn's replacement worker "
        f"served {alone_until - dead_at:.1f} s after the kill); "
        f"failed: {[(c.error or c.status, round(c.seconds, 2)) for c in failed]}; "
        f"slowest: {max(c.seconds for c in calls):.2f} s"
    )
    assert before and all(c.status == 200 for c in before)
    assert survivor_alive, "the other worker died too"
    assert survivor in now and victim not in now and len(now) == 2, (workers, now)
    assert answered.status_code == 200
    assert survivor_cpu_after > survivor_cpu, "the other worker answered nothing after the kill"
    assert len(by_survivor_alone) >= 3, "nothing was answered between the kill and the restart"
    assert all(c.status == 200 for c in after), [(c.status, c.error, c.detail) for c in after]
    for c in failed:  # only connections the killed worker held can fail, and only by a reset
        assert c.status is None and c.error and c.error not in HANGS, (c.status, c.error)
        assert c.started < dead_at and c.ended >= killed_at, "it was not in flight at the kill"
    assert all(c.seconds < 30 for c in calls), "a request hung"


# --- 2. the Chroma server stopped (or frozen) under load -----------------------------------

NOTE_2 = """<!-- collection: case; countries: EST; year: 2022 -->
# X-Road in Estonia

X-Road is the data exchange layer that lets Estonian public registers talk to each other.
Citizens give their data to the state only once; agencies fetch it from the register that holds it.
"""


class ChromaServer:
    """``chroma run`` on 127.0.0.1 that a test can stop, freeze and start again (same port,
    same path)."""

    def __init__(self, path: Path, port: int) -> None:
        binary = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
        if not Path(binary).exists():
            pytest.skip("the chroma CLI (from the chromadb package) is not installed")
        self.binary, self.path, self.port = binary, path, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [self.binary, "run", "--path", str(self.path), "--host", "127.0.0.1"]
        self.proc = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                os.kill(self.proc.pid, signal.SIGCONT)  # in case a test froze it
            _stop(self.proc)

    def answers(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=2).is_success
        except httpx.HTTPError:
            return False


@dataclass
class ChromaApi:
    base: str
    chroma: ChromaServer
    api: subprocess.Popen[bytes]


def _api_env_on_server(
    tmp_path: Path, chroma: ChromaServer, notes: dict[str, str]
) -> dict[str, str]:
    """Ingest ``notes`` (file name: text) into the Chroma server; the environment of an API on it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in notes.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = make_settings(
        tmp_path / "data", corpus_dirs=[corpus], chroma_mode="http", chroma_port=chroma.port
    )
    assert Pipeline(settings).run().ok
    return _env(
        RAG_DATA_DIR=str(settings.data_dir),
        RAG_CHROMA_MODE="http",
        RAG_CHROMA_PORT=str(chroma.port),
        RAG_CHROMA_TIMEOUT=str(CHROMA_TIMEOUT_S),
    )


@pytest.fixture
def chroma_api(tmp_path: Path) -> Iterator[ChromaApi]:
    """Two notes ingested into a Chroma server, and the API (one uvicorn process) on it."""
    chroma = ChromaServer(tmp_path / "chroma-server", free_port())
    chroma.start()
    api = None
    try:
        notes = {"government-24.md": NOTE, "x-road.md": NOTE_2}
        port, env = free_port(), _api_env_on_server(tmp_path, chroma, notes)
        api = _start_api(env, port, tmp_path / "api.log")
        _wait_for(f"http://127.0.0.1:{port}/healthz", api)
        yield ChromaApi(f"http://127.0.0.1:{port}", chroma, api)
    finally:
        if api is not None:
            _stop(api)
        chroma.stop()


STORE_REQUESTS = [
    ("/api/ask", {"question": "How many public services can people reach through Government 24?"}),
    ("/api/search", {"query": "X-Road data exchange between registers", "k": 3}),
]


def test_chroma_server_stopped_under_load_fails_fast_and_recovers_without_restart(
    chroma_api: ChromaApi,
) -> None:
    base, chroma = chroma_api.base, chroma_api.chroma
    with Load(base, STORE_REQUESTS, threads=3, timeout=30) as load:
        _until(lambda: load.count(lambda c: c.status == 200) >= 6, 60, "answers before")
        stopping = time.monotonic()
        chroma.stop()
        down_at = time.monotonic()
        assert not chroma.answers()
        _until(lambda: load.count(lambda c: c.started >= down_at) >= 10, 30, "requests while down")
        health_down = httpx.get(f"{base}/api/health", timeout=30)
        assert not chroma.answers(), "the Chroma server came back by itself"
        restarting = time.monotonic()
        chroma.start()
        up_at = time.monotonic()
        _until(
            lambda: load.count(lambda c: c.started >= up_at and c.status == 200) >= 8,
            60,
            "answers after the restart",
        )
    calls = load.snapshot()
    health_up = httpx.get(f"{base}/api/health", timeout=30)

    before = [c for c in calls if c.ended < stopping]
    during = [c for c in calls if c.started >= down_at and c.ended < restarting]
    after = [c for c in calls if c.started >= up_at]
    first_ok = min(c.ended for c in calls if c.started >= restarting and c.status == 200)
    print(
        f"\nchroma outage: {len(before)} answers before; {len(during)} requests while down, "
        f"statuses {sorted({c.status for c in during})}, answered in "
        f"max {max(c.seconds for c in during) * 1000:.0f} ms "
        f"(median {sorted(c.seconds for c in during)[len(during) // 2] * 1000:.0f} ms); "
        f"first answer {first_ok - restarting:.2f} s after the restart began (Chroma took "
        f"{up_at - restarting:.1f} s to answer its heartbeat); {len(after)} requests after, "
        f"statuses {sorted({c.status for c in after})}"
    )
    assert chroma_api.api.poll() is None, "the API process went down with Chroma"
    assert not [c for c in calls if c.error], "the API itself dropped connections"
    assert before and all(c.status == 200 for c in before)
    assert len(during) >= 10
    assert {c.path for c in during} == {"/api/ask", "/api/search"}
    for c in during:
        assert c.status == 503, (c.path, c.status, c.detail)
        assert c.seconds < 3.0, f"{c.path} took {c.seconds:.1f} s to fail"
        assert f"127.0.0.1:{chroma.port}" in c.detail and "RAG_CHROMA_PORT" in c.detail
        assert "Traceback" not in c.detail
    assert all(c.status in (200, 503) for c in calls), sorted({c.status for c in calls})
    assert health_down.status_code == 503 and health_up.status_code == 200
    assert all(c.status == 200 for c in after), [(c.path, c.status, c.detail) for c in after]


def test_frozen_chroma_server_gives_503_after_the_timeout_not_a_hang(
    chroma_api: ChromaApi,
) -> None:
    base, chroma = chroma_api.base, chroma_api.chroma
    assert chroma.proc is not None
    ask, search = ({"json": body, "url": base + path} for path, body in STORE_REQUESTS)
    assert httpx.post(**ask, timeout=30).status_code == 200

    def timed(request: dict[str, Any]) -> tuple[int, str, float]:
        t0 = time.monotonic()
        response = httpx.post(**request, timeout=CHROMA_TIMEOUT_S * 3)
        return response.status_code, response.json().get("detail", ""), time.monotonic() - t0

    os.kill(chroma.proc.pid, signal.SIGSTOP)  # the process lives, its sockets stay open
    try:
        assert not chroma.answers()
        with ThreadPoolExecutor(3) as pool:
            results = list(pool.map(timed, [ask, search, ask]))
        assert not chroma.answers(), "the Chroma server thawed during the test"
    finally:
        os.kill(chroma.proc.pid, signal.SIGCONT)
    recovered = httpx.post(**ask, timeout=30)
    print(f"\nfrozen chroma: {[(s, round(t, 1)) for s, _, t in results]}")
    for status, detail, seconds in results:
        assert status == 503, (status, detail)
        assert f"127.0.0.1:{chroma.port}" in detail and "RAG_CHROMA_PORT" in detail
        assert CHROMA_TIMEOUT_S - 1 < seconds < CHROMA_TIMEOUT_S + 15  # the setting is the wait
    assert recovered.status_code == 200 and chroma_api.api.poll() is None


def test_api_started_while_the_chroma_server_is_frozen_serves_and_recovers(
    tmp_path: Path,
) -> None:
    """chromadb's client talks to the server in its constructor, before any timeout can be set:
    a server frozen at that moment used to hang the API's start-up for good."""
    chroma = ChromaServer(tmp_path / "chroma-server", free_port())
    chroma.start()
    api = None
    try:
        env = _api_env_on_server(tmp_path, chroma, {"government-24.md": NOTE})
        assert chroma.proc is not None
        os.kill(chroma.proc.pid, signal.SIGSTOP)
        port = free_port()
        t0 = time.monotonic()
        api = _start_api(env, port, tmp_path / "api.log")
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", api, seconds=CHROMA_TIMEOUT_S + 90)
        started = time.monotonic() - t0
        health = httpx.get(f"{base}/api/health", timeout=CHROMA_TIMEOUT_S * 3)
        assert not chroma.answers(), "the Chroma server thawed during the test"
        os.kill(chroma.proc.pid, signal.SIGCONT)
        answer = httpx.post(f"{base}/api/ask", json=dict(STORE_REQUESTS[0][1]), timeout=60)
        print(f"\nAPI start-up with a frozen Chroma server: {started:.1f} s")
        assert health.status_code == 503
        assert f"127.0.0.1:{chroma.port}" in health.text and "RAG_CHROMA_PORT" in health.text
        assert answer.status_code == 200, answer.text
        assert "Government 24" in answer.text
        assert "could not load its store" in (tmp_path / "api.log").read_text()
    finally:
        if api is not None:
            _stop(api)
        chroma.stop()


# --- 3. a full disk during ingestion -------------------------------------------------------

MORE = ["VUT", "WSM", "PLW", "MHL", "NRU"]

INSPECT = r"""
import json, sys
from assistant.storage.catalog import Catalog
from assistant.config import Settings
from assistant.storage.keyword import KeywordIndex
from assistant.storage.vectors import VectorStore
s = Settings(_env_file=None, data_dir=sys.argv[1], corpus_dirs=[])
catalog, store, keyword = Catalog(s.catalog_path), VectorStore(s), KeywordIndex(s.keyword_path)
docs = catalog.documents()
print(json.dumps({
    "ready": {d.doc_id: [d.source, d.chunks] for d in docs.values()},
    "pending": [d.source for d in catalog.pending()],
    "passages": store.count(),
    "store_docs": sorted(store.all_doc_ids()),
    "keyword_loaded": keyword.load(),
    "keyword_passages": len(keyword),
    "keyword_generation": keyword.generation,
    "generation": catalog.generation(),
    "run_active": catalog.get_state("run_active"),
}))
"""


def _python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def _inspect(data: Path, env: dict[str, str]) -> dict[str, Any]:
    done = _python(["-c", INSPECT, str(data)], env)
    assert done.returncode == 0, done.stderr
    state: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return state


def _assert_consistent(state: dict[str, Any]) -> None:
    """Catalogue, Chroma and the keyword index describe the same whole documents."""
    assert state["pending"] == [] and state["run_active"] is None
    assert state["store_docs"] == sorted(state["ready"])
    assert state["passages"] == sum(chunks for _, chunks in state["ready"].values())
    assert state["keyword_loaded"] and state["keyword_passages"] == state["passages"]
    assert state["keyword_generation"] == state["generation"]


def _cited(question: str, env: dict[str, str]) -> set[str]:
    done = _python(["-m", "assistant", "ask", question, "--json"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    return {c["source"].rsplit("/", 1)[-1][:3] for c in json.loads(done.stdout)["citations"]}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MB tmpfs, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)]).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=True)


def _fill(disk: Path, leave: int) -> Path:
    """Other files take the disk: leave ``leave`` bytes free."""
    ballast = disk / "ballast"
    usage = shutil.disk_usage(disk)
    with ballast.open("wb") as out:
        out.truncate(0)
        remaining = usage.free - leave
        while remaining > 0:
            block = min(remaining, 1 << 20)
            out.write(b"\0" * block)
            remaining -= block
    assert abs(shutil.disk_usage(disk).free - leave) < 64 * 1024
    return ballast


@pytest.mark.parametrize("when", ["during", "before"])
def test_full_disk_during_ingestion_is_a_clear_error_and_the_store_survives(
    small_disk: Path, shared_corpus: Path, tmp_path: Path, when: str
) -> None:
    """``during``: the disk fills while new speeches are ingested (some fit, the rest do not);
    ``before``: the disk is already full when ingestion starts (nothing can be written)."""
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", [SPEECH.format("FJI")])
    copy_corpus(shared_corpus, corpus, [SPEECH.format("TON")])
    data = small_disk / "data"
    env = _env(RAG_DATA_DIR=str(data), RAG_CORPUS_DIRS=json.dumps([str(corpus)]))
    assert _python(["-m", "ingest"], env).returncode == 0
    ballast = _fill(small_disk, leave=3500 * 1024 if when == "during" else 16 * 1024)
    copy_corpus(shared_corpus, corpus, [SPEECH.format(c) for c in MORE])

    full = _python(["-m", "ingest"], env)
    output = full.stdout + full.stderr
    free_after = shutil.disk_usage(small_disk).free
    print(f"\nfull disk ({when}): exit {full.returncode}, {free_after // 1024} KB left\n{output}")
    assert "Traceback" not in output
    assert "no space left" in output.lower() and str(data) in output
    if when == "during":
        # The run ends: what fit is ingested, each file that did not is reported, the store is
        # whole and answers while the disk is still full.
        assert full.returncode == 1
        skipped = [line for line in full.stdout.splitlines() if line.lstrip().startswith("FAILED")]
        assert skipped and all("no space left" in line for line in skipped)
        state = _inspect(data, env)
        _assert_consistent(state)
        assert len(state["ready"]) == 2 + len(MORE) - len(skipped)
        assert "FJI" in _cited("What did Fiji say about climate change?", env)
    else:
        assert full.returncode == 2
        assert full.stderr.strip().splitlines()[-1].startswith("error: No space left")

    ballast.unlink()  # space is freed: the next run finishes the job
    again = _python(["-m", "ingest"], env)
    assert again.returncode == 0, again.stdout + again.stderr
    state = _inspect(data, env)
    _assert_consistent(state)
    assert sorted(source[-15:-12] for source, _ in state["ready"].values()) == sorted(
        ["FJI", "TON", *MORE]
    )
    assert "VUT" in _cited("What did Vanuatu say about climate change?", env)


# --- 4. questions while ingestion runs -----------------------------------------------------

REPLACED = ["FJI", "TON"]  # a new version (upper case) is ingested while questions run
HELD = "SGP"  # held half-written (pending, new passages stored) for a while
ADDED = ["VUT", "WSM", "PLW", "MHL"]
LIVE_QUESTIONS = [
    "What did Fiji say about climate change?",
    "What did Singapore say about multilateralism?",
    "What did Tonga say about the ocean?",
    "What did Vanuatu say about climate change?",
    "What did Singapore say about the United Nations?",
    "What did Samoa say about sea level rise?",
    "What did Palau say about the ocean?",
]


def _catalog_state(path: Path) -> dict[str, tuple[str, str]]:
    """doc_id -> (status, content hash), read as another process would."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = db.execute("SELECT doc_id, status, content_hash FROM documents").fetchall()
    finally:
        db.close()
    return {doc_id: (status, digest) for doc_id, status, digest in rows}


def _upper(text: str) -> bool:
    """Cited from an upper-case version (every passage of one is upper case)."""
    return not any(ch.islower() for ch in text)


def test_questions_during_ingestion_cite_only_whole_documents(
    tmp_path: Path, shared_corpus: Path
) -> None:
    """The API answers without pause while (a) a writer holds one document half-written for
    seconds, exactly as ingestion does between ``begin`` and ``commit``, and (b) ``python -m
    ingest`` replaces two documents and adds four. Every citation must come from a version of
    its document that was whole in the catalogue at some moment of its request."""
    codes = [*REPLACED, HELD]
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", [SPEECH.format(c) for c in codes])
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    assert Pipeline(settings).run().ok
    catalog = Catalog(settings.catalog_path)
    docs = {Path(d.path).name[:3]: d for d in catalog.documents().values()}
    original = {d.doc_id: d.content_hash for d in docs.values()}
    upper: dict[str, str] = {}  # doc_id -> content hash of its upper-case version
    env = _env(RAG_DATA_DIR=str(settings.data_dir), RAG_CORPUS_DIRS=json.dumps([str(corpus)]))
    port = free_port()
    api = _start_api(env, port, tmp_path / "api.log")
    ingest = None

    def probe() -> dict[str, tuple[str, str]]:
        return _catalog_state(settings.catalog_path)

    def cites(call: Call, code: str, *, in_upper: bool) -> bool:
        return any(
            c["document_id"] == docs[code].doc_id and _upper(c["text"]) == in_upper
            for c in call.body.get("citations", [])
        )

    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", api)
        requests = [("/api/ask", {"question": q}) for q in LIVE_QUESTIONS]
        with Load(f"http://127.0.0.1:{port}", requests, threads=3, probe=probe) as load:
            _until(
                lambda: load.count(lambda c: cites(c, HELD, in_upper=False)) >= 1,
                60,
                "Singapore's speech to be cited",
            )
            # (a) a writer holds Singapore's speech half-written: pending in the catalogue, its
            # passages already replaced by an upper-case version in Chroma
            held = docs[HELD]
            chunks = [
                replace(c, text=c.text.upper(), doc_hash="held-version")
                for c in VectorStore(settings).document_chunks(held.doc_id)
            ]
            vectors = Embedder().embed([c.text for c in chunks])
            pending = replace(held, content_hash="held-version")
            upper[held.doc_id] = pending.content_hash
            catalog.set_state("run_active", str(time.time()))
            catalog.begin(pending)
            begun = time.monotonic()
            VectorStore(settings).delete_document(held.doc_id)
            VectorStore(settings).add(pending, chunks, vectors)
            _until(
                lambda: (
                    load.count(lambda c: c.started > begun and "Singapore" in c.body["question"])
                    >= 3
                ),
                60,
                "questions on Singapore while its speech is half-written",
            )
            committing = time.monotonic()
            catalog.commit(pending)
            catalog.set_state("run_active", None)
            committed = time.monotonic()
            _until(
                lambda: (
                    load.count(lambda c: c.started > committed and cites(c, HELD, in_upper=True))
                    >= 1
                ),
                60,
                "the new version of Singapore's speech to be cited once whole",
            )
            # (b) a real ingestion run replaces two speeches and adds four
            for code in REPLACED:
                path = Path(docs[code].path)
                path.write_text(path.read_text(encoding="utf-8").upper(), encoding="utf-8")
                upper[docs[code].doc_id] = hashlib.sha256(path.read_bytes()).hexdigest()
            copy_corpus(shared_corpus, corpus, [SPEECH.format(c) for c in ADDED])
            ingest_started = time.monotonic()
            ingest = subprocess.Popen(
                [sys.executable, "-m", "ingest", "--quiet"],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            output, _ = ingest.communicate(timeout=240)
            ingest_ended = time.monotonic()
            assert ingest.returncode == 0, output.decode(errors="replace")
            _until(lambda: load.count(lambda c: c.started > ingest_ended) >= 9, 60, "answers after")
        calls = load.snapshot()
    finally:
        if ingest is not None and ingest.poll() is None:
            ingest.kill()
        _stop(api)

    assert all(c.status == 200 for c in calls), [
        (c.status, c.error, c.detail) for c in calls if c.status != 200
    ]
    hold = [c for c in calls if c.started > begun and c.ended < committing]
    ingesting = [c for c in calls if c.ended > ingest_started and c.started < ingest_ended]
    violations = []
    seen = {"original": 0, "upper case": 0, "added": 0}
    cited: list[tuple[str, str, str]] = []
    for c in calls:
        for citation in c.body["citations"]:
            doc_id, text = citation["document_id"], citation["text"]
            cited.append((citation["chunk_id"] or "", doc_id, text))
            if doc_id in upper and _upper(text):
                version, kind = upper[doc_id], "upper case"
            elif doc_id in original:
                version, kind = original[doc_id], "original"
            else:
                version, kind = "", "added"
            seen[kind] += 1
            # whole at the start or at the end of the request (each document changes once per
            # phase, seconds apart, so it cannot have been whole only in between)
            states = [c.before.get(doc_id), c.after.get(doc_id)]
            if not any(
                st is not None and st[0] == "ready" and (not version or st[1] == version)
                for st in states
            ):
                violations.append((kind, doc_id, *states))
    print(
        f"\nlive ingestion: {len(calls)} answers; {len(hold)} while Singapore's speech was held "
        f"half-written ({committing - begun:.1f} s), {len(ingesting)} while `python -m ingest` "
        f"ran ({ingest_ended - ingest_started:.1f} s); citations: {seen}; violations: {violations}"
    )
    assert violations == []
    assert not [
        c for c in hold if any(x["document_id"] == held.doc_id for x in c.body["citations"])
    ]
    assert seen["original"] and seen["upper case"], f"no changing document was cited: {seen}"
    # Every passage cited from a version that is still current is in the store, whole.
    final = _catalog_state(settings.catalog_path)
    assert all(status == "ready" for status, _ in final.values())
    assert final[held.doc_id][1] == original[held.doc_id]  # the run put the file's version back
    replaced_ids = {docs[code].doc_id for code in REPLACED}
    current = [
        (chunk_id, doc_id, text)
        for chunk_id, doc_id, text in cited
        if chunk_id
        and (
            doc_id not in original
            or (doc_id in replaced_ids and _upper(text))
            or (doc_id == held.doc_id and not _upper(text))
        )
    ]
    chunks_now = VectorStore(settings).get(sorted({chunk_id for chunk_id, _, _ in current}))
    for chunk_id, doc_id, text in current:
        chunk = chunks_now.get(chunk_id)
        assert chunk is not None and chunk.doc_id == doc_id, chunk_id
        assert chunk.doc_hash == final[doc_id][1]
        assert " ".join(text.split())[:60] in " ".join(chunk.text.split()), (chunk_id, text)


def test_running_api_finds_documents_ingested_later_by_vector_search(
    tmp_path: Path, shared_corpus: Path
) -> None:
    corpus = copy_corpus(
        shared_corpus, tmp_path / "corpus", [SPEECH.format(c) for c in ("FJI", "SGP")]
    )
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    assert Pipeline(settings).run().ok
    env = _env(RAG_DATA_DIR=str(settings.data_dir), RAG_CORPUS_DIRS=json.dumps([str(corpus)]))
    port = free_port()
    api = _start_api(env, port, tmp_path / "api.log")
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", api)
        copy_corpus(shared_corpus, corpus, [SPEECH.format("VUT")])
        assert _python(["-m", "ingest", "--quiet"], env).returncode == 0
        query = {"query": "What did Vanuatu say about climate change?", "k": 6}
        hits = httpx.post(f"http://127.0.0.1:{port}/api/search", json=query, timeout=60)
    finally:
        _stop(api)
    vut = [h for h in hits.json()["results"] if h["source"].endswith("VUT_79_2024.txt")]
    assert any(h["vector_score"] is not None for h in vut), hits.json()["results"]


def test_a_completely_full_disk_gives_a_clear_error_to_a_new_process(
    small_disk: Path, shared_corpus: Path, tmp_path: Path
) -> None:
    """With not a byte free, the catalogue still opens (read-only), but Chroma cannot open its
    store at all: a new process must say so plainly, and answer again once there is room."""
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", [SPEECH.format("FJI")])
    data = small_disk / "data"
    env = _env(RAG_DATA_DIR=str(data), RAG_CORPUS_DIRS=json.dumps([str(corpus)]))
    assert _python(["-m", "ingest"], env).returncode == 0
    ballast = _fill(small_disk, leave=0)
    try:
        assert shutil.disk_usage(small_disk).free < 64 * 1024
        done = _python(["-m", "assistant", "ask", "What did Fiji say about climate change?"], env)
        output = done.stdout + done.stderr
        assert done.returncode == 2 and "Traceback" not in output
        assert "Cannot open the Chroma store" in output and "full" in output
        assert "reading it read-only" in output  # the catalogue got that far
    finally:
        ballast.unlink()
    assert "FJI" in _cited("What did Fiji say about climate change?", env)
