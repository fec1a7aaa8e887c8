"""The ingestion pipeline: find files, parse, chunk, embed, store; incremental and crash-safe.

One run:

1. **Recover.** Documents a crashed run left *pending* in the catalogue are removed from Chroma;
   after a crash, passages of documents the catalogue does not know (orphans) are swept too.
2. **Data first.** Indicator tables (CSV/XLSX) go into the indicator table, and one country
   profile per country is (re)generated from it; the profiles are ingested like any document.
3. **Documents.** Each new or changed file is parsed and chunked in a worker thread while the
   main thread embeds and writes the previous one (the embedder is the bottleneck, so parsing
   hides behind it). Writes follow the catalogue's begin/commit protocol.
4. **Keyword index.** Rebuilt from the store when anything changed, saved atomically.

Every file ends up in the report as ``ingested``, ``unchanged``, ``failed``, ``needs_ocr`` or
``skipped`` with a reason; one bad file never stops the others.

What makes a file private must hold, or the file stays out:

- **Sidecars.** A file whose ``<file>.meta.json`` cannot be read or holds invalid values fails
  (and a version ingested before is withdrawn, indicator rows included): it may be the one that
  marks the file private. The resolved metadata (access, collection, countries...) is part of
  the change check, so editing a sidecar re-ingests the document.
- **Links.** A file is ingested from its own place only. A symbolic link (or a path through a
  linked folder) is skipped and reported: its target may be outside every folder being ingested,
  or a file ingested under its own path, id and sidecar (a private one).
- **Ids.** A document id belongs to one file. A second file with the same id (two corpus
  folders with the same name, or a file whose id a still-present file holds) fails; nothing is
  overwritten.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.embedding import Embedder, MultilingualEmbedder
from assistant.errors import AssistantError, StoreError
from assistant.models import PUBLIC, Chunk, DocumentRecord
from assistant.sentences import answer_sentences
from assistant.storage import Stores, lexicon
from assistant.storage.catalog import Catalog
from assistant.storage.database import DatabaseError
from assistant.storage.indicators import IndicatorTable, RestrictedIndicatorTable
from assistant.storage.keyword import KeywordIndex, rebuild_from_store
from assistant.storage.vectors import (
    SENTENCE_INDEX,
    SENTENCE_VECTORS,
    SENTENCE_VECTORS_IN_LINE,
    SentenceIndex,
    SentenceVectors,
    VectorStore,
)

from .chunking import chunk_document
from .metadata import Catalogue, DocMeta, make_doc_id, resolve_metadata
from .parsers.base import ParsedDocument, ParseFailure

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = {".pdf", ".md", ".markdown", ".rst", ".txt", ".html", ".htm", ".docx"}
TABLE_SUFFIXES = {".csv", ".xlsx"}
SKIP_NAMES = {".collection", ".ds_store", "thumbs.db", ".ingestignore"}
CATALOGUE_FILE = "catalogue.json"
IGNORE_FILE = ".ingestignore"  # glob patterns (one a line, relative to the folder) not to ingest
# Bump when parsing, chunking or metadata rules change: every document is then ingested again.
# 3: indicator rows keep their document's id; metadata is part of the change check.
PIPELINE_VERSION = 3
# Files of a type whose reading rules changed since PIPELINE_VERSION are read again (and only
# they). CSV: 2, tables of questions and answers skipped; 3, bibliographies read as records
# (ingest/sheets.py). PDF: 2, a UN document's symbol in its title, its year from the symbol or
# the date it was issued; 3, the title from its title block, doubtful pages checked by OCR in
# their own language, labels of short documents; 4, folios read from the lines nearest the page's
# edges by position, a UN document's date of issue, symbol and language kept; 5, the UN body it is
# issued to (ingest/parsers/pdf.py).
READER_VERSIONS: dict[str, int] = {".csv": 3, ".pdf": 5}
# A write that fails with less than this free beside the store is reported as a full disk: Chroma
# and SQLite do not always pass ENOSPC on ("Error in compaction", "disk I/O error").
LOW_SPACE_BYTES = 64 * 2**20
# Room a document needs on the store's disk before it is written (else it is reported, not
# written): SQLite journals, plus per passage its text, vector, metadata and full-text index in
# Chroma (about 16 KB measured; four times that to be safe).
DISK_RESERVE_BYTES = 2 * 2**20
DISK_PER_PASSAGE_BYTES = 64 * 2**10


@dataclass
class FileReport:
    path: str
    status: str  # ingested, unchanged, failed, needs_ocr, skipped
    reason: str | None = None
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    timings: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(
            ("parse", "chunk", "embed", "sentences", "store", "index", "total"), 0.0
        )
    )
    pruned: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    indicator_rows: int = 0
    profiles: int = 0
    keyword_rebuilt: bool = False

    @property
    def ok(self) -> bool:
        """True when no file failed or needs OCR (skipped links are reported, not failures)."""
        return all(f.status in ("ingested", "unchanged", "skipped") for f in self.files)

    def totals(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.status] = counts.get(f.status, 0) + 1
        pages = sum(f.pages for f in self.files if f.status == "ingested")
        chunks = sum(f.chunks for f in self.files if f.status == "ingested")
        total = self.timings["total"] or 1e-9
        return {
            "files": len(self.files),
            **{
                status: counts.get(status, 0)
                for status in ("ingested", "unchanged", "failed", "needs_ocr", "skipped")
            },
            "pages": pages,
            "chunks": chunks,
            "pages_per_second": round(pages / total, 2),
            "chunks_per_second": round(chunks / total, 2),
            "indicator_rows": self.indicator_rows,
            "profiles": self.profiles,
            "pruned": len(self.pruned),
            "recovered": len(self.recovered),
            "keyword_index_rebuilt": self.keyword_rebuilt,
            "seconds": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        return {"files": [asdict(f) for f in self.files], "totals": self.totals()}


@dataclass
class _File:
    """A discovered file with its document id and the metadata known before parsing (sidecar,
    comment, catalogue entry, folders): enough to check access, ids and changes."""

    path: Path
    root: Path
    source: str
    doc_id: str
    meta: DocMeta


@dataclass
class _Work:
    """A file to ingest, with everything the main thread needs once parsing is done."""

    path: Path
    root: Path
    source: str
    doc_id: str
    content_hash: str
    version: str  # content hash and metadata: what the change check compares
    parsed: ParsedDocument | None = None
    chunks: list[Chunk] = field(default_factory=list)
    record: DocumentRecord | None = None
    failure: ParseFailure | None = None
    parse_seconds: float = 0.0
    chunk_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[str, dict[str, Any]], None]


class Pipeline:
    """Ingests folders into the store described by ``settings``."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: VectorStore | None = None,
        catalog: Catalog | None = None,
        embedder: Embedder | None = None,
        keyword: KeywordIndex | None = None,
        indicators: IndicatorTable | None = None,
    ) -> None:
        self.settings = settings
        stores = Stores.from_settings(
            settings, vectors=store, catalog=catalog, keyword=keyword, indicators=indicators
        )
        self.store = stores.vectors
        self.catalog = stores.catalog
        self.keyword = stores.keyword
        self.indicators = stores.indicators
        self.embedder = embedder or Embedder(
            batch_size=settings.embed_batch_size, threads=settings.embed_threads or None
        )
        self.multilingual = MultilingualEmbedder()

    # --- public ---------------------------------------------------------------------------
    def run(
        self,
        paths: list[Path] | None = None,
        *,
        rebuild: bool = False,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> Report:
        """Ingest ``paths`` (default: the corpus folders).

        A document that does not fit on the store's disk is reported as failed and not written.
        A write that fails all the same for lack of space stops the run with a
        :class:`StoreError` that says so; what was committed before stays whole, and the next
        run (once there is room) sweeps the interrupted document and carries on."""
        try:
            return self._run(paths, rebuild=rebuild, prune=prune, progress=progress)
        except (OSError, AssistantError, *DatabaseError) as exc:  # type: ignore[misc]
            full = _no_space_left(self.settings.data_dir, exc)
            if full is None:
                raise
            raise StoreError(full) from exc
        finally:
            self.store.settle()  # what was written, written out here, not by the API's workers

    def _run(
        self,
        paths: list[Path] | None,
        *,
        rebuild: bool,
        prune: bool,
        progress: Progress | None,
    ) -> Report:
        started = time.perf_counter()
        report = Report()
        notify = progress or (lambda event, data: None)
        roots = [Path(p) for p in (paths or self.settings.corpus_dirs)]
        for root in roots:
            if not root.exists():
                report.files.append(
                    FileReport(str(root), "failed", f"no such file or folder: {root}")
                )
        roots = [r for r in roots if r.exists()]

        changed = self._recover(report)
        fingerprint = self._fingerprint()
        stale = self.catalog.get_state("fingerprint") not in (None, fingerprint)
        if rebuild or stale:
            if stale and not rebuild:
                log.warning("ingestion settings or version changed: ingesting everything again")
            changed |= self._drop_everything()
        self.catalog.set_state("fingerprint", fingerprint)
        self.catalog.set_state("run_active", str(time.time()))

        found = self._discover(roots, report)
        notify("start", {"files": len(found)})
        catalogue = self._catalogue([*found, (self.settings.data_dir, self.settings.data_dir)])
        claimed: dict[str, Path] = {}
        files, withdrawn = self._plan(found, catalogue, claimed, report)
        changed |= withdrawn
        data_files = [f for f in files if f.path.suffix.lower() in TABLE_SUFFIXES]
        changed |= self._ingest_indicators(data_files, report)
        profile_paths = self._write_profiles(report, self._public_data(data_files))
        changed |= self._withdraw_stale_profiles(profile_paths)
        profiles, withdrawn = self._plan(
            [(p, self.settings.data_dir) for p in profile_paths], catalogue, claimed, report
        )
        changed |= withdrawn
        doc_files = files + profiles
        changed |= self._ingest_documents(doc_files, catalogue, report, notify)

        if prune:
            discovered = {str(f.path.resolve()) for f in doc_files}
            data_ids = {f.doc_id for f in data_files}
            changed |= self._prune([*roots, self.settings.data_dir], discovered, data_ids, report)
        self._sync_sentences(changed, report, notify)
        generation = self.catalog.generation()
        if changed or not self.keyword.load() or self.keyword.generation != generation:
            t0 = time.perf_counter()
            self.rebuild_keyword_index()
            report.timings["index"] += time.perf_counter() - t0
            report.keyword_rebuilt = True
        self._rebuild_lexicon(report)
        self.catalog.set_state("run_active", None)
        # when the store was last brought up to date (the Slack App Home shows it)
        self.catalog.set_state("last_ingest", datetime.now(UTC).isoformat(timespec="seconds"))
        report.timings["total"] = time.perf_counter() - started
        notify("done", report.totals())
        return report

    def _sync_sentences(self, changed: bool, report: Report, notify: Progress) -> None:
        """Keep the multilingual sentence index (``SENTENCE_INDEX``: the API searches by meaning
        only while it is in line) and the sentence vectors (``SENTENCE_VECTORS``) in line with
        the stored passages (see :meth:`_sync_beside`)."""
        self._sync_beside(
            self.store.sentences,
            (SENTENCE_INDEX, "in line"),
            self._index_sentences,
            changed,
            report,
            notify,
        )
        self._sync_beside(
            self.store.sentence_vectors,
            (SENTENCE_VECTORS, SENTENCE_VECTORS_IN_LINE),
            self._store_sentence_vectors,
            changed,
            report,
            notify,
        )

    def _index_sentences(self, record: DocumentRecord, chunks: list[Chunk]) -> int:
        """Index a document's sentences by meaning (the multilingual model)."""
        assert self.store.sentences is not None
        return self.store.sentences.add(record, chunks, self.multilingual.embed)

    def _store_sentence_vectors(self, record: DocumentRecord, chunks: list[Chunk]) -> int:
        """Store the vectors of the sentences answers choose from in a document's passages."""
        assert self.store.sentence_vectors is not None
        sentences = answer_sentences(record, chunks)
        return self.store.sentence_vectors.add(record, sentences, self.embedder.embed)

    def _sync_beside(
        self,
        index: SentenceIndex | SentenceVectors | None,
        state: tuple[str, str],
        write: Callable[[DocumentRecord, list[Chunk]], int],
        changed: bool,
        report: Report,
        notify: Progress,
    ) -> None:
        """Keep ``index``, kept beside the passages, in line with them, and say so in the
        catalogue (``state``: the state's key and the value that says it is in line; a store in
        line by another value, made by another version of what the index holds, is written
        again whole).

        A run with the index on writes and deletes the sentences of what it changes. A run with
        it off cannot: when it changed anything, the index is marked out of line. The next run
        with it on (or the first) then reads both and mends the difference: the documents stored
        meanwhile are indexed from their stored passages (nothing is parsed or embedded again),
        and what it holds of documents no longer stored, or of an older version of one, is
        removed. A document counts as indexed once its last sentence is stored, so a run stopped
        half-way is mended the same way (and one without a sentence to store, a table, is read
        again at each mend: nothing is embedded for it)."""
        key, in_line = state
        if index is None:
            if changed:
                self.catalog.set_state(key, None)
            return
        now = self.catalog.get_state(key)
        if now == in_line:
            return
        stored = self.store.doc_versions()
        indexed = index.doc_versions()
        for doc_id, version in indexed.items():
            if stored.get(doc_id) != version or now is not None:
                index.delete_document(doc_id)
        if now is not None:  # made by another version: all of it again
            indexed = {}
        records = self.catalog.documents()
        missing = [d for d, v in stored.items() if indexed.get(d) != v and d in records]
        if missing:
            purpose = {
                SENTENCE_INDEX: "for questions in other languages",
                SENTENCE_VECTORS: "for answers to read",
            }[key]
            notify("sentences", {"documents": len(missing), "for": purpose})
            t0 = time.perf_counter()
            for doc_id in missing:
                index.delete_document(doc_id)  # what a stopped run left of it
                write(records[doc_id], self.store.document_chunks(doc_id))
            report.timings["sentences"] += time.perf_counter() - t0
            log.info("%s: the sentences of %d stored documents written", key, len(missing))
        self.catalog.set_state(key, in_line)

    def _fingerprint(self) -> str:
        """What the stored passages depend on besides the files themselves."""
        s = self.settings
        return f"v{PIPELINE_VERSION}:{s.embedding_model}:{s.chunk_size}:{s.chunk_overlap}:{s.ocr}"

    def _rebuild_lexicon(self, report: Report) -> None:
        """Build the lexicon that reads a question's words in English
        (``assistant.storage.lexicon``) when the search by meaning is on and the saved one is
        not of this generation. A failure costs the run nothing: it is derived data, logged, and
        the API builds it when it finds it missing or stale."""
        if self.store.sentences is None:
            return
        path = lexicon.saved_beside(self.keyword.path)
        if lexicon.Lexicon.saved_generation(path) == self.catalog.generation():
            return
        t0 = time.perf_counter()
        try:
            lexicon.rebuild_from_store(path, self.store, self.catalog, self.multilingual.embed)
        except (AssistantError, OSError) as exc:
            log.warning("the lexicon could not be built (%s); the API builds it when asked", exc)
        report.timings["index"] += time.perf_counter() - t0

    def rebuild_keyword_index(self) -> int:
        """Rebuild BM25 from the store's passages (titles and sections included)."""
        return rebuild_from_store(self.keyword, self.store, self.catalog)

    # --- recovery -------------------------------------------------------------------------
    def _recover(self, report: Report) -> bool:
        """Undo what a crashed run left half-written. True if anything was removed."""
        changed = False
        for doc in self.catalog.pending():
            self.store.delete_document(doc.doc_id)
            self.catalog.remove(doc.doc_id)
            report.recovered.append(doc.source)
            log.warning("recovered half-written document %s (%s)", doc.doc_id, doc.source)
            changed = True
        if self.catalog.get_state("run_active") is not None:
            known = set(self.catalog.documents())
            for doc_id in self.store.all_doc_ids() - known:
                self.store.delete_document(doc_id)
                report.recovered.append(doc_id)
                log.warning("removed orphan passages of %s", doc_id)
                changed = True
        return changed

    def _drop_everything(self) -> bool:
        for doc_id in list(self.catalog.documents()):
            self.store.delete_document(doc_id)
            self.catalog.remove(doc_id)
        for doc_id in self.store.all_doc_ids():
            self.store.delete_document(doc_id)
        for path, *_ in self.catalog.files():
            self.catalog.forget_file(path)
        for doc_id, _ in self.indicators.files():
            self.indicators.remove_document(doc_id)
        return True

    def _withdraw(self, doc_id: str, why: str) -> bool:
        """Remove a document and its indicator rows (a version that must no longer be shown).
        True if there was anything to remove."""
        doc = self.catalog.documents().get(doc_id)
        removed = self.indicators.remove_document(doc_id) > 0
        self.catalog.forget_file(f"indicators:{doc_id}")
        if doc is None:
            return removed
        self.store.delete_document(doc_id)
        self.catalog.remove(doc_id)
        self.catalog.forget_file(doc.path)
        log.warning("withdrew %s (%s): %s", doc_id, doc.source, why)
        return True

    # --- discovery ------------------------------------------------------------------------
    def _discover(self, roots: list[Path], report: Report) -> list[tuple[Path, Path]]:
        """(file, its corpus folder) for every file to ingest under ``roots``.

        A file is taken from its own place only, the rule the file route applies when it
        serves originals: whatever is reached through a symbolic link (the file or a folder on
        its way) is skipped and reported, whether its target lies outside every folder being
        ingested, is a file ingested itself (under its own id and sidecar, perhaps private) or
        is one left out (hidden or ignored). A file reached twice (overlapping folders) is
        ingested once."""
        found: list[tuple[Path, Path]] = []
        links: list[tuple[Path, Path]] = []
        seen: set[Path] = set()
        for root in roots:
            candidates = [root] if root.is_file() else sorted(root.rglob("*"))
            base = root.parent if root.is_file() else root
            ignored = list(self.settings.ingest_ignore)
            ignored += _ignore_patterns(base) if root.is_dir() else []
            for path in candidates:
                if path.is_dir() or path in seen or _skip(path, base):
                    continue
                if path != root and _ignored(_relative(path, base), ignored):
                    continue
                seen.add(path)
                (links if _through_link(path, base) else found).append((path, base))
        kept: dict[Path, Path] = {}
        files: list[tuple[Path, Path]] = []
        for path, base in found:
            real = path.resolve()
            if real in kept:
                why = f"the same file is already ingested from {kept[real]}"
                report.files.append(FileReport(str(path), "skipped", why))
                continue
            kept[real] = path
            files.append((path, base))
        inside = [(r.parent if r.is_file() else r).resolve() for r in roots]
        for path, _ in links:
            report.files.append(FileReport(str(path), "skipped", _link_reason(path, kept, inside)))
            log.warning("skipped %s: %s", path, report.files[-1].reason)
        return files

    def _plan(
        self,
        found: list[tuple[Path, Path]],
        catalogue: Catalogue,
        claimed: dict[str, Path],
        report: Report,
    ) -> tuple[list[_File], bool]:
        """The files that may be ingested, with their ids and metadata, and whether anything was
        withdrawn. A file whose sidecar is invalid fails, and the version ingested before is
        withdrawn (it may have been public by mistake); a file whose id another file holds
        (``claimed`` in this run, or a file still on disk in the catalogue) fails, and the other
        document stays as it is."""
        ready = self.catalog.documents()
        files: list[_File] = []
        withdrawn = False
        for path, root in found:
            source = _source(path, root)
            doc_id = self._doc_id(root, source)
            holder = claimed.get(doc_id) or _holder(ready.get(doc_id), path)
            if holder is not None:
                reason = (
                    f"its document id {doc_id} already belongs to {holder} (two corpus folders "
                    f"named {root.name!r} hold the same path?); rename one of them: nothing was "
                    "overwritten"
                )
                report.files.append(FileReport(str(path), "failed", reason))
                continue
            claimed[doc_id] = path
            meta = resolve_metadata(path, root, None, catalogue)
            if meta.errors:
                reason = (
                    f"{'; '.join(meta.errors)}: not ingested until the sidecar is fixed "
                    "(it may be what marks the file private)"
                )
                report.files.append(FileReport(str(path), "failed", reason))
                withdrawn |= self._withdraw(doc_id, "its sidecar is invalid")
                continue
            files.append(_File(path, root, source, doc_id, meta))
        return files, withdrawn

    # --- indicator data -------------------------------------------------------------------
    def _ingest_indicators(self, files: list[_File], report: Report) -> bool:
        """Load the rows of each new or changed data file, stored with its document id."""
        from .parsers.tables import UnknownLayout, parse_indicator_file

        changed = False
        for f in files:
            try:
                digest = file_hash(f.path)
            except OSError:
                continue  # reported when the file is ingested as a document
            key = f"indicators:{f.doc_id}"
            previous = self.catalog.file_state(key)
            if previous and previous[0] == digest:
                continue
            try:
                rows = parse_indicator_file(f.path, f.source)
            except UnknownLayout as exc:
                changed |= self.indicators.remove_document(f.doc_id) > 0
                self.catalog.record_file(key, digest, "not_indicator", str(exc))
                continue
            except ParseFailure as exc:
                changed |= self.indicators.remove_document(f.doc_id) > 0
                self.catalog.record_file(key, digest, "failed", exc.reason)
                continue
            self.indicators.replace_source(f.source, rows, doc_id=f.doc_id)
            self.catalog.record_file(key, digest, "indicator", f"{len(rows)} indicator values")
            report.indicator_rows += len(rows)
            changed = True
        return changed

    def _public_data(self, data_files: list[_File]) -> set[str]:
        """Ids of the public data documents, the only ones profiles may quote: public in this
        run's metadata, or (for files not in this run) in the catalogue. Rows of any other
        document (private, withdrawn, stored without an id) are left out."""
        public = {d.doc_id for d in self.catalog.documents().values() if d.access == PUBLIC}
        for f in data_files:
            if f.meta.access == PUBLIC:
                public.add(f.doc_id)
            else:
                public.discard(f.doc_id)
        return public

    def _write_profiles(self, report: Report, public: set[str]) -> list[Path]:
        """(Re)write the country profiles from the rows of the ``public`` data documents; the
        profiles of countries left without public data are deleted."""
        from .profiles import build_profiles

        if not self.indicators.sources() and not self.settings.profiles_dir.is_dir():
            return []
        with RestrictedIndicatorTable(self.indicators.path, public) as table:
            paths = build_profiles(table, self.settings.profiles_dir)
        report.profiles = len(paths)
        return paths

    def _withdraw_stale_profiles(self, current: list[Path]) -> bool:
        """Remove from the store the profiles :meth:`_write_profiles` deleted: their figures may
        come from a data file that is private now. True if any was removed."""
        folder = self.settings.profiles_dir.resolve()
        kept = {str(p.resolve()) for p in current}
        stale = [
            d.doc_id
            for d in self.catalog.documents().values()
            if Path(d.path).parent == folder and d.path not in kept
        ]
        return any([self._withdraw(doc_id, "no public data left for it") for doc_id in stale])

    # --- documents ------------------------------------------------------------------------
    def _ingest_documents(
        self, files: list[_File], catalogue: Catalogue, report: Report, notify: Progress
    ) -> bool:
        ready = self.catalog.documents()
        todo: list[_Work] = []
        for f in files:
            path = f.path
            try:
                digest = file_hash(path)
            except OSError as exc:
                report.files.append(
                    FileReport(str(path), "failed", f"cannot read the file: {exc.strerror or exc}")
                )
                continue
            version = f"{digest}:{f.meta.change_key()}{_rules_of(path)}"
            existing = ready.get(f.doc_id)
            state = self.catalog.file_state(str(path.resolve()))
            if (
                existing
                and existing.content_hash == digest
                and existing.path == str(path.resolve())
                and state == (version, "ingested", None)
            ):
                report.files.append(
                    FileReport(str(path), "unchanged", None, existing.pages, existing.chunks)
                )
                continue
            if (
                state
                and state[0] == version
                and state[1] in ("failed", "needs_ocr")
                and not existing
            ):
                report.files.append(FileReport(str(path), state[1], state[2]))
                continue
            todo.append(_Work(path, f.root, f.source, f.doc_id, digest, version))
        notify("plan", {"todo": len(todo), "unchanged": len(files) - len(todo)})
        if not todo:
            return False

        results: queue.Queue[_Work | None] = queue.Queue(maxsize=3)
        worker = threading.Thread(
            target=self._parse_all,
            args=(todo, catalogue, results),
            name="ingest-parse",
            daemon=True,
        )
        worker.start()
        changed = False
        while True:
            work = results.get()
            if work is None:
                break
            report.timings["parse"] += work.parse_seconds
            report.timings["chunk"] += work.chunk_seconds
            file_report = self._store_one(work, report)
            report.files.append(file_report)
            changed |= file_report.status == "ingested"
            notify("file", asdict(file_report))
        worker.join()
        return changed

    def _parse_all(
        self, todo: list[_Work], catalogue: Catalogue, out: queue.Queue[_Work | None]
    ) -> None:
        try:
            for work in todo:
                self._parse_one(work, catalogue)
                out.put(work)
        finally:
            out.put(None)

    def _parse_one(self, work: _Work, catalogue: Catalogue) -> None:
        t0 = time.perf_counter()
        try:
            parsed = parse_file(work.path, self.settings)
        except ParseFailure as exc:
            work.failure = exc
            work.parse_seconds = time.perf_counter() - t0
            return
        except Exception as exc:  # a parser bug must not stop the run: report it by name
            log.exception("parser crashed on %s", work.path)
            work.failure = ParseFailure(f"unexpected parser error: {type(exc).__name__}: {exc}")
            work.parse_seconds = time.perf_counter() - t0
            return
        work.parse_seconds = time.perf_counter() - t0
        t1 = time.perf_counter()
        meta = resolve_metadata(work.path, work.root, parsed, catalogue)
        if meta.errors:  # the sidecar changed since the run began
            work.failure = ParseFailure(f"{'; '.join(meta.errors)}: not ingested")
            return
        work.warnings = list(meta.warnings)
        doc_id = work.doc_id
        work.parsed = parsed
        work.chunks = chunk_document(
            doc_id, parsed, max_words=self.settings.chunk_size, overlap=self.settings.chunk_overlap
        )
        work.record = DocumentRecord(
            doc_id=doc_id,
            source=work.source,
            path=str(work.path.resolve()),
            title=meta.title,
            collection=meta.collection,
            countries=list(meta.countries),
            year=meta.year,
            url=meta.url,
            content_hash=work.content_hash,
            pages=sum(1 for p in parsed.pages if p.number is not None) or len(parsed.pages),
            chunks=len(work.chunks),
            access=meta.access,
            symbol=meta.symbol,
            language=meta.language,
            issued=meta.issued,
            body=meta.body,
        )
        work.chunk_seconds = time.perf_counter() - t1

    def _doc_id(self, root: Path, source: str) -> str:
        """Stable id: the corpus folder's name and the path inside it (generated files: the path)."""
        if root.resolve() == self.settings.data_dir.resolve():
            return make_doc_id(source)
        return make_doc_id(f"{root.name}/{source}")

    def _store_one(self, work: _Work, report: Report) -> FileReport:
        key = str(work.path.resolve())
        started = time.perf_counter()
        if work.failure is not None:
            if work.failure.status == "skipped":  # indexed by an earlier version: take it out
                self._withdraw(work.doc_id, work.failure.reason)
            self.catalog.record_file(key, work.version, work.failure.status, work.failure.reason)
            return FileReport(
                str(work.path),
                work.failure.status,
                work.failure.reason,
                seconds=round(work.parse_seconds, 3),
            )
        assert work.record is not None and work.parsed is not None
        record = work.record
        if not work.chunks:
            reason = "no text to index (the file is empty or has no readable text)"
            self.catalog.record_file(key, work.version, "failed", reason)
            return FileReport(str(work.path), "failed", reason, record.pages)
        short = self._short_of_space(len(work.chunks))
        if short is not None:  # not recorded: the file is tried again once there is room
            return FileReport(str(work.path), "failed", short, record.pages)
        t0 = time.perf_counter()
        title = record.title
        vectors = self.embedder.embed([embedding_text(title, c) for c in work.chunks])
        report.timings["embed"] += time.perf_counter() - t0
        t1 = time.perf_counter()
        self.catalog.begin(record)
        self.store.delete_document(record.doc_id)
        self.store.add(record, work.chunks, vectors)
        for beside, write in (
            (self.store.sentences, self._index_sentences),
            (self.store.sentence_vectors, self._store_sentence_vectors),
        ):
            if beside is not None:
                t2 = time.perf_counter()
                write(record, work.chunks)
                report.timings["sentences"] += time.perf_counter() - t2
                t1 += time.perf_counter() - t2  # counted as its own step, not as storing
        self.catalog.commit(record)
        self.catalog.record_file(key, work.version, "ingested", None)
        report.timings["store"] += time.perf_counter() - t1
        notes = list(work.parsed.notes) + list(work.warnings)
        if work.parsed.unreadable_pages:
            notes.append(f"unreadable pages left out: {_ranges(work.parsed.unreadable_pages)}")
        return FileReport(
            str(work.path),
            "ingested",
            "; ".join(notes) or None,
            record.pages,
            len(work.chunks),
            round(work.parse_seconds + work.chunk_seconds + time.perf_counter() - started, 3),
        )

    def _short_of_space(self, passages: int) -> str | None:
        """Why a document of ``passages`` must not be written now, if the store's disk is too
        full for it. Stopping before the write keeps the store readable: a write that fails half
        way leaves Chroma with logs it cannot apply, and every search fails until space is freed."""
        need = DISK_RESERVE_BYTES
        if self.settings.chroma_mode == "embedded":
            need += passages * DISK_PER_PASSAGE_BYTES
        try:
            free = shutil.disk_usage(self.settings.data_dir).free
        except OSError:
            return None
        if free >= need:
            return None
        return (
            f"not ingested: no space left on the disk that holds the store {self.settings.data_dir} "
            f"({free // 1024} KB free, about {need // 1024} KB needed for its {passages} passages); "
            "free some space and run ingestion again"
        )

    def _prune(
        self, roots: list[Path], discovered: set[str], data_ids: set[str], report: Report
    ) -> bool:
        """Remove documents whose files are gone or now ignored (only under this run's folders),
        and indicator rows of data files that are neither in this run (``data_ids``) nor a
        document in the catalogue."""
        changed = False
        resolved = [r.resolve() for r in roots]
        for doc in list(self.catalog.documents().values()):
            path = Path(doc.path)
            if doc.path in discovered or not any(_is_under(path, r) for r in resolved):
                continue
            self.store.delete_document(doc.doc_id)
            self.catalog.remove(doc.doc_id)
            self.catalog.forget_file(doc.path)
            report.pruned.append(doc.source)
            changed = True
        known = set(self.catalog.documents()) | data_ids
        for doc_id, _ in self.indicators.files():
            if doc_id not in known:
                self.indicators.remove_document(doc_id)
                changed = True
        return changed

    def _catalogue(self, files: list[tuple[Path, Path]]) -> Catalogue:
        """The catalogue.json files found at the roots being ingested (merged)."""
        paths = sorted(
            {root / CATALOGUE_FILE for _, root in files if (root / CATALOGUE_FILE).exists()}
        )
        return Catalogue.load_many(paths)


# --- helpers ---------------------------------------------------------------------------------


def _rules_of(path: Path) -> str:
    """The part of a file's version that says which rules read it ("" for the first rules)."""
    rules = READER_VERSIONS.get(path.suffix.lower(), 1)
    return f":r{rules}" if rules > 1 else ""


def parse_file(path: Path, settings: Settings) -> ParsedDocument:
    """Pick the parser by content and suffix."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from .parsers.pdf import parse_pdf

        return parse_pdf(path, ocr=settings.ocr, ocr_language=settings.ocr_language)
    if suffix == ".csv":
        from .sheets import parse_csv_text

        return parse_csv_text(path)
    if suffix == ".xlsx":
        from .sheets import parse_xlsx_text

        return parse_xlsx_text(path)
    from .parsers.text import PARSERS

    parser = PARSERS.get(suffix)
    if parser is None:
        supported = ", ".join(sorted(DOCUMENT_SUFFIXES | TABLE_SUFFIXES))
        raise ParseFailure(f"unsupported file type {suffix or '(none)'!r}; supported: {supported}")
    return parser(path)


def embedding_text(title: str, chunk: Chunk) -> str:
    """What the embedder sees: the passage with its document title and section for context."""
    parts = [title]
    if chunk.section and chunk.section != title:
        parts.append(chunk.section)
    parts.append(chunk.text)
    return "\n".join(parts)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _source(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _relative(path: Path, base: Path) -> str:
    """``path`` relative to the folder it was found in, as found (links not followed)."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def _through_link(path: Path, base: Path) -> bool:
    """True when ``path`` is, or is reached through, a symbolic link below ``base``."""
    try:
        return path.resolve() != base.resolve() / path.relative_to(base)
    except (OSError, RuntimeError, ValueError):
        return True


def _link_reason(path: Path, kept: dict[Path, Path], inside: list[Path]) -> str:
    """Why the linked file ``path`` is skipped, naming its target."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "a symbolic link whose target cannot be found: not ingested"
    if not any(real.is_relative_to(folder) for folder in inside):
        return f"a symbolic link to {real}, outside the folders being ingested: not ingested"
    if real in kept:
        return (
            f"a symbolic link to {kept[real]}, which is ingested itself (with its own id and "
            "sidecar): not ingested twice"
        )
    return f"a symbolic link to {real}, which is left out of ingestion (hidden or ignored)"


def _holder(existing: DocumentRecord | None, path: Path) -> str | None:
    """The file that holds a document id in the catalogue when it is not ``path`` and is still
    on disk (a file that moved gives its id up)."""
    if existing is None or existing.path == str(path.resolve()):
        return None
    return existing.path if Path(existing.path).is_file() else None


def _skip(path: Path, root: Path) -> bool:
    name = path.name.lower()
    if name in SKIP_NAMES or name == CATALOGUE_FILE or name.endswith(".meta.json"):
        return True
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = (path.name,)
    return any(part.startswith(".") for part in parts)


def _ignore_patterns(root: Path) -> list[str]:
    try:
        lines = (root / IGNORE_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(source: str, patterns: list[str]) -> bool:
    name = source.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(source, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _no_space_left(data_dir: Path, exc: BaseException) -> str | None:
    """A message for a write that failed because the store's disk is full, else None."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    said = any(
        (isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT))
        or any(s in str(e).lower() for s in ("no space left", "disk is full", "quota exceeded"))
        for e in chain
    )
    where = data_dir
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        free: int | None = shutil.disk_usage(where).free
    except OSError:
        free = None
    if not said and (free is None or free >= LOW_SPACE_BYTES):
        return None
    left = f"{free // 1024} KB free" if free is not None else "free space unknown"
    return (
        f"No space left on the disk that holds the store {data_dir} ({left}); the write failed "
        f"with: {exc}. The documents ingested before are intact: free some space and run "
        "ingestion again (it sweeps any half-written document and carries on)."
    )


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except ValueError:
        return False


def _ranges(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    out: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)
