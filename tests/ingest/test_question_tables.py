"""Tables of questions and their answers (an evaluation set, a quiz) are not source documents:
the ingest pipeline skips them with the reason, by their header alone, and ingests the files
beside them (ingest/sheets.py, ingest/pipeline.py)."""

from __future__ import annotations

from pathlib import Path

from assistant.storage.catalog import Catalog
from assistant.storage.vectors import VectorStore
from ingest.pipeline import Pipeline
from tests.conftest import make_settings

# A made-up "answer" no real document contains: it must not reach the store.
PLANTED = "The Zanzibar Quokka Council administers the civil service."


def write_corpus(corpus: Path) -> None:
    corpus.mkdir(parents=True)
    (corpus / "eval_set.csv").write_text(
        '"Question","Answer","Source"\n'
        f'What body administers the civil service?,"{PLANTED}",cepa.pdf\n',
        encoding="utf-8",
    )
    (corpus / "quiz.csv").write_text(
        f"id,answer,question_type,question\n1,{PLANTED},simple,Who administers it?\n",
        encoding="utf-8",
    )
    # a question column alone is a survey, not an answer key: ingested
    (corpus / "survey_questions.csv").write_text(
        "question,respondents\nDo you use e-services?,120\n", encoding="utf-8"
    )
    (corpus / "projects.csv").write_text(
        "year,title,country\n2019,Open data portal launch,Fiji\n", encoding="utf-8"
    )
    (corpus / "note.md").write_text(
        "# Civil service\n\nThe civil service academy trains officers every year.\n",
        encoding="utf-8",
    )


def test_question_tables_are_skipped_with_a_reason_and_the_rest_ingested(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    report = Pipeline(settings).run([corpus])

    status = {Path(f.path).name: (f.status, f.reason or "") for f in report.files}
    assert set(status) == {
        "eval_set.csv",
        "quiz.csv",
        "survey_questions.csv",
        "projects.csv",
        "note.md",
    }
    for name in ("eval_set.csv", "quiz.csv"):
        state, reason = status[name]
        assert state == "skipped", name
        assert "a table of questions and their answers" in reason
        assert "not a source document" in reason
    assert "(columns: Question, Answer, Source)" in status["eval_set.csv"][1]
    for name in ("survey_questions.csv", "projects.csv", "note.md"):
        assert status[name][0] == "ingested", (name, status[name])
    assert report.ok  # a skipped file is not a failure
    assert report.totals()["skipped"] == 2 and report.totals()["ingested"] == 3

    sources = {d.source for d in Catalog(settings.catalog_path).documents().values()}
    assert sources == {"survey_questions.csv", "projects.csv", "note.md"}
    texts = [t for _, batch, _ in VectorStore(settings).iter_all() for t in batch]
    assert any("civil service academy" in t for t in texts)
    assert any("Open data portal launch" in t for t in texts)
    assert not any("Quokka" in t for t in texts)

    # a second run skips them again, with the same reason, and leaves the rest unchanged
    again = {
        Path(f.path).name: (f.status, f.reason) for f in Pipeline(settings).run([corpus]).files
    }
    assert again["eval_set.csv"] == ("skipped", status["eval_set.csv"][1])
    assert again["note.md"][0] == "unchanged"
