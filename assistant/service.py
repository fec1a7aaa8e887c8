"""The one service API every front end uses: :class:`Assistant`, a façade of the public
operations (ask, stream, converse, search, briefs, feedback, replay, documents, indicators).

Answering itself lives in :mod:`assistant.answering` (``pipeline.answer``: follow-up rewriting,
the router, one module per answerer); the stores in :mod:`assistant.storage`. This module wires
them together and keeps the bookkeeping: conversations, the audit trail, access-limited views.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from assistant import countries as country_names
from assistant.access import can_see, covers, granted, visible_ids
from assistant.answering import pipeline
from assistant.answering.citations import DataCitations
from assistant.answering.context import AnswerContext
from assistant.answering.followups import Conversation, Turn, rewrite_follow_up
from assistant.answering.pipeline import AnswerResult
from assistant.answering.streaming import answer_events
from assistant.answering.understanding import acronym_candidates
from assistant.briefs.draft import BriefInputs, draft_brief
from assistant.briefs.model import Brief
from assistant.config import Settings
from assistant.country_groups import asia_pacific
from assistant.embedding import Embedder
from assistant.errors import (
    AssistantError,
    BadRequest,
    NotFound,
    ProviderError,
    QuestionTooLong,
    StoreError,
    StoreUnavailable,
)
from assistant.indicators import IndicatorValue
from assistant.models import Answer, Chunk, DocumentRecord, Filters, Passage, chunk_id_of
from assistant.retrieval import Retriever, normalize_filters
from assistant.storage import Stores
from assistant.storage.acronyms import COMMON_ACRONYM_SHARE, find_definitions
from assistant.storage.audit import AnswerLog, AnswerRecord, Replay, compare, record_for
from assistant.storage.briefs import Briefs
from assistant.storage.catalog import Catalog
from assistant.storage.conversations import (
    ConversationStore,
    StoredConversation,
    new_conversation_id,
)
from assistant.storage.database import DatabaseError
from assistant.storage.indicators import IndicatorTable, RestrictedIndicatorTable
from assistant.storage.vectors import VectorStore
from assistant.text import fold
from assistant.turns import Turns
from assistant.viewer import PageView, page_view

log = logging.getLogger(__name__)

# Suggestion sets kept at once: one per set of grants in use (public, a team's, ...).
SUGGESTION_SETS_KEPT = 8


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
        # answers and searches computed at once in this process (see assistant.turns)
        self.turns = Turns(settings.answer_concurrency)
        self.stores = Stores.from_settings(settings, vectors=store, catalog=catalog)
        self.store = self.stores.vectors
        self.catalog = self.stores.catalog
        self.keyword = self.stores.keyword
        self.embedder = embedder or Embedder(
            batch_size=settings.embed_batch_size,
            threads=settings.embed_threads or None,
            cache_size=settings.sentence_cache_size,
        )
        self.retriever = Retriever(self.store, self.keyword, self.catalog, self.embedder)
        self.data_citations = DataCitations(self.catalog, self.document_file)
        self._doc_texts: dict[tuple[str, str], str] = {}
        self._doc_texts_lock = threading.Lock()  # request threads share the cache
        self._suggestions: dict[tuple[int, frozenset[str] | None], dict[str, Any]] = {}
        self._suggestions_lock = threading.Lock()
        self._suggestions_making: dict[tuple[int, frozenset[str] | None], threading.Lock] = {}

    @property
    def indicators(self) -> IndicatorTable:
        return self.stores.indicators

    @cached_property
    def llm(self) -> Any:
        from assistant.answering.llm import make_llm

        return make_llm(self.settings)

    def warm(self) -> None:
        """Load the embedder, the keyword index, the word lists questions are read with and
        what a question in another language is read with now, rather than on the first question
        (about 4 s on the first question in Korean or Chinese, in each API worker: in a load
        test's first seconds that is the slowest twentieth of the answers)."""
        self.embedder.embed_query("warm up")
        self.retriever.ensure_keyword_index()
        country_names.load_dictionaries()
        if self.store.sentence_vectors is not None:
            self.store.sentence_vectors.store.count()  # opening a collection takes a second
        if self.retriever.searches_by_meaning():
            self.retriever.warm_meaning()

    # --- search -----------------------------------------------------------------------------
    def search(
        self,
        query: str,
        filters: Filters | None = None,
        k: int | None = None,
        *,
        access: Sequence[str] | None = ("public",),
    ) -> list[Passage]:
        """The ``k`` passages that best match ``query``, searched as an answer searches: a
        query in another language by its meaning and by what of it reads as English (or, with
        an LLM configured, in the LLM's English translation)."""
        query = self.check_question(query)
        with self.turns.turn():
            searched, meaning = pipeline.searched_for(query, self.context)
            return self.retriever.search(
                searched, filters, k=k or self.settings.top_k, access=access, meaning=meaning
            )

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
    def briefs(self) -> Briefs:
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
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> AnswerResult:
        """:meth:`ask`, with the passages retrieved on the way; ``on_event`` receives how the
        question was understood, then an LLM's text as it is written (see
        :func:`pipeline.answer`)."""
        question = self.check_question(question)
        with self.turns.turn():
            return pipeline.answer(
                question, self.context, filters, conversation, access=access, on_event=on_event
            )

    def _sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors ingestion stored for these sentences (see
        :func:`assistant.sentences.sentence_id`); none when the setting is off or they cannot
        be read (the answer then computes them)."""
        stored = self.store.sentence_vectors
        if stored is None:
            return {}
        try:
            return stored.vectors(ids)
        except (StoreError, StoreUnavailable) as exc:
            log.warning("the stored sentence vectors could not be read (%s); computing them", exc)
            return {}

    def check_question(self, question: str) -> str:
        """The question stripped; :class:`BadRequest` when it is empty and
        :class:`QuestionTooLong` over ``RAG_MAX_QUESTION_CHARS``. Every operation that takes a
        question checks it here; front ends may call it first to word the problem their way."""
        text = question.strip()
        if not text:
            raise BadRequest("the question is empty: send the question as text")
        if len(text) > self.settings.max_question_chars:
            raise QuestionTooLong(len(text), self.settings.max_question_chars)
        return text

    @cached_property
    def context(self) -> AnswerContext:
        """What the answerers read from (see :mod:`assistant.answering.context`)."""
        return AnswerContext(
            settings=self.settings,
            retriever=self.retriever,
            embedder=self.embedder,
            data_citations=self.data_citations,
            indicators_for=self.indicators_for,
            document_text=self.document_text,
            llm=lambda: self.llm,
            expansions=self.expansions,
            frequency=self._frequency,
            definition=self._definition,
            defined_in=self._defined_in,
            next_chunk=self.next_chunk,
            sentence_vectors=self._sentence_vectors,
        )

    def _frequency(self, stem: str, access: Sequence[str] | None) -> tuple[int, int]:
        # the counts are the keyword index's: the first question of a process must see them too
        self.retriever.ensure_keyword_index()
        allowed = granted(access)
        return self.keyword.acronyms.frequency(
            stem, lambda scope: allowed is None or scope in allowed
        )

    def expansions(
        self, question: str, access: Sequence[str] | None = ("public",)
    ) -> dict[str, str]:
        """The acronyms ``question`` uses that documents ``access`` may see define, with the
        names they define them as (learned at indexing: :mod:`assistant.storage.acronyms`). An
        acronym the question defines itself ("… Framework Agreement (DEFA)") stands for what
        the question says, whatever name of the documents its letters may spell."""
        own = dict(find_definitions(question))
        found: dict[str, str] = {}
        for word in acronym_candidates(question):
            if word in own:
                found[word] = own[word]
                continue
            used, total = self._frequency(fold(word).replace(" ", ""), access)
            if total and used > COMMON_ACRONYM_SHARE * total:
                continue  # the documents use it as it is ("UN", "AI"): nothing to add
            name = self._definition(word, access)
            if name:
                found[word] = name
        return found

    def _definition(self, word: str, access: Sequence[str] | None) -> str | None:
        """The name documents ``access`` may see give the acronym ``word``, if any does."""
        self.retriever.ensure_keyword_index()
        documents = self.catalog.documents()

        def visible(doc_id: str) -> bool:
            doc = documents.get(doc_id)
            return doc is not None and can_see(doc, access)

        return self.keyword.acronyms.expand(word, visible)

    def _defined_in(self, word: str, doc_ids: Collection[str]) -> str | None:
        """The name the documents ``doc_ids`` give the acronym ``word`` (or that a name they use
        spells it), if any."""
        self.retriever.ensure_keyword_index()
        within = set(doc_ids)
        return self.keyword.acronyms.expand(word, within.__contains__)

    def stream(
        self,
        question: str,
        filters: Filters | None = None,
        conversation: Conversation | None = None,
        *,
        access: Sequence[str] | None = ("public",),
    ) -> Iterator[dict[str, Any]]:
        """Events: ``{"type": "understood", "question", "understood", "route"}`` (as soon as the
        question is read), ``{"type": "delta", "text"}`` …, ``{"type": "citations", ...}``,
        ``{"type": "done", "answer"}``.

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
        """The understood, delta and citations events of an answer; returns the answer with its passages."""
        return (
            yield from answer_events(
                lambda on_event: self.answer(
                    question, filters, conversation, access=access, on_event=on_event
                ),
                self.settings.answerer,
            )
        )

    # --- documents --------------------------------------------------------------------------
    def document_text(self, doc_id: str) -> str:
        """The whole text of a document (its passages joined), cached per document version."""
        doc = self.catalog.get(doc_id)
        key = (doc_id, doc.content_hash if doc else "")
        text = self._doc_texts.get(key)
        if text is None:
            text = " ".join(c.text for c in self.store.document_chunks(doc_id))
            with self._doc_texts_lock:
                if len(self._doc_texts) > 64:
                    self._doc_texts.pop(next(iter(self._doc_texts)), None)
                self._doc_texts[key] = text
        return text

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        """The passage after ``chunk`` in the same version of its document, None at its end."""
        after = chunk_id_of(chunk.doc_id, chunk.ordinal + 1)
        found = self.store.get([after]).get(after)
        if found is None or found.doc_hash != chunk.doc_hash:
            return None
        return found

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

    def overview(self, access: Sequence[str] | None = ("public",)) -> dict[str, Any]:
        """What ``access`` may ask about, in a few figures: documents in all and per collection,
        countries with indicator data, the survey editions loaded, when the store was last
        brought up to date (ISO time, or None)."""
        collections: dict[str, int] = {}
        docs = self.documents(access)
        for doc in docs:
            collections[doc.collection] = collections.get(doc.collection, 0) + 1
        table = self.indicators_for(access)
        return {
            "documents": len(docs),
            "collections": dict(sorted(collections.items(), key=lambda kv: -kv[1])),
            "countries": len(table.countries()),
            "editions": table.years("egdi"),
            "last_ingest": self.catalog.get_state("last_ingest"),
        }

    def suggestions(self, access: Sequence[str] | None = ("public",)) -> dict[str, Any]:
        """:meth:`_make_suggestions`, kept per store generation and set of grants (the last
        :data:`SUGGESTION_SETS_KEPT` sets made), made once even when several pages ask at the
        same moment; a set being made holds up only those asking for the same set."""
        key = (self.catalog.generation(), granted(access))
        cached = self._suggestions.get(key)
        if cached is not None:
            return cached
        with self._suggestions_lock:
            making = self._suggestions_making.setdefault(key, threading.Lock())
        with making:
            cached = self._suggestions.get(key)
            if cached is None:
                cached = self._make_suggestions(access)
                with self._suggestions_lock:
                    self._suggestions[key] = cached
                    self._suggestions_making.pop(key, None)
                    while len(self._suggestions) > SUGGESTION_SETS_KEPT:
                        del self._suggestions[next(iter(self._suggestions))]
        return cached

    def _has_substance(self, question: str, subject: str, access: Sequence[str] | None) -> bool:
        """Whether ``question`` about ``subject`` is answered from the documents with more than
        the subject's own name (a heading, a title page): what a suggestion must show."""
        answer = self.ask(question, access=access)
        return answer.grounded and len(answer.answer) > len(subject) + 60

    def _make_suggestions(self, access: Sequence[str] | None) -> dict[str, Any]:
        """Starter questions made from what ``access`` may see, so that each has an answer: the
        latest EGDI of a country with data (one of UNPOG's region first), the top 5 of Asia and
        the Pacific, a trend, and a question on a document's subject (else on the latest
        documents, by title); with ``hint`` saying how to add indicator data when none is
        loaded."""
        table = self.indicators_for(access)
        questions: list[str] = []
        years = table.years("egdi")
        with_data = {code for code, _ in table.countries()}
        region = sorted(with_data & asia_pacific()) or sorted(with_data)
        if years and region:
            latest = years[-1]
            ranked = table.ranking("egdi", latest, top=None, countries=region)
            if ranked:
                middle = ranked[len(ranked) // 2]
                questions.append(f"What was {middle.country}'s EGDI in {latest}?")
                questions.append(f"Top 5 in Asia and the Pacific on the EGDI {latest}")
                if len(years) >= 2:
                    questions.append(
                        f"How has {ranked[0].country}'s EGDI changed since {years[0]}?"
                    )
        # what the documents define, asked as people ask it ("... about the UNPACS?"); shown
        # only when answered with more than a heading
        self.retriever.ensure_keyword_index()
        documents = {d.doc_id for d in self.documents(access)}
        defined = self.keyword.acronyms.defined(lambda doc: doc in documents)
        for acronym, expansion, _ in [d for d in defined if len(d[0]) >= 3][:6]:
            question = f"What do the documents say about the {expansion} ({acronym})?"
            if self._has_substance(question, expansion, access):
                questions.append(question)
                if len(questions) >= 4:
                    break
        if not questions:
            # nothing defined or no data (a team's own few documents): the latest documents'
            # subjects, each asked about by its title
            newest = sorted(
                (d for d in self.documents(access) if d.collection != "data"),
                key=lambda d: d.year or 0,
                reverse=True,
            )
            for document in newest[:6]:
                question = f"What do the documents say about {document.title}?"
                if self._has_substance(question, document.title, access):
                    questions.append(question)
                    if len(questions) >= 4:
                        break
        hint = None
        if not years:
            hint = (
                "No indicator data is loaded, so questions on EGDI, GTMI or OECD DGI figures "
                "cannot be answered yet: put the CSV/XLSX files in a corpus folder and run "
                "`python -m ingest`, or download the catalogue's with `python -m ingest fetch`."
            )
        return {"questions": questions[:4], "indicator_data": bool(years), "hint": hint}

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
        docs: list[DocumentRecord] = []
        try:
            docs = self.documents(access)  # the catalogue: PostgreSQL's, with RAG_DATABASE_URL
            self.store.count()
            store_ok, store_error = True, None
        except AssistantError as exc:  # StoreUnavailable, StoreError: report, do not fail
            store_ok, store_error = False, exc.message
        return {
            "store": {
                "ok": store_ok,
                "error": store_error,
                "mode": self.settings.chroma_mode,
                "records": "postgresql" if self.settings.database else "sqlite",
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
        question = self.check_question(question)
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

    def continue_conversation(
        self, answer_id: str, owner: str, access: Sequence[str] | None = ("public",)
    ) -> StoredConversation:
        """The conversation that ``answer_id`` was given in (a Slack thread, another person's
        chat), copied for ``owner`` up to that answer, so that they continue it as their own;
        the original stays as it was. The caller must have been shown the answer (a view link
        to it), and its ``access`` must cover the answer's: a conversation that drew on private
        collections is continued only by a caller granted them. :class:`NotFound` when the
        answer or its conversation is gone, or not the caller's to continue."""
        record = self.answer_record(answer_id, access)
        if not record.conversation_id:
            raise NotFound(f"the answer {answer_id!r} was not given in a conversation")
        stored = self.conversations.get(record.conversation_id, record.owner)
        through = next((t.n for t in stored.turns if t.answer_id == answer_id), None)
        if through is None:
            raise NotFound(f"the answer {answer_id!r} is no longer in its conversation")
        return self.conversations.copy(stored.id, record.owner, owner, through=through)

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
        model = self._models_of(answer)
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
        except DatabaseError as exc:
            raise StoreError(f"could not record the answer {answer.id}: {exc}") from exc

    def _models_of(self, answer: Answer) -> str:
        """The models an answer was made with, for the audit trail."""
        model = f"embedding:{self.settings.embedding_model}"
        if answer.answerer != "extractive":
            model += f", llm:{self.settings.llm_model}"
        return model

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
        model = self._models_of(answer)
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


__all__ = [
    "AnswerResult",
    "Assistant",
    "Conversation",
    "ProviderError",
    "Turn",
    "rewrite_follow_up",
]
