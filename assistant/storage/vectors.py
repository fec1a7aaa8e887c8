"""The vector store: the only module that talks to chromadb.

Chroma runs embedded (a folder in the data directory) or as a server (``chroma run``) when
``RAG_CHROMA_MODE=http``. We always pass our own vectors, so Chroma's default embedder (which
downloads a model) is never used.

Every chunk's metadata carries its document's fields (collection, year, countries as ``c_ISO3``
flags, access group), so filters run *inside* the vector search instead of after it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from assistant.access import granted
from assistant.config import Settings
from assistant.errors import StoreError, StoreUnavailable
from assistant.models import Chunk, DocumentRecord
from assistant.sentences import SENTENCES_VERSION, sentence_id
from assistant.text import sentence_spans

log = logging.getLogger(__name__)

NO_PAGE = -1
NO_YEAR = -1
# chromadb's HTTP client waits forever by default: a Chroma server that stops answering without
# closing its sockets (frozen, overloaded, a dead network path) would hold every request.
HTTP_CONNECT_TIMEOUT_S = 5.0
# Reads made at once by VectorStore.settle.
SETTLE_READERS = 4
# The collection methods that only read: safe to run again after reopening the store.
READS = frozenset({"query", "get", "count"})
# Embedded Chroma keeps one client system per folder and process, in a registry that a client
# reads several times while it is being built. Every store of this process (the passages and
# the collections beside them) opens and drops entries under this one lock: a reopen on one
# thread must not drop the system another thread is half-way through opening a client on.
_EMBEDDED_SYSTEMS = threading.Lock()


class VectorStore:
    """Chunks with their vectors and metadata, in one Chroma collection (``collection``, by
    default the setting's). ``sentences``: the multilingual sentence index kept beside it, and
    ``sentence_vectors`` the vectors of the sentences answers choose from, when the settings
    ask for them; a document deleted here is deleted there too."""

    def __init__(self, settings: Settings, collection: str | None = None) -> None:
        self.settings = settings
        self.collection_name = collection or settings.chroma_collection
        self.sentences: SentenceIndex | None = None
        self.sentence_vectors: SentenceVectors | None = None
        self._client: Any = None
        self._collection: Any = None
        # Opening the embedded client from several request threads at once fails inside Chroma.
        self._connect_lock = threading.Lock()

    # --- connection ----------------------------------------------------------------------
    def _connect(self) -> Any:
        collection = self._collection
        if collection is not None:
            return collection
        with self._connect_lock:
            if self._collection is None:
                self._open()
            return self._collection

    def refresh(self) -> None:
        """See what other processes wrote since the store was opened. An embedded Chroma client
        loads its vector index once, so the API reopens it when ingestion has changed the store;
        a Chroma server needs nothing."""
        if self.settings.chroma_mode != "embedded":
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        with self._connect_lock:
            if self._client is None:
                return
            # Chroma keeps one client system per path and process: drop it so that the next
            # connection loads the index from disk. Requests still holding the old collection
            # finish on it; it is freed with them.
            with _EMBEDDED_SYSTEMS:
                SharedSystemClient._identifier_to_system.pop(str(self.settings.chroma_path), None)
            self._client = self._collection = None
            log.info("reopened the Chroma store to see what ingestion wrote")
        for beside in (self.sentences, self.sentence_vectors):  # the same folder: as stale
            if beside is not None:
                beside.store.refresh()

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if self.settings.chroma_mode == "http":
                # The client's constructor already talks to the server, before its timeouts can
                # be set: a heartbeat with timeouts first, so a frozen server cannot hang start-up.
                _heartbeat(
                    self.settings.chroma_host,
                    self.settings.chroma_port,
                    self.settings.chroma_timeout,
                )
                self._client = chromadb.HttpClient(
                    host=self.settings.chroma_host,
                    port=self.settings.chroma_port,
                    settings=chroma_settings,
                )
                _limit_waits(self._client, self.settings.chroma_timeout)
            else:
                self.settings.chroma_path.mkdir(parents=True, exist_ok=True)
                with _EMBEDDED_SYSTEMS:
                    self._client = chromadb.PersistentClient(
                        path=str(self.settings.chroma_path), settings=chroma_settings
                    )
            self._collection = self._with_search_ef(
                self._client.get_or_create_collection(
                    self.collection_name,
                    metadata={"hnsw:space": "cosine"},
                    embedding_function=None,
                )
            )
        except Exception as exc:
            self._client = self._collection = None
            if self.settings.chroma_mode == "http":
                reason = str(exc).strip()
                stop = "" if reason.endswith((".", "?", "!")) else "."
                raise StoreUnavailable(
                    f"Cannot open the Chroma server at {self.settings.chroma_host}:"
                    f"{self.settings.chroma_port}: {reason}{stop} {START_IT}"
                ) from exc
            raise StoreUnavailable(
                f"Cannot open the Chroma store in {self.settings.chroma_path}: {exc}"
            ) from exc

    def _with_search_ef(self, collection: Any) -> Any:
        """``collection`` searched with the setting's HNSW ``ef_search``. Chroma keeps it in the
        collection's configuration, fixed at creation: a store made before the setting (or with
        another value) is changed on opening, and the collection read again to take it."""
        wanted = self.settings.chroma_search_ef
        hnsw = (collection.configuration_json or {}).get("hnsw") or {}
        if hnsw.get("ef_search") == wanted:
            return collection
        collection.modify(configuration={"hnsw": {"ef_search": wanted}})
        return self._client.get_collection(self.collection_name, embedding_function=None)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        collection = self._connect()
        try:
            return getattr(collection, fn)(*args, **kwargs)
        except Exception as exc:
            if fn in READS and self._stale_index(exc):
                # Another process (ingestion) deleted passages that the vector index this
                # process loaded still points to: reopen to load the index it wrote, then retry.
                log.info("Chroma's index is older than the store (%s); reopening it", exc)
                self.refresh()
                try:
                    return getattr(self._connect(), fn)(*args, **kwargs)
                except Exception as again:
                    exc = again
            if self.settings.chroma_mode == "http" and _looks_like_connection_error(exc):
                self._collection = None  # reconnect on the next call
                raise StoreUnavailable(
                    f"The Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port} "
                    f"is not answering ({type(exc).__name__}). {START_IT}"
                ) from exc
            raise StoreError(f"Chroma failed to {what}: {exc}") from exc

    def _stale_index(self, exc: Exception) -> bool:
        """Whether ``exc`` is Chroma's internal error for an id that its loaded vector index
        holds and its record store no longer does: only an embedded client, reading what another
        process has rewritten since the index was loaded, gets it."""
        from chromadb.errors import InternalError

        return self.settings.chroma_mode == "embedded" and isinstance(exc, InternalError)

    # --- writes --------------------------------------------------------------------------
    def add(self, document: DocumentRecord, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Write a document's chunks (upsert: a re-run after a crash overwrites, never duplicates)."""
        if not chunks:
            return
        doc_meta = document_metadata(document)
        step = 2000
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            self._call(
                "write passages",
                "upsert",
                ids=[c.chunk_id for c in part],
                embeddings=vectors[start : start + step].tolist(),
                documents=[c.text for c in part],
                metadatas=[{**doc_meta, **chunk_metadata(c)} for c in part],
            )

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Write entries as given (a :class:`SentenceIndex`'s sentences; passages go through
        :meth:`add`, which makes their metadata)."""
        self._call(
            "write",
            "upsert",
            ids=list(ids),
            embeddings=vectors.tolist(),
            documents=list(texts),
            metadatas=list(metadatas),
        )

    def nearest(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, str, dict[str, Any], float]]:
        """The ``k`` entries nearest ``vector`` as stored, filtered by ``where``: (id, text,
        metadata, cosine similarity)."""
        if k <= 0:
            return []
        result = self._call(
            "search",
            "query",
            query_embeddings=[vector.tolist()],
            n_results=k,
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (cid, text, meta, 1.0 - float(dist))
            for cid, text, meta, dist in zip(
                result["ids"][0],
                result["documents"][0],
                result["metadatas"][0],
                result["distances"][0],
                strict=True,
            )
            # deleted by another process (ingestion) since this one loaded the index
            if meta is not None and text is not None
        ]

    def delete_document(self, doc_id: str) -> None:
        self._call("delete passages", "delete", where={"doc_id": doc_id})
        for beside in (self.sentences, self.sentence_vectors):
            if beside is not None:
                beside.delete_document(doc_id)

    def settle(self) -> None:
        """Have an embedded Chroma write out what this process wrote, to the collection and to
        those kept beside it (:attr:`sentences`, :attr:`sentence_vectors`), before the API
        reads them. Chroma keeps recent writes in a log and writes them into a collection's
        vector index on a later read, in whichever process reads; several reads at once do it
        now (one read alone does not; a log of fewer than about 340 writes is left as it is:
        measured on chromadb 1.5, where API workers reading at once left such short logs alone
        too). Left to the API, two workers reading at once each wrote a long log into the index
        files, and the files ended up corrupt. Ingestion calls this once it is done, whatever
        happened; a failed read is logged and costs nothing else. A Chroma server is one
        process and needs nothing."""
        if self.settings.chroma_mode != "embedded":
            return
        readers = [threading.Thread(target=self._settle_read) for _ in range(SETTLE_READERS)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        for beside in (self.sentences, self.sentence_vectors):
            if beside is not None:
                beside.store.settle()

    def _settle_read(self) -> None:
        try:
            self._connect().get(limit=1, include=[])
        except Exception as exc:  # the store is read again by whoever uses it next
            log.warning("could not have %s's writes written out (%s)", self.collection_name, exc)

    # --- reads ---------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._call("count passages", "count"))

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks to ``vector`` with cosine similarity, filtered by ``where``."""
        return [
            (chunk_from_metadata(cid, text, meta), similarity)
            for cid, text, meta, similarity in self.nearest(vector, k, where)
        ]

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        result = self._call(
            "read passages", "get", ids=list(ids), include=["documents", "metadatas"]
        )
        return {
            cid: chunk_from_metadata(cid, text, meta)
            for cid, text, meta in zip(
                result["ids"], result["documents"], result["metadatas"], strict=True
            )
            if meta is not None and text is not None
        }

    def entries(self, ids: Sequence[str], include: list[str]) -> dict[str, Any]:
        """The entries ``ids`` that are stored, with the fields ``include`` names (Chroma's
        ``get``: ``ids`` and one list per field)."""
        result: dict[str, Any] = self._call("read", "get", ids=list(ids), include=include)
        return result

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        result = self._call(
            "read passages", "get", where={"doc_id": doc_id}, include=["documents", "metadatas"]
        )
        chunks = [
            chunk_from_metadata(cid, text, meta)
            for cid, text, meta in zip(
                result["ids"], result["documents"], result["metadatas"], strict=True
            )
        ]
        return sorted(chunks, key=lambda c: c.ordinal)

    def iter_all(
        self, batch: int = 5000
    ) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        """Every chunk id, text and metadata, in batches (to rebuild the keyword index)."""
        offset = 0
        while True:
            result = self._call(
                "read passages",
                "get",
                limit=batch,
                offset=offset,
                include=["documents", "metadatas"],
            )
            if not result["ids"]:
                return
            yield list(result["ids"]), list(result["documents"]), list(result["metadatas"])
            offset += len(result["ids"])

    def all_doc_ids(self) -> set[str]:
        return set(self.doc_versions())

    def doc_versions(self, where: dict[str, Any] | None = None) -> dict[str, str]:
        """Every document stored (of the entries ``where`` selects), with the content hash its
        passages were made from."""
        seen: dict[str, str] = {}
        offset = 0
        while True:
            result = self._call(
                "read passages",
                "get",
                limit=20000,
                offset=offset,
                where=where,
                include=["metadatas"],
            )
            if not result["ids"]:
                return seen
            for meta in result["metadatas"]:
                seen[str(meta["doc_id"])] = str(meta.get("doc_hash", ""))
            offset += len(result["ids"])


class SentenceIndex:
    """Every sentence of the stored passages embedded by a multilingual model, in a Chroma
    collection of its own (``<collection>_sentences``), so that a question in another language
    finds the English passages that answer it (see :meth:`assistant.retrieval.Retriever.search`).
    A sentence's entry carries its passage's id (``chunk``) and the document's metadata, so the
    same filters and access rules apply. Tables are not indexed: their rows are not sentences."""

    def __init__(self, settings: Settings) -> None:
        self.store = VectorStore(settings, f"{settings.chroma_collection}_sentences")

    def add(
        self,
        document: DocumentRecord,
        chunks: Sequence[Chunk],
        embed: Callable[[Sequence[str]], np.ndarray],
    ) -> int:
        """Embed and write the sentences of a document's passages; how many were written."""
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        doc_meta = document_metadata(document)
        for chunk in chunks:
            if chunk.kind == "table":
                continue
            for i, sentence in enumerate(indexed_sentences(chunk.text)):
                ids.append(f"{chunk.chunk_id}#{i}")
                texts.append(sentence)
                page = chunk.page if chunk.page is not None else NO_PAGE
                metas.append({**doc_meta, "chunk": chunk.chunk_id, "page": page})
        if metas:
            # written last: a document counts as indexed only once this is stored (a run stopped
            # half-way through its sentences indexes it again, see :meth:`doc_versions`)
            metas[-1]["last"] = True
        step = 2000
        for start in range(0, len(ids), step):
            part = slice(start, start + step)
            self.store.upsert(ids[part], embed(texts[part]), texts[part], metas[part])
        return len(ids)

    def delete_document(self, doc_id: str) -> None:
        self.store.delete_document(doc_id)

    def doc_versions(self) -> dict[str, str]:
        """The documents whose sentences are all stored, with the version they were made from."""
        return self.store.doc_versions(where={"last": True})

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, str, float]]:
        """The ``k`` sentences nearest ``vector``: (passage id, sentence, cosine similarity)."""
        return [
            (str(meta["chunk"]), text, similarity)
            for _, text, meta, similarity in self.store.nearest(vector, k, where)
        ]


class SentenceVectors:
    """The sentences an extractive answer chooses from (those of
    :func:`assistant.sentences.sentences_of`), embedded at ingestion by the passage model, in a
    Chroma collection of their own (``<collection>_sentence_vectors``), so that an answer reads
    its candidate sentences' vectors instead of computing them (the costly part of an answer
    on a CPU). An entry is one sentence of one passage, under the id
    :func:`assistant.sentences.sentence_id` gives it (its passage, place and text), with its
    passage's id in ``chunk``; an answer reads those of its candidates by id, and embeds any
    that is not stored."""

    def __init__(self, settings: Settings) -> None:
        self.store = VectorStore(settings, f"{settings.chroma_collection}_sentence_vectors")

    def add(
        self,
        document: DocumentRecord,
        sentences: Sequence[tuple[str, Sequence[str]]],
        embed: Callable[[Sequence[str]], np.ndarray],
    ) -> int:
        """Embed and write ``sentences`` (each passage's id with its sentences) of one
        document; how many were written. A sentence two passages share (their overlap) is
        embedded once."""
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        for chunk_id, chunk_sentences in sentences:
            for n, sentence in enumerate(chunk_sentences):
                ids.append(sentence_id(chunk_id, n, sentence))
                texts.append(sentence)
                metas.append(
                    {
                        "doc_id": document.doc_id,
                        "doc_hash": document.content_hash,
                        "chunk": chunk_id,
                    }
                )
        if metas:
            metas[-1]["last"] = True  # written last: the document counts as stored only then
        distinct = list(dict.fromkeys(texts))
        vectors = dict(zip(distinct, embed(distinct), strict=True)) if distinct else {}
        step = 2000
        for start in range(0, len(ids), step):
            part = slice(start, start + step)
            embedded = np.stack([vectors[text] for text in texts[part]])
            self.store.upsert(ids[part], embedded, texts[part], metas[part])
        return len(ids)

    def delete_document(self, doc_id: str) -> None:
        self.store.delete_document(doc_id)

    def doc_versions(self) -> dict[str, str]:
        """The documents whose sentences are all stored, with the version they were made from."""
        return self.store.doc_versions(where={"last": True})

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of the sentences ``ids`` (see :func:`sentence_id`): id -> unit
        vector; those not stored are left out."""
        if not ids:
            return {}
        result = self.store.entries(ids, ["embeddings"])
        return {
            sid: np.asarray(vector, dtype=np.float32)
            for sid, vector in zip(result["ids"], result["embeddings"], strict=True)
            if vector is not None
        }


# The catalogue state that says the sentence index holds every stored document's sentences (set
# by ingestion; the API searches by meaning only while it is there).
SENTENCE_INDEX = "sentence_index"
# The catalogue state that says the sentence vectors are stored for every stored document, and
# the value it has then (the version of the sentences they are of: another one stores them again).
SENTENCE_VECTORS = "sentence_vectors"
SENTENCE_VECTORS_IN_LINE = f"in line: sentences v{SENTENCES_VERSION}"

# A sentence shorter than this says too little to be found by its meaning (a heading, a figure).
MIN_SENTENCE_CHARS = 40
# A longer one (a table read as a line, a list without stops) is cut: the model reads its start.
MAX_SENTENCE_CHARS = 600


def indexed_sentences(text: str) -> list[str]:
    """The sentences of a passage worth indexing by meaning."""
    out = []
    for start, end in sentence_spans(text):
        sentence = " ".join(text[start:end].split())
        if len(sentence) >= MIN_SENTENCE_CHARS:
            out.append(sentence[:MAX_SENTENCE_CHARS])
    return out


def document_metadata(doc: DocumentRecord) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "doc_hash": doc.content_hash,
        "collection": doc.collection,
        "year": doc.year if doc.year is not None else NO_YEAR,
        "access": doc.access or "public",
    }
    for iso3 in doc.countries:
        meta[f"c_{iso3}"] = True
    return meta


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "ordinal": chunk.ordinal,
        "page": chunk.page if chunk.page is not None else NO_PAGE,
        "page_label": chunk.page_label or "",
        "section": chunk.section or "",
        "start": chunk.start,
        "end": chunk.end,
        "kind": chunk.kind,
    }


def chunk_from_metadata(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    page = int(meta.get("page", NO_PAGE))
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        ordinal=int(meta.get("ordinal", 0)),
        text=text,
        page=None if page == NO_PAGE else page,
        page_label=str(meta.get("page_label") or "") or None,
        section=str(meta.get("section") or "") or None,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        kind=str(meta.get("kind", "text")),
        doc_hash=str(meta.get("doc_hash", "")),
    )


def build_where(
    *,
    countries: Sequence[str] = (),
    collections: Sequence[str] = (),
    year_from: int | None = None,
    year_to: int | None = None,
    documents: Sequence[str] = (),
    access: Sequence[str] | None = ("public",),
) -> dict[str, Any] | None:
    """Translate filters into a Chroma ``where`` clause (None when nothing restricts)."""
    clauses: list[dict[str, Any]] = []
    if countries:
        ors = [{f"c_{c}": True} for c in countries]
        clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
    if collections:
        clauses.append({"collection": {"$in": list(collections)}})
    if year_from is not None:
        clauses.append({"year": {"$gte": year_from}})
    if year_to is not None:
        clauses.append({"year": {"$lte": year_to}})
        clauses.append({"year": {"$gte": 0}})
    if documents:
        clauses.append({"doc_id": {"$in": list(documents)}})
    allowed = granted(access)
    if allowed is not None:  # None means everything (operators, ingestion)
        clauses.append({"access": {"$in": sorted(allowed)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


START_IT = "Start it (chroma run) or check RAG_CHROMA_HOST and RAG_CHROMA_PORT; then retry."


def _timeout(seconds: float) -> Any:
    """The waits of every request to the Chroma server: ``seconds``, connecting at most 5 s."""
    import httpx

    return httpx.Timeout(seconds, connect=min(seconds, HTTP_CONNECT_TIMEOUT_S))


def _heartbeat(host: str, port: int, seconds: float) -> None:
    import httpx

    try:
        url = f"http://{host}:{port}/api/v2/heartbeat"
        httpx.get(url, timeout=_timeout(seconds)).raise_for_status()
    except httpx.TimeoutException as exc:
        raise TimeoutError(f"no answer to a heartbeat within {seconds:g} s") from exc


def _limit_waits(client: Any, seconds: float) -> None:
    """Give the HTTP client's connection pool timeouts (it has none), so a silent server fails a
    request with :class:`StoreUnavailable` instead of holding it forever."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = _timeout(seconds)
    else:  # a chromadb that builds its client differently: say so rather than hang unnoticed
        log.warning(
            "cannot set timeouts on the Chroma HTTP client; a frozen server may hang requests"
        )


def _looks_like_connection_error(exc: BaseException) -> bool:
    names = {type(e).__name__ for e in _chain(exc)}
    text = str(exc).lower()
    return bool(
        names
        & {
            "ConnectError",
            "ConnectTimeout",
            "ReadTimeout",
            "WriteTimeout",
            "PoolTimeout",
            "RemoteProtocolError",
            "ConnectionError",
        }
        or "connection" in text
        or "could not connect" in text
    )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        yield current
        current = current.__cause__ or current.__context__
        seen += 1
