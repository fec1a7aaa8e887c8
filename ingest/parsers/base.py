"""What every parser returns: a document's text page by page, with printed labels and headings.

A parser turns one file into a :class:`ParsedDocument` or raises :class:`ParseFailure` with a
reason a person can act on. Parsers never write anything; the pipeline chunks, embeds and stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass
class Heading:
    """A section heading that applies from ``offset`` (a character offset into the page text)."""

    offset: int
    title: str
    level: int = 1


@dataclass
class Block:
    """A table (or other block) that chunking must keep whole, with its caption if any.

    ``start``/``end`` are character offsets into the page text.
    """

    start: int
    end: int
    kind: str = "table"
    caption: str | None = None


@dataclass
class ParsedPage:
    """One page of text. Unpaged formats (Markdown, RST, HTML, DOCX, TXT) give one page with
    ``number=None``. ``label`` is the page number printed on the page (None when unknown)."""

    text: str
    number: int | None = None
    label: str | None = None
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    ocr: bool = False


@dataclass
class ParsedDocument:
    pages: list[ParsedPage]
    title: str | None = None
    year: int | None = None
    # notes for the report, e.g. "3 pages OCRed", "page labels from footers"
    notes: list[str] = field(default_factory=list)
    # pages that had no usable text and could not be OCRed
    unreadable_pages: list[int] = field(default_factory=list)
    symbol: str | None = None  # a UN document's symbol ("A/80/82")
    language: str | None = None  # ISO 639-1 code of the language most of it is written in
    issued: str | None = None  # ISO date a UN document was issued (its "Distr." line)
    body: str | None = None  # the UN body it is issued to ("Committee of Experts on ...")

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)


class ParseFailure(Exception):
    """The file could not be read. ``status`` is ``failed``, ``needs_ocr`` or ``skipped`` (read,
    but not a document to index: the reason says why)."""

    def __init__(self, reason: str, status: str = "failed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Parser(Protocol):
    def __call__(self, path: Path) -> ParsedDocument: ...
