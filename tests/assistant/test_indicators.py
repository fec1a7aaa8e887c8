"""The indicator table: exact values with their source line, one preferred source per figure."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.indicators import (
    INDICATORS,
    IndicatorRow,
    _alias_table,
    find_indicators,
    resolve_indicator,
    source_priority,
)
from assistant.storage.indicators import IndicatorTable

LONG = "indicators-egdi/egdi_2003_2024_long.csv"
RAW_2024 = "indicators-egdi/2024/EGOV_DATA_2024_modified.csv"
UNU_2010 = "indicators-egdi/unu-egov/egdi-2010.csv"


def row(
    iso3: str,
    indicator: str,
    year: int,
    text: str,
    *,
    source: str = LONG,
    line: int = 2,
    rank: int | None = None,
    group: str | None = None,
    country: str | None = None,
) -> IndicatorRow:
    return IndicatorRow(
        iso3=iso3,
        country=country or iso3,
        indicator=indicator,
        year=year,
        value=float(text),
        value_text=text,
        source=source,
        row=line,
        dataset="UN E-Government Survey",
        rank=rank,
        group=group,
    )


@pytest.fixture
def table(tmp_path: Path) -> Iterator[IndicatorTable]:
    with IndicatorTable(tmp_path / "data" / "indicators.sqlite3") as t:
        yield t


@pytest.fixture
def egdi_2024(table: IndicatorTable) -> IndicatorTable:
    """Four countries whose EGDI rank order is not their value order (a tie broken by the UN)."""
    table.replace_source(
        LONG,
        [
            row("DNK", "egdi", 2024, "0.98470", line=10, rank=1, country="Denmark"),
            row("FJI", "egdi", 2024, "0.65000", line=11, rank=101, country="Fiji"),
            row("MNG", "egdi", 2024, "0.84569", line=12, rank=47, country="Mongolia"),
            row("THA", "egdi", 2024, "0.84569", line=13, rank=46, country="Thailand"),
            row("FJI", "osi", 2024, "0.70000", line=11, country="Fiji"),
            row("MNG", "osi", 2024, "0.82219", line=12, country="Mongolia"),
            row("MNG", "osi", 2012, "0.30000", line=5, country="Mongolia"),
        ],
    )
    return table


# --- registry ------------------------------------------------------------------------------


def test_indicators_resolve_from_codes_names_and_aliases() -> None:
    assert resolve_indicator("OSI") == "osi"
    assert resolve_indicator("Online Service Index") == "osi"
    assert resolve_indicator("online service index (OSI)") == "osi"
    assert resolve_indicator("E-Participation") == "epi"
    assert resolve_indicator("EGDI rank") == "egdi"
    assert resolve_indicator("GovTech maturity") == "gtmi"
    assert resolve_indicator("e-procurement") == "ims_epmis"
    assert resolve_indicator("right to information") == "gtmi_right2info"
    assert resolve_indicator("happiness") is None


def test_no_alias_names_two_indicators() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for indicator in INDICATORS.values():
        for alias in (indicator.code, *indicator.aliases):
            folded = " ".join(alias.casefold().replace("-", " ").split())
            if seen.setdefault(folded, indicator.code) != indicator.code:
                clashes.append((alias, seen[folded], indicator.code))
    assert clashes == []
    assert len(_alias_table()) > len(INDICATORS)


def test_find_indicators_prefers_the_longest_mention() -> None:
    text = "Compare the E-Government Development Index and the e-participation index of Fiji and its OSI"
    assert find_indicators(text) == ["egdi", "epi", "osi"]
    assert find_indicators("What is Fiji's population?") == []


def test_source_preference_does_not_depend_on_the_corpus_root() -> None:
    assert source_priority(LONG) == source_priority("egdi_2003_2024_long.csv") == 0
    assert source_priority("corpus/indicators-egdi/raw-un-export/EGOV_DATA_2018.csv") == 1
    order = sorted(
        [
            UNU_2010,
            RAW_2024,
            "indicators-egdi/raw-un-export/EGOV_WITH_REGIONS_DATA_2022.csv",
            "indicators-egdi/raw-un-export/EGOV_DATA_2022.csv",
            LONG,
            "elsewhere/new.csv",
        ],
        key=lambda s: (source_priority(s), s),
    )
    assert order == [
        LONG,
        "indicators-egdi/raw-un-export/EGOV_DATA_2022.csv",
        RAW_2024,
        "indicators-egdi/raw-un-export/EGOV_WITH_REGIONS_DATA_2022.csv",
        UNU_2010,
        "elsewhere/new.csv",
    ]


# --- storing -------------------------------------------------------------------------------


def test_nothing_is_opened_before_first_use(tmp_path: Path) -> None:
    table = IndicatorTable(tmp_path / "sub" / "indicators.sqlite3")
    assert not (tmp_path / "sub").exists()
    assert table.sources() == []
    mode = sqlite3.connect(table.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    table.close()


def test_replace_source_swaps_rows_and_keeps_other_sources(table: IndicatorTable) -> None:
    table.replace_source(LONG, [row("FJI", "egdi", 2024, "0.65000")])
    table.replace_source(RAW_2024, [row("FJI", "egdi", 2024, "0.65000", source=RAW_2024)])
    assert table.replace_source(LONG, [row("FJI", "osi", 2024, "0.70000")]) == 1
    assert table.sources() == [RAW_2024, LONG]
    assert table.indicators_for("FJI") == ["egdi", "osi"]
    egdi = table.value("FJI", "egdi", 2024)
    assert egdi is not None and egdi.source == RAW_2024


def test_replace_source_is_all_or_nothing(table: IndicatorTable) -> None:
    table.replace_source(LONG, [row("FJI", "egdi", 2024, "0.65000")])
    duplicate = [row("FJI", "egdi", 2024, "0.1"), row("FJI", "egdi", 2024, "0.2")]
    with pytest.raises(sqlite3.IntegrityError):
        table.replace_source(LONG, duplicate)
    kept = table.value("FJI", "egdi", 2024)
    assert kept is not None and kept.value_text == "0.65000"


def test_replace_source_refuses_rows_of_another_file(table: IndicatorTable) -> None:
    with pytest.raises(ValueError, match="other sources"):
        table.replace_source(LONG, [row("FJI", "egdi", 2024, "0.6", source=RAW_2024)])


def test_remove_source(egdi_2024: IndicatorTable) -> None:
    assert egdi_2024.remove_source(LONG) == 7
    assert egdi_2024.remove_source(LONG) == 0
    assert (egdi_2024.sources(), egdi_2024.countries()) == ([], [])


# --- reading -------------------------------------------------------------------------------


def test_value_by_code_name_or_alias(egdi_2024: IndicatorTable) -> None:
    found = egdi_2024.value("Mongolia", "online service index", 2024)
    assert found == egdi_2024.value("MNG", "osi", 2024) == egdi_2024.value("mng", "OSI", 2024)
    assert found is not None
    assert (found.value_text, found.row, found.indicator_name) == (
        "0.82219",
        12,
        "Online Service Index (OSI)",
    )
    assert found.citation == f"{LONG}, row 12"
    assert egdi_2024.value("MNG", "osi", 2016) is None
    assert egdi_2024.value("Atlantis", "osi", 2024) is None


def test_the_preferred_source_wins_whatever_the_load_order(tmp_path: Path) -> None:
    long_row = row("KOR", "egdi", 2010, "0.87850", rank=1, line=900)
    unu_row = replace(long_row, value_text="0.87854", value=0.87854, source=UNU_2010, row=77)
    for n, order in enumerate([([long_row], [unu_row]), ([unu_row], [long_row])]):
        with IndicatorTable(tmp_path / f"{n}.sqlite3") as t:
            for rows in order:
                t.replace_source(rows[0].source, rows)
            found = t.value("KOR", "egdi", 2010)
            assert found is not None and (found.source, found.value_text) == (LONG, "0.87850")
            assert [v.source for v in t.sources_for("KOR", "egdi", 2010)] == [LONG, UNU_2010]
            assert t.count() == 1
            assert len(t.ranking("egdi", 2010)) == 1


def test_egdi_ranking_follows_the_published_rank(egdi_2024: IndicatorTable) -> None:
    ranking = egdi_2024.ranking("EGDI", 2024)
    assert [(v.iso3, v.rank) for v in ranking] == [
        ("DNK", 1),
        ("THA", 46),
        ("MNG", 47),
        ("FJI", 101),
    ]
    assert [v.iso3 for v in egdi_2024.ranking("egdi", 2024, top=2)] == ["DNK", "THA"]
    pacific = egdi_2024.ranking("egdi", 2024, countries=["Fiji", "MNG", "Atlantis"])
    assert [v.iso3 for v in pacific] == ["MNG", "FJI"]
    assert egdi_2024.ranking("egdi", 2024, countries=[]) == []


def test_other_indicators_rank_by_value(egdi_2024: IndicatorTable) -> None:
    assert [v.iso3 for v in egdi_2024.ranking("osi", 2024)] == ["MNG", "FJI"]


def test_series_years_countries(egdi_2024: IndicatorTable) -> None:
    assert [(v.year, v.value_text) for v in egdi_2024.series("MNG", "osi")] == [
        (2012, "0.30000"),
        (2024, "0.82219"),
    ]
    assert egdi_2024.years("osi") == [2012, 2024]
    assert egdi_2024.years("egdi") == [2024]
    assert egdi_2024.countries() == [
        ("DNK", "Denmark"),
        ("FJI", "Fiji"),
        ("MNG", "Mongolia"),
        ("THA", "Thailand"),
    ]
    assert egdi_2024.indicators_for("Mongolia") == ["egdi", "osi"]


def test_query_and_count_page_through_values(egdi_2024: IndicatorTable) -> None:
    everything = egdi_2024.query(limit=100)
    assert egdi_2024.count() == len(everything) == 7
    assert [(v.iso3, v.indicator, v.year) for v in everything[:3]] == [
        ("DNK", "egdi", 2024),
        ("FJI", "egdi", 2024),
        ("FJI", "osi", 2024),
    ]
    assert egdi_2024.query(limit=2, offset=2) == everything[2:4]
    assert [v.year for v in egdi_2024.query(country="Mongolia", indicator="OSI")] == [2012, 2024]
    assert egdi_2024.count(year=2012) == 1
    assert egdi_2024.query(country="Atlantis") == [] and egdi_2024.count(country="Atlantis") == 0


def test_source_summaries(egdi_2024: IndicatorTable) -> None:
    (summary,) = egdi_2024.source_summaries()
    assert (summary.source, summary.rows, summary.countries, summary.indicators) == (LONG, 7, 4, 2)
    assert summary.datasets == ("UN E-Government Survey",)


def test_threads_read_while_a_source_is_replaced(egdi_2024: IndicatorTable) -> None:
    stop = threading.Event()

    def writer() -> None:
        rows = [row("FJI", "egdi", 2024, "0.65000", source=RAW_2024, rank=101)]
        while not stop.is_set():
            egdi_2024.replace_source(RAW_2024, rows)

    def reader(_: int) -> set[str]:
        return {
            v.value_text for v in (egdi_2024.value("FJI", "egdi", 2024) for _ in range(200)) if v
        }

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            seen = set().union(*pool.map(reader, range(4)))
    finally:
        stop.set()
        thread.join()
    assert seen == {"0.65000"}
    egdi_2024.close()
    assert egdi_2024.value("FJI", "egdi", 2024) is not None  # reopens after close


# --- the real corpus -------------------------------------------------------------------------

FOLDERS = ("indicators-egdi", "indicators-gtmi", "oecd-eu")


@pytest.fixture(scope="module")
def corpus_table(
    shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IndicatorTable]:
    from ingest.parsers.tables import UnknownLayout, parse_indicator_file

    table = IndicatorTable(tmp_path_factory.mktemp("indicators") / "indicators.sqlite3")
    for folder in FOLDERS:
        for path in sorted((shared_corpus / folder).rglob("*")):
            if path.suffix.lower() not in {".csv", ".xlsx"}:
                continue
            source = path.relative_to(shared_corpus).as_posix()
            try:
                table.replace_source(source, parse_indicator_file(path, source))
            except UnknownLayout:
                continue
    yield table
    table.close()


def value_of(
    table: IndicatorTable, country: str, indicator: str, year: int
) -> tuple[str, int | None]:
    found = table.value(country, indicator, year)
    assert found is not None, (country, indicator, year)
    return found.value_text, found.rank


@pytest.mark.slow
@pytest.mark.parametrize(
    ("country", "indicator", "year", "expected"),
    [
        ("Republic of Korea", "EGDI rank", 2010, ("0.87854", 1)),
        ("Indonesia", "OSI", 2022, ("0.76440", None)),
        ("Cambodia", "TII", 2024, ("0.76094", None)),
        ("Nepal", "HCI", 2018, ("0.49570", None)),
        ("Uzbekistan", "EPI", 2024, ("0.69860", None)),
        ("India", "GTMI", 2022, ("0.9400327335480062", None)),
        ("Viet Nam", "GTMI", 2025, ("0.7361118812289351", None)),
        ("Philippines", "GTMI", 2025, ("0.7154248872300594", None)),
        ("Sri Lanka", "EGDI", 2020, ("0.67080", 85)),
        ("Sri Lanka", "EGDI", 2022, ("0.62850", 95)),
        ("Republic of Korea", "digital government index", 2023, ("0.935", 1)),
    ],
)
def test_eval_figures(
    corpus_table: IndicatorTable,
    country: str,
    indicator: str,
    year: int,
    expected: tuple[str, int | None],
) -> None:
    assert value_of(corpus_table, country, indicator, year) == expected


@pytest.mark.slow
def test_gtmi_groups(corpus_table: IndicatorTable) -> None:
    groups = {
        c: corpus_table.value(c, "gtmi", y)
        for c, y in (("IND", 2022), ("VNM", 2025), ("PHL", 2025))
    }
    assert {c: v.group if v else None for c, v in groups.items()} == {
        "IND": "A",
        "VNM": "B",
        "PHL": "B",
    }
    india = groups["IND"]
    assert india is not None and india.source == "indicators-gtmi/gtmi_2020_2022_2025.csv"


@pytest.mark.slow
def test_malaysia_vs_thailand_2024(corpus_table: IndicatorTable) -> None:
    pair = corpus_table.ranking("egdi", 2024, top=None, countries=["Malaysia", "Thailand"])
    assert [(v.iso3, v.value_text, v.rank) for v in pair] == [
        ("THA", "0.83510", 52),
        ("MYS", "0.81114", 57),
    ]


@pytest.mark.slow
def test_first_in_2010_and_193_countries_per_edition(corpus_table: IndicatorTable) -> None:
    assert corpus_table.ranking("egdi", 2010, top=1)[0].country == "Republic of Korea"
    editions = corpus_table.years("egdi")
    assert editions == [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    # 193 listed in every edition, less those listed before they were assessed (a row of zeros
    # with no rank): Montenegro to 2005, South Sudan to 2010
    not_assessed = {2003: 2, 2004: 2, 2005: 2, 2008: 1, 2010: 1}
    for year in editions:
        ranking = corpus_table.ranking("egdi", year, top=None)
        assert len(ranking) == 193 - not_assessed.get(year, 0), year
        assert {v.source for v in ranking} == {LONG}


@pytest.mark.slow
def test_the_files_eval_cites_are_among_the_sources(corpus_table: IndicatorTable) -> None:
    cambodia = corpus_table.sources_for("KHM", "tii", 2024)
    nepal = corpus_table.sources_for("NPL", "hci", 2018)
    assert [(v.source, v.value_text) for v in cambodia] == [
        (LONG, "0.76094"),
        (RAW_2024, "0.76094"),
    ]
    assert ("indicators-egdi/raw-un-export/EGOV_DATA_2018.csv", "0.49570") in {
        (v.source, v.value_text) for v in nepal
    }
    assert nepal[0].source == LONG


@pytest.mark.slow
def test_preferred_rows_point_at_lines_that_hold_them(
    corpus_table: IndicatorTable, shared_corpus: Path
) -> None:
    lines: dict[str, list[str]] = {}
    values = corpus_table.query(limit=corpus_table.count())
    for value in values:
        if not value.source.endswith(".csv"):
            continue
        if value.source not in lines:
            lines[value.source] = (shared_corpus / value.source).read_text("utf-8-sig").splitlines()
        line = lines[value.source][value.row - 1]
        assert value.value_text in [c.strip('" ') for c in line.split(",")], (value, line)
    assert len(values) > 20_000


@pytest.mark.slow
def test_whole_corpus_totals(corpus_table: IndicatorTable) -> None:
    summaries = {s.source: s for s in corpus_table.source_summaries()}
    assert len(summaries) == 26
    assert summaries[LONG].rows == 11_580
    assert len(corpus_table.countries()) == 198
    assert set(corpus_table.indicators_for("KOR")) >= {
        "egdi",
        "gtmi",
        "dgi",
        "ourdata_availability",
    }
    # the 8 EGDI rows of countries listed before they were assessed (5 values each) are no values
    assert corpus_table.count() == 23_601 - 8 * 5


def test_a_govtech_system_is_a_figure_only_when_a_score_is_asked_for() -> None:
    from assistant.answering.indicators import parse

    asked = parse("What was Fiji's e-procurement score in 2025?")
    assert asked is not None and asked.indicator == "ims_epmis"
    compared = parse("How do Cambodia and Lao PDR compare on their e-procurement portal (EPMIS)?")
    assert compared is not None and compared.kind == "comparison"
    assert parse("How much does Korea's KONEPS e-procurement system save each year?") is None


def test_a_row_of_zeros_with_no_rank_is_no_value(table: IndicatorTable) -> None:
    # the UN's exports list a country not yet assessed (South Sudan in 2010) with a blank rank
    # and 0.00000 in every column: no figure, no last place in a ranking
    table.replace_source(
        LONG,
        [
            row("SSD", "egdi", 2010, "0.00000", line=7),
            row("SSD", "osi", 2010, "0.00000", line=7),
            row("TUV", "egdi", 2010, "0.00000", line=8, rank=184),  # a published rank: a value
            row("TUV", "osi", 2010, "0.00000", line=8),
            row("CAF", "egdi", 2010, "0.00000", line=9),  # a zero beside a measured value
            row("CAF", "hci", 2010, "0.39000", line=9),
            row("KOR", "egdi", 2010, "0.87854", line=10, rank=1),
        ],
    )
    assert table.value("SSD", "egdi", 2010) is None and table.series("SSD", "osi") == []
    assert [v.iso3 for v in table.ranking("egdi", 2010, top=None)] == ["KOR", "TUV", "CAF"]
    assert table.value("TUV", "osi", 2010) is not None  # its row has a rank
    assert table.count(indicator="egdi", year=2010) == 3  # paging counts what is listed
    # a file of one value per row: a zero is a value
    table.replace_source(RAW_2024, [row("NRU", "dgi", 2024, "0.0", source=RAW_2024, line=3)])
    assert table.value("NRU", "dgi", 2024) is not None
    # a file that ranks nobody (the GovTech system scores): a country scored zero throughout
    ims = "indicators-gtmi/ims_adoption_2025.csv"
    table.replace_source(
        ims,
        [
            row("PRK", "ims_fmis", 2025, "0", source=ims, line=4),
            row("PRK", "ims_egp", 2025, "0", source=ims, line=4),
        ],
    )
    assert table.value("PRK", "ims_egp", 2025) is not None


@pytest.mark.slow
def test_an_edition_named_by_another_year_than_its_data_is_read_as_that_data(
    corpus_table: IndicatorTable,
) -> None:
    from assistant.answering.indicators import answer
    from assistant.answering.understanding import understand

    # "oecd_ourdata_2023.csv": the 2023 edition, values for 2022; the EGDI files name ranges
    assert corpus_table.editions("ourdata_availability") == {2023: 2022}
    assert corpus_table.editions("egdi") == {}
    # the OURdata index named alone is its three pillars (the data has no overall score)
    plan = understand("korea ourdata 2023 pillar scores?")
    assert plan.indicators == ["ourdata_availability", "ourdata_accessibility", "ourdata_reuse"]
    result = answer(plan, corpus_table)
    assert result.found and "0.84 [1]" in result.text and "0.9 [2]" in result.text
    assert result.text.count("The 2023 edition of OECD OURdata gives values for 2022") == 1
    # a year the data has is not read as another; one no edition names is not either
    assert "edition" not in answer(understand("korea ourdata 2022"), corpus_table).text
    assert not answer(understand("fiji egdi 2023"), corpus_table).found
