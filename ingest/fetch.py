"""Download the catalogue's public documents into a folder that ``python -m ingest`` can read.

Offline is the normal case for this project, so every way a download can fail ends as a
:class:`FetchResult` whose message says what to do (usually: download it by hand into the
folder and re-run ingest), never as a traceback.

Downloads are cached and safe to interrupt:

- a file whose SHA-256 matches the catalogue is not downloaded again;
- without a checksum, the server's ETag / Last-Modified (kept in a hidden
  ``.<file>.fetch.json`` next to the file) make the next run a conditional request, and a
  ``304 Not Modified`` keeps the file;
- bytes stream into a hidden temporary file that is renamed into place only when complete and
  verified, so a half-downloaded or corrupt file is never left where ingest would read it.

Each downloaded file gets a ``<file>.meta.json`` sidecar with the entry's title, collection,
countries, year and URL, so its metadata follows it into any folder it is ingested from.

A catalogue is data, and a URL in it (or a redirect from it) must not turn the fetch into a way
to read the machine's own services or the local network (server-side request forgery). So every
request, each redirect included (they are followed here, not by httpx), goes only to an
``http``/``https`` URL whose host is, or resolves only to, public addresses, and is sent to the
address that was checked: the name is resolved once, so it cannot answer "public" to the check
and "loopback" to the connection. The ``fetch_allow_private`` setting (``RAG_FETCH_ALLOW_PRIVATE``)
lifts the address rule for a trusted intranet or a local test server; nothing lifts the scheme
rule.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import logging
import os
import socket
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from assistant.config import get_settings

from .metadata import SIDECAR_SUFFIX, Catalogue, CatalogueEntry

if TYPE_CHECKING:
    import httpx

__all__ = ["Catalogue", "CatalogueEntry", "FetchResult", "fetch"]

log = logging.getLogger(__name__)

USER_AGENT = "governance-knowledge-assistant/0.1 (catalogue fetch)"
ALLOW_PRIVATE_SETTING = "RAG_FETCH_ALLOW_PRIVATE"
_CHUNK = 64 * 1024
_SCHEMES = ("http", "https")
_SCHEME_REASON = f"only http and https URLs are fetched, whatever {ALLOW_PRIVATE_SETTING} says"
_MAX_REDIRECTS = 10

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass
class FetchResult:
    """What happened to one catalogue entry.

    ``status`` is ``downloaded``, ``cached`` (checksum matches, no request made),
    ``not_modified`` (the server answered 304), ``skipped`` (nothing to download) or ``failed``.
    """

    entry_id: str
    status: str
    message: str
    path: Path | None = None
    size: int = 0
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        """True when the document is available locally (or there was nothing to fetch)."""
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path) if self.path else None
        data["ok"] = self.ok
        return data


def fetch(
    catalogue_path: Path,
    dest_dir: Path,
    *,
    ids: Iterable[str] | None = None,
    timeout: float = 30,
    client: httpx.Client | None = None,
    allow_private: bool | None = None,
) -> list[FetchResult]:
    """Download the entries of ``catalogue_path`` that have a URL into ``dest_dir``.

    ``ids`` restricts the run to those entries (an unknown id is reported as failed).
    ``client`` lets a caller supply its own ``httpx.Client`` (proxies, tests); otherwise one is
    made for the run. Either way redirects are followed here, each hop checked like the first.
    ``allow_private`` lets requests reach non-public addresses; None reads the
    ``fetch_allow_private`` setting. A refused URL is a failed result that says why. A broken
    catalogue raises :class:`assistant.errors.ConfigError`.
    """
    import httpx  # here, so that importing ingest does not load the HTTP stack

    if allow_private is None:
        allow_private = get_settings().fetch_allow_private

    catalogue = Catalogue.load(Path(catalogue_path))
    dest = Path(dest_dir)
    wanted = list(dict.fromkeys(ids)) if ids is not None else None
    selected, results = _select(catalogue, wanted, dest)
    if not selected:
        return _in_order(results, wanted)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = f"cannot create {dest}: {exc.strerror or exc}"
        return results + [FetchResult(e.id, "failed", reason) for e in selected]
    own_client = client is None
    http = client or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
    try:
        for entry in selected:
            result = _fetch_one(http, entry, dest, timeout, allow_private)
            log.info("fetch %s: %s %s", entry.id, result.status, result.message)
            results.append(result)
    finally:
        if own_client:
            http.close()
    return _in_order(results, wanted)


def _in_order(results: list[FetchResult], wanted: list[str] | None) -> list[FetchResult]:
    """Results in the order the ids were asked for (catalogue order when none were)."""
    if wanted is None:
        return results
    return sorted(results, key=lambda r: wanted.index(r.entry_id))


def _select(
    catalogue: Catalogue, ids: list[str] | None, dest: Path
) -> tuple[list[CatalogueEntry], list[FetchResult]]:
    """Entries to download, and results for requested ids that cannot be downloaded."""
    if ids is None:
        return [e for e in catalogue if e.url and e.fetch], []
    selected: list[CatalogueEntry] = []
    results: list[FetchResult] = []
    for entry_id in ids:
        entry = catalogue.get(entry_id)
        if entry is None:
            results.append(
                FetchResult(entry_id, "failed", f"no entry {entry_id!r} in {catalogue.source}")
            )
        elif not entry.url:
            results.append(FetchResult(entry_id, "skipped", "the entry has no URL"))
        elif not entry.fetch:
            advice = (
                f"{entry.url} is an index page, not the document itself; download the document "
                f"from it by hand into {dest} as {entry.id} plus its suffix (for example "
                f"{entry.id}.pdf) and re-run ingest"
            )
            results.append(FetchResult(entry_id, "skipped", advice))
        else:
            selected.append(entry)
    return selected, results


def _fetch_one(
    http: httpx.Client, entry: CatalogueEntry, dest: Path, timeout: float, allow_private: bool
) -> FetchResult:
    import httpx

    assert entry.url is not None
    target = dest / entry.filename
    try:
        if entry.sha256 and target.is_file() and _sha256(target) == entry.sha256:
            _write_sidecar(target, entry)
            size = target.stat().st_size
            return FetchResult(
                entry.id, "cached", f"{target.name} is up to date", target, size, entry.sha256
            )
        return _download(http, entry, target, timeout, allow_private)
    except _Refused as exc:
        via = "" if exc.url == entry.url else f" (a redirect from {entry.url})"
        return FetchResult(entry.id, "failed", f"refused {exc.url}{via}: {exc.reason}")
    except httpx.TimeoutException:
        return _failed(entry, dest, f"{_host(entry.url)} did not answer within {timeout:g} s")
    except (httpx.ConnectError, httpx.NetworkError, httpx.ProxyError):
        return _failed(entry, dest, f"cannot reach {_host(entry.url)}: the network is unavailable")
    except httpx.TooManyRedirects:
        return _failed(entry, dest, f"{entry.url} redirects too many times")
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return _failed(entry, dest, f"download of {entry.url} failed ({type(exc).__name__}: {exc})")
    except OSError as exc:
        reason = f"cannot write {target}: {exc.strerror or exc}"
        return FetchResult(entry.id, "failed", reason)


def _failed(entry: CatalogueEntry, dest: Path, reason: str) -> FetchResult:
    advice = f"download {entry.url} by hand into {dest} as {entry.filename} and re-run ingest"
    return FetchResult(entry.id, "failed", f"{reason}; {advice}")


def _download(
    http: httpx.Client, entry: CatalogueEntry, target: Path, timeout: float, allow_private: bool
) -> FetchResult:
    assert entry.url is not None
    validators = _read_validators(target, entry.url) if not entry.sha256 else {}
    with _get(http, entry.url, validators, timeout, allow_private) as response:
        if response.status_code == 304 and target.is_file():
            _write_sidecar(target, entry)
            size = target.stat().st_size
            return FetchResult(
                entry.id, "not_modified", f"{target.name} has not changed", target, size
            )
        if not response.is_success:
            phrase = response.reason_phrase or "error"
            reason = f"{_host(entry.url)} answered {response.status_code} {phrase} for {entry.url}"
            return _failed(entry, target.parent, reason)
        digest, size = _stream_to(target, response.iter_bytes(_CHUNK), entry.sha256)
        if digest is None:
            return FetchResult(
                entry.id,
                "failed",
                f"the download of {entry.url} does not match the catalogue's SHA-256, so it was "
                "discarded; the file may have changed at the source: check it and update "
                "the checksum in the catalogue",
            )
        _write_validators(target, entry.url, response.headers)
    _write_sidecar(target, entry)
    message = f"{size:,} bytes to {target.name}"
    return FetchResult(entry.id, "downloaded", message, target, size, digest)


def _stream_to(
    target: Path, chunks: Iterable[bytes], expected: str | None
) -> tuple[str | None, int]:
    """Write ``chunks`` to a hidden temporary file beside ``target`` and rename it into place.

    Returns (sha256, size), or (None, size) when the checksum does not match ``expected``; the
    temporary file is removed on any failure so no partial file is left behind.
    """
    digest = hashlib.sha256()
    size = 0
    handle, temp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        if expected and digest.hexdigest() != expected:
            temp.unlink(missing_ok=True)
            return None, size
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


# --- requests that reach only public addresses ----------------------------------------------
class _Refused(Exception):
    """A URL that fetch will not request; ``reason`` says why and what would allow it."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@contextlib.contextmanager
def _get(
    http: httpx.Client, url: str, headers: dict[str, str], timeout: float, allow_private: bool
) -> Iterator[httpx.Response]:
    """GET ``url`` and yield the streamed response, following redirects here (at most
    ``_MAX_REDIRECTS``) so that each hop passes the same checks as the first one."""
    import httpx

    hop, shown = _parse_url(url, allow_private)
    for _ in range(_MAX_REDIRECTS + 1):
        response = _send_checked(http, hop, shown, headers, timeout, allow_private)
        if not response.has_redirect_location:
            try:
                yield response
            finally:
                response.close()
            return
        response.close()
        hop, shown = _parse_url(response.headers["location"], allow_private, base=hop)
    raise httpx.TooManyRedirects(f"{url} redirects more than {_MAX_REDIRECTS} times")


def _parse_url(
    text: str, allow_private: bool, base: httpx.URL | None = None
) -> tuple[httpx.URL, str]:
    """``text`` (relative to ``base`` for a redirect) as an http(s) URL, and the URL to show in
    messages (``text`` itself unless it was relative); :class:`_Refused` when it is not one."""
    import httpx

    try:
        url = base.join(text) if base is not None else httpx.URL(text)
    except httpx.InvalidURL as exc:
        # httpx refuses some numeric hosts (0177.0.0.1) that a C resolver would still read
        host = urlsplit(text).hostname
        address = _literal_address(host) if host else None
        kind = _non_public(address) if address is not None else None
        if host and address is not None and kind and not allow_private:
            raise _Refused(text, _address_reason(host, address, kind)) from exc
        raise _Refused(text, f"it is not a valid URL ({exc})") from exc
    shown = text if base is None or urlsplit(text).scheme else str(url)
    if url.scheme not in _SCHEMES:
        raise _Refused(shown, _SCHEME_REASON)
    if not url.raw_host:
        raise _Refused(shown, "the URL has no host")
    return url, shown


def _send_checked(
    http: httpx.Client,
    url: httpx.URL,
    shown: str,
    headers: dict[str, str],
    timeout: float,
    allow_private: bool,
) -> httpx.Response:
    """Send GET ``url`` to one of the addresses :func:`_checked_addresses` allows, in order.

    The request names the address itself (with the original ``Host`` header and TLS server
    name), so no second name lookup can send it elsewhere; redirects are not followed.
    """
    import httpx

    host = url.raw_host.decode("ascii")
    request_headers = {**headers, "Host": url.netloc.decode("ascii")}
    error: httpx.ConnectError | None = None
    for address in _checked_addresses(url, shown, allow_private):
        request = http.build_request(
            "GET",
            url.copy_with(host=str(address)),
            headers=request_headers,
            timeout=timeout,
            extensions={"sni_hostname": host},
        )
        try:
            return http.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectError as exc:
            error = exc
        except httpx.InvalidURL as exc:  # httpx reads a redirect's Location even when not following
            reason = f"it redirects to a URL that cannot be fetched ({exc}); {_SCHEME_REASON}"
            raise _Refused(shown, reason) from exc
    assert error is not None  # _checked_addresses never returns an empty list
    raise error


def _checked_addresses(url: httpx.URL, shown: str, allow_private: bool) -> list[IPAddress]:
    """The addresses ``url``'s host stands for (the host itself when it is an address, in any
    form a C resolver reads: ``2130706433``, ``0x7f000001``, ``127.1``), every one of them
    public unless ``allow_private``; :class:`_Refused` names the first that is not."""
    import httpx

    host = url.raw_host.decode("ascii")
    literal = _literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
        families = (socket.AF_INET, socket.AF_INET6)
        addresses = list(
            dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found if info[0] in families)
        )
        if not addresses:
            raise httpx.ConnectError(f"{host} has no IPv4 or IPv6 address")
    if not allow_private:
        for address in addresses:
            kind = _non_public(address)
            if kind:
                raise _Refused(shown, _address_reason(host, address, kind))
    return addresses


def _literal_address(host: str) -> IPAddress | None:
    """``host`` as an IP address when it is one, including the IPv4 forms ``inet_aton`` reads
    (decimal, octal, hexadecimal, fewer than four parts); None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NON_PUBLIC = (
    ("is_loopback", "a loopback address"),
    ("is_unspecified", "an unspecified address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_private", "a private address"),
    ("is_reserved", "a reserved address"),
)


def _non_public(address: IPAddress) -> str | None:
    """What makes ``address`` one that fetch must not reach ("a loopback address"), or None
    when it is public. IPv6 forms that carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
    6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``) are judged by that IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
        if inner is not None:
            kind = _non_public(inner)
            return f"{kind} ({inner} inside an IPv6 address)" if kind else None
    for attribute, kind in _NON_PUBLIC:
        if getattr(address, attribute):
            return kind
    return None if address.is_global else "not a public address"


def _address_reason(host: str, address: IPAddress, kind: str) -> str:
    verb = "is" if _literal_address(host) is not None else "resolves to"
    return (
        f"{host} {verb} {address}, {kind}; downloads from private, loopback, link-local and "
        f"other non-public addresses are off (set {ALLOW_PRIVATE_SETTING}=true to allow them for "
        "a trusted intranet or test server)"
    )


# --- cache validators (ETag / Last-Modified) --------------------------------------------------
def _validators_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.fetch.json")


def _read_validators(target: Path, url: str) -> dict[str, str]:
    """Conditional-request headers from the last download of ``url`` to ``target``."""
    if not target.is_file():
        return {}
    try:
        saved = json.loads(_validators_path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, dict) or saved.get("url") != url:
        return {}
    headers: dict[str, str] = {}
    if isinstance(saved.get("etag"), str):
        headers["If-None-Match"] = saved["etag"]
    if isinstance(saved.get("last_modified"), str):
        headers["If-Modified-Since"] = saved["last_modified"]
    return headers


def _write_validators(target: Path, url: str, headers: httpx.Headers) -> None:
    saved = {"url": url, "etag": headers.get("etag"), "last_modified": headers.get("last-modified")}
    path = _validators_path(target)
    if saved["etag"] or saved["last_modified"]:
        path.write_text(json.dumps(saved), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


# --- metadata sidecar -------------------------------------------------------------------------
def _write_sidecar(target: Path, entry: CatalogueEntry) -> None:
    """Write ``<file>.meta.json`` from the catalogue entry, unless a person wrote one (a
    sidecar without our ``catalogue_id`` is theirs and is left alone)."""
    sidecar = target.with_name(target.name + SIDECAR_SUFFIX)
    if sidecar.exists():
        try:
            existing = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(existing, dict) or existing.get("catalogue_id") != entry.id:
            return
    data = {k: v for k, v in entry.metadata().items() if v is not None}
    data["catalogue_id"] = entry.id
    sidecar.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
