"""The indicator answerer (assistant/answering/indicators.py) on a small real indicator table.

Questions go through ``understand`` and ``answer`` as in the application; the table is a real
SQLite IndicatorTable in tmp_path holding the rows below, so every figure can be traced to the
row it cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering.indicators import IndicatorAnswer, answer, difference, possessive, shown
from assistant.answering.understanding import understand
from assistant.indicators import IndicatorRow
from assistant.storage.indicators import IndicatorTable

SOURCE = "indicators-egdi/egdi_2003_2024_long.csv"
FLOAT = "0.8404502742767075"  # a machine float, as some exports print it

# iso3, name, EGDI 2022 (None: no value), 2022 rank, EGDI 2024, 2024 rank
EGDI = [
    ("DNK", "Denmark", "0.97170", 1, "0.98474", 1),
    ("SGP", "Singapore", "0.91330", 4, "0.96912", 2),
    ("KOR", "Republic of Korea", "0.95290", 2, "0.96790", 3),
    ("JPN", "Japan", "0.90020", 5, "0.93510", 4),
    ("USA", "United States of America", "0.93000", 3, "0.91950", 5),
    ("IDN", "Indonesia", "0.71600", 7, FLOAT, 6),
    ("THA", "Thailand", "0.76600", 6, "0.75000", 7),  # exactly on the very-high line
    ("MNG", "Mongolia", None, None, "0.72000", 8),  # no 2022 value
    ("FJI", "Fiji", "0.62350", 8, "0.67544", 9),
    ("TON", "Tonga", "0.59200", 9, "0.65700", 10),
]
# Fiji's EGDI components in 2024
COMPONENTS = [("osi", "0.50000"), ("hci", "0.80000"), ("tii", "0.72620")]


def row(
    iso3: str,
    name: str,
    year: int,
    text: str,
    line: int,
    rank: int | None = None,
    indicator: str = "egdi",
) -> IndicatorRow:
    return IndicatorRow(
        iso3=iso3,
        country=name,
        indicator=indicator,
        year=year,
        value=float(text),
        value_text=text,
        source=SOURCE,
        row=line,
        dataset="UN E-Government Survey",
        rank=rank,
    )


def line_of(iso3: str, year: int) -> int:
    i = [e[0] for e in EGDI].index(iso3)
    return (10 if year == 2022 else 100) + i


@pytest.fixture
def table(tmp_path: Path) -> Iterator[IndicatorTable]:
    rows: list[IndicatorRow] = []
    for iso3, name, v22, r22, v24, r24 in EGDI:
        if v22 is not None:
            rows.append(row(iso3, name, 2022, v22, line_of(iso3, 2022), r22))
        rows.append(row(iso3, name, 2024, v24, line_of(iso3, 2024), r24))
    for i, (code, text) in enumerate(COMPONENTS):
        rows.append(row("FJI", "Fiji", 2024, text, 200 + i, indicator=code))
    rows.append(row("TON", "Tonga", 2024, "0.60000", 210, indicator="osi"))  # no OSI ranks
    # a GovTech system score on its own scale (0, 4.5 or 9)
    rows.append(row("KHM", "Cambodia", 2025, "4.5", 220, indicator="ims_epmis"))
    with IndicatorTable(tmp_path / "indicators.sqlite3") as t:
        t.replace_source(SOURCE, rows)
        yield t


def ask(question: str, table: IndicatorTable) -> IndicatorAnswer:
    result = answer(understand(question), table)
    assert result.found, result.text
    # marker [n] is values[n-1]: every marker has its row
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", result.text)}
    assert markers == set(range(1, len(result.values) + 1))
    return result


def cited(result: IndicatorAnswer) -> list[str]:
    return [v.iso3 for v in result.values]


# --- top and bottom N within a group ------------------------------------------------------------


def test_top_n_within_a_group_uses_only_its_members(table: IndicatorTable) -> None:
    result = ask("top 3 in asia on egdi 2024", table)
    assert cited(result) == ["SGP", "KOR", "JPN"]  # Denmark (rank 1) is not in Asia
    assert "6 of the 50 countries of Asia have a value that year" in result.text
    assert "ranks are world ranks" in result.text


def test_top_n_larger_than_the_group_lists_the_members_with_data(table: IndicatorTable) -> None:
    result = ask("top 5 asean countries on egdi 2024", table)
    assert cited(result) == ["SGP", "IDN", "THA"]
    assert result.text.startswith("The 3 highest")
    assert "3 of the 11 countries of ASEAN" in result.text


@pytest.mark.parametrize(
    "question",
    ["asean egdi 2024", "asean egdi 2024 any numbers?", "egdi of asean countries in 2024"],
)
def test_an_indicator_asked_of_a_group_gives_every_member(
    question: str, table: IndicatorTable
) -> None:
    result = ask(question, table)
    assert cited(result) == ["SGP", "IDN", "THA"]  # every member with a value, highest first
    assert result.text.startswith(
        "The E-Government Development Index (EGDI) of ASEAN in 2024, highest first: 1. Singapore"
    )
    assert "3 of the 11 countries of ASEAN have a value that year" in result.text


@pytest.mark.parametrize("question", ["fiji osi and hci 2024", "fiji osi vs hci"])
def test_every_indicator_named_is_answered_in_turn(question: str, table: IndicatorTable) -> None:
    result = ask(question, table)  # markers numbered on: [1] the OSI row, [2] the HCI row
    assert [(v.indicator, v.value_text) for v in result.values] == [
        ("osi", "0.50000"),
        ("hci", "0.80000"),
    ]
    assert "Online Service Index (OSI) in 2024" in result.text
    assert "Human Capital Index (HCI) in 2024" in result.text
    assert "ask separately" not in result.text
    assert understand(question).describe().startswith("OSI and HCI · value · Fiji")


def test_a_ranking_is_of_one_indicator_and_says_so(table: IndicatorTable) -> None:
    result = ask("top 3 egdi and osi 2024", table)
    assert {v.indicator for v in result.values} == {"egdi"}
    assert "ask separately for the Online Service Index (OSI)" in result.text


def test_two_groups_are_named_as_a_reader_would(table: IndicatorTable) -> None:
    # a membership group in the region named, not "Oceania and small island developing States"
    result = ask("top 2 pacific sids on egdi 2024", table)
    assert cited(result) == ["FJI", "TON"]
    assert result.text.startswith(
        "The 2 highest E-Government Development Index (EGDI) values in small island developing "
        "States in Oceania in 2024"
    )


def test_bottom_n_within_a_group(table: IndicatorTable) -> None:
    result = ask("lowest 2 egdi in asia 2024", table)
    assert cited(result) == ["MNG", "THA"]


def test_top_n_of_the_world(table: IndicatorTable) -> None:
    result = ask("top 3 egdi 2024", table)
    assert cited(result) == ["DNK", "SGP", "KOR"]
    assert "ranks are world ranks" not in result.text  # no group: nothing to explain


def test_a_rank_the_data_does_not_publish_is_a_place_by_value_said_to_be_computed(
    table: IndicatorTable,
) -> None:
    result = ask("fiji osi rank 2024", table)
    assert "0.50000" in result.text and "rank 2" not in result.text
    assert "The data publishes no rank for the Online Service Index (OSI)" in result.text
    assert "Fiji places 2 of the 2 countries with a value in 2024 (computed here)" in result.text
    # a group's top values with no rank shown say nothing of world ranks
    listed = ask("top 2 in oceania on osi 2024", table)
    assert cited(listed) == ["TON", "FJI"] and "world ranks" not in listed.text


def test_the_average_of_a_group_is_computed_over_its_rows_and_says_so(
    table: IndicatorTable,
) -> None:
    result = ask("average egdi in asia 2024", table)
    # a computed figure to three decimals; each value averaged cited as printed (few of them)
    assert result.text.startswith(
        "The average E-Government Development Index (EGDI) of Asia in 2024 was 0.864 "
        "(median 0.888), computed here over the 6 countries with a value (of 50 in the group): "
        "Singapore 0.96912 [1]; "
    )
    assert cited(result) == ["SGP", "KOR", "JPN", "IDN", "THA", "MNG"]
    # a rank asked within a group is the place in it, computed, beside the published world rank
    ranked = ask("japan egdi rank among asian countries 2024", table)
    assert "rank 4 [1]" in ranked.text
    assert "Among Asia, Japan places 3 of the 6 with a value in 2024 (computed here)" in ranked.text


def test_an_average_of_an_index_named_for_a_group_also_gives_its_members_own(
    tmp_path: Path,
) -> None:
    # the OECD DGI scores partner countries too: "the OECD average" is over members alone
    scores = [("KOR", "0.935"), ("JPN", "0.483"), ("DNK", "0.800"), ("BRA", "0.600")]
    rows = [
        row(iso3, iso3, 2023, text, 300 + i, indicator="dgi")
        for i, (iso3, text) in enumerate(scores)
    ]
    with IndicatorTable(tmp_path / "dgi.sqlite3") as table:
        table.replace_source(SOURCE, rows)
        result = ask("oecd dgi 2023 avg score?", table)
    assert "computed here over the 4 countries with a value" in result.text
    assert result.text.endswith("The OECD members alone (3 with a value): 0.739 (median 0.800).")


def test_which_countries_meet_a_rule_is_answered_by_the_count_that_lists_them(
    table: IndicatorTable,
) -> None:
    listed = ask("which asian countries are in the very high egdi group in 2024", table)
    assert listed.text.startswith("Asia: 4 countries in the very high EGDI level")
    assert cited(listed)[:4] == ["SGP", "KOR", "JPN", "IDN"]  # Thailand on the line


def test_a_group_with_no_data_is_not_answered(table: IndicatorTable) -> None:
    result = answer(understand("top 3 in africa on egdi 2024"), table)
    assert not result.found and result.values == []
    assert "Africa" in result.text and "2024" in result.text


def test_a_value_on_another_scale_than_0_to_1_is_given_with_its_scale(
    table: IndicatorTable,
) -> None:
    epmis = ask("cambodia epmis score 2025", table)
    assert epmis.text.startswith("Cambodia's E-Procurement Portal (EPMIS) in 2025 was 4.5 [1].")
    assert epmis.text.endswith(
        "Scale: raw GTMI 2025 score; the highest value means fully in place (0, 4.5 or 9)."
    )
    # the EGDI's 0 to 1 goes without saying
    assert "Scale" not in ask("fiji egdi 2024", table).text


# --- counts --------------------------------------------------------------------------------------


def test_count_above_a_threshold(table: IndicatorTable) -> None:
    result = ask("how many countries have egdi above 0.9 in 2024", table)
    assert result.text.startswith("5 countries with E-Government Development Index (EGDI) above")
    assert "out of 10 with a value" in result.text
    assert cited(result) == ["DNK", "SGP", "KOR", "JPN", "USA", "IDN"]
    # the line: the last counted and the nearest not counted
    assert "United States of America 0.91950, rank 5 [5] (counted)" in result.text
    assert "Indonesia 0.840, rank 6 [6] (not counted)" in result.text


def test_count_below_a_threshold_within_a_group(table: IndicatorTable) -> None:
    result = ask("how many asean countries have egdi below 0.8 in 2024", table)
    assert result.text.startswith("ASEAN: 1 country with")
    assert "out of 3 with a value" in result.text
    assert cited(result)[0] == "THA"
    assert not {"FJI", "TON", "MNG", "USA"} & set(cited(result))  # not ASEAN members


def test_count_in_an_egdi_level_uses_the_survey_bands(table: IndicatorTable) -> None:
    very_high = ask("how many countries are in the very high egdi group in 2024", table)
    assert very_high.text.startswith("6 countries in the very high EGDI level")
    assert "Thailand 0.75000, rank 7 [7] (not counted)" in very_high.text  # above 0.75 only
    high = ask("how many countries are in the high egdi group in 2024", table)
    assert high.text.startswith("4 countries in the high EGDI level")
    assert cited(high)[:4] == ["THA", "MNG", "FJI", "TON"]


def test_a_count_of_zero_cites_the_highest_row(table: IndicatorTable) -> None:
    result = ask("how many pacific islands have egdi above 0.9 in 2024", table)
    assert result.text.startswith("The Pacific islands")
    assert "0 countries" in result.text and "The highest was Fiji [1]" in result.text
    assert cited(result) == ["FJI"]


def test_a_count_of_a_place_in_the_ranking_uses_the_world_ranks(table: IndicatorTable) -> None:
    # Fiji is 9th and Tonga 10th of the world's ten: only Fiji is in the top 9
    result = ask("how many pacific islands are in the top 9 on egdi 2024", table)
    assert result.text.startswith("The Pacific islands")
    assert "1 country in the world's top 9 on the E-Government Development Index" in result.text
    assert "out of 2 with a value" in result.text
    assert "Tonga 0.65700, rank 10 [2] (not counted)" in result.text
    bottom = ask("how many asean countries in the bottom 5 on egdi 2024", table)
    assert bottom.text.startswith("ASEAN: 2 countries in the world's bottom 5")
    assert cited(bottom)[:2] == ["IDN", "THA"]  # 6th and 7th of 10; Singapore (2nd) is not
    assert "Singapore 0.96912, rank 2 [3] (not counted)" in bottom.text


def test_at_least_counts_a_value_equal_to_the_threshold(table: IndicatorTable) -> None:
    result = ask("how many countries have an egdi of at least 0.75 in 2024", table)
    assert result.text.startswith("7 countries")  # Thailand's 0.75000 counts


# --- movers --------------------------------------------------------------------------------------


def test_improved_most_between_two_years(table: IndicatorTable) -> None:
    result = ask("which countries improved most on egdi between 2022 and 2024", table)
    listing = result.text
    order = [listing.index(name) for name in ("Indonesia", "Tonga", "Singapore", "Fiji", "Japan")]
    assert order == sorted(order)
    assert "1. Indonesia +0.12445" in listing  # 0.840 - 0.71600, at the finer precision
    assert "2. Tonga +0.06500" in listing
    assert "Mongolia" not in listing  # no 2022 value
    assert "Computed over the 9 countries with a value in both years" in listing
    # both ends of each change are cited, oldest first
    assert [(v.iso3, v.year) for v in result.values[:2]] == [("IDN", 2022), ("IDN", 2024)]


def test_improved_most_within_a_group(table: IndicatorTable) -> None:
    result = ask("which pacific islands improved most in egdi between 2022 and 2024", table)
    assert set(cited(result)) == {"TON", "FJI"}
    assert result.text.index("Tonga") < result.text.index("Fiji")
    assert "Computed over the 2 countries" in result.text


def test_declined_most(table: IndicatorTable) -> None:
    result = ask("which countries declined most on egdi between 2022 and 2024", table)
    assert "1. Thailand -0.01600" in result.text and "2. United States of America -0.01050" in (
        result.text
    )


def test_declined_most_does_not_call_gains_falls(table: IndicatorTable) -> None:
    result = answer(
        understand("which pacific islands declined most in egdi between 2022 and 2024"), table
    )
    assert "fell most" not in result.text or not re.search(r"\+0\.\d", result.text)


# --- position ------------------------------------------------------------------------------------


def test_position(table: IndicatorTable) -> None:
    result = ask("who was number 2 on the egdi in 2024", table)
    assert result.text.startswith("Singapore was number 2 on the E-Government Development Index")
    assert "Number 1: Denmark" in result.text
    assert cited(result) == ["SGP", "DNK"]


def test_position_within_a_group(table: IndicatorTable) -> None:
    result = ask("who was number 2 on the egdi in asia in 2024", table)
    assert result.text.startswith("Republic of Korea was number 2")
    assert " in Asia in 2024" in result.text


def test_a_position_beyond_the_data_is_not_answered(table: IndicatorTable) -> None:
    result = answer(understand("who was number 20 on the egdi in 2024"), table)
    assert not result.found and result.values == []


# --- values, machine floats, citations ----------------------------------------------------------


def test_a_machine_float_is_shown_to_three_decimals_and_cited_exactly(
    table: IndicatorTable,
) -> None:
    result = ask("indonesia egdi 2024", table)
    assert result.text == (
        "Indonesia's E-Government Development Index (EGDI) in 2024 was 0.840, rank 6 [1]."
    )
    (value,) = result.values
    assert (value.value_text, value.row, value.source) == (FLOAT, line_of("IDN", 2024), SOURCE)
    # the table shows the value as the answer does; the row it cites keeps the exact one
    assert result.table[0]["value"] == "0.840" and result.table[0]["row"] == line_of("IDN", 2024)


def test_a_value_as_printed_and_the_latest_edition(table: IndicatorTable) -> None:
    result = ask("fiji egdi", table)
    assert "in 2024 (the latest edition in the data) was 0.67544, rank 9 [1]" in result.text


@pytest.mark.parametrize("question", ["nepal egdi 2024", "nepal egdi", "fiji egdi 2010"])
def test_a_country_without_data_gives_a_not_found_answer(
    question: str, table: IndicatorTable
) -> None:
    result = answer(understand(question), table)
    assert not result.found
    assert result.values == [] and result.table == []
    assert result.text.startswith("The indicator data I have holds no E-Government")
    assert ("Nepal" if "nepal" in question else "Fiji in 2010") in result.text


def test_a_comparison_names_what_it_lacks(table: IndicatorTable) -> None:
    result = ask("nepal vs fiji egdi 2024", table)
    assert cited(result) == ["FJI"]
    assert "No evidence found for Nepal" in result.text


def test_a_comparison_of_three(table: IndicatorTable) -> None:
    result = ask("korea vs japan vs indonesia egdi 2024", table)
    assert cited(result) == ["KOR", "JPN", "IDN"]  # highest first
    assert "Republic of Korea had the highest" in result.text
    assert "0.96790 against 0.840 for Indonesia, a difference of 0.12745" in result.text


def test_change_between_two_years(table: IndicatorTable) -> None:
    result = ask("change in indonesia egdi from 2022 to 2024", table)
    assert "a change of +0.12445; its rank went from 7 to 6" in result.text
    assert [v.year for v in result.values] == [2022, 2024]


def test_change_into_the_year_asked_from_the_edition_before(table: IndicatorTable) -> None:
    result = ask("did fiji's egdi drop in 2024?", table)
    assert result.text.startswith("Fiji's E-Government Development Index (EGDI) went from 0.62350")
    assert "a change of +0.05194; its rank went from 8 to 9 (down 1 place)" in result.text
    assert [v.year for v in result.values] == [2022, 2024]
    # no edition before the year asked: said so, nothing made up
    result = answer(understand("did mongolia's egdi go up in 2024?"), table)
    assert not result.found
    assert "no two editions of the E-Government Development Index (EGDI) for Mongolia up to" in (
        result.text
    )
    assert result.values == []
    # a year with no edition: said so, with the editions there are
    result = answer(understand("did fiji's egdi drop in 2023?"), table)
    assert not result.found
    assert "no E-Government Development Index (EGDI) value for Fiji in 2023 (its editions: " in (
        result.text
    )


def test_weakest_and_strongest_component(table: IndicatorTable) -> None:
    result = ask("weakest component of fiji's egdi in 2024", table)
    assert "Weakest: Online Service Index (OSI); strongest: Human Capital Index (HCI)" in (
        result.text
    )
    assert [v.indicator for v in result.values] == ["egdi", "osi", "tii", "hci"]


def test_the_weakest_dimension_of_the_oecd_dgi(tmp_path: Path) -> None:
    """The OECD DGI is the average of its six dimensions: its weakest and strongest are asked
    like the EGDI's components (it had been answered with the composite alone)."""
    dimensions = [
        ("dgi_digital_design", "0.971"),
        ("dgi_data_driven", "1"),
        ("dgi_govt_as_platform", "0.913"),
        ("dgi_open_default", "0.882"),
        ("dgi_user_driven", "0.909"),
        ("dgi_proactiveness", "0.934"),
    ]
    rows = [row("KOR", "Republic of Korea", 2023, "0.935", 2, 1, indicator="dgi")]
    rows += [
        row("KOR", "Republic of Korea", 2023, text, 3 + i, indicator=code)
        for i, (code, text) in enumerate(dimensions)
    ]
    with IndicatorTable(tmp_path / "indicators.sqlite3") as dgi:
        dgi.replace_source(SOURCE, rows)
        result = ask("korea oecd dgi 2023 - whats its weakest dimension?", dgi)
    assert "Weakest: DGI: Open by default; strongest: DGI: Data-driven public sector" in (
        result.text
    )
    assert [v.indicator for v in result.values][:2] == ["dgi", "dgi_open_default"]


# --- long counts: the table holds every row ------------------------------------------------------


def test_a_long_count_lists_every_counted_row_once(tmp_path: Path) -> None:
    names = ["AGO", "BEN", "BWA", "BFA", "BDI", "CMR", "CPV", "CAF", "TCD", "COM", "COG", "CIV"]
    names += ["DJI", "EGY", "GNQ"]
    rows = [
        row(c, c, 2024, f"0.{90 - i:02d}000", 2 + i, i + 1) for i, c in enumerate(names)
    ]  # 0.90000 down to 0.76000, ranked in that order
    with IndicatorTable(tmp_path / "indicators.sqlite3") as t:
        t.replace_source(SOURCE, rows)
        result = ask("how many countries have egdi above 0.5 in 2024", t)
    assert "and 3 more (all in the table)" in result.text
    assert len(result.values) <= 13
    assert sorted(r["iso3"] for r in result.table) == sorted(names)


# --- shown() and difference() --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.67544", "0.67544"),  # as printed
        ("0.6754", "0.6754"),
        ("0.12345", "0.12345"),  # five decimals is how the Survey prints: kept
        (FLOAT, "0.840"),
        ("0.057139999999999996", "0.057"),
        ("-0.1234567", "-0.123"),
        ("6", "6"),
        ("4.5", "4.5"),
    ],
)
def test_shown(text: str, expected: str) -> None:
    assert shown(row("FJI", "Fiji", 2024, text, 2)) == expected


def test_difference_at_the_precision_shown() -> None:
    later = row("FJI", "Fiji", 2024, "0.67544", 3)
    earlier = row("FJI", "Fiji", 2022, "0.62350", 4)
    assert difference(later, earlier) == "+0.05194"
    assert difference(earlier, later) == "-0.05194"
    assert difference(later, earlier, sign=False) == "0.05194"
    machine = row("IDN", "Indonesia", 2024, FLOAT, 5)
    assert difference(machine, later) == "+0.16501"  # the finer of 3 and 5 decimals
    other = row("IDN", "Indonesia", 2022, "0.7092118549346924", 6)
    assert difference(machine, other) == "+0.131"  # two machine floats: three decimals


def test_a_count_in_a_group_the_data_gives_its_rows(tmp_path: Path) -> None:
    gtmi = "indicators-gtmi/gtmi_2020_2022_2025.csv"
    rows = [
        IndicatorRow(
            iso3=iso3,
            country=name,
            indicator="gtmi",
            year=2025,
            value=float(text),
            value_text=text,
            source=gtmi,
            row=line,
            dataset="World Bank GTMI",
            group=group,
        )
        for line, (iso3, name, text, group) in enumerate(
            [
                ("KOR", "Republic of Korea", "0.997", "A"),
                ("ARG", "Argentina", "0.7531", "A"),
                ("VNM", "Viet Nam", "0.7360", "B"),
                ("LAO", "Lao People's Democratic Republic", "0.4037", "C"),
            ],
            start=2,
        )
    ]
    with IndicatorTable(tmp_path / "indicators.sqlite3") as t:
        t.replace_source(gtmi, rows)
        result = ask("how many countries are in gtmi group a in 2025", t)
    assert result.text.startswith(
        "2 countries in group A of the GovTech Maturity Index (GTMI) in 2025, out of 4"
    )
    assert sorted(cited(result))[:2] == ["ARG", "KOR"]
    assert "Viet Nam 0.7360, group B" in result.text  # nearest the line, not counted


def test_a_name_ending_in_s_takes_an_apostrophe_alone() -> None:
    assert possessive("Marshall Islands") == "Marshall Islands'"
    assert possessive("Fiji") == "Fiji's"
