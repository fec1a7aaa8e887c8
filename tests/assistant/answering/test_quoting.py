"""Quoted text reads well: footnotes cut at their rule, the document's own [n] never a citation,
a refusal opening in the reader's language."""

from __future__ import annotations

import pytest

from assistant.answering.citations import quoted
from assistant.answering.extractive import (
    Extraction,
    _labels_a_figure,
    _states_what_is_asked,
    asked_in_parts,
    extract,
)
from assistant.answering.refusal import refusal
from assistant.embedding import Embedder
from assistant.models import Chunk, DocumentRecord, Filters, Passage
from assistant.sentences import cites_a_work, sentences_of, states_nothing


def passage(text: str, *, title: str = "D", start: int = 100) -> Passage:
    doc = DocumentRecord(doc_id="d", source="d.pdf", path="/tmp/d.pdf", title=title)
    return Passage(Chunk(chunk_id="d:0", doc_id="d", ordinal=0, text=text, start=start), doc)


def test_a_sentence_stops_where_the_page_footnotes_begin() -> None:
    text = (
        "The Council encourages the International Organization of Supreme Audit Institutions "
        "__________ 6 Official Records of the Economic and Social Council, 2024, Supplement No. 24. "
        "It welcomed the report of the Committee on its twenty-third session."
    )
    sentences = [s for _, _, s in sentences_of(passage(text))]
    assert sentences[0] == (
        "The Council encourages the International Organization of Supreme Audit Institutions"
    )
    assert not any("Official Records" in s and "encourages" in s for s in sentences)
    start, end, _ = sentences_of(passage(text))[0]
    assert (start, end) == (100, 100 + text.index(" ____"))  # offsets still point at the page


def test_a_footnote_without_its_rule_is_no_sentence() -> None:
    """Where the text layer has no rule above the footnotes, a sentence cut by the page break
    runs into them: the footnote (its number, the document cited, "See", "Ibid.") states
    nothing and is never read on to."""
    text = (
        "The Forum gathered a record number of participants, nearly 4,000 in total, with 3,000 "
        "registered for in-person participation and another 1,000 registered for virtual\n1\n"
        "A/HRC/17/31, annex. 2 See resolution 75/1. 3 Ibid., para. 4. "
        "3 A/80/82 provides an overview of the progress made by many member states. "
        "2 A/RES/70/1 adopted the 2030 Agenda."
    )
    sentences = [s for _, _, s in sentences_of(passage(text))]
    assert not any(s.startswith(("1 A/HRC", "2 See", "3 Ibid")) for s in sentences), sentences
    assert sentences[0].startswith("The Forum gathered")
    # a statement about a document stays, however short
    assert sentences[-2].startswith("3 A/80/82 provides")
    assert sentences[-1] == "2 A/RES/70/1 adopted the 2030 Agenda."


@pytest.mark.parametrize(
    ("sentence", "cites"),
    [
        ("10 World Economic Forum, The Global Risks Report 2025 (Geneva, 2025).", True),
        ("11 World Values Survey Association, “World values survey wave 7 (2017–2022)”.", True),
        (
            "37 Dustin Mulvaney, “Opening the black box of solar energy technologies”, Science "
            "as Culture, vol. 22, No. 2 (2013).",
            True,
        ),
        ("31 See, generally, Priya Urs, “The Elusiveness of Obligations”, forthcoming.", True),
        # a claim citing its source in its own words, a claim in a footnote, a programme's line
        (
            "Digital government is understood as “the use of digital technologies” (OECD, 2014).",
            False,
        ),
        ("50 The Security Council since the adoption of resolution 2589 (2021) has acted.", False),
        (
            "46 That said, “no-go zones” have been advocated for areas prone to seismic activity.",
            False,
        ),
        (
            "9 Ocean Action panel 7, “Leveraging ocean, climate and biodiversity” 8th plenary.",
            False,
        ),
        ("3.1 The OURdata Index framework extends the pilot version (OECD, 2015).", False),
        # a count or a subject that opens a claim is no author: its words run on in lower case
        (
            "45 Member States adopted national digital strategies in 2024 (United Nations, 2024).",
            False,
        ),
        ("12 Governments in the region, “notably Fiji and Samoa”, reported gains.", False),
    ],
)
def test_a_note_citing_a_work_is_told_from_a_claim(sentence: str, cites: bool) -> None:
    assert cites_a_work(sentence) is cites
    assert states_nothing(sentence) is cites


def test_a_running_head_is_cut_whatever_the_case_of_the_title() -> None:
    """A cover prints the title in capitals ("LABOUR FORCE IN SINGAPORE 2022"), the pages'
    running heads in title case with the page number: the head is cut from the sentence the
    page's text layer runs it into."""
    text = (
        "Labour Force in Singapore 2022 |05| Labour force participation rate fell slightly in "
        "2022, but remained above pre-COVID rates. Seven in ten residents were in the labour force."
    )
    found = sentences_of(passage(text, title="LABOUR FORCE IN SINGAPORE 2022", start=0))
    start, end, first = found[0]
    assert first == (
        "Labour force participation rate fell slightly in 2022, but remained above pre-COVID rates."
    )
    assert text[start:end] == first
    # prose that opens with the title's words in another case, no page number beside them, stays
    prose = "The state of digital government in Asia in 2024 was marked by steady progress."
    kept = sentences_of(passage(prose, title="The State of Digital Government in Asia", start=0))
    assert [sentence for _, _, sentence in kept] == [prose]


def test_a_figures_caption_is_not_quoted_after_the_statement() -> None:
    """A chart's caption shares the words of a question on what the chart shows, but only names
    it: quoted after the statement that gives the figure, it is debris. A sentence that says
    what a table shows is a statement."""
    text = (
        "Seven in ten (70.0%) of our residents aged 15 and over were in the labour force. "
        "Chart 5 Labour force participation rate of residents aged 15 and over Per Cent. "
        "Source: Comprehensive Labour Force Survey, Manpower Research and Statistics Department. "
        "Table 3 shows that the labour force participation rate of residents rose in 2022."
    )
    found = extract(
        "labour force participation rate of residents aged 15 and over", [passage(text)], Embedder()
    )
    quotes = [e.text for e in found.evidence]
    assert quotes[0].startswith("Seven in ten")
    assert not any(q.startswith(("Chart 5", "Source:")) for q in quotes), quotes
    assert not _labels_a_figure("Table 3 shows that the participation rate rose in 2022.")
    assert not _labels_a_figure("Figure 4 confirms that the rate was 70.0% in 2022.")
    assert not _labels_a_figure("Table 2 and Figure 3 show that the rates rose.")
    assert not _labels_a_figure("Table of results for Fiji and Samoa, 2024, by component.")
    assert _labels_a_figure("Figure 1 Rapid expansion of frontier technologies")


def test_a_heading_is_not_quoted_with_a_tables_note_as_what_it_heads() -> None:
    """A figure's title followed by its note ("Note: Data for Germany … is not included.") heads
    no statement: the answer quotes a sentence that states something instead."""
    text = (
        "Source: OECD Survey on Digital Government 2.0.\n"
        "Figure 3. The six dimensions of the DGI, OECD average\n\n"
        "Note: Data for Germany, Greece, Slovakia, Switzerland, and the United States is not "
        "included. Refer to Methodological note.\n"
        "The DGI measures six dimensions: digital by design, data-driven public sector, "
        "government as a platform, open by default, user-driven and proactiveness."
    )
    found = extract("what are the 6 dimensions of the oecd dgi", [passage(text)], Embedder())
    quotes = [e.text for e in found.evidence]
    assert not any(q.startswith("Note:") for q in quotes), quotes
    assert any(q.startswith("The DGI measures six dimensions") for q in quotes), quotes


def test_a_sentence_giving_the_figure_asked_for_opens_the_answer() -> None:
    """Asked for a figure, the answer opens on a sentence near the best that gives one, when
    the best gives none."""
    text = (
        "Nevertheless, the labour force participation rate in 2022 was still higher than "
        "pre-COVID years. Seven in ten (70.0%) of our residents aged 15 and over were in the "
        "labour force."
    )
    found = extract("sg resident labour force participation rate 2022", [passage(text)], Embedder())
    assert found.evidence[0].text.startswith("Seven in ten"), [e.text for e in found.evidence]


def test_a_note_citing_a_work_is_never_quoted() -> None:
    """A footnote naming a report ("10 World Economic Forum, The Global Risks Report 2025 (Geneva,
    2025).") shares the words of a question about that report, but says where a claim comes
    from, not the claim: the answer quotes the claim. It keeps its place among the passage's
    sentences (they are stored by their number), it is only passed over."""
    text = (
        "These trends are causing alarm: the World Economic Forum has identified societal "
        "polarization as one of the top five global risks from 2025 to 2027. "
        "10 World Economic Forum, The Global Risks Report 2025 (Geneva, 2025). "
        "11 World Values Survey Association, “World values survey wave 7 (2017–2022)”."
    )
    numbered = [s for _, _, s in sentences_of(passage(text))]
    assert any(s.startswith("10 World Economic Forum") for s in numbered)
    found = extract("world economic forum global risks report 2025", [passage(text)], Embedder())
    quotes = [e.text for e in found.evidence]
    assert quotes and quotes[0].startswith("These trends are causing alarm")
    assert not any(cites_a_work(q) for q in quotes), quotes


def test_the_documents_own_bracketed_numbers_are_not_citation_markers() -> None:
    assert quoted("as shown in [5] and [12].") == "as shown in (5) and (12)."
    assert quoted("no markers here") == "no markers here"


def test_running_heads_references_and_table_cells_are_not_quoted() -> None:
    title = "Technology and Innovation Report 2025 Inclusive Artificial Intelligence Overview"
    text = (
        "24 Technology and Innovation Report 2025 Inclusive Artificial Intelligence Overview "
        "Few developing countries have national strategies for artificial intelligence. "
        "(4) OECD (2020), Digital Government Index (DGI): 2019 Results. "
        "[17] Welby, B. (2019), The impact of digital government on citizen well-being. "
        "Implementation3 1.0 0.5 0.3 0.6 Implementation4 1.0 0.4 0.6 0.4 Monitoring3 0.5 1.0. "
        "2022,ZAF,South Africa,B,0.5622488815008562,0.6037860082304527,0.6454796116504854. "
        "The report calls for stronger international cooperation on artificial intelligence. "
        "Over 1,234,567 people in 2,345 towns, 12 regions and 3 countries took part."
    )
    found = sentences_of(passage(text, title=title, start=0))
    quoted = [sentence for _, _, sentence in found]
    assert quoted == [
        "Few developing countries have national strategies for artificial intelligence.",
        "The report calls for stronger international cooperation on artificial intelligence.",
        "Over 1,234,567 people in 2,345 towns, 12 regions and 3 countries took part.",
    ]
    start, end, first = found[0]
    assert text[start:end] == first  # the offsets still point at the quoted words


def test_a_note_pointing_to_another_source_is_not_quoted() -> None:
    text = (
        "See https://www.ica.gov.sg/news-and-publications/newsroom/media-release/351. "
        "37 For examples, see https://aware.org.sg/wp-content/uploads/rights-of-wives.pdf; "
        "https://www.todayonline.com/singapore/govt-urged-do-more. "
        "The Government publishes its annual survey at https://example.org/survey and covers "
        "every ministry in it. "
        "See the annex for the full list of the ministries that took part in the survey this year."
    )
    quoted = [sentence for _, _, sentence in sentences_of(passage(text, start=0))]
    assert quoted == [
        "The Government publishes its annual survey at https://example.org/survey and covers "
        "every ministry in it.",
        "See the annex for the full list of the ministries that took part in the survey this year.",
    ]


def test_a_records_labels_and_values_are_not_quoted_its_prose_is() -> None:
    # a row of a table of works, as ingest/sheets.py stores it: its metadata is no statement
    # (its doi and download count are no figures of the answer), its abstract is
    text = (
        "year: 2014; title: Opening the local: full disclosure policy; authors: Canares, M. P.; "
        "doi: 10.1145/2691195.2691214; citations: 0; downloads: 113; abstract: In 2011, the "
        "government required local government units to post procurement information online. "
        "This research investigates whether this initiative has affected its audience.\n\n"
        "year: 2015; title: Open data in cities; authors: Lee, K.; citations: 4; downloads: 20."
    )
    found = sentences_of(passage(text, start=0))
    assert [sentence for _, _, sentence in found] == [
        "In 2011, the government required local government units to post procurement "
        "information online.",
        "This research investigates whether this initiative has affected its audience.",
    ]
    start, end, first = found[0]
    assert text[start:end] == first  # the offsets point at the abstract on the page


def test_a_running_head_with_its_page_number_between_bars_is_not_quoted() -> None:
    text = (
        "|02| Labour Force in Singapore 2022 More of our residents aged 25 to 64 were in "
        "employment in 2022 than a decade ago."
    )
    found = sentences_of(passage(text, title="Labour Force in Singapore 2022"))
    quoted = [sentence for _, _, sentence in found]
    assert quoted == [
        "More of our residents aged 25 to 64 were in employment in 2022 than a decade ago."
    ]


def test_entries_of_a_list_of_contents_are_not_quoted() -> None:
    doc = DocumentRecord(doc_id="c", source="c.pdf", path="/tmp/c.pdf", title="Report")
    text = (
        "Contents B. Consideration of the topic at the present session "
        "................................................................ "
        "87 Ports and port services . . . . . . . . . . . . "
        "12 The Commission held its session in Bangkok from 21 to 25 April 2025... and closed it."
    )
    chunk = Chunk(chunk_id="c:0", doc_id="c", ordinal=0, text=text, start=0)
    quoted = [sentence for _, _, sentence in sentences_of(Passage(chunk, doc))]
    assert not any(". . . ." in q or "....." in q for q in quoted), quoted
    assert any(
        q.startswith("12 The Commission held its session") or "held its session" in q
        for q in quoted
    )
    # dots inside a sentence (a form's blanks) are no leader
    form = "Respondents filled in the form (name: .........., date: ..........) and 64 per cent replied."
    chunk = Chunk(chunk_id="c:1", doc_id="c", ordinal=1, text=form, start=0)
    assert [s for _, _, s in sentences_of(Passage(chunk, doc))] == [form]


def test_the_heading_a_passage_sits_under_is_not_quoted_as_a_statement() -> None:
    text = (
        "Country profile: Bhutan (BTN)\n\n"
        "Bhutan's E-Government Development Index rose from 0.5651 in 2022 to 0.6325 in 2024."
    )
    under = passage(text)
    under.chunk.section = "Country profile: Bhutan (BTN)"
    sentences = [s for _, _, s in sentences_of(under)]
    assert sentences and not any(s.startswith("Country profile") for s in sentences)
    # without that heading the same line is read as before
    assert any(s.startswith("Country profile") for _, _, s in sentences_of(passage(text)))


def test_a_un_documents_masthead_is_not_quoted() -> None:
    # the first page of a UN document as pypdf reads it: organ and symbol, distribution line,
    # the job number's bar code with the session and agenda item, then what it says
    text = (
        "United Nations E/2025/L.23\n\nEconomic and Social Council Distr.: Limited 22 July 2025 "
        "Original: English\n\n*2512003* 2025 session 25 July 2024–30 July 2025 Agenda item 19 (f) "
        "Economic and environmental questions: public administration and development\n\n"
        "Draft resolution submitted by the Vice-President of the Council, on the basis of "
        "informal consultations."
    )
    sentences = [s for _, _, s in sentences_of(passage(text))]
    assert sentences == [
        "Draft resolution submitted by the Vice-President of the Council, on the basis of "
        "informal consultations."
    ]


def test_a_caption_ranks_below_a_statement_even_after_a_running_head() -> None:
    from assistant.answering.extractive import _CAPTION

    assert _CAPTION.match("Figure 1 Rapid expansion of frontier technologies")
    assert _CAPTION.match(
        "Inclusive Artificial Intelligence for Development Overview 2 Figure 1 Rapid expansion of "
        "frontier technologies (Market size estimates, billions of dollars)"
    )
    # a page number printed between bars, as the Singapore labour force report prints it
    assert _CAPTION.match(
        "Labour Force in Singapore 2022 |03| Chart 2 Employment rate (aged 15 and over) in "
        "Singapore and OECD countries Per Cent"
    )
    assert not _CAPTION.match("The figure for 2023 was 2 per cent, see table 1.")
    assert not _CAPTION.match("Frontier technologies could reach $16.4 trillion by 2033.")


def test_a_profiles_sentence_answers_only_questions_about_its_indicator() -> None:
    dcei = (
        "Tonga's Digital Citizen Engagement Index (DCEI) fell from 0.259 in 2020 to 0.157 in 2025,"
        " over 3 editions."
    )
    egdi = "Tonga's E-Government Development Index (EGDI) rose from 0.39064 in 2003 to 0.51639."
    # a word of the indicator's name, the indicator itself, or the country's standing
    assert _states_what_is_asked("how is tonga doing on e-gov", egdi)
    assert _states_what_is_asked("tonga dcei trend", dcei)
    assert _states_what_is_asked("how does tonga score", dcei)
    assert _states_what_is_asked("tonga citizen engagement online", dcei)
    assert _states_what_is_asked("what does the tonga profile say", dcei)
    assert _states_what_is_asked("where does tonga stand", egdi)
    assert _states_what_is_asked("how has tonga progressed since 2003", egdi)
    # the country's name alone is no topic: an election is not an index's trend
    assert not _states_what_is_asked("who won the 2025 tonga election", dcei)
    assert not _states_what_is_asked("who won the 2025 tonga election", egdi)
    # a word of the name with something else asked of it ("govtech's budget"), or a question
    # mostly on something else, is not on the indicator
    gtmi = "Singapore's GovTech Maturity Index (GTMI) rose from 0.890 in 2020 to 0.927 in 2025."
    assert _states_what_is_asked("singapore govtech 2025", gtmi)
    assert not _states_what_is_asked("what's singapore govtech's budget for fy2025", gtmi)
    assert _states_what_is_asked("tonga's citizen engagement", dcei)
    assert not _states_what_is_asked("tonga digital id law passed by parliament", dcei)
    # a sentence naming no indicator (the profile's notes) is not judged here
    assert _states_what_is_asked("who won the election", "This profile is generated from data.")


def test_a_web_address_or_labelled_clauses_in_a_statement_keep_it_quoted() -> None:
    text = (
        "The portal (www.gov.sg) now lists 1,200 services for residents. "
        "Definitions: in this Act, unless the context otherwise requires; agency: means any "
        "ministry or department; data: means information in digital form."
    )
    quoted = [sentence for _, _, sentence in sentences_of(passage(text, start=0))]
    assert quoted[0] == "The portal (www.gov.sg) now lists 1,200 services for residents."
    assert quoted[1].startswith("Definitions: in this Act") and quoted[1].endswith("digital form.")


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("캄보디아 공무원 수는 몇 명인가요", "문서에서 이 질문의 답을 찾지 못했습니다"),
        ("combien de fonctionnaires compte le cambodge ?", "Les documents ne répondent pas"),
        # short English questions lingua takes for French open in English
        ("who chaired apfsd 12?", "The documents do not answer this question."),
        ("pifs leaders communique 2023", "The documents do not answer this question."),
    ],
)
def test_a_refusal_opens_in_the_readers_language(question: str, opening: str) -> None:
    answer = refusal(question, Filters(), [], Extraction())
    assert answer.answer.startswith(opening)
    assert "The documents do not answer this question." in answer.answer  # for staff


def test_a_list_set_with_the_symbol_fonts_bullet_is_read_item_by_item() -> None:
    """PDFs set in the Symbol or Wingdings fonts give their bullets as U+F0B7, U+F0A7: each item
    is a sentence of its own, quoted without the glyph, not one run-on "sentence" of the list."""
    text = (
        "Government as a platform – Detailed parameters:\n"
        "\uf0b7 Use of digital platforms to engage stakeholders in policy making\n"
        "\uf0b7 Comprehensive assessment to understand the main barriers for co-designing "
        "services between businesses and government\n"
        "\uf0a7Standardised model to develop and present business cases"  # Wingdings, no space
    )
    sentences = [s for _, _, s in sentences_of(passage(text))]
    assert len(sentences) == 4, sentences
    assert sentences[2].startswith("Comprehensive assessment"), sentences
    assert sentences[3].startswith("Standardised model"), sentences


def test_a_question_asking_two_things_is_answered_for_each() -> None:
    """ "who …, and what date …": the best sentences give the names; the one giving the date,
    near enough the best, is quoted too."""
    text = (
        "Also at the 1st meeting, statements were made by the Co-Chairs of the Preparatory "
        "Committee, the Permanent Representative of Burundi, Zéphyrin Maniratanga, and the "
        "Permanent Representative of Portugal, Rui Vinhas. At its 1st meeting, upon the proposal "
        "of the President, the forum agreed that the rules of procedure of the functional "
        "commissions of the Council would be applied to the meetings of the forum. At the 1st "
        "meeting, on 28 April, the President of the Council opened the forum and made a "
        "statement. The forum adopted its provisional agenda."
    )
    question = "who were the co-chairs of the prepcom, and what date was the 1st meeting?"
    quotes = [e.text for e in extract(question, [passage(text)], Embedder()).evidence]
    assert any("Rui Vinhas" in q for q in quotes), quotes
    assert any("28 April" in q for q in quotes), quotes
    assert [kind for kind, _ in asked_in_parts(question)] == ["a name", "a date"]
    headline = "ffd forum 2025 report - who were the co-chairs, and what date was the 1st meeting?"
    assert [kind for kind, _ in asked_in_parts(headline)] == ["a name", "a date"]
    # one thing asked, two of one kind, or a clause the question asks about: nothing to add
    assert asked_in_parts("who were the co-chairs of the prepcom?") == []
    assert asked_in_parts("who chaired and who was the rapporteur") == []
    assert asked_in_parts("who decides when the session is held") == []
    # a name typed in one part is not what another part asks for
    (_, (_, names)) = asked_in_parts("when did the Tuvalu Government join, and who signed?")
    assert not names("It was signed by the Tuvalu Government in 2019.")
    assert names("It was signed by Enele Sopoaga in 2019.")


def test_what_opens_on_a_un_job_number_is_not_quoted() -> None:
    """The foot of a UN document's first page prints its job number ("GE.25-05965 (E)",
    "25-02825 (E) 240225"); read before the masthead's lines, it opens no statement."""
    text = (
        "GE.25-05965 (E) Human Rights Council Expert Mechanism on the Rights of Indigenous "
        "Peoples Eighteenth session 14–18 July 2025 Item 2 of the provisional agenda Adoption of "
        "the agenda and organization of work Annotated provisional agenda\n\n25-02825 (E) 240225"
        "\n\n25-02826 (F) 240225\n\n"
        "The Expert Mechanism will undertake a ninth country engagement mission in Brazil."
    )
    sentences = [s for _, _, s in sentences_of(passage(text))]
    assert sentences == [
        "The Expert Mechanism will undertake a ninth country engagement mission in Brazil."
    ], sentences
