"""``ingest fetch`` against a real HTTP server on 127.0.0.1 started by the test.

A loopback server is a non-public address, so these tests allow private addresses
(``allow_private=True``, the ``RAG_FETCH_ALLOW_PRIVATE`` setting); ``test_fetch_ssrf.py`` checks
that nothing of the kind is reached without it.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from ingest.fetch import fetch
from ingest.metadata import Catalogue, resolve_metadata

PDF_BODY = b"%PDF-1.4\n" + b"survey text " * 2000
PAGE_BODY = b"<html><body><h1>UNPACS</h1><p>Country studies.</p></body></html>"
PAGE_ETAG = '"unpacs-v1"'


@dataclass
class Server:
    base: str
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@contextmanager
def serve(host: str = "127.0.0.1", port: int = 0) -> Iterator[Server]:
    """A real HTTP server on ``host`` that records every request: ``/survey.pdf``, ``/unpacs``
    (with an ETag), ``/redirect?to=URL`` (a 302 to URL), ``/loop`` (a redirect to itself)."""
    state = Server(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, dict(self.headers.items())))
            path, _, query = self.path.partition("?")
            if path == "/survey.pdf":
                self._send(200, PDF_BODY, {"Content-Type": "application/pdf"})
            elif path == "/unpacs":
                if self.headers.get("If-None-Match") == PAGE_ETAG:
                    self._send(304, b"", {"ETag": PAGE_ETAG})
                else:
                    self._send(200, PAGE_BODY, {"Content-Type": "text/html", "ETag": PAGE_ETAG})
            elif path == "/redirect":
                self._send(302, b"", {"Location": parse_qs(query)["to"][0]})
            elif path == "/loop":
                self._send(302, b"", {"Location": "/loop"})
            else:
                self._send(404, b"not here", {"Content-Type": "text/plain"})

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

    class HTTPServer(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    httpd = HTTPServer((host, port), Handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    state.base = f"http://{shown}:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as state:
        yield state


def write_catalogue(tmp_path: Path, entries: list[dict[str, Any]]) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir() if p.name.endswith(".part"))


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_download_verifies_checksum_and_writes_a_sidecar(tmp_path: Path, server: Server) -> None:
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": "survey-2024",
                "title": "E-Government Survey 2024",
                "collection": "study",
                "year": 2024,
                "countries": ["KOR"],
                "url": f"{server.base}/survey.pdf",
                "sha256": _sha(PDF_BODY),
            },
            {"id": "no-url", "title": "Known but not online"},
        ],
    )
    dest = tmp_path / "downloads"

    [result] = fetch(catalogue, dest, allow_private=True)

    assert (result.entry_id, result.status, result.ok) == ("survey-2024", "downloaded", True)
    target = dest / "survey-2024.pdf"
    assert result.path == target and target.read_bytes() == PDF_BODY
    assert (result.size, result.sha256) == (len(PDF_BODY), _sha(PDF_BODY))
    assert _leftovers(dest) == []
    sidecar = json.loads((dest / "survey-2024.pdf.meta.json").read_text())
    assert (
        sidecar["title"] == "E-Government Survey 2024" and sidecar["catalogue_id"] == "survey-2024"
    )
    # the sidecar carries the metadata into any folder the file is ingested from
    meta = resolve_metadata(target, dest, None, Catalogue())
    assert (meta.title, meta.collection, meta.year, meta.countries) == (
        "E-Government Survey 2024",
        "study",
        2024,
        ["KOR"],
    )
    assert json.loads(json.dumps(result.to_dict()))["path"] == str(target)


def test_matching_checksum_is_a_cache_hit_without_a_request(tmp_path: Path, server: Server) -> None:
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": "survey",
                "title": "S",
                "file": "survey.pdf",
                "url": f"{server.base}/survey.pdf",
                "sha256": _sha(PDF_BODY),
            }
        ],
    )
    dest = tmp_path / "downloads"
    assert fetch(catalogue, dest, allow_private=True)[0].status == "downloaded"
    assert server.paths() == ["/survey.pdf"]

    [again] = fetch(catalogue, dest, allow_private=True)

    assert again.status == "cached" and again.ok
    assert server.paths() == ["/survey.pdf"]  # no second request


def test_etag_gives_a_conditional_request_and_304_keeps_the_file(
    tmp_path: Path, server: Server
) -> None:
    catalogue = write_catalogue(
        tmp_path, [{"id": "unpacs", "title": "UNPACS", "url": f"{server.base}/unpacs"}]
    )
    dest = tmp_path / "downloads"
    assert fetch(catalogue, dest, allow_private=True)[0].status == "downloaded"
    assert (dest / "unpacs.html").read_bytes() == PAGE_BODY

    [again] = fetch(catalogue, dest, allow_private=True)

    assert again.status == "not_modified"
    assert server.requests[-1][1].get("If-None-Match") == PAGE_ETAG
    assert (dest / "unpacs.html").read_bytes() == PAGE_BODY


def test_checksum_mismatch_is_an_error_and_leaves_no_file(tmp_path: Path, server: Server) -> None:
    catalogue = write_catalogue(
        tmp_path,
        [{"id": "survey", "title": "S", "url": f"{server.base}/survey.pdf", "sha256": "0" * 64}],
    )
    dest = tmp_path / "downloads"

    [result] = fetch(catalogue, dest, allow_private=True)

    assert result.status == "failed" and not result.ok
    assert "does not match the catalogue's SHA-256" in result.message
    assert not (dest / "survey.pdf").exists()
    assert not (dest / "survey.pdf.meta.json").exists()
    assert _leftovers(dest) == []


def test_http_404_is_a_clear_error(tmp_path: Path, server: Server) -> None:
    catalogue = write_catalogue(
        tmp_path, [{"id": "gone", "title": "Gone", "url": f"{server.base}/gone.pdf"}]
    )
    dest = tmp_path / "downloads"

    [result] = fetch(catalogue, dest, allow_private=True)

    assert result.status == "failed"
    assert "answered 404" in result.message and f"{server.base}/gone.pdf" in result.message
    assert f"by hand into {dest}" in result.message
    assert list(dest.iterdir()) == []


def test_unreachable_host_says_to_download_by_hand(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/report.pdf"
    catalogue = write_catalogue(tmp_path, [{"id": "report", "title": "Report", "url": url}])
    dest = tmp_path / "downloads"

    [result] = fetch(catalogue, dest, timeout=5, allow_private=True)

    assert result.status == "failed"
    assert result.message == (
        "cannot reach 127.0.0.1: the network is unavailable; "
        f"download {url} by hand into {dest} as report.pdf and re-run ingest"
    )


def test_ids_select_entries_and_explain_what_cannot_be_fetched(
    tmp_path: Path, server: Server
) -> None:
    catalogue = write_catalogue(
        tmp_path,
        [
            {"id": "survey", "title": "S", "url": f"{server.base}/survey.pdf"},
            {"id": "unpacs", "title": "U", "url": f"{server.base}/unpacs"},
            {"id": "index", "title": "I", "url": f"{server.base}/index", "fetch": False},
            {"id": "offline", "title": "O"},
        ],
    )

    results = fetch(
        catalogue, tmp_path / "dl", ids=["unpacs", "index", "offline", "nope"], allow_private=True
    )

    statuses = {r.entry_id: r.status for r in results}
    assert statuses == {
        "unpacs": "downloaded",
        "index": "skipped",
        "offline": "skipped",
        "nope": "failed",
    }
    assert server.paths() == ["/unpacs"]
    assert [r.message for r in results if r.entry_id == "nope"] == [
        f"no entry 'nope' in {tmp_path / 'catalogue.json'}"
    ]


def test_a_sidecar_written_by_a_person_is_kept(tmp_path: Path, server: Server) -> None:
    catalogue = write_catalogue(
        tmp_path, [{"id": "unpacs", "title": "From catalogue", "url": f"{server.base}/unpacs"}]
    )
    dest = tmp_path / "dl"
    dest.mkdir()
    (dest / "unpacs.html.meta.json").write_text('{"title": "Edited by hand"}')

    assert fetch(catalogue, dest, allow_private=True)[0].status == "downloaded"
    assert json.loads((dest / "unpacs.html.meta.json").read_text()) == {"title": "Edited by hand"}


def test_a_caller_supplied_client_is_used_and_left_open(tmp_path: Path, server: Server) -> None:
    catalogue = write_catalogue(
        tmp_path, [{"id": "unpacs", "title": "U", "url": f"{server.base}/unpacs"}]
    )
    with httpx.Client(headers={"User-Agent": "test-agent"}) as client:
        assert (
            fetch(catalogue, tmp_path / "dl", client=client, allow_private=True)[0].status
            == "downloaded"
        )
        assert not client.is_closed
    assert server.requests[0][1].get("User-Agent") == "test-agent"
