"""Trust: tokens on every /api and /v1 route, private collections on every route, rate limits,
CORS and the warning for an exposed server without tokens."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from server import create_app, warn_if_exposed
from tests.api.test_server import sse_events
from tests.conftest import HR_TOKEN, PUBLIC_TOKEN, REPO, free_port, make_settings

ZEPHYR = "What is the Zephyr allowance for remote-island civil servants?"
SECRET = "412 dollars"
TUVALU = "What was Tuvalu's EGDI in 2026?"
HR = {"Authorization": f"Bearer {HR_TOKEN}"}
PUBLIC = {"Authorization": f"Bearer {PUBLIC_TOKEN}"}


@pytest.fixture(scope="module")
def client(private_store: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(private_store)) as c:
        yield c


@pytest.fixture(scope="module")
def private_doc(client: TestClient) -> dict[str, object]:
    docs = client.get("/api/documents", headers=HR, params={"limit": 500}).json()["items"]
    return next(d for d in docs if d["source"] == "hr/zephyr-allowance.md")


@pytest.fixture(scope="module")
def private_ids(client: TestClient) -> set[str]:
    docs = client.get("/api/documents", headers=HR, params={"limit": 500}).json()["items"]
    ids = {d["id"] for d in docs if d["access"] == "hr"}
    assert len(ids) == 2  # the circular and the indicator file
    return ids


def _variant(settings: Settings, **changes: object) -> Settings:
    """The same store with other settings (validated, like settings read from the environment)."""
    values = settings.model_dump(include={"data_dir", "corpus_dirs"})
    values["api_tokens"] = settings.api_tokens.get_secret_value()
    return make_settings(**{**values, **changes})  # type: ignore[arg-type]


# --- tokens ------------------------------------------------------------------------------------------
def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x1", path)


def test_every_api_and_v1_route_requires_a_bearer_token(private_store: Settings) -> None:
    with TestClient(create_app(_variant(private_store, auth_failure_limit=0))) as client:
        _every_route_requires_a_token(client)


def _every_route_requires_a_token(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = [
        (method.upper(), path)
        for path, item in paths.items()
        if path.startswith(("/api/", "/v1/"))
        for method in item
    ]
    assert len(operations) >= 17
    for method, path in operations:
        url = _concrete(path)
        for headers in ({}, {"Authorization": "Bearer wrong-token-000000"}):
            response = client.request(method, url, headers=headers, json={})
            assert response.status_code == 401, (method, url, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/health", headers=PUBLIC).json()["auth"] is True
    assert client.get("/healthz").status_code == 200  # liveness needs no token


def test_openai_errors_use_the_openai_error_shape(client: TestClient) -> None:
    response = client.get("/v1/models")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


# --- private collections, route by route ---------------------------------------------------------------
def test_ask_never_shows_a_private_passage_without_the_grant(
    client: TestClient, private_ids: set[str]
) -> None:
    public = client.post("/api/ask", headers=PUBLIC, json={"question": ZEPHYR}).json()
    assert SECRET not in public["answer"] and public["grounded"] is False
    assert not {c["document_id"] for c in public["citations"]} & private_ids
    granted = client.post("/api/ask", headers=HR, json={"question": ZEPHYR}).json()
    assert SECRET in granted["answer"] and granted["grounded"] is True
    assert {c["document_id"] for c in granted["citations"]} & private_ids


def test_stream_never_shows_a_private_passage_without_the_grant(client: TestClient) -> None:
    public = client.post("/api/ask/stream", headers=PUBLIC, json={"question": ZEPHYR})
    assert public.status_code == 200 and SECRET not in public.text
    assert sse_events(public.text)[-1][0] == "done"
    granted = client.post("/api/ask/stream", headers=HR, json={"question": ZEPHYR})
    assert SECRET in granted.text


def test_search_never_returns_a_private_passage_without_the_grant(
    client: TestClient, private_ids: set[str]
) -> None:
    body = {"query": "Zephyr allowance remote-island civil servants", "k": 10}
    public = client.post("/api/search", headers=PUBLIC, json=body).json()["results"]
    assert public and not {r["document_id"] for r in public} & private_ids
    assert all(SECRET not in r["text"] for r in public)
    granted = client.post("/api/search", headers=HR, json=body).json()["results"]
    assert granted[0]["document_id"] in private_ids and SECRET in granted[0]["text"]


def test_documents_pages_and_files_of_a_private_collection_are_hidden(
    client: TestClient, private_doc: dict[str, object], private_ids: set[str]
) -> None:
    listed = client.get("/api/documents", headers=PUBLIC, params={"limit": 500}).json()
    assert listed["total"] == len(listed["items"]) >= 2
    assert not {d["id"] for d in listed["items"]} & private_ids
    doc_id = private_doc["id"]
    for path in (
        f"/api/documents/{doc_id}",
        f"/api/documents/{doc_id}/pages/1",
        f"/api/documents/{doc_id}/file",
    ):
        hidden = client.get(path, headers=PUBLIC)
        assert hidden.status_code == 404, path
        assert SECRET not in hidden.text
        shown = client.get(path, headers=HR)
        assert shown.status_code == 200, path
    assert SECRET in client.get(f"/api/documents/{doc_id}/pages/1", headers=HR).json()["text"]
    assert SECRET in client.get(f"/api/documents/{doc_id}/file", headers=HR).text
    by_collection = client.get("/api/documents", headers=PUBLIC, params={"collection": "data"})
    assert not {d["id"] for d in by_collection.json()["items"]} & private_ids


def test_indicators_from_a_private_data_file_are_hidden(client: TestClient) -> None:
    params = {"country": "Tuvalu", "indicator": "egdi", "year": 2026}
    assert client.get("/api/indicators", headers=PUBLIC, params=params).json()["total"] == 0
    granted = client.get("/api/indicators", headers=HR, params=params).json()
    assert granted["total"] == 1 and granted["items"][0]["value_text"] == "0.98765"
    public_answer = client.post("/api/ask", headers=PUBLIC, json={"question": TUVALU}).json()
    assert "0.98765" not in public_answer["answer"] and public_answer["grounded"] is False
    hr_answer = client.post("/api/ask", headers=HR, json={"question": TUVALU}).json()
    assert "0.98765" in hr_answer["answer"] and hr_answer["grounded"] is True
    countries = {c["iso3"]: c for c in client.get("/api/countries", headers=PUBLIC).json()["items"]}
    assert countries.get("TUV", {"indicators": False})["indicators"] is False
    hr_countries = {c["iso3"]: c for c in client.get("/api/countries", headers=HR).json()["items"]}
    assert hr_countries["TUV"]["indicators"] is True


def test_country_profiles_do_not_leak_private_indicator_values(client: TestClient) -> None:
    body = {"query": "Tuvalu E-Government Development Index 2026", "k": 10}
    results = client.post("/api/search", headers=PUBLIC, json=body).json()["results"]
    assert results and all("0.98765" not in r["text"] for r in results)
    granted = client.post("/api/search", headers=HR, json=body).json()["results"]
    assert any("0.98765" in r["text"] for r in granted)  # the private data file itself


def test_openai_endpoint_never_shows_a_private_passage_without_the_grant(
    client: TestClient,
) -> None:
    body = {"model": "any", "messages": [{"role": "user", "content": ZEPHYR}]}
    public = client.post("/v1/chat/completions", headers=PUBLIC, json=body).json()
    assert SECRET not in public["choices"][0]["message"]["content"]
    assert all(SECRET not in c["text"] for c in public["citations"])
    granted = client.post("/v1/chat/completions", headers=HR, json=body).json()
    assert SECRET in granted["choices"][0]["message"]["content"]
    streamed = client.post("/v1/chat/completions", headers=PUBLIC, json={**body, "stream": True})
    assert streamed.status_code == 200 and SECRET not in streamed.text


def test_answers_conversations_and_highlights_follow_the_grant(
    client: TestClient, private_doc: dict[str, object]
) -> None:
    granted = client.post("/api/ask", headers=HR, json={"question": ZEPHYR}).json()
    # another caller never sees the answer, its conversation or its highlights
    assert client.get(f"/api/answers/{granted['id']}", headers=PUBLIC).status_code == 404
    assert (
        client.get(f"/api/answers/{granted['id']}", headers=HR).json()["answer"]
        == granted["answer"]
    )
    conversation = f"/api/conversations/{granted['conversation_id']}"
    assert client.get(conversation, headers=PUBLIC).status_code == 404
    assert client.get(conversation, headers=HR).status_code == 200
    public_list = client.get("/api/conversations", headers=PUBLIC).json()["items"]
    assert granted["conversation_id"] not in {c["id"] for c in public_list}
    follow = {
        "question": "And who handles requests?",
        "conversation_id": granted["conversation_id"],
    }
    assert client.post("/api/ask", headers=PUBLIC, json=follow).status_code == 404
    feedback = {"answer_id": granted["id"], "rating": 1}
    assert client.post("/api/feedback", headers=PUBLIC, json=feedback).status_code == 404
    page = client.get(
        f"/api/documents/{private_doc['id']}/pages/1",
        headers=HR,
        params={"answer_id": granted["id"]},
    ).json()
    assert any(SECRET in page["text"][h["start"] : h["end"]] for h in page["highlights"])
    # an answer belongs to the token that made it, even when another token's access covers it
    public = client.post(
        "/api/ask", headers=PUBLIC, json={"question": "What does the Civil Service College teach?"}
    ).json()
    assert client.get(f"/api/answers/{public['id']}", headers=PUBLIC).status_code == 200
    assert client.get(f"/api/answers/{public['id']}", headers=HR).status_code == 404
    # a link to it shows the answer as it was shown, to any caller whose access covers it
    shared = client.get(f"/api/answers/{public['id']}/shared", headers=HR).json()
    assert shared["answer"] == public["answer"] and "feedback" not in shared
    assert client.get(f"/api/answers/{granted['id']}/shared", headers=PUBLIC).status_code == 404
    rating = {"answer_id": public["id"], "rating": -1, "comment": "not mine"}
    assert client.post("/api/feedback", headers=HR, json=rating).status_code == 404


def test_a_token_granted_everything_sees_every_collection(private_store: Settings) -> None:
    import json

    settings = _variant(
        private_store, api_tokens=json.dumps({"ops-token-0123456789abcdefghijklmnopqrs": ["*"]})
    )
    with TestClient(create_app(settings)) as c:
        docs = c.get(
            "/api/documents",
            headers={"Authorization": "Bearer ops-token-0123456789abcdefghijklmnopqrs"},
        ).json()["items"]
        assert {"public", "hr"} <= {d["access"] for d in docs}


def test_without_tokens_nobody_sees_private_collections(private_store: Settings) -> None:
    settings = _variant(private_store, api_tokens="")
    with TestClient(create_app(settings)) as c:
        answer = c.post("/api/ask", json={"question": ZEPHYR}).json()
        assert SECRET not in answer["answer"]
        assert all(d["access"] == "public" for d in c.get("/api/documents").json()["items"])


# --- rate limit, CORS, exposure warning ------------------------------------------------------------
def test_rate_limit_per_token(private_store: Settings) -> None:
    settings = _variant(private_store, rate_limit=3)
    with TestClient(create_app(settings)) as c:
        codes = [c.get("/api/countries", headers=PUBLIC).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = c.get("/api/countries", headers=PUBLIC)
        assert "RAG_RATE_LIMIT" in limited.json()["detail"]
        assert int(limited.headers["retry-after"]) >= 1
        assert c.get("/api/countries", headers=HR).status_code == 200  # another token's bucket


def test_cors_allows_only_the_configured_origins(private_store: Settings) -> None:
    settings = _variant(private_store, cors_origins=["https://chat.example.org"])
    with TestClient(create_app(settings)) as c:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        }
        ok = c.options("/api/ask", headers={"Origin": "https://chat.example.org", **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://chat.example.org"
        other = c.get("/api/countries", headers={"Origin": "https://evil.example", **PUBLIC})
        assert "access-control-allow-origin" not in other.headers
    with TestClient(create_app(private_store)) as c:  # no origins configured: no CORS headers
        none = c.get("/api/countries", headers={"Origin": "https://chat.example.org", **PUBLIC})
        assert "access-control-allow-origin" not in none.headers


def test_binding_beyond_loopback_without_tokens_warns_loudly(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    exposed = make_settings(tmp_path / "data", host="0.0.0.0")
    with caplog.at_level(logging.WARNING, logger="server"), TestClient(create_app(exposed)):
        pass
    assert any(
        "SECURITY WARNING" in r.getMessage() and "0.0.0.0" in r.getMessage() for r in caplog.records
    )
    assert warn_if_exposed("127.0.0.1", exposed) is False
    assert warn_if_exposed("::1", exposed) is False
    assert warn_if_exposed("192.168.1.20", exposed) is True
    with_tokens = make_settings(
        tmp_path / "data", host="0.0.0.0", api_tokens='["token-abcdefgh-0123456789abcdefghij"]'
    )
    assert warn_if_exposed("0.0.0.0", with_tokens) is False


def test_uvicorn_bound_to_every_interface_without_tokens_warns_although_settings_say_loopback(
    tmp_path: Path,
) -> None:
    """``uvicorn server:app --host 0.0.0.0`` never tells the settings where it binds: the
    warning must come from the socket the process really listens on."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(RAG_DATA_DIR=str(tmp_path / "data"), RAG_CORPUS_DIRS=str(tmp_path / "corpus"))
    env["PYTHONPATH"] = str(REPO)
    command = [sys.executable, "-m", "uvicorn", "server:app", "--host", "0.0.0.0"]
    log_file = tmp_path / "uvicorn.log"
    with log_file.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=tmp_path, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 120
        while "SECURITY WARNING" not in log_file.read_text(errors="replace"):
            assert process.poll() is None, log_file.read_text(errors="replace")
            assert time.monotonic() < deadline, log_file.read_text(errors="replace")
            time.sleep(0.2)
        assert "0.0.0.0" in log_file.read_text(errors="replace")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_one_log_line_per_request_with_its_id_and_caller(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="server.requests"):
        response = client.get("/api/countries", headers=PUBLIC)
    request_id = response.headers["x-request-id"]
    lines = [r.getMessage() for r in caplog.records if r.name == "server.requests"]
    assert len(lines) == 1
    assert f"id={request_id}" in lines[0] and "status=200" in lines[0]
    assert "path=/api/countries" in lines[0] and "caller=token:" in lines[0]


# --- view links (Slack's source links while tokens are set) -------------------------------------
def test_a_view_link_reads_its_answer_and_the_documents_it_cites_and_nothing_else(
    client: TestClient, private_store: Settings, private_doc: dict[str, object]
) -> None:
    from assistant.links import ViewLinks

    question = {"question": "What does the Civil Service College teach?"}
    answer = client.post("/api/ask", headers=PUBLIC, json=question).json()
    granted = client.post("/api/ask", headers=HR, json={"question": ZEPHYR}).json()
    cited = {c["document_id"] for c in answer["citations"]}
    assert cited and private_doc["id"] not in cited
    links = ViewLinks.for_settings(private_store)
    view = {"X-View-Link": links.sign(answer["id"])}
    doc = next(iter(cited))

    shared = client.get(f"/api/answers/{answer['id']}/shared", headers=view)
    assert shared.status_code == 200 and shared.json()["answer"] == answer["answer"]
    assert client.get(f"/api/documents/{doc}", headers=view).status_code == 200
    page = client.get(
        f"/api/documents/{doc}/pages/1", headers=view, params={"answer_id": answer["id"]}
    )
    assert page.status_code == 200 and page.json()["highlights"]
    assert client.get(f"/api/documents/{doc}/file", headers=view).status_code == 200
    assert client.get("/api/health", headers=view).status_code == 200
    # nothing else: not another answer, not a document it does not cite, not its own record
    assert client.get(f"/api/answers/{granted['id']}/shared", headers=view).status_code == 404
    for path in (f"/api/documents/{private_doc['id']}", f"/api/documents/{private_doc['id']}/file"):
        assert client.get(path, headers=view).status_code == 404
    hidden = client.get(
        f"/api/documents/{doc}/pages/1", headers=view, params={"answer_id": granted["id"]}
    ).json()
    assert SECRET not in json.dumps(hidden)
    for method, path, body in (
        ("GET", f"/api/answers/{answer['id']}", None),
        ("GET", "/api/documents", None),
        ("GET", "/api/conversations", None),
        ("POST", "/api/ask", question),
        ("POST", "/api/feedback", {"answer_id": answer["id"], "rating": 1}),
    ):
        assert client.request(method, path, headers=view, json=body).status_code == 401, path


def test_a_forged_or_expired_view_link_is_refused_saying_what_to_do(
    client: TestClient, private_store: Settings
) -> None:
    import time

    from assistant.links import ViewLinks

    answer = client.post("/api/ask", headers=PUBLIC, json={"question": ZEPHYR}).json()
    links = ViewLinks.for_settings(private_store)
    expired = links.sign(answer["id"], now=time.time() - 80 * 3600)  # 72 h links
    forged = ViewLinks(b"another key entirely!!", 72).sign(answer["id"])
    for token in (expired, forged, "junk"):
        reply = client.get(f"/api/answers/{answer['id']}/shared", headers={"X-View-Link": token})
        assert reply.status_code == 401
        assert "not valid or has expired" in reply.json()["detail"]
    # with a token, the header is not looked at
    with_token = {**PUBLIC, "X-View-Link": "junk"}
    assert client.get(f"/api/answers/{answer['id']}/shared", headers=with_token).status_code == 200


def test_a_conversation_is_continued_from_a_view_link_as_a_copy_of_ones_own(
    client: TestClient, private_store: Settings
) -> None:
    from assistant.links import ViewLinks

    first = client.post("/api/ask", headers=PUBLIC, json={"question": ZEPHYR}).json()
    follow = {"question": "And who pays it?", "conversation_id": first["conversation_id"]}
    second = client.post("/api/ask", headers=PUBLIC, json=follow).json()
    third = client.post("/api/ask", headers=PUBLIC, json={**follow, "question": "Since when?"})
    assert third.status_code == 200
    links = ViewLinks.for_settings(private_store)
    # continued from the second answer: its two turns, in a conversation of the HR token's own
    view = {**HR, "X-View-Link": links.sign(second["id"])}
    reply = client.post(
        "/api/conversations/continue", headers=view, json={"answer_id": second["id"]}
    )
    assert reply.status_code == 201
    copy = reply.json()
    assert copy["id"] != first["conversation_id"]
    assert [t["answer_id"] for t in copy["turns"]] == [first["id"], second["id"]]
    assert client.get(f"/api/conversations/{copy['id']}", headers=HR).status_code == 200
    assert client.get(f"/api/conversations/{copy['id']}", headers=PUBLIC).status_code == 404
    # a follow-up there continues the copy; the original keeps its three turns
    more = {"question": "What about Fiji?", "conversation_id": copy["id"]}
    assert client.post("/api/ask", headers=HR, json=more).status_code == 200
    assert len(client.get(f"/api/conversations/{copy['id']}", headers=HR).json()["turns"]) == 3
    original = client.get(f"/api/conversations/{first['conversation_id']}", headers=PUBLIC).json()
    assert len(original["turns"]) == 3
    # no link, another answer's link, a forged one: refused, saying what is needed
    for headers in (HR, {**HR, "X-View-Link": links.sign(first["id"])}, {**HR, "X-View-Link": "x"}):
        refused = client.post(
            "/api/conversations/continue", headers=headers, json={"answer_id": second["id"]}
        )
        assert refused.status_code == 401 and "view link" in refused.json()["detail"]
