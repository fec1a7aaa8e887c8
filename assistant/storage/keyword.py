"""The keyword index: BM25 (bm25s, English stemming and stop words) over the same chunks as Chroma.

Words are what each script makes them (:func:`keyword_words`): English and other Latin-script
words as bm25s splits them, Russian words by their Snowball stems, and text written without
spaces between words (Chinese, Japanese, Thai) or with particles joined to its words (Korean) as
overlapping pairs of characters, the usual BM25 tokenisation for those scripts: "电子政务" is
"电子 子政 政务", so a Chinese question finds a Chinese passage that uses its words.

Statistics are kept per access scope: one BM25 model for the public passages and one for each
private collection, each with its own vocabulary, document frequencies and average length. A search
runs only the models of the scopes the caller may read and merges their hits by score, so the score
of a passage depends only on text of its own scope: a public caller's scores are the same whether
or not private collections exist, and reveal nothing about the words they hold. The scopes
partition the passages, so a search over every scope costs what one model over all of them would.

It is derived data. It is rebuilt from the store whenever the catalogue's generation moves on,
saved atomically next to the store with a SHA-256 of every file, and checked at load: a missing,
stale or corrupt index (a file changed, added or lost since it was written) is rebuilt from the
store with a log line, so it can never drift from Chroma for long.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.models import PUBLIC
from assistant.storage.acronyms import (
    AcronymIndex,
    count_stems,
    find_definitions,
    find_names,
)

if TYPE_CHECKING:
    from assistant.storage.catalog import Catalog
    from assistant.storage.vectors import VectorStore

log = logging.getLogger(__name__)

FORMAT = 3  # 3: words per script (keyword_words)
_META = "meta.json"


@dataclass(frozen=True)
class _Scope:
    """The BM25 model of one access value, over the chunks ``start:stop`` of the index (None when
    they hold no word but stop words)."""

    access: str
    start: int
    stop: int
    model: Any | None


@dataclass(frozen=True)
class _State:
    """Everything a search reads, swapped as one object so a search never sees half an index."""

    ids: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    doc_of_chunk: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    scopes: tuple[_Scope, ...] = ()
    generation: int = -1


class KeywordIndex:
    """BM25 over chunk texts, one model per access scope, with a per-chunk document index so
    filters apply inside the search."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # learned from the same passages, rebuilt with the index (see .acronyms)
        self.acronyms = AcronymIndex(self.path.parent / "acronyms.json")
        self._state = _State()
        self._stemmer: Any = None
        self._lock = threading.RLock()

    @property
    def generation(self) -> int:
        """The catalogue generation the index was built at (-1 before a build or load)."""
        return self._state.generation

    def __len__(self) -> int:
        return len(self._state.ids)

    # --- tokenising ---------------------------------------------------------------------
    def _tokenize(self, texts: list[str], *, as_ids: bool) -> Any:
        import bm25s
        import Stemmer

        if self._stemmer is None:
            self._stemmer = Stemmer.Stemmer("english")
        return bm25s.tokenize(
            [keyword_words(text) for text in texts],
            stopwords="en",
            stemmer=self._stemmer,
            return_ids=as_ids,
            show_progress=False,
        )

    # --- building -----------------------------------------------------------------------
    def build(
        self,
        batches: Iterable[tuple[list[str], list[str], list[dict[str, Any]]]],
        generation: int,
    ) -> int:
        """Index every (ids, texts, metadatas) batch and save atomically. Returns the chunk count.

        A chunk's scope is its metadata's ``access`` (``"public"`` when absent)."""
        import bm25s

        by_scope: dict[str, tuple[list[str], list[str], list[str]]] = {}
        definitions: list[tuple[str, str, str]] = []
        names: list[tuple[str, str]] = []
        df: dict[str, Counter[str]] = {}
        passages: Counter[str] = Counter()
        for batch_ids, batch_texts, batch_meta in batches:
            for cid, text, meta in zip(batch_ids, batch_texts, batch_meta, strict=True):
                doc_id = str(meta["doc_id"])
                definitions.extend((doc_id, a, e) for a, e in find_definitions(text))
                names.extend((doc_id, name) for name in find_names(text))
                count_stems(df, passages, str(meta.get("access") or PUBLIC), text)
                ids, texts, docs = by_scope.setdefault(
                    str(meta.get("access") or PUBLIC), ([], [], [])
                )
                ids.append(cid)
                texts.append(text)
                docs.append(str(meta["doc_id"]))
        all_ids: list[str] = []
        doc_ids: list[str] = []
        doc_index: dict[str, int] = {}
        doc_of_chunk: list[int] = []
        scopes: list[_Scope] = []
        for access in sorted(by_scope, key=lambda a: (a != PUBLIC, a)):
            ids, texts, docs = by_scope.pop(access)
            tokens = self._tokenize(texts, as_ids=True)
            model = None
            if tokens.vocab:  # not only stop words
                model = bm25s.BM25()
                model.index(tokens, show_progress=False)
            scopes.append(_Scope(access, len(all_ids), len(all_ids) + len(ids), model))
            all_ids.extend(ids)
            for doc in docs:
                if doc not in doc_index:
                    doc_index[doc] = len(doc_ids)
                    doc_ids.append(doc)
                doc_of_chunk.append(doc_index[doc])
        state = _State(
            all_ids, doc_ids, np.asarray(doc_of_chunk, dtype=np.int32), tuple(scopes), generation
        )
        with self._lock:
            self.acronyms.build(definitions, generation, names, df, passages)
            self._save(state)
            self._state = state
        return len(all_ids)

    def _save(self, state: _State) -> None:
        parent = self.path.parent
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f".{self.path.name}.tmp-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for i, scope in enumerate(state.scopes):
            if scope.model is not None:
                scope.model.save(str(tmp / f"bm25-{i}"))
        np.save(tmp / "doc_of_chunk.npy", state.doc_of_chunk)
        (tmp / "ids.json").write_text(json.dumps(state.ids), encoding="utf-8")
        (tmp / "doc_ids.json").write_text(json.dumps(state.doc_ids), encoding="utf-8")
        meta = {
            "format": FORMAT,
            "generation": state.generation,
            "count": len(state.ids),
            "scopes": [
                {"access": s.access, "start": s.start, "stop": s.stop, "model": s.model is not None}
                for s in state.scopes
            ],
            "sha256": _checksums(tmp),
        }
        # meta.json last: its presence marks a complete index
        (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
        old = parent / f".{self.path.name}.old-{os.getpid()}-{time.time_ns()}"
        if self.path.exists():
            os.replace(self.path, old)
        os.replace(tmp, self.path)
        shutil.rmtree(old, ignore_errors=True)

    # --- loading ------------------------------------------------------------------------
    def load(self) -> bool:
        """Load the saved index. False (with a log line) when it is missing or corrupt: a file
        whose SHA-256 differs from the one written with it, a file missing or added, or parts
        that disagree on the number of chunks."""
        meta_file = self.path / _META
        if not meta_file.exists():
            log.info("keyword index missing at %s", self.path)
            return False
        try:
            state = self._read(json.loads(meta_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("keyword index at %s is corrupt (%s); it will be rebuilt", self.path, exc)
            return False
        if not self.acronyms.load() or self.acronyms.generation != state.generation:
            log.info("acronyms missing or stale at %s; the index will be rebuilt", self.path)
            return False
        with self._lock:
            self._state = state
        return True

    def _read(self, meta: dict[str, Any]) -> _State:
        import bm25s

        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            found_format = meta.get("format") if isinstance(meta, dict) else None
            raise ValueError(f"format {found_format}, expected {FORMAT}")
        expected = meta.get("sha256")
        if not isinstance(expected, dict):
            raise ValueError("no checksums in meta.json")
        found = _checksums(self.path)
        changed = sorted(n for n in {*found, *expected} if found.get(n) != expected.get(n))
        if changed:
            raise ValueError(f"checksum mismatch: {', '.join(changed)}")
        ids = json.loads((self.path / "ids.json").read_text(encoding="utf-8"))
        doc_ids = json.loads((self.path / "doc_ids.json").read_text(encoding="utf-8"))
        doc_of_chunk = np.load(self.path / "doc_of_chunk.npy").astype(np.int32)
        count = int(meta["count"])
        if len(ids) != count or len(doc_of_chunk) != count:
            raise ValueError(f"{len(ids)} ids and {len(doc_of_chunk)} documents for {count}")
        if count and not 0 <= int(doc_of_chunk.min()) <= int(doc_of_chunk.max()) < len(doc_ids):
            raise ValueError("document numbers out of range")
        scopes = []
        start = 0
        for i, scope in enumerate(meta["scopes"]):
            model = bm25s.BM25.load(str(self.path / f"bm25-{i}")) if scope["model"] else None
            stop = int(scope["stop"])
            size = stop - start if model is None else model.scores["num_docs"]
            if int(scope["start"]) != start or stop <= start or size != stop - start:
                raise ValueError(f"scope {scope['access']!r} does not match its model")
            scopes.append(_Scope(str(scope["access"]), start, stop, model))
            start = stop
        if start != count:
            raise ValueError(f"scopes cover {start} of {count} chunks")
        return _State(ids, doc_ids, doc_of_chunk, tuple(scopes), int(meta["generation"]))

    # --- searching ----------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int,
        allowed_docs: Callable[[str], bool] | None = None,
        scopes: Collection[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score) for ``query``; only chunks of allowed documents, and
        only in the access ``scopes`` given (every scope when None).

        Each scope is scored with its own statistics; the hits of the scopes searched are merged
        by score."""
        state = self._state
        if not state.ids or k <= 0:
            return []
        doc_ok = None
        if allowed_docs is not None:
            doc_ok = np.fromiter(
                (allowed_docs(d) for d in state.doc_ids), dtype=bool, count=len(state.doc_ids)
            )
            if not doc_ok.any():
                return []
        tokens = self._tokenize([query], as_ids=False)
        if not any(tokens[0]):
            return []
        hits: list[tuple[int, float]] = []
        for scope in state.scopes:
            if scope.model is None or (scopes is not None and scope.access not in scopes):
                continue
            mask = None
            if doc_ok is not None:
                in_scope = doc_ok[state.doc_of_chunk[scope.start : scope.stop]]
                if not in_scope.any():
                    continue
                mask = in_scope.astype(np.float32)
            results, scores = scope.model.retrieve(
                tokens,
                k=min(k, scope.stop - scope.start),
                show_progress=False,
                weight_mask=mask,
                n_threads=0,
            )
            hits.extend(
                (scope.start + int(i), float(s))
                for i, s in zip(results[0], scores[0], strict=True)
                if s > 0
            )
        hits.sort(key=lambda hit: -hit[1])
        return [(state.ids[i], score) for i, score in hits[:k]]


# Runs of letters in scripts written without spaces between words, or (Hangul) with particles
# joined to them; and Cyrillic words.
_PAIRED_RUN = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]{2,}"
)
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]{2,}")


def keyword_words(text: str) -> str:
    """``text`` with its Chinese, Japanese, Korean and Thai runs as overlapping character pairs
    and its Russian words as their stems (English is left to bm25s and its stemmer)."""
    if text.isascii():
        return text  # most passages: nothing to do
    text = _PAIRED_RUN.sub(_pairs, text)
    return _CYRILLIC_WORD.sub(lambda word: _russian_stem(word[0].lower()), text)


def _pairs(run: re.Match[str]) -> str:
    """Overlapping pairs of a run's letters; vowel and tone marks (Thai) left out, as the
    tokeniser would split a word at them."""
    letters = "".join(char for char in run[0] if not unicodedata.category(char).startswith("M"))
    return " ".join(letters[i : i + 2] for i in range(len(letters) - 1))


@functools.lru_cache(maxsize=65536)
def _russian_stem(word: str) -> str:
    import Stemmer

    return str(Stemmer.Stemmer("russian").stemWord(word))


def _checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but meta.json, by path relative to it (files hashed
    in parallel: hashlib releases the GIL, and the BM25 arrays are most of the load time)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != _META)
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        digests = pool.map(_sha256, files)
        return {
            path.relative_to(folder).as_posix(): digest
            for path, digest in zip(files, digests, strict=True)
        }


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def keyword_text(title: str, section: object, text: str) -> str:
    """What BM25 indexes for a passage: its document title, section heading and text."""
    section = str(section or "")
    return f"{title}\n{section}\n{text}" if section else f"{title}\n{text}"


def rebuild_from_store(index: KeywordIndex, store: VectorStore, catalog: Catalog) -> int:
    """Rebuild ``index`` from every passage of a *ready* document in the store, each in the
    access scope the catalogue gives its document."""
    generation = catalog.generation()
    ready = catalog.documents()

    def batches() -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        for ids, texts, metas in store.iter_all():
            keep = [i for i, m in enumerate(metas) if str(m["doc_id"]) in ready]
            docs = [ready[str(metas[i]["doc_id"])] for i in keep]
            yield (
                [ids[i] for i in keep],
                [
                    keyword_text(doc.title, metas[i].get("section"), texts[i])
                    for i, doc in zip(keep, docs, strict=True)
                ],
                [{**metas[i], "access": doc.access} for i, doc in zip(keep, docs, strict=True)],
            )

    started = time.perf_counter()
    count = index.build(batches(), generation)
    log.info(
        "keyword index rebuilt: %d passages, %d acronyms in %.1f s",
        count,
        len(index.acronyms),
        time.perf_counter() - started,
    )
    return count
