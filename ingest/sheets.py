"""Tables (CSV, XLSX) as text documents, so their rows can be retrieved and cited like passages.

The indicator values themselves go into the typed indicator table (``parsers/tables.py``); this
module only gives the file's rows a readable text form. A CSV keeps its lines exactly as written,
so a cited passage is the very line a person finds when opening the file.
"""

from __future__ import annotations

from pathlib import Path

from .parsers.base import Block, Heading, ParsedDocument, ParsedPage, ParseFailure

ROWS_PER_BLOCK = 40


def parse_csv_text(path: Path) -> ParsedDocument:
    raw = _read(path)
    if b"\x00" in raw[:4096]:
        raise ParseFailure("not a text table: the file contains NUL bytes")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseFailure("empty file")
    _refuse_question_sets(text)
    records = _as_records(text)
    if records is not None:
        return ParsedDocument(
            pages=[ParsedPage(text=records, blocks=_record_blocks(records))], title=_title(path)
        )
    return ParsedDocument(
        pages=[ParsedPage(text=text, blocks=_row_blocks(text))], title=_title(path)
    )


# A table whose rows describe works (a bibliography, a list of papers): these columns.
_BIBLIOGRAPHY = ({"title"}, {"author", "authors"})


def _as_records(text: str) -> str | None:
    """A bibliography-like table (a ``title`` and an ``author(s)`` column) as one record per row,
    each cell with its column's name ("title: …; authors: …; year: 2011"), so that a row quoted
    alone still says what each value is. None for any other table (kept line for line)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return None
    header = [c.strip() for c in rows[0]]
    names = {c.lower() for c in header}
    if not all(names & wanted for wanted in _BIBLIOGRAPHY):
        return None
    records = []
    for row in rows[1:]:
        cells = [f"{name}: {value.strip()}" for name, value in zip(header, row, strict=False)]
        cells = [c for c in cells if not c.endswith(": ")]
        if cells:
            records.append("; ".join(cells) + ".")
    return "\n\n".join(records) + "\n"


def _record_blocks(text: str) -> list[Block]:
    """One block per record (records are separated by a blank line)."""
    blocks: list[Block] = []
    start = 0
    for part in text.split("\n\n"):
        end = start + len(part)
        if part.strip():
            blocks.append(Block(start, start + len(part.rstrip()), "text"))
        start = end + 2
    return blocks


def _refuse_question_sets(text: str) -> None:
    """A table whose columns are questions and their answers (a generated evaluation set, a
    quiz) is not a source: its "answers" restate a document in someone else's words, and quoted
    as prose they read as the document's. Such a file is skipped, with the reason, by its
    header alone."""
    import csv

    header = next(csv.reader([text.split("\n", 1)[0]]), [])
    columns = {c.strip().strip('"').lower() for c in header}
    if {"question", "answer"} <= columns:
        shown = ", ".join(c for c in header if c.strip())
        raise ParseFailure(
            f"a table of questions and their answers (columns: {shown}), not a source document",
            status="skipped",
        )


def parse_xlsx_text(path: Path) -> ParsedDocument:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as exc:  # pragma: no cover - install problem
        raise ParseFailure(f"openpyxl is not installed ({exc})") from exc
    import zipfile

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ParseFailure(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from exc
    parts: list[str] = []
    headings: list[Heading] = []
    offset = 0
    try:
        for sheet in book.worksheets:
            lines = []
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    lines.append(", ".join(cells))
            if not lines:
                continue
            title = f"Sheet: {sheet.title}"
            block = title + "\n" + "\n".join(lines) + "\n\n"
            headings.append(Heading(offset, title))
            parts.append(block)
            offset += len(block)
    finally:
        book.close()
    text = "".join(parts)
    if not text.strip():
        raise ParseFailure("the workbook has no cells with values")
    return ParsedDocument(
        pages=[ParsedPage(text=text, headings=headings, blocks=_row_blocks(text))],
        title=_title(path),
    )


def _row_blocks(text: str) -> list[Block]:
    """Groups of rows kept together as table blocks (the header line is its own first block)."""
    blocks: list[Block] = []
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n" and i + 1 < len(text)]
    for i in range(0, len(starts), ROWS_PER_BLOCK):
        start = starts[i]
        end = starts[i + ROWS_PER_BLOCK] - 1 if i + ROWS_PER_BLOCK < len(starts) else len(text)
        if text[start:end].strip():
            blocks.append(Block(start, end, "table"))
    return blocks


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ParseFailure(f"cannot read the file: {exc.strerror or exc}") from exc


def _title(path: Path) -> str:
    return path.stem.replace("_", " ").strip()
