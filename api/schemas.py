"""Request and response bodies of the HTTP API (the OpenAPI schema at /docs is built from these)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant import (
    AnswerRecord,
    Brief,
    Citation,
    DocumentRecord,
    Filters,
    IndicatorValue,
    PageView,
    Passage,
    StoredConversation,
    StoredTurn,
    render_markdown,
)

ID_PATTERN = r"^[A-Za-z0-9_.\-]{1,64}$"


def _time(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- asking ------------------------------------------------------------------------------------
class AskRequest(Strict):
    question: str = Field(description="The question (at most RAG_MAX_QUESTION_CHARS characters).")
    filters: Filters | None = None
    conversation_id: str | None = Field(
        None,
        pattern=ID_PATTERN,
        description="Continue this conversation (follow-ups); omit to start a new one.",
    )


class SearchRequest(Strict):
    query: str = Field(description="Search text (at most RAG_MAX_QUESTION_CHARS characters).")
    filters: Filters | None = None
    k: int | None = Field(None, ge=1, le=50, description="How many passages (default RAG_TOP_K).")


class SearchHit(BaseModel):
    rank: int
    score: float
    vector_score: float | None
    keyword_score: float | None
    document_id: str
    title: str
    collection: str
    source: str
    url: str | None
    page: int | None
    page_label: str | None
    section: str | None
    chunk_id: str
    text: str
    start: int
    end: int

    @classmethod
    def of(cls, p: Passage) -> SearchHit:
        return cls(
            rank=p.rank,
            score=round(p.score, 6),
            vector_score=p.vector_score,
            keyword_score=p.keyword_score,
            document_id=p.document.doc_id,
            title=p.document.title,
            collection=p.document.collection,
            source=p.document.url or p.document.source,
            url=p.document.url,
            page=p.chunk.page,
            page_label=p.chunk.page_label,
            section=p.chunk.section,
            chunk_id=p.chunk.chunk_id,
            text=p.chunk.text,
            start=p.chunk.start,
            end=p.chunk.end,
        )


class SearchResponse(BaseModel):
    query: str
    results: list[SearchHit]


# --- documents ---------------------------------------------------------------------------------
class DocumentPublic(BaseModel):
    id: str
    title: str
    collection: str
    countries: list[str]
    year: int | None
    source: str = Field(description="Path relative to its corpus folder.")
    url: str | None
    pages: int
    chunks: int
    access: str = Field(description="'public' or the private collection it belongs to.")
    content_hash: str
    file: str = Field(description="Where to download the original file.")
    symbol: str | None = Field(None, description="A UN document's symbol, e.g. A/80/82.")
    language: str | None = Field(None, description="ISO 639-1 code of its main language.")
    issued: str | None = Field(None, description="ISO date a UN document was issued.")

    @classmethod
    def of(cls, d: DocumentRecord) -> DocumentPublic:
        return cls(
            id=d.doc_id,
            title=d.title,
            collection=d.collection,
            countries=d.countries,
            year=d.year,
            source=d.source,
            url=d.url,
            pages=d.pages,
            chunks=d.chunks,
            access=d.access,
            content_hash=d.content_hash,
            file=f"/api/documents/{d.doc_id}/file",
            symbol=d.symbol,
            language=d.language,
            issued=d.issued,
        )


class DocumentList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[DocumentPublic]


class SpanPublic(BaseModel):
    start: int
    end: int
    chunk_id: str | None = None
    n: int | None = Field(None, description="Citation number (highlights only).")


class PagePublic(BaseModel):
    document_id: str
    title: str
    page: int = Field(description="Physical page, 1-based.")
    pages: int
    page_label: str | None = Field(description="The page number printed on the page.")
    text: str
    passages: list[SpanPublic] = Field(description="Offsets of every stored passage in `text`.")
    highlights: list[SpanPublic] = Field(
        description="Offsets of the cited passages of `answer_id` on this page."
    )

    @classmethod
    def of(cls, v: PageView) -> PagePublic:
        return cls(
            document_id=v.document_id,
            title=v.title,
            page=v.page,
            pages=v.pages,
            page_label=v.page_label,
            text=v.text,
            passages=[SpanPublic(**asdict(s)) for s in v.passages],
            highlights=[SpanPublic(**asdict(s)) for s in v.highlights],
        )


# --- countries and indicators ------------------------------------------------------------------
class CountryPublic(BaseModel):
    iso3: str
    name: str
    documents: int
    indicators: bool


class CountryList(BaseModel):
    items: list[CountryPublic]


class Suggestions(BaseModel):
    questions: list[str] = Field(description="Starter questions the ingested material answers.")
    indicator_data: bool = Field(description="Whether any indicator values are loaded.")
    hint: str | None = Field(default=None, description="What to do when something is missing.")


class IndicatorPublic(BaseModel):
    iso3: str
    country: str
    indicator: str
    indicator_name: str
    year: int
    value: float
    value_text: str = Field(description="The value exactly as the data file prints it.")
    rank: int | None
    group: str | None
    dataset: str
    source: str
    row: int

    @classmethod
    def of(cls, v: IndicatorValue) -> IndicatorPublic:
        return cls(**{k: getattr(v, k) for k in cls.model_fields})


class IndicatorList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[IndicatorPublic]


# --- feedback and the audit trail --------------------------------------------------------------
class FeedbackRequest(Strict):
    answer_id: str = Field(pattern=ID_PATTERN)
    rating: Literal[-1, 0, 1] = Field(description="1 helpful, -1 not helpful, 0 neutral.")
    comment: str = Field("", max_length=4000)


class FeedbackPublic(BaseModel):
    rating: int
    comment: str
    created: datetime


class RetrievedPublic(BaseModel):
    chunk_id: str
    document_id: str
    doc_hash: str
    score: float
    rank: int


class SharedAnswerPublic(BaseModel):
    """An answer as it was shown (question, answer, citations), for whoever holds a link to it:
    what the audit trail keeps besides (feedback, retrieved passages, owner) is not in it."""

    id: str
    created: datetime
    question: str
    rewritten_question: str | None
    filters: dict[str, Any]
    answer: str
    grounded: bool
    kind: str
    citations: list[Citation]

    @classmethod
    def of(cls, r: AnswerRecord) -> SharedAnswerPublic:
        return cls(
            id=r.id,
            created=_time(r.created),
            question=r.question,
            rewritten_question=r.rewritten_question,
            filters=r.filters,
            answer=r.answer,
            grounded=r.grounded,
            kind=r.kind,
            citations=[Citation.model_validate(c) for c in r.citations],
        )


class AnswerRecordPublic(BaseModel):
    id: str
    created: datetime
    channel: str
    access: list[str] | None
    question: str
    rewritten_question: str | None
    filters: dict[str, Any]
    conversation_id: str | None
    retrieved: list[RetrievedPublic]
    documents: dict[str, str] = Field(description="Document id -> content hash at answer time.")
    answer: str
    grounded: bool
    kind: str
    citations: list[Citation]
    answerer: str
    model: str
    latency_ms: float
    timings: dict[str, float]
    feedback: list[FeedbackPublic]

    @classmethod
    def of(cls, r: AnswerRecord) -> AnswerRecordPublic:
        return cls(
            id=r.id,
            created=_time(r.created),
            channel=r.channel,
            access=r.access,
            question=r.question,
            rewritten_question=r.rewritten_question,
            filters=r.filters,
            conversation_id=r.conversation_id,
            retrieved=[RetrievedPublic(**asdict(p)) for p in r.retrieved],
            documents=r.documents,
            answer=r.answer,
            grounded=r.grounded,
            kind=r.kind,
            citations=[Citation.model_validate(c) for c in r.citations],
            answerer=r.answerer,
            model=r.model,
            latency_ms=r.latency_ms,
            timings=r.timings,
            feedback=[
                FeedbackPublic(rating=f.rating, comment=f.comment, created=_time(f.created))
                for f in r.feedback
            ],
        )


# --- conversations -----------------------------------------------------------------------------
class TurnPublic(BaseModel):
    n: int
    question: str
    rewritten_question: str | None
    kind: str
    answer_id: str
    answer: str
    grounded: bool
    citations: list[Citation]
    created: datetime

    @classmethod
    def of(cls, t: StoredTurn) -> TurnPublic:
        return cls(
            n=t.n,
            question=t.question,
            rewritten_question=t.standalone if t.standalone != t.question else None,
            kind=t.kind,
            answer_id=t.answer_id,
            answer=t.answer,
            grounded=t.grounded,
            citations=[Citation.model_validate(c) for c in t.citations],
            created=_time(t.created),
        )


class ConversationSummary(BaseModel):
    id: str
    title: str
    created: datetime
    updated: datetime
    turn_count: int

    @classmethod
    def of(cls, c: StoredConversation) -> ConversationSummary:
        return cls(
            id=c.id,
            title=c.title,
            created=_time(c.created),
            updated=_time(c.updated),
            turn_count=c.turn_count,
        )


class ConversationPublic(ConversationSummary):
    turns: list[TurnPublic]

    @classmethod
    def of(cls, c: StoredConversation) -> ConversationPublic:
        summary = ConversationSummary.of(c).model_dump()
        return cls(**summary, turns=[TurnPublic.of(t) for t in c.turns])


class ConversationList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ConversationSummary]


class RenameRequest(Strict):
    title: str = Field(min_length=1, max_length=200)


class ContinueRequest(Strict):
    answer_id: str = Field(
        pattern=ID_PATTERN, description="The answer whose conversation you continue."
    )


# --- briefs ------------------------------------------------------------------------------------
class BriefRequest(Strict):
    country: str = Field(
        min_length=1, max_length=100, description="ISO3 code or name, e.g. `FJI` or `Fiji`."
    )
    topic: str = Field(min_length=1, max_length=200, description="What the brief is about.")
    audience: str | None = Field(
        None, max_length=200, description="Who will read it, e.g. `Ministry of Finance`."
    )


class BriefDownloads(BaseModel):
    markdown: str = Field(description="Path of the Markdown download.")
    docx: str = Field(description="Path of the Word (DOCX) download.")


class BriefSummary(BaseModel):
    id: str
    title: str
    country: str
    iso3: str
    topic: str
    created: str
    problems: int = Field(description="Sentences the check marked unsupported.")
    downloads: BriefDownloads

    @classmethod
    def of(cls, brief: Brief) -> BriefSummary:
        base = f"/api/briefs/{brief.id}"
        return cls(
            id=brief.id,
            title=brief.title,
            country=brief.country,
            iso3=brief.iso3,
            topic=brief.topic,
            created=brief.created,
            problems=len(brief.problems),
            downloads=BriefDownloads(markdown=f"{base}/markdown", docx=f"{base}/docx"),
        )


class BriefResponse(BriefSummary):
    markdown: str = Field(description="The brief as Markdown.")
    brief: dict[str, Any] = Field(
        description="The brief's structure: sections of cited sentences, tables, chart, sources."
    )

    @classmethod
    def of(cls, brief: Brief) -> BriefResponse:
        summary = BriefSummary.of(brief).model_dump()
        return cls(**summary, markdown=render_markdown(brief), brief=brief.to_json())


class BriefList(BaseModel):
    items: list[BriefSummary]


# --- health ------------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    auth: bool = Field(description="Whether API tokens are required.")
    store: dict[str, Any]
    models: dict[str, Any]


# --- errors ------------------------------------------------------------------------------------
class ErrorBody(BaseModel):
    detail: str = Field(description="What went wrong and what to do about it.")


class InvalidBody(BaseModel):
    detail: str | list[dict[str, Any]] = Field(
        description="A message, or FastAPI's list of problems (loc, msg, type) per field."
    )


class OpenAIErrorBody(BaseModel):
    error: dict[str, Any] = Field(description="{message, type, code}, as OpenAI sends errors.")


def error_responses(body: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The error statuses every route may answer with, documented once."""
    invalid = InvalidBody if body is ErrorBody else body
    return {
        400: {"model": body, "description": "The body is not JSON (or not UTF-8)."},
        401: {"model": body, "description": "No token, or an unknown one (RAG_API_TOKENS)."},
        404: {"model": body, "description": "Not found, or not visible to this token."},
        422: {"model": invalid, "description": "Invalid request: the message names the field."},
        429: {"model": body, "description": "Rate limit (RAG_RATE_LIMIT) exceeded."},
        500: {"model": body, "description": "Internal error (the log has a reference)."},
        502: {"model": body, "description": "The LLM provider failed."},
        503: {"model": body, "description": "The store cannot be reached."},
    }
