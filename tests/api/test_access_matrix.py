"""The access matrix: every route, for every kind of caller, never shows a private line, word or
document to a caller without the grant; and a denial looks exactly like "not found".

Callers: no token, a wrong token, a token without the ``hr`` grant, a token with it. The private
collection (``tests.conftest.write_private_corpus``) holds a circular and an indicator file; what
they contain that nothing public does is in ``MARKERS``. Every operation of the OpenAPI schema
must have a request here (a new route fails :func:`test_the_matrix_covers_every_route` until it
is added), plus the routes outside the schema: the Slack endpoint, the web chat, liveness.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.links import ViewLinks
from server import create_app
from tests.conftest import HR_TOKEN, PUBLIC_TOKEN, make_settings

ZEPHYR = "What is the Zephyr allowance for remote-island civil servants?"
# What only the private documents contain: their facts, their words, their file names (compared
# in lower case, and only those no request of the matrix contains: a caller's own words coming
# back, in an answer or in the title of its own conversation, are no leak).
MARKERS = (
    "412 dollars",
    "without a hospital",
    "human resources division",
    "zephyr",
    "0.98765",
    "0.87654",
    "hr_egdi_2026",
    "hr-export",
)

CALLERS: dict[str, dict[str, str]] = {
    "no token": {},
    "wrong token": {"Authorization": "Bearer wrong-token-0123456789abcdef0123456789"},
    "ungranted": {"Authorization": f"Bearer {PUBLIC_TOKEN}"},
    "granted": {"Authorization": f"Bearer {HR_TOKEN}"},
}
DENIED = ("no token", "wrong token", "ungranted")


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # the OpenAPI path it exercises
    url: str
    body: Any = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None  # besides the caller's own


@dataclass
class Private:
    """Ids of things only the granted caller may reach."""

    circular: str
    data_file: str
    answer: str
    conversation: str
    brief: str
    view: str  # a view link to the answer (assistant.links)
    links: ViewLinks


@pytest.fixture(scope="module")
def app_settings(private_store: Settings) -> Settings:
    values = private_store.model_dump(include={"data_dir", "corpus_dirs"})
    values["api_tokens"] = private_store.api_tokens.get_secret_value()
    # the wrong-token rows are many: the throttle of wrong tokens has its own test
    return make_settings(**values, auth_failure_limit=0)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as c:
        yield c


@pytest.fixture(scope="module")
def private(client: TestClient, app_settings: Settings) -> Private:
    hr = CALLERS["granted"]
    docs = client.get("/api/documents", headers=hr, params={"limit": 500}).json()["items"]
    by_source = {d["source"]: d["id"] for d in docs if d["access"] == "hr"}
    answer = client.post("/api/ask", headers=hr, json={"question": ZEPHYR}).json()
    assert "412 dollars" in answer["answer"]
    brief = client.post(
        "/api/briefs", headers=hr, json={"country": "Tuvalu", "topic": "Zephyr allowance"}
    )
    assert brief.status_code == 200, brief.text
    return Private(
        circular=by_source["hr/zephyr-allowance.md"],
        data_file=by_source["hr/hr_egdi_2026.csv"],
        answer=answer["id"],
        conversation=answer["conversation_id"],
        brief=brief.json()["id"],
        view=ViewLinks.for_settings(app_settings).sign(answer["id"]),
        links=ViewLinks.for_settings(app_settings),
    )


def calls(p: Private) -> list[Call]:
    """One or more requests for every route, aimed at private things where the route takes ids."""
    chat = {"model": "any", "messages": [{"role": "user", "content": ZEPHYR}]}
    tuvalu = {"model": "any", "messages": [{"role": "user", "content": "Tuvalu EGDI 2026?"}]}
    out = [
        Call("POST", "/api/ask", "/api/ask", {"question": ZEPHYR}),
        Call("POST", "/api/ask", "/api/ask", {"question": "What was Tuvalu's EGDI in 2026?"}),
        Call("POST", "/api/ask", "/api/ask", {"question": "Which country ranked first in 2026?"}),
        Call(
            "POST",
            "/api/ask",
            "/api/ask",
            {"question": "And who handles the requests?", "conversation_id": p.conversation},
        ),
        Call("POST", "/api/ask/stream", "/api/ask/stream", {"question": ZEPHYR}),
        Call("POST", "/api/search", "/api/search", {"query": "Zephyr allowance hospital", "k": 20}),
        Call("POST", "/api/search", "/api/search", {"query": "Tuvalu 2026 EGDI", "k": 20}),
        Call(
            "POST", "/api/briefs", "/api/briefs", {"country": "Tuvalu", "topic": "Zephyr allowance"}
        ),
        Call("GET", "/api/briefs", "/api/briefs"),
        Call("GET", "/api/documents", "/api/documents", params={"limit": 500}),
        Call("GET", "/api/documents", "/api/documents", params={"collection": "data"}),
        Call("GET", "/api/documents", "/api/documents", params={"country": "TUV"}),
        Call("GET", "/api/countries", "/api/countries"),
        Call("GET", "/api/suggestions", "/api/suggestions"),
        Call("GET", "/api/indicators", "/api/indicators", params={"country": "TUV"}),
        Call("GET", "/api/indicators", "/api/indicators", params={"year": 2026}),
        Call(
            "POST",
            "/api/feedback",
            "/api/feedback",
            {"answer_id": p.answer, "rating": 1, "comment": "checking"},
        ),
        Call("GET", "/api/conversations", "/api/conversations"),
        # with the view link of the private answer: only a caller granted its collection
        Call(
            "POST",
            "/api/conversations/continue",
            "/api/conversations/continue",
            {"answer_id": p.answer},
            headers={"X-View-Link": p.view},
        ),
        Call("GET", "/api/health", "/api/health"),
        Call("GET", "/v1/models", "/v1/models"),
        Call("POST", "/v1/chat/completions", "/v1/chat/completions", chat),
        Call("POST", "/v1/chat/completions", "/v1/chat/completions", {**chat, "stream": True}),
        Call("POST", "/v1/chat/completions", "/v1/chat/completions", tuvalu),
    ]
    for brief in ("{brief_id}", "{brief_id}/markdown", "{brief_id}/docx"):
        url = "/api/briefs/" + brief.replace("{brief_id}", p.brief)
        out.append(Call("GET", f"/api/briefs/{brief}", url))
    for doc in (p.circular, p.data_file):
        out += [
            Call("GET", "/api/documents/{doc_id}", f"/api/documents/{doc}"),
            Call(
                "GET",
                "/api/documents/{doc_id}/pages/{n}",
                f"/api/documents/{doc}/pages/1",
                params={"answer_id": p.answer},
            ),
            Call("GET", "/api/documents/{doc_id}/file", f"/api/documents/{doc}/file"),
        ]
    conversation = f"/api/conversations/{p.conversation}"
    out += [
        Call("GET", "/api/answers/{answer_id}", f"/api/answers/{p.answer}"),
        Call("GET", "/api/answers/{answer_id}/shared", f"/api/answers/{p.answer}/shared"),
        Call("GET", "/api/conversations/{conversation_id}", conversation),
        Call("PATCH", "/api/conversations/{conversation_id}", conversation, {"title": "renamed"}),
        Call("DELETE", "/api/conversations/{conversation_id}", conversation),
    ]
    return out


def send(client: TestClient, call: Call, headers: dict[str, str]) -> Any:
    return client.request(
        call.method,
        call.url,
        headers={**(call.headers or {}), **headers},
        json=call.body,
        params=call.params,
    )


def leaks(text: str, sent: str = "") -> list[str]:
    """The private markers in ``text`` that are not in ``sent`` (what the callers sent)."""
    return [m for m in MARKERS if m in text.lower() and m not in sent]


def _sent(call: Call) -> str:
    return (call.url + json.dumps(call.body) + json.dumps(call.params)).lower()


def test_the_matrix_covers_every_route(client: TestClient, private: Private) -> None:
    spec = client.get("/openapi.json").json()["paths"]
    routes = {(m.upper(), path) for path, item in spec.items() for m in item}
    covered = {(c.method, c.path) for c in calls(private)}
    assert routes - covered == set(), "routes missing from the access matrix"


def test_no_private_marker_reaches_a_caller_without_the_grant(
    client: TestClient, private: Private
) -> None:
    tried = 0
    found: list[str] = []
    sent = " ".join(_sent(call) for call in calls(private))
    for call in calls(private):
        for caller in DENIED:
            response = send(client, call, CALLERS[caller])
            tried += 1
            body = response.content.decode("utf-8", "replace")
            if call.path.endswith("/docx") and response.status_code == 200:
                body = _docx_text(response.content)
            headers = json.dumps(dict(response.headers))
            unsent_ids = [i for i in _ids(private) if i.lower() not in _sent(call)]
            if leaks(body, sent) or leaks(headers, sent) or any(i in body for i in unsent_ids):
                found.append(f"{caller}: {call.method} {call.url} -> {response.status_code}")
            if caller != "ungranted":
                assert response.status_code in (401, 429), (caller, call.url)
    assert tried == len(calls(private)) * len(DENIED) >= 35 * len(DENIED)
    assert found == []
    # the conversation, answer and brief are still whole for their owner
    granted = CALLERS["granted"]
    assert (
        client.get(f"/api/conversations/{private.conversation}", headers=granted).json()["title"]
        != "renamed"
    )
    record = client.get(f"/api/answers/{private.answer}", headers=granted).json()
    assert record["feedback"] == []
    assert client.get(f"/api/briefs/{private.brief}", headers=granted).status_code == 200


def test_the_granted_caller_reaches_what_the_others_cannot(
    client: TestClient, private: Private
) -> None:
    """The matrix would pass on a server that hid everything: the owner must see it all."""
    granted = CALLERS["granted"]
    for call in calls(private):
        if call.method == "DELETE":
            continue
        response = send(client, call, granted)
        assert response.status_code in (200, 201), (call.url, response.text)
    for url in (
        f"/api/documents/{private.circular}/file",
        f"/api/answers/{private.answer}",
        f"/api/briefs/{private.brief}/markdown",
    ):
        assert leaks(client.get(url, headers=granted).text), url
    tuvalu = client.post(
        "/api/ask", headers=granted, json={"question": "What was Tuvalu's EGDI in 2026?"}
    ).json()
    assert "0.98765" in tuvalu["answer"]


def test_a_denial_looks_exactly_like_not_found(client: TestClient, private: Private) -> None:
    """For every route that takes an id, a private id and an id that never existed give the same
    status and the same body (up to the id itself) to a caller without the grant."""
    ungranted = CALLERS["ungranted"]
    absent = {
        private.circular: "corpus-nothing-here-0000",
        private.data_file: "corpus-nothing-here-0001",
        private.answer: "0" * 32,
        private.conversation: "1" * 32,
        private.brief: "2" * 32,
    }
    compared = 0
    for call in calls(private):
        ids = [i for i in absent if i in call.url or i in json.dumps(call.body)]
        if not ids:
            continue
        twin = call
        for real in ids:
            twin = Call(
                twin.method,
                twin.path,
                twin.url.replace(real, absent[real]),
                json.loads(json.dumps(twin.body).replace(real, absent[real])),
                twin.params,
                # a view link to the answer that never existed, where the call sends one
                {"X-View-Link": private.links.sign(absent[real])} if twin.headers else None,
            )
        denied, missing = send(client, call, ungranted), send(client, twin, ungranted)
        assert denied.status_code == missing.status_code, call.url
        text = denied.text
        for real in ids:
            text = text.replace(real, absent[real])
        assert _without_request_id(text) == _without_request_id(missing.text), call.url
        compared += 1
    assert compared >= 10


def test_slack_endpoint_web_chat_and_liveness_show_nothing_private(client: TestClient) -> None:
    for caller in CALLERS.values():
        for method, url in (("POST", "/slack/events"), ("GET", "/"), ("GET", "/healthz")):
            response = client.request(method, url, headers=caller, content=b"{}")
            assert not leaks(response.text), (method, url)


def test_wrong_tokens_are_throttled_per_address(private_store: Settings) -> None:
    values = private_store.model_dump(include={"data_dir", "corpus_dirs"})
    values["api_tokens"] = private_store.api_tokens.get_secret_value()
    settings = make_settings(**values, auth_failure_limit=3)  # type: ignore[arg-type]
    wrong = CALLERS["wrong token"]
    with TestClient(create_app(settings)) as c:
        codes = [c.get("/api/countries", headers=wrong).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        throttled = c.get("/api/countries", headers=wrong)
        assert "RAG_AUTH_FAILURE_LIMIT" in throttled.json()["detail"]
        assert int(throttled.headers["retry-after"]) >= 1
        # while the address is throttled no token is tried at all, not even a right one
        assert c.get("/api/countries", headers=CALLERS["granted"]).status_code == 429
        # requests without any token are not guesses: they still get a plain 401
        assert c.get("/api/countries").status_code == 401


def _ids(p: Private) -> tuple[str, ...]:
    return (p.circular, p.data_file, p.brief)


def _without_request_id(text: str) -> str:
    return re.sub(r"reference [0-9a-f]{12}", "reference x", text)


def _docx_text(content: bytes) -> str:
    import io

    import docx

    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)
