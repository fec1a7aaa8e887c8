"""The source a question names ("what did cepa say", "according to the escap annual report"):
its documents found by their names, the question searched in them, the refusal naming them."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answering.sources import conversation_source, named_by_acronym, named_source
from assistant.models import DocumentRecord


def doc(doc_id: str, title: str, source: str, countries=(), year=2025, collection="study"):  # type: ignore[no-untyped-def]
    return DocumentRecord(doc_id, source, f"/c/{source}", title, collection, list(countries), year)


DOCS = {
    d.doc_id: d
    for d in [
        doc(
            "cepa24",
            "Committee of Experts on Public Administration: Report on the twenty-fourth session (E/2025/44)",
            "un-docs/E_2025_44.en.pdf",
        ),
        doc(
            "cepa-l23",
            "Draft resolution: Report of the Committee of Experts on Public Administration (E/2025/L.23)",
            "un-docs/E_2025_L.23.en.pdf",
        ),
        # a document about CEPA, not by it: the appointment of its members (biographies)
        doc(
            "cepa-members",
            "Appointment of 24 members to the Committee of Experts on Public Administration (E/2025/9/Add.13)",
            "un-docs/E_2025_9_Add.13.en.pdf",
        ),
        # a body with a document of its own and one about it ...
        doc(
            "quokka-board",
            "Nominations for the Quokka Oversight Board (E/2025/9/Add.99)",
            "un-docs/E_2025_9_Add.99.en.pdf",
        ),
        doc(
            "quokka-own",
            "Quokka Oversight Board: Report on its first session (E/2025/98)",
            "un-docs/E_2025_98.en.pdf",
        ),
        # ... and one with only a document about it
        doc(
            "xandu-panel",
            "Appointment of members to the Xandu Advisory Panel (E/2025/9/Add.98)",
            "un-docs/E_2025_9_Add.98.en.pdf",
        ),
        doc(
            "escap",
            "Economic and Social Commission for Asia and the Pacific: Annual Report (E/2025/39)",
            "un-docs/E_2025_39.en.pdf",
        ),
        DocumentRecord(
            "cepa-paper",
            "un-docs/E_C.16_2024_4.en.pdf",
            "/c/un-docs/E_C.16_2024_4.en.pdf",
            "Building inclusive institutions that leave no one behind (E/C.16/2024/4)",
            "study",
            [],
            2024,
            body="Committee of Experts on Public Administration",
        ),
        doc(
            "central",
            "Three-Year Plan, Annex 3: ICT spending in Central Public Administration",
            "italy-ict-plan/annexes/annex-3.pdf",
            ["ITA"],
            2017,
        ),
        doc(
            "tir",
            "Technology and Innovation Report 2025 (Overview)",
            "un-docs/UNCTAD_TIR_2025_Overview.en.pdf",
        ),
        doc(
            "dgi19",
            "OECD Digital Government Index (DGI): Methodology and 2019 Results",
            "oecd-eu/oecd_2019_dgi.pdf",
            year=2019,
        ),
        doc(
            "dgi23",
            "2023 OECD Digital Government Index",
            "oecd-eu/oecd_2023_digital_government_index.pdf",
            year=2023,
        ),
        doc(
            "mdv",
            "Maldives: statement in the UN General Debate, session 79 (2024)",
            "general-debate-2024/MDV_79_2024.txt",
            ["MDV"],
            2024,
            "other",
        ),
        doc(
            "fji",
            "Fiji: statement in the UN General Debate, session 79 (2024)",
            "general-debate-2024/FJI_79_2024.txt",
            ["FJI"],
            2024,
            "other",
        ),
        doc(
            "prk",
            "Democratic People's Republic of Korea: statement in the UN General Debate, session 79 (2024)",
            "general-debate-2024/PRK_79_2024.txt",
            ["PRK"],
            2024,
            "other",
        ),
        doc(
            "kor",
            "Republic of Korea: statement in the UN General Debate, session 79 (2024)",
            "general-debate-2024/KOR_79_2024.txt",
            ["KOR"],
            2024,
            "other",
        ),
        doc(
            "fra",
            "France: statement in the UN General Debate, session 79 (2024)",
            "general-debate-2024/FRA_79_2024.txt",
            ["FRA"],
            2024,
            "other",
        ),
        doc(
            "mdv-profile",
            "Country profile: Maldives (MDV)",
            "profiles/MDV.md",
            ["MDV"],
            2003,
            "profile",
        ),
        doc(
            "papers",
            "icegov proceedings all editions",
            "unu-egov/icegov-proceedings.csv",
            ["USA", "MDV"],
            None,
            "data",
        ),
    ]
}
EXPANSIONS = {
    "cepa": "Committee of Experts on Public Administration",
    "unctad": "United Nations Conference on Trade and Development",
    "escap": "Economic and Social Commission for Asia and the Pacific",
}


def found(question: str) -> list[str] | None:
    source = named_source(question, EXPANSIONS, DOCS)
    return None if source is None else sorted(source.documents)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # an acronym, by the name the documents give it
        # (and a paper put before CEPA is CEPA's; "Central Public Administration" does not
        # spell it, as the documents say what CEPA stands for)
        ("what did cepa say about digital id systems", ["cepa-l23", "cepa-paper", "cepa24"]),
        ("cepa recommendations on govt cios", ["cepa-l23", "cepa-paper", "cepa24"]),
        # a document about the body (its members appointed "to" it, nominations "for" it) only
        # when it has none of its own, however many words its name has; its symbol names it
        # outright
        ("what did the quokka oversight board say about audits", ["quokka-own"]),
        ("what did the xandu advisory panel say about audits", ["xandu-panel"]),
        (
            "what did the Committee of Experts on Public Administration say about ai",
            ["cepa-l23", "cepa-paper", "cepa24"],
        ),
        ("what does e/2025/9/add.13 say about ai", ["cepa-members"]),
        # the document named where the question opens
        (
            "in the cepa paper on leaving no one behind, what did france do on internet access?",
            ["cepa-l23", "cepa-paper", "cepa24"],
        ),
        ("in the escap annual report, what did japan pledge?", ["escap"]),
        # a document named before a dash or colon that opens the question; a meeting
        # ("unga79") says where, not whose
        ("escap annual report 2024-25 - what did india pledge?", ["escap"]),
        # a document named where the question opens, what is asked of it after "on"
        ("escap annual report on digital government", ["escap"]),
        ("the oecd dgi report about encryption", ["dgi19", "dgi23"]),
        # a measure typed in digits then letters describes the document ("3yr"); a name typed
        # with digits after it that no document is known by names nobody ingested
        ("oecd 2nd dgi report about encryption", ["dgi19", "dgi23"]),
        ("fiji unga79 speech: anything on climate finance?", ["fji"]),
        # an index or a benchmark is a document people name too
        ("oecd dgi index 2023 - who is top?", ["dgi23"]),
        # a UN symbol, typed in any case, names its document outright
        ("what does e/2025/44 say about ai?", ["cepa24"]),
        ("cepa report (e/2025/l.23) - what was decided?", ["cepa-l23"]),
        # an acronym of the title ("dgi", "tir"), a year that picks the edition
        ("what did the oecd dgi say about encryption", ["dgi19", "dgi23"]),
        ("What does the OECD DGI 2019 say about data", ["dgi19"]),
        ("what does unctad's tir 2025 say about ai in tax", ["tir"]),
        # "report" is a noun here, not what was said; ESCAP is a group of countries and a body
        ("what does the escap annual report 2024-25 say about e-procurement", ["escap"]),
        # a word of a title shortened as people type it: "digi" for "Digital", "egov" for
        # "eGovernment" ("govt", letters dropped from inside, is not read)
        ("the oecd digi index 2023 report on ai", ["dgi23"]),
        ("according to escap, what are the priorities", ["escap"]),
        # a country's words are its statement: not its profile, not a paper about it
        ("what did maldives say about its e-government master plan", ["mdv"]),
        ("did fiji mention sea level rise", ["fji"]),
        ("did france talk about ai", ["fra"]),
        # a profile counts when the question names one
        ("what does the maldives profile say about its egdi", ["mdv-profile"]),
        # a country's name inside another's ("Republic of Korea" in the DPRK's) is not it
        ("what did korea say about ai", ["kor"]),
        # a group's words are its members' statements
        ("what did the pacific islands say about climate finance", ["fji"]),
        # a body's name opening the question, headline style, and what is asked of it
        ("cepa on e-procurement of ai - what rules?", ["cepa-l23", "cepa-paper", "cepa24"]),
        ("unctad re frontier tech?", ["tir"]),
    ],
)
def test_the_documents_of_the_source_the_question_names(question: str, expected: list[str]) -> None:
    assert found(question) == expected


def test_a_headline_naming_a_document_by_its_acronym_is_the_source() -> None:
    """A question "unctad tir 2025: …" opens with a headline whose "tir" the documents define as a report's
    name: the question is asked of that report, as "unctad's tir 2025 - …" would be. A headline
    naming no document ("fiji - …") is no source."""
    expansions = {**EXPANSIONS, "tir": "Technology and Innovation Report"}
    source = named_source("unctad tir 2025: how big is the ai market by 2033?", expansions, DOCS)
    assert source is not None and list(source.documents) == ["tir"]
    assert (
        source.without("unctad tir 2025: how big is the ai market by 2033?")
        .strip(" :-")
        .startswith("how big")
    )
    assert named_source("fiji - what is the egdi?", expansions, DOCS) is None
    assert named_source("cepa: what was decided on ai?", expansions, DOCS) is None


# the Secretary-General's own report, for the tests on "sg"
A_80_1 = doc(
    "a-80-1",
    "Report of the Secretary-General on the work of the Organization (A/80/1)",
    "A_80_1.pdf",
)


def test_a_body_named_by_initials_no_document_defines_is_the_author_not_the_addressee() -> None:
    """ "sg" is spelt by the initials of "Secretary-General" in many titles; a letter addressed to
    the Secretary-General, or reports submitted through the Secretary-General, are not the
    Secretary-General's words, the Secretary-General's own report is."""
    docs = {
        d.doc_id: d
        for d in [
            A_80_1,
            doc(
                "letter",
                "Letter dated 13 January 2025 from the Permanent Representative of Kazakhstan to the "
                "United Nations addressed to the Secretary-General (A/79/722)",
                "A_79_722.pdf",
            ),
            doc(
                "quadrennial",
                "Quadrennial reports for the period 2020–2023 submitted by non-governmental "
                "organizations in consultative status with the Economic and Social Council through "
                "the Secretary-General (E/C.2/2025/2)",
                "E_C.2_2025_2.pdf",
            ),
        ]
    }
    source = named_source("what did the sg's 2025 annual report say the un did for sids", {}, docs)
    assert source is not None and list(source.documents) == ["a-80-1"]


def test_a_headline_naming_a_document_by_its_subject_asks_what_follows_it() -> None:
    """ "sg report on the work of the org 2025: how many …": the words before the colon name
    the document (the Secretary-General's report on the work of the Organization), and are not
    what is asked of it; the documents are narrowed to those whose titles hold them."""
    docs = {
        d.doc_id: d
        for d in [
            A_80_1,
            doc(
                "children",
                "Children and armed conflict: Report of the Secretary-General (A/79/878)",
                "A_79_878.pdf",
            ),
        ]
    }
    question = (
        "sg report on the work of the organization 2025: how many countries reached high egdi?"
    )
    source = named_source(question, {}, docs)
    assert source is not None and list(source.documents) == ["a-80-1"]
    assert source.without(question).strip(" :") == "how many countries reached high egdi?"
    # a question typing the source's name alone (a follow-up's, made standalone) loses that
    assert source.without("sg report: any numbers?").strip(" :") == "any numbers?"
    # without a headline, what follows "on" is what is asked of the source's documents
    plain = named_source("sg report on children in armed conflict", {}, docs)
    assert plain is not None and set(plain.documents) == {"a-80-1", "children"}
    assert (
        plain.without("sg report on children in armed conflict") == "on children in armed conflict"
    )


@pytest.mark.parametrize(
    "question",
    [
        "what did it say on the digital divide",  # a pronoun names nobody
        "what does the report say about ai",  # a kind of document, nobody's
        "according to the world bank, what is the gtmi",  # no document is the World Bank's
        "what is the oecd dgi",  # no attribution
        "what did the sg's 2031 annual report say",  # names a year no document has
        # an act is reported by others as often as by the actor: the ESCAP report lists pledges
        "what did japan pledge to escap for 2025",
        # phrases that name nobody, or run past the speaker into a clause
        "what do experts say about ai",
        "what has the government said about open data",
        "does fiji have a plan that mentions climate",
        "fiji - what is the egdi?",  # a dash after a name that is no document's kind
        # headline style, a country asks about its practice, not only its words; English
        # words name nobody
        "korea on e-procurement",
        "what about nepal on digital id",
        "any info on digital id",
        # a name ending in digits that no document is known by ("g77") is still a name: the
        # rest of the phrase ("draft res") does not name a document without it
        "g77 draft res on the doha programme - what figure for ldc debt?",
    ],
)
def test_no_source_when_the_question_names_none_that_is_ingested(question: str) -> None:
    assert found(question) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # other languages attribute in their own words ("в документе CEPA", "에서"): a body typed
        # by its acronym is the source, its own documents before those about it
        (
            "Что сказано в документе CEPA о проекте «250+» в Kazakhstan?",
            ["cepa-l23", "cepa-paper", "cepa24"],
        ),
        ("UNCTAD 기술혁신보고서 2025에서 한국 순위 몇 위임?", ["tir"]),
        ("ESCAP 연례 보고서 주제는?", ["escap"]),
    ],
)
def test_a_question_in_another_language_names_its_source_by_acronym(
    question: str, expected: list[str]
) -> None:
    source = named_by_acronym(question, EXPANSIONS, DOCS)
    assert source is not None and sorted(source.documents) == expected


@pytest.mark.parametrize(
    "question",
    [
        "中国在联大说给多少个LDC零关税待遇",  # a group of countries, not a body with documents
        "SIDS 기후 금융 접근성",
        "ABCD 보고서에서 뭐라고 했나",  # no document of that name
        "Bakong ของกัมพูชาคือระบบอะไร",  # a name, not an acronym
    ],
)
def test_no_source_by_acronym_for_a_group_or_a_body_without_documents(question: str) -> None:
    assert named_by_acronym(question, EXPANSIONS, DOCS) is None


def test_a_country_with_no_document_of_its_own_is_a_source_with_nothing_to_quote() -> None:
    # Tuvalu has no statement among the documents: what others say of it is not its words
    source = named_source("wat did tuvalu say abt sea level rise", EXPANSIONS, DOCS)
    assert source is not None and source.unheard and source.documents == ()
    # a country with a statement is quoted from it, not from its profile
    assert found("what did maldives say about its master plan") == ["mdv"]


@pytest.fixture(scope="module")
def assistant(small_store) -> Assistant:  # type: ignore[no-untyped-def]
    return Assistant(small_store)


@pytest.mark.slow
def test_what_a_country_said_is_quoted_from_its_own_statement(assistant: Assistant) -> None:
    answer = assistant.answer("what did fiji say about climate change").answer
    assert answer.grounded
    assert {c.title for c in answer.citations} == {
        "Fiji: statement in the UN General Debate, session 79 (2024)"
    }
    assert "from fiji (1 document)" in (answer.understood or "")
    # a group named as the source is whose words are asked for, not a constraint shown
    group = assistant.answer("what did the pacific islands say about climate change").answer
    assert "from the pacific islands" in (group.understood or "")
    assert "Melanesia" not in (group.understood or "")


@pytest.mark.slow
def test_a_topic_the_source_never_discusses_is_refused_naming_what_was_searched(
    assistant: Assistant,
) -> None:
    # Cambodia's statement says nothing of cryptocurrencies (other documents may)
    answer = assistant.answer("what did cambodia say about cryptocurrencies").answer
    assert not answer.grounded
    assert "I searched the document from cambodia (Cambodia: statement" in answer.answer


@pytest.mark.slow
def test_a_country_without_a_statement_is_not_quoted_from_others(assistant: Assistant) -> None:
    # no document of the small corpus is Tuvalu's; Fiji's statement speaks of small island
    # States on climate change, which is Fiji's words, not Tuvalu's
    answer = assistant.answer("what did tuvalu say about climate change?").answer
    assert not answer.grounded
    assert "for the words of Tuvalu: no document in the collections is theirs" in answer.answer


def _evidence(text: str):  # type: ignore[no-untyped-def]
    from assistant.answering.extractive import Evidence
    from assistant.models import Chunk, Passage

    passage = Passage(chunk=Chunk("d:0", "d", 0, text), document=DOCS["cepa24"])
    return Evidence(passage, text, 0, len(text), 1.0)


# how many of 10,000 passages use each stem: "digit" is common, the rest rare
USES = {"digit": 900, "system": 700, "offic": 300, "chief": 40, "cio": 5, "id": 60, "inform": 800}


def _frequency(stem: str) -> tuple[int, int]:
    return USES.get(stem, 20), 10_000


def test_a_sentence_sharing_only_a_common_word_does_not_cover_the_topic() -> None:
    from assistant.answering.documents import unaddressed

    evidence = [
        _evidence("The uptake of AI rests on a solid and safe digital public infrastructure.")
    ]
    topic = "recommendations on govt cios (chief information officers) / chief digital officers"
    assert unaddressed(topic, evidence, {"cios": "chief information officers"}, _frequency)
    # the sentence that names the officers covers it
    evidence.append(_evidence("Chief information officers lead the digital transformation."))
    assert unaddressed(topic, evidence, {"cios": "chief information officers"}, _frequency) is None


def test_for_a_country_named_any_word_of_the_topic_quoted_will_do_but_one_must_be() -> None:
    from assistant.answering.documents import unaddressed

    # the passages naming a country match by its name: a sentence of its speech on something
    # else answers nothing ("who won the 2025 samoa election")
    speech = [_evidence("2025 being the 80th year of the UN presents an opportunity for reform.")]
    assert unaddressed("who won the 2025 election", speech, {}, _frequency, coverage=0.0) == (
        "won election"
    )
    # one word of the topic is enough: the sentence may say the rest in other words
    covered = [_evidence("The election of the new parliament was held peacefully.")]
    assert unaddressed("who won the 2025 election", covered, {}, _frequency, coverage=0.0) is None


def test_a_topic_is_covered_by_the_names_its_acronyms_and_e_words_stand_for() -> None:
    from assistant.answering.documents import unaddressed

    sids = [_evidence("We launched a workstream for Small Island Developing States.")]
    assert (
        unaddressed(
            "what did say the un did for sids",
            sids,
            {"sids": "Small Island Developing States"},
            _frequency,
        )
        is None
    )
    procurement = [_evidence("Electronic procurement platforms could keep records of purchases.")]
    assert unaddressed("anything on e-procurement?", procurement, {}, _frequency) is None


def test_a_topic_of_one_short_word_is_a_topic_covered_by_the_name_it_stands_for() -> None:
    from assistant.answering.documents import unaddressed

    def definition(word: str) -> str | None:
        return "artificial intelligence" if word.lower() == "ai" else None

    greetings = [_evidence("I congratulate you, Mr. President, on your election.")]
    # "ai" is the whole topic once the venue ("at unga") is set aside: greetings do not cover it
    assert unaddressed("what did say about ai at unga", greetings, {}, _frequency, definition)
    # the name the documents give it does, where the acronym is too common to be expanded
    named = [_evidence("Governments should direct the ethical use of artificial intelligence.")]
    assert unaddressed("what did say about ai", named, {}, _frequency, definition) is None
    # a short word beside longer ones is wording ("vs")
    said = [_evidence("Climate finance must reach small island States.")]
    assert unaddressed("what did say on climate finance vs loans", said, {}, _frequency) is None


def test_a_sources_name_is_taken_out_of_the_question_as_a_whole_word() -> None:
    source = named_source(
        "what does the un say about ai",
        {},
        {"u": doc("u", "Report of the Secretary-General", "un-docs/A_80_1.en.pdf")},
    )
    assert source is not None and source.phrase == "the un"
    assert source.without("what does the un say about ai") == "what does say about ai"
    assert source.without("what about the unemployed?") == "what about the unemployed?"


def test_a_document_read_in_is_named_without_the_preposition() -> None:
    # "in the cepa paper on …" names the paper; the refusal said "from in the cepa paper"
    question = "in the cepa paper on leaving no one behind, what did kazakhstan do on internet?"
    source = named_source(question, EXPANSIONS, DOCS)
    assert source is not None and source.phrase == "cepa paper"
    assert source.describe() == "from cepa paper (3 documents)"


def test_an_e_word_counts_by_its_stem_only_when_it_is_one() -> None:
    from assistant.answering.documents import unaddressed

    education = [_evidence("Education systems must prepare people for digital work.")]
    assert unaddressed("what did say about education", education, {}, _frequency) is None
    energy = [_evidence("Electronic procurement of energy saves money.")]
    assert unaddressed("what did say about eprocurement", energy, {}, _frequency) is None


def test_a_meeting_named_by_acronym_and_number_is_where_it_was_said_not_what() -> None:
    from assistant.answering.documents import unaddressed

    said = [_evidence("Governance, anti-corruption and e-government are among our priorities.")]
    assert (
        unaddressed("did talk about e-government in its unga79 speech", said, {}, _frequency)
        is None
    )
    # the topic itself is still required
    other = [_evidence("We welcome the Pact for the Future adopted this year.")]
    assert unaddressed("did talk about e-government in its unga79 speech", other, {}, _frequency)


def test_a_contraction_covers_the_word_it_shortens() -> None:
    from assistant.answering.documents import unaddressed

    said = [_evidence("OECD issued a compendium of digital government services.")]
    assert unaddressed("what did oecd put out on digital govt", said, {}, _frequency) is None
    # one that keeps the word's first and last letters, of four letters or more
    committee = [_evidence("The Committee will hold its next session in Geneva.")]
    assert unaddressed("when does the cttee meet", committee, {}, _frequency) is None
    # three letters keeping a first and a last one could be anything: "prs" is no "parents"
    parents = [_evidence("Their parents were consulted by the ministry.")]
    assert unaddressed("new prs", parents, {}, _frequency)


@pytest.mark.parametrize(
    ("question", "venue"),
    [
        # an acronym the documents define as a gathering, with the name it stands for
        (
            "what did singapore say about ai at unga",
            {"unga", "united", "nations", "general", "assembly"},
        ),
        (
            "what did fiji say about oceans at the un general assembly",
            {"un", "general", "assembly"},
        ),
        ("what did tonga say during cop28", {"cop28"}),
        # the same acronym as what is asked about, and a place that is no gathering
        ("what did cepa say about the unga", set()),
        ("what did fiji say at the ministry of finance", set()),
    ],
)
def test_where_something_was_said_is_told_from_what(question: str, venue: set[str]) -> None:
    from assistant.answering.extractive import meeting_words

    assert meeting_words(question, {"UNGA": "United Nations General Assembly"}) == venue


@pytest.mark.parametrize(
    ("follow_up", "earlier", "expected"),
    [
        # a follow-up naming no source keeps to the document the last turn named
        (
            "when did albania come in?",
            "escap annual report 2025 - what did india pledge?",
            ["escap"],
        ),
        # new countries asked of a body's document are asked of it
        ("and thailand?", "in the escap annual report, what did japan pledge?", ["escap"]),
        # a source named by its country is that country's: another country's words are not in it
        ("did france offer anything on digital?", "what did fiji say about climate finance", None),
        ("and on oceans?", "what did fiji say about climate finance", ["fji"]),
        # a document named by its UN symbol, wherever it stood
        ("who submitted the draft?", "e/2025/44 - when is the next session?", ["cepa24"]),
        # a last turn that named no source leaves the follow-up searched everywhere
        ("and on oceans?", "what is the egdi of fiji", None),
    ],
)
def test_a_follow_up_keeps_to_the_document_the_conversation_is_about(
    follow_up: str, earlier: str, expected: list[str] | None
) -> None:
    source = conversation_source(follow_up, earlier, EXPANSIONS, DOCS)
    assert (None if source is None else sorted(source.documents)) == expected


@pytest.mark.slow
def test_a_follow_up_is_answered_from_the_conversations_document_else_from_everything(
    assistant: Assistant,
) -> None:
    cepa = ["what did cepa say about ai in government?"]
    kept = assistant.converse(
        "how should governments respond to mental health needs in post-conflict countries?",
        history=cepa,
    )
    assert kept.grounded
    assert "from cepa" in (kept.understood or "")
    assert "as earlier in the conversation" in (kept.understood or "")
    assert {c.source for c in kept.citations} <= {
        "un-docs/E_2025_44.en.pdf",
        "un-docs/E_2025_L.24.en.pdf",
    }
    # what the conversation's document does not hold is looked for everywhere
    elsewhere = assistant.converse("how is singapore helping small states?", history=cepa)
    assert elsewhere.grounded
    assert "as earlier in the conversation" not in (elsewhere.understood or "")
    cited = {c.source for c in elsewhere.citations}
    assert "general-debate-2024/session79_2024/SGP_79_2024.txt" in cited
    assert not cited & {"un-docs/E_2025_44.en.pdf", "un-docs/E_2025_L.24.en.pdf"}


def test_a_sources_acronyms_are_read_as_its_documents_define_them() -> None:
    """Asked of a named source, an acronym its documents define is what they call it; one they
    do not define keeps the collection's name."""
    from types import SimpleNamespace

    from assistant.answering.pipeline import as_its_documents_read
    from assistant.answering.sources import Source

    defined = {("IPS", "ips-paper"): "Institute of Policy Studies"}
    context = SimpleNamespace(
        defined_in=lambda word, ids: next(
            (defined[(word, d)] for d in ids if (word, d) in defined), None
        ),
    )
    paper = Source("immigration in singapore paper", ("ips-paper",), ("Immigration in Singapore",))
    collection = {"IPS": "Intellectual Property", "DG": "Digital Government"}
    assert as_its_documents_read(collection, paper, context) == {
        "IPS": "Institute of Policy Studies",
        "DG": "Digital Government",
    }
