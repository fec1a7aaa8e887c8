"""The one service API every front end uses: :class:`Assistant`.

``ask`` routes a question: follow-ups are first rewritten into standalone questions; indicator
questions are answered from the indicator table; questions comparing countries run one retrieval
per country; everything else is hybrid retrieval plus an extractive (default) or LLM answer whose
citations are checked. Weak evidence gives an honest refusal with the closest material.
"""

from __future__ import annotations

import logging
import queue
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant import countries as country_names
from assistant.access import can_see, covers, visible_ids
from assistant.answering import extractive
from assistant.answering import indicators as indicator_qa
from assistant.answering.citations import DataCitations, evidence_citation, passage_citation
from assistant.answering.followups import Conversation, Turn, rewrite_follow_up
from assistant.briefs.draft import BriefInputs, draft_brief
from assistant.briefs.model import Brief
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import AssistantError, BadRequest, NotFound, ProviderError, StoreError
from assistant.indicators import IndicatorValue
from assistant.models import Answer, Citation, DocumentRecord, Filters, Passage
from assistant.retrieval import Retriever, normalize_filters
from assistant.storage import Stores
from assistant.storage.audit import AnswerLog, AnswerRecord, Replay, compare, record_for
from assistant.storage.briefs import BriefStore
from assistant.storage.catalog import Catalog
from assistant.storage.conversations import ConversationStore, new_conversation_id
from assistant.storage.indicators import IndicatorTable, RestrictedIndicatorTable
from assistant.storage.vectors import VectorStore
from assistant.viewer import PageView, page_view

log = logging.getLogger(__name__)


@dataclass
class AnswerResult:
    """An answer and every passage retrieved to make it (for the audit trail)."""

    answer: Answer
    passages: list[Passage] = field(default_factory=list)


@dataclass
class _Run:
    """What one answer collects on its way: timings, the passages retrieved, and where the
    model's text goes as it is written (``on_delta``, while streaming). Passed explicitly."""

    on_delta: Callable[[str], None] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    retrieved: list[Passage] = field(default_factory=list)


_COMPARE_CUES = re.compile(
    r"\b(compare|comparison|versus|vs\.?|differ\w*|both|each|how do)\b", re.I
)


class Assistant:
    """Retrieval, answers, indicators and documents behind one object. Cheap to build; the models
    and indexes load on first use (or :meth:`warm`)."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: VectorStore | None = None,
        catalog: Catalog | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.stores = Stores.from_settings(settings, vectors=store, catalog=catalog)
        self.store = self.stores.vectors
        self.catalog = self.stores.catalog
        self.keyword = self.stores.keyword
        self.embedder = embedder or Embedder(
            batch_size=settings.embed_batch_size, cache_size=settings.sentence_cache_size
        )
        self.retriever = Retriever(self.store, self.keyword, self.catalog, self.embedder)
        self.data_citations = DataCitations(self.catalog, self.document_file)
        self._doc_texts: dict[tuple[str, str], str] = {}

    @property
    def indicators(self) -> IndicatorTable:
        return self.stores.indicators

    @cached_property
    def llm(self) -> Any:
        from assistant.answering.llm import make_llm

        return make_llm(self.settings)

    def warm(self) -> None:
        """Load the embedder and the keyword index now rather than on the first question."""
        self.embedder.embed_query("warm up")
        self.retriever.ensure_keyword_index()

    # --- search -----------------------------------------------------------------------------
    def search(
        self,
        query: str,
        filters: Filters | None = None,
        k: int | None = None,
        *,
        access: Sequence[str] | None = ("public",),
    ) -> list[Passage]:
        return self.retriever.search(query, filters, k=k or self.settings.top_k, access=access)

    # --- briefs -----------------------------------------------------------------------------
    def draft_brief(
        self,
        country: str,
        topic: str,
        audience: str | None = None,
        *,
        access: Sequence[str] | None = ("public",),
    ) -> Brief:
        """A checked advisory brief on ``topic`` in ``country`` (ISO3 code or name) from what
        ``access`` may see: seven sections, every sentence of sections 2 to 5 cited, figures
        exactly as the data prints them. Render it with :mod:`assistant.briefs.render`."""
        llm = self.llm if self.settings.answerer != "extractive" else None
        inputs = BriefInputs(
            search=lambda query, filters, k: self.search(query, filters, k, access=access),
            indicators=self.indicators_for(access),
            documents=self.documents(access),
            cite_data=lambda n, value: self.data_citations.cite(n, value, access),
            embedder=self.embedder,
            llm=llm,
            llm_name=f"{self.settings.answerer}:{self.settings.llm_model}" if llm else "",
        )
        return draft_brief(inputs, country, topic, audience)

    @property
    def briefs(self) -> BriefStore:
        """Briefs drafted through the API, kept for their downloads."""
        return self.stores.briefs

    # --- ask --------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        conversation: Conversation | None = None,
        *,
        access: Sequence[str] | None = ("public",),
    ) -> Answer:
        """The answer to ``question`` (a follow-up of ``conversation`` when given), from what
        ``access`` may see."""
        return self.answer(question, filters, conversation, access=access).answer

    def answer(
        self,
        question: str,
        filters: Filters | None = None,
        conversation: Conversation | None = None,
        *,
        access: Sequence[str] | None = ("public",),
        on_delta: Callable[[str], None] | None = None,
    ) -> AnswerResult:
        """:meth:`ask`, with the passages retrieved on the way; ``on_delta`` receives an LLM's
        text as it is written (the extractive answerer sends nothing)."""
        started = time.perf_counter()
        run = _Run(on_delta=on_delta)
        timings = run.timings
        filters = normalize_filters(filters)
        standalone = self.rewrite(question, conversation)
        rewritten = standalone if standalone != question else None

        parsed = indicator_qa.parse(standalone)
        if parsed is not None:
            answer = self._indicator_answer(standalone, parsed, filters, access=access)
            if not answer.grounded and parsed.intent != "value":
                # no such ranking or series in the data: a report may still discuss it (a
                # single missing figure is not looked for in prose, where numbers are guessed at)
                from_documents = self._document_answer(standalone, filters, access, run)
                if from_documents.grounded:
                    from_documents.notes.append(answer.answer)
                    answer = from_documents
        elif self._is_country_comparison(standalone):
            answer = self._comparison_answer(standalone, filters, access, run)
        else:
            answer = self._document_answer(standalone, filters, access, run)
        answer.question = question
        answer.rewritten_question = rewritten
        answer.filters = filters
        answer.conversation_id = conversation.id if conversation else None
        answer.id = answer.id or uuid.uuid4().hex
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.timings = {k: round(v, 1) for k, v in timings.items()}
        log.info(
            "answer id=%s kind=%s grounded=%s citations=%s ms=%.0f",
            answer.id,
            answer.kind,
            answer.grounded,
            [c.chunk_id or c.source for c in answer.citations],
            timings["total_ms"],
        )
        return AnswerResult(answer, run.retrieved)

    def stream(
        self,
        question: str,
        filters: Filters | None = None,
        conversation: Conversation | None = None,
        *,
        access: Sequence[str] | None = ("public",),
    ) -> Iterator[dict[str, Any]]:
        """Events: ``{"type": "delta", "text"}`` …, ``{"type": "citations", ...}``, ``{"type": "done", "answer"}``.

        With an LLM configured the deltas are the model's tokens as it writes them (invalid
        markers already removed); should its answer fail the citation check, a last delta says so
        and gives the extractive answer. The extractive answerer sends its sentences. ``done``
        always carries the whole answer, the one to keep.
        """
        result = yield from self._stream_events(question, filters, conversation, access)
        yield {"type": "done", "answer": result.answer.model_dump()}

    def _stream_events(
        self,
        question: str,
        filters: Filters | None,
        conversation: Conversation | None,
        access: Sequence[str] | None,
    ) -> Generator[dict[str, Any], None, AnswerResult]:
        """The delta and citations events of an answer; returns the answer with its passages."""
        if self.settings.answerer == "extractive":
            result = self.answer(question, filters, conversation, access=access)
            streamed = ""
        else:
            result, streamed = yield from self._stream_llm(question, filters, conversation, access)
        answer = result.answer
        if not streamed:
            for piece in re.split(r"(?<=[.!?\]])\s+", answer.answer):
                if piece:
                    yield {"type": "delta", "text": piece + " "}
        elif not answer.answerer.startswith(f"{self.settings.answerer}:"):
            yield {"type": "delta", "text": f"\n\n{LLM_REPLACED}\n\n{answer.answer}"}
        yield {"type": "citations", "citations": [c.model_dump() for c in answer.citations]}
        return result

    def _stream_llm(
        self,
        question: str,
        filters: Filters | None,
        conversation: Conversation | None,
        access: Sequence[str] | None,
    ) -> Generator[dict[str, Any], None, tuple[AnswerResult, str]]:
        """Run :meth:`ask` in a thread and pass the model's text on as it arrives; returns
        (the answer, the text streamed) to ``yield from``."""
        pieces: queue.Queue[tuple[str, Any]] = queue.Queue()

        def work() -> None:
            try:
                result = self.answer(
                    question,
                    filters,
                    conversation,
                    access=access,
                    on_delta=lambda text: pieces.put(("delta", text)),
                )
                pieces.put(("answer", result))
            except BaseException as exc:
                pieces.put(("error", exc))

        threading.Thread(target=work, name="answer", daemon=True).start()
        streamed: list[str] = []
        while True:
            kind, value = pieces.get()
            if kind == "delta":
                streamed.append(value)
                yield {"type": "delta", "text": value}
            elif kind == "error":
                raise value
            else:
                return value, "".join(streamed)

    # --- follow-ups -------------------------------------------------------------------------
    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        """A standalone version of a follow-up question ("And in 2022?", "What about Samoa?")."""
        if not conversation or not conversation.turns:
            return question
        if self.settings.answerer != "extractive" and self.llm is not None:
            from assistant.answering.llm import rewrite_question

            history = [(t.question, t.standalone) for t in conversation.turns[-4:]]
            return str(rewrite_question(self.llm, question, history))
        return rewrite_follow_up(question, conversation.turns[-1].standalone)

    # --- routes -----------------------------------------------------------------------------
    def _indicator_answer(
        self,
        question: str,
        parsed: indicator_qa.IndicatorQuestion,
        filters: Filters,
        access: Sequence[str] | None = None,
    ) -> Answer:
        result = indicator_qa.answer(parsed, self.indicators_for(access))
        citations = [
            self.data_citations.cite(i + 1, v, access) for i, v in enumerate(result.values)
        ]
        return Answer(
            question=question,
            answer=result.text,
            grounded=result.found,
            citations=citations,
            kind="indicator" if result.found else "refusal",
            table=result.table or None,
        )

    def _is_country_comparison(self, question: str) -> bool:
        return len(country_names.find_countries(question)) >= 2 and bool(
            _COMPARE_CUES.search(question)
        )

    def _comparison_answer(
        self,
        question: str,
        filters: Filters,
        access: Sequence[str] | None,
        run: _Run,
    ) -> Answer:
        codes = country_names.find_countries(question)[:4]
        topic = _strip_countries(question, codes)
        parts: list[str] = []
        citations: list[Citation] = []
        found_any = False
        for code in codes:
            scoped = filters.model_copy(update={"countries": [code]})
            passages = self.retriever.search(topic, scoped, k=4, access=access)
            run.retrieved.extend(passages)
            extraction = extractive.extract(
                topic, passages, self.embedder, max_sentences=2, document_text=self.document_text
            )
            name = country_names.name(code)
            if not extraction.evidence or extraction.best_score < self.settings.refusal_threshold:
                parts.append(f"**{name}**: no evidence found for {name} in the documents.")
                continue
            found_any = True
            sentences = []
            for evidence in extraction.evidence:
                citations.append(evidence_citation(len(citations) + 1, evidence))
                sentences.append(f"{evidence.text} [{len(citations)}]")
            parts.append(f"**{name}**: " + " ".join(sentences))
        return Answer(
            question=question,
            answer="\n\n".join(parts),
            grounded=found_any,
            citations=citations,
            kind="comparison" if found_any else "refusal",
        )

    def _document_answer(
        self,
        question: str,
        filters: Filters,
        access: Sequence[str] | None,
        run: _Run,
    ) -> Answer:
        timings = run.timings
        passages = self.retriever.search(
            question, filters, k=self.settings.top_k, access=access, timings=timings
        )
        run.retrieved.extend(passages)
        t0 = time.perf_counter()
        extraction = extractive.extract(
            question, passages, self.embedder, document_text=self.document_text
        )
        timings["extract_ms"] = (time.perf_counter() - t0) * 1000
        weak = extraction.best_score < self.settings.refusal_threshold
        if not extraction.evidence or weak or extraction.missing:
            return self._refusal(question, filters, passages, extraction)
        if self.settings.answerer != "extractive":
            generated = self._llm_answer(question, passages, run)
            if generated is not None:
                return generated
        citations = [evidence_citation(i + 1, e) for i, e in enumerate(extraction.evidence)]
        text = " ".join(f"{e.text} [{i + 1}]" for i, e in enumerate(extraction.evidence))
        return Answer(question=question, answer=text, grounded=True, citations=citations)

    def _llm_answer(self, question: str, passages: list[Passage], run: _Run) -> Answer | None:
        from assistant.answering.llm import (
            GeneratedAnswer,
            describe_removed,
            generate_answer,
            stream_answer,
        )

        t0 = time.perf_counter()
        sink = run.on_delta
        try:
            if sink is None:
                result = generate_answer(self.llm, question, passages)
            else:
                for kind, value in stream_answer(self.llm, question, passages):
                    if isinstance(value, GeneratedAnswer):
                        result = value
                    elif kind == "delta":
                        sink(value)
        finally:
            run.timings["llm_ms"] = (time.perf_counter() - t0) * 1000
        if result.fallback_reason:
            log.warning(
                "LLM answer rejected (%s); falling back to the extractive answer",
                result.fallback_reason,
            )
            return None
        citations = [passage_citation(n, passages[n - 1]) for n in result.markers]
        if sink is None:  # [1], [2]… in order of first use
            renumber = {old: new for new, old in enumerate(result.markers, 1)}
        else:  # the reader already saw the model's numbers: keep them
            renumber = {n: n for n in result.markers}
        text = re.sub(
            r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]", result.text
        )
        notes = (
            [f"removed invalid citation markers: {result.invalid_markers}"]
            if result.invalid_markers
            else []
        )
        if result.removed:
            notes.append(describe_removed(result.removed))
        return Answer(
            question=question,
            answer=text,
            grounded=True,
            citations=[c.model_copy(update={"n": renumber[c.n]}) for c in citations],
            answerer=f"{self.settings.answerer}:{self.settings.llm_model}",
            notes=notes,
        )

    def _refusal(
        self,
        question: str,
        filters: Filters,
        passages: list[Passage],
        extraction: extractive.Extraction,
    ) -> Answer:
        scope = describe_scope(filters)
        text = f"The documents do not answer this question. I searched {scope}"
        if extraction.missing:
            text += f", and found nothing that mentions {', '.join(repr(m) for m in extraction.missing[:3])} in that context"
        text += "."
        citations = [passage_citation(i + 1, p) for i, p in enumerate(passages[:3])]
        if citations:
            closest = "; ".join(
                f"{c.title}{f', p. {c.page_label or c.page}' if c.page else ''} [{c.n}]"
                for c in citations
            )
            text += f" The closest material: {closest}."
        return Answer(
            question=question, answer=text, grounded=False, citations=citations, kind="refusal"
        )

    # --- documents --------------------------------------------------------------------------
    def document_text(self, doc_id: str) -> str:
        """The whole text of a document (its passages joined), cached per document version."""
        doc = self.catalog.get(doc_id)
        key = (doc_id, doc.content_hash if doc else "")
        text = self._doc_texts.get(key)
        if text is None:
            text = " ".join(c.text for c in self.store.document_chunks(doc_id))
            if len(self._doc_texts) > 64:
                self._doc_texts.pop(next(iter(self._doc_texts)))
            self._doc_texts[key] = text
        return text

    def documents(self, access: Sequence[str] | None = ("public",)) -> list[DocumentRecord]:
        return [d for d in self.catalog.documents().values() if can_see(d, access)]

    def document(self, doc_id: str, access: Sequence[str] | None = ("public",)) -> DocumentRecord:
        doc = self.catalog.get(doc_id)
        if doc is None or not can_see(doc, access):
            raise NotFound(f"no document with id {doc_id!r}")
        return doc

    # --- access-limited views -----------------------------------------------------------------
    @cached_property
    def _indicator_views(self) -> dict[frozenset[str], RestrictedIndicatorTable]:
        return {}

    @cached_property
    def _views_lock(self) -> threading.Lock:
        return threading.Lock()

    def indicators_for(self, access: Sequence[str] | None = ("public",)) -> IndicatorTable:
        """The indicator table as ``access`` may see it: only the rows read from documents it
        may see, matched by document id (the whole table for ``None``, operators)."""
        if access is None:
            return self.indicators
        shown = visible_ids(self.catalog.documents().values(), access)
        with self._views_lock:
            view = self._indicator_views.get(shown)
            if view is None:
                if len(self._indicator_views) >= 16:
                    self._indicator_views.pop(next(iter(self._indicator_views))).close()
                view = RestrictedIndicatorTable(self.settings.indicators_path, shown)
                self._indicator_views[shown] = view
            return view

    def find_documents(
        self,
        access: Sequence[str] | None = ("public",),
        *,
        collection: str | None = None,
        country: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[DocumentRecord]]:
        """(total, one page) of the documents ``access`` may see, by collection and country."""
        docs = self.documents(access)
        if collection:
            docs = [d for d in docs if d.collection == collection]
        if country:
            code = country_names.to_iso3(country)
            if code is None:
                raise BadRequest(f"unknown country {country!r}: use an ISO3 code or a name")
            docs = [d for d in docs if code in d.countries]
        return len(docs), docs[offset : offset + limit]

    def countries(self, access: Sequence[str] | None = ("public",)) -> list[dict[str, Any]]:
        """Every country with visible documents or indicator data: ISO3, name, counts."""
        counts: dict[str, int] = {}
        for doc in self.documents(access):
            for code in doc.countries:
                counts[code] = counts.get(code, 0) + 1
        with_data = {code: name for code, name in self.indicators_for(access).countries()}
        codes = sorted(set(counts) | set(with_data), key=lambda c: country_names.name(c))
        return [
            {
                "iso3": code,
                "name": country_names.name(code) if code not in with_data else with_data[code],
                "documents": counts.get(code, 0),
                "indicators": code in with_data,
            }
            for code in codes
        ]

    def indicator_values(
        self,
        access: Sequence[str] | None = ("public",),
        *,
        country: str | None = None,
        indicator: str | None = None,
        year: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[IndicatorValue]]:
        """(total, one page) of indicator values ``access`` may see (preferred source per figure)."""
        table = self.indicators_for(access)
        total = table.count(country, indicator, year)
        return total, table.query(country, indicator, year, limit=limit, offset=offset)

    def page(
        self,
        doc_id: str,
        n: int,
        *,
        access: Sequence[str] | None = ("public",),
        answer_id: str | None = None,
    ) -> PageView:
        """Page ``n`` of a document with its passages' offsets; with ``answer_id``, that answer's
        citations on the page as highlights."""
        doc = self.document(doc_id, access)
        chunks = [
            c
            for c in self.store.document_chunks(doc_id)
            if not c.doc_hash or c.doc_hash == doc.content_hash
        ]
        citations = self.answer_record(answer_id, access).citations if answer_id else []
        return page_view(doc, chunks, n, citations)

    def document_file(self, doc_id: str, access: Sequence[str] | None = ("public",)) -> Path:
        """The original file of a document. Only files inside a corpus folder (RAG_CORPUS_DIRS)
        or the generated profiles are ever returned; symbolic links are followed first."""
        doc = self.document(doc_id, access)
        try:
            real = Path(doc.path).resolve(strict=True)
        except (OSError, RuntimeError):
            raise NotFound(
                f"the file of document {doc_id!r} ({doc.source}) is no longer where it was ingested"
            ) from None
        roots = [*self.settings.corpus_dirs, self.settings.profiles_dir]
        inside = any(real.is_relative_to(root.resolve()) for root in roots)
        if not inside or not real.is_file():
            raise NotFound(
                f"the file of document {doc_id!r} is not inside a corpus folder (RAG_CORPUS_DIRS), "
                "so it is not served"
            )
        return real

    def status(self, access: Sequence[str] | None = ("public",)) -> dict[str, Any]:
        """Counts (of what ``access`` may see), models and the store's state, for health checks."""
        docs = self.documents(access)
        try:
            self.store.count()
            store_ok, store_error = True, None
        except AssistantError as exc:  # StoreUnavailable, StoreError: report, do not fail
            store_ok, store_error = False, exc.message
        return {
            "store": {
                "ok": store_ok,
                "error": store_error,
                "mode": self.settings.chroma_mode,
                "documents": len(docs),
                "passages": sum(d.chunks for d in docs),
                "indicator_values": self.indicators_for(access).count(),
            },
            "models": {
                "embedding": self.settings.embedding_model,
                "answerer": self.settings.answerer,
                "llm": self.settings.llm_model if self.settings.answerer != "extractive" else None,
            },
        }

    # --- conversations and the audit trail ----------------------------------------------------
    @property
    def conversations(self) -> ConversationStore:
        return self.stores.conversations

    @property
    def answers(self) -> AnswerLog:
        return self.stores.answers

    def converse(
        self,
        question: str,
        filters: Filters | None = None,
        conversation_id: str | None = None,
        *,
        access: Sequence[str] | None = ("public",),
        owner: str = "anonymous",
        history: Sequence[str] | None = None,
        channel: str = "api",
    ) -> Answer:
        """:meth:`ask` within a stored conversation, recorded in the audit trail.

        Without ``conversation_id`` a new conversation starts (its id is in the answer); with
        one, earlier turns of that conversation (``owner``'s only) make follow-ups work.
        ``history`` (earlier questions, oldest first) replaces the stored conversation for
        stateless callers such as the OpenAI-compatible endpoint; nothing is then kept.
        """
        conversation, persist = self._open_conversation(conversation_id, owner, history)
        result = self.answer(question, filters, conversation, access=access)
        self._remember(
            result.answer, conversation, persist, result.passages, access, owner, channel
        )
        return result.answer

    def converse_stream(
        self,
        question: str,
        filters: Filters | None = None,
        conversation_id: str | None = None,
        *,
        access: Sequence[str] | None = ("public",),
        owner: str = "anonymous",
        history: Sequence[str] | None = None,
        channel: str = "stream",
    ) -> Iterator[dict[str, Any]]:
        """:meth:`stream` with :meth:`converse`'s bookkeeping. Bad filters and unknown
        conversations raise here, before the first event, so a server can answer with an error
        status instead of an event stream."""
        normalize_filters(filters)
        conversation, persist = self._open_conversation(conversation_id, owner, history)
        return self._converse_events(
            question, filters, conversation, persist, access=access, owner=owner, channel=channel
        )

    def _converse_events(
        self,
        question: str,
        filters: Filters | None,
        conversation: Conversation,
        persist: bool,
        *,
        access: Sequence[str] | None,
        owner: str,
        channel: str,
    ) -> Iterator[dict[str, Any]]:
        result = yield from self._stream_events(question, filters, conversation, access)
        answer = result.answer
        self._remember(answer, conversation, persist, result.passages, access, owner, channel)
        yield {"type": "done", "answer": answer.model_dump()}

    def _open_conversation(
        self, conversation_id: str | None, owner: str, history: Sequence[str] | None
    ) -> tuple[Conversation, bool]:
        if history is not None:
            turns: list[Turn] = []
            for earlier in history:
                previous = turns[-1].standalone if turns else ""
                standalone = rewrite_follow_up(earlier, previous) if previous else earlier
                turns.append(Turn(question=earlier, standalone=standalone))
            return Conversation(id="", turns=turns), False
        if conversation_id is None:
            return Conversation(id=new_conversation_id()), True
        stored = self.conversations.get(conversation_id, owner)
        turns = [Turn(t.question, t.standalone, t.kind) for t in stored.turns]
        return Conversation(id=stored.id, turns=turns), True

    def _remember(
        self,
        answer: Answer,
        conversation: Conversation,
        persist: bool,
        retrieved: Sequence[Passage],
        access: Sequence[str] | None,
        owner: str,
        channel: str,
    ) -> None:
        if not persist:
            answer.conversation_id = None
        model = f"embedding:{self.settings.embedding_model}"
        if answer.answerer != "extractive":
            model += f", llm:{self.settings.llm_model}"
        record = record_for(
            answer,
            retrieved=retrieved,
            catalog_documents=self.catalog.documents(),
            access=access,
            owner=owner,
            channel=channel,
            model=model,
        )
        try:
            if persist:
                self.conversations.add_turn(
                    conversation.id,
                    owner,
                    question=answer.question,
                    standalone=answer.rewritten_question or answer.question,
                    kind=answer.kind,
                    answer_id=answer.id,
                    answer=answer.answer,
                    grounded=answer.grounded,
                    citations=[c.model_dump() for c in answer.citations],
                )
            self.answers.record(record)
        except sqlite3.Error as exc:
            raise StoreError(f"could not record the answer {answer.id}: {exc}") from exc

    def answer_record(
        self,
        answer_id: str,
        access: Sequence[str] | None = ("public",),
        *,
        owner: str | None = None,
    ) -> AnswerRecord:
        """An answer from the audit trail. A caller sees it only when its access covers the
        access the answer was made with and, given an ``owner``, only when it made the answer;
        anything else looks exactly like an unknown id. ``owner=None`` is for trusted edges
        (the CLI, the Slack bot, whose channel members rate each other's answers)."""
        record = self.answers.get(answer_id)
        if not covers(access, record.access) or (owner is not None and record.owner != owner):
            raise NotFound(f"no answer with id {answer_id!r}")
        return record

    def feedback(
        self,
        answer_id: str,
        rating: int,
        comment: str = "",
        *,
        access: Sequence[str] | None = ("public",),
        owner: str = "anonymous",
        own_answers_only: bool = False,
    ) -> AnswerRecord:
        """Attach ``owner``'s feedback to a recorded answer; returns the record with all its
        feedback. ``own_answers_only``: ``owner`` may rate only answers it made (the API)."""
        self.answer_record(answer_id, access, owner=owner if own_answers_only else None)
        self.answers.add_feedback(answer_id, rating=rating, comment=comment, owner=owner)
        return self.answers.get(answer_id)

    def replay(self, answer_id: str) -> Replay:
        """Ask a recorded question again, as it was asked (standalone question, filters, access),
        on the current index, and say what changed. Nothing is recorded."""
        then = self.answers.get(answer_id)
        result = self.answer(
            then.rewritten_question or then.question,
            Filters.model_validate(then.filters),
            access=then.access,
        )
        answer, retrieved = result.answer, result.passages
        answer.conversation_id = then.conversation_id
        documents = self.catalog.documents()
        model = f"embedding:{self.settings.embedding_model}"
        if answer.answerer != "extractive":
            model += f", llm:{self.settings.llm_model}"
        now = record_for(
            answer,
            retrieved=retrieved,
            catalog_documents=documents,
            access=then.access,
            owner=then.owner,
            channel="replay",
            model=model,
        )
        return compare(then, now, documents)


# --- helpers ------------------------------------------------------------------------------------


def describe_scope(filters: Filters) -> str:
    parts = []
    if filters.countries:
        parts.append(
            "documents about " + ", ".join(country_names.name(c) for c in filters.countries)
        )
    if filters.collections:
        parts.append("the " + ", ".join(filters.collections) + " collections")
    if filters.year_from or filters.year_to:
        parts.append(f"years {filters.year_from or '…'}–{filters.year_to or '…'}")
    if filters.documents:
        parts.append(f"{len(filters.documents)} selected documents")
    return " within ".join(parts) if parts else "all collections (no filters)"


def _strip_countries(question: str, codes: list[str]) -> str:
    """The topic of a comparison question: country names and comparison words removed."""
    text = question
    for code in codes:
        for alias in [country_names.name(code), *country_names.ALIASES.get(code, [])]:
            text = re.sub(rf"\b{re.escape(alias)}\b", " ", text, flags=re.I)
    text = re.sub(
        r"\b(compare|comparison|versus|vs\.?|how do|and|on|between)\b", " ", text, flags=re.I
    )
    text = re.sub(r"\s+", " ", text).strip(" ?,.")
    return text or question


LLM_REPLACED = (
    "(The model's answer above could not be checked against the documents, so it is replaced by "
    "the answer drawn from them:)"
)


__all__ = [
    "AnswerResult",
    "Assistant",
    "Conversation",
    "ProviderError",
    "Turn",
    "rewrite_follow_up",
]
