"""The keyword index: BM25 (bm25s, English stemming and stop words) over the same chunks as Chroma.

It is derived data. It is rebuilt from the store whenever the catalogue's generation moves on,
saved atomically next to the store, and checked at load: a missing, corrupt or stale index is
rebuilt from the store with a log line, so it can never drift from Chroma for long.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .catalog import Catalog
    from .store import VectorStore

log = logging.getLogger(__name__)

FORMAT = 1


class KeywordIndex:
    """BM25 over chunk texts, with a per-chunk document index so filters apply inside the search."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._model: Any = None
        self._ids: list[str] = []
        self._doc_of_chunk: np.ndarray = np.zeros(0, dtype=np.int32)
        self._doc_ids: list[str] = []
        self._doc_index: dict[str, int] = {}
        self.generation = -1
        self._stemmer: Any = None
        self._lock = threading.RLock()

    # --- tokenising ---------------------------------------------------------------------
    def _tokenize(self, texts: list[str], *, as_ids: bool) -> Any:
        import bm25s
        import Stemmer

        if self._stemmer is None:
            self._stemmer = Stemmer.Stemmer("english")
        return bm25s.tokenize(
            texts, stopwords="en", stemmer=self._stemmer, return_ids=as_ids, show_progress=False
        )

    # --- building -----------------------------------------------------------------------
    def build(
        self,
        batches: Iterable[tuple[list[str], list[str], list[dict[str, Any]]]],
        generation: int,
    ) -> int:
        """Index every (ids, texts, metadatas) batch and save atomically. Returns the chunk count."""
        import bm25s

        ids: list[str] = []
        texts: list[str] = []
        doc_ids: list[str] = []
        doc_index: dict[str, int] = {}
        doc_of_chunk: list[int] = []
        for batch_ids, batch_texts, batch_meta in batches:
            for cid, text, meta in zip(batch_ids, batch_texts, batch_meta, strict=True):
                doc = str(meta["doc_id"])
                if doc not in doc_index:
                    doc_index[doc] = len(doc_ids)
                    doc_ids.append(doc)
                ids.append(cid)
                texts.append(text)
                doc_of_chunk.append(doc_index[doc])
        model = bm25s.BM25()
        if texts:
            model.index(self._tokenize(texts, as_ids=True), show_progress=False)
        with self._lock:
            self._model = model if texts else None
            self._ids = ids
            self._doc_ids = doc_ids
            self._doc_index = doc_index
            self._doc_of_chunk = np.asarray(doc_of_chunk, dtype=np.int32)
            self.generation = generation
            self._save()
        return len(ids)

    def _save(self) -> None:
        parent = self.path.parent
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f".{self.path.name}.tmp-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        if self._model is not None:
            self._model.save(str(tmp / "bm25"))
        np.save(tmp / "doc_of_chunk.npy", self._doc_of_chunk)
        (tmp / "ids.json").write_text(json.dumps(self._ids), encoding="utf-8")
        (tmp / "doc_ids.json").write_text(json.dumps(self._doc_ids), encoding="utf-8")
        # meta.json last: its presence marks a complete index
        (tmp / "meta.json").write_text(
            json.dumps({"format": FORMAT, "generation": self.generation, "count": len(self._ids)}),
            encoding="utf-8",
        )
        old = parent / f".{self.path.name}.old-{os.getpid()}-{time.time_ns()}"
        if self.path.exists():
            os.replace(self.path, old)
        os.replace(tmp, self.path)
        shutil.rmtree(old, ignore_errors=True)

    # --- loading ------------------------------------------------------------------------
    def load(self) -> bool:
        """Load the saved index. False (with a log line) when it is missing or unreadable."""
        import bm25s

        meta_file = self.path / "meta.json"
        if not meta_file.exists():
            log.info("keyword index missing at %s", self.path)
            return False
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            ids = json.loads((self.path / "ids.json").read_text(encoding="utf-8"))
            doc_ids = json.loads((self.path / "doc_ids.json").read_text(encoding="utf-8"))
            doc_of_chunk = np.load(self.path / "doc_of_chunk.npy")
            model = bm25s.BM25.load(str(self.path / "bm25")) if ids else None
            if (
                meta.get("format") != FORMAT
                or meta.get("count") != len(ids)
                or len(doc_of_chunk) != len(ids)
            ):
                raise ValueError("inconsistent files")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("keyword index at %s is corrupt (%s); it will be rebuilt", self.path, exc)
            return False
        with self._lock:
            self._model = model
            self._ids = ids
            self._doc_ids = doc_ids
            self._doc_index = {d: i for i, d in enumerate(doc_ids)}
            self._doc_of_chunk = doc_of_chunk.astype(np.int32)
            self.generation = int(meta["generation"])
        return True

    def __len__(self) -> int:
        return len(self._ids)

    # --- searching ----------------------------------------------------------------------
    def search(
        self, query: str, k: int, allowed_docs: Callable[[str], bool] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score) for ``query``; only chunks of allowed documents."""
        with self._lock:
            model, ids, doc_ids, doc_of_chunk = (
                self._model,
                self._ids,
                self._doc_ids,
                self._doc_of_chunk,
            )
        if model is None or not ids or k <= 0:
            return []
        mask = None
        if allowed_docs is not None:
            doc_ok = np.fromiter((allowed_docs(d) for d in doc_ids), dtype=bool, count=len(doc_ids))
            if not doc_ok.any():
                return []
            mask = doc_ok[doc_of_chunk].astype(np.float32)
        tokens = self._tokenize([query], as_ids=False)
        if not any(tokens[0]):
            return []
        k = min(k, len(ids))
        results, scores = model.retrieve(
            tokens, k=k, show_progress=False, weight_mask=mask, n_threads=1
        )
        out = []
        for idx, score in zip(results[0], scores[0], strict=True):
            if score > 0:
                out.append((ids[int(idx)], float(score)))
        return out


def keyword_text(title: str, section: object, text: str) -> str:
    """What BM25 indexes for a passage: its document title, section heading and text."""
    section = str(section or "")
    return f"{title}\n{section}\n{text}" if section else f"{title}\n{text}"


def rebuild_from_store(index: KeywordIndex, store: VectorStore, catalog: Catalog) -> int:
    """Rebuild ``index`` from every passage of a *ready* document in the store."""
    generation = catalog.generation()
    ready = catalog.documents()

    def batches() -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        for ids, texts, metas in store.iter_all():
            keep = [i for i, m in enumerate(metas) if str(m["doc_id"]) in ready]
            yield (
                [ids[i] for i in keep],
                [
                    keyword_text(
                        ready[str(metas[i]["doc_id"])].title, metas[i].get("section"), texts[i]
                    )
                    for i in keep
                ],
                [metas[i] for i in keep],
            )

    started = time.perf_counter()
    count = index.build(batches(), generation)
    log.info("keyword index rebuilt: %d passages in %.1f s", count, time.perf_counter() - started)
    return count
