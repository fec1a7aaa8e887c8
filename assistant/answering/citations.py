"""One way to turn what an answer rests on into the citations a reader checks.

Every answer, brief and evaluation numbers its sources with these: a retrieved passage
(:func:`passage_citation`), a sentence quoted from one (:func:`evidence_citation`), or a row of
an indicator data file (:class:`DataCitations`), each with its document, printed page or data
row, and the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.access import can_see
from assistant.answering.extractive import Evidence
from assistant.errors import NotFound
from assistant.indicators import IndicatorValue
from assistant.models import Citation, DocumentRecord, Passage
from assistant.storage.catalog import Catalog

Access = Sequence[str] | None


def quoted(text: str) -> str:
    """A sentence as an answer quotes it: a bracketed number of the document's own ("[5]", a
    footnote) becomes "(5)", so that every [n] in an answer is one of its citations."""
    return re.sub(r"\[(\d+)\]", r"(\1)", text)


def passage_citation(n: int, passage: Passage) -> Citation:
    """Citation ``n``: a whole retrieved passage, with its printed page label."""
    chunk, doc = passage.chunk, passage.document
    return Citation(
        n=n,
        document_id=doc.doc_id,
        title=doc.title,
        collection=doc.collection,
        source=doc.url or doc.source,
        page=chunk.page,
        page_label=chunk.page_label or None,  # None when the page prints no label
        text=re.sub(r"\s+", " ", chunk.text).strip(),
        start=chunk.start,
        end=chunk.end,
        score=round(passage.score, 4),
        url=doc.url,
        chunk_id=chunk.chunk_id,
    )


def evidence_citation(n: int, evidence: Evidence) -> Citation:
    """Citation ``n``: one sentence quoted from a passage, with its character offsets."""
    return passage_citation(n, evidence.passage).model_copy(
        update={
            "text": evidence.text,
            "start": evidence.start,
            "end": evidence.end,
            "score": round(evidence.score, 4),
        }
    )


class DataCitations:
    """Citations of indicator values: the document each row was read from (by the id stored
    with the row, never by file name) and that row's line of the file.

    ``document_file(doc_id, access)`` is the one way to a document's file (it checks access
    and that the file lies in a corpus folder); a file is read only through it, so a caller
    never gets a line of a file it may not open. Lines are cached per document version.
    """

    def __init__(self, catalog: Catalog, document_file: Callable[[str, Access], Path]) -> None:
        self.catalog = catalog
        self.document_file = document_file
        self._lines: dict[str, list[str]] = {}

    def cite(self, n: int, value: IndicatorValue, access: Access) -> Citation:
        """Citation ``n`` of ``value``. Where ``access`` may not see the row's document, the
        citation quotes the stored value alone and names no document."""
        doc = self.document_of(value, access)
        line = self._line(doc, value.row, access) if doc else None
        return Citation(
            n=n,
            document_id=doc.doc_id if doc else value.source,
            title=doc.title if doc else value.dataset,
            collection="data",
            source=value.source,
            page=None,
            page_label=None,
            text=line
            or f"{value.country}, {value.indicator_name}, {value.year}: {value.value_text}",
            score=1.0,
            url=doc.url if doc else None,
            data_row=value.row,
        )

    def document_of(self, value: IndicatorValue, access: Access) -> DocumentRecord | None:
        """The document a row was read from, when ``access`` may see it."""
        doc = self.catalog.get(value.doc_id) if value.doc_id else None
        return doc if doc is not None and can_see(doc, access) else None

    def _line(self, doc: DocumentRecord, row: int, access: Access) -> str | None:
        key = f"{doc.doc_id}:{doc.content_hash}"
        lines = self._lines.get(key)
        if lines is None:
            try:
                path = self.document_file(doc.doc_id, access)
                lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
            except (NotFound, OSError):
                return None
            if len(self._lines) > 64:
                self._lines.pop(next(iter(self._lines)))
            self._lines[key] = lines
        return lines[row - 1].strip() if 0 < row <= len(lines) else None
