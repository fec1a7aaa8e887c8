"""Hybrid retrieval over a real Chroma store on disk (assistant/retrieval.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assistant.retrieval as retrieval
from assistant import Assistant
from assistant.config import Settings
from assistant.errors import BadRequest
from assistant.models import Chunk, DocumentRecord, Filters, Passage
from assistant.retrieval import CANDIDATES, QueryHints, normalize_filters, page_furniture


@pytest.fixture(scope="module")
def assistant(private_store: Settings) -> Assistant:
    return Assistant(private_store)


def sources(passages: list) -> list[str]:  # type: ignore[type-arg]
    return [p.document.source for p in passages]


def test_the_best_passage_comes_first(assistant: Assistant) -> None:
    found = assistant.retriever.search("digital identity programme in Fiji", k=3)
    assert found and found[0].document.source.endswith("fiji-digital-identity.md")
    assert found[0].score >= found[-1].score


def test_filters_apply_inside_the_search(assistant: Assistant) -> None:
    only_sgp = assistant.retriever.search("digital", Filters(countries=["Singapore"]), k=5)
    assert only_sgp and all("SGP" in p.document.countries for p in only_sgp)
    cases = assistant.retriever.search("digital", Filters(collections=["case"]), k=5)
    assert cases and all(p.document.collection == "case" for p in cases)
    recent = assistant.retriever.search("digital", Filters(year_from=2023), k=5)
    assert recent and all((p.document.year or 0) >= 2023 for p in recent)
    doc_id = only_sgp[0].document.doc_id
    one = assistant.retriever.search("digital", Filters(documents=[doc_id]), k=5)
    assert {p.document.doc_id for p in one} == {doc_id}


def test_a_country_scoped_search_asks_chroma_for_the_documents_about_the_country(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chroma reads a country's flag over every passage; the catalogue knows the few documents
    about it: the search asks for those, and finds the same passages."""
    asked: list[object] = []
    query = assistant.retriever.store.query

    def spy(vector, k, where=None):  # type: ignore[no-untyped-def]
        asked.append(where)
        return query(vector, k, where)

    monkeypatch.setattr(assistant.retriever.store, "query", spy)
    scoped = Filters(countries=["Singapore"])
    by_documents = assistant.retriever.search("digital services", scoped, k=5)
    about = {d.doc_id for d in assistant.catalog.documents().values() if "SGP" in d.countries}
    assert asked[-1] == {"doc_id": {"$in": sorted(about)}}
    monkeypatch.setattr(retrieval, "DOCUMENT_LIST_MAX", 0)  # too many: the flag, as before
    by_flag = assistant.retriever.search("digital services", scoped, k=5)
    assert "{'c_SGP': True}" in repr(asked[-1])
    assert [p.chunk.chunk_id for p in by_documents] == [p.chunk.chunk_id for p in by_flag]
    # a search not scoped to countries is asked as it was
    assistant.retriever.search("digital services", Filters(collections=["case"]), k=5)
    assert "{'collection': {'$in': ['case']}}" in repr(asked[-1]) and "doc_id" not in repr(
        asked[-1]
    )


def test_a_country_scoped_search_by_document_list_keeps_to_what_the_caller_may_see(
    tmp_path: Path,
) -> None:
    """A search scoped to a country, on a store with a private document about it (Chroma is
    asked for the documents about the country, see retrieval._chroma_where; every passage found
    is checked against access as well): the private circular on Fiji is found for its
    collection's readers only, the public note for all."""
    from ingest.pipeline import Pipeline
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    (corpus / "hr").mkdir(parents=True)
    (corpus / "public").mkdir()
    (corpus / "public" / "fiji-id.md").write_text(
        "<!-- countries: FJI -->\n# Digital identity in Fiji\n\n"
        "Fiji launched a national digital identity programme for every citizen.\n",
        encoding="utf-8",
    )
    (corpus / "hr" / "fiji-allowance.md").write_text(
        "<!-- countries: FJI -->\n# Fiji posting allowance\n\n"
        "Officers posted to Fiji receive a digital identity allowance of 300 dollars.\n",
        encoding="utf-8",
    )
    (corpus / "hr" / "fiji-allowance.md.meta.json").write_text('{"access": "hr"}')
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    assert Pipeline(settings).run().ok
    found = Assistant(settings)
    fiji = Filters(countries=["Fiji"])
    public = found.retriever.search("digital identity", fiji, k=5, access=("public",))
    assert {p.document.source for p in public} == {"public/fiji-id.md"}
    hr = found.retriever.search("digital identity", fiji, k=5, access=("public", "hr"))
    assert {p.document.source for p in hr} == {"public/fiji-id.md", "hr/fiji-allowance.md"}


def test_private_passages_only_for_those_granted(assistant: Assistant) -> None:
    public = assistant.retriever.search("Zephyr allowance", k=5, access=("public",))
    assert not any("zephyr" in s for s in sources(public))
    hr = assistant.retriever.search("Zephyr allowance", k=5, access=("hr",))
    assert hr and hr[0].document.source.endswith("zephyr-allowance.md")
    operator = assistant.retriever.search("Zephyr allowance", k=5, access=None)
    assert operator and operator[0].document.access == "hr"


def test_the_dense_baseline_respects_access_too(assistant: Assistant) -> None:
    public = assistant.retriever.dense_only("Zephyr allowance", k=10, access=("public",))
    assert public and not any("zephyr" in s for s in sources(public))


def test_normalize_filters() -> None:
    assert normalize_filters(Filters(countries=["fiji", "FJI", "Viet Nam"])).countries == [
        "FJI",
        "VNM",
    ]
    with pytest.raises(BadRequest, match="unknown country 'Atlantis'"):
        normalize_filters(Filters(countries=["Atlantis"]))
    with pytest.raises(BadRequest):
        normalize_filters(Filters(collections=["novels"]))


def test_query_hints_read_the_question() -> None:
    hints = QueryHints.from_question("what did fiji say in 2024")
    assert hints.countries == ["FJI"] and hints.years == [2024]


def test_a_question_naming_a_un_symbol_is_searched_in_that_document(small_store: Settings) -> None:
    assistant = Assistant(small_store)
    titles = {d.title for d in assistant.catalog.documents().values()}
    assert any(t.endswith("(E/2025/L.24)") for t in titles)  # the symbol is in the title
    found = assistant.retriever.search(
        "what does E/2025/L.24 decide about public administration", k=5
    )
    assert found and all(p.document.title.endswith("(E/2025/L.24)") for p in found)
    # without the symbol the same words reach the larger report too
    broad = assistant.retriever.search("what does it decide about public administration", k=5)
    assert not all(p.document.title.endswith("(E/2025/L.24)") for p in broad)
    # a symbol no document carries filters nothing
    assert assistant.retriever.search("what does A/99/999 say about public administration", k=5)


def test_un_documents_keep_symbol_date_and_language_and_filter_by_symbol(
    small_store: Settings,
) -> None:
    assistant = Assistant(small_store)
    docs = assistant.catalog.documents().values()
    [draft] = [d for d in docs if d.symbol == "E/2025/L.24"]
    assert draft.collection == "un"  # a UN symbol outranks the folder name ("un-docs": study)
    assert draft.language == "en" and draft.issued and draft.issued.startswith("2025-")
    assert draft.year == int(draft.issued[:4])
    assert all(d.symbol is None for d in docs if d.collection == "data")

    # typed as people type it: lowercase
    found = assistant.retriever.search("what does e/2025/l.24 decide about public administration")
    assert found and {p.document.doc_id for p in found} == {draft.doc_id}
    # a symbol in filters.documents stands for its document
    by_symbol = assistant.retriever.search(
        "public administration", Filters(documents=["e/2025/L.24"])
    )
    assert by_symbol and {p.document.doc_id for p in by_symbol} == {draft.doc_id}
    with pytest.raises(BadRequest, match="no ingested document has the symbol 'A/99/999'"):
        assistant.retriever.search("public administration", Filters(documents=["A/99/999"]))


def test_a_symbol_names_each_part_of_a_document_issued_in_parts() -> None:
    from assistant.models import DocumentRecord
    from assistant.retrieval import _has_symbol

    part = DocumentRecord("d", "a.pdf", "/a.pdf", "Report", "un", symbol="A/80/15 (Part I)")
    assert _has_symbol(part, ["A/80/15"]) and _has_symbol(part, ["a/80/15 (part i)"])
    assert not _has_symbol(part, ["A/80/1"])
    # a store ingested before symbols were kept: the symbol ends the title
    old = DocumentRecord("e", "b.pdf", "/b.pdf", "Report (E/2025/44)", "study")
    assert _has_symbol(old, ["e/2025/44"]) and not _has_symbol(old, ["E/2025/4"])


def test_the_first_question_of_a_process_sees_the_word_counts(private_store: Settings) -> None:
    # the counts that decide whether a word is an acronym to expand live in the keyword index:
    # read before anything else has loaded it, they must not be empty (the first question of a
    # CLI run was once read differently from every later one)
    fresh = Assistant(private_store)
    used, total = fresh.context.frequency("digit", ("public",))
    assert total > 0 and used > 0


# Questions on which the keyword index and the vectors disagree: the keyword index's best
# match is not among the first three the fusion ranks (found on the small corpus).
DISAGREEING = [
    "italy cloud first policy spending rationalisation",
    "denmark korea estonia dgi ranking",
    "how many data centres does the public administration have",
]


@pytest.mark.parametrize("question", DISAGREEING)
def test_the_keyword_index_best_match_is_always_read(
    small_store: Settings, question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Assistant(small_store).retriever
    retriever.ensure_keyword_index()
    best = retriever.keyword.search(question, CANDIDATES)[0][0]  # the pool the search fuses
    fused = retriever.search(question, k=1)
    passages = retriever.search(question, k=3)
    assert len(passages) == 3
    assert best in {p.chunk.chunk_id for p in passages}
    assert passages[0].chunk.chunk_id == fused[0].chunk.chunk_id  # one place: the fusion's best
    # the premise: fused by rank alone, the first three leave it out
    monkeypatch.setattr(retrieval, "_with_best_keyword_hit", lambda ranked, hits, k: ranked[:k])
    assert best not in {p.chunk.chunk_id for p in retriever.search(question, k=3)}


def _ranked(*ids: str) -> list[Passage]:
    doc = DocumentRecord(doc_id="d", source="d.pdf", path="/d.pdf", title="d")
    return [Passage(Chunk(i, "d", n, f"passage {i}"), doc) for n, i in enumerate(ids)]


@pytest.mark.parametrize(
    ("hits", "k", "kept"),
    [
        (["e"], 3, ["a", "b", "e"]),  # left out: it takes the last place
        (["b"], 3, ["a", "b", "c"]),  # already in
        (["x", "d"], 3, ["a", "b", "d"]),  # the best dropped before (furniture, a repeat): the next
        (["e"], 1, ["a"]),  # a single place stays the fusion's best
        (["e"], 9, ["a", "b", "c", "d", "e"]),  # fewer passages than places
        ([], 3, ["a", "b", "c"]),
    ],
)
def test_where_the_keyword_best_match_goes(hits: list[str], k: int, kept: list[str]) -> None:
    chosen = retrieval._with_best_keyword_hit(
        _ranked("a", "b", "c", "d", "e"), [(h, 1.0) for h in hits], k
    )
    assert [p.chunk.chunk_id for p in chosen] == kept


@pytest.mark.parametrize(
    ("text", "furniture"),
    [
        ("E/2025/39 ESCAP/81/32", True),  # a page header cut off as a passage
        ("B25-00147 31 II.", True),
        ("I thank you, Mr. President.", False),
        ("2024,Denmark ,1,0.98474,Europe", False),
        ("斐济的电子政务发展", False),  # a script without spaces
        ("नीति आयोग", False),  # combining marks are letters
        ("\n".join(f"FJI,{y},0.{y}" for y in range(2003, 2025)), False),  # rows of codes
        ("THE COMMISSION ADOPTED THE AGENDA OF ITS EIGHTY-FIRST SESSION HELD IN BANGKOK", False),
    ],
)
def test_what_is_page_furniture(text: str, furniture: bool) -> None:
    assert page_furniture(text) is furniture


def test_a_passage_that_is_only_a_page_header_is_never_returned(
    small_store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Assistant(small_store).retriever
    symbols = "E/2025/44 E/C.16/2025/9"
    passages = retriever.search(symbols, k=10)
    assert passages and not any(page_furniture(p.chunk.text) for p in passages)
    # the premise: the report's header, cut off as a passage of its own, matches its symbols
    monkeypatch.setattr(retrieval, "page_furniture", lambda text: False)
    assert any(page_furniture(p.chunk.text) for p in retriever.search(symbols, k=10))
