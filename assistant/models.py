"""The nouns every part of the project shares: documents, chunks, passages, filters, answers.

Ingestion produces :class:`DocumentRecord` and :class:`Chunk`; retrieval returns :class:`Passage`;
the assistant returns :class:`Answer` with :class:`Citation` entries. Front ends serialise these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

# study: research studies; case: case studies; profile: country profiles; data: indicator tables;
# un: UN official documents, known by their symbol ("A/80/82"); other: anything else.
Collection = Literal["study", "case", "profile", "data", "un", "other"]
COLLECTIONS: tuple[str, ...] = ("study", "case", "profile", "data", "un", "other")

# The access of a document anyone may read; anything else names a private collection.
PUBLIC = "public"


@dataclass
class DocumentRecord:
    """One ingested document, as the catalogue keeps it."""

    doc_id: str
    source: str  # path relative to its corpus folder, or a URL
    path: str  # absolute path of the file on disk
    title: str
    collection: str = "other"
    countries: list[str] = field(default_factory=list)  # ISO3 codes
    year: int | None = None
    url: str | None = None
    content_hash: str = ""
    pages: int = 0
    chunks: int = 0
    access: str = "public"  # "public", or the name of a private collection it belongs to
    symbol: str | None = None  # a UN document's symbol ("A/80/82"), as UN staff cite it
    language: str | None = None  # ISO 639-1 code of the language most of it is written in
    issued: str | None = None  # ISO date a UN document was issued ("Distr.: General 7 April 2025")
    body: str | None = None  # the UN body it is issued to ("Committee of Experts on Public ...")


@dataclass
class Chunk:
    """A passage of a document as stored: text plus where exactly it came from."""

    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    page: int | None = None  # physical page, 1-based; None for unpaged documents
    page_label: str | None = None  # the page number printed on the page
    section: str | None = None
    start: int = 0  # character offsets into the page text (or the whole text if unpaged)
    end: int = 0
    kind: str = "text"  # "text" or "table"
    doc_hash: str = ""  # content hash of the document version this chunk was cut from


def chunk_id_of(doc_id: str, ordinal: int) -> str:
    """The id of a document's ``ordinal``-th passage ("un-e-2025-44:00012")."""
    return f"{doc_id}:{ordinal:05d}"


@dataclass
class Passage:
    """A retrieved chunk with the document it belongs to and its retrieval scores."""

    chunk: Chunk
    document: DocumentRecord
    score: float = 0.0
    vector_score: float | None = None
    keyword_score: float | None = None
    rank: int = 0


class Filters(BaseModel):
    """Restrictions applied inside both searches and echoed back with every answer."""

    countries: list[str] = Field(default_factory=list, description="ISO3 codes or country names.")
    collections: list[str] = Field(
        default_factory=list, description="study, case, profile, data, un, other"
    )
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    documents: list[str] = Field(
        default_factory=list, description="Document ids, or UN document symbols (A/80/82)."
    )


def page_words(page: int | None, label: str | None) -> str:
    """Where a passage is, as a person looks for it: "p. 17/26" (the label printed on the page)
    or "PDF page 9" when the page prints none (a physical number is never shown as printed)."""
    if label:
        return f"p. {label}"
    return f"PDF page {page}" if page else ""


class Citation(BaseModel):
    """One numbered source of an answer: enough for a person to find and check the passage."""

    n: int
    document_id: str
    title: str
    collection: str
    source: str
    page: int | None = None
    page_label: str | None = None
    text: str
    start: int = 0
    end: int = 0
    score: float = 0.0
    url: str | None = None
    chunk_id: str | None = None
    data_row: int | None = None  # for indicator figures: the row of the data file
    # a brief's one reference to a data file: every row it cites (``data_row`` is the first)
    data_rows: list[int] = Field(default_factory=list)


class Answer(BaseModel):
    """What every front end gets back from :meth:`assistant.Assistant.ask`."""

    id: str = ""
    question: str
    answer: str
    grounded: bool
    citations: list[Citation] = Field(default_factory=list)
    filters: Filters = Field(default_factory=Filters)
    rewritten_question: str | None = None
    conversation_id: str | None = None
    kind: str = "document"  # document, indicator, comparison, refusal
    table: list[dict[str, Any]] | None = None  # rows for indicator / comparison answers
    answerer: str = "extractive"
    route: str | None = None  # which answerer took the question, and why (the router's reason)
    understood: str | None = None  # what the question was read as: "EGDI · top 5 · Asia · 2024"
    language: str = "en"  # the question's language (ISO 639-1), as detected
    # the words around the answer in the question's language ("sources", "read_as", table
    # columns), for the front ends; empty for English
    labels: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
