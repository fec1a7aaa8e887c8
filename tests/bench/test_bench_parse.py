"""The parse benchmark on a tiny folder, so that it cannot rot between the long runs: real PDFs
from the shared corpus and a broken file, each parsed in its own process. Figures are not
asserted (benchmarks measure, tests do not time); the report's shape and counts are."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from tests.conftest import run_bench

REPO = Path(__file__).resolve().parents[2]


def test_parse_bench_counts_pages_failures_and_symbols(shared_corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(shared_corpus / "un-docs" / "E_2025_L.24.en.pdf", folder)
    # a scan without a text layer: with --no-ocr it is a failure that needs OCR, not OCRed
    shutil.copy(shared_corpus / "un-docs" / "edge-cases" / "A_45_696_Add.1.en.pdf", folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    report = tmp_path / "parse.json"
    done = run_bench("parse_bench.py", str(folder), "--no-ocr", "--json", str(report))
    assert done.returncode == 0, done.stderr
    figures = json.loads(report.read_text())
    summary = figures["summary"]
    assert (summary["files"], summary["parsed"], summary["with_symbol"]) == (3, 1, 1)
    assert summary["with_date_of_issue"] == 1 and summary["languages"] == {"en": 1}
    assert sum(summary["failures"].values()) == 2 and summary["pages_ocred"] == 0
    scan = next(f for f in figures["files"] if f["file"].startswith("A_45_696"))
    assert scan["status"] == "needs_ocr"
    assert summary["pages"] == 2 and summary["pages_unreadable"] == 0
    assert (
        set(summary["cpu_s_per_file"])
        == set(summary["parse_cpu_s_per_file"])
        == {"median", "p90", "max"}
    )
    parsed = next(f for f in figures["files"] if f["ok"])
    assert parsed["symbol"] == "E/2025/L.24" and parsed["title"].endswith("(E/2025/L.24)")
    assert "broken.pdf" in done.stdout and "FAILED" in done.stdout


def test_metadata_check_scores_labels_and_titles_against_the_hand_checked_files(
    shared_corpus: Path,
) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    import metadata_check as check

    # every line of the hand-checked files names a page or document that exists
    labels = check._read("hand_checked_labels.jsonl")
    metadata = check._read("hand_checked_un_metadata.jsonl")
    assert len(labels) >= 300 and len(metadata) == 100
    shared = shared_corpus.parent
    assert all((shared / item["file"]).is_file() for item in labels if "corpus/" in item["file"])

    # scored on one real document: its labelled and unlabelled pages as a person read them
    mine = [item for item in labels if item["file"].endswith("E_2025_44.en.pdf")]
    assert mine
    figures = check.check_labels(shared, False, {}, mine)
    assert figures["labelled_right"] == figures["labelled"] and not figures["wrong"]
    wrong = [{**item, "printed": "999"} for item in mine if item["printed"]]
    assert check.check_labels(shared, False, {}, wrong)["wrong"]

    # titles: the printed one, after its body or sponsor, or shortened by at most 40%
    assert check._title_right("Committee X: Draft report", "Draft report")
    assert check._title_right("Iraq: draft resolution, Doha Programme", "Doha Programme")
    assert check._title_right("Letter dated 1 May 2025 from", "Letter dated 1 May 2025 from A")
    assert not check._title_right(
        "Peoples Dissemination of information", "Dissemination of information"
    )
    assert not check._title_right("Report", "Report of the Commission on the Status of Women")
