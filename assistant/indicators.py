"""The indicators (EGDI, GTMI, OECD DGI...): their registry, the names people ask for them by, and
the typed rows read from data files. The rows are stored by :mod:`assistant.storage.indicators`.

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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

__all__ = [
    "DATASETS",
    "INDICATORS",
    "SOURCE_PREFERENCE",
    "Indicator",
    "IndicatorRow",
    "IndicatorValue",
    "SourceSummary",
    "find_indicators",
    "fold_name",
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


def fold_name(text: str) -> str:
    """Lower-case, accents and punctuation removed: "E-Participation" == "e participation"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


# The words that end an indicator's name and mean the same to someone asking: "e-gov ranking",
# "e-government index" and "egov score" are one indicator.
HEADS = ("index", "ranking", "rank", "score", "rating", "indicator")
# How people write "e-government".
_EGOV = ("e government", "egov", "e gov", "egovernment")


def _variants(folded: str) -> list[str]:
    """A folded alias and the ways people also write it: "e government index" gives "egov
    score", "e gov ranking", ... (heads swapped, "e-government" in its short forms)."""
    forms = [folded]
    if "e government" in folded:
        forms += [folded.replace("e government", short) for short in _EGOV[1:]]
    out: list[str] = []
    for form in forms:
        out.append(form)
        words = form.split()
        if len(words) >= 2 and words[-1] in HEADS:
            out += [" ".join([*words[:-1], head]) for head in HEADS]
    return list(dict.fromkeys(out))


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    """Folded code, name, name without its acronym, aliases and their variants -> code (the
    written names first, then the variants; first one wins)."""
    table: dict[str, str] = {}
    for ind in _REGISTRY:
        bare_name = re.sub(r"\s*\([^)]*\)\s*$", "", ind.name)
        for word in (ind.code, ind.name, bare_name, *ind.aliases):
            table.setdefault(fold_name(word), ind.code)
    for ind in _REGISTRY:
        bare_name = re.sub(r"\s*\([^)]*\)\s*$", "", ind.name)
        for word in (ind.code, bare_name, *ind.aliases):
            for variant in _variants(fold_name(word)):
                table.setdefault(variant, ind.code)
    return table


@lru_cache(maxsize=1)
def indicator_name_pattern() -> re.Pattern[str]:
    """Every indicator's code, name and alias (match it in ``f" {fold_name(text)} "``)."""
    body = "|".join(re.escape(a) for a in sorted(_alias_table(), key=len, reverse=True))
    return re.compile(rf"(?<= )(?:{body})(?= )")


def names_of(code: str) -> list[str]:
    """Every folded name an indicator answers to (code, name, aliases and their variants)."""
    return [alias for alias, found in _alias_table().items() if found == code]


def resolve_indicator(text: str) -> str | None:
    """The canonical code for a code, name or alias ("OSI", "online service index"); else None."""
    return _alias_table().get(fold_name(text))


# Indexes the data holds no composite value of, named alone: their pillars, each answered in
# turn ("korea ourdata scores"; the OURdata file gives the three pillar scores and their parts,
# no overall score, and none is made up here).
_OURDATA_PILLARS = ("ourdata_availability", "ourdata_accessibility", "ourdata_reuse")
FAMILIES: dict[str, tuple[str, ...]] = {
    "ourdata": _OURDATA_PILLARS,
    "ourdata index": _OURDATA_PILLARS,
}


@lru_cache(maxsize=1)
def _mentions() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every name a mention of indicators may take, longest first, with the codes it names."""
    names = {**{alias: (code,) for alias, code in _alias_table().items()}, **FAMILIES}
    return tuple(sorted(names.items(), key=lambda item: len(item[0]), reverse=True))


def find_indicators(text: str) -> list[str]:
    """Codes of the indicators named in free text, in order of first mention.

    Longer aliases win over the shorter ones inside them, so "e-government development index"
    is one mention, not two; an index named alone that has no value of its own in the data
    (:data:`FAMILIES`) names its pillars.
    """
    folded = f" {fold_name(text)} "
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias, named in _mentions():
        start = folded.find(f" {alias} ")
        while start >= 0:
            span = (start, start + len(alias) + 1)
            if not any(a < span[1] and span[0] < b for a, b in taken):
                taken.append(span)
                found.extend((start, i, code) for i, code in enumerate(named))
            start = folded.find(f" {alias} ", start + 1)
    codes: list[str] = []
    for _, _, code in sorted(found):
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


def shown(v: IndicatorRow) -> str:
    """A value as answers and profiles show it: as its file prints it, or a machine float
    ("0.8404502742767075") to three decimals, the precision the OECD and World Bank print their
    indices with; the row cited keeps the exact value."""
    text = v.value_text
    if re.fullmatch(r"-?\d+\.\d{6,}", text):
        return f"{v.value:.3f}"
    return text


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


_ORDER = {code: i for i, code in enumerate(INDICATORS)}


def _registry_order(code: str) -> tuple[int, str]:
    return (_ORDER.get(code, len(_ORDER)), code)


def sort_by_registry(codes: Sequence[str]) -> list[str]:
    """Indicator codes in registry order (UN first, then GTMI, OECD), unknown codes last."""
    return sorted(codes, key=_registry_order)
