"""Acronyms learned from the corpus (assistant/storage/acronyms.py): definitions found in text,
the index saved and loaded, expansions chosen from what the caller may see, word frequencies per
access scope."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.storage.acronyms import AcronymIndex, count_stems, find_definitions, find_names

EVERYONE: Callable[[str], bool] = lambda doc: True  # noqa: E731

CEPA = "Committee of Experts on Public Administration"
INTOSAI = "International Organization of Supreme Audit Institutions"


# --- definitions in text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"The {CEPA} (CEPA) met in April.", [("CEPA", CEPA)]),
        (
            "Support for small island developing States (SIDS) was discussed.",
            [("SIDS", "small island developing States")],
        ),
        # a plural acronym is kept singular; the words before it are the definition
        ("the least developed countries (LDCs) and", [("LDC", "least developed countries")]),
        (
            "the World Summit on the Information Society (WSIS) in 2003",
            [("WSIS", "World Summit on the Information Society")],  # not "the World ..."
        ),
        (f"the {INTOSAI} (INTOSAI)", [("INTOSAI", INTOSAI)]),  # prefixes, not only initials
        ("the Open Government Partnership ( OGP ) was", [("OGP", "Open Government Partnership")]),
    ],
)
def test_a_definition_in_parentheses(text: str, found: list[tuple[str, str]]) -> None:
    assert find_definitions(text) == found


@pytest.mark.parametrize(
    "line",
    [
        "ICT   Information and communication technologies",
        "ICT: Information and communication technologies",
        "ICT\tInformation and communication technologies",
        "ICT – Information and communication technologies",
        "ICT = Information and communication technologies",
    ],
)
def test_a_glossary_line(line: str) -> None:
    text = f"Abbreviations\n{line}\nOGP: Open Government Partnership\n"
    assert find_definitions(text) == [
        ("ICT", "Information and communication technologies"),
        ("OGP", "Open Government Partnership"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "In the past (PA) there were fewer services.",  # "past" does not spell PA
        "some text (ABC) here",
        "as shown (see Annex) and",
        # one space is a sentence, not a glossary line
        "ICT Information and communication technologies",
    ],
)
def test_no_false_definitions(text: str) -> None:
    assert find_definitions(text) == []


def test_names_in_text() -> None:
    text = f"at its session the {CEPA} met the delegation of Fiji; then the {INTOSAI} spoke."
    assert find_names(text) == [CEPA, INTOSAI]
    assert find_names("the   Open\nGovernment  Partnership") == ["Open Government Partnership"]


# --- the index ---------------------------------------------------------------------------------


def of_names(path: Path, names: list[tuple[str, str]]) -> AcronymIndex:
    """An index built from ``names`` (document, name) alone: no definitions."""
    index = AcronymIndex(path)
    index.build([], generation=1, names=names)
    return index


def build(path: Path) -> AcronymIndex:
    index = AcronymIndex(path)
    defined = index.build(
        [
            ("doc-a", "CEPA", CEPA),
            ("doc-b", "CEPA", CEPA),
            ("doc-c", "CEPA", "Central European Procurement Agency"),
            ("doc-a", "LDC", "least developed countries"),
            ("doc-d", "UN", "United Nations"),
        ],
        generation=5,
        names=[
            # spells CEPA too, and is used more often than CEPA is defined: a definition wins
            *[("doc-x", "Central European Public Administration")] * 3,
            ("doc-y", INTOSAI),
            *[("doc-z", "Open Government Partnership")] * 4,
            *[("doc-w", "Open Global Partners")] * 3,
            ("doc-v", "United Nations"),
            *[("doc-private", "Zephyr Allowance Panel")] * 3,
        ],
    )
    assert defined == 3  # CEPA, LDC, UN
    return index


def test_build_saves_and_load_reads_it_back(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "acronyms.json"  # the folder is made
    built = build(path)
    assert path.is_file() and not path.with_suffix(".json.tmp").exists()
    loaded = AcronymIndex(path)
    assert loaded.generation == -1 and len(loaded) == 0  # nothing before load()
    assert loaded.load()
    assert loaded.generation == 5 and len(loaded) == 3
    for acronym in ("CEPA", "LDCs", "UN", "INTOSAI", "OGP", "ZAP"):
        assert loaded.expand(acronym, EVERYONE) == built.expand(acronym, EVERYONE)
    assert loaded.defined(EVERYONE) == built.defined(EVERYONE)
    assert loaded.sources("cepa") == {CEPA: ["doc-a", "doc-b"], **built.sources("cepa")}


def test_load_fails_cleanly(tmp_path: Path) -> None:
    assert not AcronymIndex(tmp_path / "missing.json").load()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert not AcronymIndex(broken).load()
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"generation": 1, "acronyms": {}}), encoding="utf-8")
    index = AcronymIndex(partial)
    assert not index.load() and index.generation == -1


def test_a_rebuild_replaces_everything(tmp_path: Path) -> None:
    index = build(tmp_path / "acronyms.json")
    index.build([("doc-e", "WSIS", "World Summit on the Information Society")], generation=6)
    assert index.expand("CEPA", EVERYONE) is None and index.expand("INTOSAI", EVERYONE) is None
    assert index.expand("wsis", EVERYONE) == "World Summit on the Information Society"
    assert index.generation == 6 and len(index) == 1


def test_expand_prefers_the_most_frequent_visible_definition(tmp_path: Path) -> None:
    index = build(tmp_path / "acronyms.json")
    assert index.expand("CEPA", EVERYONE) == CEPA  # two documents against one
    assert index.expand("cepa", EVERYONE) == CEPA  # any case
    assert index.expand("CEPA", lambda doc: doc == "doc-c") == "Central European Procurement Agency"
    assert index.expand("LDCs", EVERYONE) == "least developed countries"  # plural
    assert index.expand("XYZ", EVERYONE) is None


def test_a_definition_wins_over_a_name_that_spells_the_acronym(tmp_path: Path) -> None:
    index = build(tmp_path / "acronyms.json")
    assert index.expand("CEPA", EVERYONE) == CEPA
    # when no visible document defines it, the name the visible documents use stands for it
    assert index.expand("CEPA", lambda doc: doc == "doc-x") == (
        "Central European Public Administration"
    )
    assert index.expand("CEPA", lambda doc: doc == "doc-y") is None


def test_a_name_that_spells_the_acronym(tmp_path: Path) -> None:
    index = build(tmp_path / "acronyms.json")
    assert index.expand("INTOSAI", EVERYONE) == INTOSAI
    assert index.expand("intosai", EVERYONE) == INTOSAI
    # the most frequent of the names that spell it
    assert index.expand("OGP", EVERYONE) == "Open Government Partnership"
    assert index.expand("OGP", lambda doc: doc == "doc-w") == "Open Global Partners"


def test_a_name_spells_an_acronym_by_its_content_words_only(tmp_path: Path) -> None:
    index = of_names(
        tmp_path / "acronyms.json",
        [
            ("doc", "Governments to Strengthen"),
            *[("doc", "Technology and Innovation Report")] * 3,
        ],
    )
    # "to" would give the T: a typed "govts" (governments) is no acronym of that name
    assert index.expand("govts", EVERYONE) is None
    assert index.expand("tir", EVERYONE) == "Technology and Innovation Report"


def test_the_parts_of_a_compound_give_their_initials(tmp_path: Path) -> None:
    index = of_names(
        tmp_path / "acronyms.json",
        [
            *[("doc", "Twelfth Asia-Pacific Forum on Sustainable Development")] * 5,
            *[("doc", "Asia-Pacific Peoples’ Forum on Sustainable Development")] * 2,
        ],
    )
    # "Asia-Pacific" gives A and P: the forum the documents name most, not the one whose
    # extra word happened to give the P
    assert index.expand("apfsd", EVERYONE) == "Asia-Pacific Forum on Sustainable Development"
    # a one-letter part gives its initial too: three letters need a spelling by initials
    index.build([], generation=2, names=[("doc", "the E-Participation Index")] * 3)
    assert index.expand("epi", EVERYONE) == "E-Participation Index"


def test_a_closed_compounds_two_words_give_their_initials(tmp_path: Path) -> None:
    index = of_names(
        tmp_path / "acronyms.json",
        [
            *[("doc", "Peacebuilding Fund")] * 6,
            *[("doc", "President of Burkina Faso")] * 3,
            *[("doc", "Chair of the Peacebuilding Commission")] * 3,
        ],
    )
    # "Peacebuilding" is "peace" and "building": PBF is the fund the documents name most
    assert index.expand("pbf", EVERYONE) == "Peacebuilding Fund"
    assert index.expand("PBC", EVERYONE) == "Peacebuilding Commission"
    # a word that is no two English words gives its initial only
    assert index.expand("GMT", EVERYONE) is None


def test_three_letters_need_a_name_used_often_and_spelt_by_its_initials(tmp_path: Path) -> None:
    index = of_names(
        tmp_path / "acronyms.json",
        [
            *[("doc", "Porfirio Lobo Sosa")] * 2,  # three initials, a name used twice: chance
            *[("doc", "Plurinational State")] * 50,  # P-L-S found inside its words
            *[("doc", "Mobile Tourist Guides")] * 3,
            *[("doc", "Minimum Security Measures")] * 2,
            ("doc", "Emergency Telecommunications Cluster"),
            ("doc", "New Guinea's Online"),
        ],
    )
    assert index.expand("pls", EVERYONE) is None
    assert index.expand("etc", EVERYONE) is None  # named once
    assert index.expand("ngo", EVERYONE) is None  # named once
    assert index.expand("mtg", EVERYONE) == "Mobile Tourist Guides"  # used often enough
    assert (
        index.expand("msme", EVERYONE) == "Minimum Security Measures"
    )  # four letters: once will do


def test_a_name_starting_a_sentence_expands_from_its_spelling_word(tmp_path: Path) -> None:
    index = of_names(tmp_path / "acronyms.json", [("doc", f"The {CEPA}")])
    assert index.expand("CEPA", EVERYONE) == CEPA  # not "The Committee ..."


def test_several_words_spelled_from_inside_them_must_open_the_name(tmp_path: Path) -> None:
    title = "Relevance of Participatory Approaches in Creating ICT Systems for Public Health"
    index = of_names(
        tmp_path / "acronyms.json",
        [("doc", title), ("doc", f"The {INTOSAI}"), ("doc", "Public Administration")],
    )
    # "APproaches in Creating ICT" spells APCICT by letters from inside words, in a title
    assert index.expand("APCICT", EVERYONE) is None
    # a name opened so is read ("INTernational Organization of …"), and so is one
    # word shortened ("admin")
    assert index.expand("INTOSAI", EVERYONE) == INTOSAI
    assert index.expand("admin", EVERYONE) == "Administration"
    # the words a sentence leads into a name with are not part of it
    led_in = of_names(
        tmp_path / "led-in.json",
        [
            ("doc", "According to the Government Technology Agency"),
            ("doc", "Singapore's Government Technology Agency"),
        ],
    )
    assert led_in.expand("govtech", EVERYONE) == "Government Technology"


def test_a_name_only_an_invisible_document_uses_is_not_used(tmp_path: Path) -> None:
    index = build(tmp_path / "acronyms.json")
    public = lambda doc: doc != "doc-private"  # noqa: E731
    assert index.expand("ZAP", public) is None
    assert index.expand("ZAP", EVERYONE) == "Zephyr Allowance Panel"
    assert index.expand("INTOSAI", lambda doc: doc != "doc-y") is None


def test_two_letter_acronyms_come_only_from_definitions(tmp_path: Path) -> None:
    index = build(tmp_path / "acronyms.json")
    assert index.expand("UN", EVERYONE) == "United Nations"  # defined in doc-d
    assert index.expand("UN", lambda doc: doc == "doc-v") is None  # only a name in doc-v


def test_a_name_read_from_text_expands_without_a_dangling_small_word(tmp_path: Path) -> None:
    names = find_names(f"The {INTOSAI} and Fiji agreed.")
    assert names == [f"The {INTOSAI} and Fiji"]
    index = of_names(tmp_path / "acronyms.json", [("doc", n) for n in names])
    assert index.expand("INTOSAI", EVERYONE) == INTOSAI


def test_defined_lists_what_the_visible_documents_define(tmp_path: Path) -> None:
    index = build(tmp_path / "acronyms.json")
    assert index.defined(EVERYONE) == [
        ("CEPA", CEPA, 2),
        ("CEPA", "Central European Procurement Agency", 1),
        ("LDC", "least developed countries", 1),
        ("UN", "United Nations", 1),
    ]
    assert index.defined(lambda doc: doc == "doc-c") == [
        ("CEPA", "Central European Procurement Agency", 1)
    ]
    assert index.sources("CEPA") == {
        CEPA: ["doc-a", "doc-b"],
        "Central European Procurement Agency": ["doc-c"],
    }
    assert index.sources("XYZ") == {}


# --- word frequencies per access scope ----------------------------------------------------------


def test_frequency_counts_passages_per_access_scope(tmp_path: Path) -> None:
    df: dict[str, Counter[str]] = {}
    passages: Counter[str] = Counter()
    count_stems(df, passages, "public", "Regulating procurement. Procurement rules regulate.")
    count_stems(df, passages, "public", "Open data portals")
    count_stems(df, passages, "hr", "Procurement of the Zephyr allowance")
    index = AcronymIndex(tmp_path / "acronyms.json")
    index.build([], generation=1, df=df, passages=passages)

    public = lambda scope: scope == "public"  # noqa: E731
    # a passage counts once however often it uses the word, in any of its forms
    assert index.frequency("procur", public) == (1, 2)
    assert index.frequency("regul", public) == (1, 2)
    assert index.frequency("zephyr", public) == (0, 2)  # only in a scope not accepted
    assert index.frequency("zephyr", lambda scope: True) == (1, 3)
    assert index.frequency("procur", lambda scope: True) == (2, 3)
    assert index.frequency("procur", lambda scope: False) == (0, 0)

    loaded = AcronymIndex(tmp_path / "acronyms.json")
    assert loaded.load()
    assert loaded.frequency("procur", public) == (1, 2)
    assert loaded.frequency("zephyr", lambda scope: True) == (1, 3)
