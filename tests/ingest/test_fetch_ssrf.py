"""``ingest fetch`` never reaches a non-public address unless ``RAG_FETCH_ALLOW_PRIVATE`` allows it.

Each form is tried against real HTTP servers on loopback addresses started here, with the
default setting: a URL that names or resolves to a loopback, private, link-local, unspecified,
multicast or reserved address (in any spelling a resolver accepts), a redirect to one, and any
scheme but http/https. Made-up names resolve through a small table patched into
``socket.getaddrinfo``; a guard on ``socket.create_connection`` lets connections reach loopback
servers only and records every other address something tried to reach, so no test can leave the
machine even when the code under test fails.

For redirects the first hop must be allowed, so a server on 127.0.0.2 stands in for a public web
server: the address check (``ingest.fetch._non_public``) is told that 127.0.0.2, and only it, is
public. Everything else, the servers, the HTTP client, redirects and resolution, runs for real.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import ingest.fetch as fetch_module
from assistant.config import get_settings
from ingest.__main__ import main
from ingest.fetch import fetch
from tests.conftest import make_settings
from tests.ingest.test_fetch import PDF_BODY, Server, serve, write_catalogue

SETTING = "RAG_FETCH_ALLOW_PRIVATE"
STAND_IN = "127.0.0.2"  # plays a public web server in the redirect tests
_real_getaddrinfo = socket.getaddrinfo
_real_create_connection = socket.create_connection


@dataclass
class Network:
    """What the tests' resolver answers for made-up names, and where connections went."""

    names: dict[str, list[str]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.lookups.append(name)
        if name not in self.names:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        answers = self.names[name]
        if len(answers) > 1 and name.startswith("rebind."):
            answers = [answers.pop(0)]  # a DNS-rebinding server: another answer each time
        return [_real_getaddrinfo(address, port, *args, **kwargs)[0] for address in answers]

    def create_connection(self, address: tuple[Any, ...], *args: Any, **kwargs: Any) -> Any:
        """Connect only to loopback addresses; record (and fail) any other attempt."""
        host, port = address[0], address[1]
        error: OSError = ConnectionRefusedError(f"{host}: not a loopback address (test guard)")
        for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            ip = info[4][0]
            if not ipaddress.ip_address(ip).is_loopback:
                self.blocked.append(ip)
                continue
            try:
                return _real_create_connection((ip, port), *args, **kwargs)
            except OSError as exc:
                error = exc
        raise error


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Network:
    net = Network()
    monkeypatch.setattr(socket, "getaddrinfo", net.getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", net.create_connection)
    return net


@pytest.fixture
def origin() -> Iterator[Server]:
    """The private server an attacker would like to read (127.0.0.1)."""
    with serve("127.0.0.1") as state:
        yield state


@pytest.fixture
def origin6() -> Iterator[Server]:
    """The same on IPv6 loopback (::1)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as exc:
        pytest.skip(f"cannot listen on ::1: {exc}")
    with serve("::1") as state:
        yield state


@pytest.fixture
def stand_in(origin: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A 'public' server on 127.0.0.2, on the same port as ``origin``."""
    original: Callable[[Any], str | None] = fetch_module._non_public

    def public_stand_in(address: Any) -> str | None:
        return None if str(address) == STAND_IN else original(address)

    monkeypatch.setattr(fetch_module, "_non_public", public_stand_in)
    with serve(STAND_IN, port=_port(origin)) as state:
        yield state


def _port(server: Server) -> int:
    return int(server.base.rsplit(":", 1)[1])


def _fetch_one(tmp_path: Path, url: str) -> fetch_module.FetchResult:
    """Fetch one entry with the default setting (``allow_private`` from fresh Settings)."""
    catalogue = write_catalogue(tmp_path, [{"id": "doc", "title": "Doc", "url": url}])
    allow_private = make_settings(tmp_path / "data").fetch_allow_private
    [result] = fetch(catalogue, tmp_path / "dl", allow_private=allow_private, timeout=5)
    return result


def _assert_refused(result: fetch_module.FetchResult, url: str, dest: Path) -> None:
    assert result.status == "failed", result.message
    assert result.message.startswith(f"refused {url}"), result.message
    assert SETTING in result.message
    assert not dest.exists() or not any(dest.iterdir())


# --- a URL that names or resolves to a non-public address ---------------------------------------

# (form, URL with {port} for the loopback servers' port, made-up names for the resolver)
DIRECT_FORMS: list[tuple[str, str, dict[str, list[str]]]] = [
    ("loopback", "http://127.0.0.1:{port}/survey.pdf", {}),
    ("localhost", "http://localhost:{port}/survey.pdf", {}),
    ("other loopback", "http://127.0.0.2:{port}/survey.pdf", {}),
    ("decimal", "http://2130706433:{port}/survey.pdf", {}),
    ("hexadecimal", "http://0x7f000001:{port}/survey.pdf", {}),
    ("octal", "http://0177.0.0.1:{port}/survey.pdf", {}),
    ("short", "http://127.1:{port}/survey.pdf", {}),
    ("unspecified", "http://0.0.0.0:{port}/survey.pdf", {}),
    ("zero", "http://0:{port}/survey.pdf", {}),
    ("user-info", "http://docs.example.org@127.0.0.1:{port}/survey.pdf", {}),
    ("IPv4-mapped", "http://[::ffff:127.0.0.1]:{port}/survey.pdf", {}),
    ("IPv4-mapped hex", "http://[::ffff:7f00:1]:{port}/survey.pdf", {}),
    ("6to4", "http://[2002:7f00:1::1]:{port}/survey.pdf", {}),
    ("NAT64", "http://[64:ff9b::7f00:1]:{port}/survey.pdf", {}),
    ("10/8", "http://10.0.0.5:{port}/survey.pdf", {}),
    ("172.16/12", "http://172.16.0.1:{port}/survey.pdf", {}),
    ("192.168/16", "http://192.168.1.1:{port}/survey.pdf", {}),
    ("shared 100.64/10", "http://100.64.0.1:{port}/survey.pdf", {}),
    ("cloud metadata", "http://169.254.169.254/latest/meta-data/", {}),
    ("multicast", "http://224.0.0.1:{port}/survey.pdf", {}),
    ("reserved", "http://240.0.0.1:{port}/survey.pdf", {}),
    ("broadcast", "http://255.255.255.255:{port}/survey.pdf", {}),
    ("IPv6 link-local", "http://[fe80::1]:{port}/survey.pdf", {}),
    ("IPv6 unique local", "http://[fd12:3456::1]:{port}/survey.pdf", {}),
    ("IPv6 multicast", "http://[ff02::1]:{port}/survey.pdf", {}),
    ("IPv6 unspecified", "http://[::]:{port}/survey.pdf", {}),
    ("name to loopback", "http://intranet.example:{port}/survey.pdf", {"intranet.example": ["127.0.0.1"]}),
    ("name to 10/8", "http://wiki.corp.example:{port}/", {"wiki.corp.example": ["10.1.2.3"]}),
    ("name to metadata", "http://metadata.example/latest/", {"metadata.example": ["169.254.169.254"]}),
    ("name to IPv6 ULA", "http://v6.corp.example:{port}/", {"v6.corp.example": ["fd00::7"]}),
    ("name to IPv4-mapped", "http://mapped.example:{port}/survey.pdf", {"mapped.example": ["::ffff:127.0.0.1"]}),
    (
        "name to public and loopback",
        "http://mixed.example:{port}/survey.pdf",
        {"mixed.example": ["127.0.0.1", "93.184.216.34"]},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("form", "template", "names"), DIRECT_FORMS, ids=[form for form, _, _ in DIRECT_FORMS]
)
def test_a_url_for_a_non_public_address_is_refused_without_a_request(
    tmp_path: Path,
    network: Network,
    origin: Server,
    form: str,
    template: str,
    names: dict[str, list[str]],
) -> None:
    network.names.update(names)
    url = template.format(port=_port(origin))

    result = _fetch_one(tmp_path, url)

    _assert_refused(result, url, tmp_path / "dl")
    assert origin.requests == []
    assert network.blocked == []  # nothing even tried to connect elsewhere


def test_ipv6_loopback_is_refused(tmp_path: Path, network: Network, origin6: Server) -> None:
    url = f"{origin6.base}/survey.pdf"

    result = _fetch_one(tmp_path, url)

    _assert_refused(result, url, tmp_path / "dl")
    assert "::1 is ::1, a loopback address" in result.message
    assert origin6.requests == []


def test_the_reason_names_the_host_the_address_and_its_kind(
    tmp_path: Path, network: Network, origin: Server
) -> None:
    network.names["intranet.example"] = ["10.9.8.7"]
    url = "http://intranet.example/report.pdf"

    result = _fetch_one(tmp_path, url)

    assert result.message == (
        f"refused {url}: intranet.example resolves to 10.9.8.7, a private address; downloads "
        "from private, loopback, link-local and other non-public addresses are off (set "
        f"{SETTING}=true to allow them for a trusted intranet or test server)"
    )


# --- redirects: every hop is checked -------------------------------------------------------------

REDIRECT_TARGETS: list[tuple[str, str, dict[str, list[str]]]] = [
    ("loopback", "http://127.0.0.1:{port}/survey.pdf", {}),
    ("localhost", "http://localhost:{port}/survey.pdf", {}),
    ("decimal", "http://2130706433:{port}/survey.pdf", {}),
    ("IPv4-mapped", "http://[::ffff:127.0.0.1]:{port}/survey.pdf", {}),
    ("IPv6 loopback", "http://[::1]:{port}/survey.pdf", {}),
    ("cloud metadata", "http://169.254.169.254/latest/meta-data/", {}),
    ("name to loopback", "http://intranet.example:{port}/survey.pdf", {"intranet.example": ["127.0.0.1"]}),
    ("file", "file:///etc/passwd", {}),
    ("ftp", "ftp://127.0.0.1:{port}/survey.pdf", {}),
    ("gopher", "gopher://127.0.0.1:{port}/_GET%20/survey.pdf", {}),
    ("data", "data:text/plain,private", {}),
    ("dict", "dict://127.0.0.1:{port}/info", {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("form", "template", "names"), REDIRECT_TARGETS, ids=[form for form, _, _ in REDIRECT_TARGETS]
)
def test_a_redirect_to_a_non_public_address_or_another_scheme_is_refused(
    tmp_path: Path,
    network: Network,
    origin: Server,
    stand_in: Server,
    form: str,
    template: str,
    names: dict[str, list[str]],
) -> None:
    network.names.update({"docs.example.org": [STAND_IN], **names})
    target = template.format(port=_port(origin))
    url = f"http://docs.example.org:{_port(origin)}/redirect?to={target}"

    result = _fetch_one(tmp_path, url)

    assert result.status == "failed", result.message
    assert result.message.startswith("refused ") and SETTING in result.message
    assert f"(a redirect from {url})" in result.message or form == "data"
    assert stand_in.paths() == [f"/redirect?to={target}"]  # the first hop was allowed
    assert origin.requests == [] and network.blocked == []
    assert not (tmp_path / "dl" / "doc.pdf").exists()


def test_every_hop_is_checked_not_only_the_last(
    tmp_path: Path, network: Network, origin: Server, stand_in: Server
) -> None:
    network.names["docs.example.org"] = [STAND_IN]
    inner = f"http://127.0.0.1:{_port(origin)}/redirect?to=/survey.pdf"
    url = f"http://docs.example.org:{_port(origin)}/redirect?to={inner}"

    result = _fetch_one(tmp_path, url)

    assert result.message.startswith(f"refused {inner} (a redirect from {url}): 127.0.0.1 is")
    assert origin.requests == []


def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_reached(
    tmp_path: Path, network: Network, origin: Server, stand_in: Server
) -> None:
    """DNS rebinding: the name answers the stand-in first, loopback afterwards. The request
    goes to the address that was checked, not to whatever a second lookup would say."""
    network.names["rebind.example"] = [STAND_IN, "127.0.0.1", "127.0.0.1"]
    url = f"http://rebind.example:{_port(origin)}/survey.pdf"

    result = _fetch_one(tmp_path, url)

    assert (result.status, result.size) == ("downloaded", len(PDF_BODY)), result.message
    assert stand_in.paths() == ["/survey.pdf"] and origin.requests == []
    assert network.lookups.count("rebind.example") == 1


def test_a_public_redirect_is_followed_with_the_host_name_kept(
    tmp_path: Path, network: Network, origin: Server, stand_in: Server
) -> None:
    network.names["docs.example.org"] = [STAND_IN]
    port = _port(origin)
    url = f"http://docs.example.org:{port}/redirect?to=/survey.pdf"

    result = _fetch_one(tmp_path, url)

    assert (result.status, result.size) == ("downloaded", len(PDF_BODY)), result.message
    assert result.path is not None and result.path.read_bytes() == PDF_BODY
    assert stand_in.paths() == ["/redirect?to=/survey.pdf", "/survey.pdf"]
    assert {headers["Host"] for _, headers in stand_in.requests} == {f"docs.example.org:{port}"}
    assert origin.requests == []


def test_redirects_stop_after_ten_hops(
    tmp_path: Path, network: Network, origin: Server, stand_in: Server
) -> None:
    network.names["docs.example.org"] = [STAND_IN]

    result = _fetch_one(tmp_path, f"http://docs.example.org:{_port(origin)}/loop")

    assert result.status == "failed" and "redirects too many times" in result.message
    assert stand_in.paths() == ["/loop"] * 11


# --- the setting ---------------------------------------------------------------------------------


def test_the_setting_is_off_by_default_and_turns_the_address_rule_off(
    tmp_path: Path,
    origin: Server,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``python -m ingest fetch`` reads RAG_FETCH_ALLOW_PRIVATE from the environment."""
    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.delenv(SETTING, raising=False)
    url = f"{origin.base}/survey.pdf"
    catalogue = write_catalogue(tmp_path, [{"id": "doc", "title": "Doc", "url": url}])
    args = ["fetch", "--catalogue", str(catalogue), "--dest", str(tmp_path / "dl"), "--json"]

    def run() -> tuple[int, dict[str, Any]]:
        get_settings.cache_clear()
        try:
            code = main(args)
        finally:
            get_settings.cache_clear()
        return code, json.loads(capsys.readouterr().out)[0]

    code, refused = run()
    assert code == 1 and refused["status"] == "failed"
    assert refused["message"].startswith(f"refused {url}: 127.0.0.1 is 127.0.0.1")
    assert SETTING in refused["message"] and origin.requests == []

    monkeypatch.setenv(SETTING, "true")
    code, fetched = run()
    assert code == 0 and fetched["status"] == "downloaded"
    assert (tmp_path / "dl" / "doc.pdf").read_bytes() == PDF_BODY


def test_the_setting_does_not_allow_other_schemes(
    tmp_path: Path, network: Network, origin: Server
) -> None:
    url = f"{origin.base}/redirect?to=file:///etc/passwd"
    catalogue = write_catalogue(tmp_path, [{"id": "doc", "title": "Doc", "url": url}])

    [result] = fetch(catalogue, tmp_path / "dl", allow_private=True)

    assert result.message == (
        f"refused file:///etc/passwd (a redirect from {url}): only http and https URLs are "
        f"fetched, whatever {SETTING} says"
    )
