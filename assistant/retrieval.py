"""Hybrid retrieval: BM25 and vector search, fused by reciprocal rank, filters applied inside both.

Both searches see the same filters (countries, collections, years, documents, access), so a filter
never leaves fewer than k results when more exist. Countries and years *named in the question*
only boost. Passages of documents that are not whole in the catalogue (a half-written document
during ingestion) are dropped, and near-duplicate passages are collapsed. Keyword search only
reads the access scopes the caller may read. When it fails (a damaged index that loaded cleanly),
the question is answered from vectors alone and the index is rebuilt in the background.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant import countries as country_names
from assistant import language
from assistant.access import granted
from assistant.country_groups import Group, about_group, constraint_groups
from assistant.embedding import Embedder, MultilingualEmbedder
from assistant.errors import BadRequest, ConfigError, StoreError
from assistant.models import COLLECTIONS, Chunk, DocumentRecord, Filters, Passage
from assistant.sentences import states_nothing
from assistant.storage import lexicon
from assistant.storage.catalog import Catalog
from assistant.storage.keyword import KeywordIndex, rebuild_from_store
from assistant.storage.lexicon import Lexicon, Reading
from assistant.storage.vectors import SENTENCE_INDEX, VectorStore, build_where
from assistant.text import YEAR, un_symbols

log = logging.getLogger(__name__)

RRF_K = 60


@dataclass
class QueryHints:
    """What the question itself names: used to boost, never to filter (but for the search by
    meaning of a question in another language, scoped to the countries it names)."""

    countries: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    # the groups the question names in place of countries ("pacific island countries", "sids")
    groups: tuple[Group, ...] = ()

    @classmethod
    def from_question(cls, question: str) -> QueryHints:
        countries = country_names.in_question(question)
        groups = [] if countries else constraint_groups(question)
        return cls(
            countries=countries,
            years=sorted({int(y) for y in YEAR.findall(question)}),
            groups=tuple(groups),
        )


def normalize_filters(filters: Filters | None) -> Filters:
    """Countries to ISO3, collections checked; a clear error names what is wrong."""
    filters = filters or Filters()
    codes = []
    for value in filters.countries:
        code = country_names.to_iso3(value)
        if code is None:
            raise BadRequest(
                f"unknown country {value!r} in filters.countries: use an ISO3 code or a name"
            )
        if code not in codes:
            codes.append(code)
    for collection in filters.collections:
        if collection not in COLLECTIONS:
            raise BadRequest(
                f"unknown collection {collection!r} in filters.collections: use one of {', '.join(COLLECTIONS)}"
            )
    if filters.year_from and filters.year_to and filters.year_from > filters.year_to:
        raise BadRequest("filters.year_from is after filters.year_to")
    return filters.model_copy(update={"countries": codes})


# Passages each search (vectors, keywords) proposes before they are fused and cut to ``k``.
CANDIDATES = 40
# Sentences asked of the multilingual sentence index per passage wanted (see Retriever._by_meaning).
MEANING_SENTENCES = 3

# How many questions' readings in English are kept (a question is read once for its search
# and once for the check of its answer).
READINGS_KEPT = 64


class Retriever:
    """Hybrid search over the store and the keyword index."""

    def __init__(
        self,
        store: VectorStore,
        keyword: KeywordIndex,
        catalog: Catalog,
        embedder: Embedder,
        *,
        candidates: int = CANDIDATES,
        multilingual: MultilingualEmbedder | None = None,
    ) -> None:
        self.store = store
        self.keyword = keyword
        self.catalog = catalog
        self.embedder = embedder
        self.candidates = candidates
        self.multilingual = multilingual or MultilingualEmbedder()
        self._reload_lock = threading.Lock()
        self._repair_lock = threading.Lock()
        self._repair: threading.Thread | None = None
        self._lexicon: Lexicon | None = None
        self._lexicon_failed = -1  # the catalogue generation whose lexicon could not be built
        self._lexicon_lock = threading.Lock()
        self._readings: dict[tuple[int, str], list[Reading]] = {}

    # --- keyword index freshness ----------------------------------------------------------
    def ensure_keyword_index(self) -> None:
        """Load the keyword index; rebuild it from the store if it is missing, corrupt or stale."""
        generation = self.catalog.generation()
        if self.keyword.generation == generation:
            return
        with self._reload_lock:
            if self.keyword.generation == generation:
                return
            if self.keyword.generation >= 0:  # ingestion changed the store since we read it
                self.store.refresh()
            if self.keyword.load() and self.keyword.generation == generation:
                return
            if self.catalog.get_state("run_active") is not None and self.keyword.generation >= 0:
                return  # ingestion is running and will rebuild it when done
            log.warning(
                "keyword index is %s; rebuilding it from the store",
                "stale" if self.keyword.generation >= 0 else "missing or corrupt",
            )
            self.rebuild_keyword_index()

    def rebuild_keyword_index(self) -> int:
        return rebuild_from_store(self.keyword, self.store, self.catalog)

    def _keyword_search(
        self, query: str, k: int, allowed: Callable[[str], bool], scopes: frozenset[str] | None
    ) -> list[tuple[str, float]]:
        """Keyword hits, or none while the index is being repaired or when searching it fails.

        The index is derived data: a failure here (a damaged index that still loaded) must not
        cost the answer. It is logged, the question is answered from vectors alone, and the index
        is rebuilt from the store in the background; questions asked meanwhile skip it."""
        if self._repair is not None and self._repair.is_alive():
            return []
        try:
            return self.keyword.search(query, k, allowed, scopes)
        except Exception:  # whatever a damaged index raises: bm25s checks little
            log.exception(
                "keyword search failed; answering from vectors alone and rebuilding the "
                "keyword index from the store"
            )
            self._start_repair()
            return []

    def _start_repair(self) -> None:
        with self._repair_lock:
            if self._repair is None or not self._repair.is_alive():
                self._repair = threading.Thread(
                    target=self._repair_keyword_index, name="keyword-index-repair", daemon=True
                )
                self._repair.start()

    def _repair_keyword_index(self) -> None:
        try:
            with self._reload_lock:
                self.rebuild_keyword_index()
        except Exception:  # the next failing search tries again
            log.exception("keyword index rebuild failed")

    def wait_for_keyword_repair(self, timeout: float | None = None) -> bool:
        """Wait for a background rebuild of a keyword index that failed (if one is running).
        True when none is running any more."""
        repair = self._repair
        if repair is not None:
            repair.join(timeout)
        return repair is None or not repair.is_alive()

    # --- the lexicon: a question's words read as English --------------------------------
    def lexicon(self) -> Lexicon | None:
        """The lexicon at the catalogue's generation (see :mod:`assistant.storage.lexicon`):
        loaded, or built from the store when the saved one is missing or stale (ingestion builds
        it, so this happens only for a store made before it existed, or after a failed build).
        While ingestion runs, the one in hand serves: ingestion rebuilds it when done. None when
        building fails: like the keyword index it is derived data, and the search goes on
        without it (a generation whose build failed is not tried again by every question)."""
        generation = self.catalog.generation()
        if self._lexicon is not None and self._lexicon.generation == generation:
            return self._lexicon
        with self._lexicon_lock:
            current = self._lexicon
            if current is not None and current.generation == generation:
                return current
            if generation == self._lexicon_failed:
                return None
            if current is not None and self.catalog.get_state("run_active") is not None:
                return current  # ingestion is running and will rebuild it when done
            found = Lexicon.load(lexicon.saved_beside(self.keyword.path))
            if found is None or found.generation != generation:
                if found is not None and self.catalog.get_state("run_active") is not None:
                    self._lexicon = found
                    return found
                try:
                    found = self.rebuild_lexicon()
                except (StoreError, ConfigError, OSError) as exc:
                    log.warning("the lexicon could not be built, searching without it: %s", exc)
                    self._lexicon_failed = generation
                    return None
            self._lexicon = found
            return found

    def rebuild_lexicon(self) -> Lexicon:
        """Build the lexicon from the store and save it next to the keyword index (kept in
        hand, unsaved, when the data folder cannot be written)."""
        return lexicon.rebuild_from_store(
            lexicon.saved_beside(self.keyword.path),
            self.store,
            self.catalog,
            self.multilingual.embed,
        )

    def read_in_english(self, question: str) -> list[str]:
        """The English terms the words of ``question`` (in another language) are read as."""
        return lexicon.english_terms(self.readings(question))

    def readings(self, question: str) -> list[Reading]:
        """Each word of ``question`` (in another language) with the English terms it is read
        as. Kept for the last questions: the search and the check of its answer both read it."""
        found = self.lexicon()
        if found is None or language.question_language(question) in lexicon.UNREAD_LANGUAGES:
            return []
        key = (found.generation, question)
        cached = self._readings.get(key)
        if cached is not None:
            return cached
        try:
            read = found.readings(question, self.multilingual.embed)
        except ConfigError as exc:
            log.warning("reading the question's words in English failed: %s", exc)
            return []
        read = _without_country_names(read, question)
        with self._lexicon_lock:
            self._readings[key] = read
            while len(self._readings) > READINGS_KEPT:
                self._readings.pop(next(iter(self._readings)))
        return read

    # --- search ---------------------------------------------------------------------------
    def search(
        self,
        query: str,
        filters: Filters | None = None,
        *,
        k: int = 6,
        access: Sequence[str] | None = ("public",),
        hints: QueryHints | None = None,
        timings: dict[str, float] | None = None,
        meaning: str | None = None,
    ) -> list[Passage]:
        """The ``k`` passages that best match ``query``: its vector's nearest passages and the
        keyword index's best, fused by rank (RRF). ``meaning``: the question as typed in another
        language; its nearest sentences in the multilingual sentence index (when there is one)
        are a third ranking, so that "녹색기후기금" finds a passage on the Green Climate Fund
        that shares no word with it (``query`` is then what of it could be read into English:
        names, acronyms, numbers)."""
        timings = timings if timings is not None else {}
        filters = normalize_filters(filters)
        hints = hints or QueryHints.from_question(query)
        self.ensure_keyword_index()
        docs = self.catalog.documents()
        if filters.documents:
            filters = _symbols_to_ids(filters, docs)
        else:
            filters = _named_documents(query, filters, docs)
        allowed = _doc_predicate(filters, access)
        pool = max(self.candidates, k * 4)

        t0 = time.perf_counter()
        vector = self.embedder.embed_query(query)
        t1 = time.perf_counter()
        # Access is always checked on the results (``allowed``); it goes into Chroma's ``where``
        # only when private documents exist, since any ``where`` turns the HNSW search into a
        # filtered scan.
        private = any(d.access != "public" for d in docs.values())
        dense = self.store.query(vector, pool, _chroma_where(filters, docs, access, private))
        t2 = time.perf_counter()
        # a question in another language finds English passages by its words too, read as
        # the English terms nearest them ("인터넷" as "internet")
        read = self.read_in_english(meaning) if meaning and self.searches_by_meaning() else []
        if read:
            log.debug("searched by its words read in English: %s", read)
        sparse_ids = self._keyword_search(
            " ".join([query, *read]),
            pool,
            lambda d: d in docs and allowed(docs[d]),
            granted(access),
        )
        # the countries the question names scope the search by meaning: it cannot match their
        # names across languages as the keyword index does, and a sentence on the topic from
        # anywhere would outrank their own documents' ("vanuatu nói gì về biến đổi khí hậu")
        scoped = filters.model_copy(update={"countries": filters.countries or hints.countries})
        across = self._by_meaning(meaning, pool, _chroma_where(scoped, docs, access, private))
        sparse_chunks = self.store.get(
            [
                cid
                for cid in dict.fromkeys([*(c for c, _ in sparse_ids), *across])
                if cid not in {c.chunk_id for c, _ in dense}
            ]
        )
        t3 = time.perf_counter()
        timings.update(
            embed_ms=(t1 - t0) * 1000, vector_ms=(t2 - t1) * 1000, keyword_ms=(t3 - t2) * 1000
        )

        by_id: dict[str, Passage] = {}
        # a question searched by its meaning was read into English only in part (its names,
        # acronyms, numbers: "Singapore 在联大提到的小国论坛能力建设计划"): the English model's
        # ranking of that is a ranking by the names alone, which the keyword index makes too,
        # and would crowd out the passages the meaning finds. It ranks nothing then.
        dense_ranks = not across
        for rank, (chunk, similarity) in enumerate(dense):
            doc = _whole(chunk, docs)
            if doc is None or not allowed(doc):
                continue
            if not dense_ranks and chunk.chunk_id not in across:
                continue
            passage = by_id.setdefault(chunk.chunk_id, Passage(chunk=chunk, document=doc))
            passage.vector_score = similarity
            if dense_ranks:
                passage.score += 1.0 / (RRF_K + rank + 1)
        dense_chunks = {c.chunk_id: c for c, _ in dense}
        for rank, (cid, bm25) in enumerate(sparse_ids):
            found = dense_chunks.get(cid) or sparse_chunks.get(cid)
            if found is None:
                continue
            chunk = found
            doc = _whole(chunk, docs)
            if doc is None or not allowed(doc):
                continue
            passage = by_id.setdefault(cid, Passage(chunk=chunk, document=doc))
            passage.keyword_score = bm25
            passage.score += 1.0 / (RRF_K + rank + 1)
        for rank, cid in enumerate(across):
            found = dense_chunks.get(cid) or sparse_chunks.get(cid)
            doc = _whole(found, docs) if found is not None else None
            if found is None or doc is None or not allowed(doc):
                continue
            passage = by_id.setdefault(cid, Passage(chunk=found, document=doc))
            passage.score += 1.0 / (RRF_K + rank + 1)
        for passage in by_id.values():
            passage.score *= _boost(passage, hints)
        ranked = sorted(
            (p for p in by_id.values() if not page_furniture(p.chunk.text)),
            key=lambda p: p.score,
            reverse=True,
        )
        ranked = _with_best_keyword_hit(collapse_duplicates(ranked), sparse_ids, k)
        for i, passage in enumerate(ranked, 1):
            passage.rank = i
        timings["retrieve_ms"] = (time.perf_counter() - t0) * 1000
        return ranked

    def warm_meaning(self) -> None:
        """Load what a question in another language is searched with: the multilingual model,
        the lexicon and the stop words it reads with, the sentence index's collection, the
        language detector, the Chinese and Thai segmenters' dictionaries and each language's
        names and terms as they are looked for (a second or more on the first question in Thai,
        a fifth of one in Korean, otherwise)."""
        from assistant.crosslingual import gloss
        from assistant.text import chinese_segmenter

        chinese_segmenter().initialize()
        self.readings("전자정부 발전 รัฐบาล")  # the model, the lexicon, its stop words, Thai words
        if self.store.sentences is not None:
            self.store.sentences.store.count()
        language.question_language("Quels services en ligne le gouvernement offre-t-il ?")
        for code in language.LANGUAGES:
            gloss("2024", code)

    def searches_by_meaning(self) -> bool:
        """Whether the multilingual sentence index is on and, as ingestion last left it, holds
        every stored document's sentences (see ``ingest.pipeline.Pipeline._sync_sentences``)."""
        return (
            self.store.sentences is not None and self.catalog.get_state(SENTENCE_INDEX) is not None
        )

    def _by_meaning(self, question: str | None, k: int, where: dict[str, Any] | None) -> list[str]:
        """The passages (ids, best first) holding the sentences nearest ``question`` in the
        multilingual sentence index; none when there is no question or no such index. Like the
        keyword index, it is derived data: when it fails, the other two searches still answer."""
        sentences = self.store.sentences
        if not question or sentences is None:
            return []
        try:
            # a passage holds several sentences, and some found are lines that state nothing:
            # ask for more sentences than passages wanted
            found = sentences.query(
                self.multilingual.embed_query(question), k * MEANING_SENTENCES, where
            )
        except (StoreError, ConfigError) as exc:
            log.warning("the search by meaning failed, searching without it: %s", exc)
            return []
        # a running head, a footer or a line of a list of contents is near any question (the
        # same "2023 OECD DIGITAL GOVERNMENT INDEX © OECD 2024" on every page ranked first for
        # a question on that report): it finds no passage by what the passage says
        said = [chunk for chunk, text, _ in found if not states_nothing(text)]
        return list(dict.fromkeys(said))[:k]

    def dense_only(
        self, query: str, k: int = 5, access: Sequence[str] | None = ("public",)
    ) -> list[Passage]:
        """The naive baseline: top-k by vector similarity alone, no keyword search, no fusion."""
        docs = self.catalog.documents()
        vector = self.embedder.embed_query(query)
        out = []
        private = any(d.access != "public" for d in docs.values())
        for chunk, similarity in self.store.query(
            vector, k, build_where(access=access if private else None)
        ):
            doc = _whole(chunk, docs)
            if doc is not None:
                out.append(
                    Passage(chunk=chunk, document=doc, score=similarity, vector_score=similarity)
                )
        for i, passage in enumerate(out, 1):
            passage.rank = i
        return out


def page_furniture(text: str) -> bool:
    """Whether a passage is only a page's furniture: a page header cut off as a passage of its
    own ("E/2025/39 ESCAP/81/32", "B25-00147 31 II.") matches a question by the document's
    symbol and ranks high on it, but states nothing. A short passage (under FURNITURE_WORDS
    tokens) is furniture when its words, apart from those in capitals (symbols, acronyms) and
    numbers, hold fewer than SAYING_LETTERS letters, in any script (combining marks count:
    Thai, Devanagari). A longer one, a table's rows of codes and figures or a page in capitals,
    is never judged so. (Sentences of page furniture inside a passage are dropped when quoting:
    see assistant.sentences.sentences_of.)"""
    tokens = text.split()
    if len(tokens) >= FURNITURE_WORDS:
        return False
    letters = sum(
        sum(unicodedata.category(ch)[0] in "LM" for ch in token)
        for token in tokens
        if not token.isupper()
    )
    return letters < SAYING_LETTERS


# The most tokens a passage of page furniture has, and the fewest letters of words (not in
# capitals) a short passage holds to say something: a word or two ("Bhutan", "I thank you";
# "斐济的电子政务" is seven).
FURNITURE_WORDS = 12
SAYING_LETTERS = 6


def _with_best_keyword_hit(
    ranked: list[Passage], keyword_hits: list[tuple[str, float]], k: int
) -> list[Passage]:
    """The first ``k`` of ``ranked``, among them the passage the keyword index ranks first.

    Fusing by rank favours a passage both searches propose: one that holds the question's rare
    words ("credentials") but reads, as a whole, like something else (a page that opens with
    a list of names) is proposed by the keyword index alone and can fall below passages both
    searches find middling. The keyword index's best match is read all the same: it takes the
    last place when the fusion left it out (a single place stays the fusion's best). Its best
    match of those ``ranked`` holds, that is: one dropped before (page furniture, another
    caller's, a repeat of a passage ranked above) gives way to the next."""
    top = ranked[:k]
    if not keyword_hits or len(top) < max(k, 2):
        return top
    place = {p.chunk.chunk_id: i for i, p in enumerate(ranked)}
    best = next((place[cid] for cid, _ in keyword_hits if cid in place), None)
    if best is None or best < k:
        return top
    return [*top[:-1], ranked[best]]


def _whole(chunk: Chunk, docs: dict[str, DocumentRecord]) -> DocumentRecord | None:
    """The chunk's document if it is ready in the catalogue in the version the chunk came from."""
    doc = docs.get(chunk.doc_id)
    if doc is None or (chunk.doc_hash and chunk.doc_hash != doc.content_hash):
        return None
    return doc


# A search scoped to countries asks Chroma for the passages of the documents about them (the
# catalogue knows which) when they are at most this many: chromadb 1.5 evaluates a country's
# flag ("c_IND": True) over every passage's metadata (about 95 ms a query on the 16,449 passages
# of the shared corpus and corpus-extra), a list of a few document ids in about 17 ms; a list
# costs about 0.3 ms more a document (224 documents: 74 ms), so a long one is no faster.
DOCUMENT_LIST_MAX = 100


def _chroma_where(
    filters: Filters,
    docs: dict[str, DocumentRecord],
    access: Sequence[str] | None,
    private: bool,
) -> dict[str, Any] | None:
    """The Chroma ``where`` of ``filters`` (access in it only when ``private`` documents exist:
    any ``where`` turns the HNSW search into a filtered scan; access is checked on the results
    anyway), as the list of the documents it allows when ``filters`` names countries and those
    are few (:data:`DOCUMENT_LIST_MAX`): the same passages, found faster. A filter no document
    passes keeps its ``where``, which finds none."""
    where = build_where(
        countries=filters.countries,
        collections=filters.collections,
        year_from=filters.year_from,
        year_to=filters.year_to,
        documents=filters.documents,
        access=access if private else None,
    )
    if where is None or not filters.countries:
        return where
    allowed = _doc_predicate(filters, access)
    ids = sorted(doc_id for doc_id, doc in docs.items() if allowed(doc))
    if not ids or len(ids) > DOCUMENT_LIST_MAX:
        return where
    return {"doc_id": {"$in": ids}}


def _doc_predicate(filters: Filters, access: Sequence[str] | None):  # type: ignore[no-untyped-def]
    countries = set(filters.countries)
    collections = set(filters.collections)
    documents = set(filters.documents)
    readable = granted(access)

    def allowed(doc: DocumentRecord) -> bool:
        if readable is not None and doc.access not in readable:
            return False
        if countries and not countries.intersection(doc.countries):
            return False
        if collections and doc.collection not in collections:
            return False
        if documents and doc.doc_id not in documents:
            return False
        if filters.year_from is not None and (doc.year is None or doc.year < filters.year_from):
            return False
        return not (
            filters.year_to is not None and (doc.year is None or doc.year > filters.year_to)
        )

    return allowed


def _named_documents(query: str, filters: Filters, docs: dict[str, DocumentRecord]) -> Filters:
    """A question that names UN documents by symbol ("what does A/80/82 say about ...") is
    searched in them, as if filtered to them. Symbols are read in capitals, as people type
    them in lowercase ("a/80/82"); only those an ingested document carries count."""
    symbols = un_symbols(query.upper())
    if not symbols:
        return filters
    named = [doc_id for doc_id, doc in docs.items() if _has_symbol(doc, symbols)]
    return filters.model_copy(update={"documents": named}) if named else filters


def _symbols_to_ids(filters: Filters, docs: dict[str, DocumentRecord]) -> Filters:
    """``filters.documents`` may name UN documents by symbol ("A/80/82") as well as by id; a
    symbol no ingested document carries is a bad request that says so."""
    ids: list[str] = []
    for value in filters.documents:
        if value in docs or not un_symbols(value.upper()):
            ids.append(value)
            continue
        found = [doc_id for doc_id, doc in docs.items() if _has_symbol(doc, [value])]
        if not found:
            raise BadRequest(
                f"no ingested document has the symbol {value!r} (filters.documents takes "
                "document ids or UN symbols; GET /api/documents lists them)"
            )
        ids.extend(found)
    return filters.model_copy(update={"documents": ids})


def _has_symbol(doc: DocumentRecord, symbols: Sequence[str]) -> bool:
    """Whether ``doc`` is the UN document of one of ``symbols`` (compared without regard to
    case; a store ingested before symbols were kept has them at the end of its titles)."""
    wanted = {symbol.upper() for symbol in symbols}
    if doc.symbol:  # "A/80/15" names each of "A/80/15 (Part I)" and "(Part II)"
        return doc.symbol.upper() in wanted or doc.symbol.split(" (")[0].upper() in wanted
    return any(doc.title.upper().endswith(f"({symbol})") for symbol in wanted)


def about_groups(passage: Passage, groups: Sequence[Group]) -> bool:
    """Whether a passage speaks for or of every one of ``groups`` (see :func:`about_group`); a
    document whose title or issuing body names the group is its own ("what did the oecd say
    about digital identity": the OECD's report)."""
    doc = passage.document
    text = f"{doc.title}. {doc.body or ''}. {passage.chunk.text}"
    return all(about_group(g, text, doc.countries) for g in groups)


def _boost(passage: Passage, hints: QueryHints) -> float:
    factor = 1.0
    doc = passage.document
    if hints.countries:
        named = set(hints.countries)
        if named.intersection(doc.countries):
            factor *= 1.25
        elif any(country_names.name(c) in passage.chunk.text for c in named):
            factor *= 1.1
    elif hints.groups and about_groups(passage, hints.groups):
        # a group's own words (a member's statement) or a passage about the group, as for a
        # country named
        factor *= 1.2 if doc.collection != "profile" else 0.6
    elif doc.collection == "profile":
        # A profile is about one country: a question that names none (about a region, a group
        # such as small island States, or a topic) is rarely answered by one country's figures.
        factor *= 0.6
    if hints.years and (
        doc.year in hints.years or any(str(y) in passage.chunk.text for y in hints.years)
    ):
        factor *= 1.1
    return factor


_WORD = re.compile(r"\w+")


def _shingles(text: str) -> set[tuple[str, ...]]:
    """The text's runs of three words (a text of fewer is its one run)."""
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return {tuple(words)}
    return set(zip(words, words[1:], words[2:], strict=False))


def collapse_duplicates(passages: list[Passage], threshold: float = 0.8) -> list[Passage]:
    """Keep the best of passages that say the same thing (same text in two files, repeats).

    A passage repeats one ranked above it when that one holds most of its words (``threshold``
    of its three-word runs), not when it holds most of that one's: a page's header kept alone
    as a passage ("E/2025/39 ESCAP/81/32") is in every page of its document, which do not
    repeat it."""
    kept: list[Passage] = []
    kept_shingles: list[set[tuple[str, ...]]] = []
    for passage in passages:
        sh = _shingles(passage.chunk.text)
        duplicate = False
        for other in kept_shingles:
            inter = len(sh & other)
            if inter and inter / len(sh) >= threshold:
                duplicate = True
                break
        if not duplicate:
            kept.append(passage)
            kept_shingles.append(sh)
    return kept


def _without_country_names(readings: list[Reading], question: str) -> list[Reading]:
    """``readings`` less those of a word in which the question names a country by its name in
    the question's language (CLDR's, see :func:`assistant.crosslingual.gloss`): the name is read
    from maintained data as the country, and the lexicon, which reads words by their nearest
    English terms, reads names as noise ("日本" as "suisse"; "한국" as nothing)."""
    from assistant.crosslingual import gloss

    read_as = gloss(question, language.question_language(question)).read_as
    names = [typed for typed, english in read_as.items() if country_names.in_question(english)]
    if not names:
        return readings
    return [r for r in readings if not any(n in r.word or r.word in n for n in names)]
