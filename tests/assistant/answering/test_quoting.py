"""Quoted text reads well: footnotes cut at their rule, the document's own [n] never a citation."""

from __future__ import annotations

from assistant.answering.citations import quoted
from assistant.answering.extractive import sentences_of
from assistant.models import Chunk, DocumentRecord, Passage


def passage(text: str) -> Passage:
    doc = DocumentRecord(doc_id="d", source="d.pdf", path="/tmp/d.pdf", title="D")
    return Passage(Chunk(chunk_id="d:0", doc_id="d", ordinal=0, text=text, start=100), doc)


def test_a_sentence_stops_where_the_page_footnotes_begin() -> None:
    text = (
        "The Council encourages the International Organization of Supreme Audit Institutions "
        "__________ 6 Official Records of the Economic and Social Council, 2024, Supplement No. 24. "
        "It welcomed the report of the Committee on its twenty-third session."
    )
    sentences = [s for _, _, s in sentences_of(passage(text))]
    assert sentences[0] == (
        "The Council encourages the International Organization of Supreme Audit Institutions"
    )
    assert not any("Official Records" in s and "encourages" in s for s in sentences)
    start, end, _ = sentences_of(passage(text))[0]
    assert (start, end) == (100, 100 + text.index(" ____"))  # offsets still point at the page


def test_the_documents_own_bracketed_numbers_are_not_citation_markers() -> None:
    assert quoted("as shown in [5] and [12].") == "as shown in (5) and (12)."
    assert quoted("no markers here") == "no markers here"
