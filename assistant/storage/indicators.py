"""Indicator values in a typed SQLite table, so figures come from data.

Questions such as "What was Fiji's EGDI in 2024?" must be answered with the number exactly as
the data file prints it ("0.76440", not 0.7644), with the file and line a person can open to
check it. Passage retrieval cannot promise that; this table can. Each row keeps the value as a
float (to sort and compare) *and* as the original text (to quote), plus its ``source`` file, the
id of the document it was read from, and its 1-based ``row`` (the header is line 1).

The same figure often comes from several files (the merged EGDI table, the raw UN exports, the
UNU-EGOV copies). Every file keeps its own rows; reads pick one of them per
(country, indicator, year) by :data:`assistant.indicators.SOURCE_PREFERENCE`.
:class:`RestrictedIndicatorTable` is the same table limited to the rows of some documents (what a
caller may see). Nothing happens at import time: the database is opened on first use.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant import countries as _countries
from assistant.indicators import (
    INDICATORS,
    IndicatorRow,
    IndicatorValue,
    SourceSummary,
    fold_name,
    resolve_indicator,
    sort_by_registry,
    source_priority,
)

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

# In a file that ranks the countries it assessed, a row of several values that are all zero and
# no rank is a placeholder, not a measurement: the UN's EGDI exports list countries not yet
# assessed (South Sudan before its independence, Montenegro before 2006) with a blank rank and
# 0.00000 in every column. Such a value is no value: not a country's figure, not last place in a
# ranking, not in an average. (A file without ranks, such as the GovTech system scores, may
# score a country zero throughout: its zeros stay values.)
_MEASURED = """NOT (
    v.value = 0 AND v."rank" IS NULL
    AND EXISTS (SELECT 1 FROM indicator_values AS r WHERE r.doc_id = v.doc_id
                AND r.source = v.source AND r."rank" IS NOT NULL)
    AND EXISTS (SELECT 1 FROM indicator_values AS w WHERE w.doc_id = v.doc_id
                AND w.source = v.source AND w."row" = v."row" AND w.indicator <> v.indicator)
    AND NOT EXISTS (SELECT 1 FROM indicator_values AS w WHERE w.doc_id = v.doc_id
                    AND w.source = v.source AND w."row" = v."row"
                    AND (w.value <> 0 OR w."rank" IS NOT NULL))
)"""

# One row per (iso3, indicator, year): the one from the preferred source. Filters go inside
# (they restrict the partition keys, so they never change which source wins; a placeholder,
# see _MEASURED, is left out before the choice, so a real value in another file wins over it).
_PREFERRED = """
SELECT {columns} FROM (
    SELECT v.*, ROW_NUMBER() OVER (
        PARTITION BY iso3, indicator, year
        ORDER BY source_priority(source), source, doc_id, "row"
    ) AS pick
    FROM indicator_values AS v {where}
) WHERE pick = 1
"""

# A year in a file name ("oecd_ourdata_2023.csv": an underscore is no word boundary).
_FILE_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")


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

    def editions(self, indicator: str) -> dict[int, int]:
        """Editions named by another year than their data's: {edition year: data year} for each
        file whose name holds one year ("oecd_ourdata_2023.csv") while all its values for the
        indicator are of one other year (2022, the reference year of the 2023 edition)."""
        rows = self._conn().execute(
            "SELECT source, MIN(year), MAX(year) FROM indicator_values WHERE indicator = ?"
            " GROUP BY source",
            (_code(indicator),),
        )
        found: dict[int, int] = {}
        for source, low, high in rows:
            named = set(_FILE_YEAR.findall(Path(source).name))
            if low == high and len(named) == 1 and (edition := int(named.pop())) != low:
                found[edition] = int(low)
        return found

    def countries(self) -> list[tuple[str, str]]:
        """(ISO3, display name) of every country with data, sorted by name."""
        rows = (
            self._conn()
            .execute("SELECT iso3, MIN(country) FROM indicator_values GROUP BY iso3")
            .fetchall()
        )
        return sorted(((r[0], r[1]) for r in rows), key=lambda item: (fold_name(item[1]), item[0]))

    def indicators_for(self, country: str) -> list[str]:
        """Codes of the indicators a country has values for, in registry order."""
        iso3 = _country_code(country)
        if iso3 is None:
            return []
        rows = self._conn().execute(
            "SELECT DISTINCT indicator FROM indicator_values WHERE iso3 = ?", (iso3,)
        )
        return sort_by_registry([r[0] for r in rows])

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
        clause, params = _measured_where(where)
        sql = (
            "SELECT COUNT(*) FROM (SELECT DISTINCT iso3, indicator, year "
            f"FROM indicator_values AS v {clause})"
        )
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
        clause, params = _measured_where(where)
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


def _measured_where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """:func:`_where` for the values that are measurements (see :data:`_MEASURED`)."""
    clause, params = _where(filters)
    return (f"{clause} AND {_MEASURED}" if clause else f"WHERE {_MEASURED}"), params


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


class RestrictedIndicatorTable(IndicatorTable):
    """The indicator table limited to the rows of some documents (those a caller may see).

    A row is shown only when the document it was read from (its ``doc_id``) is in ``shown``:
    rows of private data files, of files whose document is not (or no longer) in the catalogue
    and rows stored without a document id (an old store) are all hidden. Unknown means hidden.

    Every connection gets a temporary view named like the table, which shadows it for every
    query of :class:`IndicatorTable`, so preferred-source picks, rankings and counts are all
    computed as if the hidden files had never been loaded. Read-only by intent.
    """

    def __init__(self, path: Path, shown: Iterable[str]) -> None:
        super().__init__(path)
        self.shown = frozenset(shown)

    def __repr__(self) -> str:
        return f"RestrictedIndicatorTable({str(self.path)!r}, shown={len(self.shown)} documents)"

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS shown_documents (doc_id TEXT PRIMARY KEY) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM temp.shown_documents")
        conn.executemany(
            "INSERT INTO temp.shown_documents (doc_id) VALUES (?)", [(d,) for d in self.shown]
        )
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS indicator_values AS "
            "SELECT * FROM main.indicator_values "
            "WHERE doc_id IN (SELECT doc_id FROM temp.shown_documents)"
        )
        return conn

    def replace_source(self, source: str, rows: object, *, doc_id: str = "") -> int:
        raise PermissionError("a restricted indicator table is read-only")

    def remove_source(self, source: str, *, doc_id: str = "") -> int:
        raise PermissionError("a restricted indicator table is read-only")

    def remove_document(self, doc_id: str) -> int:
        raise PermissionError("a restricted indicator table is read-only")
