"""Tables read as text: bibliographies as records, tables of questions and answers skipped."""

from __future__ import annotations

from pathlib import Path

from ingest.sheets import parse_csv_text


def test_a_bibliography_row_reads_as_a_record(tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_text(
        "year,title,authors,countries\n"
        '2011,National ID project of Nepal,"Adhikari, Ganesh",Nepal\n'
        "2019,Open data in Fiji,,Fiji\n",
        encoding="utf-8",
    )
    page = parse_csv_text(path).pages[0]
    records = [page.text[b.start : b.end] for b in page.blocks]
    assert records == [
        "year: 2011; title: National ID project of Nepal; authors: Adhikari, Ganesh; "
        "countries: Nepal.",
        "year: 2019; title: Open data in Fiji; countries: Fiji.",  # empty cells left out
    ]


def test_other_tables_keep_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("country,year,value\nFiji,2024,0.67544\n", encoding="utf-8")
    assert parse_csv_text(path).pages[0].text == "country,year,value\nFiji,2024,0.67544\n"


def test_a_table_of_questions_and_answers_is_skipped_with_its_reason(tmp_path: Path) -> None:
    from ingest.pipeline import Pipeline
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "question_type_x.csv").write_text(
        "question,answer,question_type\nWhat is X?,X is a thing.,simple\n", encoding="utf-8"
    )
    (corpus / "note.md").write_text(
        "# A note\n\nThe note says that the civil service trains officers every year.\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    report = Pipeline(settings).run([corpus])
    status = {Path(f.path).name: (f.status, f.reason or "") for f in report.files}
    assert status["note.md"][0] == "ingested"
    assert status["question_type_x.csv"][0] == "skipped"
    assert "questions and their answers" in status["question_type_x.csv"][1]
    assert report.ok
