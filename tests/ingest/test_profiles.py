"""Country profiles: generated Markdown whose every figure names its file and row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.indicators import IndicatorRow
from assistant.storage.indicators import IndicatorTable
from ingest.parsers.tables import parse_indicator_file
from ingest.profiles import build_profiles

LONG = "indicators-egdi/egdi_2003_2024_long.csv"
RAW = "indicators-egdi/2024/EGOV_DATA_2024_modified.csv"
GTMI = "indicators-gtmi/gtmi_2020_2022_2025.csv"


def row(
    iso3: str, country: str, indicator: str, year: int, text: str, line: int, **kw: object
) -> IndicatorRow:
    values: dict[str, object] = {
        "iso3": iso3,
        "country": country,
        "indicator": indicator,
        "year": year,
        "value": float(text),
        "value_text": text,
        "source": kw.pop("source", LONG),
        "row": line,
        "dataset": kw.pop("dataset", "UN E-Government Survey"),
        **kw,
    }
    return IndicatorRow(**values)  # type: ignore[arg-type]


ROWS = [
    row("MNG", "Mongolia", "osi", 2012, "0.3", 1080),
    row("MNG", "Mongolia", "osi", 2024, "0.7", 2238),
    row("MNG", "Mongolia", "egdi", 2024, "0.84569", 2238, rank=46),
    row("MNG", "Mongolia", "egdi", 2022, "0.72090", 2045, rank=74),
    row("FJI", "Fiji", "egdi", 2024, "0.65000", 2100, rank=100),
    row("DEU", "Germany", "egdi", 2024, "0.87000", 2050, rank=20),
    row(
        "DEU", "Germany", "gtmi", 2022, "0.9", 80, source=GTMI, dataset="World Bank GTMI", group="A"
    ),
    # Thailand's 2024 figures come from two files, so they cannot share a table row
    row("THA", "Thailand", "egdi", 2022, "0.76600", 2040, rank=55),
    row("THA", "Thailand", "osi", 2022, "0.86000", 2040),
    row("THA", "Thailand", "egdi", 2024, "0.83510", 130, rank=52, source=RAW),
    row("THA", "Thailand", "osi", 2024, "0.90000", 2230),
]


def load(table: IndicatorTable, rows: list[IndicatorRow]) -> None:
    for source in sorted({r.source for r in rows}):
        table.replace_source(source, [r for r in rows if r.source == source])


@pytest.fixture
def table(tmp_path: Path) -> Iterator[IndicatorTable]:
    with IndicatorTable(tmp_path / "indicators.sqlite3") as t:
        load(t, ROWS)
        yield t


def test_one_profile_per_country_with_marker_title_and_region(
    table: IndicatorTable, tmp_path: Path
) -> None:
    paths = build_profiles(table, tmp_path / "profiles")
    assert [p.name for p in paths] == ["DEU.md", "FJI.md", "MNG.md", "THA.md"]
    mongolia = (tmp_path / "profiles" / "MNG.md").read_text("utf-8")
    first, title = mongolia.splitlines()[:2]
    assert first == (
        "<!-- collection: profile; countries: MNG; source: generated from indicator data -->"
    )
    assert title == "# Country profile: Mongolia (MNG)"
    assert "Mongolia is in Asia and the Pacific, UNPOG's region." in mongolia
    fiji = (tmp_path / "profiles" / "FJI.md").read_text("utf-8")
    assert "small island developing States (SIDS)" in fiji
    germany = (tmp_path / "profiles" / "DEU.md").read_text("utf-8")
    assert "Germany is outside Asia and the Pacific" in germany


def test_trend_sentences_and_tables_cite_every_figure(
    table: IndicatorTable, tmp_path: Path
) -> None:
    build_profiles(table, tmp_path)
    mongolia = (tmp_path / "MNG.md").read_text("utf-8")
    assert (
        "Mongolia's Online Service Index (OSI) rose from 0.3 in 2012 "
        f"(source: {LONG}, row 1080) to 0.7 in 2024 (source: {LONG}, row 2238), over 2 editions."
    ) in mongolia
    assert f"from 0.72090 in 2022 (rank 74; source: {LONG}, row 2045)" in mongolia
    # the figures of a year that share a file line make one row of one table
    assert "| Year | EGDI | EGDI rank | OSI | Source |" in mongolia
    assert f"| 2012 | – | – | 0.3 | {LONG}, row 1080 |" in mongolia
    assert f"| 2024 | 0.84569 | 46 | 0.7 | {LONG}, row 2238 |" in mongolia
    assert mongolia.index("## UN E-Government Survey") < mongolia.index("Mongolia's E-Government")
    germany = (tmp_path / "DEU.md").read_text("utf-8")
    assert f"| GovTech Maturity Index (GTMI) | 2022 | 0.9 | A | {GTMI}, row 80 |" in germany
    assert germany.index("## UN E-Government Survey") < germany.index("## World Bank GTMI")


def test_figures_from_different_lines_get_a_table_per_indicator(
    table: IndicatorTable, tmp_path: Path
) -> None:
    build_profiles(table, tmp_path)
    thailand = (tmp_path / "THA.md").read_text("utf-8")
    assert "Thailand's E-Government Development Index (EGDI) rose from 0.76600 in 2022" in thailand
    assert f"to 0.83510 in 2024 (rank 52; source: {RAW}, row 130), over 2 editions." in thailand
    egdi = thailand.index("#### E-Government Development Index (EGDI)")
    osi = thailand.index("#### Online Service Index (OSI)")
    assert egdi < thailand.index(f"| 2024 | 0.83510 | 52 | {RAW}, row 130 |") < osi
    assert thailand.index(f"| 2024 | 0.90000 | {LONG}, row 2230 |") > osi


def test_profiles_are_deterministic_and_unchanged_files_are_not_rewritten(
    table: IndicatorTable, tmp_path: Path
) -> None:
    out = tmp_path / "profiles"
    build_profiles(table, out)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    build_profiles(table, out)
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before
    with IndicatorTable(tmp_path / "other.sqlite3") as other:  # same data, other load order
        load(other, list(reversed(ROWS)))
        build_profiles(other, tmp_path / "again")
    again = {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()}
    assert again == {name: data for name, (data, _) in before.items()}


def test_profiles_of_countries_gone_from_the_table_are_removed(
    table: IndicatorTable, tmp_path: Path
) -> None:
    out = tmp_path / "profiles"
    build_profiles(table, out)
    (out / "README.md").write_text("not a profile")
    (out / "ABC.md").write_text("# hand-written, no marker")
    table.remove_source(GTMI)
    table.replace_source(LONG, [r for r in ROWS if r.source == LONG and r.iso3 != "FJI"])
    build_profiles(table, out)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["ABC.md", "DEU.md", "MNG.md", "README.md", "THA.md"]
    assert "World Bank GTMI" not in (out / "DEU.md").read_text("utf-8")


@pytest.mark.slow
def test_real_profiles_quote_values_with_their_rows(shared_corpus: Path, tmp_path: Path) -> None:
    with IndicatorTable(tmp_path / "indicators.sqlite3") as table:
        for source in (LONG, GTMI):
            table.replace_source(source, parse_indicator_file(shared_corpus / source, source))
        paths = build_profiles(table, tmp_path / "a")
        assert len(paths) == 198
        sri_lanka = (tmp_path / "a" / "LKA.md").read_text("utf-8")
        long_lines = (shared_corpus / LONG).read_text("utf-8").splitlines()
        for year in (2020, 2022):
            value = table.value("LKA", "egdi", year)
            assert value is not None
            (line,) = [
                x for x in sri_lanka.splitlines() if x.startswith(f"| {year} |") and LONG in x
            ]
            assert line.startswith(f"| {year} | {value.value_text} | {value.rank} | ")
            assert line.endswith(f" | {value.citation} |")
            data_line = long_lines[value.row - 1]
            assert data_line.startswith(f"{year},LKA,Sri Lanka,{value.rank},{value.value_text},")
        india = (tmp_path / "a" / "IND.md").read_text("utf-8")
        # the GTMI file prints machine floats (0.9400327335480062): shown to three decimals
        assert "| 2022 | 0.940 | A | 0.935" in india
        assert f"| 0.904 | {GTMI}, row 277 |" in india
        assert f"0.815 in 2020 (group A; source: {GTMI}, row 18)" in india
        build_profiles(table, tmp_path / "b")
    assert all((tmp_path / "b" / p.name).read_bytes() == p.read_bytes() for p in paths)


def test_machine_floats_are_shown_rounded_with_the_row_that_holds_them(tmp_path: Path) -> None:
    rows = [
        row("BTN", "Bhutan", "gtmi", 2020, "0.24108333333333332", 51, source=GTMI),
        row("BTN", "Bhutan", "gtmi", 2025, "0.7205774436090225", 417, source=GTMI),
    ]
    with IndicatorTable(tmp_path / "indicators.sqlite3") as t:
        load(t, rows)
        build_profiles(t, tmp_path / "profiles")
    bhutan = (tmp_path / "profiles" / "BTN.md").read_text("utf-8")
    assert f"rose from 0.241 in 2020 (source: {GTMI}, row 51) to 0.721 in 2025" in bhutan
    assert "0.2410833" not in bhutan and "0.7205774" not in bhutan
