"""Chunking: pages into passages that a person can check.

Rules: split on sentence boundaries, never across a page of a paged document, start a new passage
at each section heading, keep a table with its caption in one passage (unless it is huge), and
repeat ``overlap`` sentences between neighbouring passages. Every passage is an exact slice
``page.text[start:end]``, so a viewer can highlight it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Chunk, chunk_id_of
from assistant.text import WORD_RE, count_words, sentence_spans

from .parsers.base import ParsedDocument, ParsedPage


@dataclass
class _Unit:
    start: int
    end: int
    words: int
    kind: str = "text"
    heading: str | None = None  # set when a new section starts at this unit


def _units(page: ParsedPage, max_words: int) -> list[_Unit]:
    """Sentences and whole tables of a page, in order, with headings attached."""
    text = page.text
    blocks = sorted((b for b in page.blocks if b.end > b.start), key=lambda b: b.start)
    units: list[_Unit] = []
    cursor = 0
    for block in blocks:
        if block.start < cursor:
            continue
        units.extend(_sentence_units(text, cursor, block.start, max_words))
        units.extend(_table_units(text, block.start, block.end, max_words))
        cursor = block.end
    units.extend(_sentence_units(text, cursor, len(text), max_words))
    headings = sorted(page.headings, key=lambda h: h.offset)
    for heading in headings:
        for unit in units:
            if unit.end > heading.offset:
                unit.heading = heading.title
                break
    return units


def _sentence_units(text: str, start: int, end: int, max_words: int) -> list[_Unit]:
    units = []
    for s, e in sentence_spans(text, start, end):
        units.extend(_split_long(text, s, e, max_words, "text"))
    return units


def _table_units(text: str, start: int, end: int, max_words: int) -> list[_Unit]:
    """A table is one unit; a table larger than two passages is cut at line breaks."""
    words = count_words(text[start:end])
    if words <= 2 * max_words:
        return [_Unit(start, end, words, "table")]
    units: list[_Unit] = []
    line_start = start
    chunk_start = start
    count = 0
    for match in re.finditer(r"\n", text[start:end]):
        line_end = start + match.start()
        count += count_words(text[line_start:line_end])
        line_start = line_end + 1
        if count >= max_words:
            units.append(_Unit(chunk_start, line_end, count, "table"))
            chunk_start, count = line_start, 0
    if chunk_start < end:
        units.append(_Unit(chunk_start, end, count_words(text[chunk_start:end]), "table"))
    return units


def _split_long(text: str, start: int, end: int, max_words: int, kind: str) -> list[_Unit]:
    """A 'sentence' longer than a passage (lists, tables without markup) is cut at word gaps."""
    piece = text[start:end]
    words = list(WORD_RE.finditer(piece))
    if len(words) <= max_words:
        return [_Unit(start, end, len(words), kind)]
    units = []
    for i in range(0, len(words), max_words):
        group = words[i : i + max_words]
        units.append(_Unit(start + group[0].start(), start + group[-1].end(), len(group), kind))
    return units


def chunk_document(
    doc_id: str, parsed: ParsedDocument, *, max_words: int = 180, overlap: int = 1
) -> list[Chunk]:
    """Passages of a parsed document, numbered in reading order."""
    chunks: list[Chunk] = []
    section: str | None = None
    for page in parsed.pages:
        if not page.text.strip():
            continue
        units = _units(page, max_words)
        groups: list[list[_Unit]] = []
        current: list[_Unit] = []
        words = 0
        for unit in units:
            starts_section = unit.heading is not None and current
            too_big = current and words + unit.words > max_words
            table_edge = current and (unit.kind == "table") != (current[-1].kind == "table")
            if starts_section or too_big or table_edge:
                groups.append(current)
                carry = (
                    []
                    if (starts_section or table_edge or unit.kind == "table")
                    else _tail(current, overlap)
                )
                current = list(carry)
                words = sum(u.words for u in current)
            current.append(unit)
            words += unit.words
        if current:
            if (
                groups
                and words < max_words // 6
                and not current[0].heading
                and current[0].kind == "text"
                and groups[-1][-1].kind == "text"
            ):
                groups[-1].extend(
                    u for u in current if u not in groups[-1]
                )  # tiny tail: merge back
            else:
                groups.append(current)
        for group in groups:
            for unit in group:
                if unit.heading:
                    section = unit.heading
                    break
            start, end = group[0].start, group[-1].end
            kind = "table" if all(u.kind == "table" for u in group) else "text"
            ordinal = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id_of(doc_id, ordinal),
                    doc_id=doc_id,
                    ordinal=ordinal,
                    text=page.text[start:end],
                    page=page.number,
                    page_label=page.label,
                    section=section,
                    start=start,
                    end=end,
                    kind=kind,
                )
            )
    return chunks


def _tail(units: list[_Unit], overlap: int) -> list[_Unit]:
    if overlap <= 0:
        return []
    tail = [u for u in units[-overlap:] if u.kind == "text"]
    # an overlap longer than a third of a passage would make passages mostly repeats
    return tail if sum(u.words for u in tail) < 60 else []
