"""The HTTP API over a real store (the small shared-corpus slice): asking, streaming, search,
documents and the source viewer, indicators, conversations, the audit trail, health, errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from server import create_app
from tests.conftest import REPO, free_port, make_settings

CEPA = "What did CEPA encourage INTOSAI to do about artificial intelligence?"
ANSWER_FIELDS = {
    "id",
    "answer",
    "grounded",
    "citations",
    "filters",
    "conversation_id",
    "rewritten_question",
    "timings",
}
CITATION_FIELDS = {
    "n",
    "document_id",
    "title",
    "collection",
    "source",
    "page",
    "page_label",
    "text",
    "start",
    "end",
    "score",
}


def _norm(text: str) -> str:
    return " ".join(text.split())


def sse_events(body: str) -> list[tuple[str, dict[str, object]]]:
    events = []
    for block in body.strip().split("\n\n"):
        kind = re.search(r"^event: (.+)$", block, re.M)
        data = re.search(r"^data: (.+)$", block, re.M)
        assert kind and data, block
        events.append((kind.group(1), json.loads(data.group(1))))
    return events


@pytest.fixture(scope="module")
def client(small_store: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(small_store)) as c:
        yield c


@pytest.fixture(scope="module")
def cepa(client: TestClient) -> dict[str, object]:
    response = client.post("/api/ask", json={"question": CEPA})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


# --- /api/ask ------------------------------------------------------------------------------------
def test_ask_returns_a_grounded_answer_with_checkable_citations(
    cepa: dict[str, object], small_store: Settings
) -> None:
    assert ANSWER_FIELDS.issubset(cepa)
    assert cepa["grounded"] is True and "[1]" in str(cepa["answer"])
    assert "supreme audit institutions" in str(cepa["answer"]).lower()
    citations = cepa["citations"]
    assert isinstance(citations, list) and citations
    corpus = small_store.corpus_dirs[0]
    for c in citations:
        assert CITATION_FIELDS.issubset(c)
        assert c["source"] == "un-docs/E_2025_44.en.pdf"  # relative to its corpus folder
        assert (corpus / c["source"]).is_file()
        assert isinstance(c["page"], int) and c["page"] >= 1
        assert re.fullmatch(r"\d+/26", c["page_label"]), c["page_label"]
        assert c["end"] > c["start"] and c["text"]
    assert cepa["conversation_id"] and cepa["id"]
    assert cepa["timings"]["total_ms"] > 0  # type: ignore[index]


def test_follow_up_questions_continue_a_conversation_across_requests(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": "What was Fiji's EGDI in 2024?"}).json()
    follow = client.post(
        "/api/ask", json={"question": "And in 2022?", "conversation_id": first["conversation_id"]}
    ).json()
    assert follow["conversation_id"] == first["conversation_id"]
    assert follow["rewritten_question"] == "What was Fiji's EGDI in 2022?"
    expected = client.get(
        "/api/indicators", params={"country": "FJI", "indicator": "egdi", "year": 2022}
    ).json()["items"][0]["value_text"]
    assert expected in follow["answer"]
    conversation = client.get(f"/api/conversations/{first['conversation_id']}").json()
    assert [t["question"] for t in conversation["turns"]] == [
        "What was Fiji's EGDI in 2024?",
        "And in 2022?",
    ]
    assert conversation["turns"][1]["rewritten_question"] == "What was Fiji's EGDI in 2022?"
    assert conversation["turns"][1]["answer_id"] == follow["id"]


def test_an_unknown_conversation_is_a_404(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "And in 2022?", "conversation_id": "nope"})
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


def test_conversations_can_be_listed_renamed_and_deleted(client: TestClient) -> None:
    made = client.post("/api/ask", json={"question": "What was Samoa's EGDI in 2024?"}).json()
    cid = made["conversation_id"]
    listing = client.get("/api/conversations", params={"limit": 200}).json()
    assert cid in [c["id"] for c in listing["items"]]
    assert listing["total"] >= 1
    summary = next(c for c in listing["items"] if c["id"] == cid)
    assert summary["title"] == "What was Samoa's EGDI in 2024?" and summary["turn_count"] == 1
    renamed = client.patch(f"/api/conversations/{cid}", json={"title": "Samoa figures"}).json()
    assert renamed["title"] == "Samoa figures" and len(renamed["turns"]) == 1
    deleted = client.delete(f"/api/conversations/{cid}")
    assert deleted.status_code == 200 and deleted.json()["turns"][0]["answer_id"] == made["id"]
    assert client.get(f"/api/conversations/{cid}").status_code == 404
    assert client.patch(f"/api/conversations/{cid}", json={"title": "x"}).status_code == 404


def test_filters_are_applied_and_echoed(client: TestClient) -> None:
    answer = client.post(
        "/api/ask", json={"question": CEPA, "filters": {"collections": ["case"]}}
    ).json()
    assert answer["filters"]["collections"] == ["case"]
    assert all(c["collection"] == "case" for c in answer["citations"])
    bad = client.post("/api/ask", json={"question": CEPA, "filters": {"countries": ["Atlantis"]}})
    assert bad.status_code == 422 and "Atlantis" in bad.json()["detail"]


# --- /api/ask/stream -------------------------------------------------------------------------------
def test_stream_sends_deltas_citations_and_done(
    client: TestClient, cepa: dict[str, object]
) -> None:
    response = client.post("/api/ask/stream", json={"question": CEPA})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    kinds = [k for k, _ in events]
    assert kinds[:2] == ["understood", "delta"] and kinds[-2:] == ["citations", "done"]
    # first, before the search: the question as it will be answered and what was read in it
    assert events[0][1] == {
        "question": CEPA,
        "understood": "CEPA = Committee of Experts on "
        "Public Administration · INTOSAI = International Organization of "
        "Supreme Audit Institutions",
        "route": "documents",
    }
    text = "".join(str(d["text"]) for k, d in events if k == "delta")
    done = events[-1][1]["answer"]
    assert isinstance(done, dict)
    assert _norm(text) == _norm(done["answer"]) == _norm(str(cepa["answer"]))
    assert events[-2][1]["citations"] == done["citations"]
    assert client.get(f"/api/answers/{done['id']}").json()["channel"] == "stream"


def test_stream_errors_before_the_first_event_get_a_status(client: TestClient) -> None:
    response = client.post(
        "/api/ask/stream", json={"question": CEPA, "filters": {"collections": ["novels"]}}
    )
    assert response.status_code == 422 and "novels" in response.json()["detail"]


# --- /api/search -------------------------------------------------------------------------------------
def test_search_returns_ranked_passages_within_the_filters(client: TestClient) -> None:
    response = client.post(
        "/api/search",
        json={"query": "digital government index", "k": 3, "filters": {"collections": ["study"]}},
    )
    results = response.json()["results"]
    assert 1 <= len(results) <= 3
    assert [r["rank"] for r in results] == sorted(r["rank"] for r in results)
    assert all(r["collection"] == "study" and r["text"] for r in results)


def test_a_search_in_another_language_finds_what_its_answer_would_quote(
    client: TestClient,
) -> None:
    # "Singapore's capacity-building programme for the Forum of Small States, as said at the
    # General Assembly", in Chinese: it shares no word with the English speech, and is searched
    # by its meaning as a question asked is (before, as if it were English: nothing relevant)
    response = client.post("/api/search", json={"query": "新加坡在联大提到的小国论坛能力建设计划"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and results[0]["source"].endswith("SGP_79_2024.txt"), results[:2]


# --- documents, pages, files ----------------------------------------------------------------------------
def test_documents_are_listed_paged_and_filtered(client: TestClient) -> None:
    everything = client.get("/api/documents", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 10
    page = client.get("/api/documents", params={"limit": 2, "offset": 1}).json()
    assert [d["id"] for d in page["items"]] == [d["id"] for d in everything["items"][1:3]]
    studies = client.get("/api/documents", params={"collection": "study", "limit": 500}).json()
    assert studies["total"] >= 1 and all(d["collection"] == "study" for d in studies["items"])
    un = client.get("/api/documents", params={"collection": "un", "limit": 500}).json()
    assert un["total"] >= 2 and all(d["collection"] == "un" and d["symbol"] for d in un["items"])
    fiji = client.get("/api/documents", params={"country": "Fiji", "limit": 500}).json()
    assert fiji["items"] and all("FJI" in d["countries"] for d in fiji["items"])
    assert client.get("/api/documents", params={"country": "Atlantis"}).status_code == 422
    assert client.get("/api/documents", params={"collection": "novels"}).status_code == 422


def test_one_document_and_unknown_ids(client: TestClient, cepa: dict[str, object]) -> None:
    doc_id = cepa["citations"][0]["document_id"]  # type: ignore[index]
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert (
        doc["id"] == doc_id and doc["pages"] == 28 and doc["source"] == "un-docs/E_2025_44.en.pdf"
    )
    assert doc["file"] == f"/api/documents/{doc_id}/file" and "path" not in doc
    assert client.get("/api/documents/no-such-doc").status_code == 404


def test_page_viewer_gives_the_page_text_and_highlights_the_citations(
    client: TestClient, cepa: dict[str, object]
) -> None:
    for citation in cepa["citations"]:  # type: ignore[attr-defined]
        url = f"/api/documents/{citation['document_id']}/pages/{citation['page']}"
        page = client.get(url, params={"answer_id": cepa["id"]}).json()
        assert page["page"] == citation["page"] and page["page_label"] == citation["page_label"]
        cited = page["text"][citation["start"] : citation["end"]]
        assert _norm(cited) == _norm(citation["text"])
        spans = [(h["start"], h["end"], h["n"]) for h in page["highlights"]]
        assert (citation["start"], citation["end"], citation["n"]) in spans
        for p in page["passages"]:
            assert 0 <= p["start"] < p["end"] <= len(page["text"])
    plain = client.get(url).json()
    assert plain["highlights"] == [] and plain["text"] == page["text"]
    doc_id = cepa["citations"][0]["document_id"]  # type: ignore[index]
    assert client.get(f"/api/documents/{doc_id}/pages/29").status_code == 404
    assert client.get(f"/api/documents/{doc_id}/pages/0").status_code == 422


def test_file_download_serves_the_original_bytes_with_its_type(
    client: TestClient, cepa: dict[str, object], small_store: Settings
) -> None:
    citation = cepa["citations"][0]  # type: ignore[index]
    response = client.get(f"/api/documents/{citation['document_id']}/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (small_store.corpus_dirs[0] / citation["source"]).read_bytes()
    rst = next(
        d
        for d in client.get("/api/documents", params={"limit": 500}).json()["items"]
        if d["source"].endswith(".rst")
    )
    text = client.get(rst["file"])
    assert text.headers["content-type"] == "text/plain; charset=utf-8"


def test_no_file_outside_the_corpus_is_ever_served(tmp_path: Path) -> None:
    from assistant.models import DocumentRecord
    from assistant.storage.catalog import Catalog

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve", encoding="utf-8")
    (corpus / "link.txt").symlink_to(secret)
    inside = corpus / "fine.txt"
    inside.write_text("fine", encoding="utf-8")
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    catalog = Catalog(settings.catalog_path)
    for doc_id, path in (
        ("outside", secret),
        ("via-link", corpus / "link.txt"),
        ("dotdot", corpus / ".." / "secret.txt"),
        ("system", Path("/etc/passwd")),
        ("fine", inside),
    ):
        catalog.commit(DocumentRecord(doc_id, path.name, str(path), doc_id, content_hash="h"))
    with TestClient(create_app(settings)) as c:
        for doc_id in ("outside", "via-link", "dotdot", "system"):
            response = c.get(f"/api/documents/{doc_id}/file")
            assert response.status_code == 404, doc_id
            assert "not inside a corpus folder" in response.json()["detail"]
            assert "do not serve" not in response.text
        assert c.get("/api/documents/fine/file").text == "fine"
        assert c.get("/api/documents/..%2F..%2Fetc%2Fpasswd/file").status_code == 404


# --- countries and indicators ------------------------------------------------------------------------
def test_countries_and_indicators(client: TestClient) -> None:
    countries = {c["iso3"]: c for c in client.get("/api/countries").json()["items"]}
    assert countries["FJI"]["indicators"] is True and countries["FJI"]["documents"] >= 1
    assert countries["FJI"]["name"] == "Fiji"
    egdi = client.get(
        "/api/indicators", params={"country": "Fiji", "indicator": "egdi", "year": 2024}
    ).json()
    assert egdi["total"] == 1
    row = egdi["items"][0]
    assert row["value_text"] == "0.67544" and row["source"].endswith("egdi_2003_2024_long.csv")
    assert row["row"] > 1
    paged = client.get(
        "/api/indicators", params={"indicator": "egdi", "limit": 5, "offset": 5}
    ).json()
    assert paged["total"] > 100 and len(paged["items"]) == 5
    assert client.get("/api/indicators", params={"country": "Atlantis"}).json()["total"] == 0
    assert client.get("/api/indicators", params={"year": 99999}).status_code == 422


# --- audit trail and feedback --------------------------------------------------------------------------
def test_every_answer_is_recorded_with_its_sources_and_feedback(
    client: TestClient, cepa: dict[str, object]
) -> None:
    record = client.get(f"/api/answers/{cepa['id']}").json()
    assert record["question"] == CEPA and record["answer"] == cepa["answer"]
    assert record["conversation_id"] == cepa["conversation_id"]
    assert record["answerer"] == "extractive" and "minilm" in record["model"]
    assert record["latency_ms"] > 0 and record["channel"] == "api"
    cited_chunks = {c["chunk_id"] for c in cepa["citations"]}  # type: ignore[attr-defined]
    assert cited_chunks <= {p["chunk_id"] for p in record["retrieved"]}
    doc_id = cepa["citations"][0]["document_id"]  # type: ignore[index]
    current = client.get(f"/api/documents/{doc_id}").json()["content_hash"]
    assert record["documents"][doc_id] == current
    assert [c["chunk_id"] for c in record["citations"]] == [
        c["chunk_id"]
        for c in cepa["citations"]  # type: ignore[attr-defined]
    ]
    given = client.post(
        "/api/feedback", json={"answer_id": cepa["id"], "rating": -1, "comment": "too long"}
    )
    assert given.status_code == 200
    feedback = client.get(f"/api/answers/{cepa['id']}").json()["feedback"]
    assert {"rating": -1, "comment": "too long"}.items() <= feedback[-1].items()
    assert client.post("/api/feedback", json={"answer_id": "nope", "rating": 1}).status_code == 404
    bad = client.post("/api/feedback", json={"answer_id": cepa["id"], "rating": 5})
    assert bad.status_code == 422


def test_replay_says_what_changed(
    client: TestClient, small_store: Settings, monkeypatch, capsys
) -> None:
    import sqlite3

    from assistant.__main__ import main
    from assistant.config import get_settings

    cepa = client.post("/api/ask", json={"question": CEPA}).json()
    monkeypatch.setenv("RAG_DATA_DIR", str(small_store.data_dir))
    get_settings.cache_clear()
    try:
        assert main(["replay", str(cepa["id"])]) == 0
        assert "nothing changed" in capsys.readouterr().out
        # the recorded answer was built from another version of its document
        with sqlite3.connect(small_store.audit_path) as db:
            doc_id = cepa["citations"][0]["document_id"]  # type: ignore[index]
            db.execute(
                "UPDATE answers SET documents=?, answer='an older answer' WHERE id=?",
                (json.dumps({doc_id: "0" * 64}), cepa["id"]),
            )
        assert main(["replay", str(cepa["id"]), "--json"]) == 1
        result = json.loads(capsys.readouterr().out)
        assert result["changed"] and result["answer_changed"]
        assert result["documents_changed"] == [doc_id]
        assert result["now"]["answer"] == cepa["answer"]
        assert main(["replay", "nope"]) == 2
    finally:
        get_settings.cache_clear()


# --- health, docs -------------------------------------------------------------------------------------
def test_health_reports_counts_models_and_version(client: TestClient) -> None:
    import assistant

    health = client.get("/api/health").json()
    documents = client.get("/api/documents", params={"limit": 500}).json()
    assert health["status"] == "ok" and health["version"] == assistant.__version__
    assert health["store"]["documents"] == documents["total"]
    assert health["store"]["passages"] == sum(d["chunks"] for d in documents["items"]) > 0
    assert health["store"]["indicator_values"] > 1000
    assert health["models"] == {"embedding": "minilm-int8", "answerer": "extractive", "llm": None}
    assert health["auth"] is False


def test_openapi_docs_list_every_endpoint(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {
        "/api/ask",
        "/api/ask/stream",
        "/api/search",
        "/api/documents",
        "/api/documents/{doc_id}",
        "/api/documents/{doc_id}/pages/{n}",
        "/api/documents/{doc_id}/file",
        "/api/countries",
        "/api/indicators",
        "/api/feedback",
        "/api/health",
        "/api/answers/{answer_id}",
        "/api/conversations",
        "/api/conversations/{conversation_id}",
        "/api/briefs",
        "/api/briefs/{brief_id}/docx",
        "/v1/chat/completions",
        "/v1/models",
    } <= paths
    assert "/slack/events" not in paths  # Slack's endpoint is not part of the public API


# --- /api/briefs ----------------------------------------------------------------------------------
def test_a_brief_is_drafted_listed_and_downloaded_as_markdown_and_word(
    client: TestClient,
) -> None:
    import io

    import docx

    response = client.post("/api/briefs", json={"country": "Fiji", "topic": "e-government"})
    assert response.status_code == 200, response.text
    brief = response.json()
    assert brief["iso3"] == "FJI" and brief["title"] == "Fiji: e-government"
    assert brief["markdown"].startswith("# ") and "Sources" in brief["markdown"]
    assert [s["key"] for s in brief["brief"]["sections"]][:2] == ["summary", "context"]
    listed = client.get("/api/briefs").json()["items"]
    assert brief["id"] in [b["id"] for b in listed]

    markdown = client.get(brief["downloads"]["markdown"])
    assert markdown.status_code == 200 and markdown.text == brief["markdown"]
    assert "attachment" in markdown.headers["content-disposition"]
    word = client.get(brief["downloads"]["docx"])
    assert word.status_code == 200 and word.headers["content-type"].endswith("document")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "Fiji" in text and "Sources" in text


def test_brief_errors_are_clear_4xx(client: TestClient) -> None:
    unknown = client.post("/api/briefs", json={"country": "Atlantis", "topic": "e-government"})
    assert unknown.status_code == 422 and "Atlantis" in unknown.json()["detail"]
    empty = client.post("/api/briefs", json={"country": "Fiji", "topic": ""})
    assert empty.status_code == 422
    missing = client.get("/api/briefs/" + "0" * 32 + "/docx")
    assert missing.status_code == 404
    assert client.get("/api/briefs/not-an-id/markdown").status_code == 422


# --- limits and errors --------------------------------------------------------------------------------
def test_question_and_body_limits_give_a_clear_4xx(client: TestClient) -> None:
    long = client.post("/api/ask", json={"question": "why " * 1000})
    assert long.status_code == 422 and "RAG_MAX_QUESTION_CHARS" in long.json()["detail"]
    empty = client.post("/api/ask", json={"question": "   "})
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    body = json.dumps({"question": "x", "filters": {"documents": ["d" * 300_000]}})
    big = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert big.status_code == 413 and "RAG_MAX_BODY_BYTES" in big.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        yield body.encode()

    chunked = client.post(
        "/api/ask", content=chunks(), headers={"content-type": "application/json"}
    )
    assert chunked.status_code == 413 and "RAG_MAX_BODY_BYTES" in chunked.json()["detail"]
    openai_big = client.post(
        "/v1/chat/completions", content=body, headers={"content-type": "application/json"}
    )
    assert openai_big.status_code == 413
    assert "RAG_MAX_BODY_BYTES" in openai_big.json()["error"]["message"]
    unknown = client.post("/api/ask", json={"question": "x", "filter": {}})
    assert unknown.status_code == 422 and "filter" in unknown.text


@pytest.mark.parametrize("number", ["1e309", "-1e309", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_give_a_422_that_names_the_field(
    client: TestClient, number: str
) -> None:
    bodies = {
        "/api/search": f'{{"query": "audit", "k": {number}}}',
        "/api/ask": f'{{"question": "audit", "filters": {{"year_from": {number}}}}}',
        "/v1/chat/completions": (
            f'{{"model": "m", "filters": {{"year_to": {number}}}, '
            '"messages": [{"role": "user", "content": "audit"}]}'
        ),
    }
    for path, body in bodies.items():
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, (path, response.text)
        assert "number" in response.text.lower() or "finite" in response.text.lower()


def test_an_llm_provider_that_is_down_gives_502_with_a_message(small_store: Settings) -> None:
    port = free_port()  # nothing listens there
    settings = small_store.model_copy(
        update={
            "answerer": "openai",
            "llm_base_url": f"http://127.0.0.1:{port}/v1",
            "llm_timeout": 5,
        }
    )
    with TestClient(create_app(settings)) as c:
        response = c.post("/api/ask", json={"question": CEPA})
        assert response.status_code == 502, response.text
        assert f"127.0.0.1:{port}" in response.json()["detail"]
        assert "Traceback" not in response.text
        stream = c.post("/api/ask/stream", json={"question": CEPA})
        kind, data = sse_events(stream.text)[-1]
        assert kind == "error" and data["status"] == 502 and f":{port}" in str(data["detail"])


def test_unexpected_errors_never_show_a_stack_trace(small_store: Settings) -> None:
    from api.deps import get_assistant

    class Broken:
        def converse(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("secret internals at /srv/app/assistant.py line 42")

    app = create_app(small_store)
    app.dependency_overrides[get_assistant] = Broken
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.post("/api/ask", json={"question": "anything"})
        assert response.status_code == 500
        assert "secret internals" not in response.text and "Traceback" not in response.text
        assert "reference" in response.json()["detail"]


def test_settings_reject_malformed_tokens() -> None:
    with pytest.raises(ValueError, match="RAG_API_TOKENS"):
        make_settings(Path("/tmp/x"), api_tokens="{not json")
    with pytest.raises(ValueError, match=r"at least 32 characters.*secrets\.token_urlsafe"):
        make_settings(Path("/tmp/x"), api_tokens='["short"]')
    with pytest.raises(ValueError, match="at least 32 characters"):
        make_settings(Path("/tmp/x"), api_tokens='{"' + "a" * 31 + '": []}')
    a, b = "token-" + "a" * 26, "token-" + "b" * 26
    settings = make_settings(Path("/tmp/x"), api_tokens=f"{a}, {b}")
    assert settings.token_grants() == {a: (), b: ()}
    assert a not in repr(settings)


def test_the_starter_suggestions_are_answered(client: TestClient) -> None:
    """The page's starter questions come from what is ingested, and each one is answered."""
    body = client.get("/api/suggestions").json()
    assert body["indicator_data"] is True and body["hint"] is None
    assert len(body["questions"]) >= 3
    for question in body["questions"]:
        answer = client.post("/api/ask", json={"question": question}).json()
        assert answer["grounded"], (question, answer["answer"])


def test_without_indicator_data_the_suggestions_say_how_to_add_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text(
        "# Digital identity in Fiji\n\nFiji launched a national digital identity programme to "
        "give every citizen one trusted credential for public services.\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    from ingest.pipeline import Pipeline

    Pipeline(settings).run([corpus])
    with TestClient(create_app(settings)) as fresh:
        body = fresh.get("/api/suggestions").json()
    assert body["indicator_data"] is False
    assert "python -m ingest fetch" in body["hint"]
    assert not any("EGDI" in q for q in body["questions"])


def test_a_fresh_make_run_shows_starter_questions_it_answers(tmp_path: Path) -> None:
    """The repository's own starter corpus (what `make run` ingests on a fresh clone)."""
    from ingest.pipeline import Pipeline

    settings = make_settings(tmp_path / "data", corpus_dirs=[REPO / "corpus"])
    Pipeline(settings).run()
    with TestClient(create_app(settings)) as fresh:
        body = fresh.get("/api/suggestions").json()
        assert body["questions"] and body["hint"]  # no indicator data in the starter corpus
        for question in body["questions"]:
            answer = fresh.post("/api/ask", json={"question": question}).json()
            assert answer["grounded"] and len(answer["answer"]) > 80, answer["answer"]
