"""Indicator rows belong to the document they were read from: two corpus folders may hold data
files of the same (or a suffix-matching) relative name, one public and one private, and a public
caller's answers, /v1 completions, rankings and briefs never show the private file's line, value
or document id, while a granted caller is cited its own. Real pipeline, real API, tiny corpora."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.indicators import IndicatorRow
from assistant.storage.catalog import Catalog
from assistant.storage.indicators import IndicatorTable, RestrictedIndicatorTable
from ingest.pipeline import Pipeline
from server import create_app
from tests.conftest import (
    HR_TOKEN,
    PRIVATE_TOKENS,
    PUBLIC_TOKEN,
    make_settings,
    write_private_corpus,
)

HR = {"Authorization": f"Bearer {HR_TOKEN}"}
PUBLIC = {"Authorization": f"Bearer {PUBLIC_TOKEN}"}
HEADER = "year,iso3,country,egdi_rank,egdi,osi,hci,tii,epi,source_file\n"
# Same relative name as conftest's private hr/hr_egdi_2026.csv (in another corpus folder), public.
SAME_NAME = "hr/hr_egdi_2026.csv"
PUBLIC_2026 = HEADER + (
    "2026,TUV,Tuvalu,7,0.55555,0.51111,0.52222,0.53333,0.54444,open-export.csv\n"
    "2026,WSM,Samoa,8,0.44444,0.41111,0.42222,0.43333,0.44444,open-export.csv\n"
)
# A private file whose name is a suffix of a public one: indicators/egdi_2025.csv vs egdi_2025.csv
PUBLIC_2025 = HEADER + "2025,KIR,Kiribati,9,0.33333,0.31111,0.32222,0.33333,0.34444,open-2025.csv\n"
PRIVATE_2025 = (
    HEADER + "2025,KIR,Kiribati,1,0.77777,0.71111,0.72222,0.73333,0.74444,vault-2025.csv\n"
)
# What must never reach a public caller: the private files' values and lines
PRIVATE_MARKERS = ("0.98765", "0.87654", "hr-export.csv", "0.77777", "vault-2025.csv")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    root = tmp_path_factory.mktemp("same-names")
    corpus = write_private_corpus(root / "corpus")  # public notes; hr/ private, with the CSV
    opened = root / "open"
    (opened / "hr").mkdir(parents=True)
    (opened / SAME_NAME).write_text(PUBLIC_2026, encoding="utf-8")
    (opened / "indicators").mkdir()
    (opened / "indicators" / "egdi_2025.csv").write_text(PUBLIC_2025, encoding="utf-8")
    vault = root / "vault"
    vault.mkdir()
    (vault / "egdi_2025.csv").write_text(PRIVATE_2025, encoding="utf-8")
    (vault / "egdi_2025.csv.meta.json").write_text('{"access": "hr"}', encoding="utf-8")
    settings = make_settings(
        root / "data", corpus_dirs=[corpus, opened, vault], api_tokens=json.dumps(PRIVATE_TOKENS)
    )
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    yield settings


@pytest.fixture(scope="module")
def client(store: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as c:
        yield c


@pytest.fixture(scope="module")
def private_ids(store: Settings) -> set[str]:
    docs = Catalog(store.catalog_path).documents().values()
    ids = {d.doc_id for d in docs if d.access == "hr"}
    assert len(ids) == 3  # the circular and two data files
    return ids


def _leaks(text: str, private_ids: set[str]) -> list[str]:
    return [m for m in (*PRIVATE_MARKERS, *private_ids) if m in text]


def _file_line(store: Settings, doc_id: str, row: int) -> str:
    doc = Catalog(store.catalog_path).get(doc_id)
    assert doc is not None
    return Path(doc.path).read_text(encoding="utf-8").splitlines()[row - 1]


def test_files_of_the_same_name_in_two_folders_both_keep_their_rows(store: Settings) -> None:
    with IndicatorTable(store.indicators_path) as table:
        same = [doc_id for doc_id, source in table.files() if source == SAME_NAME]
        assert len(same) == 2
        values = {v.value_text for v in table.sources_for("TUV", "egdi", 2026)}
    assert values == {"0.98765", "0.55555"}


def test_a_public_answer_cites_the_public_file_and_never_the_private_one(
    client: TestClient, store: Settings, private_ids: set[str]
) -> None:
    for question, value in (
        ("What was Kiribati's EGDI in 2025?", "0.33333"),
        ("What was Tuvalu's EGDI in 2026?", "0.55555"),
    ):
        answer = client.post("/api/ask", headers=PUBLIC, json={"question": question})
        assert answer.status_code == 200
        body = answer.json()
        assert body["grounded"] is True and value in body["answer"], body
        assert not _leaks(answer.text, private_ids), answer.text
        (cited,) = body["citations"]
        assert value in cited["text"] and cited["text"] == _file_line(
            store, cited["document_id"], cited["data_row"]
        )


def test_a_public_ranking_never_shows_a_private_line(
    client: TestClient, private_ids: set[str]
) -> None:
    for year, value in ((2025, "0.33333"), (2026, "0.55555")):
        question = f"Which countries ranked highest on EGDI in {year}?"
        ranking = client.post("/api/ask", headers=PUBLIC, json={"question": question})
        assert ranking.json()["kind"] == "indicator" and value in ranking.json()["answer"]
        assert not _leaks(ranking.text, private_ids), ranking.text


def test_a_public_completion_never_shows_a_private_line(
    client: TestClient, private_ids: set[str]
) -> None:
    for stream in (False, True):
        body = {
            "model": "any",
            "stream": stream,
            "messages": [{"role": "user", "content": "What was Kiribati's EGDI in 2025?"}],
        }
        completion = client.post("/v1/chat/completions", headers=PUBLIC, json=body)
        assert completion.status_code == 200 and "0.33333" in completion.text
        assert not _leaks(completion.text, private_ids), completion.text


def test_a_public_brief_never_shows_a_private_line(
    client: TestClient, private_ids: set[str]
) -> None:
    for country, value in (("Kiribati", "0.33333"), ("Tuvalu", "0.55555")):
        body = {"country": country, "topic": "e-government"}
        brief = client.post("/api/briefs", headers=PUBLIC, json=body)
        assert brief.status_code == 200
        assert value in brief.text  # the public figure is there, cited
        assert not _leaks(brief.text, private_ids), _leaks(brief.text, private_ids)


def test_a_granted_caller_is_cited_its_own_file(
    client: TestClient, store: Settings, private_ids: set[str]
) -> None:
    body = client.post(
        "/api/ask", headers=HR, json={"question": "What was Kiribati's EGDI in 2025?"}
    ).json()
    assert "0.77777" in body["answer"]  # egdi_2025.csv is preferred over indicators/egdi_2025.csv
    (cited,) = body["citations"]
    assert cited["document_id"] in private_ids
    assert cited["text"] == _file_line(store, cited["document_id"], cited["data_row"])
    assert "vault-2025.csv" in cited["text"]
    tuvalu = client.post(
        "/api/ask", headers=HR, json={"question": "What was Tuvalu's EGDI in 2026?"}
    ).json()
    (cited,) = tuvalu["citations"]  # either file may be preferred; the line is the cited file's
    assert cited["text"] == _file_line(store, cited["document_id"], cited["data_row"])
    assert cited["text"].split(",")[4] in tuvalu["answer"]
    brief = client.post(
        "/api/briefs", headers=HR, json={"country": "Kiribati", "topic": "e-government"}
    )
    assert brief.status_code == 200 and "vault-2025.csv" in brief.text


def test_rows_without_a_visible_document_are_hidden(tmp_path: Path) -> None:
    """Unknown means hidden: a view shows only the rows of the documents it is given."""
    row = IndicatorRow("FJI", "Fiji", "egdi", 2024, 0.5, "0.50000", "egdi.csv", 2, "UN")
    with IndicatorTable(tmp_path / "indicators.sqlite3") as table:
        table.replace_source("egdi.csv", [row], doc_id="public-egdi")
        table.replace_source("egdi.csv", [row], doc_id="hr-egdi")
        table.replace_source("egdi.csv", [row])  # stored without a document id
        assert len(table.sources_for("FJI", "egdi", 2024)) == 3
    with RestrictedIndicatorTable(tmp_path / "indicators.sqlite3", {"public-egdi"}) as view:
        assert [v.doc_id for v in view.sources_for("FJI", "egdi", 2024)] == ["public-egdi"]
        with pytest.raises(PermissionError):
            view.remove_document("public-egdi")


def test_an_old_table_keyed_by_file_name_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "indicators.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            'CREATE TABLE indicator_values (source TEXT NOT NULL, "row" INTEGER NOT NULL, '
            "indicator TEXT NOT NULL, iso3 TEXT NOT NULL, country TEXT NOT NULL, year INTEGER "
            'NOT NULL, value REAL NOT NULL, value_text TEXT NOT NULL, "rank" INTEGER, '
            '"group" TEXT, dataset TEXT NOT NULL, PRIMARY KEY (source, "row", indicator)) '
            "WITHOUT ROWID"
        )
        db.execute(
            "INSERT INTO indicator_values VALUES "
            "('egdi.csv', 2, 'egdi', 'FJI', 'Fiji', 2024, 0.5, '0.50000', 3, NULL, 'UN')"
        )
    db.close()
    with IndicatorTable(path) as table:
        assert table.files() == [("", "egdi.csv")]  # kept, claimed by no document
        assert table.value("FJI", "egdi", 2024).value_text == "0.50000"  # type: ignore[union-attr]
    with RestrictedIndicatorTable(path, {"any-document"}) as view:
        assert view.value("FJI", "egdi", 2024) is None
