"""Ingestion keeps private files private: sidecars that cannot be trusted fail the file, metadata
is part of the change check, symbolic links are skipped and reported, and a document id belongs
to one file. Real pipeline, real Chroma on disk, tiny corpora written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.models import DocumentRecord
from assistant.storage.catalog import Catalog
from assistant.storage.indicators import IndicatorTable
from assistant.storage.vectors import VectorStore
from ingest.pipeline import FileReport, Pipeline, Report
from tests.conftest import make_settings, write_private_corpus

SECRET = "412 dollars"
CIRCULAR = "hr/zephyr-allowance.md"
DATA = "hr/hr_egdi_2026.csv"
TUVALU_EGDI = "0.98765"


def _run(settings: Settings) -> Report:
    return Pipeline(settings).run()


def _docs(settings: Settings) -> dict[str, DocumentRecord]:
    return {d.source: d for d in Catalog(settings.catalog_path).documents().values()}


def _status(report: Report) -> dict[str, FileReport]:
    return {Path(f.path).name: f for f in report.files}


def _stored_texts(settings: Settings) -> dict[str, tuple[str, str]]:
    """chunk id -> (text, access) of everything in Chroma."""
    out: dict[str, tuple[str, str]] = {}
    for ids, texts, metas in VectorStore(settings).iter_all():
        for chunk_id, text, meta in zip(ids, texts, metas, strict=True):
            out[chunk_id] = (text, str(meta["access"]))
    return out


def _indicator_rows(settings: Settings) -> list[tuple[str, str]]:
    with IndicatorTable(settings.indicators_path) as table:
        return table.files()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_private_corpus(tmp_path / "corpus")


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    return make_settings(tmp_path / "data", corpus_dirs=[corpus])


def _sidecar(corpus: Path, source: str) -> Path:
    return corpus / f"{source}.meta.json"


# --- sidecars -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"access": "hr"', "not readable JSON"),
        ('{"access": ["hr"]}', "not a list"),
        ('["hr"]', "must be a JSON object"),
        ('{"acces": "hr"}', "unknown key(s) acces"),
    ],
    ids=["not-json", "access-list", "not-an-object", "misspelt-key"],
)
def test_an_invalid_sidecar_fails_the_file_instead_of_making_it_public(
    corpus: Path, settings: Settings, content: str, expected: str
) -> None:
    _sidecar(corpus, CIRCULAR).write_text(content, encoding="utf-8")
    report = _run(settings)
    failed = _status(report)["zephyr-allowance.md"]
    assert failed.status == "failed"
    assert "zephyr-allowance.md.meta.json" in (failed.reason or "")
    assert expected in (failed.reason or "")
    assert not report.ok
    assert CIRCULAR not in _docs(settings)
    assert all(SECRET not in text for text, _ in _stored_texts(settings).values())
    assert _status(report)["civil-service-college.md"].status == "ingested"  # the rest goes on


def test_an_invalid_sidecar_exits_1_and_names_the_sidecar(
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assistant.config import get_settings
    from ingest.__main__ import main

    _sidecar(corpus, CIRCULAR).write_text('{"access": ["hr"]}', encoding="utf-8")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_CORPUS_DIRS", str(corpus))
    get_settings.cache_clear()
    try:
        assert main(["--json", "--quiet"]) == 1
    finally:
        get_settings.cache_clear()
    files = {Path(f["path"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert files["zephyr-allowance.md"]["status"] == "failed"
    assert "zephyr-allowance.md.meta.json" in files["zephyr-allowance.md"]["reason"]


def test_a_broken_sidecar_on_a_data_file_withdraws_its_public_version(
    corpus: Path, settings: Settings
) -> None:
    _sidecar(corpus, DATA).unlink()  # first ingested without a sidecar: public
    assert _run(settings).ok
    public = _docs(settings)[DATA]
    assert public.access == "public"
    assert public.doc_id in {doc_id for doc_id, _ in _indicator_rows(settings)}
    profile = settings.profiles_dir / "TUV.md"
    assert TUVALU_EGDI in profile.read_text(encoding="utf-8")

    _sidecar(corpus, DATA).write_text('{"access": ["hr"]}', encoding="utf-8")
    report = _run(settings)
    assert _status(report)["hr_egdi_2026.csv"].status == "failed"
    assert DATA not in _docs(settings)
    assert public.doc_id not in {doc_id for doc_id, _ in _indicator_rows(settings)}
    assert not profile.exists()  # no public data left for Tuvalu
    assert all(TUVALU_EGDI not in text for text, _ in _stored_texts(settings).values())

    _sidecar(corpus, DATA).write_text('{"access": "hr"}', encoding="utf-8")  # fixed
    assert _run(settings).ok
    fixed = _docs(settings)[DATA]
    assert fixed.access == "hr" and fixed.doc_id == public.doc_id
    assert fixed.doc_id in {doc_id for doc_id, _ in _indicator_rows(settings)}
    assert not profile.exists()  # a private file's figures never reach a public profile


def test_adding_or_editing_a_sidecar_later_relabels_the_document(
    corpus: Path, settings: Settings
) -> None:
    _sidecar(corpus, CIRCULAR).unlink()
    assert _run(settings).ok
    doc = _docs(settings)[CIRCULAR]
    assert doc.access == "public"
    assert _run(settings).totals()["ingested"] == 0  # nothing changed: nothing re-ingested

    _sidecar(corpus, CIRCULAR).write_text('{"access": "hr"}', encoding="utf-8")
    report = _run(settings)
    assert _status(report)["zephyr-allowance.md"].status == "ingested"
    assert _docs(settings)[CIRCULAR].access == "hr"
    stored = [a for cid, (_, a) in _stored_texts(settings).items() if cid.startswith(doc.doc_id)]
    assert stored and set(stored) == {"hr"}

    _sidecar(corpus, CIRCULAR).write_text(
        '{"access": "hr", "collection": "case", "countries": ["TUV"]}', encoding="utf-8"
    )
    assert _status(_run(settings))["zephyr-allowance.md"].status == "ingested"
    relabelled = _docs(settings)[CIRCULAR]
    assert (relabelled.access, relabelled.collection, relabelled.countries) == (
        "hr",
        "case",
        ["TUV"],
    )


def test_fixing_a_sidecar_ingests_the_file_that_failed(corpus: Path, settings: Settings) -> None:
    _sidecar(corpus, CIRCULAR).write_text("{not json", encoding="utf-8")
    assert not _run(settings).ok
    assert not _run(settings).ok  # still failed on the next run: the file did not change
    _sidecar(corpus, CIRCULAR).write_text('{"access": "hr"}', encoding="utf-8")
    assert _run(settings).ok
    assert _docs(settings)[CIRCULAR].access == "hr"


# --- symbolic links -----------------------------------------------------------------------------
def test_a_link_to_a_private_file_neither_takes_its_id_nor_makes_it_public(
    corpus: Path, settings: Settings
) -> None:
    (corpus / "public" / "allowance.md").symlink_to(corpus / CIRCULAR)
    (corpus / "public" / "egdi.csv").symlink_to(corpus / DATA)
    report = _run(settings)
    assert report.ok
    for name, target in (("allowance.md", CIRCULAR), ("egdi.csv", DATA)):
        skipped = _status(report)[name]
        assert skipped.status == "skipped", skipped
        assert str(corpus / target) in (skipped.reason or "") and "ingested itself" in (
            skipped.reason or ""
        )
    docs = _docs(settings)
    assert docs[CIRCULAR].access == "hr" and docs[DATA].access == "hr"
    assert [d.source for d in docs.values() if d.path == str(corpus / CIRCULAR)] == [CIRCULAR]
    secret_chunks = {a for text, a in _stored_texts(settings).values() if SECRET in text}
    assert secret_chunks == {"hr"}
    assert report.totals()["skipped"] == 2


def test_a_link_to_a_file_outside_every_corpus_folder_is_skipped(
    corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere" / "passwords.txt"
    outside.parent.mkdir()
    outside.write_text("The vault combination is 7-4-1-9 and the server key is kept here.\n")
    (corpus / "public" / "notes.txt").symlink_to(outside)
    (corpus / "public" / "linked-folder").symlink_to(outside.parent, target_is_directory=True)
    report = _run(settings)
    skipped = _status(report)["notes.txt"]
    assert skipped.status == "skipped" and "outside the folders being ingested" in (
        skipped.reason or ""
    )
    assert report.ok
    assert all("vault combination" not in text for text, _ in _stored_texts(settings).values())
    assert not any(Path(d.path).parent == outside.parent for d in _docs(settings).values())


# --- document ids -------------------------------------------------------------------------------
def test_a_document_id_collision_fails_and_never_overwrites(tmp_path: Path) -> None:
    first = tmp_path / "a" / "corpus"
    second = tmp_path / "b" / "corpus"  # same folder name, same relative path: same id
    for folder, text in ((first, "Tonga digitised its land registry."), (second, "Overwritten.")):
        (folder / "notes").mkdir(parents=True)
        (folder / "notes" / "registry.md").write_text(f"# Registry\n\n{text}\n", encoding="utf-8")
    settings = make_settings(tmp_path / "data", corpus_dirs=[first, second])
    report = Pipeline(settings).run()
    clash = next(f for f in report.files if f.path == str(second / "notes" / "registry.md"))
    assert clash.status == "failed" and "document id" in (clash.reason or "")
    assert str(first / "notes" / "registry.md") in (clash.reason or "")
    assert not report.ok

    def kept() -> DocumentRecord:
        (doc,) = _docs(settings).values()
        return doc

    assert kept().path == str((first / "notes" / "registry.md").resolve())
    texts = [text for text, _ in _stored_texts(settings).values()]
    assert any("land registry" in t for t in texts) and not any("Overwritten" in t for t in texts)

    # a later run over the other folder alone cannot take the id either
    alone = make_settings(tmp_path / "data", corpus_dirs=[second])
    again = Pipeline(alone).run()
    assert [f.status for f in again.files] == ["failed"]
    assert kept().path == str((first / "notes" / "registry.md").resolve())
