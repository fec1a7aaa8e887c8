"""What every answerer is handed: the parts it reads from (:class:`AnswerContext`) and what one
answer collects on its way (:class:`Run`). Both are passed explicitly; nothing travels sideways."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.answering.citations import DataCitations
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.models import Chunk, Passage
from assistant.retrieval import Retriever
from assistant.storage.indicators import IndicatorTable

Access = Sequence[str] | None


@dataclass(frozen=True)
class AnswerContext:
    """The read-only parts answering uses. ``llm`` is called only when an LLM answerer is
    configured (it builds the client on first use); ``indicators_for`` and ``document_text``
    are the access-limited indicator table and a document's whole text."""

    settings: Settings
    retriever: Retriever
    embedder: Embedder
    data_citations: DataCitations
    indicators_for: Callable[[Access], IndicatorTable]
    document_text: Callable[[str], str]
    llm: Callable[[], Any]
    # the acronyms of a question the documents ``access`` may see define: {"CEPA": "Committee …"}
    expansions: Callable[[str, Access], dict[str, str]] = lambda question, access: {}
    # (passages using a word stem, all passages) among those ``access`` may see
    frequency: Callable[[str, Access], tuple[int, int]] = lambda stem, access: (0, 0)
    # the name those documents give one acronym, however widely they use it ("SDGs" ->
    # "Sustainable Development Goals"); None when none defines it
    definition: Callable[[str, Access], str | None] = lambda word, access: None
    # the name the documents given (doc ids) give one acronym, None when none of them does
    defined_in: Callable[[str, Collection[str]], str | None] = lambda word, doc_ids: None
    # the passage after a chunk in its document (the same version), None at its end
    next_chunk: Callable[[Chunk], Chunk | None] = lambda chunk: None
    # the vectors ingestion stored for sentences, by their ids (assistant.sentences.sentence_id):
    # id -> vector, by ``embedder``'s model (see assistant.storage.vectors.SentenceVectors)
    sentence_vectors: Callable[[Sequence[str]], dict[str, np.ndarray]] = lambda ids: {}

    @property
    def uses_llm(self) -> bool:
        return self.settings.answerer != "extractive"


@dataclass
class Run:
    """One answer on its way: where an LLM's text goes as it is written (``on_delta``, while
    streaming), the timings, and every passage retrieved (for the audit trail)."""

    on_delta: Callable[[str], None] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    retrieved: list[Passage] = field(default_factory=list)
