"""Advisory briefs: a country and a topic drafted from the corpus, every claim cited and checked.

UNPOG's advisory work starts from a brief ("Fiji, e-procurement"). :func:`draft_brief` drafts one
in seven sections so that an adviser edits rather than writes:

1. Summary. 2. Country context: the indicator tables (EGDI and its components across editions,
rank changes, GTMI and its components, indicators that measure the topic), every figure copied
as its data file prints it and cited to its row, and a chart. 3. What the documents say about
the country on the topic. 4. Comparable practice elsewhere, preferring the same region and a
similar EGDI level. 5. Options and recommendations, from cited passages. 6. Gaps: what the corpus
does not cover. 7. Sources, numbered, with page labels and data rows.

Drafting is extractive by default: sentences are quoted from the passages, so the same corpus and
question give the same brief. With an LLM configured, sections 3 to 5 are written by the model
from the same passages, and anything it gets wrong is caught by the same check.

:func:`check_brief` is that check. Every sentence of sections 2 to 5 must cite at least one
source in the sources list; a quoted sentence must occur in its cited passage, a paraphrase must
share most of its content words with its cited passages; every number in a cited sentence must
be one of its figures or occur in its cited passages; and every indicator figure must equal the
indicator table's value for its country, indicator and year and cite that value's data row.
:func:`apply_check` marks what fails ``[unsupported]`` where the reader sees it and lists it in
:attr:`Brief.problems`. Briefs are never shipped unchecked: :func:`draft_brief` applies it.

Render with :mod:`assistant.briefs.render` (Markdown, Word).
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lemminflect import getAllLemmas, getInflection

from assistant import countries as country_names
from assistant.answering.citations import evidence_citation, passage_citation
from assistant.answering.extractive import Evidence, redundant, terms
from assistant.answering.wordlists import STOPWORDS
from assistant.briefs.checker import apply_check
from assistant.briefs.model import (
    DOCUMENT_COLLECTIONS,
    MAX_TOPIC_CHARS,
    Brief,
    Chart,
    Figure,
    FigureTable,
    Note,
    Paragraph,
    Section,
    Sentence,
    TableRow,
)
from assistant.country_groups import Group, asia_pacific, find_groups, groups
from assistant.embedding import Embedder
from assistant.errors import BadRequest
from assistant.indicators import DATASETS, INDICATORS, IndicatorValue, fold_name, shown
from assistant.models import Citation, DocumentRecord, Filters, Passage
from assistant.sentences import quotable_sentences
from assistant.storage.indicators import IndicatorTable
from assistant.text import sentence_spans

log = logging.getLogger(__name__)

__all__ = ["BriefInputs", "draft_brief", "topic_indicators"]

# --- topics ------------------------------------------------------------------------------------

# Stems that qualify a topic rather than name it: "digital identity" is about identity.
_GENERIC_STEMS = frozenset(
    [
        "digit",
        "electron",
        "onlin",
        "e",
        "govern",
        "public",
        "nation",
        "servic",
        "system",
        "manag",
        "polici",
        "sector",
        "develop",
        "inform",
        "technolog",
        "ict",
        "smart",
        "modern",
        "reform",
    ]
)
_E_PREFIX = re.compile(r"^e-?(?=[a-z]{4,})", re.I)


@dataclass
class _Concept:
    stems: set[str]  # exact: "e-procur", "eprocur"
    phrases: list[re.Pattern[str]] = field(default_factory=list)  # "electronic procurement"
    loose: set[str] = field(default_factory=set)  # near: "procur" for e-procurement
    generic: bool = False

    def matches(self, stems: set[str], lowered: str, *, exact: bool = False) -> bool:
        if self.stems & stems or any(p.search(lowered) for p in self.phrases):
            return True
        return not exact and bool(self.loose & stems)


def _stem(word: str) -> str:
    found = terms(word)
    return found[0] if found else word.lower()


def _split_forms(word: str) -> list[re.Pattern[str]]:
    """A closed compound as documents also write it, open or hyphenated: "cybersecurity" as
    "cyber security" or "cyber-security", "dataset" as "data set". Every split into parts of at
    least three letters is allowed; only those a document writes ever match."""
    word = word.lower()
    if len(word) < 7 or not word.isalpha():
        return []
    splits = [
        rf"{re.escape(word[:i])}[\s\-\u2010\u2011]+{re.escape(word[i:])}"
        for i in range(3, len(word) - 2)
    ]
    return [re.compile(rf"\b(?:{'|'.join(splits)})")]


class TopicGate:
    """Whether a sentence is about the topic: it names the topic's head words ("identity" of
    "digital identity"; "e-procurement", "eProcurement", "electronic procurement" or, loosely,
    "procurement"). :meth:`exact` leaves out the loose matches."""

    def __init__(self, topic: str) -> None:
        concepts: list[_Concept] = []
        for word in re.findall(r"[A-Za-z][A-Za-z\-']*", topic):
            if len(word) < 2 or word.lower() in {"and", "of", "the", "for", "in", "on", "to"}:
                continue
            bare = _E_PREFIX.sub("", word)
            if bare != word:  # e-procurement, eGovernment
                rest = _stem(bare)
                concept = _Concept(
                    {_stem(word), _stem("e" + bare), _stem("e-" + bare)},
                    [re.compile(rf"\b(?:electronic|digital|online)[\s-]+{re.escape(rest)}")],
                    loose=set() if rest in _GENERIC_STEMS else {rest},
                )
            else:
                stem = _stem(word)
                concept = _Concept({stem}, _split_forms(word), generic=stem in _GENERIC_STEMS)
            concepts.append(concept)
        head = [c for c in concepts if not c.generic]
        if not head and len(concepts) > 1:  # "digital government": the words together
            stems = [next(iter(c.stems)) for c in concepts]
            pattern = r"[\s-]+".join(rf"{re.escape(stem)}\w*" for stem in stems)
            head = [_Concept(set(), [re.compile(rf"\b{pattern}")])]
        self.concepts = head or concepts
        size = len(self.concepts)
        self.need = size if size <= 2 else -(-2 * size // 3)

    def _count(self, text: str, exact: bool) -> int:
        stems = set(terms(text))
        for token in re.findall(r"\w+(?:-\w+)+", text):
            stems.update(_stem(part) for part in token.split("-") if len(part) > 1)
        lowered = text.lower()
        return sum(c.matches(stems, lowered, exact=exact) for c in self.concepts)

    def __call__(self, text: str) -> bool:
        return not self.concepts or self._count(text, exact=False) >= self.need

    def exact(self, text: str) -> bool:
        return not self.concepts or self._count(text, exact=True) >= self.need


def topic_indicators(topic: str, limit: int = 4) -> list[str]:
    """Codes of indicators that measure ``topic`` ("e-procurement": the GTMI e-procurement portal
    and e-procurement indicator group), in registry order: those whose name or an alias contains
    the topic, or is contained in it."""
    wanted = f" {fold_name(topic)} "
    found: list[str] = []
    for code, info in INDICATORS.items():
        bare = re.sub(r"\s*\([^)]*\)\s*$", "", info.name)
        for name in (fold_name(bare), *(fold_name(a) for a in info.aliases)):
            if len(name) >= 5 and (
                f" {name} " in wanted or (len(wanted) > 7 and wanted in f" {name} ")
            ):
                found.append(code)
                break
    return found[:limit]


# --- drafting ----------------------------------------------------------------------------------

# Sentences that advise: "should", "could", "is needed", "recommends" (not "the Recommendation",
# a title, nor "12 key recommendations", a count), "encouraged", "calls on", "urges".
_NORMATIVE = re.compile(
    r"\b(?:should|could|must|needs? to|(?:is|are) needed|(?-i:recommend(?:s|ed|ing)?)|"
    r"encourag\w*|urge[sd]?|invite[sd]?|call(?:s|ed)? (?:on|for|upon)|may wish to)\b",
    re.I,
)


@dataclass(frozen=True)
class Aspect:
    """One side of a reform on any topic, as advisers break one down: how to tell that a
    sentence is about it, the option a brief puts to a country on it ("{country} could …
    {topic} …"), words that search for it beside the topic, and the indicators that measure a
    country on it, most specific first."""

    label: str
    pattern: re.Pattern[str]
    advice: str
    search: str
    indicators: tuple[str, ...] = ()

    def hits(self, text: str) -> int:
        return len(self.pattern.findall(text))


ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "strategy and policy",
        re.compile(r"\b(strateg\w*|polic(?:y|ies)|plan|roadmap|vision|master ?plan)\b", re.I),
        "{country} could set out its direction on {topic} in a national strategy or roadmap",
        "national strategy policy roadmap",
        ("gtei",),
    ),
    Aspect(
        "legal and regulatory framework",
        re.compile(r"\b(law|laws|act|legislat\w*|regulat\w*|decree|legal|bill)\b", re.I),
        "{country} could review its laws and regulations on {topic}",
        "law legislation regulation legal framework",
        ("gtei",),
    ),
    Aspect(
        "institutions and coordination",
        re.compile(
            r"\b(ministr\w*|agenc\w*|authorit\w*|institution\w*|coordinat\w*|council|committee|"
            r"office|responsibilit\w*|whole-of-government)\b",
            re.I,
        ),
        "{country} could give one institution clear responsibility for {topic} and coordinate "
        "the agencies involved",
        "institutions coordination responsibility agency",
        ("gtei", "cgsi"),
    ),
    Aspect(
        "implementation and services",
        re.compile(
            r"\b(implement\w*|launch\w*|platform\w*|portal\w*|system\w*|roll(?:ed)?[- ]?out|"
            r"pilot\w*|deploy\w*)\b",
            re.I,
        ),
        "{country} could build {topic} into shared platforms and services, piloting before "
        "rolling out",
        "implementation platform services pilot",
        ("psdi", "osi"),
    ),
    Aspect(
        "capacity and skills",
        re.compile(r"\b(capacit\w*|skill\w*|training|literacy|human resources)\b", re.I),
        "{country} could build the skills and capacity {topic} needs, in government and among "
        "its users",
        "capacity skills training literacy",
        ("hci",),
    ),
    Aspect(
        "funding and monitoring",
        re.compile(
            r"\b(fund\w*|financ\w*|budget\w*|invest\w*|monitor\w*|evaluat\w*|indicator\w*)\b",
            re.I,
        ),
        "{country} could fund {topic} predictably and monitor its progress with indicators",
        "funding budget investment monitoring evaluation",
    ),
    Aspect(
        "infrastructure and connectivity",
        re.compile(
            r"\b(infrastructur\w*|connectivit\w*|broadband|internet|mobile|network\w*)\b", re.I
        ),
        "{country} could invest in the infrastructure and connectivity {topic} depends on",
        "infrastructure connectivity broadband",
        ("tii",),
    ),
    Aspect(
        "data sharing and interoperability",
        re.compile(
            r"\b(interoperab\w*|data[- ]sharing|data exchange|registr(?:y|ies)|base registers?|"
            r"once[- ]only)\b",
            re.I,
        ),
        "{country} could make the data behind {topic} shared and interoperable across agencies",
        "interoperability data sharing registries",
        ("cgsi",),
    ),
    Aspect(
        "participation and inclusion",
        re.compile(
            r"\b(particip\w*|consult\w*|inclusi\w*|engag\w*|feedback|co-?creat\w*|"
            r"vulnerable|women|gender)\b",
            re.I,
        ),
        "{country} could involve citizens, and those most at risk of being left out, in shaping "
        "{topic}",
        "participation inclusion consultation citizens",
        ("epi", "dcei"),
    ),
    Aspect(
        "security and trust",
        re.compile(r"\b(secur\w*|privacy|data protection|trust\w*|safeguard\w*|cyber\w*)\b", re.I),
        "{country} could build trust in {topic} with privacy, data protection and security "
        "safeguards",
        "security privacy data protection trust",
    ),
)


def aspects_of(topic: str) -> list[Aspect]:
    """The aspects of a reform on ``topic``: every one but those the topic itself names (no
    "participation" aspect of e-participation, no "security" aspect of cybersecurity)."""
    return [a for a in ASPECTS if not a.hits(topic)]


def aspect_of(text: str, aspects: Sequence[Aspect]) -> Aspect | None:
    """The aspect a sentence is most about (most words of it; the first on a tie), or None."""
    best = max(aspects, key=lambda a: a.hits(text), default=None)
    return best if best is not None and best.hits(text) else None


_EGDI_COLUMNS: tuple[tuple[str, str], ...] = (
    ("egdi", "EGDI"),
    ("egdi:rank", "Rank"),
    ("osi", "OSI"),
    ("hci", "HCI"),
    ("tii", "TII"),
    ("epi", "EPI"),
)
_GTMI_COLUMNS: tuple[tuple[str, str], ...] = (
    ("gtmi", "GTMI"),
    ("gtmi:group", "Group"),
    ("cgsi", "CGSI"),
    ("psdi", "PSDI"),
    ("dcei", "DCEI"),
    ("gtei", "GTEI"),
)
# Indicators section 2 always shows (DGI where the country has it): not repeated as topic ones.
_CORE = frozenset([*(c.split(":")[0] for c, _ in (*_EGDI_COLUMNS, *_GTMI_COLUMNS)), "dgi"])


class _Sources:
    """The brief's sources, numbered in the order they are first cited."""

    def __init__(self, cite_data: Callable[[int, IndicatorValue], Citation]) -> None:
        self._cite_data = cite_data
        self.by_key: dict[tuple[str, ...], Citation] = {}
        # a data reference's (year, row, line, country)s, in the order they were cited
        self._rows: dict[int, list[tuple[int, int, str, str]]] = {}

    def _add(self, key: tuple[str, ...], make: Any) -> int:
        cited = self.by_key.get(key)
        if cited is None:
            cited = make(len(self.by_key) + 1)
            self.by_key[key] = cited
        return cited.n

    def data(self, value: IndicatorValue) -> int:
        """One reference per data file: its first row cited makes it, later rows join it
        ("UN E-Government Survey data, rows for Bhutan", each row quoted under it)."""
        key = ("data", value.doc_id, value.source)
        known = self.by_key.get(key)
        row = self._cite_data(known.n if known else len(self.by_key) + 1, value)
        n = self._add(key, lambda n: row.model_copy(update={"title": "", "text": ""}))
        cited = self.by_key[key]
        rows = self._rows.setdefault(n, [])  # in the order they were cited
        if all(value.row != r for _, r, _, _ in rows):
            rows.append((value.year, value.row, row.text, value.country))
            ordered = sorted(rows)
            cited.data_rows = [r for _, r, _, _ in ordered]
            cited.data_row = cited.data_rows[0]
            cited.text = "\n".join(f"{year}, row {r}: {line}" for year, r, line, _ in ordered)
            countries = ", ".join(dict.fromkeys(country for *_, country in rows))
            cited.title = f"{value.dataset} data, rows for {countries}"
        return n

    def evidence(self, evidence: Evidence) -> int:
        def make(n: int) -> Citation:
            cited = evidence_citation(n, evidence)
            return cited.model_copy(update={"title": _doc_label(evidence.passage.document)})

        chunk = evidence.passage.chunk
        return self._add(("quote", chunk.chunk_id, str(evidence.start), str(evidence.end)), make)

    def passage(self, passage: Passage) -> int:
        def make(n: int) -> Citation:
            cited = passage_citation(n, passage)
            return cited.model_copy(update={"title": _doc_label(passage.document)})

        return self._add(("passage", passage.chunk.chunk_id), make)

    def citations(self) -> list[Citation]:
        return sorted(self.by_key.values(), key=lambda c: c.n)


_WITH_THE = re.compile(
    r"^(?:Republic|Democratic|United|Russian|Lao|Syrian|Central African|Dominican|Czech Republic)"
    r"|(?:Islands|Philippines|Netherlands|Maldives|Bahamas|Comoros|Gambia|Niger|Sudan)$"
)


def _in_text(name: str) -> str:
    """A country's name as it reads inside a sentence: "the Philippines", "Fiji"."""
    return f"the {name}" if _WITH_THE.search(name) else name


def _capitalise(text: str) -> str:
    """``text`` with its first letter upper case: "the Philippines could …" opening a sentence."""
    return text[:1].upper() + text[1:]


def _poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _doc_label(doc: DocumentRecord) -> str:
    """A document's title, or its file name where the title is not one ("Mr. President,")."""
    title = " ".join(doc.title.split())
    if len(title.split()) < 2 or title.endswith((",", ".", ":", ";")) or len(title) > 140:
        return Path(doc.source).name
    return title


@dataclass
class _Facts:
    """What section 2 found, for the summary and the gaps."""

    egdi: list[IndicatorValue] = field(default_factory=list)
    gtmi: list[IndicatorValue] = field(default_factory=list)
    topic_values: list[IndicatorValue] = field(default_factory=list)
    topic_codes: list[str] = field(default_factory=list)
    figures: dict[tuple[str, int, str], Figure] = field(default_factory=dict)


FigureKind = Literal["value", "rank", "group"]
_KINDS: dict[str, FigureKind] = {"": "value", "rank": "rank", "group": "group"}


def _figure(value: IndicatorValue, sources: _Sources, kind: FigureKind = "value") -> Figure:
    text = (
        shown(value)  # a machine float to three decimals; the row cited keeps every digit
        if kind == "value"
        else str(value.rank)
        if kind == "rank"
        else str(value.group)
    )
    return Figure(
        iso3=value.iso3,
        indicator=value.indicator,
        year=value.year,
        kind=kind,
        text=text,
        citation=sources.data(value),
    )


def _compose(*parts: str | Figure | None) -> Sentence:
    """A sentence of text and figures (printed as their text), citing the figures' rows."""
    figures = [p for p in parts if isinstance(p, Figure)]
    text = "".join(p.text if isinstance(p, Figure) else p for p in parts if p is not None)
    text = _capitalise(text)
    return Sentence(
        text=text, citations=list(dict.fromkeys(f.citation for f in figures)), figures=figures
    )


def _listing(values: Sequence[IndicatorValue], sources: _Sources) -> list[str | Figure]:
    """ "Online Service Index (OSI) 0.5, Human Capital Index (HCI) 0.7 and ..." as parts."""
    parts: list[str | Figure] = []
    for i, value in enumerate(values):
        if i:
            parts.append(" and " if i == len(values) - 1 else ", ")
        parts += [f"{INDICATORS[value.indicator].name} ", _figure(value, sources)]
    return parts


def _short(code: str) -> str:
    name = INDICATORS[code].name if code in INDICATORS else code
    match = re.search(r"\(([A-Z]{2,})\)$", name)
    return match.group(1) if match else name


def _components(iso3: str, table: IndicatorTable, year: int) -> list[IndicatorValue]:
    """The country's EGDI components (OSI, HCI, TII) in ``year``, those the data has."""
    found = (table.value(iso3, code, year) for code in ("osi", "hci", "tii"))
    return [v for v in found if v is not None]


def _egdi_sentences(
    iso3: str, name: str, egdi: Sequence[IndicatorValue], table: IndicatorTable, sources: _Sources
) -> list[Sentence]:
    first, last = egdi[0], egdi[-1]
    sentences: list[Sentence] = []
    if len(egdi) > 1:
        trend = (
            "rose"
            if last.value > first.value
            else "fell"
            if last.value < first.value
            else "stayed level"
        )
        sentences.append(
            _compose(
                f"{_poss(name)} E-Government Development Index (EGDI) {trend} from ",
                _figure(first, sources),
                f" in {first.year} to ",
                _figure(last, sources),
                f" in {last.year}, across the editions of the UN E-Government Survey in the data.",
            )
        )
    else:
        sentences.append(
            _compose(
                f"{_poss(name)} E-Government Development Index (EGDI) was ",
                _figure(last, sources),
                f" in {last.year}.",
            )
        )
    ranked = [v for v in egdi if v.rank is not None]
    if ranked and ranked[-1] is last and last.rank is not None:
        if len(ranked) > 1:
            previous = ranked[-2]
            assert previous.rank is not None
            move = (
                "up from"
                if last.rank < previous.rank
                else "down from"
                if last.rank > previous.rank
                else "the same as"
            )
            sentences.append(
                _compose(
                    f"In {last.year} it ranked ",
                    _figure(last, sources, "rank"),
                    f", {move} rank ",
                    _figure(previous, sources, "rank"),
                    f" in {previous.year} (rank 1 is the highest).",
                )
            )
            best = min(ranked, key=lambda v: (v.rank or 0, -v.year))
            if best is not last and best is not previous:
                sentences.append(
                    _compose(
                        "Its best rank in these editions was ",
                        _figure(best, sources, "rank"),
                        f", in {best.year}.",
                    )
                )
        else:
            sentences.append(
                _compose(f"In {last.year} it ranked ", _figure(last, sources, "rank"), ".")
            )
    components = _components(iso3, table, last.year)
    if components:
        tail = "."
        if len(components) == 3:
            lowest = min(components, key=lambda v: v.value)
            tail = f"; the lowest of the three was the {INDICATORS[lowest.indicator].name}."
        sentences.append(
            _compose(
                f"Its components in {last.year} were the ", *_listing(components, sources), tail
            )
        )
    epi = table.value(iso3, "epi", last.year)
    if epi is not None:
        sentences.append(
            _compose(
                f"Its E-Participation Index (EPI) in {last.year} was ", _figure(epi, sources), "."
            )
        )
    return sentences


def _gtmi_sentences(
    iso3: str, name: str, gtmi: Sequence[IndicatorValue], table: IndicatorTable, sources: _Sources
) -> list[Sentence]:
    def with_group(value: IndicatorValue) -> list[str | Figure]:
        parts: list[str | Figure] = [_figure(value, sources)]
        if value.group:
            parts += [" (group ", _figure(value, sources, "group"), ")"]
        return parts

    first, last = gtmi[0], gtmi[-1]
    lead = f"{_poss(name)} World Bank GovTech Maturity Index (GTMI) was "
    if len(gtmi) > 1:
        sentences = [
            _compose(
                lead,
                *with_group(first),
                f" in {first.year} and ",
                *with_group(last),
                f" in {last.year}.",
            )
        ]
    else:
        sentences = [_compose(lead, *with_group(last), f" in {last.year}.")]
    components = [
        v
        for v in (table.value(iso3, c, last.year) for c in ("cgsi", "psdi", "dcei", "gtei"))
        if v is not None
    ]
    if components:
        sentences.append(
            _compose(
                f"Its GTMI components in {last.year} were the ", *_listing(components, sources), "."
            )
        )
    return sentences


def _context_section(
    iso3: str, name: str, topic: str, table: IndicatorTable, sources: _Sources
) -> tuple[Section, _Facts]:
    facts = _Facts()
    blocks: list[Paragraph | FigureTable | Chart | Note] = []

    facts.egdi = table.series(iso3, "egdi")
    if facts.egdi:
        blocks.append(Paragraph(sentences=_egdi_sentences(iso3, name, facts.egdi, table, sources)))
        blocks.append(
            _series_table(
                iso3,
                table,
                sources,
                _EGDI_COLUMNS,
                "UN E-Government Survey: EGDI, rank and components by edition",
            )
        )
        blocks.append(_chart(iso3, name, table))
    else:
        blocks.append(
            Note(text=f"The indicator data holds no EGDI values for {name} (see section 6).")
        )

    facts.gtmi = table.series(iso3, "gtmi")
    if facts.gtmi:
        blocks.append(Paragraph(sentences=_gtmi_sentences(iso3, name, facts.gtmi, table, sources)))
        blocks.append(
            _series_table(
                iso3,
                table,
                sources,
                _GTMI_COLUMNS,
                "World Bank GovTech Maturity Index: GTMI, group and components by edition",
            )
        )

    dgi = table.series(iso3, "dgi")
    if dgi:
        last = dgi[-1]
        rank: list[str | Figure] = (
            [", rank ", _figure(last, sources, "rank"), " among OECD members"]
            if last.rank is not None
            else []
        )
        blocks.append(
            Paragraph(
                sentences=[
                    _compose(
                        f"{_poss(name)} OECD Digital Government Index (DGI) in {last.year} was ",
                        _figure(last, sources),
                        *rank,
                        ".",
                    )
                ]
            )
        )

    facts.topic_codes = [c for c in topic_indicators(topic) if c not in _CORE]
    topic_sentences: list[Sentence] = []
    notes: list[str] = []
    for code in facts.topic_codes:
        series = table.series(iso3, code)
        if not series:
            continue
        facts.topic_values.extend(series)
        info = INDICATORS[code]
        parts: list[str | Figure] = [
            f"{_poss(name)} score on the {info.name} was ",
            _figure(series[0], sources),
            f" in {series[0].year}",
        ]
        if len(series) > 1:
            parts += [" and ", _figure(series[-1], sources), f" in {series[-1].year}"]
        topic_sentences.append(_compose(*parts, "."))
        if info.note:
            notes.append(f"Scale of the {info.name}: {info.note}.")
        elif code.startswith("gtmi_"):
            notes.append(
                "GTMI 2022 indicator groups are sums of item scores, so their scales differ "
                "from group to group."
            )
        elif code.startswith("bipa_"):
            notes.append(
                "The Blavatnik Index regroups the GTMI 2022 items into themes on its own scale."
            )
    if topic_sentences:
        blocks.append(Paragraph(sentences=topic_sentences))
        blocks.extend(Note(text=n) for n in dict.fromkeys(notes))
    if not any(isinstance(b, Paragraph) for b in blocks):
        blocks.append(Note(text=f"The indicator data holds no values for {name} (see section 6)."))
    return Section(key="context", number=2, title="Country context", blocks=blocks), facts


def _series_table(
    iso3: str,
    table: IndicatorTable,
    sources: _Sources,
    columns: Sequence[tuple[str, str]],
    caption: str,
) -> FigureTable:
    by_code: dict[str, dict[int, IndicatorValue]] = {}
    for code in dict.fromkeys(c.split(":")[0] for c, _ in columns):
        by_code[code] = {v.year: v for v in table.series(iso3, code)}
    years = sorted({y for values in by_code.values() for y in values})
    rows: list[TableRow] = []
    for year in years:
        cells: list[Figure | None] = []
        for column, _ in columns:
            code, _, kind = column.partition(":")
            value = by_code[code].get(year)
            if (
                value is None
                or (kind == "rank" and value.rank is None)
                or (kind == "group" and not value.group)
            ):
                cells.append(None)
            else:
                cells.append(_figure(value, sources, _KINDS[kind]))
        rows.append(TableRow(label=str(year), cells=cells))
    rounded = any(
        cell is not None
        and cell.kind == "value"
        and cell.text != by_code[cell.indicator][cell.year].value_text
        for row in rows
        for cell in row.cells
    )
    return FigureTable(
        caption=caption,
        columns=["Year", *(label for _, label in columns)],
        rows=rows,
        note=ROUNDED_NOTE if rounded else None,
    )


# Under a table whose machine floats ("0.8404502742767075") are shown to three decimals.
ROUNDED_NOTE = "Values rounded to three decimals; the data rows cited print them in full."


def _chart(iso3: str, name: str, table: IndicatorTable) -> Chart:
    series: dict[str, dict[int, float]] = {}
    for code in ("egdi", "osi", "hci", "tii"):
        series[_short(code)] = {v.year: v.value for v in table.series(iso3, code)}
    years = sorted({y for values in series.values() for y in values})
    return Chart(
        caption=f"{name}: EGDI and its components by edition of the UN E-Government Survey (values from the table above)",
        years=years,
        series={label: [values.get(y) for y in years] for label, values in series.items()},
    )


def _about_country(passage: Passage, iso3: str) -> bool:
    """The passage names the country, or its document is about it (and at most one other)."""
    doc = passage.document
    if iso3 in doc.countries and len(doc.countries) <= 2:
        return True
    return iso3 in country_names.find_countries(passage.chunk.text)


def _merge(*groups: Sequence[Passage]) -> list[Passage]:
    best: dict[str, Passage] = {}
    for group in groups:
        for passage in group:
            kept = best.get(passage.chunk.chunk_id)
            if kept is None or passage.score > kept.score:
                best[passage.chunk.chunk_id] = passage
    return sorted(best.values(), key=lambda p: (-p.score, p.chunk.chunk_id))


def _pick(
    inputs: BriefInputs,
    question: str,
    passages: Sequence[Passage],
    gate: TopicGate,
    *,
    limit: int,
    per_document: int = 2,
    weight: dict[str, float] | None = None,
    cue: Callable[[str], object] | None = None,
    exclude: set[tuple[str, int]] | None = None,
    min_score: float = 0.3,
) -> list[Evidence]:
    """The best sentences of ``passages`` on ``question``: on the topic (and matching ``cue``),
    scored as the extractive answerer scores them, no two saying the same thing, at most
    ``per_document`` from one document."""

    q_terms = terms(question)
    q_weights = {t: 1.0 for t in q_terms}
    total = sum(q_weights.values()) or 1.0
    candidates: list[tuple[Passage, int, int, str, float]] = []
    for rank, passage in enumerate(passages[:12]):
        prior = 1.0 / (1.0 + rank * 0.2)
        for _, start, end, text in quotable_sentences(passage):
            if exclude and (passage.chunk.chunk_id, start) in exclude:
                continue
            if not _complete(text) or not gate(text) or (cue is not None and not cue(text)):
                continue
            factor = 1.2 if gate.exact(text) else 1.0
            factor *= 0.8 if _ANAPHORA.match(text) else 1.0  # "They also provide...": no context
            candidates.append((passage, start, end, text, prior * factor))
    if not candidates:
        return []
    if len(candidates) > 48:
        lexical = [
            sum(w for t, w in q_weights.items() if t in set(terms(c[3]))) / total + 0.3 * c[4]
            for c in candidates
        ]
        keep = sorted(range(len(candidates)), key=lambda i: (-lexical[i], i))[:48]
        candidates = [candidates[i] for i in sorted(keep)]
    qvec = inputs.embedder.embed_query(question)
    svecs = inputs.embedder.embed([c[3] for c in candidates])
    scored: list[Evidence] = []
    for (passage, start, end, text, prior), similarity in zip(
        candidates, svecs @ qvec, strict=True
    ):
        overlap = sum(w for t, w in q_weights.items() if t in set(terms(text))) / total
        score = 0.5 * float(similarity) + 0.35 * overlap + 0.15 * prior
        score *= (weight or {}).get(passage.chunk.chunk_id, 1.0)
        scored.append(Evidence(passage, text, start, end, score, float(similarity), overlap))
    scored.sort(key=lambda e: (-e.score, e.passage.chunk.chunk_id, e.start))
    chosen: list[Evidence] = []
    per_doc: dict[str, int] = {}
    for evidence in scored:
        if len(chosen) >= limit or evidence.score < min_score:
            break
        doc_id = evidence.passage.document.doc_id
        if per_doc.get(doc_id, 0) >= per_document:
            continue
        if any(redundant(evidence.text, other.text) for other in chosen):
            continue
        chosen.append(evidence)
        per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
    return chosen


# A question in a survey's word order, whatever its last mark: an auxiliary verb first, after at
# most a short opening phrase.
_QUESTION_ORDER = re.compile(
    r"^(?:[^,]{1,40},\s*)?(?:are|is|has|have|has/have|does|do|did)\s+(?:there|any|the|your|all)\b"
    r"|^.{0,60}\b(?:are|is) there (?!is\b|are\b)[a-z]",
    re.I,
)
# The marks of a form or a table read as text: answer cells ("Yes/No"), item codes ("1.f", "Q.17").
_FORM = re.compile(r"\bYes/No\b|(?<![\w.])\d{1,2}\.[a-z](?![\w.])|\bQ\.\s?\d+", re.I)
# What an index or survey measures, or how it was made ("the Survey measures the existence of …",
# "the survey instrument was designed …"): the document's method, no evidence of what works.
_METHOD = re.compile(
    r"\b(?:index|survey|dimension|pillar|indicators?|questionnaire|instrument|benchmark)\b"
    r"[^.;]{0,60}?\b(?:measures?|evaluates?|assess(?:es)?|captures?|ascertains?|"
    r"(?:was|were) designed)\b",
    re.I,
)
# A list rather than a statement: a heading of a few words and its items ("Electronic government:
# national strategies, the EGDI, CIOs …"), or items set off by semicolons ("the main features
# are: digital identity (…); the protection of personal data; …").
_LIST = re.compile(r"^(?:\S+\s+){0,4}\S+:\s*(?:[^,;]+[,;]){3,}|^[^:]{1,120}:\s*(?:[^;]+;){2,}")
_ANAPHORA = re.compile(r"^(?:they|it|this|these|those|such|he|she|its|their)\b", re.I)


def _complete(sentence: str) -> bool:
    """A whole sentence worth quoting: not cut off at a passage's end ("... European
    Directives' pro"), not a bare link, a heading, a table row or a survey's question, not a
    page."""
    if not 40 <= len(sentence) <= 600 or not re.search(r"[.!?;:)\]\"'”’]$", sentence):
        return False
    if re.match(r"^\d{1,3}(?:\.\d{1,2})*\.?\s+[A-Z]", sentence):  # a page or heading number
        return False
    if re.match(r"^(?:Sources?|Notes?|Figure|Table|Box|Annex)\b", sentence):  # captions
        return False
    if re.search(r"\[\d+\]", sentence):  # "(OECD, 2015[15])" would read as one of our markers
        return False
    if sentence.endswith("?") or sentence.count("|") >= 2:  # a survey question, a table row
        return False
    if _QUESTION_ORDER.match(sentence):  # "Since 2012, has/have any assessment(s) been …:"
        return False
    words = sentence.split()
    if _FORM.search(sentence):  # a questionnaire's cells run together: "Yes/No 1.f 4 Data …"
        return False
    if _cells(words) >= max(4, 0.15 * len(words)):
        return False  # table cells run together: "… mechanism Impact assessments Across …"
    return len(words) >= 6 and sum(w[:1].isalpha() for w in words) >= 0.6 * len(words)


def _cells(words: Sequence[str]) -> int:
    """Capitalised words standing alone after a lowercase word that is not a function word, with
    no comma between, and before a lowercase one: how
    table cells read when their text runs together ("mechanism Impact assessments Across
    stakeholders"); prose has few (a name: "in Fiji and"), a run of them is a table."""
    return sum(
        1
        for before, word, after in zip(words, words[1:], words[2:], strict=False)
        if word[:1].isupper()
        and before[:1].islower()
        and before.lower() not in STOPWORDS  # "of the Republic of", "between Israel and"
        and not before.endswith((",", ";", ":"))
        and after[:1].islower()
    )


def _quote(evidence: Evidence, sources: _Sources, lead: str | None = None) -> Sentence:
    return Sentence(
        text=evidence.text, citations=[sources.evidence(evidence)], lead=lead, quote=True
    )


# A recommendation addressed to governments in general: "Governments were thus encouraged to
# incorporate …", "countries could improve …", "decision makers need to consider …", or to their
# instruments: "national strategies should target …", "AI policies should go beyond …". Its
# action can be put to the country the brief is for ("Fiji could …", "Fiji's national strategies
# could …"); a recommendation to another actor ("fiscal councils could …") cannot.
_ADDRESSED_TO_GOVERNMENTS = re.compile(
    # an opening connective may go ("Moreover, …"); any other opening ("In Kenya, …") is a
    # condition or an attribution that cannot be dropped, and the sentence stays quoted
    r"^(?:(?:moreover|furthermore|in addition|additionally|also|however|thus|therefore|"
    r"to (?:that|this) end|in particular|in this regard|accordingly|finally),\s+)?(?:the\s+)?(?:"
    r"(?P<actor>governments?|countries|states|member states|public administrations?|"
    r"national authorities|policymakers|policy makers|decision makers|decision-makers)|"
    r"(?P<instrument>(?:[\w-]+\s+){0,2}?(?:policies|policy|strategies|strategy|regulations|"
    r"frameworks|legislation|plans)))\s+"
    r"(?:(?:were|are|is)\s+)?(?:(?:thus|also|therefore|further|all)\s+)*"
    r"(?:should|could|must|may wish to|needs? to|(?:encouraged|invited|urged|called upon) to)\s+"
    r"(?P<action>(?!not\b|never\b)[a-z].+?)[.;]?$",
    re.I,
)
_THEIR = {"their": "its", "themselves": "itself", "they": "it"}
_CONNECTIVE = re.compile(
    r"^(?:moreover|furthermore|in addition|additionally|also|however|thus|therefore|similarly|"
    r"likewise|finally|first|second|third|lastly),\s+",
    re.I,
)


def _options_for(options: Sequence[Evidence], country: str, sources: _Sources) -> list[Sentence]:
    """Each option as advice to the country: a recommendation addressed to governments in
    general is put to it ("Fiji could incorporate beneficial ownership transparency in its
    public procurement regulations"), labelled with the document it comes from and cited to the
    sentence; any other is quoted as it stands, labelled as a measure from its document, never
    passed off as advice written for the country. Put-to-the-country options come first."""
    put: list[Sentence] = []
    quoted: list[Sentence] = []
    for evidence in options:
        label = _doc_label(evidence.passage.document)
        match = _ADDRESSED_TO_GOVERNMENTS.match(evidence.text)
        instrument = match.group("instrument") if match else None
        if match is None or (instrument and set(instrument.lower().split()) & STOPWORDS):
            # not addressed to governments, or to an instrument the sentence before names
            # ("these policies should …"): a measure from its document
            quoted.append(_measure(evidence, sources, label))
            continue
        action = re.sub(r"\b(and|or) to\b", r"\1", match.group("action"))
        action = re.sub(
            r"\b(their|themselves|they)\b", lambda m: _THEIR[m.group(1).lower()], action
        )
        if instrument:  # "National strategies" -> "national strategies"; "AI policies" stays
            first, _, rest = instrument.partition(" ")
            instrument = (first if first.isupper() else first.lower()) + (
                f" {rest}" if rest else ""
            )
        who = f"{_poss(country)} {instrument}" if instrument else country
        put.append(
            Sentence(
                text=f"{_capitalise(who)} could {action}.",
                citations=[sources.evidence(evidence)],
                lead=f"As recommended in {label}",
            )
        )
    return [*put, *quoted]


# The composite index an indicator is a component of: where a country stands on a component is
# read against its own composite ("below its EGDI of 0.651").
_COMPOSITE = {
    "osi": "egdi",
    "hci": "egdi",
    "tii": "egdi",
    "cgsi": "gtmi",
    "psdi": "gtmi",
    "dcei": "gtmi",
    "gtei": "gtmi",
}


def _standing(
    iso3: str, name: str, codes: Sequence[str], table: IndicatorTable, sources: _Sources
) -> tuple[str, Sentence] | None:
    """Where the country stands on an option, from the first of ``codes`` it has a value for: its
    latest value, against its composite index for a component ("below its EGDI of 0.651") or
    with its rank. (The code, the sentence), or None when it has none of them."""
    for code in codes:
        series = table.series(iso3, code)
        if not series or code not in INDICATORS:
            continue
        last = series[-1]
        parts: list[str | Figure] = [
            f"{_poss(name)} {INDICATORS[code].name} was ",
            _figure(last, sources),
            f" in {last.year}",
        ]
        whole = table.value(iso3, _COMPOSITE[code], last.year) if code in _COMPOSITE else None
        if whole is not None:
            mine, theirs = float(shown(last)), float(shown(whole))  # as printed
            relation = "below" if mine < theirs else "above" if mine > theirs else "level with"
            parts += [f", {relation} its {_short(whole.indicator)} of ", _figure(whole, sources)]
        elif last.rank is not None:
            parts += [", rank ", _figure(last, sources, "rank")]
        if INDICATORS[code].note:  # not read 0 to 1: the country context prints its scale
            parts.append(" (its scale is given under the country context)")
        sentence = _compose(*parts, ".")
        sentence.lead = f"Where {name} stands"
        sentence.continues = True
        return code, sentence
    return None


def _usable_evidence(text: str) -> bool:
    """Whether an option can rest on ``text``: not a speaker's own position, not a sentence that
    leans on one not quoted ("It has …", "… maintains it."), not a list, not what an index
    measures."""
    return not (
        _SPEAKER.search(text)
        or _ANAPHORA.match(text)
        or _LEANS.search(text)
        or _LIST.match(text)
        or _METHOD.search(text)
    )


def _aspect_evidence(
    inputs: BriefInputs,
    topic: str,
    aspects: Sequence[Aspect],
    passages: Sequence[Passage],
    gate: TopicGate,
    *,
    exclude: set[tuple[str, int]],
    scan: int = 36,
    most: int = 64,
) -> list[tuple[Aspect, Evidence]]:
    """For each aspect, the sentence of ``passages`` that an option on it can rest on: on the
    topic, about the aspect, and closest in meaning to the option itself ("a government could
    review its laws and regulations on digital identity"), so that the evidence says what the
    option asks for rather than merely sharing a word with it, and usable as evidence
    (:func:`_usable_evidence`). Best first; an aspect whose best sentence is less similar than
    MIN_EVIDENCE_SIMILARITY has none."""
    candidates: list[tuple[Passage, int, int, str]] = []
    for passage in passages[:scan]:
        for _, start, end, text in quotable_sentences(passage):
            if (passage.chunk.chunk_id, start) in exclude or not _complete(text) or not gate(text):
                continue
            if _usable_evidence(text) and any(a.hits(text) for a in aspects):
                candidates.append((passage, start, end, text))
        if len(candidates) >= most:
            break
    if not candidates:
        return []
    vectors = inputs.embedder.embed([c[3] for c in candidates])
    found: list[tuple[Aspect, Evidence]] = []
    for aspect in aspects:
        option = aspect.advice.format(country="a government", topic=topic)
        similarity = vectors @ inputs.embedder.embed_query(option)
        best = max(
            (i for i, c in enumerate(candidates) if aspect.hits(c[3])),
            key=lambda i: float(similarity[i]),
            default=None,
        )
        if best is None or similarity[best] < MIN_EVIDENCE_SIMILARITY:
            continue
        passage, start, end, text = candidates[best]
        score = float(similarity[best])
        found.append((aspect, Evidence(passage, text, start, end, score, score, 0.0)))
    found.sort(key=lambda pair: -pair[1].score)
    return found


def _option_items(
    iso3: str,
    name: str,
    topic: str,
    table: IndicatorTable,
    sources: _Sources,
    aspects: Sequence[Aspect],
    *,
    put: Sequence[tuple[Evidence, Sentence]],
    practice: Sequence[tuple[Evidence, Sentence]],
    evidence: Sequence[tuple[Aspect, Evidence]],
) -> list[Sentence]:
    """Section 5's options, at most MAX_OPTIONS, each advice to the country, its evidence and
    where the country stands on it, in this order:

    * recommendations the documents address to governments, put to the country;
    * what comparable countries did, put to it;
    * then one option for each further aspect of a reform (strategy, law, institutions, …) that
      ``evidence`` holds a sentence on, those that advise first (a sentence that only reports
      while there are fewer than MAX_REPORTING_OPTIONS options): the aspect's option for the
      country ("Bhutan could review its laws and regulations on digital identity") led before
      the sentence quoted as its evidence, never passed off as written for the country.

    Where the country stands is read on the aspect's own indicators (one no earlier option used
    first); an aspect with none, or none the country has a value for, takes an indicator of the
    topic, else the country's lowest EGDI component."""
    egdi = table.series(iso3, "egdi")
    components = _components(iso3, table, egdi[-1].year) if egdi else []
    lowest = [min(components, key=lambda v: v.value).indicator] if components else []
    topical = [c for c in topic_indicators(topic) if c != "egdi"]
    shown_codes: set[str] = set()
    items: list[Sentence] = []
    covered: set[str] = set()

    def options() -> int:
        return sum(not s.continues for s in items)

    def add(option: Sentence, aspect: Aspect | None) -> None:
        own = list(aspect.indicators if aspect else ())
        ranked = [c for c in own if c not in shown_codes] + [c for c in own if c in shown_codes]
        items.append(option)
        stands = _standing(iso3, name, ranked, table, sources) or _standing(
            iso3, name, [*topical, *lowest], table, sources
        )
        if stands:
            shown_codes.add(stands[0])
            items.append(stands[1])
        if aspect:
            covered.add(aspect.label)

    for found, option in [*put, *practice]:
        if options() >= MAX_OPTIONS:
            break
        add(option, aspect_of(found.text, aspects))
    for aspect, found in sorted(evidence, key=lambda pair: not _NORMATIVE.search(pair[1].text)):
        advises = _NORMATIVE.search(found.text) is not None
        if options() >= (MAX_OPTIONS if advises else MAX_REPORTING_OPTIONS):
            continue
        if aspect.label in covered or any(redundant(found.text, s.text) for s in items):
            continue
        advice = aspect.advice.format(country=name, topic=topic)
        label = _doc_label(found.passage.document)
        add(_quote(found, sources, f"{_capitalise(advice)} (evidence from {label})"), aspect)
    return items


def _from_practice(evidence: Evidence, name: str, iso3: str, sources: _Sources) -> Sentence | None:
    """A comparable country's practice as an option for the country: "Estonia launched a
    national digital identity card in 2002" becomes "Fiji could launch a national digital
    identity card, as Estonia did in 2002", led by where it comes from and cited to the sentence.
    Only a sentence that opens with the other country acting (its name, then a verb in the past
    or the present perfect) is put so; None for any other."""
    act = _country_act(evidence.text, iso3)
    if act is None:
        return None
    actor, verb, rest, year = act
    other = country_names.name(actor)
    when = f" in {year}" if year else ""
    return Sentence(
        text=f"{_capitalise(name)} could {verb} {rest}, as {_in_text(other)} did{when}.",
        citations=[sources.evidence(evidence)],
        lead=f"From the practice of {_in_text(other)} ({_doc_label(evidence.passage.document)})",
    )


def _country_act(text: str, iso3: str) -> tuple[str, str, str, str | None] | None:
    """(the country, the verb's base form, what it did, the year) when ``text`` opens with a
    country other than ``iso3`` acting in the past ("In 2019, Estonia launched a national
    digital identity card"), else None."""
    match = _COUNTRY_ACTED.match(text)
    if match is None:
        return None
    actors = country_names.find_countries(match.group("who"))
    if len(actors) != 1 or actors[0] == iso3:
        return None
    verb = match.group("verb").lower()
    lemmas = getAllLemmas(verb, upos="VERB").get("VERB", ())
    past = {f for lemma in lemmas[:1] for tag in ("VBD", "VBN") for f in getInflection(lemma, tag)}
    if verb not in past:
        return None  # not a verb in the past ("Estonia leads …" is no act to copy)
    rest = re.split(r"[;:]|,\s+(?:which|who|where|while|but|and)\b", match.group("rest"))[0]
    rest = re.sub(r"\b(its|their)\b(?! own)", "its own", rest.strip().rstrip("."))
    year = match.group("year")
    if closing := re.search(r",?\s+in ((?:19|20)\d\d)$", rest):  # "… platform in 2016"
        rest, year = rest[: closing.start()], year or closing.group(1)
    if not 2 <= len(rest.split()) <= OPTION_WORDS:
        return None
    return actors[0], lemmas[0], rest, year


# A sentence that opens with a country acting: "In 2019, Estonia launched …", "The Government of
# Singapore has introduced …".
_COUNTRY_ACTED = re.compile(
    r"^(?:In (?P<year>(?:19|20)\d\d),?\s+)?(?P<who>(?:the\s+)?(?:Government\s+of\s+)?"
    r"(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})(?:['’]s\s+Government)?\s+"
    r"(?:has\s+|have\s+|had\s+)?(?:also\s+|recently\s+|successfully\s+)?"
    r"(?P<verb>[a-z]+)\s+(?P<rest>.+)$"
)
# The most words the action of an option from practice may run to (a longer one is quoted).
OPTION_WORDS = 30
# A speaker's own position ("We reaffirm …", "… then we may need to …", "Our delegation …"):
# what a statement says its country holds is no evidence of what works, so no option rests on it.
_SPEAKER = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Mm]y|us)\b|(?:^|[,;:]\s+)I\b")
# How close in meaning (cosine, the passage embedder's) a sentence must be to an option for the
# option to rest on it.
MIN_EVIDENCE_SIMILARITY = 0.3
# A sentence whose object is a pronoun for something said before ("… maintains it.").
_LEANS = re.compile(r"\b(?:it|them|this|these|those)\W*$")
# The most options a brief lists.
MAX_OPTIONS = 5
# Options resting on a sentence that reports rather than advises are added only while there are
# fewer than this many options.
MAX_REPORTING_OPTIONS = 3


def _measure(evidence: Evidence, sources: _Sources, label: str) -> Sentence:
    """A sentence quoted as a measure from its document, without the connective that tied it
    to a sentence not quoted ("Moreover, fiscal councils could …")."""
    sentence = _quote(evidence, sources, f"A measure from {label}")
    rest = _CONNECTIVE.sub("", sentence.text)
    if rest != sentence.text:
        sentence.text = _capitalise(rest)
    return sentence


def _practice_lead(evidence: Evidence, iso3: str) -> str:
    named = [c for c in country_names.find_countries(evidence.text) if c != iso3]
    doc = evidence.passage.document
    if not named and len(doc.countries) == 1 and doc.countries[0] != iso3:
        in_passage = country_names.find_countries(evidence.passage.chunk.text)
        named = [c for c in doc.countries if c in in_passage]
    where = ", ".join(country_names.name(c) for c in named[:3])
    label = _doc_label(doc)
    return f"{where} ({label})" if where else label


def _llm_sentences(
    llm: Any, question: str, passages: Sequence[Passage], sources: _Sources
) -> tuple[list[Sentence] | None, str | None]:
    """The model's sentences on ``passages`` with their markers turned into citations, or
    (None, why) when its answer cannot be used."""
    from assistant.answering.llm import generate_answer

    try:
        if llm is None:
            return None, "no LLM is configured"
        result = generate_answer(llm, question, list(passages))
    except Exception as exc:  # any provider or client failure: the brief is drafted extractively
        return None, f"{type(exc).__name__}: {exc}"
    if result.fallback_reason:
        return None, result.fallback_reason
    moved = re.sub(r"([.!?])((?:\s*\[\d+\])+)", r"\2\1", result.text)
    sentences: list[Sentence] = []
    for start, end in sentence_spans(moved):
        piece = moved[start:end]
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", piece)]
        text = re.sub(r"\s*\[\d+\]", "", piece).strip()
        if not re.search(r"\w", text):
            continue
        citations = [sources.passage(passages[n - 1]) for n in numbers if 1 <= n <= len(passages)]
        sentences.append(Sentence(text=text, citations=list(dict.fromkeys(citations))))
    return (sentences or None), (None if sentences else "the model's answer had no sentences")


def _passages_of(
    evidence: Sequence[Evidence], fallback: Sequence[Passage], limit: int = 6
) -> list[Passage]:
    """The passages the model writes from: those of the chosen sentences, then the next best."""
    chosen: dict[str, Passage] = {}
    for passage in [*(e.passage for e in evidence), *fallback]:
        if len(chosen) >= limit:
            break
        chosen.setdefault(passage.chunk.chunk_id, passage)
    return list(chosen.values())


def _filters(iso3: str | None = None) -> Filters:
    return Filters(
        countries=[iso3] if iso3 else [],
        collections=list(DOCUMENT_COLLECTIONS),
        year_from=None,
        year_to=None,
    )


def _peers(iso3: str, table: IndicatorTable, egdi: Sequence[IndicatorValue]) -> set[str]:
    """Countries whose latest EGDI is within 0.05 of this country's."""
    if not egdi:
        return set()
    last = egdi[-1]
    return {
        v.iso3
        for v in table.ranking("egdi", last.year, top=None)
        if v.iso3 != iso3 and abs(v.value - last.value) <= 0.05
    }


@dataclass(frozen=True)
class BriefInputs:
    """What drafting a brief needs, for one caller, and nothing else: searches, the indicator
    table and the documents as that caller may see them, a way to cite a data row, the
    embedder (to pick sentences), and the LLM when one writes the prose."""

    search: Callable[[str, Filters, int], list[Passage]]
    indicators: IndicatorTable
    documents: Sequence[DocumentRecord]
    cite_data: Callable[[int, IndicatorValue], Citation]
    embedder: Embedder
    llm: Any = None  # set only when an LLM answerer is configured
    llm_name: str = ""  # "openai:model", how the brief says it was drafted


def draft_brief(
    inputs: BriefInputs,
    country: str,
    topic: str,
    audience: str | None = None,
) -> Brief:
    """Draft and check a brief on ``topic`` in ``country`` (ISO3 code or name) from
    ``inputs``. Raises :class:`BadRequest` for an unknown country or an empty topic."""
    started = time.perf_counter()
    iso3 = country_names.to_iso3(country or "")
    if iso3 is None:
        raise BadRequest(f"unknown country {country!r}: use an ISO3 code or a name such as 'Fiji'")
    # Markup and marker characters would read as formatting or as citations ("[1]").
    topic = " ".join(re.sub(r"[\[\]{}<>*_`|\\#]", " ", topic or "").split())
    if not topic:
        raise BadRequest("topic is empty: name what the brief is about, e.g. 'e-procurement'")
    if len(topic) > MAX_TOPIC_CHARS:
        raise BadRequest(f"topic is {len(topic)} characters long; keep it under {MAX_TOPIC_CHARS}")
    audience = " ".join(audience.split())[:MAX_TOPIC_CHARS] if audience else None
    name = _in_text(country_names.name(iso3))
    table = inputs.indicators
    sources = _Sources(inputs.cite_data)
    gate = TopicGate(topic)
    timings: dict[str, float] = {}
    notes: list[str] = []
    use_llm = inputs.llm is not None
    drafted_by = "extractive"

    # 2. Country context
    t0 = time.perf_counter()
    context, facts = _context_section(iso3, name, topic, table, sources)
    timings["context_ms"] = (time.perf_counter() - t0) * 1000

    # 3. What the documents say about the country on the topic
    t0 = time.perf_counter()
    scoped = inputs.search(topic, _filters(iso3), 12)
    named = inputs.search(f"{name} {topic}", _filters(), 12)
    country_passages = [p for p in _merge(scoped, named) if _about_country(p, iso3)]
    on_topic = [p for p in country_passages if gate(p.chunk.text)]
    found = _pick(inputs, f"{topic} in {name}", on_topic, gate, limit=5)
    used = {(e.passage.chunk.chunk_id, e.start) for e in found}
    in_groups: list[tuple[Evidence, Group]] = []
    if not found:
        in_groups = _in_the_countrys_groups(inputs, iso3, topic, gate)
        used |= {(e.passage.chunk.chunk_id, e.start) for e, _ in in_groups}
    timings["country_ms"] = (time.perf_counter() - t0) * 1000

    # 4. Comparable practice elsewhere: the same region and a similar EGDI level first
    t0 = time.perf_counter()
    region = asia_pacific() if iso3 in asia_pacific() else frozenset()
    peers = _peers(iso3, table, facts.egdi)
    general = inputs.search(topic, _filters(), 16)
    regional = inputs.search(f"{topic} Asia-Pacific", _filters(), 8) if region else []
    elsewhere = [
        p for p in _merge(general, regional) if not _about_country(p, iso3) and gate(p.chunk.text)
    ]
    weight: dict[str, float] = {}
    for passage in elsewhere:
        mentioned = set(passage.document.countries if len(passage.document.countries) <= 3 else [])
        mentioned |= set(country_names.find_countries(passage.chunk.text))
        factor = 1.0
        if mentioned & region:
            factor *= 1.15
        if mentioned & peers:
            factor *= 1.1
        weight[passage.chunk.chunk_id] = factor
    # what another country did on the topic first (it can be put to the country as an option),
    # then the best of the rest
    practice = _pick(
        inputs,
        f"{topic} practice",
        elsewhere,
        gate,
        limit=3,
        weight=weight,
        exclude=used,
        cue=lambda text: _country_act(text, iso3) is not None,
    )
    # sentences that report practice before those that advise, which section 5 draws on
    for cue in (lambda text: not _NORMATIVE.search(text), None):
        practice += _pick(
            inputs,
            f"{topic} practice",
            elsewhere,
            gate,
            limit=5 - len(practice),
            weight=weight,
            exclude=used | {(e.passage.chunk.chunk_id, e.start) for e in practice},
            cue=cue,
        )
        if len(practice) >= 3:
            break
    used |= {(e.passage.chunk.chunk_id, e.start) for e in practice}
    timings["comparable_ms"] = (time.perf_counter() - t0) * 1000

    # 5. Options and recommendations: recommendations addressed to governments, put to the
    # country; what comparable countries did, put to it too; then an option on each aspect of a
    # reform the documents give evidence on. Each with where the country stands on it.
    t0 = time.perf_counter()
    aspects = aspects_of(topic)
    advice = inputs.search(f"{topic} recommendations measures", _filters(), 12)
    favour = {p.chunk.chunk_id: 1.1 for p in on_topic}
    addressed = inputs.search(f"governments should {topic}", _filters(), 12)
    options = _pick(
        inputs,
        f"what governments should do on {topic}",
        _merge(addressed, on_topic),
        gate,
        limit=4,
        weight=favour,
        cue=_ADDRESSED_TO_GOVERNMENTS.search,
        exclude=used,
    )
    # a recommendation that cannot be put to the country ("These policies should …" leans on a
    # sentence before it) is left out; its aspect may still be evidenced below
    put: list[tuple[Evidence, Sentence]] = []
    for evidence in options:
        sentence = _options_for([evidence], name, sources)[0]
        if not sentence.quote:
            put.append((evidence, sentence))
    from_practice = [
        (e, s) for e in practice if (s := _from_practice(e, name, iso3, sources)) is not None
    ]
    per_aspect = [inputs.search(f"{topic} {a.search}", _filters(), 3) for a in aspects]
    pool = _merge(*per_aspect, advice, on_topic, elsewhere)
    taken = used | {(e.passage.chunk.chunk_id, e.start) for e, _ in put}
    on_an_aspect = _aspect_evidence(inputs, topic, aspects, pool, gate, exclude=taken)
    option_sentences = _option_items(
        iso3,
        name,
        topic,
        table,
        sources,
        aspects,
        put=put,
        practice=from_practice,
        evidence=on_an_aspect,
    )
    timings["options_ms"] = (time.perf_counter() - t0) * 1000

    country_sentences = [_quote(e, sources) for e in found] or [
        _quote(
            e,
            sources,
            f"{_capitalise(group.name)} ({_doc_label(e.passage.document)})",
        )
        for e, group in in_groups
    ]
    practice_sentences = [_quote(e, sources, _practice_lead(e, iso3)) for e in practice]

    if use_llm:
        t0 = time.perf_counter()
        who = f" for {audience}" if audience else ""
        prompts = (
            (
                "country",
                f"What do these passages say about {topic} in {name}? Answer in at most four sentences.",
                _passages_of(found, on_topic),
            ),
            (
                "comparable",
                f"What practice on {topic} in countries other than {name} do these passages describe? "
                "Name the country where the passage does. At most four sentences.",
                _passages_of(practice, elsewhere),
            ),
            (
                "options",
                f"From these passages only, which options or recommendations on {topic} could {name} "
                f"consider{who}? At most four sentences.",
                _passages_of(options, pool),
            ),
        )
        for key, question, passages in prompts:
            if not passages:
                continue
            written, why = _llm_sentences(inputs.llm, question, passages, sources)
            if written is None:
                notes.append(
                    f"Section {_NUMBERS[key]} was drafted extractively: the LLM answer was not used ({why})."
                )
                continue
            drafted_by = inputs.llm_name
            if key == "country":
                country_sentences = written
            elif key == "comparable":
                practice_sentences = written
            else:
                option_sentences = written
        timings["llm_ms"] = (time.perf_counter() - t0) * 1000

    sections = [
        Section(key="summary", number=1, title="Summary"),
        context,
        _list_section(
            "country",
            f"What the documents say about {name} on {topic}",
            country_sentences,
            "bullets",
            _nothing_on_the_country(topic, name, iso3),
            lead_note=(
                f"The documents hold no passage on {topic} that concerns {name} (see section 6). "
                f"What they say on {topic} in the region and groups {name} belongs to:"
                if in_groups and not found
                else None
            ),
        ),
        _list_section(
            "comparable",
            "Comparable practice elsewhere",
            practice_sentences,
            "bullets",
            f"The documents hold no passage on {topic} from other countries: all documents were "
            f"searched for {topic}, the region's first (see section 6).",
        ),
        _list_section(
            "options",
            "Options and recommendations",
            option_sentences,
            "numbered",
            f"The documents hold no recommendation on {topic} to draw on: all documents were "
            f"searched for recommendations to governments on {topic} and for sentences on it "
            "that say what should, could or must be done (see section 6).",
        ),
        _gaps_section(inputs, iso3, name, topic, table, facts, found, on_topic, country_passages),
        Section(key="sources", number=7, title="Sources"),
    ]
    sections[0].blocks = _summary_blocks(name, topic, audience, facts, sections)
    brief = Brief(
        id=uuid.uuid4().hex,
        country=country_names.name(iso3),
        iso3=iso3,
        topic=topic,
        audience=audience,
        created=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        drafted_by=drafted_by,
        sections=sections,
        citations=sources.citations(),
        notes=notes,
    )
    _renumber(brief)
    apply_check(brief, table)
    timings["total_ms"] = (time.perf_counter() - started) * 1000
    brief.timings = {k: round(v, 1) for k, v in timings.items()}
    log.info(
        "brief id=%s country=%s topic=%r by=%s citations=%d problems=%d ms=%.0f",
        brief.id,
        iso3,
        topic,
        drafted_by,
        len(brief.citations),
        len(brief.problems),
        timings["total_ms"],
    )
    return brief


_NUMBERS = {"country": 3, "comparable": 4, "options": 5}


def _list_section(
    key: str,
    title: str,
    sentences: list[Sentence],
    style: str,
    empty: str,
    *,
    lead_note: str | None = None,
) -> Section:
    blocks: list[Paragraph | FigureTable | Chart | Note] = (
        [Paragraph(style=style, sentences=sentences)] if sentences else [Note(text=empty)]
    )
    if lead_note and sentences:
        blocks.insert(0, Note(text=lead_note))
    return Section(key=key, number=_NUMBERS[key], title=title, blocks=blocks)


# Groups too broad to stand for a country's circumstances ("Asia": fifty countries).
_BROAD_GROUP = 30
# The UN's lists of countries in special situations, which its reports discuss as such.
_SPECIAL_GROUPS = ("SIDS", "LDC", "LLDC")


def _groups_of(iso3: str) -> list[Group]:
    """The groups a country belongs to that the documents discuss as such, smallest first: every
    group of at most _BROAD_GROUP members it is in (sub-regions, the Pacific islands, ASEAN,
    the EU), then the UN's lists of countries in special situations it is on (SIDS, LDCs,
    LLDCs)."""
    everyone = groups()
    regional = sorted(
        (
            g
            for key, g in everyone.items()
            if iso3 in g.members and key not in _SPECIAL_GROUPS and len(g.members) <= _BROAD_GROUP
        ),
        key=lambda g: len(g.members),
    )
    special = [
        everyone[k] for k in _SPECIAL_GROUPS if k in everyone and iso3 in everyone[k].members
    ]
    return [*regional, *special]


def _nothing_on_the_country(topic: str, name: str, iso3: str) -> str:
    """Section 3's note when nothing was found: what was searched."""
    searched = ", ".join(g.name for g in _groups_of(iso3))
    if not searched:
        return (
            f"The documents hold no passage on {topic} that concerns {name}; all documents were "
            f"searched, and {name} is in no regional group or UN list searched (see section 6)."
        )
    return (
        f"The documents hold no passage on {topic} that concerns {name}, nor {name}'s region or "
        f"groups ({searched}); all documents were searched for each (see section 6)."
    )


def _in_the_countrys_groups(
    inputs: BriefInputs, iso3: str, topic: str, gate: TopicGate
) -> list[tuple[Evidence, Group]]:
    """When the documents say nothing on the topic about the country itself: what they say on it
    about its region or groups (a passage that names the group), at most three sentences."""
    found: list[tuple[Evidence, Group]] = []
    seen: set[tuple[str, int]] = set()
    for group in _groups_of(iso3):
        passages = [
            p
            for p in inputs.search(f"{topic} {group.name}", _filters(), 8)
            if gate(p.chunk.text) and group.key in {g.key for g in find_groups(p.chunk.text)}
        ]
        for evidence in _pick(
            inputs, f"{topic} in {group.name}", passages, gate, limit=2, exclude=seen
        ):
            seen.add((evidence.passage.chunk.chunk_id, evidence.start))
            found.append((evidence, group))
        if len(found) >= 3:
            break
    return found[:3]


def _summary_blocks(
    name: str, topic: str, audience: str | None, facts: _Facts, sections: list[Section]
) -> list[Paragraph | FigureTable | Chart | Note]:
    for_whom = f" for {audience}" if audience else ""
    sentences = [
        Sentence(
            text=f"This draft brief on {topic} in {name} was prepared{for_whom} from the documents and "
            "indicator data in the corpus."
        )
    ]
    context = next(s for s in sections if s.key == "context")
    figures = {(f.indicator, f.year, f.kind): f.model_copy() for f in context.figures()}
    if facts.egdi:
        year = facts.egdi[-1].year
        value, rank = figures.get(("egdi", year, "value")), figures.get(("egdi", year, "rank"))
        if value is not None:
            ranked: list[str | Figure] = [", rank ", rank] if rank is not None else []
            sentences.append(_compose(f"{_poss(name)} EGDI in {year} was ", value, *ranked, "."))
    if facts.gtmi:
        year = facts.gtmi[-1].year
        group = figures.get(("gtmi", year, "group"))
        if group is not None:
            sentences.append(
                _compose(
                    "On the World Bank GovTech Maturity Index it was in group ",
                    group,
                    f" in {year} (group A is the most advanced).",
                )
            )
    for latest in sorted(facts.topic_values, key=lambda v: v.year)[-1:]:
        topic_figure = figures.get((latest.indicator, latest.year, "value"))
        if topic_figure is not None:
            sentences.append(
                _compose(
                    f"Its {INDICATORS[latest.indicator].name} score in {latest.year} was ",
                    topic_figure,
                    ".",
                )
            )
    country = next(s for s in sections if s.key == "country")
    said = list(country.sentences())
    if said:
        sentences.append(
            said[0].model_copy(update={"lead": "Key point from the documents"}, deep=True)
        )
    else:
        sentences.append(
            Sentence(
                text=f"The documents hold nothing specific on {topic} in {name}; sections 4 and 5 draw on "
                "practice and recommendations elsewhere."
            )
        )
    return [Paragraph(sentences=sentences)]


def _gaps_section(
    inputs: BriefInputs,
    iso3: str,
    name: str,
    topic: str,
    table: IndicatorTable,
    facts: _Facts,
    found: Sequence[Evidence],
    on_topic: Sequence[Passage],
    country_passages: Sequence[Passage],
) -> Section:
    gaps: list[str] = []
    if not found:
        gaps.append(f"No passage in the documents discusses {topic} in {name}.")
    texts = " ".join(p.chunk.text for p in on_topic)
    missing = [a.label for a in aspects_of(topic) if not (on_topic and a.hits(texts))]
    if found and missing:
        gaps.append(f"On {topic} in {name}, no retrieved passage covers: {', '.join(missing)}.")
    own = [
        d for d in inputs.documents if iso3 in d.countries and d.collection in DOCUMENT_COLLECTIONS
    ]
    if not own:
        gaps.append(f"No document in the corpus is catalogued as being about {name}.")
    elif len(own) <= 3:
        listed = "; ".join(_doc_label(d) + f" ({d.source})" for d in own)
        gaps.append(f"The only documents catalogued as being about {name} are: {listed}.")
    if facts.egdi:
        absent = [str(y) for y in table.years("egdi") if y not in {v.year for v in facts.egdi}]
        if absent:
            gaps.append(f"EGDI editions without a value for {name}: {', '.join(absent)}.")
    have = {INDICATORS[c].dataset for c in table.indicators_for(iso3) if c in INDICATORS}
    lacking = [d for d in DATASETS if d not in have]
    if lacking:
        gaps.append(f"Indicator datasets without {name}: {', '.join(lacking)}.")
    if not facts.topic_codes:
        gaps.append(f"No indicator in the data measures {topic} directly.")
    else:
        without = [INDICATORS[c].name for c in facts.topic_codes if not table.series(iso3, c)]
        if without:
            gaps.append(f"Indicators on {topic} without a value for {name}: {', '.join(without)}.")
    if not country_passages:
        gaps.append(f"Retrieval found no passage that names {name}.")
    sentences = [Sentence(text=g) for g in gaps] or [
        Sentence(text="The check found no gap in coverage.")
    ]
    return Section(
        key="gaps", number=6, title="Gaps", blocks=[Paragraph(style="bullets", sentences=sentences)]
    )


def _renumber(brief: Brief) -> None:
    """Number sources in the order a reader first meets them and drop sources nothing cites.
    A number that names no source is moved out of the way (the check reports it)."""
    known = {c.n for c in brief.citations}
    order: dict[int, int] = {}
    cited_by: list[Sentence | Figure] = []
    for section in brief.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                for sentence in block.sentences:
                    cited_by.append(sentence)
                    cited_by.extend(sentence.figures)
            elif isinstance(block, FigureTable):
                cited_by.extend(c for row in block.rows for c in row.cells if c is not None)
    cited_by = list({id(item): item for item in cited_by}.values())  # each object renumbered once
    for item in cited_by:
        for n in item.citations if isinstance(item, Sentence) else [item.citation]:
            if n in known and n not in order:
                order[n] = len(order) + 1

    def new(n: int) -> int:
        return order.get(n, 100_000 + n)

    for item in cited_by:
        if isinstance(item, Sentence):
            item.citations = [new(n) for n in item.citations]
        else:
            item.citation = new(item.citation)
    brief.citations = sorted(
        (c.model_copy(update={"n": order[c.n]}) for c in brief.citations if c.n in order),
        key=lambda c: c.n,
    )
