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
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .metadata import SIDECAR_SUFFIX, Catalogue, CatalogueEntry

if TYPE_CHECKING:
    import httpx

__all__ = ["Catalogue", "CatalogueEntry", "FetchResult", "fetch"]

log = logging.getLogger(__name__)

USER_AGENT = "governance-knowledge-assistant/0.1 (catalogue fetch)"
_CHUNK = 64 * 1024


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
) -> list[FetchResult]:
    """Download the entries of ``catalogue_path`` that have a URL into ``dest_dir``.

    ``ids`` restricts the run to those entries (an unknown id is reported as failed).
    ``client`` lets a caller supply its own ``httpx.Client`` (proxies, tests); otherwise one is
    made for the run. A broken catalogue raises :class:`assistant.errors.ConfigError`.
    """
    import httpx  # here, so that importing ingest does not load the HTTP stack

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
    http = client or httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )
    try:
        for entry in selected:
            result = _fetch_one(http, entry, dest, timeout)
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
    http: httpx.Client, entry: CatalogueEntry, dest: Path, timeout: float
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
        return _download(http, entry, target, timeout)
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
    http: httpx.Client, entry: CatalogueEntry, target: Path, timeout: float
) -> FetchResult:
    assert entry.url is not None
    validators = _read_validators(target, entry.url) if not entry.sha256 else {}
    with http.stream("GET", entry.url, headers=validators, timeout=timeout) as response:
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
