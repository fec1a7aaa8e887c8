"""What is quoted must answer what was asked: the relevance gate on a question's specific words
(answering/documents.absent_topic), the kind of answer a question asks for (a figure, a date:
extractive.lacks) and lists quoted whole (extractive._with_list_items)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.answering.documents import absent_topic, slips_read
from assistant.answering.extractive import (
    Evidence,
    _counts,
    asked_for,
    counted_words,
    extract,
    lacks,
)
from assistant.embedding import Embedder
from assistant.models import Chunk, DocumentRecord, Passage

PASSAGES = 10_000


def passage(
    text: str, *, title: str = "Report", doc_id: str = "d", section: str | None = None
) -> Passage:
    doc = DocumentRecord(doc_id, f"{doc_id}.pdf", f"/c/{doc_id}.pdf", title, "un-docs", [], 2025)
    return Passage(chunk=Chunk(f"{doc_id}:0", doc_id, 0, text, section=section), document=doc)


def evidence(text: str, **kwargs: str) -> Evidence:
    return Evidence(passage(text, **kwargs), text, 0, len(text), 1.0)


def quotes_for(question: str, passages: list[Passage]) -> list[str]:
    """The sentences :func:`extract` quotes from ``passages`` for ``question``, in order."""
    return [e.text for e in extract(question, passages, Embedder()).evidence]


def context(
    used: dict[str, int] | None = None, documents: dict[str, str] | None = None
) -> SimpleNamespace:
    """What absent_topic reads of the store: how many passages use a word stem, and the text of
    a document. A stem not listed is used by one passage in ten thousand (a specific word)."""
    used = used or {}
    return SimpleNamespace(
        frequency=lambda stem, access: (used.get(stem, 1), PASSAGES),
        document_text=lambda doc_id: (documents or {}).get(doc_id, ""),
        definition=lambda word, access: DEFINED.get(word.lower()),
    )


DEFINED = {"sdgs": "Sustainable Development Goals", "egdi": "E-Government Development Index"}


CEPA = {"CEPA": "Committee of Experts on Public Administration"}
SENTENCE = (
    "The Committee of Experts on Public Administration recommended that Governments regulate the "
    "use of artificial intelligence in the public sector."
)


def gate(question: str, text: str = SENTENCE, **kwargs: object) -> str | None:
    return absent_topic(question, [evidence(text)], CEPA, ("public",), context(**kwargs))  # type: ignore[arg-type]


def test_a_specific_word_the_quoted_passages_lack_is_named() -> None:
    assert gate("What did CEPA recommend about regulating cryptocurrencies?") == (
        "regulating cryptocurrencies"
    )
    # the same question on the topic the passage is about passes
    assert gate("What did CEPA recommend about regulating artificial intelligence?") is None


def test_ordinary_words_are_wording_not_topic() -> None:
    # "fare" is common English: the documents may say the same in other words
    assert gate("How did CEPA fare on artificial intelligence?") is None


@pytest.mark.parametrize(
    "question",
    [
        "what did cepa say on goverment use of artificial intelligence",  # a slip
        "what did cepa recommend in dec on artificial intelligence",  # a month's short form
    ],
)
def test_a_slip_or_a_short_form_stands_for_the_word_it_means(question: str) -> None:
    text = SENTENCE + " It met in December."
    assert gate(question, text) is None


def test_a_slip_stands_only_for_a_word_the_documents_use() -> None:
    question = "what did cepa say about crypto regulation of artificial intelligence"
    # "crypto" is one slip from "crypt", an everyday word no document uses: no slip, a topic
    assert gate(question, used={"crypt": 0}) == "crypto regulation"
    # were "crypt" used in the documents, "crypto" would be read as it (and not checked)
    assert gate(question, used={"crypt": 3}) is None
    # of the words one slip away, the one the documents use: "shopers" is "shoppers", which
    # the passage quoted holds, not the commoner "showers", which no document uses
    shoppers = "Two mystery shoppers evaluate each country's websites."
    assert gate("how many shopers per country", shoppers, used={"shower": 0}) is None


def test_a_short_unknown_word_is_not_read_as_a_slip() -> None:
    # "oios" is an acronym the passage lacks, not a slip for an English word
    assert gate("how many audits did oios issue on artificial intelligence") is not None


def test_a_typed_country_is_a_name_not_the_topic() -> None:
    text = "In Kazakhstan, the project provides villages with high-speed mobile Internet."
    assert gate("kazakstan project villages internet", text) is None


def test_a_topic_the_documents_quoted_never_name_is_absent_however_common_elsewhere() -> None:
    # "cybersecurity" is in many passages of the collection, but not in the report quoted
    question = "what did cepa say about cybersecurity"
    common = {"cybersecur": 900}
    report = {"d": SENTENCE + " The Committee met in April."}
    assert gate(question, used=common, documents=report) == "cybersecurity"
    # ... and when the report discusses it elsewhere, the passage quoted may still answer
    elsewhere = {"d": report["d"] + " Cybersecurity of public systems was discussed."}
    assert gate(question, used=common, documents=elsewhere) is None


def test_a_term_typed_in_capitals_is_checked_however_short() -> None:
    # "ID" is not the everyday word "id"; the passages about Bhutan never mention one
    text = "Bhutan became the 128th member of the United Nations in 1971."
    question = "does bhutan have a national digital ID?"
    assert gate(question, text, used={"id": 15}, documents={"d": text}) == "national digital ID"
    text_with_id = "Bhutan launched a national digital ID, the NDI wallet, in 2023."
    assert gate(question, text_with_id, used={"id": 15}) is None
    # after a country's name, two capitals are its body or where it spoke, not a thing asked of
    said = "We must ensure that climate finance is speedily and easily accessible."
    assert gate("tonga GA speech climate finance", said, used={"ga": 15}) is None
    # ... but a thing asked of the country is still one ("rwanda AI policy")
    data_policy = "Rwanda adopted a national data policy in 2019."
    assert gate("rwanda AI policy", data_policy, used={"ai": 15}) == "AI policy"


def test_an_ordinal_must_be_in_the_documents_quoted() -> None:
    question = "who chaired the cepa 24th session on artificial intelligence"
    documents = {"d": "Report on the twenty-fourth session (7-11 April 2025)"}
    assert gate(question, documents=documents) is None
    assert gate(question, documents={"d": "Report on the twenty-third session"}) == "24th"


def test_a_meeting_typed_as_letters_and_session_is_there_when_its_session_is_named_near_it() -> (
    None
):
    """ "csw69": documents write the body and its session apart ("Commission on the Status of
    Women Sixty-ninth session"), never "csw69"; a session of another body named elsewhere in
    them ("the thirteenth session of the Committee") is not the one asked about."""
    question = "csw69 - what is the proposed priority theme for 2029"
    text = "Proposals for priority themes for these years are outlined below."
    heading = "Commission on the Status of Women Sixty-ninth session 10-21 March 2025 " + text
    DEFINED["csw"] = "Commission on the Status of Women"
    try:
        assert gate(question, text, documents={"d": heading}) is None
        elsewhere = (
            "Commission on the Status of Women. "
            + "Other business was taken up. " * 5
            + "The sixty-ninth session of the Committee on Fisheries. "
            + text
        )
        assert gate(question, text, documents={"d": elsewhere}) == "csw69"
    finally:
        del DEFINED["csw"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how much money is in fiji's relocation trust fund", "a figure"),
        ("how many experts sit on cepa", "a figure"),
        ("when will kiribati graduate from ldc status", "a date"),
        ("what year did bhutan join the un", "a date"),
        ("and when is the next one?", "a date"),
        ("timor leste became un member when", "a date"),
        ("how much gdp does vanuatu lose when a cyclone hits", "a figure"),
        ("what did cepa say about ai", None),
        # a measure named by what it measures
        ("sg resident employment rate 2022", "a figure"),
        ("tax to gdp ratio in caribbean states", "a figure"),
        ("what did cepa say at any rate", None),
        # someone asked for: a name is preferred, never required (see lacks)
        ("who chaired the cepa 24th session", "a name"),
        ("and who was chair?", "a name"),
        ("who's next n how many in the pipeline?", "a figure"),
        # short follow-ups
        ("any numbers?", "a figure"),
        ("any stats on that?", "a figure"),
        ("when was it held?", "a date"),
        ("what did they say?", None),
        # where something stands in a ranking: a number or a number word ("36th", "third")
        ("where does india sit on the frontier tech readiness index?", "a rank"),
        ("how does that rank vs oecd countries?", "a rank"),
        ("the philippines's rank?", "a rank"),
        ("vietnam rank on unctad's frontier tech readiness index", "a rank"),
        ("korea ranking in the egdi", "a rank"),
        ("what rank is fiji on the epi", "a rank"),
        ("what did cepa say about ranking systems", None),
        ("the ranking of digital services in the eu", None),
    ],
)
def test_what_a_question_asks_for(question: str, kind: str | None) -> None:
    asked = asked_for(question)
    assert (asked[0] if asked else None) == kind


def test_a_who_question_prefers_a_sentence_naming_someone_it_does_not() -> None:
    asked = asked_for("who chaired the cepa 24th session")
    assert asked is not None and asked[0] == "a name"
    named = "The following members served as officers: Chair: Geraldine J. Fraser-Moleketi."
    assert asked[1](named)
    # a body or post alone, or the names the question itself types, name nobody new
    assert not asked[1]("The list of observers can be viewed on the website of the Committee.")
    assert not asked[1]("The session of the Committee of Experts on Public Administration closed.")
    # and evidence without a name still answers (a post or a body may be who is asked for)
    assert lacks("who chaired the cepa 24th session", [evidence("Its Chair opened it.")]) is None


def test_which_country_asks_for_a_country_not_for_the_word() -> None:
    question = "which country offered to host unctad16"
    asked = asked_for(question)
    assert asked is not None and asked[0] == "a country"
    offer = (
        "The Trade and Development Board welcomed the generous offer of the Government of "
        "Viet Nam to host the sixteenth session of the United Nations Conference on Trade and "
        "Development in 2025."
    )
    mission = (
        "UNCTAD works to ensure developing countries benefit more fairly from a globalized "
        "economy by providing research and analysis on trade and development issues."
    )
    assert asked[1](offer) and not asked[1](mission)
    # a country the question names is no answer to it
    assert not asked_for("which countries did fiji thank")[1]("Fiji thanked its partners.")  # type: ignore[index]
    unctad = {"unctad": "United Nations Conference on Trade and Development"}
    found = [passage(mission, doc_id="m"), passage(offer, doc_id="o")]
    chosen = extract(question, found, Embedder(), expansions=unctad)
    assert "Viet Nam" in chosen.evidence[0].text
    # preferred, never required: a group may be the answer
    assert lacks(question, [evidence("The least developed countries offered to host it.")]) is None


def test_evidence_without_what_was_asked_for_does_not_answer() -> None:
    fund = [evidence("Fiji has established the world's first national Relocation Trust Fund.")]
    assert lacks("how much money is in fiji's relocation trust fund", fund) == "a figure"
    assert lacks("when was fiji's relocation trust fund set up", fund) == "a date"
    assert lacks("what did fiji set up for relocation", fund) is None
    # the number of a clause or a list item counts nothing
    clause = [evidence("(2) The Public Service Commission may regulate its own procedure.")]
    assert lacks("how many people sit on the public service commission", clause) == "a figure"
    numbered = [evidence("104.—(1) Every member of the public service holds office.")]
    assert lacks("how many members of the public service", numbered) == "a figure"
    sized = [evidence("The Public Service Commission has a Chairman and 5 to 14 other members.")]
    assert lacks("how many people sit on the public service commission", sized) is None
    # a rank is a number or a place, not a vague quantity
    vague = [evidence("Several delegates said Viet Nam supported UNCTAD's readiness index.")]
    assert lacks("vietnam rank on unctad's readiness index", vague) == "a rank"
    placed = [evidence("Viet Nam ranked 48th on UNCTAD's readiness index.")]
    assert lacks("vietnam rank on unctad's readiness index", placed) is None
    amount = [evidence("Fiji's Relocation Trust Fund holds five million dollars.")]
    assert lacks("how much money is in fiji's relocation trust fund", amount) is None
    # a year is no answer to "how many"
    year_only = [evidence("The WSIS Forum 2024 was held in Geneva with many participants.")]
    assert lacks("how many people took part in the wsis forum", year_only) == "a figure"
    dated = [evidence("Kiribati will graduate from the LDC category in 2029.")]
    assert lacks("when will kiribati graduate from ldc status", dated) is None
    # nor are the days of a date or the number in a name
    held = [evidence("Notes the WSIS+20 Forum held in Geneva from 27 to 31 May 2024 under SDG 9.")]
    assert lacks("how many people took part in the wsis forum", held) == "a figure"
    counted = [evidence("The WSIS+20 Forum on 27 May 2024 drew over 4,000 participants.")]
    assert lacks("how many people took part in the wsis forum", counted) is None
    # nor a page number printed between bars in a running head
    head = [evidence("Labour Force in Singapore 2022 |05| Participation fell slightly in 2022.")]
    assert lacks("sg labour force participation rate 2022", head) == "a figure"
    # an ordinal counts nothing
    session = [evidence("Observers attended the twenty-fourth session, as did the 25th.")]
    assert lacks("how many observers attended the session", session) == "a figure"
    # a count of something named is given by a sentence that names it
    others = [
        evidence("Observers from governmental organizations also attended the session."),
        evidence("The names of the 24 persons nominated by the Secretary-General are annexed."),
    ]
    assert lacks("how many observers attended cepa 24?", others) == "a figure"
    # a question in another language shares no word with English sentences: not asked of it
    assert lacks("how many observers attended cepa 24?", others, same_language=False) is None
    towers = [evidence("China is installing 161 communication towers across the country.")]
    assert lacks("how many telecom towers is china putting up", towers) is None


def test_a_heading_that_closes_its_passage_is_quoted_with_what_it_heads() -> None:
    doc = DocumentRecord("d", "d.pdf", "/c/d.pdf", "Immigration paper", "study", [], 2023)
    first = "Personalised Employment Pass\n• Earn at least S$144,000 a year.\nOverseas Networks & Expertise Pass"
    second = (
        "Overseas Networks & Expertise Pass\n• Earn a fixed monthly salary of at least S$30,000."
    )
    chunks = [
        Chunk("d:0", "d", 0, first, page=27, start=0, end=len(first)),
        Chunk("d:1", "d", 1, second, page=27, start=70, end=70 + len(second)),
    ]
    question = "what is the salary for the overseas networks & expertise pass"
    quoted = extract(
        question,
        [Passage(chunks[0], doc)],
        Embedder(),
        next_chunk=lambda c: chunks[1] if c is chunks[0] else None,
    ).evidence
    assert [e.text for e in quoted[:2]] == [
        "Overseas Networks & Expertise Pass",
        "Earn a fixed monthly salary of at least S$30,000.",
    ]
    assert quoted[1].passage.chunk.chunk_id == "d:1"


def test_the_sentence_that_holds_the_figure_is_preferred() -> None:
    text = (
        "The Committee consists of experts appointed in their personal capacity by the Council. "
        "The Committee consists of 24 experts who meet once a year in New York."
    )
    chosen = extract("how many experts sit on the committee", [passage(text)], Embedder())
    assert "24 experts" in chosen.evidence[0].text


def test_a_list_introduced_by_a_colon_is_quoted_whole_and_ends_with_its_items() -> None:
    text = (
        "Building inclusive institutions will require implementing the 11 principles of "
        "effective governance, which fall into the following three categories:\n"
        " • Effectiveness: competence, sound policymaking and collaboration\n"
        " • Accountability: integrity, transparency and independent oversight\n"
        " • Inclusiveness: leaving no one behind, non-discrimination and participation\n"
        "29. Accountable and inclusive institutions will also have to be built at the "
        "subnational level to reduce inequalities.\n"
    )
    question = "what three categories do the 11 principles of effective governance fall into"
    quoted = quotes_for(question, [passage(text)])
    assert quoted[0].endswith("three categories:")
    assert quoted[1:4] == [
        "Effectiveness: competence, sound policymaking and collaboration",
        "Accountability: integrity, transparency and independent oversight",
        "Inclusiveness: leaving no one behind, non-discrimination and participation",
    ]
    assert not any("subnational" in q for q in quoted[1:4])


def test_a_sentence_pointing_ahead_brings_what_it_points_at() -> None:
    text = (
        "8. At its sixty-ninth session, the Commission may wish to adopt its multi-year "
        "programme of work. Proposals for priority themes for these years are outlined below. "
        "9. In 2026, the Commission may wish to consider as its priority theme: transforming "
        "care systems. Care is fundamental to the well-being of individuals. "
        "10. In 2027, the Commission may wish to consider as its priority theme: ending poverty."
    )
    question = "proposals for priority themes for these years"
    quoted = quotes_for(question, [passage(text)])
    assert quoted[0] == "Proposals for priority themes for these years are outlined below."
    assert quoted[1].startswith("In 2026, the Commission may wish to consider as its priority")
    # a sentence pointing at a section below points at no list
    elsewhere = text.replace("are outlined below.", "are discussed in section III below.")
    question = "proposals for priority themes discussed in section III"
    quoted = quotes_for(question, [passage(elsewhere)])
    assert quoted[0].endswith("in section III below.")
    assert not any(q.startswith("In 2026") for q in quoted[1:2])


def test_a_word_of_courtesy_is_not_what_the_question_asks_about() -> None:
    from assistant.answering.documents import unaddressed

    said = [evidence("The Commission will consider a theme for 2026.")]

    def frequency(stem: str) -> tuple[int, int]:
        # no passage says "pls", "thx" or "cbdc": as rare as a word can be
        return (0 if stem in ("pls", "thx", "pleas", "cbdc") else 20), PASSAGES

    for typed in ("pls", "thx", "please"):
        assert unaddressed(f"priority theme for 2026 {typed}", said, {}, frequency) is None
    # a word no passage uses that is no courtesy is a topic the sentences do not cover
    assert unaddressed("priority theme for 2026 cbdc", said, {}, frequency) == (
        "priority theme cbdc"
    )


def test_abbreviated_names_and_widely_used_acronyms_are_not_topic_words() -> None:
    text = "The Secretary-General promotes the United Nations Public Service Awards."
    # "the SG": two capitals after "the" abbreviate a name
    assert gate("what awards does the SG use", text, documents={"d": text}) is None
    # "sdgs" is used by many passages as it is: present where a report writes what it stands for
    goals = {"d": "the principles of effective governance for the Sustainable\nDevelopment Goals"}
    assert gate("cepa principles for the sdgs", used={"sdgs": 900}, documents=goals) is None
    # ... and absent where the report writes neither
    question = "what egdi scores does the cepa report give"
    assert gate(question, used={"egdi": 900}, documents={"d": SENTENCE}) == "egdi scores"


def test_a_contraction_stands_for_the_longer_word_the_documents_use() -> None:
    question = "what did cepa say about artificial intelligence in govt"
    assert gate(question, documents={"d": SENTENCE + " Government use of it grows."}) is None
    # ... but not an unknown short word no longer word spells out
    assert gate("what did cepa say about oios", documents={"d": SENTENCE}) is not None


def test_a_line_of_document_symbols_is_not_quoted() -> None:
    from assistant.sentences import sentences_of

    text = "E/2025/39 ESCAP/81/32\nThe Commission adopted a declaration on digital inclusion."
    quoted = [s for _, _, s in sentences_of(passage(text))]
    assert quoted == ["The Commission adopted a declaration on digital inclusion."]


def test_a_group_named_in_place_of_countries_is_a_constraint_like_a_country() -> None:
    # "in pacific island countries": a passage on digital identity in general does not answer
    # it, one from a member's own statement (or naming a member) does, and is preferred
    general = passage(
        "Most countries now offer a single digital identity that citizens use for public "
        "services, the survey results show.",
        doc_id="g",
    )
    question = "any info on digital id in pacific island countries"
    refused = extract(question, [general], Embedder())
    assert refused.missing == ["the Pacific islands (Melanesia, Micronesia and Polynesia)"]
    member = passage(
        "Tuvalu launched its national digital identity for citizens in 2024.", doc_id="t"
    )
    answered = extract(question, [general, member], Embedder())
    assert answered.missing == []
    assert [e.passage.document.doc_id for e in answered.evidence] == ["t"]


def test_a_groups_own_document_speaks_for_it_and_a_group_missed_is_named_once() -> None:
    # "what did the oecd say": a passage of the OECD's own report need not name the OECD
    own = passage(
        "Digital identity systems are widespread, but few services can be reached with them.",
        title="2023 OECD Digital Government Index",
    )
    question = "what did the oecd say about digital identity"
    assert extract(question, [own], Embedder()).missing == []
    # "SIDS" is reported once, by the group's name, not also as a word the evidence lacks
    general = passage("Digital identity systems are widespread across countries.")
    missing = extract("digital identity in SIDS", [general], Embedder()).missing
    assert missing == ["small island developing States"]
    # nor a word of the group's own name ("Pacific" in "the Pacific islands")
    missing = extract("digital identity in the Pacific islands", [general], Embedder()).missing
    assert missing == ["the Pacific islands (Melanesia, Micronesia and Polynesia)"]


def test_a_heading_is_never_quoted_alone() -> None:
    doc = DocumentRecord("d", "d.pdf", "/c/d.pdf", "Digital Government Index", "study", [], 2023)
    text = (
        "2023 OECD Digital Government Index Results and Key Findings\n\n"
        "Member countries vary widely in how far digital government has matured."
    )
    chunk = Chunk("d:0", "d", 0, text, page=1, start=0, end=len(text))
    quoted = [
        e.text
        for e in extract("digital agency budget 2024", [Passage(chunk, doc)], Embedder()).evidence
    ]
    assert "2023 OECD Digital Government Index Results and Key Findings" not in quoted
    # nor a longer title under a section label
    heading = (
        "D. Election of the Chair and other officers for the twenty-ninth session of the Commission"
    )
    text = f"{heading}\n\nThe Commission elected its Chair by acclamation at its first meeting."
    chunk = Chunk("d:2", "d", 2, text, page=3, start=0, end=len(text))
    quoted = quotes_for("who was elected chair", [Passage(chunk, doc)])
    assert heading not in quoted and quoted
    # nor the document's own title as its cover prints it, with the dates of the session
    report = DocumentRecord(
        "r",
        "r.pdf",
        "/c/r.pdf",
        "CEPA: Report on the twenty-fourth session (E/2025/44)",
        "un-docs",
        [],
        2025,
    )
    cover = "Report on the twenty-fourth session (7–11 April 2025)"
    text = f"{cover}\n\nThe Committee facilitated a peer exchange among four review countries."
    chunk = Chunk("r:0", "r", 0, text, page=1, start=0, end=len(text))
    quoted = [
        e.text
        for e in extract(
            "cepa 24th session peer exchange countries", [Passage(chunk, report)], Embedder()
        ).evidence
    ]
    assert cover not in quoted and quoted
    # a row of a table states a fact in its cells, however short
    row = "Result | Completion of SPID integration by December 2017"
    table = Chunk("d:1", "d", 1, row, page=2, start=0, end=len(row))
    quoted = [
        e.text
        for e in extract("when is spid integration due", [Passage(table, doc)], Embedder()).evidence
    ]
    assert quoted == [row]


def test_when_the_best_sentence_is_a_heading_the_best_that_states_something_is_quoted() -> None:
    doc = DocumentRecord("e", "e.pdf", "/c/e.pdf", "Commission report", "un-docs", [], 2025)
    # the heading closes its passage (what it heads is not at hand); another passage answers
    heading = "D. Election of the Chair and other officers for the twenty-ninth session"
    closing = Chunk("e:0", "e", 0, heading, page=1, start=0, end=len(heading))
    said = "Mr. Faiyaz Murshid Kazi (Bangladesh) was chosen as Chair by acclamation."
    other = Chunk("e:5", "e", 5, said, page=4, start=0, end=len(said))
    question = "election of the chair and other officers for the twenty-ninth session"
    passages = [Passage(closing, doc), Passage(other, doc)]
    quoted = quotes_for(question, passages)
    assert quoted == [said]


def test_a_typed_slip_is_searched_as_the_word_the_documents_use_most() -> None:
    used = {"shopper": 31, "shower": 2, "govern": 900, "gover": 3}  # word stems
    passages = lambda stem: used.get(stem, 0)  # noqa: E731
    assert slips_read("how many shopers per country?", passages) == (
        "how many shoppers per country?",
        {"shopers": "shoppers"},
    )
    # a word typed without its vowels is read as the word it shortens, when the documents use
    # it; one typed in capitals is a name ("SPC", not "space"), and a reading no document uses
    # is no reading ("sms": "seems")
    used["peopl"] = 400
    used["space"] = 10
    assert slips_read("how many ppl came?", passages) == (
        "how many people came?",
        {"ppl": "people"},
    )
    assert slips_read("what did SPC say", passages) == ("what did SPC say", {})
    assert slips_read("sms alerts for disasters", passages) == ("sms alerts for disasters", {})
    # a word some passage uses is theirs, however it is spelt; an English word, a country typed
    # with a slip ("kazakstan", read as a country elsewhere) and a short word are left as typed
    for question in (
        "what did the goverment say",
        "what did the ministry say about crypto",
        "kazakstan internet villages",
        "what did oios find",
    ):
        assert slips_read(question, passages) == (question, {})


def test_a_sentence_on_another_session_than_the_one_asked_is_not_quoted() -> None:
    title = passage("Report on the twenty-fourth session (7-11 April 2025)", doc_id="a")
    decision = passage(
        "Decides that the twenty-fifth session of the Committee will be held at Headquarters "
        "from 13 to 17 April 2026.",
        doc_id="b",
    )
    quoted = quotes_for("when is the 25th session", [title, decision])
    assert quoted[0].startswith("Decides that the twenty-fifth session")
    assert not any("twenty-fourth" in q for q in quoted)


def test_ordinals_and_egov_are_searched_as_the_documents_write_them() -> None:
    from assistant.answering.documents import with_ordinal_words
    from assistant.answering.understanding import with_egov_spelt_out

    assert with_ordinal_words("when is cepa's 25th session, after the 1st?") == (
        "when is cepa's 25th (twenty-fifth) session, after the 1st (first)?"
    )
    assert with_egov_spelt_out("the 2024 egov survey and e-gov index") == (
        "the 2024 egov (e-government) survey and e-gov (e-government) index"
    )
    assert with_egov_spelt_out("e-government and egovernment") == "e-government and egovernment"


def test_a_clipped_word_is_covered_by_the_longer_word_quoted() -> None:
    from assistant.answering.documents import unaddressed

    said = [
        evidence("The 2024 edition of the electronic-government (e-government) survey was issued.")
    ]
    uses = {"crypto": 1, "survey": 900}  # a rare topic word, a common one

    def frequency(stem: str) -> tuple[int, int]:
        return uses.get(stem, 20), PASSAGES

    assert unaddressed("what does it say about the 2024 egov survey", said, {}, frequency) is None
    assert unaddressed("what does it say about the 2024 crypto survey", said, {}, frequency)


def test_each_year_a_comparison_names_is_given_by_a_sentence_quoted() -> None:
    text = (
        "By 2033, AI is likely to be the frontier technology with the largest market size, at "
        "about $4.8 trillion. Frontier technologies such as AI, blockchain and 5G shape markets "
        "in every region. Two years earlier, in 2023, the sector stood at $2.5 trillion. Many "
        "firms invest."
    )
    question = "frontier tech market size 2023 vs 2033 in the innovation report 2025"
    quoted = quotes_for(question, [passage(text)])
    assert any("2033" in q for q in quoted) and any("$2.5 trillion" in q for q in quoted)
    # a year in the title of the document quoted names its edition: no sentence is added for it
    titled = passage(text, title="Innovation Report 2025")
    quoted = quotes_for(question, [titled])
    assert not any("Many firms" in q for q in quoted)


def test_every_passage_retrieved_is_read() -> None:
    # the search keeps its last place for the keyword index's best match: it is there to be read
    others = [
        passage(f"The Commission held its plenary meeting number {n} in Bangkok.", doc_id=f"d{n}")
        for n in range(5)
    ]
    last = passage(
        "The Chair and Vice-Chairs examined the credentials of all the representatives.",
        doc_id="d6",
    )
    chosen = extract("who examined the credentials?", [*others, last], Embedder())
    assert chosen.evidence and "credentials" in chosen.evidence[0].text


def test_a_sentence_under_what_is_asked_about_ranks_above_its_twin_elsewhere() -> None:
    # the same sentence twice, under two headings: the passage naming what the question asks
    # about (its heading here) is where the answer is, though the other was found first
    found = [
        passage("It rained in Ulaanbaatar all week.", doc_id="w", section="Weather"),
        passage("The agency trained 25 officers in 2023.", doc_id="tax", section="Tax office"),
        passage(
            "The agency trained 40 officers in 2023.",
            doc_id="ep",
            section="Ministry of Finance: the e-procurement agency",
        ),
    ]
    question = "how many officers did the ministry of finance's e-procurement agency train"
    chosen = extract(question, found, Embedder())
    assert chosen.evidence[0].passage.chunk.doc_id == "ep"


def test_the_capital_of_a_foreign_questions_first_word_is_no_name() -> None:
    from assistant.answering.documents import _opens

    typed = "Trong bài phát biểu tại Đại hội đồng, Bhutan nói Gelephu rộng bao nhiêu km vuông?"
    assert _opens("trong", typed)  # "in": capitalised because it opens the sentence
    assert not _opens("gelephu", typed)  # a name inside the sentence stays a name
    assert not _opens("cepa", "CEPA 猛暑対策で chief heat officer について何か提言ある?")


def test_an_ordinals_suffix_is_no_word_of_the_question() -> None:
    from assistant.answering.extractive import terms

    assert terms("who chaired the 19th session, n the 81ST?") == ["chair", "19", "session", "81"]
    # "19th" asks for the nineteenth: no word "th" the passages must hold, or a refusal names
    said = "The Governing Council held its nineteenth session in Astana."
    assert gate("who chaired the apcict governing council 19th session", said) == (
        "apcict governing council session"
    )


def test_words_asking_for_a_kind_of_answer_are_no_topic_the_sentences_must_cover() -> None:
    from assistant.answering.documents import unaddressed

    said = [evidence("Nepal reduced its poverty rate from 30.1 per cent to 17.4 per cent.")]

    def frequency(stem: str) -> tuple[int, int]:
        return 20, PASSAGES

    asked = "a nepal example - what poverty numbers does it give"
    assert unaddressed(asked, said, {}, frequency, coverage=1.0) is None
    # a word that may be a topic ("data") is still one
    assert unaddressed("poverty data", said, {}, frequency, coverage=1.0) == "poverty data"


@pytest.mark.parametrize(
    ("own_words", "nothing_new"),
    [
        ("what did tuvalu say on the same topic?", True),
        ("what did fiji say on that issue", True),
        ("and samoa?", True),
        ("what about regulators", False),
        ("and what did tonga say about oceans?", False),
        ("who chaired it?", False),
    ],
)
def test_a_follow_up_naming_only_whom_it_asks_names_no_topic_of_its_own(
    own_words: str, nothing_new: bool
) -> None:
    from assistant.answering.documents import _names_nothing_new

    assert _names_nothing_new(own_words) is nothing_new


# --- a count asked of something ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("how many participants did the 13th forum have", {"particip"}),
        ("how many investigation cases did they handle", {"investig", "case"}),
        ("how many observers attended cepa 24?", {"observ"}),  # "attended" counts nothing
        ("in how many countries did inequality go up", {"countri"}),
        ("what was the number of civil servants", {"civil", "servant"}),
        ("how much did korea pledge", set()),  # an amount, not a count of things
        ("how many registered users does the portal have", {"regist", "user"}),
        ("what did a number of countries say about ai", set()),  # "a number of": some
    ],
)
def test_what_a_question_counts(question: str, counted: set[str]) -> None:
    assert counted_words(question) == counted


def test_the_sentence_giving_the_count_asked_comes_first() -> None:
    """The names of a meeting and its body draw every sentence about the meeting near the
    question; the one that counts what is asked, beside the count, is the answer."""
    text = (
        "The theme of the thirteenth Forum on Business and Human Rights was the smart mix of "
        "measures to protect human rights in the context of business activities. "
        "The Forum gathered a record number of participants, nearly 4,000 in total."
    )
    question = "how many participants did the 13th forum on business and human rights have"
    assert quotes_for(question, [passage(text)])[0].startswith("The Forum gathered")
    # a figure far from the word for what is counted, or a vague one, counts nothing
    assert not _counts("In several countries over the past three decades", {"countri"})
    assert _counts("151 countries have laws on sexual harassment", {"countri"})
    assert not _counts("Note: data for 128 countries with recorded data", {"countri"})
    assert not _counts("given the significance of its ICT spending [5].", {"ict", "staff"})


def test_the_heading_a_sentence_sits_under_counts_as_said_by_it() -> None:
    """A sentence under "C. Development in Africa" is about Africa, though it does not say so:
    a topic naming the region is covered by the heading's region."""
    from assistant.answering.documents import unaddressed

    sentence = (
        "We supported 19 countries in achieving ratings of high or very high on the 2024 "
        "e-Government Development Index."
    )
    uses = {"african": 3, "africa": 40}  # the region's words are rare: the topic rests on them

    def frequency(stem: str) -> tuple[int, int]:
        return uses.get(stem, 2000), PASSAGES

    asked = "how many african countries reached the index"
    under = [evidence(sentence, section="C. Development in Africa")]
    elsewhere = [evidence(sentence, section="D. Peace and security")]
    assert unaddressed(asked, under, {}, frequency, coverage=0.5) is None
    assert unaddressed(asked, elsewhere, {}, frequency, coverage=0.5) is not None
    # a heading's other words are not: a heading is carried over the pages after it
    officers = [evidence("The audit landscape is changing.", section="D. Election of officers")]
    assert unaddressed("chief digital officers", officers, {}, frequency, coverage=0.5)
