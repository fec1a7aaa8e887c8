"""The check every brief passes before it is returned: every sentence of sections 2 to 5 cites a
source in the sources list; a quoted sentence occurs in its cited passage, a paraphrase shares
most of its content words with its cited passages; every number in a cited sentence is one of
its figures or occurs in its cited passages; every indicator figure equals the indicator table's
value for its country, indicator and year and cites that value's data row. :func:`apply_check`
marks what fails ``[unsupported]`` where the reader sees it and lists it in ``problems``."""

from __future__ import annotations

import logging
import re

from assistant.answering.extractive import terms
from assistant.briefs.model import (
    CHECKED_SECTIONS,
    Brief,
    Figure,
    FigureTable,
    Paragraph,
    Problem,
    ProblemKind,
    Sentence,
)
from assistant.indicators import IndicatorValue, shown
from assistant.models import Citation
from assistant.storage.indicators import IndicatorTable

log = logging.getLogger(__name__)

# --- the check ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def _norm(text: str) -> str:
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)
    return " ".join(text.replace("\u00ad", "").split()).casefold()


def _expected(figure: Figure, value: IndicatorValue) -> str | None:
    if figure.kind == "rank":
        return None if value.rank is None else str(value.rank)
    if figure.kind == "group":
        return value.group
    return shown(value)  # as answers show it: a machine float to three decimals


def _check_figure(
    figure: Figure,
    known: dict[int, Citation],
    table: IndicatorTable | None,
) -> str | None:
    """Why ``figure`` fails, or None."""
    cited = known.get(figure.citation)
    if cited is None:
        return f"cites [{figure.citation}], which is not in the sources list"
    if cited.data_row is None:
        return f"cites [{figure.citation}], which is not a data row"
    if table is None:
        return None
    value = table.value(figure.iso3, figure.indicator, figure.year)
    if value is None:
        return f"the indicator data holds no {figure.indicator} value for {figure.iso3} in {figure.year}"
    expected = _expected(figure, value)
    if figure.text != expected:
        return f"prints {figure.text!r} where the data has {expected!r}"
    rows = cited.data_rows or [cited.data_row]
    if value.row not in rows or not _same_source(cited.source, value.source):
        where = ", ".join(str(r) for r in rows)
        return f"cites {cited.source}, row {where}, but the value is in {value.source}, row {value.row}"
    return None


def _same_source(cited: str, source: str) -> bool:
    return cited == source or cited.endswith("/" + source) or source.endswith("/" + cited)


def _sentence_problems(
    key: str, sentence: Sentence, known: dict[int, Citation], table: IndicatorTable | None
) -> list[tuple[ProblemKind, str]]:
    """(kind, message) for each way ``sentence`` fails."""
    found: list[tuple[ProblemKind, str]] = []
    missing = [n for n in sentence.citations if n not in known]
    if missing:
        listed = ", ".join(f"[{n}]" for n in missing)
        found.append(("unresolved", f"cites {listed}, which the sources list does not hold"))
    valid = [known[n] for n in sentence.citations if n in known]
    if not valid:
        if key in CHECKED_SECTIONS:
            found.append(("uncited", "carries no citation that resolves to a source"))
        return found
    for figure in sentence.figures:
        if figure.text not in sentence.text:
            found.append(("figure", f"figure {figure.text!r} does not appear in the sentence"))
        elif figure.citation not in sentence.citations:
            found.append(
                (
                    "figure",
                    f"figure {figure.text!r} cites [{figure.citation}], which the sentence does not",
                )
            )
        elif why := _check_figure(figure, known, table):
            found.append(("figure", f"figure {figure.text!r} {why}"))
    passages = [c for c in valid if c.data_row is None]
    cited_text = _norm(" ".join(c.text for c in valid))
    allowed = {f.text for f in sentence.figures} | {str(f.year) for f in sentence.figures}
    for number in _NUMBER.findall(sentence.text):
        if number not in allowed and number.casefold() not in cited_text:
            found.append(
                ("unsupported", f"the number {number} is in none of its figures or cited passages")
            )
    if passages:
        text = _norm(sentence.text)
        passage_text = _norm(" ".join(c.text for c in passages))
        if sentence.quote:
            if text.rstrip(".;:") not in passage_text:
                found.append(("unsupported", "is not quoted from its cited passages"))
        else:
            words = set(terms(sentence.text))
            support = set(terms(" ".join(c.text for c in passages)))
            if words and len(words & support) / len(words) < 0.6:
                share = len(words & support) / len(words)
                found.append(
                    (
                        "unsupported",
                        f"shares only {share:.0%} of its content words with its cited passages",
                    )
                )
    elif not sentence.figures and key in CHECKED_SECTIONS:
        found.append(("unsupported", "cites data rows but prints none of their figures"))
    return found


def _locate(brief: Brief, table: IndicatorTable | None) -> list[tuple[Problem, Sentence | Figure]]:
    known = {c.n: c for c in brief.citations}
    located: list[tuple[Problem, Sentence | Figure]] = []
    for section in brief.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                for sentence in block.sentences:
                    for kind, message in _sentence_problems(section.key, sentence, known, table):
                        problem = Problem(
                            section=section.key, kind=kind, message=message, text=sentence.text
                        )
                        located.append((problem, sentence))
            elif isinstance(block, FigureTable):
                for row in block.rows:
                    for column, figure in zip(block.columns[1:], row.cells, strict=False):
                        if figure is None:
                            continue
                        if why := _check_figure(figure, known, table):
                            problem = Problem(
                                section=section.key,
                                kind="figure",
                                message=f"{block.caption}, {row.label}, {column}: {why}",
                                text=figure.text,
                            )
                            located.append((problem, figure))
    return located


def check_brief(brief: Brief, table: IndicatorTable | None = None) -> list[Problem]:
    """Everything in ``brief`` that its sources do not support (empty: the brief holds).

    Every sentence of sections 2 to 5 needs a citation in the sources list; citations anywhere
    must resolve; quotes must occur in their passages and paraphrases share most of their
    content words with them; numbers must be figures or occur in the cited text. With ``table``,
    each figure must equal the table's value (value text, rank or group) and cite its row.
    """
    return [problem for problem, _ in _locate(brief, table)]


def apply_check(brief: Brief, table: IndicatorTable | None = None) -> Brief:
    """Run :func:`check_brief`, mark what fails ``[unsupported]`` and list it in ``problems``.

    Citation numbers that resolve to nothing are removed from their sentences (a dangling
    ``[n]`` would send a reader nowhere); the sentence stays, marked.
    """
    located = _locate(brief, table)
    known = {c.n for c in brief.citations}
    for problem, item in located:
        item.unsupported = True
        if isinstance(item, Sentence) and problem.kind == "unresolved":
            item.citations = [n for n in item.citations if n in known]
    brief.problems = [problem for problem, _ in located]
    if brief.problems:
        log.warning(
            "brief %s (%s, %r): %d problems: %s",
            brief.id,
            brief.iso3,
            brief.topic,
            len(brief.problems),
            "; ".join(f"{p.section}: {p.message}" for p in brief.problems[:5]),
        )
    return brief
