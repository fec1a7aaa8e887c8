"""The unpaged parsers: Markdown, reStructuredText, plain text, HTML and DOCX.

Fixtures are tiny files written into ``tmp_path``; the ``slow`` tests read the shared corpus.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ingest.parsers.base import ParsedDocument, ParseFailure
from ingest.parsers.text import (
    PARSERS,
    parse_docx,
    parse_html,
    parse_markdown,
    parse_rst,
    parse_text,
)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _check_offsets(doc: ParsedDocument) -> str:
    """Every heading and block offset must point into the page text; returns that text."""
    assert len(doc.pages) == 1
    page = doc.pages[0]
    assert page.number is None and page.label is None
    for heading in page.headings:
        assert page.text[heading.offset : heading.offset + len(heading.title)] == heading.title
    for block in page.blocks:
        assert 0 <= block.start < block.end <= len(page.text)
    return page.text


def _block_texts(doc: ParsedDocument) -> list[str]:
    page = doc.pages[0]
    return [page.text[b.start : b.end] for b in page.blocks]


# --- Markdown -------------------------------------------------------------------------------
MARKDOWN = """<!-- collection: study; countries: KOR -->
# E-Government in Asia

Intro with a [link to UNPOG](https://unpog.org) and **bold** and *emphasis*.
<!-- an editor's note
that spans lines -->

Setext section
--------------

- first item
- second item

Table 2: EGDI by country

| Country | EGDI |
| --- | ---: |
| Republic of Korea | 0.9679 |
| Mongolia | 0.7571 |

### Deeper heading

```
# not a heading
```
"""


def test_markdown_headings_text_and_table(tmp_path: Path) -> None:
    doc = parse_markdown(_write(tmp_path, "note.md", MARKDOWN))
    text = _check_offsets(doc)
    page = doc.pages[0]

    assert [(h.title, h.level) for h in page.headings] == [
        ("E-Government in Asia", 1),
        ("Setext section", 2),
        ("Deeper heading", 3),
    ]
    assert doc.title == "E-Government in Asia"
    assert "link to UNPOG" in text and "https://unpog.org" not in text
    assert "bold and emphasis." in text and "*" not in text
    assert "editor's note" not in text and "<!--" not in text
    assert "- first item\n- second item" in text
    assert "# not a heading" in text  # code kept as text, not parsed as a heading
    assert _block_texts(doc) == ["Country | EGDI\nRepublic of Korea | 0.9679\nMongolia | 0.7571"]
    assert page.blocks[0].caption == "Table 2: EGDI by country"


def test_markdown_front_matter_title_and_no_heading(tmp_path: Path) -> None:
    doc = parse_markdown(_write(tmp_path, "fm.md", "---\ntitle: 'Front Title'\n---\nJust text.\n"))
    assert doc.title == "Front Title"
    assert doc.pages[0].text == "Just text."

    plain = parse_markdown(_write(tmp_path, "plain_2019.md", "First line here\nsecond line\n"))
    assert plain.title == "First line here second line"
    assert plain.year == 2019  # from the file name


# --- reStructuredText -----------------------------------------------------------------------
RST = """.. |agency| replace:: Agency for Digital Italy

========================
Three-Year Plan Overview
========================

.. image:: media/logo.png
   :width: 50%

.. toctree::
   :maxdepth: 2

   chapter1.rst

Introduction
------------

The |agency| publishes the `National Broadband
Plan <http://example.org/bul>`__ and the `Strategy`_ [1]_.

.. _Strategy: http://example.org/strategy

-  32,000 public employees in ICT, of which approximately 18,000 in
   central administrations;

-  Over 25,000 websites.

.. figure:: media/figure1.png
   :width: 100%

   Figure 1 - Input and output of the plan

.. note::

   Only the Italian version has legal value.

.. a comment that must disappear
   with its second line

Projects
--------

+-------------+------------------------------+
| Subject     | Cloud migration of the       |
|             | data centres                 |
+=============+==============================+
| Time Frames | By March 2018                |
+-------------+------------------------------+

=====  ========
Code   Meaning
=====  ========
AgID   Agency
CAD    Digital code
=====  ========

Example::

    literal *text* kept

.. rubric:: Notes

.. [1]
   Approved in 2016.
"""


def test_rst_headings_directives_links_and_tables(tmp_path: Path) -> None:
    doc = parse_rst(_write(tmp_path, "plan.rst", RST))
    text = _check_offsets(doc)
    page = doc.pages[0]

    assert [(h.title, h.level) for h in page.headings] == [
        ("Three-Year Plan Overview", 1),
        ("Introduction", 2),
        ("Projects", 2),
        ("Notes", 3),
    ]
    assert doc.title == "Three-Year Plan Overview"
    # directive noise is gone, reading matter stays
    for noise in (".. ", "image::", "toctree", ":width:", "chapter1.rst", "logo.png", "|agency|"):
        assert noise not in text
    assert "comment that must disappear" not in text
    assert (
        "The Agency for Digital Italy publishes the National Broadband Plan and the Strategy [1]."
        in text
    )
    assert "http://example.org" not in text
    assert "- 32,000 public employees in ICT, of which approximately 18,000 in central" in text
    assert "Figure 1 - Input and output of the plan" in text
    assert "Only the Italian version has legal value." in text
    assert "Example:\n\nliteral *text* kept" in text  # literal block kept as written
    assert "[1] Approved in 2016." in text

    tables = _block_texts(doc)
    assert tables == [
        "Subject | Cloud migration of the data centres\nTime Frames | By March 2018",
        "Code | Meaning\nAgID | Agency\nCAD | Digital code",
    ]


def test_rst_csv_and_list_tables_keep_captions(tmp_path: Path) -> None:
    source = """Data
====

.. csv-table:: EGDI 2024
   :header: "Country", "EGDI"

   "Denmark", 0.9847
   "Estonia", 0.9727

.. list-table:: Owners
   :header-rows: 1

   * - Platform
     - Owner
   * - SPID
     - AgID
"""
    doc = parse_rst(_write(tmp_path, "tables.rst", source))
    _check_offsets(doc)
    blocks = doc.pages[0].blocks
    assert [b.caption for b in blocks] == ["EGDI 2024", "Owners"]
    assert _block_texts(doc) == [
        "Country | EGDI\nDenmark | 0.9847\nEstonia | 0.9727",
        "Platform | Owner\nSPID | AgID",
    ]


# --- HTML -----------------------------------------------------------------------------------
HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Page title</title>
<style>body { color: red; }</style>
<script>document.write("injected"); alert('x');</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/about">About us</a></nav>
<h1>UN E-Government Survey &amp; UNPOG</h1>
<p>The Survey assesses   193
Member States.<br>Second line.</p>
<h2>Findings</h2>
<ul><li>Denmark leads</li><li>Estonia second</li></ul>
<table><caption>Top three</caption>
<tr><th>Rank</th><th>Country</th></tr>
<tr><td>1</td><td>Denmark</td></tr>
<tr><td>3</td><td>Singapore</td></tr>
</table>
<script>var hidden = "never shown";</script>
<footer>Contact us</footer>
</body></html>
"""


def test_html_keeps_headings_paragraphs_and_tables_drops_scripts(tmp_path: Path) -> None:
    doc = parse_html(_write(tmp_path, "page.html", HTML))
    text = _check_offsets(doc)
    page = doc.pages[0]

    assert [(h.title, h.level) for h in page.headings] == [
        ("UN E-Government Survey & UNPOG", 1),
        ("Findings", 2),
    ]
    assert doc.title == "UN E-Government Survey & UNPOG"
    for hidden in ("injected", "alert", "never shown", "color: red", "About us"):
        assert hidden not in text
    assert "The Survey assesses 193 Member States.\nSecond line." in text
    assert "- Denmark leads\n\n- Estonia second" in text
    assert _block_texts(doc) == ["Rank | Country\n1 | Denmark\n3 | Singapore"]
    assert page.blocks[0].caption == "Top three"


def test_html_title_tag_is_the_fallback_title(tmp_path: Path) -> None:
    html = "<html><head><title>UNPACS | UN DESA</title></head><body><p>Knowledge base.</p></body></html>"
    doc = parse_html(_write(tmp_path, "unpacs.htm", html))
    assert doc.title == "UNPACS | UN DESA"
    assert doc.pages[0].text == "Knowledge base."


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="windows-1252"></head><body><p>Côte d’Ivoire</p></body></html>'
    )
    doc = parse_html(_write(tmp_path, "cp.html", html.encode("cp1252")))
    assert doc.pages[0].text == "Côte d’Ivoire"


# --- DOCX -----------------------------------------------------------------------------------
def test_docx_styles_become_headings_and_tables_rows(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Country Profile: Mongolia", level=0)  # "Title" style
    document.add_paragraph("Mongolia adopted its e-government strategy in 2022.")
    document.add_heading("Institutions", level=1)
    document.add_paragraph("A national CIO coordinates the programme.", style="List Bullet")
    document.add_heading("Indicators", level=2)
    table = document.add_table(rows=3, cols=2)
    values = [("Index", "Value"), ("EGDI", "0.7571"), ("EPI", "0.6")]
    for row, row_values in zip(table.rows, values, strict=True):
        for cell, value in zip(row.cells, row_values, strict=True):
            cell.text = value
    path = tmp_path / "profile.docx"
    document.save(str(path))

    doc = parse_docx(path)
    text = _check_offsets(doc)
    assert [(h.title, h.level) for h in doc.pages[0].headings] == [
        ("Country Profile: Mongolia", 1),
        ("Institutions", 1),
        ("Indicators", 2),
    ]
    assert doc.title == "Country Profile: Mongolia"
    assert "- A national CIO coordinates the programme." in text
    assert _block_texts(doc) == ["Index | Value\nEGDI | 0.7571\nEPI | 0.6"]


def test_docx_that_is_not_a_docx_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ParseFailure, match=r"not a readable \.docx"):
        parse_docx(_write(tmp_path, "fake.docx", "just text, not a zip"))


# --- plain text and decoding ----------------------------------------------------------------
def test_text_latin1_falls_back_without_crashing(tmp_path: Path) -> None:
    raw = "Rapport sur São Tomé\n\nCafé de la République, coût 5 €\n".encode("cp1252")
    doc = parse_text(_write(tmp_path, "rapport.txt", raw))
    assert doc.pages[0].text == "Rapport sur São Tomé\n\nCafé de la République, coût 5 €"
    assert doc.title == "Rapport sur São Tomé"
    assert any("cp1252" in note for note in doc.notes)


def test_text_utf8_bom_is_removed_and_headings_and_tab_tables_found(tmp_path: Path) -> None:
    raw = "\ufeffSummary\n=======\n\nYear\tEvents\n2013\t11\n2014\t8\n\nClosing words.\n"
    doc = parse_text(_write(tmp_path, "KHM_79_2024.txt", raw.encode("utf-8")))
    text = _check_offsets(doc)
    assert text.startswith("Summary")
    assert [(h.title, h.level) for h in doc.pages[0].headings] == [("Summary", 1)]
    assert _block_texts(doc) == ["Year | Events\n2013 | 11\n2014 | 8"]
    assert doc.year == 2024
    assert doc.notes == []


def test_text_utf16_with_bom_decodes(tmp_path: Path) -> None:
    doc = parse_text(_write(tmp_path, "u16.txt", "Viet Nam e-government".encode("utf-16")))
    assert doc.pages[0].text == "Viet Nam e-government"


def test_nul_bytes_are_binary_junk(tmp_path: Path) -> None:
    with pytest.raises(ParseFailure, match="binary data") as info:
        parse_text(_write(tmp_path, "junk.txt", b"PK\x03\x04\x00\x00binary\x00stuff"))
    assert info.value.status == "failed"


def test_mostly_undecodable_bytes_are_rejected(tmp_path: Path) -> None:
    rng = random.Random(7)
    junk = bytes(rng.choice([b for b in range(1, 256) if b != 0x0A]) for _ in range(4000))
    with pytest.raises(ParseFailure, match="control codes"):
        parse_markdown(_write(tmp_path, "junk.md", junk))


@pytest.mark.parametrize("suffix", [".md", ".rst", ".txt", ".html", ".docx"])
@pytest.mark.parametrize("content", [b"", b"  \n\n\t "])
def test_empty_files_fail_with_empty_file(tmp_path: Path, suffix: str, content: bytes) -> None:
    path = _write(tmp_path, f"empty{suffix}", content)
    with pytest.raises(ParseFailure) as info:
        PARSERS[suffix](path)
    assert info.value.reason == "empty file"


def test_html_without_readable_text_fails(tmp_path: Path) -> None:
    with pytest.raises(ParseFailure, match="no readable text"):
        parse_html(_write(tmp_path, "s.html", "<script>var a = 1;</script><style>p{}</style>"))


def test_parsers_mapping_covers_the_unpaged_formats() -> None:
    assert set(PARSERS) == {".md", ".markdown", ".rst", ".txt", ".html", ".htm", ".docx"}
    assert PARSERS[".htm"] is parse_html and PARSERS[".markdown"] is parse_markdown


def test_year_prefers_title_then_file_name(tmp_path: Path) -> None:
    doc = parse_markdown(_write(tmp_path, "survey_2020.md", "# E-Government Survey 2024\n\nText."))
    assert doc.year == 2024
    doc = parse_markdown(_write(tmp_path, "note.md", "# Note\n\nNo date in here."))
    assert doc.year is None


# --- the shared corpus ----------------------------------------------------------------------
# ``shared_corpus`` (tests/conftest.py) skips these when ../shared/corpus is absent.
@pytest.mark.slow
def test_italy_plan_chapter_parses_with_headings_and_facts(shared_corpus: Path) -> None:
    path = shared_corpus / "italy-ict-plan" / "01_piano-triennale-per-informatica-nella-pa.rst"
    doc = parse_rst(path)
    text = _check_offsets(doc)
    titles = [h.title for h in doc.pages[0].headings]
    assert doc.title == "Three-Year Plan for ICT in Public Administration"
    assert {"Introduction", "Context", "Document structure"} <= set(titles)
    assert "32,000 public employees in ICT" in text
    assert "National Broadband Plan" in text
    assert not re.search(r"`|^\.\. |<https?://|:width:", text, re.MULTILINE)


@pytest.mark.slow
def test_italy_plan_grid_tables_become_blocks(shared_corpus: Path) -> None:
    doc = parse_rst(shared_corpus / "italy-ict-plan" / "03_infrastrutture-fisiche.rst")
    _check_offsets(doc)
    tables = _block_texts(doc)
    assert len(tables) >= 10
    assert tables[0].splitlines()[1] == "Time Frames | In progress"
    assert all(not line.startswith("+--") for table in tables for line in table.splitlines())


@pytest.mark.slow
def test_general_debate_speech_parses(shared_corpus: Path) -> None:
    path = shared_corpus / "general-debate-2024" / "session79_2024" / "KHM_79_2024.txt"
    doc = parse_text(path)
    assert "Cambodia" in doc.pages[0].text
    assert doc.year == 2024
    assert doc.notes == []


@pytest.mark.slow
def test_every_text_file_in_the_shared_corpus_parses(shared_corpus: Path) -> None:
    paths = [p for p in sorted(shared_corpus.rglob("*")) if p.suffix.lower() in PARSERS]
    assert len(paths) > 200
    failures = {}
    for path in paths:
        try:
            _check_offsets(PARSERS[path.suffix.lower()](path))
        except ParseFailure as exc:
            failures[str(path)] = exc.reason
    assert failures == {}
