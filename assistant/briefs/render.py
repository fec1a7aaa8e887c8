"""Briefs as Markdown and as Word documents, with a chart of the EGDI across editions.

:func:`render_markdown` and :func:`render_docx` print the same brief: every sentence with its
``[n]`` markers, the indicator tables with the data rows they cite, and the numbered sources with
page labels and data rows. What the check could not verify is printed with ``[unsupported]`` and
listed in a "Checker notes" part at the end. In the Word file each ``[n]`` links to its entry in
the sources list, and the chart is an inline picture drawn by :func:`chart_png`.

This module is the one that talks to python-docx (and Pillow, for the chart); both are imported
when a brief is rendered, not when the package is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from assistant.briefs.model import (
    UNSUPPORTED,
    Brief,
    Chart,
    FigureTable,
    Note,
    Paragraph,
    Section,
    Sentence,
    list_items,
)
from assistant.models import Citation, page_words

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph

__all__ = ["chart_png", "citation_label", "render_docx", "render_markdown"]

# UN blue first; then colours that stay apart in print and for colour-blind readers.
_COLOURS = ("#009edb", "#e07b00", "#4b8b3b", "#8a3ffc", "#b5473a", "#555555")


def _markers(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def citation_label(citation: Citation) -> str:
    """Where a source is: "Title, p. 3/26 (un-docs/E_2025_44.en.pdf)" or "..., row 2184 (...)"."""
    where = ""
    if len(citation.data_rows) > 1:
        where = f" ({len(citation.data_rows)} rows)"
    elif citation.data_row is not None:
        where = f", row {citation.data_row}"
    elif citation.page_label or citation.page:
        where = f", {page_words(citation.page, citation.page_label)}"
    return f"{citation.title}{where} ({citation.source})"


def _subtitle(brief: Brief) -> str:
    parts = [f"Draft for adviser review, {brief.created[:10]}"]
    if brief.audience:
        parts.append(f"prepared for {brief.audience}")
    drafted = (
        "drafted extractively from the corpus"
        if brief.drafted_by == "extractive"
        else (f"drafted by {brief.drafted_by} from the corpus")
    )
    parts.append(drafted)
    return "; ".join(parts) + "."


_PROMISE = (
    "Every sentence in sections 2 to 5 cites its sources [n], listed in section 7; figures are "
    "as the data files print them (long machine decimals to three places) and cite their rows, "
    "which keep every digit. Check before use: anything "
    f"the checker could not verify is marked {UNSUPPORTED}."
)


# --- Markdown ----------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_<>|])", r"\\\1", text)


def _with_markers(text: str, markers: str, flag: str = "") -> str:
    """``text`` with its markers (and flag) before the full stop: "... rank 93 [1]."."""
    tail = " ".join(part for part in (markers, flag) if part)
    if not tail:
        return text
    if text[-1:] in ".!?" and not text.endswith("..."):
        return f"{text[:-1]} {tail}{text[-1]}"
    return f"{text} {tail}"


def _md_sentence(sentence: Sentence) -> str:
    text = _md_escape(sentence.text)
    if sentence.lead:
        text = f"**{_md_escape(sentence.lead)}:** {text}"
    flag = f"**{UNSUPPORTED}**" if sentence.unsupported else ""
    return _with_markers(text, _markers(sentence.citations), flag)


def _md_table(table: FigureTable) -> list[str]:
    lines = [f"*{_md_escape(table.caption)}*", ""]
    lines.append("| " + " | ".join([*table.columns, "Source"]) + " |")
    lines.append("|" + "|".join(["---:"] * len(table.columns) + [":---"]) + "|")
    for row in table.rows:
        cells = [row.label]
        for figure in row.cells:
            if figure is None:
                cells.append("")
            else:
                cells.append(figure.text + (f" {UNSUPPORTED}" if figure.unsupported else ""))
        cells.append(_markers(row.citations))
        lines.append("| " + " | ".join(cells) + " |")
    if table.note:
        lines += ["", f"*{_md_escape(table.note)}*"]
    return lines


def _md_section(brief: Brief, section: Section, chart_url: str | None) -> list[str]:
    lines = [f"## {section.number}. {section.title}", ""]
    if section.key == "sources":
        for citation in brief.citations:
            lines.append(f"- [{citation.n}] {_md_escape(citation_label(citation))}")
            for line in citation.text.splitlines() if citation.data_rows else [citation.text]:
                quote = " ".join(line.split())
                if quote:
                    lines.append(
                        f"  > {_md_escape(_clip(quote, 400))}"
                        + ("  " if citation.data_rows else "")
                    )
        lines.append("")
        return lines
    for block in section.blocks:
        if isinstance(block, Paragraph):
            if block.style == "prose":
                lines.append(" ".join(_md_sentence(s) for s in block.sentences))
            else:
                for i, item in enumerate(list_items(block.sentences), 1):
                    bullet = f"{i}." if block.style == "numbered" else "-"
                    lines.append(f"{bullet} " + " ".join(_md_sentence(s) for s in item))
        elif isinstance(block, FigureTable):
            lines.extend(_md_table(block))
        elif isinstance(block, Chart):
            if chart_url is None:
                continue
            lines.append(f"![{_md_escape(block.caption)}]({chart_url})")
        elif isinstance(block, Note):
            lines.append(f"*{_md_escape(block.text)}*")
        lines.append("")
    return lines


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_markdown(brief: Brief, *, chart_url: str | None = None) -> str:
    """The brief as Markdown. ``chart_url``: where the chart PNG is served (omitted without)."""
    lines = [f"# Advisory brief: {_md_escape(brief.topic)} in {_md_escape(brief.country)}", ""]
    lines += [f"*{_md_escape(_subtitle(brief))}*", "", f"> {_md_escape(_PROMISE)}", ""]
    for section in brief.sections:
        lines.extend(_md_section(brief, section, chart_url))
    lines.extend(_md_notes(brief))
    return "\n".join(lines).rstrip() + "\n"


def _md_notes(brief: Brief) -> list[str]:
    if not (brief.problems or brief.notes):
        return []
    lines = ["## Checker notes", ""]
    for problem in brief.problems:
        lines.append(
            f"- {UNSUPPORTED} section {_section_number(brief, problem.section)}: "
            f"“{_md_escape(_clip(problem.text, 120))}” {_md_escape(problem.message)}."
        )
    for note in brief.notes:
        lines.append(f"- {_md_escape(note)}")
    return [*lines, ""]


def _section_number(brief: Brief, key: str) -> int:
    return next((s.number for s in brief.sections if s.key == key), 0)


# --- the chart ---------------------------------------------------------------------------------


def chart_png(chart: Chart, *, width: int = 1600, height: int = 760) -> bytes:
    """A line chart of ``chart``'s series across its years (0 to 1 scale), as PNG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    unit = height / 760
    font = ImageFont.load_default(size=int(26 * unit))
    small = ImageFont.load_default(size=int(22 * unit))
    left, right, top, bottom = int(110 * unit), int(230 * unit), int(40 * unit), int(90 * unit)
    x0, x1, y0, y1 = left, width - right, top, height - bottom
    years = chart.years
    lo, hi = (min(years), max(years)) if years else (0, 1)
    span = max(hi - lo, 1)

    def x_of(year: int) -> float:
        return x0 + (year - lo) / span * (x1 - x0)

    def y_of(value: float) -> float:
        return y1 - max(0.0, min(1.0, value)) * (y1 - y0)

    for step in range(6):
        value = step / 5
        y = y_of(value)
        draw.line(
            [(x0, y), (x1, y)], fill="#dddddd" if step else "#555555", width=max(1, int(2 * unit))
        )
        label = f"{value:.1f}"
        w = draw.textlength(label, font=small)
        draw.text((x0 - w - 12 * unit, y - 12 * unit), label, fill="#333333", font=small)
    draw.line([(x0, y0), (x0, y1)], fill="#555555", width=max(1, int(2 * unit)))
    last_right = -1.0
    for year in years:
        x = x_of(year)
        draw.line([(x, y1), (x, y1 + 8 * unit)], fill="#555555", width=max(1, int(2 * unit)))
        label = str(year)
        w = draw.textlength(label, font=small)
        if x - w / 2 < last_right + 10 * unit and year != years[-1]:
            continue  # editions a year apart (2003, 2004, 2005): label the first only
        draw.text((x - w / 2, y1 + 14 * unit), label, fill="#333333", font=small)
        last_right = x + w / 2

    for i, (name, values) in enumerate(chart.series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        thick = int((7 if i == 0 else 4) * unit)
        points = [(x_of(y), y_of(v)) for y, v in zip(years, values, strict=False) if v is not None]
        if len(points) > 1:
            draw.line(points, fill=colour, width=thick, joint="curve")
        r = (7 if i == 0 else 5) * unit
        for px, py in points:
            draw.ellipse([px - r, py - r, px + r, py + r], fill=colour)
        ly = y0 + 20 * unit + i * 44 * unit
        lx = x1 + 40 * unit
        draw.line(
            [(lx, ly + 14 * unit), (lx + 50 * unit, ly + 14 * unit)], fill=colour, width=thick
        )
        draw.text((lx + 62 * unit, ly), name, fill="#222222", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- Word --------------------------------------------------------------------------------------


def _bookmark(paragraph: DocxParagraph, name: str, ident: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _link(paragraph: DocxParagraph, text: str, anchor: str, half_points: int | None = None) -> None:
    """A run of ``text`` that jumps to the bookmark ``anchor`` (a reference in section 7)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1F5F8B")
    props.append(colour)
    if half_points:
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), str(half_points))
        props.append(size)
    run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def _docx_sentence(paragraph: DocxParagraph, sentence: Sentence, known: set[int]) -> None:
    from docx.shared import RGBColor

    if sentence.lead:
        paragraph.add_run(f"{sentence.lead}: ").bold = True
    text, stop = sentence.text, ""
    if (
        text[-1:] in ".!?"
        and not text.endswith("...")
        and (sentence.citations or sentence.unsupported)
    ):
        text, stop = text[:-1], text[-1]
    paragraph.add_run(text)
    for i, n in enumerate(sentence.citations):
        if not i:
            paragraph.add_run(" ")
        if n in known:
            _link(paragraph, f"[{n}]", f"ref{n}")
        else:
            paragraph.add_run(f"[{n}]")
    if sentence.unsupported:
        flag = paragraph.add_run(f" {UNSUPPORTED}")
        flag.bold = True
        flag.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    if stop:
        paragraph.add_run(stop)


def _docx_sentences(
    paragraph: DocxParagraph, sentences: Sequence[Sentence], known: set[int]
) -> None:
    """``sentences`` run together in one Word paragraph (prose, or one list item)."""
    for i, sentence in enumerate(sentences):
        if i:
            paragraph.add_run(" ")
        _docx_sentence(paragraph, sentence, known)


def _docx_table(document: DocxDocument, table: FigureTable, known: set[int]) -> None:
    from docx.shared import Pt

    caption = document.add_paragraph()
    caption.add_run(table.caption).italic = True
    grid = document.add_table(rows=1, cols=len(table.columns) + 1)
    grid.style = "Light Grid Accent 1"
    for cell, title in zip(grid.rows[0].cells, [*table.columns, "Source"], strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        cells[0].text = row.label
        for cell, figure in zip(cells[1:], row.cells, strict=False):
            cell.text = (
                ""
                if figure is None
                else figure.text + (f" {UNSUPPORTED}" if figure.unsupported else "")
            )
        refs = cells[-1].paragraphs[0]
        for n in row.citations:
            if n in known:
                _link(refs, f"[{n}]", f"ref{n}", half_points=17)
            else:
                refs.add_run(f"[{n}]")
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)
    if table.note:
        note = document.add_paragraph()
        note.add_run(table.note).italic = True
    document.add_paragraph()


def render_docx(brief: Brief, path: str | Path | IO[bytes]) -> str | Path | IO[bytes]:
    """Write the brief as a Word document to ``path`` (a file name or a binary stream)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt, RGBColor

    document = docx.Document()
    normal: Any = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    for margin in ("left_margin", "right_margin"):
        setattr(document.sections[0], margin, Inches(0.9))
    document.core_properties.title = f"Advisory brief: {brief.topic} in {brief.country}"
    document.core_properties.subject = brief.topic
    document.core_properties.comments = f"brief {brief.id}; {brief.drafted_by}"

    document.add_heading(f"Advisory brief: {brief.topic} in {brief.country}", level=0)
    subtitle = document.add_paragraph()
    subtitle.add_run(_subtitle(brief)).italic = True
    promise = document.add_paragraph()
    run = promise.add_run(_PROMISE)
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    known = {c.n for c in brief.citations}
    for section in brief.sections:
        document.add_heading(f"{section.number}. {section.title}", level=1)
        if section.key == "sources":
            _docx_sources(document, brief)
            continue
        for block in section.blocks:
            if isinstance(block, Paragraph):
                if block.style == "prose":
                    _docx_sentences(document.add_paragraph(), block.sentences, known)
                else:
                    style = "List Number" if block.style == "numbered" else "List Bullet"
                    for sentences in list_items(block.sentences):
                        _docx_sentences(document.add_paragraph(style=style), sentences, known)
            elif isinstance(block, FigureTable):
                _docx_table(document, block, known)
            elif isinstance(block, Chart):
                document.add_picture(io.BytesIO(chart_png(block)), width=Inches(6.2))
                document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                caption = document.add_paragraph()
                caption.add_run(block.caption).italic = True
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif isinstance(block, Note):
                note = document.add_paragraph()
                note.add_run(block.text).italic = True
    if brief.problems or brief.notes:
        document.add_heading("Checker notes", level=1)
        for problem in brief.problems:
            item = document.add_paragraph(style="List Bullet")
            flag = item.add_run(f"{UNSUPPORTED} ")
            flag.bold = True
            flag.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
            item.add_run(
                f"section {_section_number(brief, problem.section)}: “{_clip(problem.text, 120)}” "
                f"{problem.message}."
            )
        for text in brief.notes:
            document.add_paragraph(text, style="List Bullet")
    document.save(str(path) if isinstance(path, Path) else path)
    return path


def _docx_sources(document: DocxDocument, brief: Brief) -> None:
    from docx.shared import Inches, Pt, RGBColor

    for citation in brief.citations:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Inches(0.4)
        paragraph.paragraph_format.first_line_indent = Inches(-0.4)
        paragraph.paragraph_format.space_after = Pt(4)
        paragraph.add_run(f"[{citation.n}]\t").bold = True
        paragraph.add_run(citation_label(citation))
        for line in citation.text.splitlines() if citation.data_rows else [citation.text]:
            quote = " ".join(line.split())
            if quote:
                run = paragraph.add_run(f"\n“{_clip(quote, 400)}”")
                run.italic = True
                run.font.size = Pt(8.5)
                run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
        _bookmark(paragraph, f"ref{citation.n}", 1000 + citation.n)
