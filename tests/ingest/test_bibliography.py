"""A bibliography-like CSV is read as records, each value with its column's name."""

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
