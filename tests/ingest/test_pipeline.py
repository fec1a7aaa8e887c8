"""Ingestion end to end: real files, real Chroma on disk, incremental runs, bad input, crashes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.storage.catalog import Catalog
from assistant.storage.keyword import KeywordIndex
from assistant.storage.vectors import VectorStore
from ingest.pipeline import Pipeline
from tests.conftest import REPO, copy_corpus, make_settings

pytestmark = pytest.mark.slow


def _store_snapshot(settings) -> dict[str, str]:
    """chunk id -> text of everything in Chroma."""
    out: dict[str, str] = {}
    for ids, texts, _ in VectorStore(settings).iter_all():
        out.update(zip(ids, texts, strict=True))
    return out


def _by_source(settings) -> dict[str, object]:
    return {d.source: d for d in Catalog(settings.catalog_path).documents().values()}


def test_small_corpus_labels_countries_collections(small_store) -> None:
    docs = _by_source(small_store)
    cepa = docs["un-docs/E_2025_44.en.pdf"]
    assert cepa.pages == 28 and cepa.collection == "un"  # its symbol outranks "un-docs"
    assert (cepa.symbol, cepa.language, cepa.year) == ("E/2025/44", "en", 2025)
    chunks = VectorStore(small_store).document_chunks(cepa.doc_id)
    labels = {c.page: c.page_label for c in chunks}
    assert labels[5] == "3/26" and labels[19] == "17/26"
    assert all(c.text for c in chunks)
    assert docs["general-debate-2024/session79_2024/KHM_79_2024.txt"].countries[0] == "KHM"
    assert docs["italy-ict-plan/01_piano-triennale-per-informatica-nella-pa.rst"].countries[:1] == [
        "ITA"
    ]
    assert any(s.startswith("profiles/") for s in docs), (
        "country profiles are ingested as documents"
    )
    assert docs["profiles/KOR.md"].collection == "profile"


def test_indicator_table_is_filled(small_store) -> None:
    from assistant.storage.indicators import IndicatorTable

    table = IndicatorTable(small_store.indicators_path)
    assert table.value("KOR", "egdi", 2010).rank == 1
    assert table.value("IND", "gtmi", 2022).value_text == "0.9400327335480062"


def test_keyword_index_matches_the_store(small_store) -> None:
    index = KeywordIndex(small_store.keyword_path)
    assert index.load()
    assert index.generation == Catalog(small_store.catalog_path).generation()
    assert len(index) == VectorStore(small_store).count()


def test_rerun_is_incremental_and_changes_replace(tmp_path, shared_corpus) -> None:
    corpus = copy_corpus(
        shared_corpus,
        tmp_path / "corpus",
        [
            "general-debate-2024/session79_2024/FJI_79_2024.txt",
            "general-debate-2024/session79_2024/WSM_79_2024.txt",
            "italy-ict-plan/11_razionalizzazione-della-spesa.rst",
        ],
    )
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    first = Pipeline(settings).run()
    assert first.ok and first.totals()["ingested"] == 3
    before = _store_snapshot(settings)

    second = Pipeline(settings).run()
    assert second.totals()["unchanged"] == 3 and second.totals()["ingested"] == 0
    assert second.timings["embed"] == 0.0
    assert _store_snapshot(settings) == before

    fiji = corpus / "general-debate-2024/session79_2024/FJI_79_2024.txt"
    fiji.write_text(
        "Fiji now runs a national e-procurement portal for every public tender.\n", encoding="utf-8"
    )
    third = Pipeline(settings).run()
    assert third.totals()["ingested"] == 1 and third.totals()["unchanged"] == 2
    after = _store_snapshot(settings)
    fiji_doc = _by_source(settings)["general-debate-2024/session79_2024/FJI_79_2024.txt"]
    fiji_chunks = {k: v for k, v in after.items() if k.startswith(fiji_doc.doc_id)}
    assert list(fiji_chunks.values()) == [
        "Fiji now runs a national e-procurement portal for every public tender."
    ]

    fiji.unlink()
    assert Pipeline(settings).run().totals()["pruned"] == 0  # without --prune nothing is removed
    pruned = Pipeline(settings).run(prune=True)
    assert pruned.pruned == ["general-debate-2024/session79_2024/FJI_79_2024.txt"]
    assert not any(k.startswith(fiji_doc.doc_id) for k in _store_snapshot(settings))
    index = KeywordIndex(settings.keyword_path)
    assert index.load() and len(index) == VectorStore(settings).count()


def _bad_files(folder: Path, shared: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "empty.pdf").write_bytes(b"")
    good_pdf = (shared / "un-docs/E_2025_L.24.en.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    (folder / "page.pdf").write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    (folder / "random.pdf").write_bytes(os.urandom(4096))
    (folder / "noise.txt").write_bytes(os.urandom(2048))
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(shared / "un-docs/E_2025_L.24.en.pdf").pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with (folder / "encrypted.pdf").open("wb") as handle:
        writer.write(handle)
    locked = folder / "locked.txt"
    locked.write_text("You cannot read me.")
    locked.chmod(0)
    (folder / "good.txt").write_text(
        "Samoa adopted a national digital transformation strategy in 2024. It covers digital identity.",
        encoding="utf-8",
    )


def test_bad_input_is_reported_by_name_and_the_rest_ingested(tmp_path, shared_corpus) -> None:
    corpus = tmp_path / "corpus"
    _bad_files(corpus, shared_corpus)
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    report = Pipeline(settings).run()
    status = {Path(f.path).name: f for f in report.files}
    assert status["good.txt"].status == "ingested"
    for name in (
        "empty.pdf",
        "truncated.pdf",
        "page.pdf",
        "random.pdf",
        "encrypted.pdf",
        "noise.txt",
    ):
        assert status[name].status == "failed", (name, status[name])
        assert status[name].reason
    assert "HTML" in status["page.pdf"].reason
    assert (
        "password" in status["encrypted.pdf"].reason or "encrypt" in status["encrypted.pdf"].reason
    )
    if not os.access(corpus / "locked.txt", os.R_OK):
        assert status["locked.txt"].status == "failed"
    assert not report.ok
    docs = _by_source(settings)
    assert set(docs) == {"good.txt"} | (
        {"locked.txt"} if os.access(corpus / "locked.txt", os.R_OK) else set()
    )
    assert VectorStore(settings).all_doc_ids() == {d.doc_id for d in docs.values()}


def _cli(settings_dir: Path, corpus: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "RAG_DATA_DIR": str(settings_dir), "RAG_CORPUS_DIRS": str(corpus)}
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_cli_json_report_and_exit_codes(tmp_path, shared_corpus) -> None:
    corpus = tmp_path / "corpus"
    _bad_files(corpus, shared_corpus)
    proc = _cli(tmp_path / "data", corpus, "--json")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    report = json.loads(out)
    assert {"path", "status", "reason", "pages", "chunks", "seconds"} <= set(report["files"][0])
    assert report["totals"]["ingested"] >= 1 and report["totals"]["failed"] >= 5
    (corpus / "locked.txt").chmod(0o644)
    for name in (
        "empty.pdf",
        "truncated.pdf",
        "page.pdf",
        "random.pdf",
        "encrypted.pdf",
        "noise.txt",
    ):
        (corpus / name).unlink()
    proc = _cli(tmp_path / "data", corpus)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    assert "files" in out and "ingested" in out


def _consistency(settings) -> tuple[dict[str, str], set[str]]:
    catalog = Catalog(settings.catalog_path)
    assert catalog.pending() == []
    snapshot = _store_snapshot(settings)
    ready = catalog.documents()
    assert {cid.split(":")[0] for cid in snapshot} == set(ready), "orphan or missing passages"
    for doc in ready.values():
        assert sum(1 for cid in snapshot if cid.split(":")[0] == doc.doc_id) == doc.chunks
    index = KeywordIndex(settings.keyword_path)
    assert index.load() and len(index) == len(snapshot) and index.generation == catalog.generation()
    return snapshot, set(ready)


def test_sigkill_mid_run_then_rerun_gives_the_same_store(tmp_path, shared_corpus) -> None:
    files = [
        "un-docs/E_2025_44.en.pdf",
        "un-docs/E_2025_L.23.en.pdf",
        "italy-ict-plan/01_piano-triennale-per-informatica-nella-pa.rst",
        "general-debate-2024/session79_2024/FJI_79_2024.txt",
        "general-debate-2024/session79_2024/TON_79_2024.txt",
        "general-debate-2024/session79_2024/MNG_79_2024.txt",
    ]
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", files)
    reference = make_settings(tmp_path / "reference", corpus_dirs=[corpus])
    assert Pipeline(reference).run().ok
    expected, expected_docs = _consistency(reference)

    data = tmp_path / "crashed"
    catalog_path = data / "documents.sqlite3"
    kills = 0
    for _ in range(3):  # kill it at later and later points
        proc = _cli(data, corpus, "--quiet")
        deadline = time.time() + 120
        target = kills + 1
        while time.time() < deadline and proc.poll() is None:
            if catalog_path.exists():
                try:
                    with sqlite3.connect(catalog_path, timeout=1) as db:
                        row = db.execute("SELECT COUNT(*) FROM documents").fetchone()
                except sqlite3.Error:
                    row = (0,)
                if row[0] >= target:
                    break
            time.sleep(0.05)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    assert kills >= 1, "the run finished before it could be killed"
    proc = _cli(data, corpus, "--quiet")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    crashed = make_settings(data, corpus_dirs=[corpus])
    snapshot, docs = _consistency(crashed)
    assert docs == expected_docs
    assert snapshot == expected


def test_rebuild_flag_starts_from_scratch(tmp_path, shared_corpus) -> None:
    corpus = copy_corpus(
        shared_corpus, tmp_path / "corpus", ["general-debate-2024/session79_2024/FJI_79_2024.txt"]
    )
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    Pipeline(settings).run()
    again = Pipeline(settings).run(rebuild=True)
    assert again.totals()["ingested"] == 1
    shutil.rmtree(corpus)
