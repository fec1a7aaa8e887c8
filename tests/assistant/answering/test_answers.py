"""Answers: routing, exact indicator figures, follow-ups, refusals, citations that resolve."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant import Assistant, Conversation, Filters, Turn
from assistant.answering.extractive import (
    ABOUT_WEIGHT,
    acronym_in,
    asked_for,
    critical_terms,
    extract,
    lacks,
    names_no_topic,
)
from assistant.answering.followups import follow_up_focus, rewrite_follow_up
from assistant.embedding import Embedder
from assistant.errors import BadRequest
from assistant.models import Chunk, DocumentRecord, Passage


@pytest.mark.parametrize(
    ("question", "previous", "expected"),
    [
        ("And in 2022?", "What was Fiji's EGDI in 2024?", "What was Fiji's EGDI in 2022?"),
        ("What about Samoa?", "What was Fiji's EGDI in 2024?", "What was Samoa's EGDI in 2024?"),
        (
            "And Viet Nam?",
            "What was the GTMI of Indonesia in 2022?",
            "What was the GTMI of Viet Nam in 2022?",
        ),
        (
            "Who chaired the Asia-Pacific Ministerial Conference on Digital Inclusion?",
            "What was Fiji's EGDI in 2024?",
            "Who chaired the Asia-Pacific Ministerial Conference on Digital Inclusion?",
        ),
        # short, complete questions that name their own subject start afresh
        ("What did Samoa say in 2024?", "What was Fiji's EGDI in 2022?", None),
        ("Which country ranked first in 2010?", "What was Fiji's EGDI in 2024?", None),
        ("How does Korea procure online?", "What was Fiji's EGDI in 2024?", None),
        # ... while short questions that point back are still follow-ups
        ("Fiji in 2016?", "What was Samoa's OSI in 2024?", "What was Fiji's OSI in 2016?"),
        (
            "And its rank?",
            "What was Fiji's EGDI in 2024?",
            "What was Fiji's EGDI in 2024? And its rank?",
        ),
        # a pronoun points back however long the question; "anything on ..." is a follow-up
        (
            "what did it say on the digital divide one",
            "what root causes does the cepa paper give for people being left behind",
            "what root causes does the cepa paper give for people being left behind "
            "what did it say on the digital divide one",
        ),
        (
            "anything on the e-procurement platforms themselves?",
            "what did cepa recommend on emergency procurement",
            "what did cepa recommend on emergency procurement "
            "anything on the e-procurement platforms themselves?",
        ),
        # a short question that does not stand alone and names nothing new asks about the
        # previous subject, whatever its first word
        (
            "so in euros the target is what?",
            "what was avg pa ict spending in 2013-15?",
            "what was avg pa ict spending in 2013-15? so in euros the target is what?",
        ),
        (
            "the savings target then",
            "what did the stability law set?",
            "what did the stability law set? the savings target then",
        ),
        # the longest cue wins: "and what about fiji?" asks the previous question for Fiji
        (
            "and what about fiji?",
            "what did tuvalu say about climate finance",
            "what did Fiji say about climate finance",
        ),
        # a country's name as typed, with a space for its hyphen, is replaced all the same
        (
            "and what about palau?",
            "timor leste became un member when",
            "Palau became un member when",
        ),
        # an opening word ("also", "so") says nothing: a complete question still stands alone
        ("Also, what did CEPA say about AI?", "What was Fiji's EGDI in 2024?", None),
        # a new group with a question of its own asks about the same documents, not the old
        # question for the group (which carries it as context, said of the new group); an
        # indicator question is asked again for the new names
        (
            "and for sids, what did they launch?",
            "which ldcs are set to graduate according to the sg annual report?",
            "which small island developing States are set to graduate according to the sg "
            "annual report? and for sids, what did they launch?",
        ),
        (
            "and in 2022, what was the rank?",
            "What was Fiji's EGDI in 2024?",
            "What was Fiji's EGDI in 2022?",
        ),
        # countries asked about a subject that named none are not put in its place
        (
            "where do india and china rank on it",
            "what is unctad's frontier technologies readiness index?",
            "what is unctad's frontier technologies readiness index? "
            "where do india and china rank on it",
        ),
    ],
)
def test_follow_up_rules(question: str, previous: str, expected: str | None) -> None:
    assert rewrite_follow_up(question, previous) == (expected or question)


def test_a_carried_follow_up_is_answered_from_its_own_words() -> None:
    previous = "what did cepa say about audit institutions and ai"
    carried = rewrite_follow_up("what about regulators", previous)
    assert follow_up_focus("what about regulators", carried) == "what about regulators"
    # a follow-up rewritten in place ("What was Samoa's EGDI in 2024?") is asked whole
    rewritten = rewrite_follow_up("What about Samoa?", "What was Fiji's EGDI in 2024?")
    assert follow_up_focus("What about Samoa?", rewritten) is None
    assert follow_up_focus("what is the egdi", "what is the egdi") is None


def test_a_follow_up_asking_only_for_a_kind_of_answer_names_no_topic() -> None:
    for kind_only in ("any numbers?", "when?", "and who?", "any stats", "what rank?"):
        assert names_no_topic(kind_only), kind_only
    for own_topic in (
        "what about regulators",  # a topic, and no kind of answer asked
        "where do india and china rank on it",  # a rank, of countries it names
        "how many audits?",
        "who chaired the session?",
    ):
        assert not names_no_topic(own_topic), own_topic


def test_a_follow_up_asking_only_for_figures_quotes_the_sentence_that_gives_them() -> None:
    text = (
        "That was particularly alarming given the rising number of armed conflicts worldwide "
        "and the impact of mental health conditions in post-conflict countries. The Committee "
        "noted with concern that more than 1 in 5 people in conflict-affected settings "
        "experienced some form of psychological distress."
    )
    previous = "what did the committee say about mental health in post-conflict countries"
    found = extract(previous, [_passage(text)], Embedder(), wanted=asked_for("any numbers?"))
    assert found.evidence[0].text.startswith("The Committee noted with concern that more than 1")
    # the best score found is still the best sentence's, however the figure comes first (less
    # the passage's share of the question's words, the same for every sentence of it, which
    # orders sentences and is not read by the gate: see extractive.ABOUT_WEIGHT)
    best = max(e.score for e in found.evidence)
    assert best > found.evidence[0].score
    assert 0 < best - found.best_score <= ABOUT_WEIGHT
    # asked as one question, the words are scored as they stand ("number" is shared)
    as_typed = extract(f"{previous} any numbers?", [_passage(text)], Embedder()).evidence
    assert as_typed[0].text.startswith("That was particularly alarming")


def test_a_follow_up_pointing_back_is_answered_from_the_passage_on_what_it_points_to() -> None:
    # "what share of them are women?" after a question on MONUSCO's troops: the share in the
    # passage on those troops, not the better-worded one on another body
    other = _passage(
        "In 2024 women made up 41 per cent of the staff of the Commission, up from 38 per cent.",
        "csw",
    )
    troops = _passage(
        "MONUSCO deployed 10,173 troops, 7.67 per cent of them women, against an authorized "
        "strength of 11,500 troops.",
        "drc",
    )
    previous = "how many troops does monusco have deployed in the drc?"
    follow_up = "what share of them are women?"
    unaware = extract(follow_up, [other, troops], Embedder()).evidence
    assert unaware[0].passage is other
    pointed = extract(follow_up, [other, troops], Embedder(), about=previous).evidence
    assert pointed[0].passage is troops


def test_a_name_heading_brings_the_biography_it_heads() -> None:
    # "Cristina Kiomi Mori (Brazil)" ends in a bracket, not a stop: a heading, followed by the
    # sentence that says who she is
    text = (
        "Cristina Kiomi Mori (Brazil)\n\nCristina Kiomi Mori is Vice Minister at the Ministry of "
        "Management and Innovation in Public Services of Brazil. In her current official role, "
        "she works in defining strategic guidelines for the Brazilian state."
    )
    question = "brazil's nominee for cepa - who is she"
    chosen = [e.text for e in extract(question, [_passage(text, "bra")], Embedder()).evidence]
    assert chosen[:2] == [
        "Cristina Kiomi Mori (Brazil)",
        "Cristina Kiomi Mori is Vice Minister at the Ministry of Management and Innovation in "
        "Public Services of Brazil.",
    ]


def test_a_title_line_is_not_read_on_from_nor_answers() -> None:
    # the document's own title on its cover states nothing: passed over, and the sentence that
    # says something is the answer the checks read (not a context sentence after the title)
    title = "Committee of Experts on Public Administration: Report on the twenty-fourth session"
    doc = DocumentRecord("cepa24", "c.txt", "/c/c.txt", title, "report", [], 2025)
    text = (
        "Report on the twenty-fourth session (7-11 April 2025). The Committee adopted a "
        "resolution on the governance of artificial intelligence.\n\nThe weather was fine."
    )
    passage = Passage(chunk=Chunk("cepa24:0", "cepa24", 0, text), document=doc)
    found = extract("report on the twenty-fourth session april 2025", [passage], Embedder())
    assert [(e.text[:22], e.context) for e in found.evidence] == [("The Committee adopted ", False)]


def test_what_a_follow_up_points_to_orders_sentences_but_does_not_pass_the_gate() -> None:
    troops = _passage(
        "MONUSCO deployed 10,173 troops, 7.67 per cent of them women, against an authorized "
        "strength of 11,500 troops.",
        "drc",
    )
    about = "how many troops does monusco have deployed in the drc?"
    alone = extract("who chaired it?", [troops], Embedder())
    pointed = extract("who chaired it?", [troops], Embedder(), about=about)
    assert pointed.evidence[0].score > alone.evidence[0].score
    assert pointed.best_score == pytest.approx(alone.best_score)


def test_critical_terms_and_acronyms() -> None:
    terms = critical_terms("What did the UNPOG workshop in Incheon recommend in 2023?")
    assert "incheon" in terms and "2023" in terms and "UNPOG" in terms
    assert "What" not in terms
    assert acronym_in("CEPA", "the Committee of Experts on Public Administration met")
    assert acronym_in("INTOSAI", "the International Organization of Supreme Audit Institutions")
    assert not acronym_in("LOSI", "the Online Service Index of the Survey")
    # a closed compound's two words give their own initials
    assert acronym_in("PBC", "the Chair of the Peacebuilding Commission")
    assert not acronym_in("GMT", "the Government met")


def test_an_acronym_is_mentioned_as_a_word_or_by_the_name_it_stands_for() -> None:
    from assistant.answering.extractive import _mentions

    assert not _mentions("DEFA", "a default rule applies")  # not inside another word
    assert _mentions("SDG", "progress on the SDGs")  # a plural or possessive may follow
    assert _mentions("ASEAN", "ASEAN's members")
    # a name its letters spell will do ...
    assert _mentions("DEFA", "the Development Facility met")
    # ... unless the question said what it stands for: then that name only
    name = "Digital Economy Framework Agreement"
    assert not _mentions("DEFA", "the Development Facility met", name, spelled=False)
    assert _mentions("DEFA", f"the {name} was signed", name, spelled=False)


def _markers_resolve(answer) -> bool:
    numbers = {c.n for c in answer.citations}
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    return bool(markers) and markers <= numbers


@pytest.fixture(scope="module")
def assistant(small_store) -> Assistant:
    return Assistant(small_store)


def test_a_follow_ups_own_words_are_read_as_its_carried_question_is(assistant: Assistant) -> None:
    # "ppl" of the turn carried is read as "people": the follow-up's own words are still its
    # own, and the sentences are chosen by them (they were lost, and the whole carried question
    # chose them)
    from assistant.answering.pipeline import _own_words

    follow_up = "and who appoints them?"
    standalone = f"how many ppl sit on cepa? {follow_up}"
    searched = f"how many people sit on cepa? {follow_up}"
    own = _own_words(follow_up, standalone, searched, None, assistant.context, ("public",))
    assert own == follow_up
    # a slip of its own is read too ("memebrs")
    typo = "and how are memebrs chosen?"
    searched = "how many people sit on cepa? and how are members chosen?"
    own = _own_words(
        typo, f"how many ppl sit on cepa? {typo}", searched, None, assistant.context, ("public",)
    )
    assert own == "and how are members chosen?"
    # read from another language, a question is searched by its meaning: no own words
    assert _own_words(follow_up, standalone, searched, "회원은?", assistant.context, None) is None


@pytest.mark.slow
def _passage(text: str, doc_id: str = "sgp") -> Passage:
    doc = DocumentRecord(doc_id, f"{doc_id}.txt", f"/c/{doc_id}.txt", doc_id, "other", [], 2024)
    return Passage(chunk=Chunk(f"{doc_id}:0", doc_id, 0, text), document=doc)


def test_a_sentence_that_points_back_comes_with_the_best_one() -> None:
    text = (
        "We will continue to support our partners in the region. "
        "I am happy to announce that Singapore will renew our capacity-building programme for the "
        "Forum of Small States. We have labelled this programme FOSS for Good, a package of "
        "digital-themed courses on leadership and governance. The weather was fine in September."
    )
    question = "What capacity-building programme did Singapore announce for small states?"
    chosen = [e.text for e in extract(question, [_passage(text)], Embedder()).evidence]
    assert chosen[0].startswith("I am happy to announce")
    assert chosen[1].startswith("We have labelled this programme")
    assert not any("weather" in c for c in chosen)


def test_a_topic_sentence_comes_with_the_particulars_that_follow_it() -> None:
    text = (
        "Internet use keeps rising in the least developed countries. "
        "Affordability remains a major barrier to digital inclusion. "
        "Three quarters of least developed countries still face mobile broadband costs exceeding "
        "5 per cent of gross national income per capita."
    )
    question = "is affordability a barrier to digital inclusion there?"
    found = extract(question, [_passage(text)], Embedder()).evidence
    assert found[0].text.startswith("Affordability remains")
    assert found[1].text.startswith("Three quarters") and not found[1].context
    # a best sentence that holds its own figures needs no particulars from the next one: that
    # is quoted for context only, and the checks on the answer do not count it
    text = (
        "Mobile broadband costs exceed 5 per cent of income in 30 of 44 countries. "
        "Some governments subsidise 2 devices per household."
    )
    question = "how much does mobile broadband cost in the least developed countries?"
    found = extract(question, [_passage(text)], Embedder()).evidence
    assert found[0].text.startswith("Mobile broadband costs") and not found[0].context
    assert [e.context for e in found[1:]] == [True]


def test_a_sentence_is_read_with_the_one_that_continues_it() -> None:
    # the overall rank, then the rank for men and for women: the second is the rest of the
    # answer to "how does that rank vs oecd countries?" (and to "and for women?")
    text = (
        "When ranked against OECD countries, Singapore's employment rate ranked high, in third "
        "place. Singapore ranks second for male employment rate (behind Iceland) and fourth for "
        "female employment rate (behind Iceland, Sweden, and New Zealand).\n\nThe next chapter "
        "turns to unemployment."
    )
    question = "how does singapore's employment rate rank vs oecd countries?"
    found = extract(question, [_passage(text)], Embedder()).evidence
    assert found[0].text.startswith("When ranked against OECD countries")
    assert found[1].text.startswith("Singapore ranks second for male") and found[1].context
    assert not any("unemployment" in e.text for e in found)


def test_a_heading_comes_with_what_it_heads() -> None:
    text = (
        "Employment Pass\n• Earn at least S$5,000 a month.\n"
        "Overseas Networks & Expertise Pass\n"
        "• Either earned a fixed monthly salary of at least S$30,000 within the last year."
    )
    question = "what about the overseas networks & expertise pass?"
    chosen = [e.text for e in extract(question, [_passage(text)], Embedder()).evidence]
    assert chosen[0] == "Overseas Networks & Expertise Pass"
    assert chosen[1].startswith("Either earned a fixed monthly salary")


def test_a_clause_ending_in_a_dash_brings_its_items_as_laws_write_them() -> None:
    text = (
        "19. No person shall be elected as President unless he is qualified for election. "
        "(2) A person shall be qualified to be elected as President if he —\n"
        "(a) is a citizen of Singapore;\n"
        "(b) is not less than 45 years of age;\n"
        "(c) is not a member of any political party."
    )
    question = "what is the minimum age to be elected president"
    texts = [e.text for e in extract(question, [_passage(text)], Embedder()).evidence]
    assert any(t.startswith("(2) A person shall be qualified") for t in texts), texts
    assert any("45 years of age" in t for t in texts), texts


def test_a_sentence_brought_twice_is_quoted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.answering import extractive

    # whichever step brings a sentence again (a list's item found in a second copy of its
    # passage, seen in a follow-up's answer as [4] = [7]), a place in a document is quoted once
    added = extractive._with_continuation

    def again(chosen, limit, next_chunk=None):  # type: ignore[no-untyped-def]
        out = added(chosen, limit, next_chunk)
        copy = _passage(out[0].passage.chunk.text)
        return [*out, replace(out[0], passage=copy)]

    monkeypatch.setattr(extractive, "_with_continuation", again)
    text = "The bureau was elected. Chair: Mr. Suman Bery (India). The weather was fine."
    quoted = extract("who was elected chair of the bureau", [_passage(text)], Embedder()).evidence
    places = [(e.passage.document.doc_id, e.start) for e in quoted]
    assert len(places) == len(set(places)), [e.text for e in quoted]


def test_a_list_announced_by_its_count_is_quoted_whole_across_passages() -> None:
    """ "Four facets were identified." closes a passage; the facets open the next one, after the
    page's running head. Each item is quoted by its first sentence."""
    doc = DocumentRecord(doc_id="dgi", source="dgi.pdf", path="/tmp/dgi.pdf", title="DGI")
    first = Chunk(
        "dgi:00001",
        "dgi",
        1,
        "The index has six dimensions. Four transversal facets were identified to assess each "
        "dimension. If analysed alone, these facets give a deeper evaluation across countries.",
    )
    second = Chunk(
        "dgi:00002",
        "dgi",
        2,
        "16 OECD DIGITAL GOVERNMENT INDEX © OECD 2020\n\n"
        "1. Strategic approach: whether governments have set a clear vision. It covers plans.\n"
        "2. Policy levers: the tools used to enable system-wide change.\n"
        "3. Implementation: the capacity to turn goals into initiatives.\n"
        "4. Monitoring: activities to assess the development of policies.\n"
        "5. Annex: a table of sources.",
    )
    question = "what 4 facets does the dgi look at for each dimension"
    chosen = extract(
        question,
        [Passage(first, doc)],
        Embedder(),
        next_chunk=lambda chunk: second if chunk is first else None,
    ).evidence
    texts = [e.text for e in chosen]
    assert texts[0].startswith("Four transversal facets")
    items = [t for t in texts if re.match(r"\d\.|[A-Z][a-z ]+:", t)]
    assert [i.split(":")[0].lstrip("0123456789. ") for i in items] == [
        "Strategic approach",
        "Policy levers",
        "Implementation",
        "Monitoring",
    ]  # four announced: the fifth numbered line is not one of them
    assert not any("It covers plans" in t for t in texts)  # an item's further sentences
    assert {e.passage.chunk.chunk_id for e in chosen if e.text in items} == {"dgi:00002"}
    # without the next passage the announcing sentence stands alone, as before
    alone = extract(question, [Passage(first, doc)], Embedder()).evidence
    assert not any("Strategic approach" in e.text for e in alone)


def test_a_count_with_no_list_right_after_it_brings_no_items() -> None:
    text = (
        "The Committee elected three new members at the session. It then adopted the report on "
        "its twenty-fourth session. The meeting closed with a statement by the Chair. "
        "(a) A note on the agenda was issued earlier.\n"
        "(b) A second note followed."
    )
    question = "how many members did the committee elect"
    chosen = [e.text for e in extract(question, [_passage(text)], Embedder()).evidence]
    assert chosen[0].startswith("The Committee elected three new members")
    assert not any("note" in c for c in chosen)
    # a count of days is a length of time, not a list
    text = "The Committee met for five days.\n(a) A note on the agenda was issued earlier."
    chosen = [
        e.text for e in extract("how long did it meet", [_passage(text)], Embedder()).evidence
    ]
    assert not any("note" in c for c in chosen)


def test_in_a_countrys_own_document_its_name_does_not_pick_the_sentence() -> None:
    """Every sentence of the Maldives' own statement is the Maldives': a sentence that names
    the country is not for that a better answer to what it says about AI."""
    doc = DocumentRecord("mdv", "MDV.txt", "/c/MDV.txt", "Maldives statement", "speech", ["MDV"])
    text = (
        "If elected, the Maldives will strive to make the UN development system more relevant. "
        "This is why we are also working on building a robust financial sector in the Maldives. "
        "We are using and expanding artificial intelligence systems to deliver essential services "
        "such as healthcare, education and social welfare."
    )
    passage = Passage(Chunk("mdv:0", "mdv", 0, text), doc)
    question = "wat ai / tech uses did maldives list in its unga79 speech"
    chosen = [e.text for e in extract(question, [passage], Embedder()).evidence]
    assert chosen[0].startswith("We are using and expanding artificial intelligence")
    # in a document about several countries, naming the one asked about still counts
    several = Passage(
        Chunk("r:0", "r", 0, text), replace(doc, doc_id="r", countries=["MDV", "FJI"])
    )
    first = extract(question, [several], Embedder()).evidence[0].text
    assert "Maldives" in first


def test_a_group_in_the_question_is_met_by_a_member_named() -> None:
    text = "Sarah Mecartney, of Vanuatu, was nominated to the Committee for 2025-2029."
    question = "Who was nominated from Oceania?"
    extraction = extract(question, [_passage(text)], Embedder())
    assert extraction.evidence and extraction.missing == []
    extraction = extract(question, [_passage("Ana Lopez, of Chile, was nominated.")], Embedder())
    assert [m.lower() for m in extraction.missing] == ["oceania"]


def test_a_question_naming_a_country_is_answered_from_passages_about_it() -> None:
    kiribati = _passage(
        "We fully support the Global Digital Compact, which will help bridge the digital divide "
        "for small island developing States.",
        "kir",
    )
    kiribati.document.countries = ["KIR"]
    samoa = _passage(
        "Samoa asks partners for support with submarine cables and digital skills for small "
        "island developing States.",
        "wsm",
    )
    samoa.document.countries = ["WSM"]
    question = "What digital support for small island developing States did Samoa ask for?"
    chosen = extract(question, [kiribati, samoa], Embedder()).evidence
    assert chosen and all(e.passage is samoa for e in chosen)
    # with no passage about the country, nothing is excluded (the refusal check decides)
    assert extract(question, [kiribati], Embedder()).evidence


def test_running_heads_and_copyright_lines_are_never_evidence() -> None:
    page = _passage(
        "26  2023 OECD DIGITAL GOVERNMENT INDEX © OECD 2024. "
        "ANNEX B. METHODOLOGICAL NOTE AND PILOT EDITION. "
        "The Digital Government Index measures the maturity of digital government policies."
    )
    texts = [
        e.text for e in extract("What does the OECD index measure?", [page], Embedder()).evidence
    ]
    assert texts and all("©" not in t and "ANNEX" not in t for t in texts)


class TestOnTheSmallCorpus:
    def test_document_answer_cites_the_printed_page(self, assistant: Assistant) -> None:
        answer = assistant.ask(
            "Which model law could countries outside the European Union use as model legislation for public procurement?"
        )
        assert answer.grounded and answer.kind == "document"
        assert "Model Law on Public Procurement" in answer.answer
        assert _markers_resolve(answer)
        first = answer.citations[0]
        assert first.source.endswith("E_2025_44.en.pdf")
        assert (first.page, first.page_label) == (21, "19/26")
        page_text = " ".join(
            c.text
            for c in assistant.store.document_chunks(first.document_id)
            if c.page == first.page
        )
        assert "Model Law on Public Procurement" in " ".join(page_text.split())

    def test_every_sentence_carries_a_marker(self, assistant: Assistant) -> None:
        answer = assistant.ask("How many ICT staff does Italy's public administration employ?")
        assert answer.grounded
        assert "32,000" in answer.answer
        sentences = [s for s in re.split(r"(?<=\])\s+", answer.answer) if s.strip()]
        assert all(re.search(r"\[\d+\]$", s.strip()) for s in sentences)

    def test_indicator_answers_are_exact_and_cite_the_row(self, assistant: Assistant) -> None:
        answer = assistant.ask(
            "What was Indonesia's Online Service Index in the 2022 UN E-Government Survey?"
        )
        assert answer.kind == "indicator" and answer.grounded
        assert "0.76440" in answer.answer
        citation = answer.citations[0]
        assert citation.source.endswith("egdi_2003_2024_long.csv") and citation.data_row
        assert "0.76440" in citation.text and "IDN" in citation.text

    def test_ranking_and_trend_give_tables(self, assistant: Assistant) -> None:
        ranking = assistant.ask("Which country ranked first in 2010?")
        assert ranking.answer.startswith("Republic of Korea ranked first") and ranking.table
        trend = assistant.ask("How has Mongolia's online service index changed since 2012?")
        assert trend.kind == "indicator" and trend.table[0]["year"] == 2012
        assert _markers_resolve(trend)

    def test_indicator_comparison(self, assistant: Assistant) -> None:
        answer = assistant.ask(
            "In the 2024 UN E-Government Survey, which had the higher EGDI, Malaysia or Thailand?"
        )
        assert "0.83510" in answer.answer and "0.81114" in answer.answer
        assert "Thailand had the higher" in answer.answer

    def test_follow_up_in_a_conversation(self, assistant: Assistant) -> None:
        conversation = Conversation(
            "c1", [Turn("What was Fiji's EGDI in 2024?", "What was Fiji's EGDI in 2024?")]
        )
        answer = assistant.ask("And in 2022?", conversation=conversation)
        assert answer.rewritten_question == "What was Fiji's EGDI in 2022?"
        assert "0.62350" in answer.answer

    def test_a_follow_up_is_searched_in_the_conversations_documents_by_its_own_words(
        self, assistant: Assistant
    ) -> None:
        # the whole conversation is about audit institutions: its passages alone never reach
        # the paragraph on regulators, which the follow-up's own words find in the same report
        first = "what did cepa say about transparency and accountability of ai in public admin"
        second = "and what should supreme audit institutions do?"
        conversation = Conversation("c2", [Turn(first, first), Turn(second, f"{first} {second}")])
        answer = assistant.ask("what about regulators", conversation=conversation)
        assert answer.grounded
        assert answer.answer.startswith("Regulators could assist in shaping the audit landscape")
        assert answer.citations[0].page_label == "18/26"

    def test_a_follow_up_asking_only_for_numbers_gets_those_of_the_conversations_topic(
        self, assistant: Assistant
    ) -> None:
        # before, "any numbers?" chose sentences by its own words: "a number of
        # recommendations" came first, it gave no figure, and the question was refused
        first = (
            "what did cepa say about mental health in post-conflict countries at its 2025 session"
        )
        conversation = Conversation("c3", [Turn(first, first)])
        answer = assistant.ask("any numbers?", conversation=conversation)
        assert answer.grounded, answer.answer
        assert answer.answer.startswith("The Committee noted with concern that more than 1 in 5")
        assert answer.citations[0].source.endswith("E_2025_44.en.pdf")

    def test_passages_naming_a_group_must_say_something_on_the_topic_asked(
        self, assistant: Assistant
    ) -> None:
        # Singapore's and Fiji's speeches name SIDS, but none of their sentences is on an
        # online university: before, they were quoted as the answer
        answer = assistant.ask("is there an online university initiative for sids")
        assert not answer.grounded and answer.kind == "refusal", answer.answer
        assert "online university" in answer.answer

    def test_missing_data_is_a_refusal_not_a_guess(self, assistant: Assistant) -> None:
        answer = assistant.ask(
            "What was Singapore's composite score in the 2023 OECD Digital Government Index?"
        )
        assert not answer.grounded

    def test_unanswerable_question_is_refused_with_closest_material(
        self, assistant: Assistant
    ) -> None:
        answer = assistant.ask(
            "What were the key recommendations of the UNPOG capacity-development workshop held in Incheon in 2023?"
        )
        assert not answer.grounded and answer.kind == "refusal"
        assert "do not answer" in answer.answer and "all collections" in answer.answer
        assert answer.citations and _markers_resolve(answer)

    def test_a_latin_script_question_is_not_refused_as_unread(self, assistant: Assistant) -> None:
        # a Latin-script question shares names and terms with English (questions in other
        # scripts: tests/assistant/answering/test_across_languages.py)
        spanish = assistant.ask("¿Qué recomendó el CEPA sobre la inteligencia artificial?")
        assert "I read the question as" not in spanish.answer

    @pytest.mark.parametrize(
        ("question", "figures", "understood"),
        [
            ("피지의 2024년 전자정부발전지수는?", ["0.67544"], "EGDI · 값 · 피지 · 2024"),
            ("斐济2024年的电子政务发展指数是多少？", ["0.67544"], "EGDI · 数值 · 斐济 · 2024"),
            (
                "Сравните Малайзию и Таиланд по индексу развития электронного правительства",
                ["0.83510", "0.81114"],
                "EGDI · сравнение · Малайзия, Таиланд",
            ),
            (
                "インドネシアの2022年のオンラインサービス指数",
                ["0.76440"],
                "OSI · 値 · インドネシア",
            ),
            (
                "¿Cuál es el índice de gobierno electrónico de Fiyi en 2024?",
                ["0.67544"],
                "valor · Fiyi",
            ),
        ],
    )
    def test_indicator_questions_in_the_regions_languages_are_answered_from_the_data(
        self, assistant: Assistant, question: str, figures: list[str], understood: str
    ) -> None:
        answer = assistant.ask(question)
        assert answer.kind == "indicator" and answer.grounded, answer.answer
        assert all(figure in answer.answer for figure in figures)
        assert understood in (answer.understood or "")  # what was asked, in the asker's words
        assert answer.language != "en" and answer.labels["read_as"] != "Read as"
        assert answer.labels["value"] and _markers_resolve(answer)

    def test_a_figure_and_its_absence_are_said_in_the_questions_language(
        self, assistant: Assistant
    ) -> None:
        value = assistant.ask("피지의 2024년 전자정부발전지수는?")
        assert value.answer == "피지 — 전자정부발전지수 (EGDI), 2024: 0.67544, 순위 93 [1]."
        absent = assistant.ask("부탄의 2030년 전자정부발전지수는?")
        assert not absent.grounded
        assert absent.answer.startswith("데이터에 부탄의 전자정부발전지수 (EGDI) 값이 없습니다")
        assert "holds no E-Government Development Index (EGDI) value" in absent.answer

    def test_a_follow_up_in_another_language_is_answered_in_the_conversations_language(
        self, assistant: Assistant
    ) -> None:
        korean = Conversation(
            "c2", [Turn("피지의 2024년 전자정부발전지수는?", "피지의 2024년 전자정부발전지수는?")]
        )
        nepal = assistant.ask("네팔은?", conversation=korean)  # "and Nepal?": Nepal alone
        assert nepal.answer == "네팔 — 전자정부발전지수 (EGDI), 2024: 0.57813, 순위 119 [1]."
        # a follow-up too short to tell its language is in the conversation's ("et en 2022 ?")
        question = (
            "quel est l'indice de développement de l'administration en ligne des Fidji en 2024 ?"
        )
        french = Conversation("c3", [Turn(question, question)])
        earlier = assistant.ask("et en 2022 ?", conversation=french)
        assert earlier.language == "fr" and "0.62350" in earlier.answer
        assert earlier.answer.startswith("Fidji — indice de développement")

    def test_filters_are_applied_and_echoed(self, assistant: Assistant) -> None:
        answer = assistant.ask(
            "What did the speech say about digital government?", Filters(countries=["Cambodia"])
        )
        assert answer.filters.countries == ["KHM"]
        assert all("KHM" in c.source for c in answer.citations)
        passages = assistant.search("digital", Filters(countries=["SGP"]), k=5)
        assert passages and {p.document.doc_id for p in passages} == {
            p.document.doc_id for p in passages if "SGP" in p.document.countries
        }

    def test_bad_filters_are_a_clear_error(self, assistant: Assistant) -> None:
        with pytest.raises(BadRequest, match="Atlantis"):
            assistant.ask("anything", Filters(countries=["Atlantis"]))
        with pytest.raises(BadRequest, match="collection"):
            assistant.ask("anything", Filters(collections=["novels"]))

    def test_country_comparison_groups_by_country(self, assistant: Assistant) -> None:
        answer = assistant.ask("Compare Singapore and Cambodia on digital transformation")
        assert answer.answer.index("**Singapore**") < answer.answer.index("**Cambodia**")
        assert _markers_resolve(answer)

    def test_hybrid_beats_nothing_found(self, assistant: Assistant) -> None:
        passages = assistant.search("UNCITRAL Model Law on Public Procurement", k=3)
        assert passages[0].document.source.endswith("E_2025_44.en.pdf")
        assert passages[0].keyword_score and passages[0].keyword_score > 0


def test_a_year_asked_for_must_be_in_the_evidence_not_only_elsewhere_in_its_document() -> None:
    text = "The employment rate for residents aged 15 and over rose to 67.5% in 2022."
    passage = _passage(text)
    whole = {"sgp": text + " This report was published in 2023."}
    question = "resident employment rate 2023"
    found = extract(question, [passage], Embedder(), document_text=whole.get)
    assert found.missing == ["2023"]
    assert not extract("resident employment rate 2022", [passage], Embedder()).missing


def test_an_acronym_the_question_defines_is_found_by_that_name() -> None:
    question = "what does the ASEAN Digital Economy Framework Agreement (DEFA) say on e-invoicing"
    text = "The ASEAN Digital Economy Framework Agreement will set common rules for e-invoicing."
    doc = DocumentRecord("d", "d.pdf", "/c/d.pdf", "Report", "un-docs", [], 2025)
    found = extract(question, [Passage(Chunk("d:0", "d", 0, text), doc)], Embedder())
    assert found.evidence and found.missing == []


def test_an_acronym_the_question_defines_stands_for_what_it_says(assistant: Assistant) -> None:
    question = "what does the ASEAN Digital Economy Framework Agreement (DEFA) say on e-invoicing"
    expansions = assistant.expansions(question)
    assert expansions["DEFA"] == "Digital Economy Framework Agreement"


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("when was the philippines' new govt procurement act (RA 12009) signed?", ["12009"]),
        ("how much is sg govt putting into smart nation 2.0?", ["nation 2.0"]),
        ("res 2786 - unmha mandate extended until when?", ["2786"]),
        ("when was republic act 10173 passed", ["10173"]),
        ("RA10173 data privacy rules", ["10173"]),
        # counts, ranks, pages, sums, values, years and document symbols name nothing
        ("how many of the 193 member states have a portal", []),
        ("singapore's 1000 officers and the top 100 countries", []),
        ("kenya ranked 116 in the egdi 2024, why?", []),
        ("what does page 250 of the survey say", []),
        ("USD 300 million for the 2030 agenda", []),
        ("korea egdi score 1.0 or rated 5.0?", []),
        ("A/80/66: chile's pledges", []),
    ],
)
def test_a_number_that_is_part_of_a_name_is_critical(question: str, named: list[str]) -> None:
    assert [
        t
        for t in critical_terms(question)
        if any(c.isdigit() for c in t) and not re.fullmatch(r"(19|20)\d\d", t)
    ] == named


def test_a_law_or_version_the_question_numbers_must_be_named_by_the_documents() -> None:
    text = "The Government Procurement Reform Act of 2003 governs public procurement."
    question = "when was the procurement act RA 12009 signed?"
    found = extract(question, [_passage(text)], Embedder(), document_text={"sgp": text}.get)
    assert found.missing == ["12009"]
    # written with a thousands separator, or elsewhere in the document, it is named
    whole = {"sgp": text + " Republic Act No. 12,009 was signed in 2024."}
    assert not extract(question, [_passage(text)], Embedder(), document_text=whole.get).missing
    versioned = "Smart Nation 2.0 was launched with a budget."
    asked = "how much is sg putting into smart nation 2.0"
    assert not extract(asked, [_passage(versioned)], Embedder()).missing
    assert extract(asked, [_passage("Smart Nation 2.05")], Embedder()).missing == ["nation 2.0"]
    # a law's number written straight after its abbreviation is named
    law = "Republic Act No.10173 protects personal data."
    assert not extract("RA 10173 data privacy", [_passage(law)], Embedder()).missing


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("whats the budget of the maldives' new presidential youth advisory board?", "a figure"),
        ("whats the total investment budget for bhutan's gelephu mindfulness city?", "a figure"),
        ("what is the cost of e-procurement systems in italy", "a figure"),
        # the budget as a topic, costs as things, and what a sum qualifies ask for no sum
        ("what did the budget say about ict", None),
        ("what costs did italy cut", None),
        ("what is the funding mechanism for the loss and damage fund", None),
        ("what is the budget process in fiji", None),
    ],
)
def test_a_sum_of_money_asked_for_by_its_name_asks_for_a_figure(
    question: str, kind: str | None
) -> None:
    asked = asked_for(question)
    assert (asked and asked[0]) == kind


def test_a_sum_asked_for_is_not_answered_by_sentences_without_one() -> None:
    text = (
        "I have also recently launched a Presidential Youth Advisory Board. "
        "This Board will advise and inform me directly, on the needs and views of young people."
    )
    found = extract("whats the budget of the youth advisory board", [_passage(text)], Embedder())
    assert found.evidence
    assert lacks("whats the budget of the youth advisory board", found.evidence) == "a figure"


def test_a_tables_note_or_source_line_ranks_below_the_statement_it_annotates() -> None:
    text = (
        "Note: Countries where income inequality went up since 1990 are shown in red. "
        "Income inequality rose in 52 of the 128 countries with data since 1990."
    )
    question = "in how many countries did income inequality go up since 1990"
    found = extract(question, [_passage(text)], Embedder())
    assert found.evidence[0].text.startswith("Income inequality rose in 52")
    from assistant.answering.extractive import _NOTE

    assert _NOTE.match("Source: OECD (2020), Digital Government Index") and _NOTE.match("Notes: a")
    assert _NOTE.match("Source(s): UNCTAD") and _NOTE.match("Note 1: Data for 2022.")
    assert not _NOTE.match("Sources of income rose in 2023: wages and rents.")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("n where was it held?", "a place"),
        ("where did the forum take place", "a place"),  # "take place" ranks nothing
        ("where has the wsis forum taken place", "a place"),
        ("wheres the summit", "a place"),
        ("which city hosts the 82nd session", "a place"),
        ("where does singapore sit on the index", "a rank"),
        ("when was it held?", "a date"),
    ],
)
def test_a_question_asking_where_asks_for_a_place(question: str, kind: str) -> None:
    asked = asked_for(question)
    assert asked is not None and asked[0] == kind


def test_a_follow_up_asking_where_quotes_the_sentence_that_gives_the_place() -> None:
    assert names_no_topic("n where was it held?")
    text = (
        "The Forum adopted its report and discussed the 2030 Agenda in depth with the members "
        "of the Forum. The Forum was held in Bangkok from 25 to 27 March 2025."
    )
    previous = "what did the asia-pacific forum discuss"
    found = extract(previous, [_passage(text)], Embedder(), wanted=asked_for("where was it held"))
    assert found.evidence[0].text.startswith("The Forum was held in Bangkok")
    # a month or a part of a document is no place
    gives_a_place = asked_for("where?")[1]  # type: ignore[index]
    assert not gives_a_place("It met in April 2025.")
    assert not gives_a_place("The duty is set out in Article 5 of the Charter.")


def test_one_that_counts_nothing_is_no_figure() -> None:
    question = "what did the committee say about extreme heat, any numbers?"
    said = "Governments should ensure that no one was left behind during extreme heat events."
    found = extract(question, [_passage(said)], Embedder())
    assert lacks(question, found.evidence) == "a figure"
    counted = "One million people faced extreme heat events, and no one was left behind."
    assert lacks(question, extract(question, [_passage(counted)], Embedder()).evidence) is None
