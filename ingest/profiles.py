"""Country profiles: one Markdown document per country, written from the indicator table.

Why: a question that names a country but no exact figure ("How is Mongolia doing on online
services?") is answered by passage retrieval, and the indicator files themselves make poor
passages (a CSV line says nothing without its header). A profile says it in sentences, and every
figure in it is shown as its file prints it (a machine float such as 0.7205774436090225 to three
decimals: :func:`assistant.indicators.shown`) and followed by "(source: FILE, row N)", so a
citation of the profile still leads a person to the line of data and its exact value.

The output is a pure function of the table (no dates, stable order): the same table gives
byte-identical files, and files whose content did not change are not rewritten, so incremental
ingestion sees them as unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import groupby
from pathlib import Path

from assistant.country_groups import asia_pacific, asia_pacific_sids
from assistant.indicators import (
    DATASETS,
    INDICATORS,
    UN_EGOV,
    IndicatorValue,
    shown,
    sort_by_registry,
)
from assistant.storage.indicators import IndicatorTable

__all__ = ["PROFILE_MARKER", "build_profiles", "render_profile"]

PROFILE_MARKER = "<!-- collection: profile;"
_PROFILE_NAME = re.compile(r"^[A-Z]{3}\.md$")

# What a reader must know to compare a dataset's figures (shown under its heading).
DATASET_NOTES: dict[str, str] = {
    UN_EGOV: (
        "Values are as published by UN DESA; the 2003-2005 OSI and EPI come from an earlier "
        "methodology, so compare them with later editions with care."
    ),
}


def build_profiles(table: IndicatorTable, out_dir: Path) -> list[Path]:
    """Write ``<ISO3>.md`` for every country in ``table``; return their paths, sorted.

    Profiles are public documents: ingestion passes a view of the table that holds only the
    rows of public data documents (:class:`assistant.access.RestrictedIndicatorTable`), so the
    preferred value of each figure is picked among those alone. Files whose content is
    unchanged are left alone. Profiles of countries no longer in the table (files named
    ``<ISO3>.md`` that start with the profile marker) are removed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    values = table.query(limit=table.count())
    paths: list[Path] = []
    for iso3, rows in groupby(values, key=lambda v: v.iso3):
        path = out_dir / f"{iso3}.md"
        _write_if_changed(path, render_profile(iso3, list(rows)))
        paths.append(path)
    _remove_stale(out_dir, keep={p.name for p in paths})
    return sorted(paths)


def render_profile(iso3: str, values: Sequence[IndicatorValue]) -> str:
    """The Markdown profile of one country from its (preferred) indicator values."""
    values = sorted(values, key=lambda v: (v.indicator, v.year))
    name = values[0].country if values else iso3
    lines = [
        f"<!-- collection: profile; countries: {iso3}; source: generated from indicator data -->",
        f"# Country profile: {name} ({iso3})",
        "",
        _region_sentence(iso3, name),
        "",
        "This profile is generated from indicator data files. Every figure is quoted exactly as "
        "its file prints it and is followed by the file and row it comes from.",
    ]
    by_code = {code: list(rows) for code, rows in groupby(values, key=lambda v: v.indicator)}
    for dataset in _datasets(by_code):
        codes = [c for c in sort_by_registry(list(by_code)) if _dataset(c, by_code) == dataset]
        lines += ["", f"## {dataset}"]
        if dataset in DATASET_NOTES:
            lines += ["", DATASET_NOTES[dataset]]
        lines += _dataset_section(name, [by_code[c] for c in codes])
    return "\n".join(lines) + "\n"


# --- sections ------------------------------------------------------------------------------


def _dataset_section(name: str, series_list: Sequence[list[IndicatorValue]]) -> list[str]:
    """Trend sentences for indicators with several editions and their figures in a table,
    then one table for the indicators with a single edition (a sentence per lone figure would
    only repeat the table)."""
    lines: list[str] = []
    several = [s for s in series_list if len(s) > 1]
    single = [s[0] for s in series_list if len(s) == 1]
    if several:
        if single:
            lines += ["", "### Indicators across editions"]
        for series in several:
            lines += ["", _trend_sentence(name, series)]
        lines += _figures_by_year(several)
        lines += _scale_notes([s[0] for s in several])
    if single:
        if several:
            lines += ["", "### Indicators with one edition"]
        lines += ["", *_table(single, with_indicator=True)]
        lines += _scale_notes(single)
    return lines


def _figures_by_year(several: Sequence[list[IndicatorValue]]) -> list[str]:
    """One row per year when all of a year's figures sit on one line of one file (the UN and
    GTMI files), which keeps profiles short; otherwise one table per indicator."""
    by_year: dict[int, list[IndicatorValue]] = {}
    for series in several:
        for value in series:
            by_year.setdefault(value.year, []).append(value)
    if any(len({v.citation for v in values}) > 1 for values in by_year.values()):
        lines: list[str] = []
        for series in several:
            lines += ["", f"#### {series[0].indicator_name}", "", *_table(series)]
        return lines
    columns: list[tuple[str, str, Callable[[dict[str, IndicatorValue]], str]]] = []
    for series in several:
        code, label = series[0].indicator, _short_name(series[0].indicator_name)
        columns.append((label, "---:", partial(_value_cell, code)))
        if any(v.rank is not None for v in series):
            columns.append((f"{label} rank", "---:", partial(_rank_cell, code)))
        if any(v.group for v in series):
            columns.append((f"{label} group", "---", partial(_group_cell, code)))
    lines = ["", _row(["Year", *(c[0] for c in columns), "Source"])]
    lines.append(_row(["---:", *(c[1] for c in columns), "---"]))
    for year, values in sorted(by_year.items()):
        row = {v.indicator: v for v in values}
        lines.append(_row([str(year), *(c[2](row) for c in columns), values[0].citation]))
    return lines


def _scale_notes(values: Sequence[IndicatorValue]) -> list[str]:
    """One line per distinct scale note, naming the indicators it applies to."""
    names_by_note: dict[str, list[str]] = {}
    for v in values:
        if _note(v.indicator):
            names_by_note.setdefault(_note(v.indicator), []).append(v.indicator_name)
    if not names_by_note:
        return []
    return ["", *(f"- Scale of {', '.join(n)}: {note}." for note, n in names_by_note.items())]


def _note(code: str) -> str:
    known = INDICATORS.get(code)
    return known.note if known else ""


def _trend_sentence(name: str, series: Sequence[IndicatorValue]) -> str:
    """ "Mongolia's Online Service Index (OSI) rose from 0.3 in 2012 (...) to 0.7 in 2024 (...)." """
    first, last = series[0], series[-1]
    if last.value > first.value:
        verb = "rose from"
    elif last.value < first.value:
        verb = "fell from"
    else:
        verb = "was unchanged from"
    return (
        f"{_possessive(name)} {first.indicator_name} {verb} {_figure(first)} "
        f"to {_figure(last)}, over {len(series)} editions."
    )


def _figure(value: IndicatorValue) -> str:
    details = [
        f"rank {value.rank}" if value.rank is not None else "",
        f"group {value.group}" if value.group else "",
        f"source: {value.citation}",
    ]
    return f"{shown(value)} in {value.year} ({'; '.join(d for d in details if d)})"


def _table(values: Iterable[IndicatorValue], *, with_indicator: bool = False) -> list[str]:
    """A Markdown table; the Rank and Group columns appear only when some row has one."""
    rows = list(values)
    with_rank = any(v.rank is not None for v in rows)
    with_group = any(v.group for v in rows)
    head = ["Indicator"] if with_indicator else []
    head += ["Year", "Value"] + (["Rank"] if with_rank else []) + (["Group"] if with_group else [])
    lines = [_row(head + ["Source"]), _row([_ALIGN.get(h, "---") for h in head] + ["---"])]
    for v in rows:
        cells = ([v.indicator_name] if with_indicator else []) + [str(v.year), shown(v)]
        cells += [_rank(v)] if with_rank else []
        cells += [_group(v)] if with_group else []
        lines.append(_row([*cells, v.citation]))
    return lines


def _value_cell(code: str, row: dict[str, IndicatorValue]) -> str:
    return shown(row[code]) if code in row else "–"


def _rank_cell(code: str, row: dict[str, IndicatorValue]) -> str:
    return _rank(row.get(code))


def _group_cell(code: str, row: dict[str, IndicatorValue]) -> str:
    return _group(row.get(code))


def _rank(value: IndicatorValue | None) -> str:
    return str(value.rank) if value is not None and value.rank is not None else "–"


def _group(value: IndicatorValue | None) -> str:
    return value.group if value is not None and value.group else "–"


def _short_name(name: str) -> str:
    """ "Online Service Index (OSI)" -> "OSI"; names without an acronym stay whole."""
    match = re.search(r"\(([^()]+)\)$", name)
    return match.group(1) if match else name


_ALIGN = {"Year": "---:", "Value": "---:", "Rank": "---:"}


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


# --- small helpers -------------------------------------------------------------------------


def _region_sentence(iso3: str, name: str) -> str:
    if iso3 in asia_pacific_sids():
        return (
            f"{name} is in Asia and the Pacific, UNPOG's region, and is one of the region's "
            "small island developing States (SIDS)."
        )
    if iso3 in asia_pacific():
        return f"{name} is in Asia and the Pacific, UNPOG's region."
    return f"{name} is outside Asia and the Pacific, UNPOG's region."


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _dataset(code: str, by_code: dict[str, list[IndicatorValue]]) -> str:
    known = INDICATORS.get(code)
    return known.dataset if known else by_code[code][0].dataset


def _datasets(by_code: dict[str, list[IndicatorValue]]) -> list[str]:
    present = {_dataset(code, by_code) for code in by_code}
    order = {d: i for i, d in enumerate(DATASETS)}
    return sorted(present, key=lambda d: (order.get(d, len(order)), d))


def _write_if_changed(path: Path, text: str) -> bool:
    """Write atomically, and only when the bytes differ (keeps mtimes and hashes stable)."""
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _remove_stale(out_dir: Path, keep: set[str]) -> None:
    for path in out_dir.iterdir():
        if path.name in keep or not _PROFILE_NAME.match(path.name):
            continue
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            if handle.readline().startswith(PROFILE_MARKER):
                path.unlink()
