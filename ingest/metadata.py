"""Document metadata: title, collection, countries, year, URL and access for one file.

Each field is taken from the first source that has it, most explicit first:

1. a sidecar ``<file>.meta.json`` next to the file (written by a person or by ``ingest fetch``);
2. for Markdown, a metadata comment on the first line:
   ``<!-- collection: study; countries: KOR; year: 2014 -->``;
3. the catalogue entry for the file (``corpus/catalogue.json``, see :class:`Catalogue`);
4. a ``.collection`` file in the file's folder or a parent, up to the corpus root (collection);
5. table files (csv, xlsx) are indicator data; a document with a UN symbol ("A/80/82",
   "E/CN.6/2025/3") is a UN document (``un``); otherwise the folder names (``case-studies`` ->
   case, ``unpacs`` -> profile, ``indicators`` -> data, ``reports`` -> study, ...);
6. what the parser found (title, year), the file name (``KHM_79_2024.txt`` -> KHM) and the
   countries the text names often enough.

Resolution never raises: a broken sidecar or comment must not stop an ingestion run, so its
problems are logged and returned in :attr:`DocMeta.warnings` for the report. A sidecar is where
a file is marked private (``{"access": "hr"}``), so one that cannot be read or holds an invalid
value (a list as ``access``, a misspelt key) must not let the file in as public: its problems are
also :attr:`DocMeta.errors`, and ingestion fails the file until the sidecar is fixed. A broken
*catalogue* is the operator's file and stops the run with :class:`ConfigError` instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from assistant.countries import find_countries, to_iso3
from assistant.countries import name as country_name
from assistant.errors import ConfigError
from assistant.models import COLLECTIONS

from .parsers.base import ParsedDocument
from .parsers.text import guess_year

__all__ = [
    "SIDECAR_SUFFIX",
    "Catalogue",
    "CatalogueEntry",
    "DocMeta",
    "make_doc_id",
    "read_markdown_comment",
    "read_sidecar",
    "resolve_metadata",
]

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
COLLECTION_FILE = ".collection"
TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xls"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
META_KEYS = ("title", "collection", "countries", "year", "url", "access")
# Informational sidecar keys that ``ingest fetch`` writes; accepted and ignored.
SIDECAR_EXTRA_KEYS = ("catalogue_id", "source")
MAX_COUNTRIES = 8
HEAD_CHARS = 3000

# Folder-name rules, checked in this order for each folder from the file's own upwards. A rule
# matches when a word of the folder name (split on anything not a letter or digit) starts with
# one of its prefixes or equals one of its whole words ("stat" as a prefix would make
# "state-papers" data).
_FOLDER_RULES: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = (
    ("case", ("case", "compendium", "practice"), frozenset()),
    ("profile", ("profile", "unpacs", "country", "countries"), frozenset()),
    ("data", ("indicator", "data", "statistic"), frozenset({"stat", "stats"})),
    (
        "study",
        ("study", "studies", "research", "report", "docs", "publication", "oecd"),
        frozenset(),
    ),
)


# --------------------------------------------------------------------------------------------
# Document ids
# --------------------------------------------------------------------------------------------
def make_doc_id(source: str) -> str:
    """A stable, readable id: the slug of the file stem plus 8 hex digits of sha1(source).

    ``source`` is the path relative to the corpus root with forward slashes; the hash keeps
    ``a/report.pdf`` and ``b/report.pdf`` apart while the slug keeps ids recognisable in logs.
    """
    source = source.replace("\\", "/")
    stem = PurePosixPath(source).stem
    folded = unicodedata.normalize("NFKD", stem)
    ascii_stem = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem).strip("-")[:40].strip("-") or "doc"
    digest = hashlib.sha1(source.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{slug}-{digest}"


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------
@dataclass
class DocMeta:
    """What the catalogue and the store keep about a document besides its text."""

    title: str
    collection: str = "other"  # study, case, profile, data, un or other
    countries: list[str] = field(default_factory=list)  # ISO3 codes, most relevant first
    year: int | None = None
    url: str | None = None
    access: str = "public"  # "public", or the name of a private collection
    symbol: str | None = None  # a UN document's symbol, as the parser read it
    language: str | None = None  # ISO 639-1, as the parser told it
    issued: str | None = None  # ISO date of issue of a UN document
    body: str | None = None  # the UN body it is issued to, from its masthead
    # field name -> where its value came from (sidecar, comment, catalogue, folder, text, ...)
    origin: dict[str, str] = field(default_factory=dict)
    # problems with the metadata sources (a bad sidecar, an unknown country), for the report
    warnings: list[str] = field(default_factory=list)
    # the problems among them that keep the file out of the store: its sidecar cannot be read or
    # holds invalid values, so whether the file is private cannot be trusted
    errors: list[str] = field(default_factory=list)

    def change_key(self) -> str:
        """A digest of what the store keeps about the document besides its text: ingestion
        compares it with the last run's, so editing a sidecar re-ingests the document."""
        kept = {k: getattr(self, k) for k in ("title", "collection", "countries", "year", "url")}
        kept |= {"access": self.access, "errors": self.errors}
        text = json.dumps(kept, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------
_ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ENTRY_KEYS = ("id", "title", "collection", "countries", "year", "url", "sha256", "file")
_ENTRY_EXTRA_KEYS = ("fetch", "note")
_DOWNLOAD_SUFFIXES = {".pdf", ".html", ".htm", ".docx", ".txt", ".md", ".rst", ".csv", ".xlsx"}


@dataclass(frozen=True)
class CatalogueEntry:
    """One publication the project knows about, with its public address.

    ``file`` is the local name it is matched by (and downloaded to); ``fetch`` is false for
    entries whose URL is a shared index page rather than the document itself.
    """

    id: str
    title: str
    collection: str = "other"
    countries: tuple[str, ...] = ()
    year: int | None = None
    url: str | None = None
    sha256: str | None = None
    file: str | None = None
    fetch: bool = True
    note: str | None = None

    @property
    def filename(self) -> str:
        """Local file name: ``file``'s name, else the id plus the URL's suffix (``.html`` when
        the URL has none, as landing pages do)."""
        if self.file:
            return PurePosixPath(self.file).name
        suffix = PurePosixPath(self.url.split("?", 1)[0]).suffix.lower() if self.url else ""
        return self.id + (suffix if suffix in _DOWNLOAD_SUFFIXES else ".html")

    def metadata(self) -> dict[str, Any]:
        """The fields that describe the document (as a sidecar would give them)."""
        return {
            "title": self.title,
            "collection": self.collection,
            "countries": list(self.countries) or None,
            "year": self.year,
            "url": self.url,
        }


class Catalogue:
    """The project's list of known publications, matched to files by path, name or id."""

    def __init__(self, entries: Iterable[CatalogueEntry] = (), *, source: str = "") -> None:
        self.source = source
        self._entries: dict[str, CatalogueEntry] = {}
        for entry in entries:
            self._entries.setdefault(entry.id, entry)

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        """Read and validate a catalogue file; :class:`ConfigError` says what to fix."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ConfigError(f"cannot read the catalogue {path}: {exc.strerror or exc}") from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"the catalogue {path} is not valid JSON (line {exc.lineno}: {exc.msg})"
            ) from exc
        return cls.from_data(data, source=str(path))

    @classmethod
    def load_many(cls, paths: Iterable[Path]) -> Catalogue:
        """Several catalogues merged; for a repeated id the first file's entry wins."""
        entries: list[CatalogueEntry] = []
        for path in paths:
            entries.extend(cls.load(path))
        return cls(entries, source=", ".join(str(p) for p in paths))

    @classmethod
    def from_data(cls, data: Any, *, source: str = "catalogue") -> Catalogue:
        if not isinstance(data, list):
            raise ConfigError(f"{source}: the catalogue must be a JSON list of entries")
        entries = [_entry(item, f"{source}, entry {n}") for n, item in enumerate(data, 1)]
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise ConfigError(
                    f"{source}: the id {entry.id!r} is used twice; ids must be unique"
                )
            seen.add(entry.id)
        return cls(entries, source=source)

    def __iter__(self) -> Iterator[CatalogueEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, entry_id: str) -> CatalogueEntry | None:
        return self._entries.get(entry_id)

    def match(self, path: Path, root: Path) -> CatalogueEntry | None:
        """The entry for ``path``: one whose ``file`` is its path relative to ``root``, else one
        whose ``file`` is a path the file's own path ends with, else one whose ``file`` (or
        derived name) is the bare file name, else one whose id is the file stem (how
        ``ingest fetch`` names files). A ``file`` with folders never matches by name alone, so
        ``a/report.pdf`` does not claim ``b/report.pdf``."""
        relative = _relative(path, root)
        parts = path.resolve().parts
        by_tail: CatalogueEntry | None = None
        by_name: CatalogueEntry | None = None
        for entry in self._entries.values():
            wanted = PurePosixPath(entry.file).parts if entry.file else ()
            if entry.file and entry.file == relative:
                return entry
            if len(wanted) > 1 and by_tail is None and parts[-len(wanted) :] == wanted:
                by_tail = entry
            elif len(wanted) <= 1 and by_name is None and entry.filename == path.name:
                by_name = entry
        return by_tail or by_name or self._entries.get(path.stem)


def _entry(item: Any, where: str) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: each entry must be a JSON object")
    unknown = sorted(set(item) - set(_ENTRY_KEYS) - set(_ENTRY_EXTRA_KEYS))
    if unknown:
        allowed = ", ".join(_ENTRY_KEYS + _ENTRY_EXTRA_KEYS)
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not _ENTRY_ID.match(entry_id):
        raise ConfigError(f"{where}: 'id' must be lowercase letters, digits, '.', '_' or '-'")
    where = f"{where} ({entry_id})"
    values, problems = _normalise({k: item.get(k) for k in META_KEYS if k in item})
    if problems:
        raise ConfigError(f"{where}: {'; '.join(problems)}")
    if not values.get("title"):
        raise ConfigError(f"{where}: 'title' is required")
    return CatalogueEntry(
        id=entry_id,
        title=values["title"],
        collection=values.get("collection", "other"),
        countries=tuple(values.get("countries", ())),
        year=values.get("year"),
        url=values.get("url"),
        sha256=_checked_sha(item.get("sha256"), where),
        file=_checked_file(item.get("file"), where),
        fetch=_checked_bool(item.get("fetch", True), "fetch", where),
        note=item.get("note") if isinstance(item.get("note"), str) else None,
    )


def _checked_sha(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _SHA256.match(value.lower()):
        raise ConfigError(f"{where}: 'sha256' must be 64 hexadecimal digits")
    return value.lower()


def _checked_file(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: 'file' must be a file name")
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise ConfigError(
            f"{where}: 'file' must be a relative path inside the corpus, not {value!r}"
        )
    return path.as_posix()


def _checked_bool(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false")
    return value


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


# --------------------------------------------------------------------------------------------
# Explicit sources: sidecar and Markdown comment
# --------------------------------------------------------------------------------------------
def _normalise(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validated metadata values (countries as ISO3) and the problems found, per key."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key == "countries" and _means_no_countries(value):
            values[key] = []  # explicitly about no particular country: skip detection
            continue
        if value is None or value == "" or value == []:
            continue
        try:
            values[key] = _NORMALISERS[key](value)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    return values, problems


def _text_value(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return " ".join(value.split())


def _collection_value(value: Any) -> str:
    name = _text_value(value).lower()
    if name not in COLLECTIONS:
        raise ValueError(f"{value!r} is not one of {', '.join(COLLECTIONS)}")
    return name


def _year_value(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be a year such as 2024")
    try:
        year = int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a year") from None
    if not 1900 <= year <= 2100:
        raise ValueError(f"{year} is not a plausible year")
    return year


def _means_no_countries(value: Any) -> bool:
    """``[]`` in a sidecar or ``none`` in a comment: the document is about no one country."""
    return value == [] or (isinstance(value, str) and value.strip().lower() in {"none", "-"})


def _countries_value(value: Any) -> list[str]:
    """ISO3 codes from a list or a comma-separated string of codes or names."""
    items = value if isinstance(value, list) else str(value).split(",")
    codes: list[str] = []
    unknown: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        code = to_iso3(text)
        parts = [] if code else [to_iso3(part) for part in text.split()]
        found = [code] if code else ([p for p in parts if p] if all(parts) else [])
        if not found:
            unknown.append(text)
        codes.extend(c for c in found if c not in codes)
    if unknown:
        raise ValueError(f"unknown country {', '.join(repr(u) for u in unknown)} (use ISO3 codes)")
    return codes


def _url_value(value: Any) -> str:
    url = _text_value(value)
    if not re.match(r"^https?://\S+$", url):
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


def _access_value(value: Any) -> str:
    """One collection name: ``"public"`` or a private collection such as ``"hr"``. A document
    belongs to one collection; lists are how tokens are granted several, not documents."""
    if isinstance(value, list):
        raise ValueError(
            f'must be one collection name such as "hr", not a list ({value!r}); '
            "a document belongs to one collection"
        )
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f'must be one collection name such as "hr", not {value!r}')
    name = value.strip()
    if name == "*" or any(ch.isspace() for ch in name):
        raise ValueError(f"{name!r} is not a collection name (no spaces, not '*')")
    return name


_NORMALISERS = {
    "title": _text_value,
    "collection": _collection_value,
    "countries": _countries_value,
    "year": _year_value,
    "url": _url_value,
    "access": _access_value,
}


def read_sidecar(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Metadata from ``<file>.meta.json`` (empty when there is none) and its problems. Any
    problem makes the sidecar invalid (see :attr:`DocMeta.errors`); the valid values are still
    returned."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.exists() and not sidecar.is_symlink():
        return {}, []
    if not sidecar.is_file():
        return {}, [f"{sidecar.name} is not a readable file"]
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{sidecar.name} cannot be read ({exc})"]
    except json.JSONDecodeError as exc:
        return {}, [f"{sidecar.name} is not readable JSON (line {exc.lineno}: {exc.msg})"]
    if not isinstance(data, dict):
        return {}, [f"{sidecar.name} must be a JSON object"]
    problems = []
    unknown = sorted(set(data) - set(META_KEYS) - set(SIDECAR_EXTRA_KEYS))
    if unknown:
        problems.append(
            f"{sidecar.name}: unknown key(s) {', '.join(unknown)}; use {', '.join(META_KEYS)}"
        )
    values, bad = _normalise({k: v for k, v in data.items() if k in META_KEYS})
    return values, problems + [f"{sidecar.name}: {problem}" for problem in bad]


_COMMENT = re.compile(r"^\s*<!--(.*?)-->", re.DOTALL)
_COMMENT_KEYS = ("title", "collection", "countries", "year", "url")


def read_markdown_comment(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Metadata from a Markdown file's leading comment, e.g.
    ``<!-- collection: study; countries: KOR, JPN; year: 2014 -->``.

    A leading comment without any of the keys is an ordinary comment and gives nothing.
    """
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return {}, []
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return {}, []
    match = _COMMENT.match(head)
    if not match:
        return {}, []
    raw: dict[str, str] = {}
    for part in re.split(r"[;\n]", match.group(1)):
        key, sep, value = part.partition(":")
        if sep and key.strip().lower() in _COMMENT_KEYS:
            raw[key.strip().lower()] = value.strip()
    values, bad = _normalise(raw)
    return values, [f"metadata comment in {path.name}: {problem}" for problem in bad]


# --------------------------------------------------------------------------------------------
# Implicit sources: folders, file names and text
# --------------------------------------------------------------------------------------------
def _collection_file(path: Path, root: Path) -> tuple[str | None, list[str]]:
    """The collection named in a ``.collection`` file in the file's folder or a parent."""
    for folder in _folders(path, root):
        marker = folder / COLLECTION_FILE
        if not marker.is_file():
            continue
        try:
            name = marker.read_text(encoding="utf-8-sig").strip().split("\n", 1)[0].strip().lower()
        except (OSError, UnicodeDecodeError) as exc:
            return None, [f"{marker} ignored: {exc}"]
        if name in COLLECTIONS:
            return name, []
        return None, [f"{marker} ignored: {name!r} is not one of {', '.join(COLLECTIONS)}"]
    return None, []


def _folders(path: Path, root: Path) -> list[Path]:
    """The file's folder and its parents up to and including ``root`` (nearest first)."""
    folders: list[Path] = []
    root_resolved = root.resolve()
    folder = path.resolve().parent
    while True:
        folders.append(folder)
        if folder == root_resolved or folder.parent == folder:
            break
        if root_resolved not in folder.parents:
            break
        folder = folder.parent
    return folders


def _collection_from_folders(path: Path, root: Path) -> str | None:
    for folder in _folders(path, root):
        words = [w for w in re.split(r"[^a-z0-9]+", folder.name.lower()) if w]
        for collection, prefixes, whole_words in _FOLDER_RULES:
            if any(w.startswith(prefixes) or w in whole_words for w in words):
                return collection
    return None


_LEADING_ISO3 = re.compile(r"^([A-Z]{3})(?=[_\-. ]|$)")


_SPEECH = re.compile(r"^([A-Z]{3})_(\d{1,3})_((?:19|20)\d\d)$")


def _speech_title(path: Path) -> str | None:
    """UN General Debate corpus files are named ``ISO3_SESSION_YEAR`` (``KHM_79_2024.txt``); their
    first line is a salutation, so the name makes the better title."""
    match = _SPEECH.match(path.stem)
    if not match or to_iso3(match.group(1)) != match.group(1):
        return None
    code, session, year = match.groups()
    return f"{country_name(code)}: statement in the UN General Debate, session {session} ({year})"


def _countries_from_name(path: Path) -> list[str]:
    """A leading ISO3 token in the file name: ``KHM_79_2024.txt`` -> ``["KHM"]``."""
    match = _LEADING_ISO3.match(path.stem)
    if not match:
        return []
    code = match.group(1)
    return [code] if to_iso3(code) == code else []


def _countries_from_text(title: str, text: str) -> list[str]:
    """Countries named in the title or the opening text, kept when the title names them or
    the whole text mentions them at least twice; the most-mentioned first, at most eight.

    Candidates come from the opening only, because a passing mention deep in a long report
    ("as in Estonia") says little about what the document is about.
    """
    candidates = find_countries(f"{title}\n{text[:HEAD_CHARS]}", strict=True)
    if not candidates:
        return []
    in_title = set(find_countries(title, strict=True))
    counts = _mention_counts(text, set(candidates))
    kept = [code for code in candidates if code in in_title or counts[code] >= 2]
    kept.sort(key=lambda code: (code not in in_title, -counts[code], candidates.index(code)))
    return kept[:MAX_COUNTRIES]


def _mention_counts(text: str, wanted: set[str]) -> Counter[str]:
    """Sentences (or lines) that name each wanted country: a mention count that a list of
    every country in one table row cannot inflate."""
    counts: Counter[str] = Counter()
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", text):
        if sentence.strip():
            counts.update(code for code in find_countries(sentence, strict=True) if code in wanted)
    return counts


def _humanised_stem(path: Path) -> str:
    return " ".join(re.sub(r"[_]+", " ", path.stem).split()) or path.name


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------
def resolve_metadata(
    path: Path, root: Path, parsed: ParsedDocument | None, catalogue: Catalogue
) -> DocMeta:
    """Metadata for ``path`` (inside corpus folder ``root``), field by field from the most
    explicit source that has it. ``parsed`` may be None (e.g. for indicator tables)."""
    explicit, origin, warnings, errors = _explicit_layers(path, root, catalogue)
    text = parsed.text if parsed is not None else ""

    title = explicit.get("title") or _speech_title(path) or (parsed.title if parsed else None)
    origin.setdefault("title", "parser" if title else "file name")
    title = title or _humanised_stem(path)

    symbol = parsed.symbol if parsed else None
    collection, where, problems = _resolve_collection(path, root, explicit, symbol)
    warnings.extend(problems)
    origin.setdefault("collection", where)

    countries = explicit.get("countries")
    if countries is None:
        countries = _countries_from_name(path)
        origin["countries"] = "file name" if countries else "text"
        countries = countries or _countries_from_text(title, text)

    year = explicit.get("year")
    if year is None:
        year = parsed.year if parsed and parsed.year else guess_year(None, path, "")
        origin["year"] = "parser" if year else "none"

    for warning in warnings:
        log.warning("metadata for %s: %s", path, warning)
    return DocMeta(
        title=title,
        collection=collection,
        countries=list(countries),
        year=year,
        url=explicit.get("url"),
        access=explicit.get("access", "public"),
        symbol=symbol,
        language=parsed.language if parsed else None,
        issued=parsed.issued if parsed else None,
        body=parsed.body if parsed else None,
        origin=origin,
        warnings=warnings,
        errors=errors,
    )


def _explicit_layers(
    path: Path, root: Path, catalogue: Catalogue
) -> tuple[dict[str, Any], dict[str, str], list[str], list[str]]:
    """Sidecar, then Markdown comment, then catalogue entry: first value per field wins.
    Returns the values, where each came from, all problems, and the sidecar's (errors)."""
    sidecar, errors = read_sidecar(path)
    comment, comment_warnings = read_markdown_comment(path)
    warnings = [*errors, *comment_warnings]
    entry = catalogue.match(path, root)
    layers: list[tuple[str, Mapping[str, Any]]] = [
        ("sidecar", sidecar),
        ("comment", comment),
        ("catalogue", entry.metadata() if entry else {}),
    ]
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, layer in layers:
        for key, value in layer.items():
            if value is not None and key not in values:
                values[key] = value
                origin[key] = name
    return values, origin, warnings, errors


def _resolve_collection(
    path: Path, root: Path, explicit: Mapping[str, Any], symbol: str | None = None
) -> tuple[str, str, list[str]]:
    """(collection, where it came from, warnings). Table files count as data before folder
    names do: an indicator CSV in an ``oecd`` folder is data, not a study. A document a UN
    organ issued under a symbol is a UN document unless something more explicit says else."""
    if explicit.get("collection"):
        return str(explicit["collection"]), "explicit", []
    marked, warnings = _collection_file(path, root)
    if marked:
        return marked, COLLECTION_FILE, warnings
    if path.suffix.lower() in TABLE_SUFFIXES:
        return "data", "file type", warnings
    if symbol:  # what the document says it is outranks what its folder happens to be called
        return "un", "UN symbol", warnings
    from_folder = _collection_from_folders(path, root)
    if from_folder:
        return from_folder, "folder name", warnings
    return "other", "default", warnings
