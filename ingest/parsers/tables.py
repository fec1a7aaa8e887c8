"""Indicator tables (CSV, XLSX) into typed :class:`~assistant.indicators.IndicatorRow` values.

A table is recognised by its header row, never by its file name: names change
(``EGOV_DATA_2024_modified.csv``) while headers say what the columns hold. Every layout we know
is declared below as data. A table that fits no layout, or more than one, raises
:class:`UnknownLayout` naming the columns it has, so a value is never read from a column we only
guessed at.

Each value keeps its text exactly as the file prints it ("0.76440") and the 1-based line it sits
on (the header is line 1; for XLSX the sheet row), so an answer can quote it and a person can
open the file at that line. Rows that are not countries (aggregates, footers such as
"0.75, A, 80") are skipped and listed in :attr:`ParsedTable.skipped`.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from assistant import countries
from assistant.indicators import (
    BIPA_GTMI,
    OECD_DGI,
    OECD_OURDATA,
    UN_EGOV,
    WB_GTMI,
    IndicatorRow,
)

from .base import ParseFailure

__all__ = [
    "LAYOUTS",
    "LEGACY_CODES",
    "LONG_FAMILIES",
    "LongFamily",
    "ParsedTable",
    "SkippedRow",
    "UnknownLayout",
    "WideLayout",
    "detect_layout",
    "parse_indicator_file",
    "parse_indicator_table",
]


class UnknownLayout(ParseFailure):
    """The table's columns fit no known layout (or several); ``columns`` are those seen."""

    def __init__(self, reason: str, columns: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.columns = tuple(columns)

    def __repr__(self) -> str:
        return f"UnknownLayout({self.reason!r})"


# --- layouts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WideLayout:
    """One row per country (and year); value columns map to indicator codes.

    Column names are compared stripped and case-folded. ``year=None`` means the year is not in
    the table and must come from the file name (UNU-EGOV ``egdi-2010.csv``). ``rank`` and
    ``group`` are (column, the indicator whose row carries it): the EGDI rank ranks the EGDI,
    the GTMI group classifies the GTMI. ``ignored`` columns are known and deliberately unused
    (the 2024 file's unreliable ``Region``).
    """

    name: str
    dataset: str
    values: Mapping[str, str]
    code: str | None = None
    country: str | None = None
    year: str | None = None
    rank: tuple[str, str] | None = None
    group: tuple[str, str] | None = None
    ignored: frozenset[str] = frozenset()

    @property
    def required(self) -> frozenset[str]:
        ids = (self.code, self.country, self.year) + tuple(
            extra[0] for extra in (self.rank, self.group) if extra
        )
        return frozenset(c for c in ids if c)

    @property
    def known(self) -> frozenset[str]:
        return self.required | frozenset(self.values) | self.ignored

    def fits(self, header: frozenset[str]) -> bool:
        """Every id column present, nothing unknown, and at least one value column."""
        return self.required <= header <= self.known and bool(header & set(self.values))


_UN_VALUES = ("egdi", "epi", "osi", "hci", "tii")

LAYOUTS: tuple[WideLayout, ...] = (
    WideLayout(
        "egdi_long",
        UN_EGOV,
        {c: c for c in _UN_VALUES},
        code="iso3",
        country="country",
        year="year",
        rank=("egdi_rank", "egdi"),
        ignored=frozenset({"source_file"}),
    ),
    WideLayout(
        "un_export",
        UN_EGOV,
        dict(
            zip(
                (
                    "e-government index",
                    "e-participation index",
                    "online service index",
                    "human capital index",
                    "telecommunication infrastructure index",
                ),
                _UN_VALUES,
                strict=True,
            )
        ),
        country="country name",
        year="survey year",
        rank=("e-government rank", "egdi"),
        ignored=frozenset({"region"}),
    ),
    WideLayout(
        "un_export_renamed",
        UN_EGOV,
        dict(
            zip(
                ("e_index", "e_participation", "online_service", "human_capital", "tele_infra"),
                _UN_VALUES,
                strict=True,
            )
        ),
        country="country",
        year="survey year",
        rank=("rank", "egdi"),
        ignored=frozenset({"region"}),
    ),
    WideLayout(
        "unu_egdi",
        UN_EGOV,
        dict(zip(("e-gov-index", "e-pat-index", "osi", "hci", "tii"), _UN_VALUES, strict=True)),
        code="country-code",
        country="country-name",
        rank=("e-gov-rank", "egdi"),
    ),
    WideLayout(
        "gtmi",
        WB_GTMI,
        {c: c for c in ("gtmi", "cgsi", "psdi", "dcei", "gtei")},
        code="country_code",
        country="country_name",
        year="year",
        group=("grp", "gtmi"),
    ),
    WideLayout(
        "ims_adoption",
        WB_GTMI,
        {c: f"ims_{c}" for c in ("fmis", "tmis", "cmis", "epmis", "dmis", "pimis")},
        code="country_code",
        country="country_name",
        year="year",
    ),
)

LONG_HEADER = ("cc_iso3c", "ref_year", "variable", "value")


@dataclass(frozen=True)
class LongFamily:
    """The variables of one dataset in the long format (cc_iso3c, ref_year, variable, value).

    The long header is shared by several datasets, and the same variable name can mean different
    things in two of them (``gtmi_backend`` is one score in the Blavatnik extraction and another
    in its regrouping), so a file belongs to the one family that knows *all* its variables.
    ``ranks`` maps a variable holding ranks to the variable whose row receives the rank.
    """

    name: str
    dataset: str
    variables: Mapping[str, str]
    ranks: Mapping[str, str] = field(default_factory=dict)

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.variables) | frozenset(self.ranks)


_BIPA_INDICATORS = (
    "backend",
    "fiscal",
    "taxmi",
    "customsmi",
    "hrmis",
    "pims",
    "opensource",
    "portal",
    "opengov",
    "opendata",
    "participation",
    "feedback",
    "engagement",
    "govtech",
    "datagovernance",
    "right2info",
    "dataprivacy",
    "digitalskills",
    "pubsecinv",
    "data_exchange",
    "system_governance",
    "socsecmi",
    "eprocurement",
    "user_centric",
    "taxportal",
    "epayments",
    "customsportal",
    "socsecportal",
    "jobportal",
)
_BIPA_THEMES = ("admin", "backend", "engagement", "innovation", "openness", "policy", "portals")
_OURDATA = {
    "availability": ("policy", "implementation", "release"),
    "accessibility": ("policy", "implementation", "release"),
    "reuse": ("promotion", "dataliteracy", "monitoring"),
}

LONG_FAMILIES: tuple[LongFamily, ...] = (
    LongFamily(
        "oecd_dgi",
        OECD_DGI,
        {"composite_index": "dgi"}
        | {
            v: f"dgi_{v}"
            for v in (
                "digital_design",
                "data_driven",
                "govt_as_platform",
                "open_default",
                "user_driven",
                "proactiveness",
            )
        },
        ranks={"composite_rank": "composite_index"},
    ),
    LongFamily(
        "oecd_ourdata",
        OECD_OURDATA,
        {f"{pillar}_score": f"ourdata_{pillar}" for pillar in _OURDATA}
        | {f"{p}_{part}": f"ourdata_{p}_{part}" for p, parts in _OURDATA.items() for part in parts},
    ),
    LongFamily(
        "bipa_gtmi_indicators", WB_GTMI, {f"gtmi_{v}": f"gtmi_{v}" for v in _BIPA_INDICATORS}
    ),
    LongFamily(
        "bipa_gtmi_themes", BIPA_GTMI, {f"gtmi_{v}": f"bipa_gtmi_{v}" for v in _BIPA_THEMES}
    ),
)

# Codes the World Bank files use that are not (or no longer) ISO 3166 alpha-3, and what they
# mean. Kosovo has no ISO code; XKX is the code the EU, IMF and World Bank APIs use for it.
LEGACY_CODES: dict[str, str] = {
    "ADO": "AND",  # Andorra
    "ROM": "ROU",  # Romania
    "TMP": "TLS",  # Timor-Leste (East Timor)
    "ZAR": "COD",  # Democratic Republic of the Congo (Zaire)
    "WBG": "PSE",  # West Bank and Gaza
    "KSV": "XKX",  # Kosovo (World Bank)
    "XKK": "XKX",  # Kosovo (Blavatnik Index)
}
_NO_ISO_NAMES = {"XKX": "Kosovo"}

# Cell texts that mean "no value" (skipped, counted in ParsedTable.empty_cells).
MISSING = frozenset({"", "-", "–", "—", "..", "na", "n/a", "nan", "null", "none"})

HEADER_SCAN_ROWS = 20  # an XLSX sheet's header is its first non-empty row among these


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedRow:
    """A data row that gave no values, and why (e.g. an aggregate or footer, not a country)."""

    row: int
    reason: str


@dataclass
class ParsedTable:
    """Everything read from one file: its values plus what was left out, for the report."""

    source: str
    layout: str = ""
    rows: list[IndicatorRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    empty_cells: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def countries(self) -> set[str]:
        return {r.iso3 for r in self.rows}

    @property
    def indicators(self) -> set[str]:
        return {r.indicator for r in self.rows}


# --- public API ----------------------------------------------------------------------------


def detect_layout(path: Path) -> str | None:
    """The layout name of a table file ("egdi_long", "long:oecd_dgi"...), or None if unknown.

    For a workbook, the layouts of its recognised sheets joined by "+".
    """
    names: list[str] = []
    try:
        with _open_tables(Path(path)) as tables:
            for table in tables:
                try:
                    names.append(_plan(table)[0])
                except UnknownLayout:
                    continue
    except ParseFailure:
        return None
    return "+".join(dict.fromkeys(names)) or None


def parse_indicator_file(path: Path, source: str) -> list[IndicatorRow]:
    """The indicator values of one CSV/XLSX file; raises UnknownLayout or ParseFailure."""
    return parse_indicator_table(path, source).rows


def parse_indicator_table(path: Path, source: str) -> ParsedTable:
    """Like :func:`parse_indicator_file`, with the skipped rows and notes for the report.

    ``source`` is the file's path relative to its corpus folder; it is stored on every row.
    """
    path = Path(path)
    out = ParsedTable(source=source)
    rejected: list[UnknownLayout] = []
    layouts: list[str] = []
    with _open_tables(path) as tables:
        for table in tables:
            try:
                name, reader = _plan(table)
            except UnknownLayout as exc:
                rejected.append(exc)
                continue
            reader(table, out)
            layouts.append(name)
    if not layouts:
        if len(rejected) == 1:
            raise rejected[0]
        reasons = "; ".join(exc.reason for exc in rejected) or f"{path.name}: no table found"
        raise UnknownLayout(reasons, rejected[0].columns if rejected else ())
    out.notes.extend(f"ignored: {exc.reason}" for exc in rejected)
    out.layout = "+".join(dict.fromkeys(layouts))
    return out


# --- reading files -------------------------------------------------------------------------

_Rows = Iterator[tuple[int, list[str]]]


@dataclass
class _Table:
    """One header plus the rows under it: a CSV file or one XLSX sheet."""

    path: Path
    label: str
    header: list[str]
    rows: _Rows


_Reader = Callable[[_Table, ParsedTable], None]


@contextmanager
def _open_tables(path: Path) -> Iterator[Iterator[_Table]]:
    """The tables of a file; read errors surface as ParseFailure, whenever they happen."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx", ".xlsm"}:
        raise UnknownLayout(f"{path.name}: not a CSV or XLSX file")
    try:
        if suffix == ".csv":
            yield iter([_csv_table(path)])
        else:
            with _workbook(path) as book:
                yield _sheet_tables(path, book)
    except (csv.Error, zipfile.BadZipFile, OSError) as exc:
        raise ParseFailure(f"{path.name}: cannot read the table ({exc})") from exc


def _csv_table(path: Path) -> _Table:
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    return _Table(path, path.name, header, _csv_rows(reader))


def _csv_rows(reader: Iterator[list[str]]) -> _Rows:
    """(first line of the record, cells); blank lines are skipped but still counted."""
    line = getattr(reader, "line_num", 1)
    for cells in reader:
        start = line + 1
        line = getattr(reader, "line_num", start)
        if any(c.strip() for c in cells):
            yield start, cells


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParseFailure(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if b"\x00" in raw[:4096]:
        raise ParseFailure(f"{path.name}: not a text table (the file contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ParseFailure(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    try:
        yield book
    finally:
        book.close()


def _sheet_tables(path: Path, book: Any) -> Iterator[_Table]:
    for sheet in book.worksheets:
        rows = (
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        label = f"{path.name}, sheet {sheet.title!r}"
        for number, cells in rows:
            if number > HEADER_SCAN_ROWS:
                break
            if any(cells):
                yield _Table(path, label, cells, (r for r in rows if any(c.strip() for c in r[1])))
                break


def _cell_text(value: object) -> str:
    """A cell's value as text the way the sheet shows it (9, not 9.0; full float precision)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


# --- recognising a layout ------------------------------------------------------------------


def _fold(name: str) -> str:
    return name.replace("\ufeff", "").strip().casefold()


def _plan(table: _Table) -> tuple[str, _Reader]:
    """(layout name, the function that reads the table); raises UnknownLayout."""
    names = [_fold(h) for h in table.header]
    while names and not names[-1]:
        names.pop()
    shown = ", ".join(h.strip() for h in table.header[: len(names)]) or "(none)"
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UnknownLayout(f"{table.label}: repeated columns {', '.join(duplicates)}", names)
    header = frozenset(names)
    if header == frozenset(LONG_HEADER):
        family = _long_family(table)
        return f"long:{family.name}", partial(_read_long, family)
    matches = [layout for layout in LAYOUTS if layout.fits(header)]
    if len(matches) > 1:
        raise UnknownLayout(
            f"{table.label}: columns {shown} fit several layouts "
            f"({', '.join(m.name for m in matches)})",
            names,
        )
    if not matches:
        raise UnknownLayout(
            f"{table.label}: no known layout has the columns {shown}{_closest(header)}", names
        )
    layout = matches[0]
    file_year = None if layout.year else _year_from_name(table)
    return layout.name, partial(_read_wide, layout, file_year)


def _closest(header: frozenset[str]) -> str:
    """A hint naming the nearest layout when it shares most columns (a renamed column, say)."""
    best = max(LAYOUTS, key=lambda layout: len(header & layout.known))
    shared = len(header & best.known)
    if shared < 3 or 2 * shared < len(header):
        return ""
    missing = sorted(best.required - header)
    extra = sorted(header - best.known)
    details = "; ".join(
        part
        for part in (
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
        )
        if part
    )
    return f" (closest: {best.name}{'; ' + details if details else ''})"


def _long_family(table: _Table) -> LongFamily:
    """The one family that knows every variable of a long table (reads the whole table)."""
    rows = list(table.rows)
    table.rows = iter(rows)
    column = [_fold(h) for h in table.header].index("variable")
    variables = {cells[column].strip() for _, cells in rows if len(cells) > column} - {""}
    fitting = [f for f in LONG_FAMILIES if variables <= f.known]
    if len(fitting) == 1:
        return fitting[0]
    columns = list(LONG_HEADER)
    if fitting:
        raise UnknownLayout(
            f"{table.label}: long format whose variables fit several datasets "
            f"({', '.join(f.name for f in fitting)})",
            columns,
        )
    unknown = sorted(variables - set().union(*(f.known for f in LONG_FAMILIES)))
    listed = ", ".join(unknown[:12]) + (" ..." if len(unknown) > 12 else "")
    reason = f"unknown variables {listed}" if unknown else "variables from different datasets"
    raise UnknownLayout(
        f"{table.label}: long format (cc_iso3c, ref_year, variable, value) with {reason}", columns
    )


# --- reading values ------------------------------------------------------------------------


def _read_wide(layout: WideLayout, file_year: int | None, table: _Table, out: ParsedTable) -> None:
    """One row per country: each value column gives one IndicatorRow."""
    index = {_fold(h): i for i, h in enumerate(table.header) if _fold(h)}
    values = [(index[col], code) for col, code in layout.values.items() if col in index]

    def cell(cells: list[str], column: str | None) -> str:
        i = index.get(column) if column else None
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for line, cells in table.rows:
        place = _country(cell(cells, layout.code), cell(cells, layout.country))
        if place is None:
            out.skipped.append(SkippedRow(line, f"not a country: {_label(cells)}"))
            continue
        year = _integer(cell(cells, layout.year)) if layout.year else file_year
        if year is None or not 1900 <= year <= 2100:
            out.skipped.append(SkippedRow(line, f"no valid year: {_label(cells)}"))
            continue
        rank = _integer(cell(cells, layout.rank[0])) if layout.rank else None
        group = (cell(cells, layout.group[0]) or None) if layout.group else None
        for i, code in values:
            text = cells[i].strip() if i < len(cells) else ""
            on_rank_row = layout.rank is not None and code == layout.rank[1]
            on_group_row = layout.group is not None and code == layout.group[1]
            _add(
                out,
                line,
                text,
                code,
                layout.dataset,
                place,
                year,
                rank if on_rank_row else None,
                group if on_group_row else None,
            )


def _read_long(family: LongFamily, table: _Table, out: ParsedTable) -> None:
    """One value per row; rank variables are attached to the row they rank."""
    index = {_fold(h): i for i, h in enumerate(table.header)}
    records: list[tuple[int, str, int | None, str, str]] = []
    for line, cells in table.rows:
        code, year_text, variable, text = (
            cells[index[c]].strip() if index[c] < len(cells) else "" for c in LONG_HEADER
        )
        records.append((line, code, _integer(year_text), variable, text))
    ranks = {
        (code, year, family.ranks[variable]): _integer(text)
        for _, code, year, variable, text in records
        if variable in family.ranks
    }
    for line, code, year, variable, text in records:
        if variable in family.ranks or not variable:
            continue
        place = _country(code, "")
        if place is None:
            out.skipped.append(SkippedRow(line, f"not a country: {code or '(empty)'!r}"))
            continue
        if year is None or not 1900 <= year <= 2100:
            out.skipped.append(SkippedRow(line, f"no valid year for {code} {variable}"))
            continue
        rank = ranks.get((code, year, variable))
        _add(out, line, text, family.variables[variable], family.dataset, place, year, rank, None)


def _add(
    out: ParsedTable,
    line: int,
    text: str,
    code: str,
    dataset: str,
    place: tuple[str, str],
    year: int,
    rank: int | None,
    group: str | None,
) -> None:
    """Append one value, or count it as empty / note it as unreadable."""
    if text.casefold() in MISSING:
        out.empty_cells += 1
        return
    number = _number(text)
    if number is None:
        out.notes.append(f"row {line}: {code} is not a number: {text!r}")
        return
    out.rows.append(
        IndicatorRow(
            iso3=place[0],
            country=place[1],
            indicator=code,
            year=year,
            value=number,
            value_text=text,
            source=out.source,
            row=line,
            dataset=dataset,
            rank=rank,
            group=group,
        )
    )


def _country(code: str, name: str) -> tuple[str, str] | None:
    """(ISO3, display name) from a code column and/or a name column; None for non-countries.

    The code wins when it is a real code; the name is the fallback. Legacy World Bank codes
    (ROM, ZAR, KSV...) are translated first.
    """
    code = LEGACY_CODES.get(code.upper(), code.upper())
    if code in _NO_ISO_NAMES:
        return code, _NO_ISO_NAMES[code]
    iso3 = countries.to_iso3(code) if re.fullmatch(r"[A-Z]{3}", code) else None
    if iso3 is None and name:
        iso3 = countries.to_iso3(name)
    if iso3 is None:
        return None
    display = countries.name(iso3)
    if display == iso3:  # a code countries.py knows no name for: keep the file's
        display = name.strip() or iso3
    return iso3, display


def _label(cells: list[str]) -> str:
    shown = ", ".join(c.strip() for c in cells[:4] if c.strip())
    return repr(shown[:80])


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _integer(text: str) -> int | None:
    """2025, "2025.0" and "136.0" are integers; "", "x" and 1.5 are not."""
    value = _number(text) if text else None
    return int(value) if value is not None and value.is_integer() else None


def _year_from_name(table: _Table) -> int:
    """The year of a layout without a year column (UNU-EGOV egdi-2010.csv), from the name."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", table.path.stem))
    if len(years) != 1:
        raise UnknownLayout(
            f"{table.label}: the layout has no year column and the file name does not give "
            "exactly one year",
            table.header,
        )
    return int(years.pop())
