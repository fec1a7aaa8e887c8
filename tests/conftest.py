"""Shared fixtures: where the shared corpus lives, fresh settings per test, a small ingested store."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings

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


def shared_corpus_path() -> Path:
    return Path(os.environ.get("RAG_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    path = shared_corpus_path()
    if not path.is_dir():
        pytest.skip(f"shared corpus not found at {path} (set RAG_SHARED_CORPUS)")
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


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Iterator[Settings]:
    """The small corpus ingested once per session into a fresh data directory."""
    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("small")
    corpus = copy_corpus(shared_corpus, root / "corpus", SMALL_CORPUS)
    settings = make_settings(root / "data", corpus_dirs=[corpus])
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    yield settings
