"""PDF parser: text page by page, the page numbers readers see, headings, tables, OCR fallback.

The only module that talks to pypdf. What it guarantees to the rest of ingestion:

* one :class:`ParsedPage` per physical page, ``number`` 1-based, so citations can say "page 19";
* ``label`` is the folio printed on that page ("17/26", "35", "iv") or None, because a reader
  looks for the printed number, not the PDF viewer's. Declared ``/PageLabels`` are used only
  where they agree with the folios found in headers and footers (some are simply wrong);
* no garbage: a page whose text layer is missing or damaged is OCRed again when the tools
  exist, and otherwise left empty and listed in ``unreadable_pages``;
* bad input (empty, truncated, encrypted, HTML saved as .pdf, unreadable) raises
  :class:`ParseFailure` with a reason a person can act on; it never crashes ingestion;
* a compressed stream that would inflate past :data:`DECOMPRESSED_LIMIT` (a decompression bomb)
  stops there: its page is skipped, neither kept nor OCRed, and a file with nothing else fails.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdf
from pypdf.errors import DependencyError, LimitReachedError, PdfReadWarning, PyPdfError

from assistant.text import UN_SYMBOL
from ingest import ocr as ocr_tools

from .base import Block, Heading, ParsedDocument, ParsedPage, ParseFailure

__all__ = ["find_headings", "find_tables", "folio_labels", "parse_pdf"]

log = logging.getLogger(__name__)

# What broken PDF structures raise from inside pypdf, besides its own errors. DependencyError:
# AES-encrypted content without the optional 'cryptography' package.
_BROKEN_PDF = (
    PyPdfError,
    DependencyError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
    zlib.error,
)
_HEADER_BYTES = 1024

# pypdf's resource limits, set here for every parse so that nothing else in the process can turn
# them off for ingestion: no stream inflates past DECOMPRESSED_LIMIT bytes, whatever its filter.
DECOMPRESSED_LIMIT = 75_000_000
_PYPDF_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": DECOMPRESSED_LIMIT,
    "array_based_stream_maximum_output_length": DECOMPRESSED_LIMIT,
    "zlib_maximum_output_length": DECOMPRESSED_LIMIT,
    "zlib_maximum_recovery_input_length": 5_000_000,
    "lzw_maximum_output_length": DECOMPRESSED_LIMIT,
    "run_length_maximum_output_length": DECOMPRESSED_LIMIT,
    "jbig2_maximum_output_length": DECOMPRESSED_LIMIT,
    "image_maximum_buffer_size": DECOMPRESSED_LIMIT,
}
_OVER_LIMIT = (
    f"a compressed stream inflates past the {DECOMPRESSED_LIMIT // 1_000_000} MB limit "
    "(a decompression bomb?)"
)
_OCR_WORKERS = 2  # two pages at a time: this project's machines have two cores


@dataclass
class _RawPage:
    """A page as pypdf gave it, before any repair."""

    text: str
    has_images: bool
    error: str | None = None
    over_limit: bool = False  # a stream hit a decompression limit: never OCR this page
    edges: tuple[str, ...] = ()  # the lines nearest the top and bottom edge, by position


@dataclass
class _Pages:
    """Page texts after the garbage check and OCR, with what happened to each page."""

    texts: list[str]
    ocred: set[int] = field(default_factory=set)
    unreadable: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_pdf(path: Path, *, ocr: bool = True, ocr_language: str = "eng") -> ParsedDocument:
    """Parse one PDF into pages of text with printed labels, headings and table blocks.

    ``ocr`` allows running tesseract on pages without a usable text layer; ``ocr_language`` is
    tesseract's language code. Raises :class:`ParseFailure` (status ``needs_ocr`` when only OCR
    could help) instead of letting any error from a broken file escape.
    """
    path = Path(path)
    _check_header(path)
    with _quiet_pypdf(), pypdf.apply_configuration(**_PYPDF_LIMITS):
        reader = _open(path)
        raw_pages = _read_pages(reader, path)
        declared = _declared_labels(reader)
        title, created_year = _metadata(reader)
    pages = _repair(path, raw_pages, ocr=ocr, language=ocr_language)
    if not any(text.strip() for text in pages.texts):
        raise _no_text_failure(raw_pages, pages, ocr=ocr)
    edges = [
        () if number in pages.ocred else page.edges for number, page in enumerate(raw_pages, 1)
    ]
    labels, label_note = _labels(pages.texts, declared, edges)
    running = _running_lines(pages.texts)
    parsed = [
        ParsedPage(
            text=text,
            number=number,
            label=labels[number - 1],
            headings=find_headings(text, running),
            blocks=find_tables(text),
            ocr=number in pages.ocred,
        )
        for number, text in enumerate(pages.texts, start=1)
    ]
    title = title or _title_from_text(pages.texts, running)
    symbol = un_symbol(pages.texts)
    first = next((text for text in pages.texts if text.strip()), "")
    if symbol:
        title = un_title(first) or title
    issued = un_issued(first) if symbol else None
    body = un_body(first) if symbol else None
    year = (
        (int(issued[:4]) if issued else None)
        or _symbol_year(symbol)
        or _year_from_text(title, pages.texts)
        or created_year
    )
    if symbol and title and symbol not in title:
        title = f"{title} ({symbol})"  # how UN staff tell documents apart: "E/2025/44"
    elif symbol and not title:
        title = symbol
    notes = [*pages.notes, *([label_note] if label_note else [])]
    log.info("parsed %s: %d pages, %d OCRed", path.name, len(parsed), len(pages.ocred))
    return ParsedDocument(
        parsed,
        title,
        year,
        notes,
        pages.unreadable,
        symbol=symbol,
        language=ocr_tools.document_language(pages.texts),
        issued=issued,
        body=body,
    )


# --- opening the file ------------------------------------------------------------------------


def _check_header(path: Path) -> None:
    """Refuse what is not a PDF before pypdf sees it, with a reason that names the problem."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEADER_BYTES)
    except PermissionError as exc:
        raise ParseFailure(f"cannot read {path.name}: permission denied") from exc
    except FileNotFoundError as exc:
        raise ParseFailure(f"cannot read {path.name}: no such file") from exc
    except IsADirectoryError as exc:
        raise ParseFailure(f"cannot read {path.name}: it is a folder") from exc
    except OSError as exc:
        raise ParseFailure(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if not head:
        raise ParseFailure("empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise ParseFailure(f"not a PDF ({_what_it_looks_like(head)})")


def _what_it_looks_like(head: bytes) -> str:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in start:
        return "looks like HTML"
    if start.startswith(b"pk\x03\x04"):
        return "looks like a ZIP or Office file"
    if start.startswith((b"{", b"[")):
        return "looks like JSON"
    return "no %PDF header"


def _open(path: Path) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted:
            _decrypt(reader)
        if len(reader.pages) == 0:
            raise ParseFailure("the PDF has no pages")
    except DependencyError as exc:
        raise ParseFailure(
            f"encrypted with AES: install 'cryptography' to read it ({exc})"
        ) from exc
    except LimitReachedError as exc:
        raise ParseFailure(f"{_OVER_LIMIT}: {_describe(exc)}") from exc
    except _BROKEN_PDF as exc:
        raise ParseFailure(f"broken or truncated PDF: {_describe(exc)}") from exc
    return reader


def _decrypt(reader: pypdf.PdfReader) -> None:
    """Open with the empty user password (many 'protected' PDFs only restrict printing)."""
    if reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise ParseFailure("encrypted: needs a password")


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings about the many small faults real PDFs have, for this call only."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PdfReadWarning)
            yield
    finally:
        logger.setLevel(level)


# --- text per page ---------------------------------------------------------------------------


def _read_pages(reader: pypdf.PdfReader, path: Path) -> list[_RawPage]:
    pages: list[_RawPage] = []
    for index in range(len(reader.pages)):
        try:
            page = reader.pages[index]
            lines = _EdgeLines()
            text = _normalise(page.extract_text(visitor_text=lines.visit))
        except LimitReachedError as exc:
            log.warning("%s page %d skipped: %s: %s", path.name, index + 1, _OVER_LIMIT, exc)
            pages.append(_RawPage("", has_images=False, error=_describe(exc), over_limit=True))
            continue
        except _BROKEN_PDF as exc:
            log.warning("%s page %d: text extraction failed: %s", path.name, index + 1, exc)
            pages.append(_RawPage("", has_images=True, error=_describe(exc)))
            continue
        pages.append(
            _RawPage(text, has_images=not text and _has_images(page), edges=lines.nearest_edges())
        )
    return pages


class _EdgeLines:
    """Notes where each piece of text is drawn while pypdf extracts a page, to tell which of its
    lines sit nearest the top and bottom edge, where folios are printed. pypdf's line order
    does not say this: a footer can come out as the seventh line, after the footnotes.

    The pieces pypdf hands the visitor, joined, are exactly the text it returns, so each line
    keeps pypdf's spacing and takes the height of its first visible piece. Height is measured
    along the text's own "up" (a landscape table set sideways reads top to bottom along x), and
    only lines set the way most of the page is are ranked (not a sideways margin note)."""

    def __init__(self) -> None:
        self._lines: list[tuple[tuple[int, int], float, str]] = []
        self._place: tuple[tuple[int, int], float] | None = None
        self._text: list[str] = []

    def visit(self, text: str, cm: Sequence[float], tm: Sequence[float], *_: Any) -> None:
        if "\n" not in text:  # most pieces: called once per piece of text, so kept cheap
            if self._place is None and not text.isspace() and text:
                self._place = _placement(cm, tm)
            self._text.append(text)
            return
        first, *rest = text.split("\n")
        self.visit(first, cm, tm)
        for piece in rest:
            self._end_line()
            self.visit(piece, cm, tm)

    def _end_line(self) -> None:
        text = _SPACE_RUNS.sub(" ", "".join(self._text)).strip()
        if self._place is not None and text:
            up, height = self._place
            self._lines.append((up, height, text))
        self._place, self._text = None, []

    def nearest_edges(self) -> tuple[str, ...]:
        """The lines nearest the top edge, then those nearest the bottom, :data:`_EDGE_LINES`
        of each."""
        self._end_line()
        if not self._lines:
            return ()
        usual = Counter(up for up, _, _ in self._lines).most_common(1)[0][0]
        placed = sorted(((h, t) for up, h, t in self._lines if up == usual), key=lambda i: -i[0])
        chosen = placed[:_EDGE_LINES] + placed[_EDGE_LINES:][-_EDGE_LINES:]
        return tuple(line for _, line in chosen)


def _placement(cm: Sequence[float], tm: Sequence[float]) -> tuple[tuple[int, int], float]:
    """Which way is up for text drawn with these matrices, and how far up the page it sits.

    The text matrix times the current transformation matrix maps text space to the page: its
    second row is the text's up direction, its third the origin of the piece."""
    up_x = tm[2] * cm[0] + tm[3] * cm[2]
    up_y = tm[2] * cm[1] + tm[3] * cm[3]
    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    length = (up_x * up_x + up_y * up_y) ** 0.5 or 1.0
    up = (round(up_x / length), round(up_y / length))
    return up, (x * up_x + y * up_y) / length


def _has_images(page: pypdf.PageObject) -> bool:
    """Whether an empty page shows an image (a scan to OCR) rather than nothing (a blank page)."""
    try:
        return len(page.images) > 0
    except _BROKEN_PDF:
        return True  # cannot tell: let OCR look


_NUL_AND_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACE_RUNS = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINE_RUNS = re.compile(r"\n{3,}")


def _normalise(text: str) -> str:
    """Light clean-up that keeps line breaks (folios, headings and tables are found by line):
    drop NUL and control characters, collapse runs of spaces, trim lines, at most one blank line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = _NUL_AND_CONTROLS.sub("", text)
    lines = (_SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINE_RUNS.sub("\n\n", "\n".join(lines)).strip()


# --- garbage and OCR -------------------------------------------------------------------------


def _repair(path: Path, raw: list[_RawPage], *, ocr: bool, language: str) -> _Pages:
    """Keep good text layers; OCR the missing, broken and doubtful ones when possible.

    A doubtful text layer (its words score under ``SUSPECT_QUALITY``) is OCRed in its own
    language and replaced only when OCR reads it better: a layer that OCR reproduces, or reads no
    better, is kept, so a clean page in Spanish or a list of names is never dropped. Without OCR,
    layers under ``GARBAGE_THRESHOLD`` are dropped and listed. Pages that hit a decompression
    limit are dropped without OCR."""
    pages = _Pages(texts=[page.text for page in raw])
    suspects = {n: why for n, page in enumerate(raw, start=1) if (why := _why_ocr(page))}
    if suspects and ocr and ocr_tools.ocr_available():
        _ocr_pages(path, suspects, language, pages)
    elif suspects:
        dropped = [n for n, why in suspects.items() if why != _DOUBTFUL or _garbage(raw[n - 1])]
        for number in dropped:
            pages.texts[number - 1] = ""  # never index a damaged text layer
        pages.unreadable.extend(dropped)
        why = "OCR is turned off" if not ocr else "tesseract/pdftoppm are not installed"
        if dropped:
            pages.notes.append(f"{len(dropped)} pages without usable text, not OCRed: {why}")
    over_limit = [n for n, page in enumerate(raw, start=1) if page.over_limit]
    if over_limit:
        pages.unreadable = sorted([*pages.unreadable, *over_limit])
        pages.notes.append(f"{len(over_limit)} pages skipped: {_OVER_LIMIT}")
    failed = [f"page {n}: {page.error}" for n, page in enumerate(raw, start=1) if page.error]
    pages.notes.extend(f"text extraction failed on {item}" for item in failed)
    return pages


# Why a page is OCRed, as the ingest report says it.
_NO_LAYER = "no text layer"
_FAILED = "text extraction failed"
_BROKEN = "broken encoding"
_DOUBTFUL = "doubtful words"
# A text layer whose words score under this is checked against OCR (the lowest normal page of
# the shared corpus and of the 100 UN documents in corpus-extra scores 0.86 to 0.95; each is
# kept when OCR reads it no better).
SUSPECT_QUALITY = 0.95


# A doubtful text layer is what the page prints when OCR finds this share of its words (clean
# layers of corpus-extra: 0.97 to 1.0; the garbled 1984 scan: 0.69 to 0.80).
REPRODUCED = 0.90


def _why_ocr(page: _RawPage) -> str | None:
    if page.over_limit:
        return None  # rendering it for OCR would inflate the same stream
    if page.error is not None:
        return _FAILED
    if not page.text:
        return _NO_LAYER if page.has_images else None
    if ocr_tools.broken_encoding(page.text):
        return _BROKEN
    return _DOUBTFUL if ocr_tools.text_quality(page.text) < SUSPECT_QUALITY else None


def _garbage(page: _RawPage) -> bool:
    return ocr_tools.is_garbage(page.text)


def _ocr_pages(path: Path, suspects: dict[int, str], language: str, pages: _Pages) -> None:
    numbers = list(suspects)
    languages = {n: ocr_tools.page_language(pages.texts[n - 1]) for n in numbers}
    packs = {n: ocr_tools.ocr_language(languages[n], language) for n in numbers}
    with ThreadPoolExecutor(max_workers=_OCR_WORKERS, thread_name_prefix="ocr") as pool:
        results = list(pool.map(lambda n: _ocr_one(path, n, packs[n]), numbers))
    errors: list[str] = []
    used: Counter[str] = Counter()
    kept = 0
    for number, (text, error) in zip(numbers, results, strict=True):
        layer = pages.texts[number - 1]
        if error:
            errors.append(f"page {number}: {error}")
        if layer and not ocr_tools.broken_encoding(layer):
            # a doubtful layer is kept when OCR reproduces it, replaced when OCR reads better,
            # kept when it is readable and OCR no better, and dropped when neither is readable
            page_language = languages[number]
            ours = ocr_tools.text_quality(layer, page_language)
            theirs = ocr_tools.text_quality(text, page_language) if text else 0.0
            if text and ocr_tools.reproduced_share(layer, text) >= REPRODUCED:
                kept += 1
            elif theirs > ours and theirs >= ocr_tools.GARBAGE_THRESHOLD:
                pages.texts[number - 1] = text
                pages.ocred.add(number)
                used[f"{packs[number]}: {suspects[number]}"] += 1
            elif ours >= ocr_tools.GARBAGE_THRESHOLD:
                kept += 1
            else:
                pages.texts[number - 1] = ""
                pages.unreadable.append(number)
            continue
        if text and not ocr_tools.is_garbage(text):
            pages.texts[number - 1] = text
            pages.ocred.add(number)
            used[f"{packs[number]}: {suspects[number]}"] += 1
        else:
            pages.texts[number - 1] = ""
            pages.unreadable.append(number)
    if pages.ocred:
        why = ", ".join(f"{count} {reason}" for reason, count in sorted(used.items()))
        pages.notes.append(f"{len(pages.ocred)} pages OCRed ({why})")
    if kept:
        pages.notes.append(f"{kept} doubtful text layers kept: OCR reproduced or read no better")
    if pages.unreadable:
        pages.notes.append(f"{len(pages.unreadable)} pages unreadable even after OCR")
    pages.notes.extend(f"OCR failed on {item}" for item in errors[:5])


def _ocr_one(path: Path, number: int, language: str) -> tuple[str, str | None]:
    """OCR text of one page in ``language`` (a Tesseract pack), or "" with the reason when OCR
    failed."""
    try:
        return _normalise(ocr_tools.ocr_pdf_page(path, number, language)), None
    except ocr_tools.OcrError as exc:
        log.warning("%s page %d: %s", path.name, number, exc.reason)
        return "", exc.reason


def _no_text_failure(raw: Sequence[_RawPage], pages: _Pages, *, ocr: bool) -> ParseFailure:
    reason = f"no usable text layer on any of {len(raw)} pages"
    over_limit = [(n, page) for n, page in enumerate(raw, start=1) if page.over_limit]
    if over_limit:
        number, page = over_limit[0]
        return ParseFailure(f"{reason}: page {number}: {_OVER_LIMIT} ({page.error})")
    if not ocr:
        return ParseFailure(f"{reason}; OCR is turned off, turn it on to read it", "needs_ocr")
    if not ocr_tools.ocr_available():
        hint = "install tesseract-ocr (apt-get install tesseract-ocr) to OCR it"
        return ParseFailure(f"{reason}; {hint}", status="needs_ocr")
    failures = [note for note in pages.notes if note.startswith("OCR failed")]
    detail = f" ({failures[0]})" if failures else ""
    return ParseFailure(f"{reason}, and OCR found no readable text either{detail}")


# --- printed page labels ---------------------------------------------------------------------

_EDGE_LINES = 3  # folios sit in the first or last few lines of a page's text
_LONGEST_FOLIO_LINE = 80
_LONGEST_GLUED_LINE = 40  # "The Constitution35 2020 Ed.": a folio glued to a running title
_TRUST_DECLARED = 0.8  # share of detected folios /PageLabels must match to be believed
_FRACTION = re.compile(r"(?<![\w/.\[-])(\d{1,4}) ?/ ?(\d{1,4})(?![\w/\]])")
_GLUED = re.compile(r"(?<=[A-Za-z])(\d{1,4})(?=\s|$)")
_TOKEN_SPLIT = re.compile(r"[\s|\u2502\uf07c]+")
_ROMAN_TOKEN = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_MAX_ROMAN = 100


@dataclass(frozen=True)
class _Folio:
    """A page number candidate seen near the top or bottom of a page."""

    kind: str  # "arabic", "roman" or "fraction" ("3/26")
    value: int
    total: int | None = None

    def key(self, page_number: int) -> tuple[str, int, int | None]:
        """Candidates that agree on kind, offset from the physical page and total are one run."""
        return self.kind, self.value - page_number, self.total


def _format_folio(kind: str, value: int, total: int | None) -> str:
    if kind == "fraction":
        return f"{value}/{total}"
    if kind == "roman":
        return _to_roman(value)
    return str(value)


def folio_labels(texts: Sequence[str], declared: Sequence[str] | None = None) -> list[str | None]:
    """The printed page number of each page (index 0 is physical page 1), or None.

    A number near the top or bottom of many pages that differs from the physical page number by
    the same amount is a folio; pages in between that lack it (a full-page figure) are filled in
    with that offset, pages outside the run (covers, back matter) stay None. ``declared``
    (/PageLabels) wins only if it matches most of the folios found this way.
    """
    labels, _ = _labels(texts, declared)
    return labels


def _labels(
    texts: Sequence[str],
    declared: Sequence[str] | None,
    edges: Sequence[Sequence[str]] = (),
) -> tuple[list[str | None], str | None]:
    """``edges``, where known, are each page's lines nearest its top and bottom edge by
    position; a page without them (an OCRed page) is read by its first and last lines."""
    candidates = [
        _folio_candidates(text, edges[i] if i < len(edges) else ()) for i, text in enumerate(texts)
    ]
    detected = _fit_folios(candidates)
    found = {i: label for i, (label, seen) in enumerate(detected) if seen and label is not None}
    labels = [label for label, _ in detected]
    if declared and len(declared) == len(texts) and found:
        agree = sum(1 for i, label in found.items() if declared[i] == label)
        if agree >= _TRUST_DECLARED * len(found):
            return list(declared), f"page labels from /PageLabels ({agree}/{len(found)} agree)"
    if found:
        return labels, f"page labels from printed folios ({len(found)} pages)"
    return labels, None


def _folio_candidates(text: str, edges: Sequence[str] = ()) -> set[_Folio]:
    lines = [line for line in text.split("\n") if line.strip()]
    edge = list(edges) or lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]
    folios: set[_Folio] = set()
    for line in edge:
        folios.update(_line_folios(line))
    return folios


def _line_folios(line: str) -> Iterator[_Folio]:
    if len(line) > _LONGEST_FOLIO_LINE:
        return
    for match in _FRACTION.finditer(line):
        value, total = int(match.group(1)), int(match.group(2))
        if 1 <= value <= total:
            yield _Folio("fraction", value, total)
    tokens = [token for token in _TOKEN_SPLIT.split(line) if token.strip("-–—")]
    for token in {tokens[0], tokens[-1]} if tokens else ():
        folio = _token_folio(token.strip("-–—"))
        if folio is not None:
            yield folio
    if len(line) <= _LONGEST_GLUED_LINE:
        for match in _GLUED.finditer(line):
            yield _Folio("arabic", int(match.group(1)))


def _token_folio(token: str) -> _Folio | None:
    if token.isdigit() and len(token) <= 4 and int(token) > 0:
        return _Folio("arabic", int(token))
    if _ROMAN_TOKEN.match(token):
        value = _from_roman(token)
        if 0 < value <= _MAX_ROMAN:
            return _Folio("roman", value)
    return None


def _fit_folios(candidates: list[set[_Folio]]) -> list[tuple[str | None, bool]]:
    """(label, seen on the page) per page, from the offsets that hold across pages."""
    support: Counter[tuple[str, int, int | None]] = Counter()
    for number, folios in enumerate(candidates, start=1):
        support.update({folio.key(number) for folio in folios})
    accepted = {key for key, count in support.items() if count >= _min_support(key, candidates)}
    chosen: list[tuple[str, int, int | None] | None] = []
    for number, folios in enumerate(candidates, start=1):
        keys = [folio.key(number) for folio in folios if folio.key(number) in accepted]
        chosen.append(
            max(keys, key=lambda k: (support[k], k[0] == "fraction", -abs(k[1]))) if keys else None
        )
    return _fill_runs(chosen)


def _min_support(key: tuple[str, int, int | None], candidates: list[set[_Folio]]) -> int:
    """How many pages must show an offset before it counts: fewer for tiny documents, and for
    "n/N" and roman folios, which are rarely there by chance. An "n/N" whose N exceeds the pages
    of the file is no folio ("69/313" is a resolution), and on a document of one or two pages a
    single sighting counts only where the number is the page's own ("2025" is a year)."""
    pages = len(candidates)
    kind, offset, total = key
    if kind == "fraction" and total is not None and total > pages:
        return pages + 1  # never
    if pages <= 2:
        return 1 if offset == 0 else pages + 1
    if pages <= 4 or key[0] != "arabic":
        return 2
    return 3


def _fill_runs(chosen: list[tuple[str, int, int | None] | None]) -> list[tuple[str | None, bool]]:
    labels: list[tuple[str | None, bool]] = [(None, False)] * len(chosen)
    previous: tuple[int, tuple[str, int, int | None]] | None = None
    for index, key in enumerate(chosen):
        if key is None:
            continue
        kind, offset, total = key
        labels[index] = (_format_folio(kind, index + 1 + offset, total), True)
        if previous is not None and previous[1] == key:
            for gap in range(previous[0] + 1, index):
                labels[gap] = (_format_folio(kind, gap + 1 + offset, total), False)
        previous = (index, key)
    return labels


def _declared_labels(reader: pypdf.PdfReader) -> list[str] | None:
    """/PageLabels as declared, or None when the PDF has none (pypdf then invents 1, 2, 3...)."""
    try:
        if "/PageLabels" not in reader.root_object:
            return None
        return list(reader.page_labels)
    except _BROKEN_PDF:
        return None


_ROMAN_VALUES = (
    (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")
)  # fmt: skip


def _to_roman(value: int) -> str:
    out = []
    for amount, letters in _ROMAN_VALUES:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


def _from_roman(token: str) -> int:
    digits = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for char, following in zip(token, [*token[1:], ""], strict=True):
        value = digits[char]
        total += -value if following and digits[following] > value else value
    return total


# --- headings and tables ---------------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
_NUMBERED_HEADING = re.compile(
    r"^(?:(?P<num>\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}\.)|(?P<roman>[IVXL]{1,6})\.|(?P<letter>[A-Z])\.)"
    r"\s+(?P<title>[A-Z][^\n]*)$"
)
_LONGEST_HEADING = 90
_MOST_HEADING_WORDS = 12
_SHORT_LINE = 50  # a line this short may be a heading even on a page of short lines
_HEADING_WIDTH_SHARE = 0.8
_RUNNING_SHARE = 0.3  # a line on this share of pages (or more) is a running header, not a heading


def find_headings(text: str, running: frozenset[str] = frozenset()) -> list[Heading]:
    """Lines of ``text`` that look like section headings: short numbered lines ("2.", "1.3",
    "II.", "A.") or short all-capital lines, not followed by a lower-case continuation (which
    makes them the first line of a numbered paragraph). ``running`` holds running headers to
    skip (see :func:`_running_lines`)."""
    lines = [(m.start(), m.group(0).strip()) for m in _LINE.finditer(text)]
    full_width = _full_line_width(line for _, line in lines)
    headings: list[Heading] = []
    for index, (offset, line) in enumerate(lines):
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        if _signature(line) in running or not _could_be_heading(line, following, full_width):
            continue
        heading = _numbered_heading(line) or _capital_heading(line)
        if heading is not None:
            title, level = heading
            headings.append(Heading(offset, title, level))
    return headings


def _full_line_width(lines: Iterable[str]) -> int:
    """The length of a full line of running text on this page (its longer lines)."""
    lengths = sorted(len(line) for line in lines)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _could_be_heading(line: str, following: str, full_width: int) -> bool:
    words = line.split()
    if len(line) > _LONGEST_HEADING or len(words) > _MOST_HEADING_WORDS:
        return False
    if len(line) > _HEADING_WIDTH_SHARE * full_width and len(line) > _SHORT_LINE:
        return False  # a full line of text: the start of a paragraph, not a heading
    if following[:1].islower():
        return False
    if "..." in line or "…" in line or re.search(r"\s\d+$", line):  # a table-of-contents entry
        return False
    return not line.endswith((".", ",", ";", ":")) and sum(c.isalpha() for c in line) >= 3


def _numbered_heading(line: str) -> tuple[str, int] | None:
    match = _NUMBERED_HEADING.match(line)
    if match is None:
        return None
    title = match.group("title").strip()
    if sum(c.isdigit() for c in title) > len(title) / 3:
        return None  # a table row that starts with a number
    if match.group("num"):
        return line, match.group("num").rstrip(".").count(".") + 1
    return line, 1 if match.group("roman") else 2


def _capital_heading(line: str) -> tuple[str, int] | None:
    """An all-capital line with at least one real word ("KEY FINDINGS", not "DE CH HR")."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or any(c.islower() for c in letters) or "/" in line:
        return None
    if line[0].isdigit() or line.count("(") != line.count(")"):
        return None
    if sum(c.isdigit() for c in line) > 4 or not re.search(r"[A-Z]{4}", line):
        return None
    return line, 1


def _running_lines(texts: Sequence[str]) -> frozenset[str]:
    """Lines repeated on many pages (running headers and footers), digits ignored."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({_signature(line) for line in text.split("\n") if line.strip()})
    threshold = max(3, _RUNNING_SHARE * len(texts))
    return frozenset(line for line, count in counts.items() if count >= threshold)


def _signature(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


_NUMBER = re.compile(r"^[(\-–+]?[$€£]?\d[\d,.]*%?\)?$|^[-–—]$|^n/?a$", re.IGNORECASE)
_CAPTION = re.compile(r"^(?:Table|Figure|Box|Chart|TABLE|FIGURE|BOX|CHART)\b")
_MIN_TABLE_ROWS = 4
_LONGEST_ROW = 120
_CAPTION_LOOKBACK = 3


def find_tables(text: str) -> list[Block]:
    """Runs of at least four consecutive table-like lines (mostly numbers, or several numeric
    cells), each with the caption line ("Table 3 ...", "Figure 2 ...", "Box 1 ...") just before
    it when there is one; the block then starts at the caption so both stay in one passage."""
    lines = [(m.start(), m.end(), m.group(0)) for m in _LINE.finditer(text)]
    blocks: list[Block] = []
    run: list[int] = []
    for index, (_, _, line) in enumerate([*lines, (0, 0, "")]):
        if index < len(lines) and _is_row(line):
            run.append(index)
            continue
        if len(run) >= _MIN_TABLE_ROWS:
            blocks.append(_table_block(lines, run[0], run[-1]))
        run = []
    return blocks


def _is_row(line: str) -> bool:
    tokens = line.split()
    if not tokens or len(line) > _LONGEST_ROW:
        return False
    numbers = sum(1 for token in tokens if _NUMBER.match(token))
    return (numbers >= 2 and numbers * 3 >= len(tokens)) or numbers == len(tokens)


def _table_block(lines: list[tuple[int, int, str]], first: int, last: int) -> Block:
    start, end = lines[first][0], lines[last][1]
    for index in range(first - 1, max(-1, first - 1 - _CAPTION_LOOKBACK), -1):
        if _CAPTION.match(lines[index][2]):
            return Block(lines[index][0], end, "table", lines[index][2].strip())
    return Block(start, end, "table", None)


# --- title and year --------------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(199\d|20[0-2]\d|2030)(?!\d)")
_BOILERPLATE = re.compile(
    r"^(united nations|general assembly|economic and social council|security council|distr\b|"
    r"original\b|official records|supplement\b|agenda item|item \d|written by|prepared by|"
    r"published by)|\bsession$|\bpapers?\b.*\bno\.? ?\d",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(r"\b(of|on|and|for|the|in|to|with|at|by|from|a|an)$|:$", re.IGNORECASE)
_TITLE_LINES = 40
_MAX_TITLE_PARTS = 3
_YEAR_LINES = 60


def _metadata(reader: pypdf.PdfReader) -> tuple[str | None, int | None]:
    """A meaningful /Title and the /CreationDate year; either may be None."""
    try:
        info = reader.metadata
        if info is None:
            return None, None
        title = _meaningful_title(info.get("/Title"))
        created = info.get("/CreationDate")
    except _BROKEN_PDF:
        return None, None
    return title, _pdf_date_year(created)


def _pdf_date_year(value: object) -> int | None:
    """The year of a PDF date ("D:20250527142052-04'00'"; some writers omit the "D:")."""
    digits = str(value or "").strip().removeprefix("D:")[:4]
    return int(digits) if digits.isdigit() and 1900 < int(digits) < 2100 else None


def _meaningful_title(value: object) -> str | None:
    """Authoring tools often leave "Microsoft Word - draft3.docx" or "untitled" in /Title."""
    title = _normalise(str(value or "")).replace("\n", " ")
    lowered = title.lower()
    if len(title) < 4 or sum(c.isalpha() for c in title) < 3:
        return None
    if lowered.startswith(("microsoft word", "microsoft powerpoint", "untitled", "title")):
        return None
    if re.search(r"\.(docx?|pdf|indd|pptx?|rtf|odt)$", lowered):
        return None
    if len(re.findall(r"[^\W\d_]{3,}", title)) < 2:
        return None  # a label and a number ("Name: 00001073", a scanner's batch): no title
    return title


def _title_from_text(texts: Sequence[str], running: frozenset[str]) -> str | None:
    """The first substantial line of the first page with text (three or more words, mostly
    letters, not a masthead line like "Distr.: General" nor a running header), joined with the
    next lines when it visibly continues ("Committee of Experts on" / "Public Administration").
    A part of a larger work names itself right below the work's title ("Three-Year Plan for IT
    in Public Administration" / "Annex 5 - Dataset basket for open data"): both are kept, so
    the parts of one work are told apart."""
    first = next((text for text in texts if text.strip()), "")
    lines = [line.strip() for line in first.split("\n")[:_TITLE_LINES] if line.strip()]
    for index, line in enumerate(lines):
        if _signature(line) in running or not _substantial(line):
            continue
        parts = [line]
        for following in lines[index + 1 : index + _MAX_TITLE_PARTS]:
            if not (_CONNECTOR.search(parts[-1]) or following[:1].islower()):
                break
            parts.append(following)
        title = " ".join(parts)
        part = next((p for p in lines[index + len(parts) :][:2] if _PART_OF_WORK.match(p)), None)
        return f"{title}, {part}" if part else title
    return None


# "Annex 5 - Dataset basket", "Appendix B: Methods", "Chapter 3. Findings", "Part II"
_PART_OF_WORK = re.compile(
    r"^(annex|appendix|chapter|part|volume|module)\s+([0-9]{1,3}|[IVXLC]{1,6}|[A-Z])\b",
    re.IGNORECASE,
)


def _substantial(line: str) -> bool:
    letters = sum(c.isalpha() for c in line)
    visible = sum(not c.isspace() for c in line)
    return (
        len(line.split()) >= 3
        and letters >= 0.7 * visible
        and line[:1].isupper()
        and not _BOILERPLATE.search(line)
    )


_SYMBOL_LINES = 12


def un_symbol(texts: Sequence[str]) -> str | None:
    """The UN document symbol ("E/2025/44", "A/AC.109/2025/L.2"): the first one at the top of
    the first page, or in the running header of the next two (some covers print none); None for
    documents that carry none. A symbol holds a number (a year, session or document number);
    the part of a document issued in parts belongs to it ("A/80/15 (Part I)")."""
    for index, text in enumerate(texts[:3]):
        lines = [line for line in text.split("\n") if line.strip()]
        for line in lines[: _SYMBOL_LINES if index == 0 else 3]:
            for match in UN_SYMBOL.finditer(line):
                if re.search(r"\d", match.group(1)):
                    part = _SYMBOL_PART.match(line, match.end())
                    return f"{match.group(1)} ({part.group(1)})" if part else match.group(1)
    return None


_SYMBOL_PART = re.compile(r"\s*\((Part [IVX]+)\)")


# The masthead and session lines above a UN document's title ("Distr.: General", "*2506905*",
# "Eightieth session", "Agenda item 4"): never part of it.
_UN_MASTHEAD = re.compile(
    r"^(united nations(\s+[A-Z]{1,10}/.*)?|general assembly|security council|economic and social council|"
    r"(general assembly|economic and social council|security council)\s+.*|distr\.?:.*|"
    r"original:.*|english|french|spanish|arabic|chinese|russian|\*\d+\*|\d{2}-\d{5}.*|"
    r"(\S+ ){0,2}session(\s+\S+ session)?|.*\byear$|(agenda )?items? \d.*|.*\bof the (provisional|preliminary|"
    r"annotated) (agenda|list)\b.*|official records.*|supplement no\..*|convened under.*|"
    r"(new york|geneva|vienna|nairobi|bangkok),.*|\(?\d{1,2}[–-]?\d{0,2} \w+ \d{4}.*|"
    r"\d{1,2} \w+ \d{4}[–-].*|[A-Z]{1,10}(/[A-Za-z0-9.]+)+.*)$",
    re.IGNORECASE,
)
# The line that says what kind of document it is: the title, or the line right after it.
_UN_KIND = re.compile(
    r"^(report|annual report|note|letter dated|identical letters dated|note verbale dated|"
    r"draft|(provisional )?programme of work|provisional agenda|annotated provisional agenda|"
    r"statement|[^:]{3,80}:[*,\s]*(revised )?draft (resolution|decision))\b",
    re.IGNORECASE,
)
# A letter circulated under several agenda items ("Agenda items 32, 60 and 61") is cited by its
# letter line: the items' titles listed above it may themselves start "Report of ...".
_UN_LETTER = re.compile(r"^(letter|identical letters|note verbale) dated\b", re.IGNORECASE)
_AGENDA_ITEMS = re.compile(r"^agenda items\b", re.IGNORECASE)
# "Denmark, France ...: amendment to the draft resolution contained in document S/2025/112": the
# sponsors' names run on from the line above.
_AMENDMENT = re.compile(r":\s*amendments? to (the )?draft\b", re.IGNORECASE)
# The line a resolution's text opens with ("The Security Council,"): not a subject line.
_OPENING = re.compile(r"^The [A-Z][\w ,-]*(Council|Assembly|Committee|Commission|Board),$")
# "Resolution 2769 (2025)": a Security Council resolution's title line.
_SC_RESOLUTION = re.compile(r"^resolution \d{1,5} \((?:19|20)\d\d\)$", re.IGNORECASE)
# "Resolution adopted by the Human Rights Council on 8 July 2025" / "59/25. Human rights and
# climate change": a resolution is titled by its number and subject, after the adoption line.
_ADOPTED = re.compile(r"^resolution adopted by the\b", re.IGNORECASE)
_NUMBERED_RESOLUTION = re.compile(r"^(\d{1,3}/\d{1,4})\.\s+(\S.*)$")
# A draft put forward by a State ("Iraq:*,** draft resolution"), its subject on the next lines.
_SPONSORED_DRAFT = re.compile(r"^[^:]{3,80}:[*,\s]*(revised )?draft (resolution|decision)$", re.I)
# A short kind line read together with the body named above it: "Committee of Experts on Public
# Administration: Report on the twenty-fourth session", "Special Committee ...: Draft report".
_SHORT_KIND = re.compile(
    r"^(report on|annual report|draft report|(draft |provisional )?programme of work)\b",
    re.IGNORECASE,
)
# Who issues a report or note ("Report of the Secretary-General", "Note by the Secretariat"):
# the title is the block above it.
_UN_ISSUER = re.compile(r"^(report|note) (of|by) the [\w -]+\W*$", re.IGNORECASE)
_LINE_CONTINUES = re.compile(r"\b(of|on|and|for|the|in|to|with|at|by|from|a|an|addressed)$", re.I)
_UN_TITLE_LINES = 4  # lines a UN title runs to
_TITLE_LINE_CHARS = 70


def un_title(text: str) -> str | None:
    """The title of a UN document from its first page's title block, None when none is found.

    Below the masthead and the agenda item come the title and the line saying what the document
    is. "Report of the Secretary-General" or "Note by the Secretariat" follow the title they
    belong to (the block of lines above); a letter's or a draft's line is the title itself ("Letter
    dated 17 March 2025 from the Secretary-General addressed to the President of the Security
    Council"); a session report's cover names its body above the report ("Committee of Experts on
    Public Administration: Report on the twenty-fourth session")."""
    lines = [line.strip() for line in text.split("\n") if line.strip()][:45]
    special = _resolution_title(lines) or _letter_title(lines)
    if special:
        return special
    for index, line in enumerate(lines):
        if _AMENDMENT.search(line) and not _UN_MASTHEAD.match(line):
            above = _block_above(lines, index)
            return _readable(f"{above} {_joined(lines, index)}".strip())
        if _UN_MASTHEAD.match(line) or not _UN_KIND.match(line):
            continue
        if _UN_ISSUER.match(line):
            # "Report of the Secretary-General": the title is the block above; "Report of the
            # Secretary-General on the work of the Organization" is one of its own
            on = _joined(lines, index)
            if on != line:
                return _readable(on)
            return _readable(_block_above(lines, index) or line)
        kind = _joined(lines, index)
        draft = re.match(r"^(draft (resolution|decision)) submitted by\b", kind, re.IGNORECASE)
        if draft:
            # a draft's title follows the line saying who submits it
            titled = next(
                (i for i in range(index + 1, len(lines)) if _UN_KIND.match(lines[i])), None
            )
            subject = _joined(lines, titled) if titled is not None else ""
            return _readable(f"{draft.group(1)}: {subject}" if subject else draft.group(1))
        if _SPONSORED_DRAFT.match(line):
            has_subject = index + 1 < len(lines) and not _OPENING.match(lines[index + 1])
            subject = _joined(lines, index + 1) if has_subject else ""
            kind = re.sub(r":[*,\s]*", ": ", kind)  # footnote marks after the sponsor
            return _readable(f"{kind}, {subject}" if subject else kind)
        if _SHORT_KIND.match(kind) and len(kind.split()) <= 8:
            above = _block_above(lines, index)
            if not above and index and _UN_MASTHEAD.match(lines[index - 1]):
                above = _block_above(lines, index - 1)  # over "New York, 18-26 February 2025"
            return _readable(f"{above}: {kind}" if above else kind)
        return _readable(kind)
    return None


def _letter_title(lines: list[str]) -> str | None:
    if not any(_AGENDA_ITEMS.match(line) for line in lines):
        return None
    for index, line in enumerate(lines):
        if _UN_LETTER.match(line):
            return _readable(_joined(lines, index))
    return None


def _resolution_title(lines: list[str]) -> str | None:
    """ "Resolution 2769 (2025)", or "Human rights and climate change" for resolution 59/25."""
    for index, line in enumerate(lines):
        if _SC_RESOLUTION.match(line):
            return line
        if _ADOPTED.match(line):
            for at in range(index + 1, min(index + 4, len(lines))):
                numbered = _NUMBERED_RESOLUTION.match(lines[at])
                if numbered:
                    subject = _joined([numbered.group(2), *lines[at + 1 :]], 0)
                    return _readable(f"Resolution {numbered.group(1)}: {subject}")
    return None


def _joined(lines: list[str], index: int) -> str:
    """Line ``index`` with the lines that continue it: it ends with a linking word, the next
    starts in lower case, or a name runs on ("from the Permanent" / "Representative of ...",
    "Report of the International" / "Law Commission")."""
    parts = [lines[index]]
    for following in lines[index + 1 : index + _UN_TITLE_LINES + 1]:
        name_runs_on = (
            re.search(r"\b[A-Z][\w’'-]*$", parts[-1]) is not None
            and following[:1].isupper()
            and len(following.split()) >= 2
            and len(following) < _TITLE_LINE_CHARS  # a paragraph's lines run the full width
            and not _UN_MASTHEAD.match(following)
            and not _UN_KIND.match(following)
            and not _OPENING.match(following)  # "The Economic and Social Council,"
            and not re.match(r"^([IVXL]+|\d+|[A-Z])\.\s", following)  # "I. Introduction"
        )
        if not (_LINE_CONTINUES.search(parts[-1]) or following[:1].islower() or name_runs_on):
            break
        parts.append(following)
    return " ".join(parts)


def _block_above(lines: list[str], index: int) -> str:
    """The title block right above line ``index``: lines that run into one another, up to a
    masthead line or a line that ends a block of its own."""
    parts: list[str] = []
    start = max(0, index - _UN_TITLE_LINES)
    for at in range(index - 1, start - 1, -1):
        line = lines[at]
        completes = at > 0 and _LINE_CONTINUES.search(lines[at - 1]) is not None
        if _UN_MASTHEAD.match(line) and not (completes and not parts):
            break
        # Only a linking word joins lines upwards: a name running on ("... on Public" /
        # "Administration Reform") cannot be told from an agenda item's title above a title.
        if parts and not (
            _LINE_CONTINUES.search(line) or parts[0][:1].islower() or parts[0][:1] == "("
        ):
            break
        parts.insert(0, line)
    return " ".join(parts)


# "19 June 20251": a footnote mark set right after a date's year.
_MARKED_YEAR = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December) "
    r"((?:19|20)\d\d)\d{1,2}\b"
)


def _readable(title: str) -> str:
    """A title in capitals ("ANNUAL REPORT") as a title is written; footnote marks removed."""
    title = re.sub(r"\*+$", "", re.sub(r"\s+", " ", title)).strip()
    title = _MARKED_YEAR.sub(r"\1 \2", title)
    if sum(c.isupper() for c in title) > 0.7 * sum(c.isalpha() for c in title):
        small = {"and", "of", "the", "for", "on", "in", "to", "a", "an"}
        words = title.lower().split()
        title = " ".join(
            w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words)
        )
    return title


# The General Assembly's first session opened in 1946: session n opens in September of 1945 + n.
_FIRST_GA_YEAR = 1945


def _symbol_year(symbol: str | None) -> int | None:
    """The year a symbol names ("E/2025/44" -> 2025), or the year the General Assembly session it
    names opened ("A/80/55" -> 2025): for a document without a date of issue (an Official
    Records cover), that is the year it belongs to."""
    match = re.search(r"/((?:19|20)\d\d)(?=/|$)", symbol or "")
    if match:
        return int(match.group(1))
    session = re.match(r"^A/(\d{1,3})/", symbol or "")
    return _FIRST_GA_YEAR + int(session.group(1)) if session else None


# "Distr.: General 1 May 2025": the date a UN document was issued, near its top.
_DATED = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) ((?:19|20)\d\d)\b"
)


# "Distr.: General" (or "Distr.: Limited", "Distr.\nGENERAL") and, on it or just below, the date.
_DISTR = re.compile(r"(?:^|\s)distr\.", re.IGNORECASE)  # "General Assembly Distr." on one line
_DISTR_REACH = 5  # lines from "Distr." to its date: a symbol or "Original: English" may come first
# The months as UN documents print them in the official languages written in Latin script:
# English "7 April 2025", French "16 avril 1980" ("1er mai"), Spanish "12 de mayo de 2025".
_MONTH_NAMES = (
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"),
    ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
     "octobre", "novembre", "décembre"),
    ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
     "octubre", "noviembre", "diciembre"),
)  # fmt: skip
_MONTHS = {name: number for names in _MONTH_NAMES for number, name in enumerate(names, start=1)}
# OCR reads a "1" as "l" or "I" at the start of a day ("l6 avril 1980").
_FULL_DATE = re.compile(r"\b([lI]\d|\d{1,2})(?:er)? (?:de )?([^\W\d_]+) (?:de )?((?:19|20)\d\d)\b")


def un_issued(first_page: str) -> str | None:
    """The date a UN document was issued, from its masthead's "Distr." line ("Distr.: General
    7 April 2025" -> "2025-04-07"); None when the page has no such line or no date by it."""
    # anywhere on the page: some files list the masthead after the text (A/HRC/RES/59/25)
    lines = [line.strip() for line in first_page.split("\n") if line.strip()]
    for index, line in enumerate(lines):
        if not _DISTR.search(line):
            continue
        for near in lines[index : index + _DISTR_REACH]:
            for typed_day, month, year in _FULL_DATE.findall(near):
                day = int(re.sub(r"^[lI]", "1", typed_day))
                if month.lower() in _MONTHS and 1 <= day <= 31:
                    return f"{year}-{_MONTHS[month.lower()]:02d}-{day:02d}"
        return None
    return None


# The lines that follow a subsidiary body's name in a UN masthead: its session ("Twenty-third
# session", "2025 resumed session"), or where and when it meets ("New York, 15–19 April 2024").
_MEETING = re.compile(
    r"^((\S+ ){0,2}session\b.*|(new york|geneva|vienna|nairobi|bangkok|santiago|addis ababa|beirut),.*|"
    r"convened under.*)$",
    re.IGNORECASE,
)
# A line of a body's name: words, perhaps a span of years ("technologies 2021–2025"); not a job
# number ("GE.25-05795 (E)") nor a barcode.
_BODY_LINE = re.compile(r"^[^\W\d_][^\d*()]*?( (19|20)\d\d[–-](19|20)\d\d)?$")
_BODY_LINES = 4  # lines a body's name runs to
# The nouns UN bodies are named by: a name without one is a title's tail, not a body.
_BODY_NOUN = re.compile(
    r"\b(committee|commission|council|forum|board|group|conference|assembly|panel|meeting|"
    r"mechanism|tribunal|court)\b",
    re.IGNORECASE,
)
# "Economic and Social Council forum on financing for development": a body named after its organ.
_NAMED_AFTER_ORGAN = re.compile(
    r"^(?i:general assembly|economic and social council|security council)\s+[a-z]"
)


def un_body(first_page: str) -> str | None:
    """The subsidiary body a UN document is issued to, from its masthead: the name above the
    body's session or meeting line ("Committee of Experts on Public Administration" above
    "Twenty-third session", "Special Committee on Peacekeeping Operations" above "New York, …").
    A name runs up over lines that continue it (one starting in lower case, or below a line
    ending "of", "and", …). None when the document is issued to a principal organ only (the
    General Assembly, the Economic and Social Council, the Security Council: masthead lines), or
    the name is a report's title ("Report of the International Law Commission": the report's
    own cover, titled by its body already). A paper a body's member wrote for it, or a note the
    Secretariat put before it, is among the body's documents: "what did CEPA say" asks for it."""
    lines = [line.strip() for line in first_page.split("\n") if line.strip()][: _SYMBOL_LINES + 8]
    for index, line in enumerate(lines):
        if not _MEETING.match(line):
            continue
        name: list[str] = []
        top = index
        for above in range(index - 1, max(-1, index - 1 - _BODY_LINES), -1):
            text = lines[above]
            masthead = _UN_MASTHEAD.match(text) and not _NAMED_AFTER_ORGAN.match(text)
            if masthead or not _BODY_LINE.match(text):
                break
            name.insert(0, text)
            top = above
            continues = above > 0 and _LINE_CONTINUES.search(lines[above - 1])
            if text[:1].isupper() and not continues:
                break
        joined = " ".join(" ".join(name).split())
        # "Report of the International | Law Commission", "Report of the Committee … on | its
        # twenty-fourth session": a report's title, not a masthead
        titled = top > 0 and lines[top - 1].lower().startswith("report")
        titled = (
            titled or joined.lower().startswith("report") or bool(_LINE_CONTINUES.search(joined))
        )
        if joined and _BODY_NOUN.search(joined) and not titled:
            return joined
    return None


def _year_from_text(title: str | None, texts: Sequence[str]) -> int | None:
    """A year in the title, else the date the first page was issued on ("1 May 2025"), else the
    first year near the top of the first page with text ("2030 Agenda" names no date, so a dated
    line comes first)."""
    first = next((text for text in texts if text.strip()), "")
    top = "\n".join(first.split("\n")[:_YEAR_LINES])
    dated = _DATED.search(top)
    if dated and not (title and _YEAR.search(title)):
        return int(dated.group(1))
    for place in (title or "", top):
        match = _YEAR.search(place)
        if match:
            return int(match.group(1))
    return None
