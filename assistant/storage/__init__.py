"""Where the assistant keeps things: the one package that owns files, SQLite and Chroma.

* :mod:`.vectors`: the passages and their vectors in Chroma (the only module that talks to it);
* :mod:`.keyword`: the BM25 keyword index over the same passages, one model per access scope;
* :mod:`.catalog`: the documents ingested, their versions and ingestion state (SQLite);
* :mod:`.database`, :mod:`.postgres`: the catalogue and the service's records in PostgreSQL
  instead, when ``RAG_DATABASE_URL`` is set (several API hosts);
* :mod:`.indicators`: indicator values read from data files (SQLite);
* :mod:`.conversations`, :mod:`.audit`, :mod:`.briefs`: what the service keeps for its callers;
* :mod:`.sqlite`: per-thread SQLite connections shared by the SQLite stores.

:class:`Stores` builds the parts both the assistant and the ingestion pipeline open, from the
settings, in one place. Nothing is opened until first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assistant.config import Settings
from assistant.storage.audit import AnswerLog
from assistant.storage.briefs import Briefs, BriefStore, DatabaseBriefStore
from assistant.storage.catalog import Catalog
from assistant.storage.conversations import ConversationStore
from assistant.storage.indicators import IndicatorTable
from assistant.storage.keyword import KeywordIndex
from assistant.storage.vectors import SentenceIndex, SentenceVectors, VectorStore


@dataclass
class Stores:
    """The stores of one data directory (or Chroma server). The first four are shared by
    ingestion and answering; the service's own records open only when used."""

    settings: Settings
    vectors: VectorStore
    catalog: Catalog
    keyword: KeywordIndex
    indicators: IndicatorTable

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        vectors: VectorStore | None = None,
        catalog: Catalog | None = None,
        keyword: KeywordIndex | None = None,
        indicators: IndicatorTable | None = None,
    ) -> Stores:
        """The stores ``settings`` describe; any part given is used instead of a new one."""
        vectors = vectors or VectorStore(settings)
        if settings.multilingual_index and vectors.sentences is None:
            vectors.sentences = SentenceIndex(settings)
        if settings.sentence_vectors and vectors.sentence_vectors is None:
            vectors.sentence_vectors = SentenceVectors(settings)
        return cls(
            settings,
            vectors,
            catalog or Catalog(settings.catalog_path, settings.database),
            keyword or KeywordIndex(settings.keyword_path),
            indicators or IndicatorTable(settings.indicators_path),
        )

    @cached_property
    def conversations(self) -> ConversationStore:
        return ConversationStore(self.settings.conversations_path, self.settings.database)

    @cached_property
    def answers(self) -> AnswerLog:
        """The audit trail: every answer with what it was made from, and its feedback."""
        return AnswerLog(self.settings.audit_path, self.settings.database)

    @cached_property
    def briefs(self) -> Briefs:
        """Briefs drafted through the API, kept for their downloads."""
        if self.settings.database:
            return DatabaseBriefStore(self.settings.database)
        return BriefStore(self.settings.data_dir / "briefs")

    def close(self) -> None:
        """Close this thread's SQLite connections (what the service opened included)."""
        self.catalog.close()
        self.indicators.close()
        for name in ("conversations", "answers", "briefs"):
            if name in self.__dict__:
                self.__dict__[name].close()


__all__ = [
    "AnswerLog",
    "BriefStore",
    "Catalog",
    "ConversationStore",
    "DatabaseBriefStore",
    "IndicatorTable",
    "KeywordIndex",
    "Stores",
    "VectorStore",
]
