"""The PDF parser and the OCR fallback: tiny PDFs written by hand here, then the real shared corpus.

The hand-made PDFs (see :func:`build_pdf`) let each behaviour be checked in milliseconds: printed
folios and their offsets, /PageLabels that lie, broken and encrypted files, garbage text layers,
scanned pages. Tests marked ``slow`` read the shared corpus (``RAG_SHARED_CORPUS``).
"""

from __future__ import annotations

import functools
import io
import json
import logging
import os
import random
import subprocess
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

from ingest import ocr
from ingest.parsers.base import ParsedDocument, ParseFailure
from ingest.parsers.pdf import (
    find_headings,
    find_tables,
    folio_labels,
    parse_pdf,
    un_body,
    un_issued,
    un_symbol,
    un_title,
)

OCR_TOOLS = ocr.ocr_available()
needs_ocr_tools = pytest.mark.skipif(not OCR_TOOLS, reason="tesseract/pdftoppm not installed")

PROSE = (
    "The committee reviewed the progress made by governments in building effective, accountable "
    "and inclusive institutions at all levels, and it recommended that public administrations "
    "strengthen their capacity to plan for the long term and to serve people who are often left "
    "behind."
)
GARBLED = (
    "Progress report of tbe SecEetaly-General upon assurning my responsibilities at the "
    "beginning of the year I undertook consultations with a vler to contributing to the "
    "inprovenent of the humanitarian situation and to promoting efforts towards a setclenent "
    "of the problern. Following prelinj.nary contacts vrith the Pernanent Representatives of the "
    "tvto countries I held separate neetings wtth the Foreign Minister in ny consulEations and "
    "a tean of secretaxiat officials was formed under his dixection to folfow relevant "
    "developnents and expLore possible approaches towalds a settlement subseguently."
)


# --- a tiny PDF writer -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImagePage:
    """A page that is only a greyscale picture, as a scanner makes them (no text layer)."""

    width: int
    height: int
    pixels: bytes
    dpi: int = 72


@dataclass(frozen=True)
class PlacedPage:
    """A page whose lines are drawn in the given order at the given heights (points from the
    bottom edge), as layout tools write them: the order in the file need not be the order on
    the page."""

    lines: Sequence[tuple[int, str]]


Page = Sequence[str] | ImagePage | PlacedPage


def build_pdf(
    pages: Sequence[Page], *, info: dict[str, str] | None = None, page_labels: str | None = None
) -> bytes:
    """A valid PDF whose pages show the given lines top to bottom (Helvetica, one line per Td),
    or a picture. ``page_labels`` is the body of /PageLabels' /Nums array, e.g. "0 << /S /D >>"."""
    objects: dict[int, bytes] = {}
    kids: list[int] = []
    next_id = 4  # 1 catalog, 2 page tree, 3 font
    for page in pages:
        page_id, content_id, next_id = next_id, next_id + 1, next_id + 2
        if isinstance(page, ImagePage):
            objects[next_id] = _image_object(page)
            resources, box, stream = _image_page(page, next_id)
            next_id += 1
        elif isinstance(page, PlacedPage):
            resources, box, stream = _placed_page(page)
        else:
            resources, box, stream = _text_page(page)
        objects[content_id] = _stream(b"", stream)
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox {box} /Resources {resources}"
            f" /Contents {content_id} 0 R >>"
        ).encode()
        kids.append(page_id)
    labels = f" /PageLabels << /Nums [{page_labels}] >>" if page_labels else ""
    objects[1] = f"<< /Type /Catalog /Pages 2 0 R{labels} >>".encode()
    refs = " ".join(f"{kid} 0 R" for kid in kids)
    objects[2] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    objects[3] = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    trailer_extra = ""
    if info:
        entries = " ".join(f"/{key} ({_escape(value)})" for key, value in info.items())
        objects[next_id] = f"<< {entries} >>".encode("latin-1")
        trailer_extra = f" /Info {next_id} 0 R"
    return _serialise(objects, trailer_extra)


def _text_page(lines: Sequence[str]) -> tuple[str, str, bytes]:
    ops = ["BT", "/F1 11 Tf", "50 800 Td"]
    for index, line in enumerate(lines):
        if index:
            ops.append("0 -14 Td")
        ops.append(f"({_escape(line)}) Tj")
    ops.append("ET")
    return "<< /Font << /F1 3 0 R >> >>", "[0 0 595 842]", "\n".join(ops).encode("latin-1")


def _placed_page(page: PlacedPage) -> tuple[str, str, bytes]:
    ops = [f"BT /F1 11 Tf 50 {height} Td ({_escape(line)}) Tj ET" for height, line in page.lines]
    return "<< /Font << /F1 3 0 R >> >>", "[0 0 595 842]", "\n".join(ops).encode("latin-1")


def _image_page(page: ImagePage, image_id: int) -> tuple[str, str, bytes]:
    width, height = page.width * 72 / page.dpi, page.height * 72 / page.dpi
    stream = f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Im1 Do Q".encode()
    return f"<< /XObject << /Im1 {image_id} 0 R >> >>", f"[0 0 {width:.2f} {height:.2f}]", stream


def _image_object(page: ImagePage) -> bytes:
    header = (
        f"/Type /XObject /Subtype /Image /Width {page.width} /Height {page.height}"
        " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
    )
    return _stream(header.encode(), zlib.compress(page.pixels))


def _stream(header: bytes, data: bytes) -> bytes:
    return b"<< " + header + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _serialise(objects: dict[int, bytes], trailer_extra: str) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in range(1, size))
    trailer = f"trailer\n<< /Size {size} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n"
    return bytes(out + trailer.encode())


@pytest.fixture
def write_pdf(tmp_path: Path) -> Callable[..., Path]:
    """Write :func:`build_pdf`'s output (or raw bytes) to a file and return its path."""

    def write(pages: Sequence[Page] | bytes, name: str = "doc.pdf", **options: object) -> Path:
        path = tmp_path / name
        data = pages if isinstance(pages, bytes) else build_pdf(pages, **options)  # type: ignore[arg-type]
        path.write_bytes(data)
        return path

    return write


def un_page(number: int, total: int, body: Sequence[str] = (PROSE,)) -> list[str]:
    """A UN-style page: job number and "n/N" folio in the header, alternating sides."""
    folio = f"25-06882 {number}/{total}" if number % 2 else f"{number}/{total} 25-06882"
    return ["E/2025/44", folio, *body]


# --- text, page numbers and labels -------------------------------------------------------------


def test_pages_keep_physical_numbers_and_printed_n_of_n_labels(write_pdf: Callable[..., Path]):
    cover = ["United Nations", "Committee of Experts on Public Administration", PROSE]
    figure_only = ["Figure 3", "Trust in institutions"]  # a page whose folio is missing
    body = [un_page(n, 6) for n in range(1, 7)]
    body[2] = figure_only
    doc = parse_pdf(write_pdf([cover, ["Note", PROSE], *body]))

    assert [page.number for page in doc.pages] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [page.label for page in doc.pages] == [
        None, None, "1/6", "2/6", "3/6", "4/6", "5/6", "6/6",
    ]  # fmt: skip
    assert PROSE in doc.pages[2].text
    assert not any(page.ocr for page in doc.pages)


def test_folio_glued_to_running_title_wins_over_wrong_page_labels(
    write_pdf: Callable[..., Path],
):
    # The Singapore Constitution: /PageLabels count from the cover, the printed folio is one lower
    # and sits glued to the running title ("The Constitution35 2020 Ed.").
    pages = [["CONSTITUTION OF THE REPUBLIC OF SINGAPORE", "2020 REVISED EDITION"]]
    for folio in range(1, 8):
        footer = (
            f"The Constitution{folio} 2020 Ed."
            if folio % 2
            else f"The Constitution2020 Ed. {folio}"
        )
        pages.append([PROSE, footer, "Informal Consolidation - version in force from 24/4/2023"])
    doc = parse_pdf(write_pdf(pages, page_labels="0 << /S /D >>"))

    assert [page.label for page in doc.pages] == [None, "1", "2", "3", "4", "5", "6", "7"]
    assert any("printed folios" in note for note in doc.notes)


def test_page_labels_are_used_where_they_agree_with_printed_folios(
    write_pdf: Callable[..., Path],
):
    pages = [["Cover", PROSE], ["Foreword", PROSE, "ii"], ["Contents", PROSE, "iii"]]
    pages += [[PROSE, str(n)] for n in range(1, 6)]
    pages[4] = [PROSE]  # no folio printed on this page: the declared label still applies
    doc = parse_pdf(write_pdf(pages, page_labels="0 << /S /r >> 3 << /S /D >>"))

    assert [page.label for page in doc.pages] == ["i", "ii", "iii", "1", "2", "3", "4", "5"]
    assert any("/PageLabels" in note for note in doc.notes)


def test_folios_are_read_where_they_sit_on_the_page_not_where_the_file_lists_them(
    write_pdf: Callable[..., Path],
):
    # A layout tool writes the footer halfway through the page's text and the footnotes last:
    # by line order the folio is neither among the first nor the last lines, and the footnote
    # numbers are. By position, the folio is the line nearest the bottom edge.
    def page(folio: int) -> PlacedPage:
        body = [
            (790 - 14 * i, f"Paragraph line {i} of the report on public administration.")
            for i in range(6)
        ]
        notes = [(80, f"{folio % 3 + 1} See E/2025/44."), (66, "2 Ibid."), (52, "3 A/80/1.")]
        return PlacedPage([*body[:3], (30, str(folio)), *body[3:], *notes])

    doc = parse_pdf(write_pdf([page(n) for n in range(11, 17)]))

    assert [p.label for p in doc.pages] == ["11", "12", "13", "14", "15", "16"]
    assert doc.pages[0].text.index("11") < doc.pages[0].text.index("See E/2025/44")


def test_a_footnote_number_is_not_taken_for_a_short_documents_folio(
    write_pdf: Callable[..., Path],
):
    # A one-page decision with footnotes "1", "2", "3" under its text and no folio: its last
    # lines by file order are footnotes, but the lines nearest the bottom are the job number.
    page = PlacedPage(
        [(800, "United Nations E/2025/L.11"), (780, "Economic and Social Council")]
        + [(700 - 14 * i, PROSE) for i in range(5)]
        + [(40, "25-08571 (E) 050625"), (28, "*2508571*")]
        + [(120, "1 A/80/74-E/2025/53."), (106, "2 E/2025/61."), (92, "3 E/2025/57.")]
    )
    doc = parse_pdf(write_pdf([page]))

    assert [p.label for p in doc.pages] == [None]


def test_folio_labels_ignore_numbers_without_a_consistent_offset():
    texts = [f"{n * 7 % 11} items\n{PROSE}\nTable {n * 3}" for n in range(1, 10)]
    assert folio_labels(texts) == [None] * 9


def test_folio_labels_fill_only_inside_a_run():
    texts = ["Cover", "1\nText", "Text", "Text", "4\nText", "Back cover"]
    # an offset seen on two pages only is not trusted for plain numbers in a longer document
    assert folio_labels(texts) == [None] * 6
    texts = ["Cover", "1\nText", "Text", "3\nText", "4\nText", "Back cover"]
    assert folio_labels(texts) == [None, "1", "2", "3", "4", None]


def test_a_short_document_needs_its_own_page_number_not_a_stray_one():
    # one sighting on a one- or two-page document: a year or a resolution number is no folio
    assert folio_labels([f"Resolution adopted in 2025\n{PROSE}"]) == [None]
    assert folio_labels([f"{PROSE}\n69/313", f"{PROSE}\n2"]) == [None, "2"]
    assert folio_labels([f"{PROSE}\n1/2", f"{PROSE}\n2/2"]) == ["1/2", "2/2"]


def test_an_n_of_n_label_cannot_count_more_pages_than_the_file():
    texts = [f"{PROSE}\n{n}/313" for n in range(1, 5)]
    assert folio_labels(texts) == [None] * 4


def test_text_is_lightly_normalised(write_pdf: Callable[..., Path]):
    doc = parse_pdf(write_pdf([["Heading   with    spaces", "nul\x00char here", PROSE]]))
    text = doc.pages[0].text
    assert text.split("\n")[:2] == ["Heading with spaces", "nulchar here"]
    assert "\x00" not in text


def test_title_skips_authoring_tool_names_and_year_comes_from_the_text(
    write_pdf: Callable[..., Path],
):
    info = {"Title": "Microsoft Word - draft3.docx", "CreationDate": "D:20240115120000"}
    lines = ["Distr.: General", "Report on the State of Digital Government", "Paris, 2023", PROSE]
    doc = parse_pdf(write_pdf([lines], info=info))
    assert doc.title == "Report on the State of Digital Government"
    assert doc.year == 2023

    info = {"Title": "OECD Digital Government Index", "CreationDate": "D:20191130120000"}
    doc = parse_pdf(write_pdf([[PROSE]], name="other.pdf", info=info))
    assert (doc.title, doc.year) == ("OECD Digital Government Index", 2019)


def test_pypdf_logging_level_is_restored(write_pdf: Callable[..., Path]):
    logger = logging.getLogger("pypdf")
    before = logger.level
    parse_pdf(write_pdf([[PROSE]]))
    assert logger.level == before


# --- headings and tables -----------------------------------------------------------------------


def test_headings_and_table_blocks_with_captions(write_pdf: Callable[..., Path]):
    lines = [
        "1. Introduction",
        "12. The Committee welcomed the report of the Secretary-General on the progress made",
        "in the implementation of the principles of effective governance.",
        "KEY FINDINGS",
        "Table 2. Scores by country",
        "Country 2022 2024 Change",
        "Denmark 0.97 0.98 +0.01",
        "Estonia 0.95 0.96 +0.01",
        "Korea 0.96 0.97 +0.01",
        "Chile 0.80 0.83 +0.03",
        "The scores rose everywhere.",
    ]
    page = parse_pdf(write_pdf([lines])).pages[0]

    assert [(h.title, h.level) for h in page.headings] == [
        ("1. Introduction", 1),
        ("KEY FINDINGS", 1),
    ]
    assert page.text[page.headings[0].offset :].startswith("1. Introduction")
    [table] = page.blocks
    assert table.kind == "table" and table.caption == "Table 2. Scores by country"
    assert page.text[table.start : table.end].startswith("Table 2. Scores by country")
    assert page.text[table.start : table.end].endswith("Chile 0.80 0.83 +0.03")


def test_find_headings_levels_and_table_of_contents():
    text = "2.3. Data governance\nII. Findings\nA. Scope\n1. About the Method Paper ....... 7"
    found = [(h.title, h.level) for h in find_headings(text)]
    assert found == [("2.3. Data governance", 2), ("II. Findings", 1), ("A. Scope", 2)]


def test_find_tables_needs_several_numeric_rows():
    assert find_tables("Table 1\n2019 0.5\n2020 0.6\nprose follows here") == []
    [block] = find_tables("prose\n2019 0.5 12\n2020 0.6 13\n2021 0.7 14\n2022 0.8 15\nend")
    assert block.caption is None


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file (0 bytes)"),
        (b"<!DOCTYPE html><html><body>Access denied</body></html>", "not a PDF (looks like HTML)"),
        (random.Random(7).randbytes(4096).replace(b"%PDF-", b""), "not a PDF (no %PDF header)"),
        (b"%PDF-1.7\n" + random.Random(8).randbytes(4096), "broken or truncated PDF"),
    ],
    ids=["zero-bytes", "html", "random-bytes", "random-after-header"],
)
def test_bad_input_fails_with_a_reason(write_pdf: Callable[..., Path], data: bytes, reason: str):
    with pytest.raises(ParseFailure) as failure:
        parse_pdf(write_pdf(data))
    assert failure.value.reason.startswith(reason)
    assert failure.value.status == "failed"


def test_truncated_pdf_fails_with_a_reason(write_pdf: Callable[..., Path]):
    whole = build_pdf([[PROSE], [PROSE]])
    with pytest.raises(ParseFailure, match="broken or truncated PDF"):
        parse_pdf(write_pdf(whole[: len(whole) // 2]))


def test_missing_file_and_folder_fail_with_a_reason(tmp_path: Path):
    with pytest.raises(ParseFailure, match="no such file"):
        parse_pdf(tmp_path / "absent.pdf")
    with pytest.raises(ParseFailure, match="folder"):
        parse_pdf(tmp_path)


def test_unreadable_file_fails_naming_the_problem(write_pdf: Callable[..., Path]):
    path = write_pdf([[PROSE]])
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        with pytest.raises(ParseFailure, match="permission denied"):
            parse_pdf(path)
    finally:
        path.chmod(0o644)


def test_permission_error_is_reported_even_when_root(
    write_pdf: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
):
    # root reads a chmod 000 file anyway, so the refusal is simulated where the file is opened
    path = write_pdf([[PROSE]])

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ParseFailure) as failure:
        parse_pdf(path)
    assert failure.value.reason == "cannot read doc.pdf: permission denied"


def _encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(build_pdf([[PROSE]])))
    writer.encrypt(user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_with_a_password_fails(write_pdf: Callable[..., Path]):
    with pytest.raises(ParseFailure) as failure:
        parse_pdf(write_pdf(_encrypted("secret")))
    assert failure.value.reason == "encrypted: needs a password"


def test_encrypted_pdf_with_an_empty_password_is_read(write_pdf: Callable[..., Path]):
    doc = parse_pdf(write_pdf(_encrypted("")))
    assert PROSE in doc.pages[0].text


# --- garbage and missing text layers -----------------------------------------------------------


def test_text_quality_separates_clean_from_garbled_text():
    assert not ocr.is_garbage(PROSE)
    assert ocr.is_garbage(GARBLED)
    assert ocr.text_quality(PROSE) > ocr.text_quality(GARBLED)


@pytest.mark.parametrize(
    "text",
    [
        "A/80/1",  # too few words to judge
        "The organisation's programme centre analysed the labour market and its behaviour, "
        "and the colour of the catalogue did not matter to the defence of the licence holders "
        "nor to the travellers who favoured the neighbourhood",  # British spelling
        "Le comité a examiné les progrès accomplis par les gouvernements dans la mise en place "
        "d'institutions efficaces, responsables et inclusives à tous les niveaux, et il a "
        "recommandé que les administrations publiques renforcent leur capacité de planifier",
        "Комитет рассмотрел ход работы правительств по созданию эффективных и подотчетных "
        "институтов на всех уровнях и рекомендовал государственным органам укрепить потенциал",
        # plurals and verb forms the Spanish word list lacks ("recomendaciones", "fueron")
        "Las recomendaciones adoptadas en las sesiones fueron respaldadas por varios Estados, que "
        "reflejan algunos aspectos de las discusiones sobre las amenazas existentes y potenciales "
        "en el ciberespacio y las obligaciones internacionales que se aplican a las operaciones",
    ],
    ids=["short", "british", "french", "cyrillic", "spanish"],
)
def test_text_quality_does_not_flag_good_text(text: str):
    assert not ocr.is_garbage(text)


@pytest.mark.parametrize("text", ["", "   \n ", "\uf0b7\uf0a7\ue000 \uf0b7\uf0b7 \ue001\ue002 ab"])
def test_text_quality_flags_empty_and_symbol_soup(text: str):
    assert ocr.is_garbage(text)


def test_garbled_page_is_left_out_and_listed(
    write_pdf: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    doc = parse_pdf(write_pdf([[GARBLED], [PROSE]]))
    assert doc.pages[0].text == ""
    assert doc.unreadable_pages == [1]
    assert PROSE in doc.pages[1].text
    assert "Secretaly" not in doc.text


def test_all_garbled_pages_mean_needs_ocr(write_pdf: Callable[..., Path]):
    with pytest.raises(ParseFailure) as failure:
        parse_pdf(write_pdf([[GARBLED], [GARBLED]]), ocr=False)
    assert failure.value.status == "needs_ocr"
    assert "on any of 2 pages" in failure.value.reason


def _blank_scan() -> ImagePage:
    return ImagePage(width=200, height=280, pixels=bytes([255]) * (200 * 280))


def test_scanned_pages_without_ocr_tools_need_ocr(
    write_pdf: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(ParseFailure) as failure:
        parse_pdf(write_pdf([_blank_scan(), _blank_scan()]))
    assert failure.value.status == "needs_ocr"
    assert failure.value.reason == (
        "no usable text layer on any of 2 pages; "
        "install tesseract-ocr (apt-get install tesseract-ocr) to OCR it"
    )


def test_blank_pages_are_neither_ocred_nor_unreadable(
    write_pdf: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
):
    def fail(*args: object, **kwargs: object) -> str:
        raise AssertionError("a blank page was sent to OCR")

    monkeypatch.setattr(ocr, "ocr_pdf_page", fail)
    doc = parse_pdf(write_pdf([[PROSE], [], [PROSE]]))
    assert doc.pages[1].text == "" and doc.unreadable_pages == []


def _scan_of(lines: Sequence[str], tmp_path: Path, dpi: int = 150) -> ImagePage:
    """Render a text page with pdftoppm and keep only the picture: a synthetic scan."""
    source = tmp_path / "source.pdf"
    source.write_bytes(build_pdf([lines]))
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", str(source), str(tmp_path / "scan")],
        check=True,
        timeout=60,
    )
    data = next(tmp_path.glob("scan*.pgm")).read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert (magic, depth) == (b"P5", b"255")
    return ImagePage(int(width), int(height), pixels, dpi=dpi)


@needs_ocr_tools
def test_scanned_page_is_ocred(write_pdf: Callable[..., Path], tmp_path: Path):
    scan = _scan_of(["Public administration report", PROSE[:90], PROSE[90:180]], tmp_path)
    doc = parse_pdf(write_pdf([scan, [PROSE]], name="scanned.pdf"))

    assert doc.pages[0].ocr and not doc.pages[1].ocr
    assert "administration" in doc.pages[0].text.lower()
    assert doc.unreadable_pages == []
    assert any("OCRed" in note for note in doc.notes)


@needs_ocr_tools
def test_ocr_of_a_missing_page_raises_ocr_error(write_pdf: Callable[..., Path]):
    with pytest.raises(ocr.OcrError, match="pdftoppm"):
        ocr.ocr_pdf_page(write_pdf([[PROSE]]), 5, "eng")


def test_ocr_error_names_a_missing_tool(
    write_pdf: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ocr, "_PDFTOPPM", "pdftoppm-that-does-not-exist")
    assert not ocr.ocr_available()
    with pytest.raises(ocr.OcrError, match="not installed"):
        ocr.ocr_pdf_page(write_pdf([[PROSE]]), 1, "eng")


# --- the shared corpus -------------------------------------------------------------------------

EDGE_CASES = "un-docs/edge-cases"
NO_TEXT = f"{EDGE_CASES}/A_45_696_Add.1.en.pdf"
GARBLED_SCAN = f"{EDGE_CASES}/A_39_361.en.pdf"


@pytest.fixture(scope="module")
def parsed(shared_corpus: Path) -> Callable[[str], ParsedDocument]:
    """Parse a shared PDF once per module (without OCR): several tests read the same files."""

    @functools.cache
    def parse(relative: str) -> ParsedDocument:
        return parse_pdf(shared_corpus / relative, ocr=False)

    return parse


@pytest.mark.slow
@pytest.mark.parametrize(
    ("document", "page", "label"),
    [
        ("un-docs/E_2025_44.en.pdf", 5, "3/26"),
        ("un-docs/E_2025_44.en.pdf", 19, "17/26"),
        ("un-docs/UNCTAD_TIR_2025_Overview.en.pdf", 26, "18"),
        (
            "singapore-gov-eval/Government_Constitution_of_the_Republic_of_Singapore/"
            "Constitution_of_the_Republic_of_Singapore.pdf",
            36,
            "35",
        ),
        ("oecd-eu/oecd_2023_digital_government_index_1a89ed5e-en.pdf", 18, "17"),
    ],
)
def test_printed_labels_of_real_documents(
    parsed: Callable[[str], ParsedDocument], document: str, page: int, label: str
):
    doc = parsed(document)
    assert doc.pages[page - 1].number == page
    assert doc.pages[page - 1].label == label


@pytest.mark.slow
def test_labels_match_the_eval_set(shared_corpus: Path, parsed: Callable[[str], ParsedDocument]):
    eval_file = shared_corpus.parent / "eval" / "public_qa.jsonl"
    if not eval_file.is_file():
        pytest.skip(f"eval set not found at {eval_file}")
    rows = [json.loads(line) for line in eval_file.read_text().splitlines() if line.strip()]
    rows = [row for row in rows if (row["document"] or "").endswith(".pdf")]
    wrong = [
        (row["id"], row["page_label"] or str(row["page"]), label)
        for row in rows
        if (label := parsed(row["document"]).pages[row["page"] - 1].label)
        != (row["page_label"] or str(row["page"]))
    ]
    assert rows and wrong == []


@pytest.mark.slow
def test_no_normal_page_of_the_corpus_is_taken_for_garbage(
    shared_corpus: Path, parsed: Callable[[str], ParsedDocument]
):
    documents = sorted(
        str(path.relative_to(shared_corpus))
        for path in shared_corpus.rglob("*.pdf")
        if EDGE_CASES not in path.as_posix()
    )
    flagged = {doc: parsed(doc).unreadable_pages for doc in documents}
    assert len(documents) >= 20
    assert {doc: pages for doc, pages in flagged.items() if pages} == {}


@pytest.mark.slow
@pytest.mark.parametrize("document", [NO_TEXT, GARBLED_SCAN])
def test_scans_need_ocr_when_it_is_off(shared_corpus: Path, document: str):
    with pytest.raises(ParseFailure) as failure:
        parse_pdf(shared_corpus / document, ocr=False)
    assert failure.value.status == "needs_ocr"


@pytest.mark.slow
@needs_ocr_tools
def test_scan_without_text_layer_is_ocred(shared_corpus: Path):
    doc = parse_pdf(shared_corpus / NO_TEXT)
    assert len(doc.pages) == 22
    assert sum(page.ocr for page in doc.pages) >= 20
    text = doc.text.lower()
    assert "climate" in text and "general assembly" in text
    assert doc.pages[2].label == "3"  # "Page 3" in the header of the scan
    assert all(not ocr.is_garbage(page.text) for page in doc.pages if page.text)


@pytest.mark.slow
@needs_ocr_tools
def test_garbled_scan_is_never_returned_as_garbage(shared_corpus: Path):
    doc = parse_pdf(shared_corpus / GARBLED_SCAN)
    assert "Secretaly" not in doc.text and "oRIGTNAL" not in doc.text
    assert all(page.ocr or page.number in doc.unreadable_pages for page in doc.pages)
    assert all(not ocr.is_garbage(page.text) for page in doc.pages if page.text)


@pytest.mark.parametrize(
    ("pages", "symbol"),
    [
        (["E/2025/44-E/C.16/2025/9 \n United Nations \n Committee of Experts"], "E/2025/44"),
        ([" United Nations  A/80/82-E/2025/63 \n General Assembly"], "A/80/82"),
        (["A/AC.121/2025/INF/3\nGeneral Assembly"], "A/AC.121/2025/INF/3"),
        (["E/2025/L.23\nEconomic and Social Council"], "E/2025/L.23"),
        (["E/HLPF/2025/3/Add.4\n"], "E/HLPF/2025/3/Add.4"),
        # a cover without one: the running header of the next page
        (["GE.25-00925 (E)\nGeneral Assembly", "A/80/62\nE/2025/12\n2\nIntroduction"], "A/80/62"),
        # no symbol: a web address, a date or a ratio is not one
        (["See https://undocs.org/A/80/1 and 2024/25, 3/4/2025\nDigital Government"], None),
    ],
)
def test_the_un_document_symbol(pages: list[str], symbol: str | None) -> None:
    assert un_symbol(pages) == symbol


@pytest.mark.slow
@pytest.mark.parametrize(
    ("document", "title", "year"),
    [
        (
            "un-docs/E_2025_44.en.pdf",
            "Committee of Experts on Public Administration: Report on the twenty-fourth session "
            "(E/2025/44)",
            2025,
        ),
        (
            "un-docs/E_C.16_2024_4__filed-as-A_78_668.en.pdf",
            "Building inclusive institutions that leave no one behind at the midpoint of the 2030 "
            "Agenda for Sustainable Development (E/C.16/2024/4)",
            2024,
        ),
        (
            "un-docs/A_80_1.en.pdf",
            "Report of the Secretary-General on the work of the Organization (A/80/1)",
            2025,
        ),
        (
            "un-docs/E_2025_39.en.pdf",
            "Economic and Social Commission for Asia and the Pacific: Annual Report (E/2025/39)",
            2025,
        ),
        # not a UN document: its title as it was
        (
            "oecd-eu/oecd_2023_digital_government_index_1a89ed5e-en.pdf",
            "2023 OECD Digital Government Index",
            2023,
        ),
    ],
)
def test_un_documents_are_titled_with_their_symbol(
    parsed: Callable[[str], ParsedDocument], document: str, title: str, year: int
) -> None:
    doc = parsed(document)
    assert (doc.title, doc.year) == (title, year)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (PROSE, "en"),
        (
            "Le comité a examiné les progrès accomplis par les gouvernements dans la mise en place",
            "fr",
        ),
        (
            "Las recomendaciones adoptadas en las sesiones fueron respaldadas por varios Estados",
            "es",
        ),
        ("Комитет рассмотрел ход работы правительств по созданию эффективных институтов", "ru"),
        (
            "委员会审查了各国政府在各级建立有效、负责和包容的机构方面取得的进展情况，并建议公共行政部门加强规划和执行能力",
            "zh",
        ),
        ("A/80/1", None),  # too few letters to tell
    ],
)
def test_page_language(text: str, language: str | None) -> None:
    assert ocr.page_language(text) == language


def test_ocr_language_uses_the_pages_pack_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "installed_ocr_languages", lambda: frozenset({"eng", "spa"}))
    assert ocr.ocr_language("es", "eng") == "spa"
    assert ocr.ocr_language("ru", "eng") == "eng"  # no Russian pack here: the setting's language
    assert ocr.ocr_language(None, "fra") == "fra"


def test_a_reading_that_finds_the_same_words_reproduces_the_layer() -> None:
    assert ocr.reproduced_share(PROSE, PROSE.upper()) == 1.0
    assert ocr.reproduced_share(GARBLED, PROSE) < 0.9
    assert ocr.reproduced_share("", PROSE) == 0.0


@pytest.mark.slow
@needs_ocr_tools
@pytest.mark.parametrize(
    ("document", "pages"),
    [
        ("A_AC.292_2025_INF_5.en.pdf", 26),  # statements in Spanish, French and English
        ("A_80_10.en.pdf", 212),  # an English report with footnotes in other languages
        ("E_C.2_2025_2_Add.1.en.pdf", 23),  # lists of organisations' names
    ],
)
def test_clean_pages_in_any_language_are_never_dropped(
    corpus_extra: Path, document: str, pages: int
) -> None:
    doc = parse_pdf(corpus_extra / document)
    assert len(doc.pages) == pages
    assert doc.unreadable_pages == []
    assert not any(page.ocr for page in doc.pages)  # each doubtful layer was kept, not replaced


@pytest.mark.slow
@needs_ocr_tools
@pytest.mark.skipif(
    "osd" not in ocr.installed_ocr_languages(), reason="tesseract's orientation data missing"
)
def test_a_table_scanned_sideways_is_turned_upright_and_read(corpus_extra: Path) -> None:
    # The annex's table is printed landscape and scanned as it lies, under an upright running
    # head: its text layer is junk, and OCR without orientation detection reads it upside down.
    doc = parse_pdf(corpus_extra / "E_ICEF_672(PartII).en.pdf")
    table = doc.pages[43]
    assert doc.unreadable_pages == [] and table.ocr
    assert {"dépenses", "population", "afrique"} <= set(table.text.lower().split())


@pytest.mark.parametrize(
    ("page", "title"),
    [
        # a report's or note's issuer follows the title it belongs to
        (
            "United Nations  A/80/82-E/2025/63\nGeneral Assembly\nDistr.: General\n1 May 2025\n"
            "Eightieth session\nItem 21 (a) of the preliminary list*\n"
            "Implementation of and follow-up to major\nUnited Nations conferences and summits\n"
            "Follow-up to the Fifth United Nations Conference on the\nLeast Developed Countries\n"
            "Report of the Secretary-General**\nSummary\nThe present report provides",
            "Follow-up to the Fifth United Nations Conference on the Least Developed Countries",
        ),
        # a letter's line is its title, over as many lines as it runs
        (
            "United Nations  S/2025/170\nSecurity Council\nDistr.: General\n18 March 2025\n"
            "Letter dated 17 March 2025 from the Secretary-General addressed\n"
            "to the President of the Security Council\n"
            "I have the honour to refer to Security Council resolution 2758 (2024), adopted",
            "Letter dated 17 March 2025 from the Secretary-General addressed to the President of "
            "the Security Council",
        ),
        # a draft's subject follows the line saying who submits it
        (
            "United Nations  E/2025/L.23\nEconomic and Social Council\nDistr.: Limited\n"
            "Draft resolution submitted by the Vice-President of the Council, Lok Bahadur\n"
            "Thapa (Nepal), on the basis of informal consultations\n"
            "Report of the Committee of Experts on Public Administration on\n"
            "its twenty-fourth session\nThe Economic and Social Council,",
            "Draft resolution: Report of the Committee of Experts on Public Administration on its "
            "twenty-fourth session",
        ),
        # a session report's cover names its body above it
        (
            "E/2025/42-E/CN.18/2025/7\nUnited Nations\nUnited Nations Forum\non Forests\n"
            "Report on the twentieth session\n(10 May 2024 and 5–9 May 2025)\n"
            "Economic and Social Council\nOfficial Records, 2025",
            "United Nations Forum on Forests: Report on the twentieth session",
        ),
        ("A resolution with no title block\nThe Security Council,", None),
        # a letter under several agenda items: the items' titles may start "Report of"
        (
            "United Nations  A/79/900-S/2025/300\nGeneral Assembly\nSecurity Council\n"
            "Distr.: General\n3 March 2025\nSeventy-ninth session  Eightieth year\n"
            "Agenda items 12, 40 and 71\nReport of the Human Rights Council\n"
            "Promotion of sustainable development\nLetter dated 1 March 2025 from the Permanent\n"
            "Representative of Palau to the United Nations addressed to\nthe Secretary-General\n"
            "I have the honour to transmit herewith the statement of the Government of Palau on",
            "Letter dated 1 March 2025 from the Permanent Representative of Palau to the United "
            "Nations addressed to the Secretary-General",
        ),
        # a Security Council resolution is titled by its number, not by its adoption line
        (
            "United Nations  S/RES/2801 (2025)\nSecurity Council\nDistr.: General\n"
            "2 October 2025\n25-16000 (E)\nResolution 2801 (2025)\n"
            "Adopted by the Security Council at its 10010th meeting, on\n2 October 2025\n"
            "The Security Council,",
            "Resolution 2801 (2025)",
        ),
        # a numbered resolution: its number and subject, after the adoption line
        (
            "GE.25-12000 (E)\nHuman Rights Council\nFifty-ninth session\nAgenda item 3\n"
            "Promotion and protection of all human rights\n"
            "Resolution adopted by the Human Rights Council\non 8 July 2025\n"
            "59/31. The right to education\nThe Human Rights Council,",
            "Resolution 59/31: The right to education",
        ),
        # a State's draft (footnote marks after its name): the subject on the next line
        (
            "United Nations  E/2025/L.30\nEconomic and Social Council\nDistr.: Limited\n"
            "Agenda item 18 (g)\nPublic administration and development\n"
            "Fiji:*,** draft resolution\nDigital government in small island developing States\n"
            "The Economic and Social Council,",
            "Fiji: draft resolution, Digital government in small island developing States",
        ),
        # ... and a Security Council draft, which has no subject line
        (
            "United Nations  S/2025/600\nSecurity Council\nDistr.: General\n"
            "Malta: draft resolution\nThe Security Council,\nRecalling its previous resolutions",
            "Malta: draft resolution",
        ),
        # a committee's draft report: the committee's name above, over its city and dates
        (
            "United Nations  A/AC.200/2025/L.3\nGeneral Assembly\nDistr.: Limited\n"
            "*2500001*\nAd Hoc Committee on\nPublic Administration Reform\n"
            "Geneva, 3–7 March 2025\nDraft report\nRapporteur: Ms. A. Example",
            "Ad Hoc Committee on Public Administration Reform: Draft report",
        ),
        # a title whose last line looks like a masthead line ("Security Council")
        (
            "United Nations  S/2025/700\nSecurity Council\nDistr.: General\n*2500002*\n"
            "Credentials of the representative of Tonga on the\nSecurity Council\n"
            "Report of the Secretary-General\n"
            "Pursuant to rule 15 of the provisional rules of procedure of the Security Council, the",
            "Credentials of the representative of Tonga on the Security Council",
        ),
        # an amendment: the sponsors' names run on from the line above; a footnote mark after a
        # date's year is dropped
        (
            "United Nations  S/2025/710\nSecurity Council\nDistr.: General\n*2500003*\n"
            "Samoa, Tonga and United Kingdom of Great\n"
            "Britain and Northern Ireland: amendment to the draft resolution\n"
            "contained in document S/2025/709 of 4 May 20252\nInsert a new paragraph",
            "Samoa, Tonga and United Kingdom of Great Britain and Northern Ireland: amendment to "
            "the draft resolution contained in document S/2025/709 of 4 May 2025",
        ),
    ],
    ids=[
        "report",
        "letter",
        "draft",
        "cover",
        "none",
        "letter-under-items",
        "sc-resolution",
        "numbered-resolution",
        "sponsored-draft",
        "sc-draft",
        "draft-report",
        "masthead-word",
        "amendment",
    ],
)
def test_the_title_in_a_un_documents_title_block(page: str, title: str | None) -> None:
    assert un_title(page) == title


@pytest.mark.slow
def test_un_titles_and_symbols_in_corpus_extra_are_read_and_tell_documents_apart(
    corpus_extra: Path,
) -> None:
    titles: dict[str, str] = {}
    for path in sorted(corpus_extra.glob("*.pdf"))[:40]:
        reader = pypdf.PdfReader(path)
        texts = [page.extract_text() or "" for page in reader.pages[:3]]
        symbol = un_symbol(texts)
        if symbol is None:
            continue
        titles[path.name] = f"{un_title(texts[0]) or ''} ({symbol})"
    assert len(titles) >= 35
    assert len(set(titles.values())) == len(titles)  # no two documents share a displayed title
    assert titles["A_80_10.en.pdf"] == "Report of the International Law Commission (A/80/10)"


def test_folios_of_real_un_documents_are_read_by_position(corpus_extra: Path) -> None:
    # A/79/856 page 3 is a landscape page set sideways: "up" runs along x there, and its
    # "25-05771 3/6" header is still the line nearest the top. E/2025/L.11 is one page with
    # footnotes "1", "2", "3" and no folio.
    letter = parse_pdf(corpus_extra / "A_79_856.en.pdf", ocr=False)
    assert [page.label for page in letter.pages] == [None, *(f"{n}/6" for n in range(2, 7))]
    decision = parse_pdf(corpus_extra / "E_2025_L.11.en.pdf", ocr=False)
    assert [page.label for page in decision.pages] == [None]


def test_the_date_of_issue_is_read_by_the_distr_line() -> None:
    today = (
        "United Nations A/80/82\nGeneral Assembly\nDistr.: General\n5 June 2025\nOriginal: English"
    )
    assert un_issued(today) == "2025-06-05"
    assert un_issued("Distr.: Limited 4 December 2024\nOriginal: English") == "2024-12-04"
    assert un_issued("Distr.: General\n27 January 2025") == "2025-01-27"
    # the 1990s masthead: "Distr." on a line of its own, the symbol between it and the date
    old = "UNITED\nGeneral Assembly Distr.\nGENERAL\nA/52/613\n19 November 1997\nORIGINAL: ENGLISH"
    assert un_issued(old) == "1997-11-19"
    # the other official languages written in Latin script
    assert un_issued("Distr.\nGENERALE\nE/ICEF/672\n16 avril 1980\nFRANCAIS") == "1980-04-16"
    assert un_issued("Distr. general\n12 de mayo de 2025\nEspañol") == "2025-05-12"
    assert un_issued("Distr. : Générale\n1er mai 2025") == "2025-05-01"
    assert un_issued("Distr.\nGENERALE\nl6 avril 1980") == "1980-04-16"  # OCR: "l" for "1"
    # some files list the masthead after the text
    late = (
        "Human Rights Council\n"
        + "Text of the resolution.\n" * 50
        + "Distr.: General\n16 July 2025"
    )
    assert un_issued(late) == "2025-07-16"
    # a date elsewhere on the page is not the date of issue
    assert un_issued("Report of the Commission\n(10 May 2024 and 5-9 May 2025)") is None
    assert un_issued("Distr.: General\nOriginal: English\n" + "line\n" * 6 + "1 May 2025") is None


def test_un_documents_in_corpus_extra_carry_symbol_date_and_language(corpus_extra: Path) -> None:
    letter = parse_pdf(corpus_extra / "A_79_856.en.pdf", ocr=False)
    assert (letter.symbol, letter.issued, letter.language) == ("A/79/856", "2025-04-07", "en")
    assert letter.year == 2025
    # issued in December 2024 for the 2025 session: the year is the date of issue's
    report = parse_pdf(corpus_extra / "E_CN.6_2025_4.en.pdf", ocr=False)
    assert (report.symbol, report.issued, report.year) == ("E/CN.6/2025/4", "2024-12-16", 2024)
    # an Official Records cover has no date of issue: the year its General Assembly session opened
    records = parse_pdf(corpus_extra / "A_80_55.en.pdf", ocr=False)
    assert (records.symbol, records.issued, records.year) == ("A/80/55", None, 2025)
    # a document issued in parts: the part belongs to the symbol
    part = parse_pdf(corpus_extra / "A_80_15 (Part I).en.pdf", ocr=False)
    assert part.symbol == "A/80/15 (Part I)"
    # the UNICEF Executive Board's 1980 records are in French
    french = parse_pdf(corpus_extra / "E_ICEF_672(PartII).en.pdf", ocr=False)
    assert french.language == "fr"


def test_the_body_a_un_document_is_issued_to_is_read_from_its_masthead(
    shared_corpus: Path, corpus_extra: Path
) -> None:
    def body(path: Path) -> str | None:
        return parse_pdf(path, ocr=False).body

    un = shared_corpus / "un-docs"
    # a paper put before CEPA: the body's name above its session line
    paper = un / "E_C.16_2024_4__filed-as-A_78_668.en.pdf"
    assert body(paper) == "Committee of Experts on Public Administration"
    # names over several lines, one starting in lower case or below a line ending "and"
    assert body(corpus_extra / "A_AC.292_2025_INF_5.en.pdf") == (
        "Open-ended working group on security of and in the use of information and "
        "communications technologies 2021–2025"
    )
    assert body(corpus_extra / "E_CN.6_2025_4.en.pdf") == "Commission on the Status of Women"
    # above the place it meets, and named after its principal organ
    assert body(corpus_extra / "A_AC.121_2025_L.1.en.pdf") == (
        "Special Committee on Peacekeeping Operations"
    )
    assert body(corpus_extra / "E_FFDF_2025_2.en.pdf") == (
        "Economic and Social Council forum on financing for development follow-up"
    )
    # issued to a principal organ only; a report's own cover (titled by its body already); a
    # draft whose title runs into "its twenty-fourth session"
    assert body(un / "A_80_82.en.pdf") is None
    assert body(un / "E_2025_44.en.pdf") is None
    assert body(corpus_extra / "A_80_10.en.pdf") is None
    assert body(un / "E_2025_L.23.en.pdf") is None
    assert un_body("General Assembly\nEightieth session\nItem 21") is None


def test_the_parts_of_one_work_are_titled_apart(shared_corpus: Path) -> None:
    # Italy's plan: five annexes whose first line is the plan's title, the annex named below it
    annexes = sorted((shared_corpus / "italy-ict-plan" / "annexes").glob("annex-*.pdf"))
    titles = [parse_pdf(path, ocr=False).title or "" for path in annexes]
    assert len(titles) == 5 and len(set(titles)) == 5
    assert titles[0].startswith("Three-Year Plan for IT in Public Administration 2017 - 2019, ")
    assert titles[4].endswith("Annex 5 - Dataset basket for open data")
