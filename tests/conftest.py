"""Shared fixtures: where the shared corpus lives, fresh settings per test, a small ingested store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.scripted_openai import openai_server  # noqa: F401  (a fixture for the LLM tests)

REPO = Path(__file__).resolve().parents[1]

# A small slice of the shared corpus that still has every kind of file: UN PDFs with "n/N"
# folios, an OECD PDF offset by one, RST chapters, speeches, indicator CSVs.
SMALL_CORPUS = [
    "un-docs/E_2025_44.en.pdf",
    "un-docs/E_2025_L.24.en.pdf",
    "oecd-eu/oecd_2023_digital_government_index_1a89ed5e-en.pdf",
    "italy-ict-plan/01_piano-triennale-per-informatica-nella-pa.rst",
    "italy-ict-plan/11_razionalizzazione-della-spesa.rst",
    "general-debate-2024/session79_2024/KHM_79_2024.txt",
    "general-debate-2024/session79_2024/SGP_79_2024.txt",
    "general-debate-2024/session79_2024/FJI_79_2024.txt",
    "indicators-egdi/egdi_2003_2024_long.csv",
    "indicators-gtmi/gtmi_2020_2022_2025.csv",
]


def run_bench(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``bench/<script>`` run as a person runs it, from the repository root, its output kept
    for the test to read (and to show when it failed)."""
    return subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        check=False,
    )


def shared_corpus_path() -> Path:
    return Path(os.environ.get("RAG_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    path = shared_corpus_path()
    if not path.is_dir():
        pytest.skip(f"shared corpus not found at {path} (set RAG_SHARED_CORPUS)")
    return path


@pytest.fixture(scope="session")
def corpus_extra() -> Path:
    """../shared/corpus-extra/un-2025: 100 real UN documents (some not in English, some scans)."""
    path = shared_corpus_path().parent / "corpus-extra" / "un-2025"
    if not path.is_dir():
        pytest.skip(f"corpus-extra not found at {path}")
    return path


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings that ignore the developer's .env and environment: tests see only what they set."""
    values: dict[str, object] = {"data_dir": data_dir, "corpus_dirs": [], **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


def copy_corpus(shared: Path, dest: Path, files: list[str]) -> Path:
    """Copy some shared files into a scratch corpus (tests change and delete files there)."""
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared / rel, target)
    return dest


def mended_after_a_change_with_it_off(
    corpus: Path,
    off: Settings,
    on: Settings,
    versions: Callable[[Settings], tuple[dict[str, str], dict[str, str]]],
) -> None:
    """A collection kept beside the passages by a setting (the multilingual sentence index, the
    sentence vectors): a file changed while the setting is off leaves it stale, and the next run
    with it on brings it back in line. ``versions``: (the passages', the collection's) document
    versions. Fiji's General Debate statement is rewritten to one new sentence."""
    from ingest.pipeline import Pipeline

    fiji = corpus / "general-debate-2024/session79_2024/FJI_79_2024.txt"
    fiji.write_text(
        "Fiji now runs a national e-procurement portal for every public tender in the country.\n",
        encoding="utf-8",
    )
    Pipeline(off).run()
    passages, beside = versions(on)
    assert beside != passages
    Pipeline(on).run()
    passages, beside = versions(on)
    assert beside == passages


@pytest.fixture(scope="session")
def small_store(
    tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path
) -> Iterator[Settings]:
    """The small corpus ingested once per session into a fresh data directory."""
    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("small")
    corpus = copy_corpus(shared_corpus, root / "corpus", SMALL_CORPUS)
    settings = make_settings(root / "data", corpus_dirs=[corpus])
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    yield settings


# --- the HTTP service -----------------------------------------------------------------------

HR_TOKEN = "hr-token-0123456789abcdefghijklmnopqrstuv"
PUBLIC_TOKEN = "public-token-0123456789abcdefghijklmnop"
PRIVATE_TOKENS = {HR_TOKEN: ["hr"], PUBLIC_TOKEN: []}

_PUBLIC_NOTE = """<!-- collection: study; countries: SGP; year: 2023 -->
# Public service training in Singapore

The Civil Service College trains public officers in digital skills every year.
Its courses cover data literacy, service design and the use of artificial intelligence in government.
Officers who complete the programme lead digital transformation projects in their agencies.
"""

_PUBLIC_NOTE_2 = """<!-- collection: case; countries: FJI; year: 2022 -->
# Digital identity in Fiji

Fiji launched a national digital identity programme to give every citizen a secure online credential.
The programme links birth registration with the digital identity so that services can be delivered online.
"""

_PRIVATE_NOTE = """# Internal human resources circular

The Zephyr allowance for remote-island civil servants is 412 dollars per month.
It is paid to officers posted to islands without a hospital, starting from their second month.
Requests for the Zephyr allowance go to the human resources division of the ministry.
"""

_PRIVATE_CSV = (
    "year,iso3,country,egdi_rank,egdi,osi,hci,tii,epi,source_file\n"
    "2026,TUV,Tuvalu,1,0.98765,0.91111,0.92222,0.93333,0.94444,hr-export.csv\n"
    "2026,WSM,Samoa,2,0.87654,0.81111,0.82222,0.83333,0.84444,hr-export.csv\n"
)


def write_private_corpus(corpus: Path, *, indicator_file: bool = True) -> Path:
    """Two public notes in ``public/`` and, in ``hr/`` marked ``{"access": "hr"}`` by sidecars, a
    circular and (unless ``indicator_file`` is false) an indicator file."""
    import json

    (corpus / "public").mkdir(parents=True)
    (corpus / "hr").mkdir()
    (corpus / "public" / "civil-service-college.md").write_text(_PUBLIC_NOTE, encoding="utf-8")
    (corpus / "public" / "fiji-digital-identity.md").write_text(_PUBLIC_NOTE_2, encoding="utf-8")
    private = {"zephyr-allowance.md": _PRIVATE_NOTE}
    if indicator_file:
        private["hr_egdi_2026.csv"] = _PRIVATE_CSV
    for name, text in private.items():
        (corpus / "hr" / name).write_text(text, encoding="utf-8")
        sidecar = corpus / "hr" / f"{name}.meta.json"
        sidecar.write_text(json.dumps({"access": "hr"}), encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def private_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A tiny store with public documents and a private collection ``hr`` (a circular and an
    indicator file marked with sidecars ``{"access": "hr"}``), and tokens for both kinds of
    caller. Written here, so it needs no shared corpus."""
    import json

    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("private")
    corpus = write_private_corpus(root / "corpus")
    settings = make_settings(
        root / "data", corpus_dirs=[corpus], api_tokens=json.dumps(PRIVATE_TOKENS)
    )
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    yield settings


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: object) -> Iterator[str]:
    """``with serving(app) as url``: a real uvicorn on 127.0.0.1 in a thread, stopped after."""
    import threading
    import time

    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def live_server() -> Iterator[object]:
    """Serve an app on 127.0.0.1 with a real uvicorn in a thread: ``url = live_server(app)``."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(serving(app))


# --- PostgreSQL (RAG_DATABASE_URL): a throwaway cluster ---------------------------------------


def _postgres_bin() -> Path | None:
    """The server programs of Debian's ``postgresql`` package (initdb and pg_ctl)."""
    for found in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (found / "initdb").exists() and (found / "pg_ctl").exists():
            return found
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster of its own in a temporary directory, on 127.0.0.1 and a free port,
    stopped after the session: the URL of its server (no database named)."""
    import subprocess

    binaries = _postgres_bin()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (Debian's postgresql package: make setup-test)")
    import tempfile

    # not under pytest's temporary folder: as root that is closed to other users, and the server
    # refuses to run as root, so it runs as the package's postgres user
    root = Path(tempfile.mkdtemp(prefix="rag-postgres-"))
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(root, "postgres")
    port = free_port()
    data = root / "data"

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "rag", "-E", "UTF8")
    options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    try:
        yield f"postgresql://rag@127.0.0.1:{port}"
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(postgres_server: str) -> str:
    """A new, empty database on the test cluster for one test."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{postgres_server}/{name}"
