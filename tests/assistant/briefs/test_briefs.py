"""Advisory briefs: the checker on hand-made briefs, and real briefs drafted from the small corpus,
rendered to Markdown and Word and read back.

The checker tests build a brief by hand, with an indicator table of a few rows, so each rule of
the check is seen to fail. The integration tests draft briefs for Asia-Pacific countries from the
shared corpus (``small_store``) and compare every figure with the indicator table and with the
line of the data file it cites.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from assistant import Assistant
from assistant.briefs.checker import apply_check, check_brief
from assistant.briefs.draft import TopicGate, aspect_of, aspects_of, topic_indicators
from assistant.briefs.model import (
    CHECKED_SECTIONS,
    UNSUPPORTED,
    Brief,
    Chart,
    Figure,
    FigureTable,
    Note,
    Paragraph,
    Section,
    Sentence,
    TableRow,
    list_items,
)
from assistant.briefs.render import chart_png, render_docx, render_markdown
from assistant.config import Settings
from assistant.errors import BadRequest
from assistant.indicators import IndicatorRow, shown
from assistant.models import Citation
from assistant.storage.indicators import IndicatorTable
from tests.conftest import make_settings, shared_corpus_path
from tests.scripted_openai import Script, completion, reply_json

SECTION_KEYS = ["summary", "context", "country", "comparable", "options", "gaps", "sources"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# --- a hand-made brief --------------------------------------------------------------------------

EGDI_FILE = "indicators-egdi/egdi.csv"
QUOTE = "Fiji launched an electronic procurement portal for all ministries in 2023."
PASSAGE = f"The Ministry of Finance reported progress. {QUOTE} Suppliers register online."


@pytest.fixture
def table(tmp_path: Path) -> Iterator[IndicatorTable]:
    rows = [
        IndicatorRow(
            "FJI",
            "Fiji",
            "egdi",
            2022,
            0.6235,
            "0.62350",
            EGDI_FILE,
            12,
            "UN E-Government Survey",
            rank=97,
        ),
        IndicatorRow(
            "FJI",
            "Fiji",
            "egdi",
            2024,
            0.67544,
            "0.67544",
            EGDI_FILE,
            14,
            "UN E-Government Survey",
            rank=93,
        ),
    ]
    with IndicatorTable(tmp_path / "indicators.sqlite3") as t:
        t.replace_source(EGDI_FILE, rows)
        yield t


def data_citation(n: int, row: int, line: str) -> Citation:
    return Citation(
        n=n,
        document_id="egdi",
        title="UN E-Government Survey data",
        collection="data",
        source=EGDI_FILE,
        text=line,
        data_row=row,
        score=1.0,
    )


def passage_citation(n: int, text: str = QUOTE) -> Citation:
    return Citation(
        n=n,
        document_id="d1",
        title="Procurement review",
        collection="study",
        source="reviews/fiji.pdf",
        page=4,
        page_label="2",
        text=text,
        chunk_id="d1:3",
    )


def figure(text: str, year: int = 2024, n: int = 1, kind: str = "value") -> Figure:
    return Figure(iso3="FJI", indicator="egdi", year=year, kind=kind, text=text, citation=n)  # type: ignore[arg-type]


def hand_brief(
    *,
    country: list[Sentence] | None = None,
    context: list[Sentence] | None = None,
    cells: list[Figure | None] | None = None,
) -> Brief:
    if context is None:
        context = [
            Sentence(
                text="Fiji's EGDI rose from 0.62350 in 2022 to 0.67544 in 2024.",
                citations=[2, 1],
                figures=[figure("0.62350", 2022, 2), figure("0.67544")],
            )
        ]
    if country is None:
        country = [Sentence(text=QUOTE, citations=[3], quote=True)]
    table_block = FigureTable(
        caption="EGDI by edition",
        columns=["Year", "EGDI", "Rank"],
        rows=[
            TableRow(
                label="2022", cells=[figure("0.62350", 2022, 2), figure("97", 2022, 2, "rank")]
            ),
            TableRow(
                label="2024", cells=cells or [figure("0.67544"), figure("93", 2024, 1, "rank")]
            ),
        ],
    )
    return Brief(
        id="b1",
        country="Fiji",
        iso3="FJI",
        topic="e-procurement",
        created="2025-01-01T00:00:00Z",
        sections=[
            Section(
                key="summary",
                number=1,
                title="Summary",
                blocks=[
                    Paragraph(
                        sentences=[
                            Sentence(
                                text="This draft brief on e-procurement in Fiji was prepared from the corpus."
                            ),
                        ]
                    )
                ],
            ),
            Section(
                key="context",
                number=2,
                title="Country context",
                blocks=[
                    Paragraph(sentences=context),
                    table_block,
                    Chart(caption="EGDI", years=[2022, 2024], series={"EGDI": [0.6235, 0.67544]}),
                ],
            ),
            Section(
                key="country",
                number=3,
                title="What the documents say",
                blocks=[
                    Paragraph(style="bullets", sentences=country),
                ],
            ),
            Section(
                key="comparable",
                number=4,
                title="Comparable practice elsewhere",
                blocks=[
                    Note(text="Nothing found (see section 6)."),
                ],
            ),
            Section(
                key="options",
                number=5,
                title="Options and recommendations",
                blocks=[
                    Note(text="Nothing found (see section 6)."),
                ],
            ),
            Section(
                key="gaps",
                number=6,
                title="Gaps",
                blocks=[
                    Paragraph(
                        style="bullets",
                        sentences=[
                            Sentence(
                                text="No indicator in the data measures e-procurement directly."
                            ),
                        ],
                    )
                ],
            ),
            Section(key="sources", number=7, title="Sources"),
        ],
        citations=[
            data_citation(1, 14, "2024,FJI,Fiji,93,0.67544"),
            data_citation(2, 12, "2022,FJI,Fiji,97,0.62350"),
            passage_citation(3, PASSAGE),
        ],
    )


def kinds(problems: list[Any]) -> list[str]:
    return [p.kind for p in problems]


# --- the checker ------------------------------------------------------------------------------


def test_a_sound_brief_passes(table: IndicatorTable) -> None:
    brief = hand_brief()
    assert check_brief(brief, table) == []
    apply_check(brief, table)
    markdown = render_markdown(brief)
    assert brief.problems == [] and f"**{UNSUPPORTED}**" not in markdown
    assert "Checker notes" not in markdown


def test_an_uncited_sentence_in_sections_2_to_5_is_marked_not_shipped_silently(
    table: IndicatorTable,
) -> None:
    claim = "Fiji plans to publish every contract online by 2026."
    brief = hand_brief(
        country=[Sentence(text=QUOTE, citations=[3], quote=True), Sentence(text=claim)]
    )
    problems = check_brief(brief, table)
    assert kinds(problems) == ["uncited"] and problems[0].section == "country"
    assert problems[0].text == claim
    apply_check(brief, table)
    markdown = render_markdown(brief)
    assert f"{claim[:-1]} **{UNSUPPORTED}**." in markdown  # marked where the reader sees it
    assert "## Checker notes" in markdown and "carries no citation" in markdown


def test_uncited_sentences_outside_sections_2_to_5_are_allowed(table: IndicatorTable) -> None:
    assert CHECKED_SECTIONS == ("context", "country", "comparable", "options")
    brief = hand_brief()
    assert not brief.section("summary").blocks[0].sentences[0].citations  # type: ignore[union-attr]
    assert check_brief(brief, table) == []


def test_a_citation_outside_the_sources_list_is_removed_and_marked(table: IndicatorTable) -> None:
    brief = hand_brief(country=[Sentence(text=QUOTE, citations=[3, 9], quote=True)])
    assert kinds(check_brief(brief, table)) == ["unresolved"]
    apply_check(brief, table)
    sentence = next(brief.section("country").sentences())
    assert sentence.citations == [3] and sentence.unsupported
    body, _, notes = render_markdown(brief).partition("## Checker notes")
    assert "[9]" not in body and "cites [9]" in notes


def test_a_figure_that_differs_from_the_data_is_caught(table: IndicatorTable) -> None:
    rounded = Sentence(
        text="Fiji's EGDI was 0.6754 in 2024.", citations=[1], figures=[figure("0.6754")]
    )
    problems = check_brief(hand_brief(context=[rounded]), table)
    assert kinds(problems) == ["figure"] and "'0.67544'" in problems[0].message
    # the same figure as a table cell, and a wrong rank
    brief = hand_brief(cells=[figure("0.67540"), figure("94", 2024, 1, "rank")])
    messages = [p.message for p in check_brief(brief, table)]
    assert len(messages) == 2 and all("EGDI by edition, 2024" in m for m in messages)
    apply_check(brief, table)
    assert f"0.67540 {UNSUPPORTED}" in render_markdown(brief)


def test_a_figure_must_cite_its_own_data_row(table: IndicatorTable) -> None:
    wrong_row = Sentence(
        text="Fiji's EGDI was 0.67544 in 2024.", citations=[2], figures=[figure("0.67544", n=2)]
    )
    problems = check_brief(hand_brief(context=[wrong_row]), table)
    assert (
        kinds(problems) == ["figure"]
        and "row 12" in problems[0].message
        and "row 14" in problems[0].message
    )
    not_data = Sentence(
        text="Fiji's EGDI was 0.67544 in 2024.", citations=[3], figures=[figure("0.67544", n=3)]
    )
    assert "not a data row" in check_brief(hand_brief(context=[not_data]), table)[0].message


def test_numbers_must_come_from_figures_or_cited_text(table: IndicatorTable) -> None:
    computed = Sentence(
        text="Fiji's EGDI rose by 0.05194 to 0.67544 in 2024.",
        citations=[1],
        figures=[figure("0.67544")],
    )
    problems = check_brief(hand_brief(context=[computed]), table)
    assert kinds(problems) == ["unsupported"] and "0.05194" in problems[0].message


def test_quotes_must_be_in_their_passage_and_paraphrases_close_to_it(table: IndicatorTable) -> None:
    misquoted = Sentence(
        text=QUOTE.replace("all ministries", "every island"), citations=[3], quote=True
    )
    assert kinds(check_brief(hand_brief(country=[misquoted]), table)) == ["unsupported"]
    paraphrase = Sentence(
        text="In 2023 Fiji launched an electronic portal for procurement by all ministries.",
        citations=[3],
    )
    assert check_brief(hand_brief(country=[paraphrase]), table) == []
    invented = Sentence(
        text="Fiji's customs authority abolished paper tariffs and import duties entirely.",
        citations=[3],
    )
    problems = check_brief(hand_brief(country=[invented]), table)
    assert kinds(problems) == ["unsupported"] and "content words" in problems[0].message


def test_the_brief_round_trips_through_json(table: IndicatorTable) -> None:
    brief = apply_check(hand_brief(), table)
    data = json.loads(json.dumps(brief.to_json()))
    assert data["sections"][1]["blocks"][1]["type"] == "table"
    assert Brief.model_validate(data) == brief


# --- topics -----------------------------------------------------------------------------------


def test_the_topic_gate_knows_e_words_and_head_words() -> None:
    gate = TopicGate("e-procurement")
    assert gate("Electronic procurement platforms could be expanded.")
    assert gate("The eProcurement portal went live.") and gate.exact(
        "The e-procurement system is national."
    )
    assert gate("Public procurement rules changed.") and not gate.exact(
        "Public procurement rules changed."
    )
    assert not gate("Online public services grew quickly.")
    identity = TopicGate("digital identity")
    assert identity("Most countries issue a digital identity.") and not identity(
        "Digital services grew."
    )
    government = TopicGate("digital government")
    assert government("The shift to digital government took years.")
    assert not government("Digital tools help governments govern.")


def test_the_topic_gate_reads_a_closed_compound_written_open_or_hyphenated() -> None:
    gate = TopicGate("cybersecurity")
    assert gate("We ask for support through cyber security measures.")
    assert gate.exact("Cyber-security is a priority.") and gate("Its cybersecurity agency grew.")
    assert not gate("The security of cyber systems.") and not gate("Cyberspace norms matter.")


def test_the_aspects_of_a_reform_leave_out_what_the_topic_names() -> None:
    labels = [a.label for a in aspects_of("e-participation")]
    assert (
        "participation and inclusion" not in labels and "legal and regulatory framework" in labels
    )
    assert "security and trust" not in [a.label for a in aspects_of("cybersecurity")]
    aspects = aspects_of("digital identity")
    found = aspect_of("A law on digital identity was passed and regulations followed.", aspects)
    assert found is not None and found.label == "legal and regulatory framework"
    assert aspect_of("Digital identity is widespread.", aspects) is None


def test_questions_and_table_rows_are_not_quoted() -> None:
    from assistant.briefs.draft import _complete

    assert not _complete("Are the following elements in place to support consultations on data?")
    assert not _complete(
        "Since January 2012, has/have any assessment(s) been undertaken on all relevant laws:"
    )
    assert not _complete("Subject | Identifying key databases | Time Frames | By June 2017.")
    assert _complete("Most countries have adopted a national digital identity scheme by now.")
    # prose full of names is prose
    assert _complete(
        "The Lao People's Democratic Republic adopted its Digital Economy and Society Strategy in 2021."
    )
    assert _complete(
        "Officials from the Ministry of Finance and the Fiji Procurement Office met in Suva with "
        "World Bank staff."
    )
    # a table's cells run together are not
    assert not _complete(
        "AI Public disclosure mechanism Impact assessments Across stakeholders Throughout the AI "
        "life cycle Disclosure systems Voluntary to mandatory reporting Enforcement Penalties for "
        "non-compliance."
    )


def test_an_option_rests_only_on_a_sentence_that_can_be_evidence() -> None:
    from assistant.briefs.draft import _usable_evidence

    for fit in (
        "Phase I of the programme connected every ministry to the shared platform.",
        "Most ministries now share their services and IT.",
        "Countries should assess the extent to which their laws protect personal data.",
        "The portal was designed with suppliers and now serves all ministries.",
        "The reform rests on three pillars: a legal basis, a shared platform, trained staff.",
    ):
        assert _usable_evidence(fit), fit
    for unfit in (
        "We reaffirm our commitment to an inclusive dialogue on cybersecurity.",
        "Bluntly, if the compact is to have effect, then we may need to regulate AI globally.",
        "It has benefitted from the expertise of the E-Leaders.",
        "UN DESA's Division for Public Institutions and Digital Government maintains it.",
        "Electronic government: national strategies, the EGDI, CIOs, portals.",
        "The main features are: digital identity; the protection of personal data; inclusion.",
        "In line with its aims, the Survey measures the existence of plans to raise digital skills.",
    ):
        assert not _usable_evidence(unfit), unfit


def test_where_the_country_stands_reads_a_component_against_its_composite(
    tmp_path: Path,
) -> None:
    from assistant.briefs.draft import _COMPOSITE, _Sources, _standing

    def row(code: str, value: float, printed: str, line: int) -> IndicatorRow:
        return IndicatorRow(
            "PHL",
            "Philippines",
            code,
            2024,
            value,
            printed,
            EGDI_FILE,
            line,
            "UN E-Government Survey",
        )

    with IndicatorTable(tmp_path / "indicators.sqlite3") as table:
        table.replace_source(
            EGDI_FILE,
            [
                row("egdi", 0.7, "0.70000", 2),
                row("hci", 0.65, "0.65000", 3),
                row("tii", 0.7, "0.70000", 4),
            ],
        )
        sources = _Sources(lambda n, value: data_citation(n, value.row, "x"))
        assert _COMPOSITE["hci"] == "egdi"
        code, below = _standing("PHL", "the Philippines", ["osi", "hci"], table, sources)
        assert code == "hci"  # the first of the codes the country has a value for
        assert below.text == (
            "The Philippines' Human Capital Index (HCI) was 0.65000 in 2024, below its EGDI of 0.70000."
        )
        assert below.lead == "Where the Philippines stands" and below.continues
        _, level = _standing("PHL", "the Philippines", ["tii"], table, sources)
        assert "level with its EGDI of 0.70000" in level.text
        assert _standing("PHL", "the Philippines", ["osi"], table, sources) is None


def test_topic_indicators() -> None:
    assert topic_indicators("e-procurement") == ["ims_epmis", "gtmi_eprocurement"]
    assert "gtmi_dataprivacy" in topic_indicators("data protection")
    assert topic_indicators("digital identity") == []


# --- rendering --------------------------------------------------------------------------------


def test_the_chart_is_a_png_with_its_lines_drawn() -> None:
    from PIL import Image

    png = chart_png(
        Chart(
            caption="EGDI",
            years=[2003, 2004, 2024],
            series={"EGDI": [0.2, 0.3, 0.9], "OSI": [0.1, None, 0.5]},
        )
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1600, 760)
    colours = {c for _, c in image.getcolors(maxcolors=1 << 16) or []}
    assert (0x00, 0x9E, 0xDB) in colours  # the EGDI line, in UN blue


def test_the_word_file_has_sections_tables_a_picture_and_linked_references(
    table: IndicatorTable, tmp_path: Path
) -> None:
    brief = apply_check(hand_brief(), table)
    path = render_docx(brief, tmp_path / "brief.docx")
    read_back(brief, docx.Document(str(path)))


def read_back(brief: Brief, document: Any) -> None:
    """What a Word file of ``brief`` must hold, read back with python-docx."""
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for section in brief.sections:
        assert f"{section.number}. {section.title}" in headings
    tables = [s for s in brief.sections for b in s.blocks if isinstance(b, FigureTable)]
    assert len(document.tables) == len(tables)
    assert len(document.inline_shapes) == sum(
        isinstance(b, Chart) for s in brief.sections for b in s.blocks
    )
    references = [p.text for p in document.paragraphs if re.match(r"^\[\d+\]\t", p.text)]
    assert [int(r[1 : r.index("]")]) for r in references] == [c.n for c in brief.citations]
    for citation, reference in zip(brief.citations, references, strict=True):
        assert citation.title in reference
        assert (
            f"row {citation.data_row}" if citation.data_row else f"p. {citation.page_label}"
        ) in reference
    body = document.element.body
    anchors = {link.get(f"{W}anchor") for link in body.iter(f"{W}hyperlink")}
    bookmarks = {mark.get(f"{W}name") for mark in body.iter(f"{W}bookmarkStart")}
    assert anchors and anchors <= bookmarks  # every [n] in the text jumps to its reference
    text = "\n".join(p.text for p in document.paragraphs)
    for section in brief.sections:
        if section.key in CHECKED_SECTIONS:
            for sentence in section.sentences():
                assert sentence.text[:-1] in text


def markers_resolve(markdown: str, brief: Brief) -> None:
    body, _, sources = markdown.partition("## 7. Sources")
    used = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = [int(n) for n in re.findall(r"^- \[(\d+)\] ", sources, re.M)]
    assert listed == [c.n for c in brief.citations] == list(range(1, len(listed) + 1))
    assert used and used <= set(listed) and set(listed) <= used  # every source is cited, and exists


# --- briefs drafted from the small corpus -------------------------------------------------------


@pytest.fixture(scope="module")
def assistant(small_store: Settings) -> Assistant:
    return Assistant(small_store)


ASIA_PACIFIC_FIVE = ["Fiji", "Cambodia", "Singapore", "Mongolia", "Viet Nam"]


def data_line(source: str, row: int) -> list[str]:
    path = shared_corpus_path() / source
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if number == row:
                return line.rstrip("\n").split(",")
    raise AssertionError(f"{source} has no row {row}")


@pytest.mark.slow
class TestDraftedBriefs:
    @pytest.mark.parametrize(
        ("country", "topic"), [("Fiji", "e-government"), ("Cambodia", "e-government")]
    )
    def test_every_sentence_of_sections_2_to_5_is_cited_and_checked(
        self, assistant: Assistant, country: str, topic: str
    ) -> None:
        brief = assistant.draft_brief(country, topic, audience="UNPOG advisers")
        assert [s.key for s in brief.sections] == SECTION_KEYS
        assert brief.problems == [], brief.problems
        numbers = {c.n for c in brief.citations}
        for key in CHECKED_SECTIONS:
            for sentence in brief.section(key).sentences():
                assert (
                    sentence.citations
                    and set(sentence.citations) <= numbers
                    and not sentence.unsupported
                )
        assert brief.section("context").blocks and brief.section("gaps").blocks
        markers_resolve(render_markdown(brief), brief)

    def test_each_option_is_advice_to_the_country_with_its_evidence_and_where_it_stands(
        self, assistant: Assistant
    ) -> None:
        brief = assistant.draft_brief("Fiji", "e-procurement")
        assert brief.problems == []
        items = list_items(brief.section("options").sentences())
        assert 3 <= len(items) <= 5
        aspects = []
        for option, *rest in items:
            # put to Fiji in its own words or as the lead before the passage it rests on; never a
            # sentence from another context presented as advice
            said = option.lead if option.quote else option.text
            assert said is not None and said.startswith("Fiji could "), said
            evidence = brief.citation(option.citations[0])
            assert evidence is not None and evidence.data_row is None and not evidence.data_rows
            if option.quote:
                assert option.text in evidence.text and "(evidence from " in (option.lead or "")
                aspects.append(option.lead)
            stands = [s for s in rest if s.lead == "Where Fiji stands"]
            assert len(stands) == 1 and stands[0].figures
            assert all(f.iso3 == "FJI" for f in stands[0].figures)
        assert len(aspects) == len(set(aspects))  # one option per aspect
        # an option, its evidence and where Fiji stands are one numbered item
        text = render_markdown(brief)
        assert re.search(r"^1\. \*\*.+\[\d+\]\. \*\*Where Fiji stands:\*\* Fiji's ", text, re.M)
        assert not re.search(r"^\d\. \*\*Where Fiji stands", text, re.M)

    def test_what_the_documents_say_about_cambodia_comes_from_its_documents(
        self, assistant: Assistant
    ) -> None:
        brief = assistant.draft_brief("KHM", "e-government")
        said = list(brief.section("country").sentences())
        assert any(
            "Cambodia will accelerate the development of e-government" in s.text for s in said
        )
        for sentence in said:
            cited = brief.citation(sentence.citations[0])
            assert cited is not None and "KHM_79_2024" in cited.source
            assert sentence.quote and sentence.text in cited.text
        elsewhere = [
            brief.citation(n) for s in brief.section("comparable").sentences() for n in s.citations
        ]
        assert elsewhere and all(c is not None and "KHM" not in c.source for c in elsewhere)

    def test_a_country_without_documents_on_the_topic_gets_gaps_not_padding(
        self, assistant: Assistant
    ) -> None:
        brief = assistant.draft_brief("Fiji", "e-procurement")
        assert isinstance(brief.section("country").blocks[0], Note)
        gaps = " ".join(s.text for s in brief.section("gaps").sentences())
        assert "No passage in the documents discusses e-procurement in Fiji" in gaps
        assert "OECD DGI" in gaps  # indicator datasets without Fiji
        for sentence in brief.section("comparable").sentences():
            assert TopicGate("e-procurement")(sentence.text)

    def test_with_nothing_on_the_country_section_3_quotes_its_groups_and_says_so(
        self, assistant: Assistant
    ) -> None:
        # no document of the small corpus is about Tuvalu; Fiji's statement speaks for small
        # island developing States, a group Tuvalu is in, on climate change
        brief = assistant.draft_brief("Tuvalu", "climate change")
        section = brief.section("country")
        assert isinstance(section.blocks[0], Note)
        assert section.blocks[0].text.startswith(
            "The documents hold no passage on climate change that concerns Tuvalu"
        )
        quoted = list(section.sentences())
        assert quoted and all(
            s.lead and s.lead.startswith("Small island developing States") for s in quoted
        )
        assert all(
            "Small Island Developing States" in brief.citation(s.citations[0]).text for s in quoted
        )
        assert brief.problems == []
        # a country none of whose groups the documents discuss on the topic: what was searched
        empty = assistant.draft_brief("Nauru", "quantum computing").section("country")
        assert "nor Nauru's region or groups (Micronesia," in empty.blocks[0].text

    def test_machine_floats_read_rounded_and_rows_are_one_reference_per_data_file(
        self, assistant: Assistant
    ) -> None:
        brief = assistant.draft_brief("Cambodia", "digital government")
        gtmi = [f for f in brief.section("context").figures() if f.indicator == "gtmi"]
        assert gtmi and all(re.fullmatch(r"\d\.\d{3}", f.text) for f in gtmi if f.kind == "value")
        assert brief.problems == []  # the checker holds them to the data, rounded as answers are
        text = render_markdown(brief)
        assert "*Values rounded to three decimals; the data rows cited print them in full.*" in text
        data = [c for c in brief.citations if c.data_rows]
        sources = [c.source for c in data]
        assert len(sources) == len(set(sources))  # one reference per data file
        cited = next(c for c in data if "gtmi" in c.source)
        assert cited.title == "World Bank GTMI data, rows for Cambodia"
        assert re.search(r"0\.\d{12,}", cited.text)  # the rows keep every digit
        assert len(brief.citations) < 12  # not one source per row

    @pytest.mark.parametrize("country", ASIA_PACIFIC_FIVE)
    def test_every_figure_in_section_2_is_the_data_exactly(
        self, assistant: Assistant, country: str
    ) -> None:
        brief = assistant.draft_brief(country, "digital government")
        table = assistant.indicators
        context = brief.section("context")
        figures = list(context.figures())
        iso3 = brief.iso3
        assert len(figures) >= 5 * len(
            table.series(iso3, "egdi")
        )  # EGDI, rank, OSI, HCI, TII per edition
        for fig in figures:
            value = table.value(iso3, fig.indicator, fig.year)
            assert value is not None
            # as the file prints it; a machine float to three decimals, its row in full
            expected = {"value": shown(value), "rank": str(value.rank), "group": value.group}[
                fig.kind
            ]
            assert fig.text == expected
            cited = brief.citation(fig.citation)
            # one reference per data file, holding every row its figures come from
            assert cited is not None and value.row in cited.data_rows
            assert cited.source == value.source
            line = data_line(value.source, value.row)  # the file itself, not the table
            exact = {"value": value.value_text}.get(fig.kind, fig.text)
            assert exact in line and iso3 in line
            assert ",".join(line) in cited.text
        latest = table.series(iso3, "egdi")[-1]
        text = render_markdown(brief)
        assert f"| {latest.year} | {latest.value_text} | {latest.rank} |" in text

    def test_word_and_markdown_read_back(self, assistant: Assistant, tmp_path: Path) -> None:
        brief = assistant.draft_brief("Fiji", "e-government")
        read_back(brief, docx.Document(str(render_docx(brief, tmp_path / "fiji.docx"))))
        stream = io.BytesIO()
        render_docx(brief, stream)
        assert (
            docx.Document(io.BytesIO(stream.getvalue()))
            .paragraphs[0]
            .text.startswith("Advisory brief")
        )
        markers_resolve(render_markdown(brief), brief)

    def test_drafting_is_deterministic(self, assistant: Assistant) -> None:
        first = assistant.draft_brief("Singapore", "digital government")
        second = assistant.draft_brief("Singapore", "digital government")
        assert first.id != second.id
        assert first.sections == second.sections and first.citations == second.citations

    def test_markup_in_the_topic_is_not_taken_for_markers(self, assistant: Assistant) -> None:
        brief = assistant.draft_brief("Fiji", "[1] <b>e-government</b>")
        assert brief.topic == "1 b e-government /b" and brief.problems == []
        assert brief.chart is not None and brief.chart.years[-1] == 2024
        markers_resolve(render_markdown(brief), brief)

    def test_bad_requests_name_the_field(self, assistant: Assistant) -> None:
        with pytest.raises(BadRequest, match="unknown country 'Atlantis'"):
            assistant.draft_brief("Atlantis", "e-government")
        with pytest.raises(BadRequest, match="topic is empty"):
            assistant.draft_brief("Fiji", "  ")

    def test_the_command_line_writes_word_and_markdown(
        self, small_store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from assistant import __main__ as cli

        monkeypatch.setattr(cli, "get_settings", lambda: small_store)
        out = tmp_path / "fiji.docx"
        assert (
            cli.main(["brief", "--country", "Fiji", "--topic", "e-government", "--out", str(out)])
            == 0
        )
        assert docx.Document(str(out)).paragraphs[0].text == "Advisory brief: e-government in Fiji"
        md = tmp_path / "fiji.md"
        assert (
            cli.main(["brief", "--country", "FJI", "--topic", "e-government", "--out", str(md)])
            == 0
        )
        assert md.read_text(encoding="utf-8").startswith("# Advisory brief: e-government in Fiji")
        assert (
            cli.main(
                ["brief", "--country", "Fiji", "--topic", "x", "--out", str(tmp_path / "a.pdf")]
            )
            == 2
        )


# --- with an LLM: the model writes, the same check holds ----------------------------------------

INVENTED = "Fiji abolished all public procurement rules in 1850"


@pytest.fixture
def scripted_llm(
    openai_server: Callable[[Script], str],
) -> Callable[[Callable[[str], str]], str]:
    """An OpenAI-compatible chat server whose reply is ``reply(user_message)``; returns its URL."""

    def start(reply: Callable[[str], str]) -> str:
        def script(handler: Any, request: dict[str, Any]) -> None:
            text = reply(str(request["messages"][-1]["content"]))
            reply_json(handler, 200, json.dumps(completion(text)).encode())

        return openai_server(script)

    return start


def words_of_passage_1(user: str) -> str:
    """Fourteen words of the first passage the model was given, as one sentence."""
    text = user.split("<passage", 1)[1].split(">", 1)[1].split("</passage>", 1)[0]
    words = [w for w in text.split() if not re.search(r"[\d.!?;:\[\]()&]", w)]
    return " ".join(words[:14]).rstrip(",")


@pytest.mark.slow
def test_llm_prose_is_checked_like_extractive_prose(
    small_store: Settings, scripted_llm: Callable[[Callable[[str], str]], str]
) -> None:
    url = scripted_llm(lambda user: f"{words_of_passage_1(user)} [1]. {INVENTED} [1].")
    settings = make_settings(
        small_store.data_dir,
        corpus_dirs=small_store.corpus_dirs,
        answerer="openai",
        llm_base_url=url,
        llm_model="scripted",
        llm_timeout=10,
    )
    brief = Assistant(settings).draft_brief("Fiji", "e-procurement")
    assert brief.drafted_by == "openai:scripted"
    written = [s for key in ("comparable", "options") for s in brief.section(key).sentences()]
    assert written and all(s.citations for s in written)
    invented = [s for s in written if s.text.startswith(INVENTED)]
    assert invented and all(s.unsupported for s in invented)  # marked, not shipped silently
    assert any(not s.unsupported for s in written)  # the sentence taken from the passage holds
    assert {p.text for p in brief.problems if p.kind == "unsupported"} >= {s.text for s in invented}
    assert f"{INVENTED} [" in render_markdown(brief) and f"**{UNSUPPORTED}**" in render_markdown(
        brief
    )


@pytest.mark.slow
def test_an_unusable_llm_answer_falls_back_to_extractive(
    small_store: Settings, scripted_llm: Callable[[Callable[[str], str]], str]
) -> None:
    url = scripted_llm(lambda user: "Procurement is important.")
    settings = make_settings(
        small_store.data_dir,
        corpus_dirs=small_store.corpus_dirs,
        answerer="openai",
        llm_base_url=url,
        llm_timeout=10,
    )
    brief = Assistant(settings).draft_brief("Fiji", "e-procurement")
    assert brief.drafted_by == "extractive" and brief.problems == []
    assert brief.notes and all(
        "drafted extractively" in n and "cited no passage" in n for n in brief.notes
    )
    assert all(s.quote for s in brief.section("comparable").sentences())


# --- the picture in the README ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (soffice) and pdftoppm are needed to render a brief to PDF",
)
def test_a_brief_renders_to_pdf_and_png(assistant: Assistant, tmp_path: Path) -> None:
    brief = assistant.draft_brief("Fiji", "e-government")
    source = render_docx(brief, tmp_path / "brief.docx")
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        [
            "soffice",
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "brief.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "1. Summary" in text and "7. Sources" in text and "0.67544" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.read_bytes().startswith(b"\x89PNG") and page.stat().st_size > 10_000


def test_a_sentence_that_continues_an_item_is_printed_in_it(tmp_path: Path) -> None:
    import docx

    from assistant.briefs.render import render_docx

    option = Sentence(text="Fiji could publish contracts.", citations=[1], lead="As recommended")
    stands = Sentence(
        text="Fiji's EGDI was 0.67544 in 2024.",
        citations=[1],
        lead="Where Fiji stands",
        continues=True,
    )
    other = Sentence(text="Fiji could train buyers.", citations=[1])
    assert list_items([option, stands, other]) == [[option, stands], [other]]
    brief = Brief(
        id="b",
        country="Fiji",
        iso3="FJI",
        topic="e-procurement",
        created="2026-12-06T00:00:00Z",
        sections=[
            Section(
                key="options",
                number=5,
                title="Options",
                blocks=[Paragraph(style="numbered", sentences=[option, stands, other])],
            )
        ],
    )
    text = render_markdown(brief)
    assert (
        "1. **As recommended:** Fiji could publish contracts [1]. **Where Fiji stands:** "
        "Fiji's EGDI was 0.67544 in 2024 [1].\n2. Fiji could train buyers [1]." in text
    )
    render_docx(brief, tmp_path / "b.docx")
    numbered = [
        p.text
        for p in docx.Document(str(tmp_path / "b.docx")).paragraphs
        if p.style.name == "List Number"
    ]
    assert len(numbered) == 2 and "Where Fiji stands" in numbered[0]


def test_what_another_country_did_is_put_to_the_country_as_an_option() -> None:
    from assistant.answering.extractive import Evidence
    from assistant.briefs.checker import check_brief
    from assistant.briefs.draft import _country_act, _from_practice, _Sources
    from assistant.models import Chunk, DocumentRecord, Passage

    doc = DocumentRecord("est", "EST.txt", "/c/EST.txt", "Estonia: statement", "other", ["EST"])
    text = "In 2019, Estonia launched its national digital identity card, which 98% of people use."
    passage = Passage(chunk=Chunk("est:1", "est", 1, text), document=doc)
    sources = _Sources(lambda n, value: None)  # type: ignore[arg-type,return-value]
    option = _from_practice(Evidence(passage, text, 0, len(text), 1.0), "Fiji", "FJI", sources)
    assert option is not None and not option.quote
    assert option.text == (
        "Fiji could launch its own national digital identity card, as Estonia did in 2019."
    )
    assert option.lead == "From the practice of Estonia (Estonia: statement)"
    # the checker finds it supported by the sentence it cites
    brief = _one_option_brief(option, sources)
    assert check_brief(brief) == []
    # only a country other than the brief's, acting in the past, at the sentence's opening
    assert _country_act(text, "EST") is None
    assert _country_act("Estonia leads the index on digital identity.", "FJI") is None
    assert _country_act("The Survey results show that 85% of countries have one.", "FJI") is None
    philippines = "The Philippines launched a national e-procurement platform in 2016."
    passage = Passage(chunk=Chunk("phl:1", "phl", 1, philippines), document=doc)
    other = _from_practice(
        Evidence(passage, philippines, 0, len(philippines), 1.0), "Fiji", "FJI", sources
    )
    assert other is not None and other.text == (
        "Fiji could launch a national e-procurement platform, as the Philippines did in 2016."
    )
    assert _country_act("Singapore has introduced a national AI strategy.", "FJI") == (
        "SGP",
        "introduce",
        "a national AI strategy",
        None,
    )


def _one_option_brief(option, sources):  # type: ignore[no-untyped-def]
    from assistant.briefs.model import Brief, Paragraph, Section

    section = Section(
        key="options", number=5, title="Options", blocks=[Paragraph(sentences=[option])]
    )
    return Brief(
        id="b",
        country="Fiji",
        iso3="FJI",
        topic="digital identity",
        created="2026-12-04T00:00:00Z",
        sections=[section],
        citations=sources.citations(),
    )


def test_a_recommendation_to_governments_is_put_to_the_country_and_others_stay_quoted() -> None:
    from assistant.answering.extractive import Evidence
    from assistant.briefs.draft import _options_for, _Sources
    from assistant.models import Chunk, DocumentRecord, Passage

    doc = DocumentRecord(
        "cepa", "E_2025_44.pdf", "/c/E_2025_44.pdf", "CEPA report (E/2025/44)", "un"
    )

    def evidence(text: str) -> Evidence:
        passage = Passage(chunk=Chunk("cepa:1", "cepa", 1, text, page=3), document=doc)
        return Evidence(passage, text, 0, len(text), 1.0)

    sources = _Sources(lambda n, value: None)  # type: ignore[arg-type,return-value]
    options = _options_for(
        [
            evidence("Moreover, fiscal councils could analyse procurement plans."),
            evidence("National strategies should target better coordination across domains."),
            evidence("Governments should not adopt untested systems."),
            evidence("In Kenya, the policy should be extended to all counties."),
            evidence("AI policies should go beyond incentives."),
            evidence(
                "Governments were thus encouraged to incorporate beneficial ownership "
                "transparency in their procurement regulations and to publish contracts."
            ),
        ],
        "Fiji",
        sources,
    )
    strategies, ai, advice, measure, negated, conditional = options
    assert ai.text == "Fiji's AI policies could go beyond incentives."
    # a negation is not turned into advice ("Fiji could not adopt …"), nor a sentence whose
    # opening is a condition or an attribution that cannot be dropped
    assert negated.quote and negated.text == "Governments should not adopt untested systems."
    assert conditional.quote and conditional.text.startswith("In Kenya,")
    assert (
        strategies.text
        == "Fiji's national strategies could target better coordination across domains."
    )
    assert advice.text == (
        "Fiji could incorporate beneficial ownership transparency in its procurement "
        "regulations and publish contracts."
    )
    assert advice.lead == "As recommended in CEPA report (E/2025/44)" and not advice.quote
    assert measure.text == "Fiscal councils could analyse procurement plans." and measure.quote
    assert measure.lead == "A measure from CEPA report (E/2025/44)"
    assert advice.citations == [6] and measure.citations == [1]  # each cites its own sentence
