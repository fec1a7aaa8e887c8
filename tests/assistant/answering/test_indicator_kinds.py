"""Indicator answers beyond one value, on a small real indicator table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering.indicators import answer, difference, shown
from assistant.answering.understanding import understand
from assistant.indicators import IndicatorRow
from assistant.storage.indicators import IndicatorTable

LONG = "indicators-egdi/egdi_2003_2024_long.csv"
# (iso3, name, 2022 EGDI, 2024 EGDI, 2024 rank): four ASEAN members, two Pacific islands, Denmark
DATA = [
    ("SGP", "Singapore", "0.91330", "0.96912", 3),
    ("THA", "Thailand", "0.76600", "0.83510", 52),
    ("KHM", "Cambodia", "0.48870", "0.57536", 120),
    ("LAO", "Lao People's Democratic Republic", "0.38640", "0.44230", 150),
    ("FJI", "Fiji", "0.62350", "0.67544", 93),
    ("WSM", "Samoa", "0.42070", "0.48990", 139),
    ("DNK", "Denmark", "0.97170", "0.98474", 1),
]


def row(iso3: str, name: str, year: int, text: str, line: int, rank: int | None) -> IndicatorRow:
    return IndicatorRow(
        iso3=iso3,
        country=name,
        indicator="egdi",
        year=year,
        value=float(text),
        value_text=text,
        source=LONG,
        row=line,
        dataset="UN E-Government Survey",
        rank=rank,
    )


@pytest.fixture
def table(tmp_path: Path) -> Iterator[IndicatorTable]:
    rows = []
    for i, (iso3, name, v22, v24, rank) in enumerate(DATA):
        rows.append(row(iso3, name, 2022, v22, 10 + i, None))
        rows.append(row(iso3, name, 2024, v24, 100 + i, rank))
    with IndicatorTable(tmp_path / "indicators.sqlite3") as t:
        t.replace_source(LONG, rows)
        yield t


def ask(question: str, table: IndicatorTable) -> tuple[str, list[str]]:
    result = answer(understand(question), table)
    assert result.found, result.text
    return result.text, [v.iso3 for v in result.values]


def test_top_n_within_a_group_uses_only_its_members(table: IndicatorTable) -> None:
    text, cited = ask("top 2 asean countries on egdi 2024", table)
    assert cited == ["SGP", "THA"] and "DNK" not in cited
    assert "ranks are world ranks" in text


def test_count_above_a_threshold_shows_the_line(table: IndicatorTable) -> None:
    text, _ = ask("how many asean countries have egdi above 0.5 in 2024", table)
    assert text.startswith("ASEAN: 3 countries") and "out of 4 with a value" in text
    assert "Lao People's Democratic Republic" in text and "(not counted)" in text


def test_improved_most_between_two_years(table: IndicatorTable) -> None:
    text, _ = ask("which pacific islands improved most in egdi between 2022 and 2024", table)
    assert text.index("Samoa") < text.index("Fiji")  # +0.06920 against +0.05194
    assert "+0.06920" in text and "Computed over the 2 countries" in text


def test_position_and_bottom(table: IndicatorTable) -> None:
    text, _ = ask("who was number 2 on the egdi in 2024", table)
    assert text.startswith("Singapore was number 2")
    _, cited = ask("lowest egdi in asean 2024", table)
    assert cited[0] == "LAO"


def test_a_country_without_data_is_not_answered(table: IndicatorTable) -> None:
    result = answer(understand("nepal egdi 2024"), table)
    assert not result.found and "no E-Government Development Index (EGDI) value for Nepal" in (
        result.text
    )


def test_machine_floats_are_shown_rounded_and_differences_at_their_precision() -> None:
    float_row = row("IDN", "Indonesia", 2025, "0.8404502742767075", 2, None)
    assert shown(float_row) == "0.840"
    a, b = row("FJI", "Fiji", 2024, "0.67544", 3, 93), row("FJI", "Fiji", 2022, "0.62350", 4, 97)
    assert shown(a) == "0.67544" and difference(a, b) == "+0.05194"
    assert difference(float_row, a, sign=False) == "0.16501"  # the finer of the two
