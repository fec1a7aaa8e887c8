"""Indicator values (EGDI, GTMI, OECD DGI...) in a typed SQLite table, so figures come from data.

Questions such as "What was Fiji's EGDI in 2024?" must be answered with the number exactly as
the data file prints it ("0.76440", not 0.7644), with the file and line a person can open to
check it. Passage retrieval cannot promise that; this table can. Each row keeps the value as a
float (to sort and compare) *and* as the original text (to quote), plus its ``source`` file,
1-based ``row`` (the header is line 1) and ``doc_id``, the id of the document ingestion made of
that file. Two corpus folders may hold files of the same relative name (one public, one
private): the document id, not the name, says which file a row was read from, so each file keeps
its own rows and a row is cited and shown only as its own document allows.

The same figure often comes from several files (the merged EGDI table, the raw UN exports, the
UNU-EGOV copies). Every file keeps its own rows; reads pick one of them per
(country, indicator, year) by :data:`SOURCE_PREFERENCE`, and :meth:`IndicatorTable.sources_for`
shows all of them.

Nothing happens at import time: the database is opened, one connection per thread, on first use.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import countries as _countries

__all__ = [
    "DATASETS",
    "INDICATORS",
    "SOURCE_PREFERENCE",
    "Indicator",
    "IndicatorRow",
    "IndicatorTable",
    "IndicatorValue",
    "SourceSummary",
    "find_indicators",
    "resolve_indicator",
    "sort_by_registry",
    "source_priority",
]

# --- datasets and indicators ---------------------------------------------------------------

UN_EGOV = "UN E-Government Survey"
WB_GTMI = "World Bank GTMI"
BIPA_GTMI = "Blavatnik Index (GTMI 2022 themes)"
OECD_DGI = "OECD DGI"
OECD_OURDATA = "OECD OURdata"

# Display order of datasets (profiles, listings).
DATASETS: tuple[str, ...] = (UN_EGOV, WB_GTMI, BIPA_GTMI, OECD_DGI, OECD_OURDATA)


@dataclass(frozen=True)
class Indicator:
    """One indicator: its canonical code, the name people know it by, and how they ask for it.

    ``ranked`` marks indicators whose files give the official rank of every country (EGDI):
    rankings follow that rank rather than re-sorting values, so ties and rounding match the
    published table. ``note`` says what the numbers mean where the scale is not 0-1.
    """

    code: str
    name: str
    dataset: str
    aliases: tuple[str, ...] = ()
    note: str = ""
    ranked: bool = False


_GTMI22 = "GTMI 2022 indicator group"
_IMS = "raw GTMI 2025 score; the highest value means fully in place"

_REGISTRY: tuple[Indicator, ...] = (
    # UN E-Government Survey
    Indicator(
        "egdi",
        "E-Government Development Index (EGDI)",
        UN_EGOV,
        (
            "e-government development index",
            "e-government index",
            "e-gov index",
            "egov index",
            "egdi rank",
            "egdi ranking",
            "e-government rank",
            "e-government ranking",
            "e-government development",
        ),
        "0-1; the mean of OSI, HCI and TII",
        ranked=True,
    ),
    Indicator(
        "osi",
        "Online Service Index (OSI)",
        UN_EGOV,
        ("online service index", "online services index", "online services"),
    ),
    Indicator(
        "hci", "Human Capital Index (HCI)", UN_EGOV, ("human capital index", "human capital")
    ),
    Indicator(
        "tii",
        "Telecommunication Infrastructure Index (TII)",
        UN_EGOV,
        (
            "telecommunication infrastructure index",
            "telecommunications infrastructure index",
            "telecommunication infrastructure",
            "telecom infrastructure",
        ),
    ),
    Indicator(
        "epi",
        "E-Participation Index (EPI)",
        UN_EGOV,
        ("e-participation index", "e-participation", "eparticipation"),
    ),
    # World Bank GovTech Maturity Index
    Indicator(
        "gtmi",
        "GovTech Maturity Index (GTMI)",
        WB_GTMI,
        ("govtech maturity index", "govtech maturity", "govtech index", "gtmi group"),
        "0-1; groups A (most advanced) to D",
    ),
    Indicator(
        "cgsi",
        "Core Government Systems Index (CGSI)",
        WB_GTMI,
        ("core government systems index", "core government systems"),
    ),
    Indicator(
        "psdi",
        "Public Service Delivery Index (PSDI)",
        WB_GTMI,
        ("public service delivery index", "public service delivery"),
    ),
    Indicator(
        "dcei",
        "Digital Citizen Engagement Index (DCEI)",
        WB_GTMI,
        ("digital citizen engagement index", "digital citizen engagement"),
    ),
    Indicator(
        "gtei",
        "GovTech Enablers Index (GTEI)",
        WB_GTMI,
        ("govtech enablers index", "govtech enablers"),
    ),
    Indicator(
        "ims_fmis",
        "Financial Management Information System (FMIS)",
        WB_GTMI,
        ("fmis", "financial management information system"),
        f"{_IMS} (0, 3 or 6)",
    ),
    Indicator(
        "ims_tmis",
        "Tax Management Information System (TMIS)",
        WB_GTMI,
        ("tmis", "tax management information system"),
        f"{_IMS} (0, 3 or 6)",
    ),
    Indicator(
        "ims_cmis",
        "Customs Management Information System (CMIS)",
        WB_GTMI,
        ("cmis", "customs management information system"),
        f"{_IMS} (0, 3 or 6)",
    ),
    Indicator(
        "ims_epmis",
        "E-Procurement Portal (EPMIS)",
        WB_GTMI,
        (
            "epmis",
            "e-procurement portal",
            "e-procurement",
            "eprocurement portal",
            "electronic procurement",
            "e-gp",
        ),
        f"{_IMS} (0, 4.5 or 9)",
    ),
    Indicator(
        "ims_dmis",
        "Debt Management Information System (DMIS)",
        WB_GTMI,
        ("dmis", "debt management information system"),
        f"{_IMS} (0 to 9)",
    ),
    Indicator(
        "ims_pimis",
        "Public Investment Management Information System (PIMIS)",
        WB_GTMI,
        ("pimis", "public investment management information system"),
        f"{_IMS} (0, 4.5 or 9)",
    ),
    # GTMI 2022 indicator groups as extracted by the Blavatnik Index: sums of item scores, so
    # their scales differ from group to group
    *(
        Indicator(f"gtmi_{key}", f"{label} ({_GTMI22})", WB_GTMI, aliases)
        for key, label, aliases in (
            ("backend", "Back-end infrastructure", ()),
            ("fiscal", "Financial management systems", ()),
            ("taxmi", "Tax management system", ()),
            ("customsmi", "Customs management system", ()),
            ("hrmis", "Human resource management system", ("hrmis",)),
            ("pims", "Public investment management system", ()),
            ("opensource", "Open source use", ()),
            ("portal", "Government portal", ()),
            ("opengov", "Open government portal", ()),
            ("opendata", "Open data portal", ("open data portal",)),
            ("participation", "Participation portal", ()),
            ("feedback", "Feedback platforms", ()),
            ("engagement", "Citizen engagement", ()),
            ("govtech", "GovTech strategy and institutions", ("govtech strategy",)),
            ("datagovernance", "Data governance", ("data governance",)),
            (
                "right2info",
                "Right to information",
                ("right to information", "freedom of information"),
            ),
            ("dataprivacy", "Data privacy", ("data privacy", "data protection")),
            ("digitalskills", "Digital skills", ("digital skills",)),
            ("pubsecinv", "Public sector innovation", ()),
            ("data_exchange", "Data exchange", ("data exchange",)),
            ("system_governance", "Systems governance", ()),
            ("socsecmi", "Social security management system", ()),
            ("eprocurement", "E-procurement", ("gtmi e-procurement",)),
            ("user_centric", "User-centric design", ()),
            ("taxportal", "Tax portal", ("tax portal",)),
            ("epayments", "E-payments", ("e-payments", "e-payment")),
            ("customsportal", "Customs portal", ("customs portal",)),
            ("socsecportal", "Social security portal", ()),
            ("jobportal", "Job portal", ("job portal",)),
        )
    ),
    # The Blavatnik Index's regrouping of GTMI 2022 (its data_out), a different scale
    *(
        Indicator(f"bipa_gtmi_{key}", f"{label} (Blavatnik GTMI 2022 theme)", BIPA_GTMI)
        for key, label in (
            ("admin", "Administrative management systems"),
            ("backend", "Cross-government infrastructure"),
            ("engagement", "Digital consultation and engagement"),
            ("innovation", "Public-sector innovation"),
            ("openness", "Open government and open data portals"),
            ("policy", "Digital government strategies and institutions"),
            ("portals", "Citizen-facing digital services"),
        )
    ),
    # OECD Digital Government Index 2023
    Indicator(
        "dgi",
        "OECD Digital Government Index (DGI)",
        OECD_DGI,
        ("digital government index", "oecd dgi", "dgi rank", "oecd digital government index"),
        "0-1 composite; ranks are given for OECD members only",
    ),
    Indicator("dgi_digital_design", "DGI: Digital by design", OECD_DGI, ("digital by design",)),
    Indicator(
        "dgi_data_driven",
        "DGI: Data-driven public sector",
        OECD_DGI,
        ("data-driven public sector",),
    ),
    Indicator(
        "dgi_govt_as_platform",
        "DGI: Government as a platform",
        OECD_DGI,
        ("government as a platform",),
    ),
    Indicator("dgi_open_default", "DGI: Open by default", OECD_DGI, ("open by default",)),
    Indicator("dgi_user_driven", "DGI: User-driven", OECD_DGI, ("user-driven",)),
    Indicator("dgi_proactiveness", "DGI: Proactiveness", OECD_DGI, ("proactiveness",)),
    # OECD OURdata Index 2023
    Indicator(
        "ourdata_availability",
        "OURdata: Data availability",
        OECD_OURDATA,
        ("ourdata availability", "data availability"),
    ),
    Indicator(
        "ourdata_accessibility",
        "OURdata: Data accessibility",
        OECD_OURDATA,
        ("ourdata accessibility", "data accessibility"),
    ),
    Indicator(
        "ourdata_reuse",
        "OURdata: Government support for data re-use",
        OECD_OURDATA,
        ("ourdata reuse", "data re-use", "data reuse"),
    ),
    *(
        Indicator(f"ourdata_{pillar}_{part}", f"OURdata {pillar}: {label}", OECD_OURDATA)
        for pillar, part, label in (
            ("availability", "policy", "policy"),
            ("availability", "implementation", "implementation"),
            ("availability", "release", "data release"),
            ("accessibility", "policy", "policy"),
            ("accessibility", "implementation", "implementation"),
            ("accessibility", "release", "data release"),
            ("reuse", "promotion", "data promotion"),
            ("reuse", "dataliteracy", "data literacy"),
            ("reuse", "monitoring", "monitoring and evaluation"),
        )
    ),
)

INDICATORS: dict[str, Indicator] = {ind.code: ind for ind in _REGISTRY}


def _fold(text: str) -> str:
    """Lower-case, accents and punctuation removed: "E-Participation" == "e participation"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    """Folded code, name, name without its acronym, and aliases -> code (first one wins)."""
    table: dict[str, str] = {}
    for ind in _REGISTRY:
        bare_name = re.sub(r"\s*\([^)]*\)\s*$", "", ind.name)
        for word in (ind.code, ind.name, bare_name, *ind.aliases):
            table.setdefault(_fold(word), ind.code)
    return table


def resolve_indicator(text: str) -> str | None:
    """The canonical code for a code, name or alias ("OSI", "online service index"); else None."""
    return _alias_table().get(_fold(text))


def find_indicators(text: str) -> list[str]:
    """Codes of the indicators named in free text, in order of first mention.

    Longer aliases win over the shorter ones inside them, so "e-government development index"
    is one mention, not two.
    """
    folded = f" {_fold(text)} "
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias in sorted(_alias_table(), key=len, reverse=True):
        start = folded.find(f" {alias} ")
        while start >= 0:
            span = (start, start + len(alias) + 1)
            if not any(a < span[1] and span[0] < b for a, b in taken):
                taken.append(span)
                found.append((start, _alias_table()[alias]))
            start = folded.find(f" {alias} ", start + 1)
    codes: list[str] = []
    for _, code in sorted(found):
        if code not in codes:
            codes.append(code)
    return codes


# --- which file wins when several give the same figure -------------------------------------

# Matched against the end of a source path (so the corpus root does not matter), first match
# wins; sources matching none come after all of these, then by path. Why this order:
SOURCE_PREFERENCE: tuple[str, ...] = (
    # the merged 2003-2024 table: every edition, ISO3 checked, five decimals as published
    "egdi_2003_2024_long.csv",
    # the unmodified UN DESA exports it was built from
    "raw-un-export/EGOV_DATA_*.csv",
    # the 2024 export with renamed columns (values unchanged; its Region column is ignored)
    "EGOV_DATA_*_modified.csv",
    # other UN exports, e.g. EGOV_WITH_REGIONS_DATA_2022 (values rounded to four digits)
    "raw-un-export/*.csv",
    # UNU-EGOV copies: same data, but with float artefacts (0.057139999999999996)
    "unu-egov/egdi-*.csv",
    # the GTMI table converted from gtmiR's .rda, before the package's intermediate workbook
    "gtmi_2020_2022_2025.csv",
    "groups_data.xlsx",
)


def source_priority(source: str) -> int:
    """Position of ``source`` in :data:`SOURCE_PREFERENCE` (lower wins); unknown sources last."""
    parts = source.replace("\\", "/").split("/")
    for position, pattern in enumerate(SOURCE_PREFERENCE):
        depth = pattern.count("/") + 1
        if len(parts) >= depth and fnmatchcase("/".join(parts[-depth:]), pattern):
            return position
    return len(SOURCE_PREFERENCE)


# --- rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    """One value read from one cell of a data file, with enough to find that cell again.

    ``value_text`` is the value exactly as the file prints it; quote it, compute with ``value``.
    ``row`` is the 1-based line (sheet row for XLSX) counting the header as line 1.
    ``rank`` is the rank the file gives for this indicator (the EGDI rank sits on the egdi row).
    ``doc_id`` is the id of the document ingested from the file ("" when the row was stored
    without one, as rows of an old store are).
    """

    iso3: str
    country: str
    indicator: str
    year: int
    value: float
    value_text: str
    source: str
    row: int
    dataset: str
    rank: int | None = None
    group: str | None = None
    doc_id: str = ""

    @property
    def citation(self) -> str:
        """Where a person finds this value: "indicators-egdi/egdi_2003_2024_long.csv, row 12"."""
        return f"{self.source}, row {self.row}"


@dataclass(frozen=True)
class IndicatorValue(IndicatorRow):
    """A stored row as queries return it, with the indicator's human name."""

    indicator_name: str = ""


@dataclass(frozen=True)
class SourceSummary:
    """What one loaded file contributed."""

    source: str
    rows: int
    countries: int
    indicators: int
    datasets: tuple[str, ...]
    priority: int
    doc_id: str = ""


_COLUMNS = (
    "iso3",
    "country",
    "indicator",
    "year",
    "value",
    "value_text",
    "source",
    "row",
    "dataset",
    "rank",
    "group",
    "doc_id",
)
_QUOTED = ", ".join(f'"{c}"' for c in _COLUMNS)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS indicator_values (
    doc_id     TEXT    NOT NULL DEFAULT '',
    source     TEXT    NOT NULL,
    "row"      INTEGER NOT NULL,
    indicator  TEXT    NOT NULL,
    iso3       TEXT    NOT NULL,
    country    TEXT    NOT NULL,
    year       INTEGER NOT NULL,
    value      REAL    NOT NULL,
    value_text TEXT    NOT NULL,
    "rank"     INTEGER,
    "group"    TEXT,
    dataset    TEXT    NOT NULL,
    PRIMARY KEY (doc_id, source, "row", indicator)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS indicator_values_by_key ON indicator_values (indicator, year, iso3);
CREATE INDEX IF NOT EXISTS indicator_values_by_country ON indicator_values (iso3, indicator, year);
"""

# Stores written before rows kept their document id had (source, row, indicator) as the key, so
# two files of the same relative name could not both be loaded. Their rows are moved into the new
# table with an empty document id: no document claims them, so they are shown to no caller with
# limited access until ingestion loads them again (PIPELINE_VERSION makes it).
_BEFORE_IDS = ", ".join(f'"{c}"' for c in _COLUMNS if c != "doc_id")
_MIGRATE = (
    "ALTER TABLE indicator_values RENAME TO indicator_values_before_doc_ids",
    "DROP INDEX IF EXISTS indicator_values_by_key",
    "DROP INDEX IF EXISTS indicator_values_by_country",
    *(statement for statement in _SCHEMA.split(";") if statement.strip()),
    f"INSERT INTO indicator_values ({_BEFORE_IDS}) "
    f"SELECT {_BEFORE_IDS} FROM indicator_values_before_doc_ids",
    "DROP TABLE indicator_values_before_doc_ids",
)

# One row per (iso3, indicator, year): the one from the preferred source. Filters go inside
# (they only restrict the partition keys, so they never change which source wins).
_PREFERRED = """
SELECT {columns} FROM (
    SELECT v.*, ROW_NUMBER() OVER (
        PARTITION BY iso3, indicator, year
        ORDER BY source_priority(source), source, doc_id, "row"
    ) AS pick
    FROM indicator_values AS v {where}
) WHERE pick = 1
"""


class IndicatorTable:
    """Indicator values in SQLite (WAL), one connection per thread, opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._generation = 0
        self._schema_ready = False

    def __repr__(self) -> str:
        return f"IndicatorTable({str(self.path)!r})"

    # --- connections -----------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        cached = getattr(self._local, "conn", None)
        if cached is not None and cached[0] == self._generation:
            conn: sqlite3.Connection = cached[1]
            return conn
        conn = self._connect()
        self._local.conn = (self._generation, conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False only so close() can close every thread's connection;
        # each connection is still used by the one thread that opened it.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.create_function("source_priority", 1, source_priority, deterministic=True)
        with self._lock:
            if not self._schema_ready:
                _create_or_migrate(conn)
                self._schema_ready = True
            self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every thread's connection; the next call opens new ones."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._generation += 1

    def __enter__(self) -> IndicatorTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ----------------------------------------------------------------------------
    def replace_source(self, source: str, rows: Iterable[IndicatorRow], *, doc_id: str = "") -> int:
        """Replace everything the file ``source`` of document ``doc_id`` contributed by ``rows``
        (stored with that document id), in one transaction. The rows of another document are
        never touched, even when its file has the same relative name.

        Readers see either the old rows or the new ones, never a mix or nothing; on any error
        the old rows stay. Returns the number of rows stored.
        """
        batch = list(rows)
        strays = sorted({r.source for r in batch if r.source != source})
        if strays:
            raise ValueError(f"rows for {source!r} name other sources: {', '.join(strays)}")
        others = sorted({r.doc_id for r in batch if r.doc_id not in ("", doc_id)})
        if others:
            raise ValueError(f"rows for document {doc_id!r} name other documents: {others}")
        params = [
            tuple(doc_id if c == "doc_id" else getattr(r, c) for c in _COLUMNS) for r in batch
        ]
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "DELETE FROM indicator_values WHERE doc_id = ? AND source = ?", (doc_id, source)
            )
            conn.executemany(
                f"INSERT INTO indicator_values ({_QUOTED}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                params,
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return len(params)

    def remove_source(self, source: str, *, doc_id: str = "") -> int:
        """Delete the rows of the file ``source`` of document ``doc_id``; returns how many there
        were."""
        cursor = self._conn().execute(
            "DELETE FROM indicator_values WHERE doc_id = ? AND source = ?", (doc_id, source)
        )
        return cursor.rowcount

    def remove_document(self, doc_id: str) -> int:
        """Delete every row read from the file of document ``doc_id``; returns how many."""
        cursor = self._conn().execute("DELETE FROM indicator_values WHERE doc_id = ?", (doc_id,))
        return cursor.rowcount

    # --- reads -----------------------------------------------------------------------------
    def value(self, country: str, indicator: str, year: int) -> IndicatorValue | None:
        """The value of one indicator for one country and year, from the preferred source.

        ``country`` is an ISO3 code or a name ("Fiji"); ``indicator`` a code or alias ("OSI").
        """
        iso3 = _country_code(country)
        if iso3 is None:
            return None
        found = self._preferred({"iso3": iso3, "indicator": _code(indicator), "year": int(year)})
        return found[0] if found else None

    def series(self, country: str, indicator: str) -> list[IndicatorValue]:
        """All editions of one indicator for one country, oldest first."""
        iso3 = _country_code(country)
        if iso3 is None:
            return []
        return self._preferred({"iso3": iso3, "indicator": _code(indicator)}, order="year")

    def ranking(
        self,
        indicator: str,
        year: int,
        top: int | None = 10,
        countries: Iterable[str] | None = None,
    ) -> list[IndicatorValue]:
        """The best ``top`` countries (all when None), optionally among ``countries`` only.

        Ranked indicators (EGDI) follow the file's rank; others sort by value, highest first.
        """
        code = _code(indicator)
        where: dict[str, Any] = {"indicator": code, "year": int(year)}
        if countries is not None:
            where["iso3"] = sorted({c for c in map(_country_code, countries) if c})
        ranked = code in INDICATORS and INDICATORS[code].ranked
        order = '"rank" IS NULL, "rank", value DESC, iso3' if ranked else "value DESC, iso3"
        return self._preferred(where, order=order, limit=top)

    def sources_for(self, country: str, indicator: str, year: int) -> list[IndicatorValue]:
        """Every file's row for one figure, the preferred one first."""
        iso3 = _country_code(country)
        if iso3 is None:
            return []
        rows = self._conn().execute(
            f"SELECT {_QUOTED} FROM indicator_values WHERE iso3 = ? AND indicator = ? AND year = ?"
            ' ORDER BY source_priority(source), source, doc_id, "row"',
            (iso3, _code(indicator), int(year)),
        )
        return [_to_value(r) for r in rows]

    def years(self, indicator: str) -> list[int]:
        """The years (editions) that have values for an indicator, ascending."""
        rows = self._conn().execute(
            "SELECT DISTINCT year FROM indicator_values WHERE indicator = ? ORDER BY year",
            (_code(indicator),),
        )
        return [int(r[0]) for r in rows]

    def countries(self) -> list[tuple[str, str]]:
        """(ISO3, display name) of every country with data, sorted by name."""
        rows = (
            self._conn()
            .execute("SELECT iso3, MIN(country) FROM indicator_values GROUP BY iso3")
            .fetchall()
        )
        return sorted(((r[0], r[1]) for r in rows), key=lambda item: (_fold(item[1]), item[0]))

    def indicators_for(self, country: str) -> list[str]:
        """Codes of the indicators a country has values for, in registry order."""
        iso3 = _country_code(country)
        if iso3 is None:
            return []
        rows = self._conn().execute(
            "SELECT DISTINCT indicator FROM indicator_values WHERE iso3 = ?", (iso3,)
        )
        return sorted((r[0] for r in rows), key=_registry_order)

    def query(
        self,
        country: str | None = None,
        indicator: str | None = None,
        year: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[IndicatorValue]:
        """Preferred values matching the filters, by country, indicator and year (for listings).

        An unknown country gives an empty list rather than everything.
        """
        where = self._filters(country, indicator, year)
        if where is None:
            return []
        return self._preferred(
            where, order="iso3, indicator, year", limit=max(0, limit), offset=max(0, offset)
        )

    def count(
        self, country: str | None = None, indicator: str | None = None, year: int | None = None
    ) -> int:
        """How many values :meth:`query` would list without a limit (for paging)."""
        where = self._filters(country, indicator, year)
        if where is None:
            return 0
        clause, params = _where(where)
        sql = f"SELECT COUNT(*) FROM (SELECT DISTINCT iso3, indicator, year FROM indicator_values {clause})"
        return int(self._conn().execute(sql, params).fetchone()[0])

    def sources(self) -> list[str]:
        """The source files that have rows, sorted (a name held by two documents once)."""
        rows = self._conn().execute("SELECT DISTINCT source FROM indicator_values ORDER BY source")
        return [r[0] for r in rows]

    def files(self) -> list[tuple[str, str]]:
        """(document id, source) of every file that has rows, sorted."""
        rows = self._conn().execute(
            "SELECT DISTINCT doc_id, source FROM indicator_values ORDER BY source, doc_id"
        )
        return [(r[0], r[1]) for r in rows]

    def source_summaries(self) -> list[SourceSummary]:
        """Per file: rows, countries, indicators and datasets, in preference order."""
        rows = (
            self._conn()
            .execute(
                "SELECT source, COUNT(*), COUNT(DISTINCT iso3), COUNT(DISTINCT indicator),"
                " GROUP_CONCAT(DISTINCT dataset), doc_id FROM indicator_values"
                " GROUP BY doc_id, source"
            )
            .fetchall()
        )
        summaries = [
            SourceSummary(
                r[0], r[1], r[2], r[3], tuple(sorted(r[4].split(","))), source_priority(r[0]), r[5]
            )
            for r in rows
        ]
        return sorted(summaries, key=lambda s: (s.priority, s.source, s.doc_id))

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _filters(
        country: str | None, indicator: str | None, year: int | None
    ) -> dict[str, Any] | None:
        where: dict[str, Any] = {}
        if country:
            iso3 = _country_code(country)
            if iso3 is None:
                return None
            where["iso3"] = iso3
        if indicator:
            where["indicator"] = _code(indicator)
        if year is not None:
            where["year"] = int(year)
        return where

    def _preferred(
        self,
        where: dict[str, Any],
        *,
        order: str = "iso3, indicator, year",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[IndicatorValue]:
        clause, params = _where(where)
        sql = _PREFERRED.format(columns=_QUOTED, where=clause) + f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_to_value(r) for r in self._conn().execute(sql, params)]


def _create_or_migrate(conn: sqlite3.Connection) -> None:
    """Create the table, or move an old store's rows (keyed by file name) into the new one."""
    columns = {r[1] for r in conn.execute("PRAGMA main.table_info(indicator_values)")}
    if not columns or "doc_id" in columns:
        conn.executescript(_SCHEMA)
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        columns = {r[1] for r in conn.execute("PRAGMA main.table_info(indicator_values)")}
        if "doc_id" not in columns:  # another process may have migrated it meanwhile
            for statement in _MIGRATE:
                conn.execute(statement)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause for equality filters; a list value means "one of these"."""
    parts: list[str] = []
    params: list[Any] = []
    for column, value in filters.items():
        if isinstance(value, list):
            parts.append(f"{column} IN ({', '.join('?' * len(value))})" if value else "0")
            params.extend(value)
        else:
            parts.append(f"{column} = ?")
            params.append(value)
    return ("WHERE " + " AND ".join(parts) if parts else ""), params


def _to_value(row: sqlite3.Row) -> IndicatorValue:
    fields = {c: row[c] for c in _COLUMNS}
    known = INDICATORS.get(fields["indicator"])
    return IndicatorValue(**fields, indicator_name=known.name if known else fields["indicator"])


def _code(indicator: str) -> str:
    """Canonical code of an indicator given as code or alias; unknown text passes through."""
    return resolve_indicator(indicator) or indicator.strip().lower()


def _country_code(country: str) -> str | None:
    """ISO3 for a code or a name. Any three letters count as a code, so codes ISO 3166 lacks
    (XKX, Kosovo) still reach their rows."""
    text = country.strip()
    iso3 = _countries.to_iso3(text)
    if iso3 is None and len(text) == 3 and text.isascii() and text.isalpha():
        return text.upper()
    return iso3


_ORDER = {code: i for i, code in enumerate(INDICATORS)}


def _registry_order(code: str) -> tuple[int, str]:
    return (_ORDER.get(code, len(_ORDER)), code)


def sort_by_registry(codes: Sequence[str]) -> list[str]:
    """Indicator codes in registry order (UN first, then GTMI, OECD), unknown codes last."""
    return sorted(codes, key=_registry_order)
