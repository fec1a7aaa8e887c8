"""Indicator table parsing: every layout recognised by its header, values kept as printed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from assistant.indicators import INDICATORS, IndicatorRow
from ingest.parsers.base import ParseFailure
from ingest.parsers.tables import (
    LAYOUTS,
    LONG_FAMILIES,
    UnknownLayout,
    detect_layout,
    parse_indicator_file,
    parse_indicator_table,
)

UN_HEADER = (
    "Survey Year,Country Name,E-Government Rank,E-Government Index,E-Participation Index,"
    "Online Service Index,Human Capital Index,Telecommunication Infrastructure Index"
)


def write(path: Path, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def by_key(rows: list[IndicatorRow]) -> dict[tuple[str, str, int], IndicatorRow]:
    return {(r.iso3, r.indicator, r.year): r for r in rows}


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    book.save(path)
    return path


# --- each layout -----------------------------------------------------------------------------


def test_egdi_long_layout_keeps_text_rank_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "long.csv",
        "year,iso3,country,egdi_rank,egdi,osi,hci,tii,epi,source_file\n"
        "2022,IDN,Indonesia,77,0.71600,0.76440,0.74380,0.63970,0.71590,raw/EGOV_DATA_2022.csv\n"
        "2010,KOR,Republic of Korea,1,0.87854,1.00000,0.99293,0.63902,1.00000,raw/x.csv\n",
        crlf=True,
    )
    assert detect_layout(path) == "egdi_long"
    rows = by_key(parse_indicator_file(path, "indicators-egdi/long.csv"))
    assert len(rows) == 10
    osi = rows["IDN", "osi", 2022]
    assert (osi.value_text, osi.value, osi.row, osi.rank) == ("0.76440", 0.7644, 2, None)
    assert osi.dataset == "UN E-Government Survey"
    assert osi.source == "indicators-egdi/long.csv"
    korea = rows["KOR", "egdi", 2010]
    assert (korea.rank, korea.row, korea.country) == (1, 3, "Republic of Korea")


def test_un_export_names_with_trailing_spaces_and_aggregates(tmp_path: Path) -> None:
    path = write(
        tmp_path / "EGOV_DATA_2018.csv",
        f"{UN_HEADER}\n"
        '2018,"Nepal ",117,0.47480,0.78090,0.68750,0.49570,0.24130\n'
        "2018,Viet Nam ,88,0.58600,0.73030,0.73610,0.64450,0.37750\n"
        '2018,"World Average ",,0.55000,0.46000,0.57000,0.71000,0.42000\n',
    )
    table = parse_indicator_table(path, "EGOV_DATA_2018.csv")
    assert table.layout == "un_export"
    rows = by_key(table.rows)
    assert {r.iso3 for r in table.rows} == {"NPL", "VNM"}
    # each column lands on its own indicator (the export orders them EGDI, EPI, OSI, HCI, TII)
    assert [rows["NPL", c, 2018].value_text for c in ("egdi", "epi", "osi", "hci", "tii")] == [
        "0.47480",
        "0.78090",
        "0.68750",
        "0.49570",
        "0.24130",
    ]
    assert rows["NPL", "egdi", 2018].rank == 117
    assert rows["NPL", "hci", 2018].row == 2
    assert [(s.row, "World Average" in s.reason) for s in table.skipped] == [(4, True)]


def test_un_export_with_region_column_ignores_region(tmp_path: Path) -> None:
    path = write(
        tmp_path / "EGOV_WITH_REGIONS_DATA_2022.csv",
        f"{UN_HEADER},Region\n2022,Albania ,63,0.7413,0.7614,0.8182,0.8022,0.6037,Europe\n",
    )
    rows = parse_indicator_file(path, "x.csv")
    assert {r.indicator for r in rows} == {"egdi", "epi", "osi", "hci", "tii"}
    assert all(r.group is None and r.iso3 == "ALB" for r in rows)


def test_renamed_2024_export_is_recognised_and_region_ignored(tmp_path: Path) -> None:
    path = write(
        tmp_path / "anything.csv",
        "Survey Year,Country,Rank,E_Index,E_Participation,Online_Service,Human_Capital,Tele_Infra,Region\n"
        "2024,Cambodia ,120,0.57536,0.31510,0.45034,0.51489,0.76094,Asia\n"
        "2024,Fiji ,100,0.65000,0.40000,0.60000,0.70000,0.66000,Asia\n",
        crlf=True,
    )
    assert detect_layout(path) == "un_export_renamed"
    rows = by_key(parse_indicator_file(path, "2024/anything.csv"))
    tii = rows["KHM", "tii", 2024]
    assert (tii.value_text, tii.row, tii.rank) == ("0.76094", 2, None)
    assert rows["KHM", "egdi", 2024].rank == 120
    assert rows["FJI", "epi", 2024].value_text == "0.40000"


def test_unu_layout_takes_the_year_from_the_file_name(tmp_path: Path) -> None:
    path = write(
        tmp_path / "egdi-2010.csv",
        "country-code,country-name,e-gov-rank,e-gov-index,e-pat-index,osi,hci,tii\n"
        "IRQ,Iraq,136.0,0.29957,0.04285,0.15238,0.6955600000000001,0.055220000000000005\n"
        "KIR,Kiribati,184.0,0.0,0.014280000000000001,0.028569999999999998,,0.014819999999999998\n"
        "SSD,South Sudan,,,,,,\n",
    )
    table = parse_indicator_table(path, "unu-egov/egdi-2010.csv")
    rows = by_key(table.rows)
    assert rows["IRQ", "egdi", 2010].rank == 136
    assert rows["IRQ", "hci", 2010].value_text == "0.6955600000000001"
    assert ("KIR", "hci", 2010) not in rows
    assert table.empty_cells == 1 + 5  # Kiribati's HCI, South Sudan's five values
    assert not table.skipped


def test_unu_layout_without_a_year_in_the_name_is_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path / "egdi.csv",
        "country-code,country-name,e-gov-rank,e-gov-index,e-pat-index,osi,hci,tii\n"
        "IRQ,Iraq,136,0.29957,0.04285,0.15238,0.69556,0.05522\n",
    )
    with pytest.raises(UnknownLayout, match="no year column"):
        parse_indicator_file(path, "egdi.csv")
    assert detect_layout(path) is None


def test_gtmi_layout_keeps_group_and_translates_legacy_codes(tmp_path: Path) -> None:
    path = write(
        tmp_path / "gtmi.csv",
        "year,country_code,country_name,grp,gtmi,cgsi,psdi,dcei,gtei\n"
        "2022,IND,India,A,0.9400327335480062,0.93,0.96,0.95,0.90\n"
        "2020,ROM,Romania,B,0.6,0.5,0.6,0.7,0.6\n"
        "2022,KSV,Kosovo,B,0.55,0.5,0.6,0.5,0.6\n"
        "2022,WBG,West Bank and Gaza,C,0.5,0.5,0.5,0.5,0.5\n",
    )
    rows = by_key(parse_indicator_file(path, "gtmi.csv"))
    india = rows["IND", "gtmi", 2022]
    assert (india.value_text, india.group, india.rank) == ("0.9400327335480062", "A", None)
    assert india.dataset == "World Bank GTMI"
    assert rows["IND", "cgsi", 2022].group is None  # the group classifies the GTMI itself
    assert {"ROU", "XKX", "PSE"} <= {r[0] for r in rows}
    assert rows["XKX", "gtmi", 2022].country == "Kosovo"


def test_ims_layout_skips_dashes_and_reads_float_years(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ims.csv",
        "country_code,country_name,FMIS,TMIS,CMIS,EPMIS,DMIS,PIMIS,year\n"
        'COD,"Congo, Dem. Rep.",6,6,6,9,0,4.5,2025.0\n'
        "NIC,Nicaragua,-,-,-,-,-,-,2025.0\n",
    )
    table = parse_indicator_table(path, "ims.csv")
    assert table.layout == "ims_adoption"
    rows = by_key(table.rows)
    assert rows["COD", "ims_epmis", 2025].value_text == "9"
    assert rows["COD", "ims_pimis", 2025].value_text == "4.5"
    assert table.empty_cells == 6
    assert "NIC" not in table.countries


def test_long_format_with_bom_attaches_ranks(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dgi.csv",
        '"cc_iso3c","ref_year","variable","value"\n'
        '"KOR",2023,"digital_design",0.971\n'
        '"KOR",2023,"composite_index",0.935\n'
        '"KOR",2023,"composite_rank",1\n'
        '"PER",2023,"composite_index",0.62\n',
        bom=True,
    )
    assert detect_layout(path) == "long:oecd_dgi"
    rows = by_key(parse_indicator_file(path, "oecd-eu/dgi.csv"))
    assert set(rows) == {
        ("KOR", "dgi_digital_design", 2023),
        ("KOR", "dgi", 2023),
        ("PER", "dgi", 2023),
    }
    assert (rows["KOR", "dgi", 2023].rank, rows["KOR", "dgi", 2023].row) == (1, 3)
    assert rows["PER", "dgi", 2023].rank is None
    assert rows["KOR", "dgi", 2023].dataset == "OECD DGI"


def test_long_format_family_is_chosen_by_all_its_variables(tmp_path: Path) -> None:
    header = '"cc_iso3c","ref_year","variable","value"\n'
    themes = write(
        tmp_path / "a.csv", header + '"IND",2022,"gtmi_backend",4\n"IND",2022,"gtmi_admin",8\n'
    )
    groups = write(
        tmp_path / "b.csv", header + '"IND",2022,"gtmi_backend",11\n"XKK",2022,"gtmi_fiscal",4.75\n'
    )
    assert [r.indicator for r in parse_indicator_file(themes, "a.csv")] == [
        "bipa_gtmi_backend",
        "bipa_gtmi_admin",
    ]
    rows = parse_indicator_file(groups, "b.csv")
    assert [(r.iso3, r.indicator) for r in rows] == [
        ("IND", "gtmi_backend"),
        ("XKX", "gtmi_fiscal"),
    ]


def test_long_format_that_fits_several_datasets_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "cc_iso3c,ref_year,variable,value\nIND,2022,gtmi_backend,4\n")
    with pytest.raises(UnknownLayout, match="several datasets"):
        parse_indicator_file(path, "x.csv")


def test_long_format_with_unknown_variables_is_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.csv", "cc_iso3c,ref_year,variable,value\nIND,2022,gdp_per_capita,4\n"
    )
    with pytest.raises(UnknownLayout, match="unknown variables gdp_per_capita"):
        parse_indicator_file(path, "x.csv")


# --- rejections ------------------------------------------------------------------------------


def test_unknown_layout_names_the_columns_seen(tmp_path: Path) -> None:
    path = write(tmp_path / "papers.csv", "year,title,abstract\n2017,Paper,Text\n")
    with pytest.raises(UnknownLayout) as caught:
        parse_indicator_file(path, "papers.csv")
    assert "year, title, abstract" in caught.value.reason
    assert caught.value.columns == ("year", "title", "abstract")
    assert detect_layout(path) is None


def test_an_extra_column_is_not_guessed_at_but_the_nearest_layout_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", f"{UN_HEADER},Notes\n2018,Nepal,117,0.4,0.7,0.6,0.4,0.2,n\n")
    with pytest.raises(UnknownLayout, match=r"closest: un_export; unexpected notes"):
        parse_indicator_file(path, "x.csv")


def test_semicolon_table_with_bom_is_read_and_rejected_by_its_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "countries-data_EN.csv",
        "COUNTRY CODE;COMMON NAME;REGION\nAFG;Afghanistan;Asia\n",
        bom=True,
        crlf=True,
    )
    with pytest.raises(UnknownLayout, match="COUNTRY CODE, COMMON NAME, REGION"):
        parse_indicator_file(path, "countries-data_EN.csv")


def test_not_a_table_file(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.txt", "year,iso3\n")
    assert detect_layout(path) is None
    with pytest.raises(UnknownLayout, match="not a CSV or XLSX"):
        parse_indicator_file(path, "notes.txt")


def test_repeated_columns_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "year,iso3,country,egdi,egdi\n2024,FJI,Fiji,0.1,0.2\n")
    with pytest.raises(UnknownLayout, match="repeated columns egdi"):
        parse_indicator_file(path, "x.csv")


# --- cells and lines -------------------------------------------------------------------------


def test_empty_and_non_numeric_cells_give_no_value(tmp_path: Path) -> None:
    path = write(
        tmp_path / "long.csv",
        "year,iso3,country,egdi_rank,egdi,osi,hci,tii,epi\n"
        "2024,FJI,Fiji,100,0.65000,,0.70000,n.a.x,0.40000\n",
    )
    table = parse_indicator_table(path, "long.csv")
    assert sorted(r.indicator for r in table.rows) == ["egdi", "epi", "hci"]
    assert table.empty_cells == 1
    assert table.notes == ["row 2: tii is not a number: 'n.a.x'"]


def test_row_is_the_first_line_of_a_record_even_after_a_multiline_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.csv",
        f"{UN_HEADER}\n"
        '2018,"Nepal\n",117,0.47480,0.78090,0.68750,0.49570,0.24130\n'
        "\n"
        "2018,Bhutan,126,0.42740,0.52810,0.56250,0.46630,0.29380\n",
    )
    rows = by_key(parse_indicator_file(path, "x.csv"))
    assert rows["NPL", "egdi", 2018].row == 2
    assert rows["BTN", "egdi", 2018].row == 5
    assert "0.42740" in path.read_text().splitlines()[4]


def test_xlsx_sheet_rows_footer_junk_and_float_text(tmp_path: Path) -> None:
    header = ["year", "country_code", "country_name", "grp", "gtmi", "cgsi", "psdi", "dcei", "gtei"]
    path = write_xlsx(
        tmp_path / "groups_data.xlsx",
        {
            "Sheet1": [
                header,
                [2020, "ARG", "Argentina", "A", 0.8680938452840153, 0.75, 0.9, 0.88, 0.92],
                [None] * 9,
                [2025, "FSM", "Micronesia, Fed. Sts.", "D", 9.0, None, 0.1, 0.2, 0.3],
                [2025, "0.75", "A", "80", 0.4060913705583756, None, None, None, None],
            ]
        },
    )
    table = parse_indicator_table(path, "indicators-gtmi/groups_data.xlsx")
    assert table.layout == "gtmi"
    rows = by_key(table.rows)
    assert rows["ARG", "gtmi", 2020].value_text == "0.8680938452840153"
    assert (rows["FSM", "gtmi", 2025].value_text, rows["FSM", "gtmi", 2025].row) == ("9", 4)
    assert ("FSM", "cgsi", 2025) not in rows
    assert [s.row for s in table.skipped] == [5]


def test_xlsx_with_one_known_sheet_reads_it_and_notes_the_other(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "About": [["This workbook holds GTMI data"]],
            "Data": [
                [None],
                ["year", "country_code", "country_name", "grp", "gtmi"],
                [2022, "IND", "India", "A", 0.94],
            ],
        },
    )
    table = parse_indicator_table(path, "book.xlsx")
    assert [(r.iso3, r.row) for r in table.rows] == [("IND", 3)]
    assert any("sheet 'About'" in note for note in table.notes)


def test_xlsx_without_a_known_sheet_is_rejected(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "benchmark.xlsx",
        {
            "Machine Readable Format": [
                ["year", "Country", "variable", "brkdown", "unit", "Value"],
                [2012, "AT", None, "e_gov_EVENTS_5", "eGov_score", 88],
            ]
        },
    )
    with pytest.raises(UnknownLayout, match="year, Country, variable, brkdown, unit, Value"):
        parse_indicator_file(path, "benchmark.xlsx")


def test_every_layout_produces_registered_indicators() -> None:
    codes = {code for layout in LAYOUTS for code in layout.values.values()}
    codes |= {code for family in LONG_FAMILIES for code in family.variables.values()}
    assert codes - set(INDICATORS) == set()
    for family in LONG_FAMILIES:
        assert set(family.ranks.values()) <= set(family.variables)


# --- the real files --------------------------------------------------------------------------

INDICATOR_FOLDERS = ("indicators-egdi", "indicators-gtmi", "oecd-eu")
REJECTED = {
    "indicators-egdi/unu-egov/countries-data_EN.csv",
    "indicators-egdi/unu-egov/icegov-proceedings-all-editions.csv",
    "oecd-eu/8_eGovernment_Benchmark_2023__Machine_readable_format_yNnDLkuakDOMHQguOM4GyVnyEc_98714.xlsx",
}


def table_files(corpus: Path) -> list[Path]:
    return sorted(
        p
        for folder in INDICATOR_FOLDERS
        for p in (corpus / folder).rglob("*")
        if p.suffix.lower() in {".csv", ".xlsx"}
    )


@pytest.mark.slow
def test_real_indicator_files_are_recognised_or_rejected_with_reasons(shared_corpus: Path) -> None:
    layouts: dict[str, str | None] = {
        path.relative_to(shared_corpus).as_posix(): detect_layout(path)
        for path in table_files(shared_corpus)
    }
    assert {source for source, layout in layouts.items() if layout is None} == REJECTED
    assert Counter(layout for layout in layouts.values() if layout) == {
        "egdi_long": 1,
        "un_export": 12,
        "un_export_renamed": 1,
        "unu_egdi": 5,
        "gtmi": 2,
        "ims_adoption": 1,
        "long:bipa_gtmi_indicators": 1,
        "long:bipa_gtmi_themes": 1,
        "long:oecd_dgi": 1,
        "long:oecd_ourdata": 1,
    }
    for source in REJECTED:
        with pytest.raises(UnknownLayout, match="no known layout has the columns"):
            parse_indicator_file(shared_corpus / source, source)


@pytest.mark.slow
@pytest.mark.parametrize("year", [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022])
def test_every_un_export_resolves_all_193_countries(shared_corpus: Path, year: int) -> None:
    path = shared_corpus / f"indicators-egdi/raw-un-export/EGOV_DATA_{year}.csv"
    table = parse_indicator_table(path, path.name)
    assert table.skipped == []
    assert len(table.countries) == 193
    assert {r.year for r in table.rows} == {year}


@pytest.mark.slow
def test_2024_export_resolves_all_193_countries(shared_corpus: Path) -> None:
    table = parse_indicator_table(
        shared_corpus / "indicators-egdi/2024/EGOV_DATA_2024_modified.csv", "x.csv"
    )
    assert (len(table.countries), table.skipped) == (193, [])


@pytest.mark.slow
def test_gtmi_workbook_drops_its_five_footer_rows(shared_corpus: Path) -> None:
    workbook = parse_indicator_table(shared_corpus / "indicators-gtmi/groups_data.xlsx", "g.xlsx")
    csv_table = parse_indicator_table(
        shared_corpus / "indicators-gtmi/gtmi_2020_2022_2025.csv", "g.csv"
    )
    assert [s.row for s in workbook.skipped] == [595, 596, 597, 598, 599]
    assert len(workbook.rows) == len(csv_table.rows) == 2965
    assert workbook.countries == csv_table.countries


@pytest.mark.slow
def test_every_row_number_points_at_a_line_holding_the_value(shared_corpus: Path) -> None:
    checked = 0
    for path in table_files(shared_corpus):
        source = path.relative_to(shared_corpus).as_posix()
        if source in REJECTED:
            continue
        rows = parse_indicator_file(path, source)
        if path.suffix == ".csv":
            lines = path.read_text(encoding="utf-8-sig").splitlines()
            cells_at = {n: lines[n - 1].split(",") for n in {r.row for r in rows}}
        else:
            sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
            cells_at = {
                n: [str(v) for v in values]
                for n, values in enumerate(sheet.iter_rows(values_only=True), 1)
            }
        for row in rows:
            cells = [c.strip().strip('"').strip() for c in cells_at[row.row]]
            assert row.value_text in cells, (source, row)
            checked += 1
    assert checked > 40_000


def test_unreadable_files_raise_parse_failure(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"year,iso3\x00\x00\x01")
    for path in (broken, binary):
        with pytest.raises(ParseFailure) as caught:
            parse_indicator_file(path, path.name)
        assert not isinstance(caught.value, UnknownLayout)
        assert path.name in caught.value.reason
        assert detect_layout(path) is None
