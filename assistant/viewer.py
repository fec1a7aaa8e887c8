"""The source viewer: one page of a document with the offsets of its passages, for highlighting.

Every stored passage is an exact slice ``page.text[start:end]`` (see ``ingest/chunking.py``), so
the page text is rebuilt from the passages at their offsets; what lies between two passages is
whitespace the chunker skipped, kept as spaces so that every offset still points at the same
character. A citation's ``start``/``end`` can therefore be highlighted in :attr:`PageView.text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import NotFound
from assistant.models import Chunk, DocumentRecord


@dataclass
class Span:
    start: int
    end: int
    chunk_id: str | None = None
    n: int | None = None  # the citation number, for highlights


@dataclass
class PageView:
    document_id: str
    title: str
    page: int
    pages: int
    page_label: str | None
    text: str
    passages: list[Span] = field(default_factory=list)
    highlights: list[Span] = field(default_factory=list)


def page_count(doc: DocumentRecord, chunks: Sequence[Chunk]) -> int:
    """Physical pages of a paged document; 1 for an unpaged one."""
    paged = [c.page for c in chunks if c.page is not None]
    if not paged:
        return 1
    return max(doc.pages, *paged)


def rebuild_text(chunks: Iterable[Chunk]) -> str:
    """The page text from its passages placed at their offsets (gaps become spaces)."""
    chunks = sorted(chunks, key=lambda c: (c.start, c.end))
    if not chunks:
        return ""
    buffer = [" "] * max(c.end for c in chunks)
    for chunk in chunks:
        text = chunk.text[: chunk.end - chunk.start]
        buffer[chunk.start : chunk.start + len(text)] = list(text)
    return "".join(buffer)


def page_view(
    doc: DocumentRecord,
    chunks: Sequence[Chunk],
    n: int,
    citations: Sequence[Mapping[str, Any]] = (),
) -> PageView:
    """Page ``n`` (physical, 1-based) of ``doc``; ``citations`` (of one answer) on this page
    become highlights. Raises :class:`NotFound` for a page the document does not have."""
    total = page_count(doc, chunks)
    if not 1 <= n <= total:
        raise NotFound(f"document {doc.doc_id!r} has {total} page(s); there is no page {n}")
    paged = any(c.page is not None for c in chunks)
    on_page = [c for c in chunks if (c.page == n if paged else True)]
    labels = [c.page_label for c in on_page if c.page_label]
    highlights = [
        Span(int(c.get("start", 0)), int(c.get("end", 0)), c.get("chunk_id"), int(c.get("n", 0)))
        for c in citations
        if c.get("document_id") == doc.doc_id
        and (c.get("page") == n if paged else c.get("page") is None)
        and int(c.get("end", 0)) > int(c.get("start", 0))
    ]
    return PageView(
        document_id=doc.doc_id,
        title=doc.title,
        page=n,
        pages=total,
        page_label=labels[0] if labels else (str(n) if paged else None),
        text=rebuild_text(on_page),
        passages=[Span(c.start, c.end, c.chunk_id) for c in sorted(on_page, key=lambda c: c.start)],
        highlights=highlights,
    )
