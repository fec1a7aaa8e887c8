"""The Retriever on its own tiny store on disk (assistant/retrieval.py): filters inside both
searches, access scopes, hint boosts, passages of documents that are not whole, the keyword
index kept fresh, and the vector-only fallback when keyword search fails.

Complements tests/assistant/test_retrieval.py (which reads the shared ``private_store``): here
the corpus is written by the test, ingested with the real pipeline into ``tmp_path``, and the
Retriever is built directly from the stores.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.embedding import Embedder
from assistant.errors import BadRequest
from assistant.models import Chunk, DocumentRecord, Filters, Passage
from assistant.retrieval import QueryHints, Retriever, collapse_duplicates, normalize_filters
from assistant.storage import Stores
from assistant.storage.keyword import KeywordIndex
from ingest.pipeline import Pipeline
from tests.conftest import make_settings

# (path under the corpus, text). Top folder = access; anything but public gets a sidecar.
DOCS = {
    "public/fiji-cable.md": (
        "<!-- collection: case; countries: FJI; year: 2021 -->\n"
        "# Submarine cable in Fiji\n\n"
        "Fiji connected its outer islands to a submarine fibre cable.\n"
        "The cable lowered broadband prices for schools and clinics on the outer islands.\n"
    ),
    # the same passage again in another file: retrieval keeps only one of the two
    "public/fiji-cable-copy.md": (
        "<!-- collection: case; countries: FJI; year: 2021 -->\n"
        "# Submarine cable in Fiji\n\n"
        "Fiji connected its outer islands to a submarine fibre cable.\n"
        "The cable lowered broadband prices for schools and clinics on the outer islands.\n"
    ),
    "public/samoa-broadband.md": (
        "<!-- collection: study; countries: WSM; year: 2024 -->\n"
        "# Broadband policy in Samoa\n\n"
        "Samoa adopted a national broadband policy that sets targets for rural connectivity.\n"
        "The policy asks the regulator to publish broadband prices every quarter.\n"
    ),
    "public/tonga-profile.md": (
        "<!-- collection: profile; countries: TON; year: 2024 -->\n"
        "# Tonga country profile\n\n"
        "Tonga reports broadband subscriptions and mobile coverage for its island groups.\n"
    ),
    # names Fiji in its text but is not tagged with it; no year
    "public/undated-note.md": (
        "<!-- collection: other -->\n"
        "# A note on broadband\n\n"
        "Broadband maps help ministries plan where rural connectivity is still missing in Fiji.\n"
    ),
    "hr/zephyr.md": (
        "# Zephyr allowance\n\nThe Zephyr allowance for remote-island officers is paid monthly.\n"
    ),
    "finance/quokka.md": (
        "# Quokka budget line\n\nThe Quokka budget line pays for broadband in island clinics.\n"
    ),
}
QUERY = "broadband prices for remote islands"


def build_store(root: Path) -> Stores:
    corpus = root / "corpus"
    for rel, text in DOCS.items():
        path = corpus / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        access = rel.split("/")[0]
        if access != "public":
            sidecar = path.with_name(path.name + ".meta.json")
            sidecar.write_text(json.dumps({"access": access}), encoding="utf-8")
    settings = make_settings(root / "data", corpus_dirs=[corpus])
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    return Stores.from_settings(settings)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    stores = build_store(tmp_path_factory.mktemp("retriever"))
    yield stores
    stores.close()


@pytest.fixture(scope="module")
def retriever(stores: Stores, embedder: Embedder) -> Retriever:
    return Retriever(stores.vectors, stores.keyword, stores.catalog, embedder)


@pytest.fixture
def fresh(tmp_path: Path, embedder: Embedder) -> Iterator[tuple[Stores, Retriever]]:
    """A store of its own, for tests that change the catalogue or the keyword index."""
    stores = build_store(tmp_path)
    yield stores, Retriever(stores.vectors, stores.keyword, stores.catalog, embedder)
    stores.close()


def doc_id(stores: Stores, source: str) -> str:
    return next(d.doc_id for d in stores.catalog.documents().values() if d.source == source)


def sources(passages: list[Passage]) -> set[str]:
    return {p.document.source for p in passages}


# --- normalize_filters ---------------------------------------------------------------------------
def test_normalize_filters_maps_names_to_iso3_once_each_in_order() -> None:
    given = Filters(countries=["Samoa", "wsm", "Viet Nam", "VNM", "fiji"], year_from=2020)
    normal = normalize_filters(given)
    assert normal.countries == ["WSM", "VNM", "FJI"]
    assert normal.year_from == 2020  # the rest is kept
    assert given.countries[0] == "Samoa"  # a copy: the caller's filters are left alone
    assert normalize_filters(None) == Filters()


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters(countries=["Fiji", "Narnia"]), "unknown country 'Narnia'"),
        (Filters(collections=["study", "novels"]), "unknown collection 'novels'"),
        (Filters(year_from=2024, year_to=2020), "year_from is after filters.year_to"),
    ],
)
def test_normalize_filters_names_what_is_wrong(filters: Filters, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        normalize_filters(filters)


def test_a_single_year_range_is_valid() -> None:
    assert normalize_filters(Filters(year_from=2024, year_to=2024)).year_to == 2024


def test_search_checks_its_filters(retriever: Retriever) -> None:
    with pytest.raises(BadRequest):
        retriever.search(QUERY, Filters(year_from=2024, year_to=2020))


# --- the shape of the results ------------------------------------------------------------------
def test_results_are_ranked_cut_to_k_and_timed(retriever: Retriever) -> None:
    timings: dict[str, float] = {}
    found = retriever.search(QUERY, k=3, timings=timings)
    assert len(found) == 3
    assert [p.rank for p in found] == [1, 2, 3]
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    assert all(p.vector_score is not None or p.keyword_score is not None for p in found)
    assert {"embed_ms", "vector_ms", "keyword_ms", "retrieve_ms"} <= set(timings)


def test_both_searches_contribute(retriever: Retriever) -> None:
    found = retriever.search("submarine fibre cable", k=5)
    top = found[0]
    assert "submarine fibre cable" in top.chunk.text
    assert top.vector_score is not None and top.keyword_score is not None


def test_the_same_passage_in_two_files_is_returned_once(
    retriever: Retriever, stores: Stores
) -> None:
    assert doc_id(stores, "public/fiji-cable.md") != doc_id(stores, "public/fiji-cable-copy.md")
    found = retriever.search("submarine fibre cable outer islands", k=10)
    copies = [p for p in found if p.document.source.startswith("public/fiji-cable")]
    assert len(copies) == 1


# --- filters ----------------------------------------------------------------------------------
def test_a_country_filter_by_name_keeps_only_that_countrys_documents(
    retriever: Retriever,
) -> None:
    samoa = retriever.search(QUERY, Filters(countries=["Samoa"]), k=10)
    assert sources(samoa) == {"public/samoa-broadband.md"}
    either = retriever.search(QUERY, Filters(countries=["ton", "Samoa"]), k=10)
    assert sources(either) == {"public/samoa-broadband.md", "public/tonga-profile.md"}


def test_a_collection_filter(retriever: Retriever) -> None:
    found = retriever.search(QUERY, Filters(collections=["study", "profile"]), k=10)
    assert {p.document.collection for p in found} == {"study", "profile"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # undated documents never pass a year filter
        (Filters(year_from=2024), {"public/samoa-broadband.md", "public/tonga-profile.md"}),
        (Filters(year_to=2022), {"public/fiji-cable.md", "public/fiji-cable-copy.md"}),
        (Filters(year_from=2022, year_to=2023), set()),
    ],
)
def test_year_filters(retriever: Retriever, filters: Filters, expected: set[str]) -> None:
    found = sources(retriever.search(QUERY, filters, k=10))
    if expected and "public/fiji-cable.md" in expected:
        # the two copies collapse into one: either may be the one kept
        assert len(found) == 1 and found <= expected
    else:
        assert found == expected


def test_a_filter_still_fills_k_when_enough_documents_match(retriever: Retriever) -> None:
    # the two 2024 documents are not the two nearest to the question without the filter
    unfiltered = sources(retriever.search("submarine fibre cable", k=2))
    assert "public/samoa-broadband.md" not in unfiltered
    found = retriever.search("submarine fibre cable", Filters(year_from=2024), k=2)
    assert sources(found) == {"public/samoa-broadband.md", "public/tonga-profile.md"}


def test_a_documents_filter(retriever: Retriever, stores: Stores) -> None:
    samoa = doc_id(stores, "public/samoa-broadband.md")
    found = retriever.search(QUERY, Filters(documents=[samoa]), k=10)
    assert {p.document.doc_id for p in found} == {samoa}
    assert retriever.search(QUERY, Filters(documents=["no-such-document"]), k=10) == []


# --- access -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("access", "private_seen"),
    [
        (("public",), set()),
        ((), set()),
        (("hr",), {"hr/zephyr.md"}),
        (("finance",), {"finance/quokka.md"}),
        (("hr", "finance"), {"hr/zephyr.md", "finance/quokka.md"}),
        (None, {"hr/zephyr.md", "finance/quokka.md"}),  # an operator
    ],
)
def test_private_documents_only_for_callers_granted_them(
    retriever: Retriever, access: tuple[str, ...] | None, private_seen: set[str]
) -> None:
    for query in ("Zephyr allowance", "Quokka budget line", QUERY):
        found = sources(retriever.search(query, k=10, access=access))
        private = {s for s in found if not s.startswith("public/")}
        assert private <= private_seen, (query, private)
    seen = set()
    for query in ("Zephyr allowance", "Quokka budget line"):
        seen |= sources(retriever.search(query, k=10, access=access))
        seen |= sources(retriever.dense_only(query, k=10, access=access))
    assert {s for s in seen if not s.startswith("public/")} == private_seen


def test_a_granted_caller_gets_the_private_passage_first(retriever: Retriever) -> None:
    found = retriever.search("Zephyr allowance", k=3, access=("hr",))
    assert found[0].document.source == "hr/zephyr.md" and found[0].document.access == "hr"
    assert found[0].keyword_score is not None


def test_filters_do_not_widen_access(retriever: Retriever) -> None:
    found = retriever.search("Zephyr allowance", Filters(collections=["other"]), k=10)
    assert found and all(p.document.access == "public" for p in found)


# --- the dense baseline ----------------------------------------------------------------------
def test_dense_only_ranks_by_vector_similarity_alone(retriever: Retriever) -> None:
    found = retriever.dense_only(QUERY, k=4)
    assert len(found) == 4 and [p.rank for p in found] == [1, 2, 3, 4]
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    assert all(p.score == p.vector_score and p.keyword_score is None for p in found)
    assert all(p.document.access == "public" for p in found)


# --- what the question names only boosts ----------------------------------------------------
def _scores(retriever: Retriever, hints: QueryHints) -> dict[str, float]:
    return {p.chunk.chunk_id: p.score for p in retriever.search(QUERY, k=20, hints=hints)}


def test_hints_boost_scores_and_never_filter(retriever: Retriever, stores: Stores) -> None:
    chunks = {p.chunk.chunk_id: p for p in retriever.search(QUERY, k=20)}
    source_of = {cid: p.document.source for cid, p in chunks.items()}
    # a country nobody mentions: no country boost, and no profile penalty either
    plain = _scores(retriever, QueryHints(countries=["NZL"]))
    fiji = _scores(retriever, QueryHints(countries=["FJI"]))
    none = _scores(retriever, QueryHints())
    years = _scores(retriever, QueryHints(countries=["NZL"], years=[2024]))
    assert set(plain) <= set(source_of)
    assert set(plain) == set(fiji) == set(none) == set(years)  # boosts never filter
    for cid, base in plain.items():
        source = source_of.get(cid) or ""
        tagged_fiji = source.startswith("public/fiji-cable")
        names_fiji = source == "public/undated-note.md"  # "Fiji" in its text only
        expected = 1.25 if tagged_fiji else 1.1 if names_fiji else 1.0
        assert fiji[cid] == pytest.approx(base * expected), source
        # a question naming no country: a country profile counts less
        expected = 0.6 if source == "public/tonga-profile.md" else 1.0
        assert none[cid] == pytest.approx(base * expected), source
        dated_2024 = source in {"public/samoa-broadband.md", "public/tonga-profile.md"}
        assert years[cid] == pytest.approx(base * (1.1 if dated_2024 else 1.0)), source


def test_hints_default_to_what_the_question_names(retriever: Retriever) -> None:
    asked = {p.chunk.chunk_id: p.score for p in retriever.search("broadband in Samoa", k=20)}
    given = retriever.search("broadband in Samoa", k=20, hints=QueryHints(countries=["WSM"]))
    assert asked == {p.chunk.chunk_id: p.score for p in given}


# --- passages of documents that are not whole ----------------------------------------------
def test_passages_of_a_pending_document_are_not_trusted(
    fresh: tuple[Stores, Retriever],
) -> None:
    stores, retriever = fresh
    samoa = stores.catalog.get(doc_id(stores, "public/samoa-broadband.md"))
    assert samoa is not None
    assert "public/samoa-broadband.md" in sources(retriever.search(QUERY, k=10))
    stores.catalog.begin(samoa)  # as ingestion does before rewriting a document
    assert "public/samoa-broadband.md" not in sources(retriever.search(QUERY, k=10))
    assert "public/samoa-broadband.md" not in sources(retriever.dense_only(QUERY, k=10))
    stores.catalog.commit(samoa)
    assert "public/samoa-broadband.md" in sources(retriever.search(QUERY, k=10))


def test_passages_of_another_version_of_a_document_are_dropped(
    fresh: tuple[Stores, Retriever],
) -> None:
    stores, retriever = fresh
    samoa = stores.catalog.get(doc_id(stores, "public/samoa-broadband.md"))
    assert samoa is not None
    newer = DocumentRecord(**{**samoa.__dict__, "content_hash": "a-newer-version"})
    stores.catalog.commit(newer)  # the catalogue moved on; the store still has the old passages
    assert "public/samoa-broadband.md" not in sources(retriever.search(QUERY, k=10))
    assert "public/samoa-broadband.md" not in sources(retriever.dense_only(QUERY, k=10))


# --- the keyword index kept fresh -----------------------------------------------------------
def test_a_missing_keyword_index_is_rebuilt_from_the_store(
    fresh: tuple[Stores, Retriever], embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    stores, _ = fresh
    shutil.rmtree(stores.settings.keyword_path)
    index = KeywordIndex(stores.settings.keyword_path)
    retriever = Retriever(stores.vectors, index, stores.catalog, embedder)
    with caplog.at_level(logging.WARNING, logger="assistant"):
        found = retriever.search("Zephyr allowance", k=3, access=None)
    assert "missing or corrupt" in caplog.text
    assert index.generation == stores.catalog.generation()
    assert found[0].document.source == "hr/zephyr.md" and found[0].keyword_score is not None
    assert KeywordIndex(stores.settings.keyword_path).load(), "the rebuilt index was saved"


def test_the_keyword_index_follows_the_catalogue_but_not_during_a_run(
    fresh: tuple[Stores, Retriever],
) -> None:
    stores, retriever = fresh
    retriever.ensure_keyword_index()
    built = stores.keyword.generation
    assert built == stores.catalog.generation()
    samoa = stores.catalog.get(doc_id(stores, "public/samoa-broadband.md"))
    assert samoa is not None
    stores.catalog.set_state("run_active", "1")  # ingestion is running and will rebuild it
    stores.catalog.begin(samoa)
    retriever.ensure_keyword_index()
    assert stores.keyword.generation == built < stores.catalog.generation()
    stores.catalog.set_state("run_active", None)  # a run ended without rebuilding it
    retriever.ensure_keyword_index()
    assert stores.keyword.generation == stores.catalog.generation()
    # rebuilt from ready documents only: the pending one is not in it
    hits = stores.keyword.search("Samoa broadband policy regulator", k=10)
    assert hits and not any(cid.startswith(samoa.doc_id) for cid, _ in hits)


class FailingOnce(KeywordIndex):
    """A keyword index whose next search fails, as a damaged index that loaded cleanly would."""

    failures = 1

    def search(self, *args: Any, **kwargs: Any) -> list[tuple[str, float]]:
        if self.failures:
            self.failures -= 1
            raise IndexError("index 1007 is out of bounds")
        return super().search(*args, **kwargs)


def test_a_failing_keyword_search_answers_from_vectors_and_rebuilds(
    stores: Stores, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    index = FailingOnce(stores.settings.keyword_path)
    retriever = Retriever(stores.vectors, index, stores.catalog, embedder)
    with caplog.at_level(logging.INFO, logger="assistant"):
        found = retriever.search("submarine fibre cable", k=3)
        assert found, "answered from the vector search"
        assert all(p.keyword_score is None and p.vector_score is not None for p in found)
        assert "keyword search failed" in caplog.text
        assert retriever.wait_for_keyword_repair(timeout=60)
    assert "keyword index rebuilt" in caplog.text
    again = retriever.search("submarine fibre cable", k=3)
    assert again[0].keyword_score is not None


def test_waiting_for_a_repair_that_never_started_returns_at_once(retriever: Retriever) -> None:
    assert retriever.wait_for_keyword_repair(timeout=0)


# --- collapse_duplicates ---------------------------------------------------------------------
def _passage(cid: str, text: str, score: float) -> Passage:
    doc = DocumentRecord(doc_id=cid, source=cid, path=cid, title=cid)
    return Passage(Chunk(chunk_id=cid, doc_id=cid, ordinal=0, text=text), doc, score=score)


def test_collapse_duplicates_keeps_the_first_of_passages_that_say_the_same() -> None:
    same = "The cable lowered broadband prices for schools and clinics on the outer islands."
    other = "Samoa adopted a national broadband policy that sets targets for rural connectivity."
    passages = [
        _passage("a", same, 3.0),
        _passage("b", other, 2.0),
        _passage("c", same.upper() + "  ", 1.0),  # case and spacing do not make it new
        _passage("d", same.replace("The cable", "This cable"), 0.5),  # a word aside, the same
    ]
    kept = collapse_duplicates(passages)
    assert [p.chunk.chunk_id for p in kept] == ["a", "b"]


def test_a_passage_that_says_more_than_one_above_it_is_no_repeat_of_it() -> None:
    # a page's header kept alone as a passage is in every page of its document: they say more
    header = _passage("h", "E/2025/39 ESCAP/81/32", 3.0)
    page = _passage(
        "p",
        "E/2025/39 ESCAP/81/32 14. The Chair and Vice-Chairs examined the credentials of all "
        "the representatives and reported upon them to the Commission.",
        2.0,
    )
    assert collapse_duplicates([header, page]) == [header, page]
    assert collapse_duplicates([page, header]) == [page]  # the header says nothing new


def test_collapse_duplicates_keeps_passages_that_share_little() -> None:
    a = _passage("a", "Fiji connected its outer islands to a submarine fibre cable.", 2.0)
    b = _passage("b", "Tonga connected its outer islands to mobile networks last year.", 1.0)
    assert collapse_duplicates([a, b]) == [a, b]
    assert collapse_duplicates([a, b], threshold=0.1) == [a]
