"""Parsers for unpaged formats: Markdown, reStructuredText, plain text, HTML and DOCX.

Each parser returns a :class:`ParsedDocument` with one page (``number=None``) whose text is what
a person would read: markup, directives and scripts removed, tables kept as ``a | b`` rows so
chunking can keep them whole. Headings and tables are recorded with offsets into that text, so
a citation can name its section and the chunker never splits a table.

Every parser first turns the file into a flat list of :class:`_Element` (heading, paragraph,
table); :func:`_assemble` then lays them out with blank lines between them and computes the
offsets, so the offset arithmetic lives in one place.

Bad input raises :class:`ParseFailure` with a reason a person can act on ("empty file",
"binary data ..."); nothing here writes files, touches the network or runs code from the file.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import textwrap
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.ocr import document_language

from .base import Block, Heading, ParsedDocument, ParsedPage, ParseFailure, Parser

if TYPE_CHECKING:
    from docx.table import Table as DocxTable

__all__ = [
    "PARSERS",
    "decode_text",
    "guess_year",
    "parse_docx",
    "parse_html",
    "parse_markdown",
    "parse_rst",
    "parse_text",
    "read_text",
]

# A share of control characters above this means the bytes are not text in any encoding.
_JUNK_RATIO = 0.05
_LANGUAGE_PIECE = 3000  # characters per piece the language of a text file is told from
_TITLE_MAX = 150
_YEAR = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")


# --------------------------------------------------------------------------------------------
# Elements and layout
# --------------------------------------------------------------------------------------------
@dataclass
class _Element:
    """One unit of readable text: a heading, a paragraph or a table (rows joined by newlines)."""

    kind: str  # "heading", "para" or "table"
    text: str
    level: int = 1
    caption: str | None = None
    caption_like: bool = False  # a paragraph styled as a caption (DOCX "Caption")


_TABLE_CAPTION = re.compile(r"^(Table|Tab\.)\s+[\w.\-]+", re.IGNORECASE)


def _assemble(
    elements: list[_Element],
    path: Path,
    *,
    notes: list[str] | None = None,
    title: str | None = None,
    title_hint: str | None = None,
) -> ParsedDocument:
    """Lay ``elements`` out as one page and record heading and table offsets into its text.

    ``title`` (an explicit title, e.g. Markdown front matter) beats the first heading;
    ``title_hint`` (e.g. HTML ``<title>``) is used only when the document has no heading.
    """
    parts: list[str] = []
    headings: list[Heading] = []
    blocks: list[Block] = []
    offset = 0
    previous: _Element | None = None
    for element in elements:
        text = element.text.strip("\n")
        if not text.strip():
            continue
        if parts:
            offset += 2  # the blank line between elements
        if element.kind == "heading":
            headings.append(Heading(offset, text.strip(), element.level))
        elif element.kind == "table":
            caption = element.caption or _caption_from(previous)
            blocks.append(Block(offset, offset + len(text), "table", caption))
        parts.append(text)
        offset += len(text)
        previous = element
    body = "\n\n".join(parts)
    if not body.strip():
        raise ParseFailure("no readable text in the file")
    page = ParsedPage(text=body, number=None, label=None, headings=headings, blocks=blocks)
    doc_title = title or (headings[0].title if headings else None) or title_hint
    doc_title = _clip(doc_title or _first_line(body) or path.stem)
    return ParsedDocument(
        pages=[page],
        title=doc_title,
        year=guess_year(doc_title, path, body),
        notes=notes or [],
        language=document_language(
            [body[at : at + _LANGUAGE_PIECE] for at in range(0, len(body), _LANGUAGE_PIECE)]
        ),
    )


def _caption_from(previous: _Element | None) -> str | None:
    """A short paragraph right before a table that reads like "Table 3 ..." is its caption."""
    if previous is None or previous.kind != "para":
        return None
    text = previous.text.strip()
    if len(text) <= 200 and (previous.caption_like or _TABLE_CAPTION.match(text)):
        return text
    return None


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def _clip(title: str) -> str:
    """Titles are shown in citations: keep them to one readable line."""
    title = " ".join(title.split())
    if len(title) <= _TITLE_MAX:
        return title
    cut = title[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-") or title[:_TITLE_MAX]


def guess_year(title: str | None, path: Path, text: str) -> int | None:
    """Best-effort publication year: from the title, else the file name, else the opening text.

    In a title the first year wins ("Survey 2024"); in a file name the last one does, because
    names such as ``KHM_79_2024`` or ``egdi_2003_2024`` end with the edition. In the text only
    the first 1,000 characters count (a cover or heading area), most frequent year first: a
    year deep in the body is more often a reference than the date of the document.
    """
    latest = date.today().year + 1
    title_years = [y for y in _years(title or "") if y <= latest]
    if title_years:
        return title_years[0]
    name_years = [y for y in _years(path.stem) if y <= latest]
    if name_years:
        return name_years[-1]
    counts = Counter(y for y in _years(text[:1000]) if y <= latest)
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def _years(text: str) -> list[int]:
    return [int(match) for match in _YEAR.findall(text)]


# --------------------------------------------------------------------------------------------
# Reading and decoding
# --------------------------------------------------------------------------------------------
def read_text(path: Path, *, declared: str | None = None) -> tuple[str, list[str]]:
    """The file's text with newlines normalised, and notes about how it was decoded.

    Raises :class:`ParseFailure` for an unreadable, empty or binary file.
    """
    data = _read_bytes(path)
    text, notes = decode_text(data, declared=declared)
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseFailure(f"cannot read the file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise ParseFailure("empty file")
    return data


def decode_text(data: bytes, *, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode bytes that should be text: BOMs first, then ``declared``, UTF-8, cp1252, latin-1.

    Latin-1 never fails, so junk would otherwise "decode"; NUL bytes and a high share of
    control characters are what tell binary data apart, and raise :class:`ParseFailure`.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data.decode("utf-16", errors="replace"), "decoded as UTF-16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data:
        raise ParseFailure(
            "binary data (NUL bytes) in a text file: is this really a text document?"
        )
    for encoding in _candidate_encodings(declared):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        note = None if encoding == "utf-8" else f"decoded as {encoding} (not valid UTF-8)"
        return _checked(text, note)
    return _checked(data.decode("latin-1"), "decoded as latin-1 (not valid UTF-8 or cp1252)")


def _candidate_encodings(declared: str | None) -> list[str]:
    encodings = ["utf-8", "cp1252"]
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            return encodings
        if name not in encodings:
            encodings.insert(0, name)
    return encodings


def _checked(text: str, note: str | None) -> tuple[str, list[str]]:
    if not text.strip():
        raise ParseFailure("empty file")
    controls = sum(1 for ch in text if _is_control(ch))
    if controls / len(text) > _JUNK_RATIO:
        share = round(100 * controls / len(text))
        raise ParseFailure(
            f"binary data: {share}% of the characters are control codes, so this is not a text "
            "document (or it is in an encoding that cannot be detected)"
        )
    return text, [note] if note else []


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return (code < 32 and ch not in "\t\n\r\f\v") or 0x7F <= code <= 0x9F or ch == "\ufffd"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


_LIST_ITEM = re.compile(r"^([-*+\u2022]|#\.|\d+[.)]|\(?[a-zA-Z][.)])\s+")


def _normalise_item(line: str) -> str:
    """``-  item`` / ``*   item`` / ``• item`` become ``- item``; numbered items stay numbered."""
    match = _LIST_ITEM.match(line)
    if match and match.group(1) in {"-", "*", "+", "\u2022"}:
        return "- " + line[match.end() :]
    return line


def _join_lines(lines: list[str]) -> str:
    """Unwrap hard-wrapped prose: continuation lines join with a space; list items, line-block
    lines and the definition under a term start a new line."""
    out: list[str] = []
    first_is_item = bool(lines and _LIST_ITEM.match(lines[0].strip()))
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        is_definition = index == 1 and not first_is_item and _indent(line) > _indent(lines[0])
        if not out or _LIST_ITEM.match(stripped) or stripped.startswith("| ") or is_definition:
            out.append(_normalise_item(stripped.removeprefix("| ")))
        else:
            out[-1] = f"{out[-1]} {stripped}"
    return "\n".join(out)


def _squash(text: str) -> str:
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# --------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------
_UNDERLINE = re.compile(r"^\s*([=\-~*#^])\1{2,}\s*$")


def parse_text(path: Path) -> ParsedDocument:
    """Plain text: paragraphs as written (no unwrapping, the layout may matter), underlined
    lines as headings and tab-separated runs of lines as tables."""
    text, notes = read_text(path)
    return _assemble(_text_elements(text), path, notes=notes)


def _text_elements(text: str) -> list[_Element]:
    elements: list[_Element] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 2 and _UNDERLINE.match(lines[1]) and len(lines[1].strip()) >= 3:
            level = 1 if lines[1].strip()[0] == "=" else 2
            elements.append(_Element("heading", lines[0].strip(), level))
        elif len(lines) >= 2 and all("\t" in line for line in lines):
            rows = [_row(line.split("\t")) for line in lines]
            elements.append(_Element("table", "\n".join(row for row in rows if row)))
        else:
            elements.append(_Element("para", "\n".join(lines).strip("\n")))
    return elements


def _row(cells: list[str]) -> str:
    """Cells joined with `` | ``; trailing empty cells dropped so short rows stay readable."""
    cleaned = [" ".join(cell.split()) for cell in cells]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return " | ".join(cleaned)


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_MD_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # <https://...>
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),  # inline HTML tags
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # `code`
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *em*
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # _em_
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
]


def parse_markdown(path: Path) -> ParsedDocument:
    """Markdown (CommonMark-ish): headings, paragraphs, lists, pipe tables and code kept as
    text; HTML comments, link targets and emphasis markers dropped."""
    text, notes = read_text(path)
    elements, front_title = _markdown_elements(text)
    return _assemble(elements, path, notes=notes, title=front_title)


def _markdown_elements(text: str) -> tuple[list[_Element], str | None]:
    lines, front_title = _strip_front_matter(_HTML_COMMENT.sub("", text).split("\n"))
    elements: list[_Element] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            elements.append(_Element("para", _join_lines([_md_inline(x) for x in para])))
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            flush()
            code, i = _md_fenced(lines, i)
            elements.append(_Element("para", code))
            continue
        if (atx := _ATX.match(line)) is not None:
            flush()
            elements.append(_Element("heading", _md_inline(atx.group(2)), len(atx.group(1))))
        elif para and _SETEXT.match(line) and not _LIST_ITEM.match(para[0].strip()):
            level = 1 if line.strip().startswith("=") else 2
            elements.append(
                _Element("heading", _md_inline(" ".join(x.strip() for x in para)), level)
            )
            para.clear()
        elif "|" in line and i + 1 < len(lines) and _MD_TABLE_SEP.match(lines[i + 1]):
            flush()
            table, i = _md_table(lines, i)
            elements.append(table)
            continue
        elif not line.strip() or (not para and _THEMATIC.match(line)) or _MD_REF_DEF.match(line):
            flush()
        else:
            para.append(re.sub(r"^\s{0,3}>\s?", "", line))
        i += 1
    flush()
    return elements, front_title


def _strip_front_matter(lines: list[str]) -> tuple[list[str], str | None]:
    """YAML front matter (``---`` ... ``---`` on the first lines) is metadata, not text."""
    if not lines or lines[0].strip() != "---":
        return lines, None
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in {"---", "..."}:
            title = None
            for line in lines[1:end]:
                key, _, value = line.partition(":")
                if key.strip().lower() == "title" and value.strip():
                    title = value.strip().strip("'\"")
            return lines[end + 1 :], title
    return lines, None


def _md_fenced(lines: list[str], start: int) -> tuple[str, int]:
    fence = _FENCE.match(lines[start])
    assert fence is not None
    marker = fence.group(1)
    body: list[str] = []
    i = start + 1
    while i < len(lines) and not lines[i].strip().startswith(marker):
        body.append(lines[i])
        i += 1
    return textwrap.dedent("\n".join(body)).strip("\n"), i + 1


def _md_table(lines: list[str], start: int) -> tuple[_Element, int]:
    rows: list[str] = []
    i = start
    while i < len(lines) and lines[i].strip() and "|" in lines[i]:
        if i != start + 1:  # the --- | --- separator line
            rows.append(_row([_md_inline(cell) for cell in _split_pipes(lines[i])]))
        i += 1
    return _Element("table", "\n".join(rows)), i


def _split_pipes(line: str) -> list[str]:
    line = line.strip()
    line = line.removeprefix("|")
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", line)]


def _md_inline(text: str) -> str:
    for pattern, replacement in _MD_INLINE:
        text = pattern.sub(replacement, text)
    return text


# --------------------------------------------------------------------------------------------
# reStructuredText
# --------------------------------------------------------------------------------------------
_RST_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
_RST_GRID_BORDER = re.compile(r"^\+(?:[-=]+\+)+$")
_RST_SIMPLE_BORDER = re.compile(r"^=+(?: +=+)+$")
_RST_EXPLICIT = re.compile(r"^\.\.(?:\s|$)")
_RST_DIRECTIVE = re.compile(r"^\.\.\s+([\w:.+-]+)::\s*(.*)$")
_RST_SUBST_DEF = re.compile(r"^\.\.\s+\|([^|]+)\|\s+([\w:-]+)::\s*(.*)$")
_RST_FOOTNOTE = re.compile(r"^\.\.\s+\[([^\]]+)\]\s*(.*)$")
_RST_OPTION = re.compile(r"^:[\w .-]+:(\s|$)")
_RST_FIELD = re.compile(r"^:([^:`]+):\s+(.*)$")

# Directives whose content is not reading matter.
_RST_DROP = {
    "image", "toctree", "raw", "include", "literalinclude", "contents", "sectnum",
    "section-numbering", "meta", "highlight", "role", "default-role", "index", "target-notes",
    "header", "footer", "class", "title", "only-html", "graphviz", "plot", "autosummary",
    "automodule", "autoclass", "autofunction", "csv-table-file",
}  # fmt: skip
# Directives whose content is code or formulas: kept as written, not re-parsed.
_RST_LITERAL = {"code", "code-block", "sourcecode", "parsed-literal", "math", "productionlist"}
# Directives whose argument is a title worth keeping.
_RST_TITLED = {"admonition", "topic", "sidebar"}

_RST_INLINE = [
    (re.compile(r":[\w.+:-]+:`([^`]*)`"), lambda m: _rst_target_text(m.group(1))),  # roles
    (re.compile(r"`([^`]*)`:[\w.+:-]+:"), lambda m: m.group(1)),  # suffix roles
    (re.compile(r"`([^`<]*?)\s*<([^>`]*)>`__?"), lambda m: m.group(1) or m.group(2)),  # links
    (re.compile(r"``(.+?)``"), lambda m: m.group(1)),  # literals
    (re.compile(r"`([^`]+)`__?"), lambda m: m.group(1)),  # `named reference`_
    (re.compile(r"\[([#*]?[\w.-]*)\]_"), lambda m: f"[{m.group(1)}]"),  # footnote refs
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), lambda m: m.group(1)),
    (re.compile(r"(?<![\w*\\])\*(?=\S)(.+?)(?<=[^\s\\])\*(?![\w*])"), lambda m: m.group(1)),
    (re.compile(r"`([^`]+)`"), lambda m: m.group(1)),  # interpreted text
    (re.compile(r"(?<![\w`])(\w[\w.-]*?)__?(?=[\s.,;:!?)\]'\"]|$)"), lambda m: m.group(1)),
    (re.compile(r"\\ "), lambda m: ""),  # escaped space: "no space here"
    (re.compile(r"\\(.)"), lambda m: m.group(1)),
]


def _rst_target_text(inner: str) -> str:
    """``Text <target>`` -> ``Text``; a bare ``<target>`` or ``target`` stays as written."""
    match = re.match(r"^(.*?)\s*<([^>]*)>$", inner, re.DOTALL)
    if not match:
        return inner
    return match.group(1) or match.group(2)


def parse_rst(path: Path) -> ParsedDocument:
    """reStructuredText without docutils: section titles become headings, grid, simple, CSV and
    list tables become table blocks, directives keep only their reading matter (figure captions,
    notes, containers), and link targets, images, toctrees and comments are dropped."""
    text, notes = read_text(path)
    return _assemble(_RstReader(text).elements(), path, notes=notes)


class _RstReader:
    """A line-oriented reader for the subset of reStructuredText that documents use.

    It keeps the state that spans the file: the order in which title adornment styles appear
    (which fixes heading levels, as in docutils) and the substitution definitions.
    """

    def __init__(self, text: str) -> None:
        self.lines = [line.rstrip() for line in text.expandtabs(8).split("\n")]
        self.styles: list[tuple[str, bool]] = []
        self.level = 0  # level of the last heading, for rubrics
        self.subs = self._substitutions(self.lines)

    @staticmethod
    def _substitutions(lines: list[str]) -> dict[str, str]:
        subs: dict[str, str] = {}
        for line in lines:
            match = _RST_SUBST_DEF.match(line.strip())
            if match:
                name, directive, value = match.groups()
                subs[name] = value.strip() if directive in {"replace", "unicode"} else ""
        return subs

    def elements(self) -> list[_Element]:
        return self._parse(self.lines)

    # -- block structure ----------------------------------------------------------------
    def _parse(self, lines: list[str]) -> list[_Element]:
        out: list[_Element] = []
        para: list[str] = []
        literal_next = False
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                literal_next = self._flush(para, out) or literal_next
                i += 1
                continue
            if _indent(line) > 0 and not para:
                block, i = self._indented(lines, i)
                text = textwrap.dedent("\n".join(block)).strip("\n")
                out.extend(
                    [_Element("para", text)] if literal_next else self._parse(text.split("\n"))
                )
                literal_next = False
                continue
            literal_next = False
            consumed = self._structure(lines, i, para, out)
            if consumed:
                i = consumed
                continue
            para.append(line)
            i += 1
        self._flush(para, out)
        return out

    def _structure(self, lines: list[str], i: int, para: list[str], out: list[_Element]) -> int:
        """Try the constructs that start at line ``i``; the index after them, or 0 if none."""
        line = lines[i]
        heading = self._heading(lines, i, para)
        if heading is not None:
            element, end = heading
            self._flush(para, out)
            out.append(element)
            return end
        if para:
            return 0
        if _RST_ADORNMENT.match(line):  # a transition (horizontal rule)
            return i + 1
        if _RST_GRID_BORDER.match(line.strip()):
            element, end = self._grid_table(lines, i)
            out.append(element)
            return end
        if _RST_SIMPLE_BORDER.match(line.strip()):
            simple = self._simple_table(lines, i)
            if simple is not None:
                out.append(simple[0])
                return simple[1]
        if _RST_EXPLICIT.match(line):
            body, end = self._indented(lines, i + 1)
            out.extend(self._explicit(line, body))
            return end
        if re.match(r"^__\s+\S", line):  # anonymous hyperlink target
            return i + 1
        field = _RST_FIELD.match(line)
        if field:
            body, end = self._indented(lines, i + 1)
            value = " ".join([field.group(2), *[b.strip() for b in body if b.strip()]])
            out.append(_Element("para", f"{field.group(1).strip()}: {self._inline(value)}"))
            return end
        return 0

    def _flush(self, para: list[str], out: list[_Element]) -> bool:
        """Emit the pending paragraph; True when it ends with ``::`` (a literal block follows)."""
        if not para:
            return False
        text = _join_lines(para)
        para.clear()
        literal = text.endswith("::")
        if literal:  # "Example::" -> "Example:", "Example ::" and a lone "::" -> no colon
            head = text[:-2]
            text = head.rstrip() if not head or head.endswith(" ") else head + ":"
        text = self._inline(text)
        if text.strip() and text.strip() != ":":
            out.append(_Element("para", text))
        return literal

    @staticmethod
    def _indented(lines: list[str], start: int) -> tuple[list[str], int]:
        """Lines from ``start`` that are blank or indented: the body of the construct above."""
        end = start
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > 0):
            end += 1
        while end > start and not lines[end - 1].strip():
            end -= 1
        return lines[start:end], end

    # -- headings -----------------------------------------------------------------------
    def _heading(self, lines: list[str], i: int, para: list[str]) -> tuple[_Element, int] | None:
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        after = lines[i + 2] if i + 2 < len(lines) else ""
        if _RST_ADORNMENT.match(line) and not para and nxt.strip() and after == line.strip():
            return self._make_heading(nxt.strip(), line.strip()[0], True), i + 3
        if (
            not para
            and _indent(line) == 0
            and _RST_ADORNMENT.match(nxt)
            and not _RST_ADORNMENT.match(line)
            and not _RST_EXPLICIT.match(line)
            and len(nxt.strip()) >= min(len(line.strip()), 4)
        ):
            return self._make_heading(line.strip(), nxt.strip()[0], False), i + 2
        return None

    def _make_heading(self, title: str, char: str, overline: bool) -> _Element:
        style = (char, overline)
        if style not in self.styles:
            self.styles.append(style)
        self.level = self.styles.index(style) + 1
        return _Element("heading", self._inline(title), self.level)

    # -- tables -------------------------------------------------------------------------
    def _grid_table(self, lines: list[str], start: int) -> tuple[_Element, int]:
        indent = _indent(lines[start])
        border = lines[start][indent:]
        bounds = [pos for pos, ch in enumerate(border) if ch == "+"]
        end = start
        while end < len(lines) and lines[end][indent : indent + 1] in {"+", "|"}:
            end += 1
        rows: list[str] = []
        cells: dict[int, list[str]] = {}
        for raw in lines[start + 1 : end]:
            row_line = raw[indent:]
            if _RST_GRID_BORDER.match(row_line.strip()):
                rows.append(self._grid_row(cells))
                cells = {}
                continue
            self._grid_cells(row_line, bounds, cells)
        if cells:
            rows.append(self._grid_row(cells))
        return _Element("table", "\n".join(row for row in rows if row)), end

    @staticmethod
    def _grid_cells(row_line: str, bounds: list[int], cells: dict[int, list[str]]) -> None:
        """Split one physical line at the column bounds that really hold a ``|`` (a spanning
        cell has none), adding each piece to the cell that starts at its left bound."""
        seps = [pos for pos in bounds if pos < len(row_line) and row_line[pos] == "|"]
        for left, right in itertools.pairwise(seps):
            cells.setdefault(left, []).append(row_line[left + 1 : right])

    def _grid_row(self, cells: dict[int, list[str]]) -> str:
        texts = [self._cell(cells[key]) for key in sorted(cells)]
        return _row(texts)

    def _cell(self, parts: list[str]) -> str:
        # Pieces made only of -, = and + are the borders of a row-spanning cell, not text.
        kept = [p for p in parts if p.strip() and not re.fullmatch(r"[\s=-]*\+[\s=+-]*", p)]
        return self._inline(_join_lines(kept).replace("\n", " "))

    def _simple_table(self, lines: list[str], start: int) -> tuple[_Element, int] | None:
        border = lines[start]
        spans = [m.start() for m in re.finditer(r"=+", border)]
        last_border = None
        j = start + 1
        while j < len(lines):
            if _RST_SIMPLE_BORDER.match(lines[j].strip()):
                last_border = j
                if j + 1 >= len(lines) or not lines[j + 1].strip():
                    break
            j += 1
        if last_border is None:
            return None
        rows: list[list[str]] = []
        for line in lines[start + 1 : last_border]:
            if not line.strip() or _RST_SIMPLE_BORDER.match(line.strip()):
                continue
            if re.fullmatch(r"[-\s]+", line):  # column-span underline
                continue
            cells = [line[a:b].strip() for a, b in zip(spans, [*spans[1:], None], strict=False)]
            if rows and not cells[0]:
                rows[-1] = [
                    f"{old} {new}".strip() for old, new in zip(rows[-1], cells, strict=False)
                ]
            else:
                rows.append(cells)
        text = "\n".join(_row([self._inline(cell) for cell in row]) for row in rows)
        return _Element("table", text), last_border + 1

    # -- explicit markup: directives, footnotes, targets, comments -----------------------
    def _explicit(self, line: str, body: list[str]) -> list[_Element]:
        if _RST_SUBST_DEF.match(line):
            return []
        footnote = _RST_FOOTNOTE.match(line)
        if footnote:
            text = " ".join([footnote.group(2), *[b.strip() for b in body if b.strip()]])
            return [_Element("para", f"[{footnote.group(1)}] {self._inline(text)}")]
        directive = _RST_DIRECTIVE.match(line)
        if directive:
            return self._directive(directive.group(1).lower(), directive.group(2).strip(), body)
        return []  # a comment or a hyperlink target

    def _directive(self, name: str, argument: str, body: list[str]) -> list[_Element]:
        options, content = self._split_options(body)
        if name in _RST_DROP:
            return []
        if name in _RST_LITERAL:
            return [_Element("para", "\n".join(content).strip("\n"))] if content else []
        if name == "figure":  # the image goes, the caption and legend stay
            return self._parse(content)
        if name == "rubric":
            return [_Element("heading", self._inline(argument), self.level + 1)] if argument else []
        if name in {"csv-table", "list-table", "table"}:
            return self._table_directive(name, argument, options, content)
        out = [_Element("para", self._inline(argument))] if argument and name in _RST_TITLED else []
        return out + self._parse(content)

    @staticmethod
    def _split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
        """A directive body: ``:option: value`` lines first, then the content (dedented)."""
        lines = textwrap.dedent("\n".join(body)).split("\n") if body else []
        options: dict[str, str] = {}
        i = 0
        while i < len(lines) and _RST_OPTION.match(lines[i]):
            key, _, value = lines[i][1:].partition(":")
            options[key.strip()] = value.strip()
            i += 1
        return options, lines[i:]

    def _table_directive(
        self, name: str, caption: str, options: dict[str, str], content: list[str]
    ) -> list[_Element]:
        if name == "table":
            elements = self._parse(content)
            tables = [e for e in elements if e.kind == "table"]
            if tables and caption:
                tables[0].caption = self._inline(caption)
            return elements
        rows = self._csv_rows(options, content) if name == "csv-table" else _list_table(content)
        text = "\n".join(_row([self._inline(cell) for cell in row]) for row in rows)
        element = _Element("table", text, caption=self._inline(caption) if caption else None)
        return [_Element("para", element.caption), element] if element.caption else [element]

    @staticmethod
    def _csv_rows(options: dict[str, str], content: list[str]) -> list[list[str]]:
        rows: list[list[str]] = []
        if options.get("header"):
            rows.extend(csv.reader([options["header"]], skipinitialspace=True))
        body = [line for line in content if line.strip()]
        rows.extend(csv.reader(body, skipinitialspace=True))
        return rows

    # -- inline markup ------------------------------------------------------------------
    def _inline(self, text: str) -> str:
        if self.subs:
            text = re.sub(
                r"\|([^|\s][^|]*?)\|(?:__?)?",
                lambda m: self.subs.get(m.group(1), m.group(0)),
                text,
            )
        for pattern, replace in _RST_INLINE:
            text = pattern.sub(replace, text)
        return (
            _squash(text) if "\n" not in text else "\n".join(_squash(x) for x in text.split("\n"))
        )


def _list_table(content: list[str]) -> list[list[str]]:
    """``.. list-table::`` content: a bullet list of rows, each a bullet list of cells."""
    rows: list[list[str]] = []
    for line in content:
        first = re.match(r"^[*-]\s+[*-]\s+(.*)$", line)
        cell = re.match(r"^\s+[*-]\s+(.*)$", line)
        if first:
            rows.append([first.group(1).strip()])
        elif cell and rows:
            rows[-1].append(cell.group(1).strip())
        elif line.strip() and rows:
            rows[-1][-1] = f"{rows[-1][-1]} {line.strip()}"
    return rows


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------
_HTML_SKIP = {
    "script", "style", "nav", "noscript", "template", "svg", "iframe", "object", "canvas",
    "button", "select", "textarea", "math",
}  # fmt: skip
_HTML_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "ul", "ol", "dl",
    "dt", "dd", "blockquote", "figure", "figcaption", "address", "form", "fieldset", "body",
    "html", "hr", "details", "summary",
}  # fmt: skip
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def parse_html(path: Path) -> ParsedDocument:
    """HTML with the standard library's tokenizer: headings, paragraphs, lists and tables kept;
    scripts, styles, navigation and form controls dropped. Nothing in the page is executed or
    fetched."""
    data = _read_bytes(path)
    declared = _HTML_CHARSET.search(data[:4096])
    text, notes = decode_text(
        data, declared=declared.group(1).decode("ascii") if declared else None
    )
    collector = _HtmlCollector()
    collector.feed(text)
    collector.close()
    return _assemble(collector.finish(), path, notes=notes, title_hint=collector.page_title())


class _HtmlCollector(HTMLParser):
    """Turns the tag stream into :class:`_Element` s; tolerant of unclosed tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[_Element] = []
        self.buf: list[str] = []
        self.skip = 0
        self.pre = 0
        self.heading: int | None = None
        self.item_prefix = ""
        self.title_parts: list[str] | None = None
        self.title_text = ""
        self.table_depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.caption: list[str] | None = None
        self.caption_text = ""

    # -- tags ---------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            self.skip += 1 if tag in _HTML_SKIP else 0
            return
        if tag in _HTML_SKIP:
            self.skip = 1
        elif tag == "title":
            self.title_parts = []
        elif self.table_depth:
            self._table_start(tag)
        elif tag == "table":
            self._flush()
            self.table_depth, self.rows, self.caption, self.caption_text = 1, [], None, ""
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading = int(tag[1])
        elif tag == "br":
            self.buf.append("\n")
        elif tag == "li":
            self._flush()
            self.item_prefix = "- "
        elif tag == "pre":
            self._flush()
            self.pre += 1
        elif tag in _HTML_BLOCK:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_SKIP:  # a self-closed <script/> has no content to skip
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1 if tag in _HTML_SKIP else 0
            return
        if tag == "title" and self.title_parts is not None:
            self.title_text = " ".join("".join(self.title_parts).split())
            self.title_parts = None
        elif self.table_depth:
            self._table_end(tag)
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading = None
        elif tag == "pre":
            self._flush()
            self.pre = max(0, self.pre - 1)
        elif tag in _HTML_BLOCK or tag == "li":
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.title_parts is not None:
            self.title_parts.append(data)
        elif self.caption is not None:
            self.caption.append(data)
        elif self.table_depth:
            if self.cell is not None:
                self.cell.append(data)
        else:
            self.buf.append(data if self.pre else re.sub(r"\s+", " ", data))

    # -- tables -------------------------------------------------------------------------
    def _table_start(self, tag: str) -> None:
        if tag == "table":
            self.table_depth += 1
        elif self.table_depth > 1:
            if self.cell is not None:
                self.cell.append(" ")
        elif tag == "tr":
            self._close_cell()
            self.rows.append([])
        elif tag in {"td", "th"}:
            self._close_cell()
            if not self.rows:
                self.rows.append([])
            self.cell = []
        elif tag == "caption":
            self.caption = []
        elif self.cell is not None:
            self.cell.append(" ")

    def _table_end(self, tag: str) -> None:
        if tag == "table":
            self.table_depth -= 1
            if self.table_depth == 0:
                self._emit_table()
        elif self.table_depth > 1:
            return
        elif tag in {"td", "th"}:
            self._close_cell()
        elif tag == "caption" and self.caption is not None:
            self.caption_text = " ".join("".join(self.caption).split())
            self.caption = None

    def _close_cell(self) -> None:
        if self.cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
        self.cell = None

    def _emit_table(self) -> None:
        self._close_cell()
        caption = self.caption_text or None
        text = "\n".join(row for row in (_row(cells) for cells in self.rows) if row)
        if caption:
            self.out.append(_Element("para", caption))
        self.out.append(_Element("table", text, caption=caption))
        self.rows, self.cell, self.caption, self.caption_text = [], None, None, ""

    # -- paragraphs ---------------------------------------------------------------------
    def _flush(self) -> None:
        raw = "".join(self.buf)
        self.buf = []
        if self.pre:
            text = raw.strip("\n")
        else:
            text = "\n".join(" ".join(part.split()) for part in raw.split("\n"))
            text = re.sub(r"\n{2,}", "\n", text).strip()
        if not text:
            return
        if self.heading is not None:
            self.out.append(_Element("heading", " ".join(text.split()), self.heading))
            self.heading = None
        else:
            self.out.append(_Element("para", self.item_prefix + text))
        self.item_prefix = ""

    def finish(self) -> list[_Element]:
        if self.table_depth:
            self.table_depth = 0
            self._emit_table()
        self._flush()
        return self.out

    def page_title(self) -> str | None:
        return self.title_text or None


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------
def parse_docx(path: Path) -> ParsedDocument:
    """Word documents via python-docx: body paragraphs and tables in reading order; "Heading N"
    and "Title" styles become headings, list styles become "- " items, table rows become
    ``a | b``. Headers, footers and comments are not part of the text."""
    _read_bytes(path)  # empty or unreadable files fail with the usual reasons
    # Imported here so that importing the parsers does not load python-docx and lxml.
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise ParseFailure(f"not a readable .docx file ({type(exc).__name__}: {exc})") from exc
    elements: list[_Element] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            elements.append(_Element("table", _docx_table(item)))
        else:
            style = item.style.name if item.style is not None else ""
            elements.append(_docx_paragraph(item.text, style or ""))
    return _assemble(elements, path)


def _docx_paragraph(text: str, style: str) -> _Element:
    text = text.strip()
    level = re.fullmatch(r"Heading\s*(\d)", style)
    if level:
        return _Element("heading", " ".join(text.split()), int(level.group(1)))
    if style == "Title":
        return _Element("heading", " ".join(text.split()), 1)
    if style.startswith("List") and text:
        return _Element("para", f"- {text}")
    return _Element("para", text, caption_like=style == "Caption")


def _docx_table(table: DocxTable) -> str:
    rows: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated once per grid column
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        rows.append(_row(cells))
    return "\n".join(row for row in rows if row)


PARSERS: dict[str, Parser] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".rst": parse_rst,
    ".txt": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
    ".docx": parse_docx,
}
