"""Query understanding as documented in assistant/answering/understanding.py and followups.py.

Each test states a rule from the modules' docstrings and checks it on questions typed the way
practitioners type them (any case, possessives, typos, informal indicator names).
"""

from __future__ import annotations

import pytest

from assistant import crosslingual
from assistant.answering.followups import rewrite_follow_up
from assistant.answering.understanding import (
    QueryPlan,
    acronym_candidates,
    is_function_word,
    understand,
)


def keys(plan: QueryPlan) -> list[str]:
    return [g.key for g in plan.groups]


# --- countries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["fiji egdi 2024", "FIJI EGDI 2024", "Fiji Egdi 2024", "fIJi EgDi 2024"],
)
def test_a_country_is_read_in_any_case(question: str) -> None:
    plan = understand(question)
    assert (plan.countries, plan.indicators, plan.years, plan.kind) == (
        ["FJI"],
        ["egdi"],
        [2024],
        "value",
    )
    assert plan.corrections == {}  # a name spelled right is not a correction


@pytest.mark.parametrize(
    "question", ["FIJI's EGDI", "Fiji’s EGDI", "what was fiji's egdi?", "egdi of fiji's"]
)
def test_a_possessive_does_not_change_what_is_named(question: str) -> None:
    plan = understand(question)
    assert plan.countries == ["FJI"] and plan.indicator == "egdi"
    assert "'s" not in plan.text and "’s" not in plan.text
    assert plan.question == question  # the question as typed is kept


def test_plan_text_has_single_spaces() -> None:
    assert understand("  fiji   egdi \t 2024 ").text == "fiji egdi 2024"


@pytest.mark.parametrize(
    ("question", "iso3", "typed", "name"),
    [
        ("indonesai egdi 2024", "IDN", "indonesai", "Indonesia"),
        ("egdi of the phillipines in 2022", "PHL", "phillipines", "Philippines"),  # two slips
        ("whats the gtmi score of indonesai", "IDN", "indonesai", "Indonesia"),
    ],
)
def test_a_typo_is_read_as_the_nearest_country(
    question: str, iso3: str, typed: str, name: str
) -> None:
    plan = understand(question)
    assert plan.countries == [iso3]
    assert plan.corrections == {typed: name}
    assert f"reading {typed!r} as {name}" in plan.describe()


def test_a_typo_among_correct_names_keeps_the_order_of_mention() -> None:
    plan = understand("egdi for malaysia and the phillipines")
    assert plan.countries == ["MYS", "PHL"] and plan.kind == "comparison"
    assert plan.corrections == {"phillipines": "Philippines"}


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        # an indicator asked of no country by name: an ISO code typed alone is the country
        ("nz egdi 2024", ["NZL"]),
        ("NZ oecd dgi 2023 weakest dimension", ["NZL"]),
        ("sg osi 22 vs 24", ["SGP"]),
        # not without an indicator, nor beside a name or a group, nor in another language
        ("what did the sg report say on nz", []),
        ("fiji hr policies egdi", ["FJI"]),
        ("OECD DGI 2023 bao nhiêu % nước bắt buộc kiểm thử người dùng dịch vụ số", []),
        # away from the indicator's name, codes are abbreviations
        ("what is the egdi, ie how is it computed", []),
        ("how does egdi relate to hr capacity in government", []),
        ("osi score by tv and radio penetration", []),
        ("egdi 2024 of nz", ["NZL"]),
    ],
)
def test_an_iso_code_alone_names_the_country_an_indicator_is_asked_of(
    question: str, countries: list[str]
) -> None:
    assert understand(question).countries == countries


def test_typos_are_not_read_in_a_question_in_another_language() -> None:
    # "kapan" (Indonesian: "when") is one slip from "japan", but the question is not English
    plan = understand("kapan timor leste menjadi anggota asean")
    assert "JPN" not in plan.countries and plan.corrections == {}


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        ("chad egdi 2024", ["TCD"]),  # an indicator is named: "chad" is the country
        ("georgia egdi", ["GEO"]),
        ("chad and niger egdi", ["TCD", "NER"]),
        ("tell me about chad", []),  # no indicator: "chad" may be the word
        ("what is the capital of chad", []),
        ("digital policy in georgia", []),
        ("Chad e-government", ["TCD"]),  # capitalised: the name
        ("Georgia digital policy", ["GEO"]),
    ],
)
def test_lower_case_ambiguous_names_count_only_with_an_indicator(
    question: str, countries: list[str]
) -> None:
    assert understand(question).countries == countries


def test_a_country_whose_name_holds_a_group_name_is_the_country() -> None:
    plan = understand("what is the egdi of south africa")
    assert plan.countries == ["ZAF"] and plan.groups == []


# --- groups ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "groups"),
    [
        ("top 5 in asia on egdi 2024", ["ASIA"]),
        ("top 5 in south-east asia on egdi", ["SOUTH_EASTERN_ASIA"]),  # not also "asia"
        ("best egdi in southeast asia", ["SOUTH_EASTERN_ASIA"]),
        ("which pacific islands improved most in egdi", ["PACIFIC_ISLANDS"]),  # not "pacific"
        ("top 2 in the pacific on egdi", ["OCEANIA"]),
        ("how many asean countries have egdi above 0.75", ["ASEAN"]),
        ("sids egdi top 3", ["SIDS"]),
        ("how many ldcs have egdi below 0.25 in 2024", ["LDC"]),
        ("top 3 oecd countries on egdi", ["OECD"]),
        ("best egdi in south america 2022", ["SOUTH_AMERICA"]),
    ],
)
def test_groups_people_name(question: str, groups: list[str]) -> None:
    plan = understand(question)
    assert keys(plan) == groups
    assert plan.countries == []  # "america" in "south america" is not the USA


def test_oecd_inside_the_index_name_is_the_index_not_the_group() -> None:
    plan = understand("OECD Digital Government Index of Korea")
    assert plan.indicators == ["dgi"] and plan.groups == [] and plan.countries == ["KOR"]
    # named once more outside the index's name, it is the group
    both = understand("top 3 oecd countries on the oecd digital government index")
    assert both.indicators == ["dgi"] and keys(both) == ["OECD"] and both.kind == "top"


def test_members_are_those_the_named_groups_share() -> None:
    assert understand("fiji egdi 2024").members is None  # no group named
    plan = understand("top 3 asean sids on egdi 2024")
    assert keys(plan) == ["ASEAN", "SIDS"]
    assert plan.members == frozenset({"SGP", "TLS"})


def test_asian_countries_name_asia() -> None:
    assert keys(understand("how many asian countries have egdi above 0.9 in 2024")) == ["ASIA"]


# --- indicators --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "indicator"),
    [
        ("egov ranking of japan", "egdi"),
        ("e-gov score of japan", "egdi"),
        ("tonga e-gov score 2022", "egdi"),
        ("denmark e-government ranking 2024", "egdi"),
        ("telecom infrastructure of samoa", "tii"),
        ("sri lanka telecom infrastructure 2024", "tii"),
        ("govtech score of india", "gtmi"),
        ("india govtech score", "gtmi"),
        ("online service index of japan 2022", "osi"),
        ("DIGITAL GOVERNMENT INDEX OF DENMARK", "dgi"),
    ],
)
def test_informal_indicator_names(question: str, indicator: str) -> None:
    plan = understand(question)
    assert plan.indicators == [indicator]
    assert plan.kind in ("value", "rank")
    assert len(plan.countries) == 1


def test_a_misspelt_indicator_word_is_corrected_and_said() -> None:
    plan = understand("digital goverment index of denmark")
    assert plan.indicators == ["dgi"] and plan.countries == ["DNK"]
    assert plan.corrections == {"goverment": "government"}
    assert "reading 'goverment' as government" in plan.describe()


def test_a_word_cut_short_after_an_indicator_word_is_completed() -> None:
    plan = understand("telecom infra of tonga")
    assert plan.indicators == ["tii"] and plan.corrections == {"infra": "infrastructure"}


def test_a_contraction_of_an_indicator_word_is_that_word_not_another_it_begins() -> None:
    # "govt" is government as people write it, not the start of "govtech"
    plan = understand("digital govt index korea 2019")
    assert plan.indicators == ["dgi"] and plan.corrections == {"govt": "government"}
    plan = understand("tonga national digital govt strategy - wat r the targets?")
    assert plan.indicators == [] and plan.kind == "documents"
    assert understand("tonga govtech strategy score").indicators == ["gtmi_govtech"]


def test_an_everyday_word_is_no_contraction_of_an_indicator_word() -> None:
    # "process" holds the letters of "proactiveness" in order, first two and last: it was read
    # as the DGI's proactiveness dimension, and "the 25th mtg" as its 25th place
    question = "who co-chaired the 25th mtg of the informal consultative process on oceans?"
    plan = understand(question)
    assert plan.indicators == [] and plan.corrections == {} and plan.kind == "documents"


def test_a_misspelt_word_of_a_group_name_is_read_as_the_group() -> None:
    plan = understand("which pacfic island has the lowest epi 2024?")
    assert [g.key for g in plan.groups] == ["PACIFIC_ISLANDS"] and plan.indicators == ["epi"]
    assert plan.corrections == {"pacfic": "pacific"}
    # a word one slip from a group's name that the dictionary knows is the word typed
    assert understand("pacific egdi 2024").corrections == {}


def test_indicator_spelling_is_not_reported_when_no_indicator_is_named() -> None:
    plan = understand("goverment policies in kenya")
    assert plan.indicators == [] and plan.corrections == {} and plan.kind == "documents"


# --- what is asked -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("fiji egdi 2024", "value"),
        ("What was Fiji's EGDI in 2024?", "value"),
        ("japan egdi rank 2022", "rank"),
        ("egdi ranking of vietnam", "rank"),
        ("japan egdi since 2010", "trend"),
        ("japan egdi trend", "trend"),
        ("japan egdi in 2020 and 2024", "trend"),  # two years, no word of change
        ("change in japan egdi between 2020 and 2024", "change"),
        ("how much did japan's egdi rise from 2020 to 2024", "change"),
        ("japan vs korea egdi 2024", "comparison"),
        ("Compare Fiji with Samoa on the EGDI", "comparison"),
        ("japan vs korea vs china egdi", "comparison"),
        ("cambodia vs laos vs myanmar telecom infrastructure", "comparison"),
        ("top 10 egdi 2024", "top"),
        ("which country ranked first in 2010", "top"),
        ("bottom 3 egdi 2024", "bottom"),
        ("lowest egdi", "bottom"),
        ("which countries improved most on egdi from 2020 to 2024", "improved"),
        ("which countries declined most on egdi", "declined"),
        ("which country fell the most in egdi", "declined"),
        # any verb of going up or down asks the same
        ("which pacific island jumped the most in egdi 2022 to 2024", "improved"),
        ("which asean country went up the most in osi", "improved"),
        ("biggest slide in egdi among ldcs", "declined"),
        # "the most advanced" is the best, not the most changed
        ("which country is the most advanced in egdi 2024", "top"),
        ("how many countries have egdi above 0.9", "count"),
        ("how many countries are in the high egdi group in 2024", "count"),
        ("how many countries are covered by the gtmi 2025", "count"),
        ("how many member states are covered by the gtmi", "count"),
        ("how many countries are above the egdi average", "count"),
        ("how many countries saw their egdi increase", "count"),
        ("how many countries improved their osi significantly", "count"),
        # a count of countries doing what the indicator's values cannot tell is for the documents
        ("oecd dgi 2023 - how many countries use ai to improve policies?", "documents"),
        ("2023 dgi: what % of countries mandate user testing for digital services", "documents"),
        # the countries meeting a rule are listed by the count of them
        ("which asean countries are in gtmi group a", "count"),
        ("list the countries with egdi above 0.9", "count"),
        ("central asian countries w/ osi above 0.75 in 2024?", "count"),
        ("asean countries with very high egdi", "count"),
        ("which country ranked first in 2010", "top"),  # no rule: the top of the ranking
        ("average egdi of sids 2024", "average"),
        ("mean osi in south asia", "average"),
        # an indicator asked of a group and nothing more: every member's value
        ("pacific islands egdi 2024 any numbers?", "members"),
        ("south asia tii", "members"),
        ("what did the pacific islands say about the egdi", "documents"),  # whose words
        ("fiji egdi vs the average", "value"),  # a country named: its own figure
        ("which countries are above the average egdi", "top"),  # against the average
        ("top 5 countries mean egdi", "top"),
        # a level, a threshold or a data group without countries asked for is no count
        ("what did the high level political forum say about egdi", "documents"),
        ("how is the very high egdi group defined", "documents"),
        ("weakest component of nepal egdi", "component"),
        ("strongest sub-index of fiji's egdi", "component"),
        ("what is the weakest pillar of fiji's gtmi", "component"),
        ("korea's weakest dgi dimension 2023", "component"),  # the OECD DGI's six dimensions
        ("who was number 2 on the egdi", "position"),
        ("who was #3 on egdi 2024", "position"),
        ("who ranked 4th on the egdi in 2022", "position"),
        # "who" asks which of the countries named stands ahead: a comparison of their figures
        ("egdi 2024 fiji vs samoa vs tonga - who's ahead?", "comparison"),
        ("samoa or tonga, who does better on the osi", "comparison"),
        # the same words asked of one country, or of none, are no comparison of figures
        ("who is leading e-participation efforts in the philippines", "documents"),
        ("why is india behind on telecommunication infrastructure", "documents"),
        # a document the answer is asked of, that holds no indicator data: the words of an
        # indicator's name in what is asked of it are its topic ("online services")
        (
            "italy 3yr ict plan - by when did PAs have to integrate spid in their online services?",
            "documents",
        ),
        # a publisher's report asked an indicator's figures, and nothing more, is the data's
        ("oecd report: korea dgi rank 2023", "rank"),
        ("unctad report: fiji tii 2024", "value"),
        # the data's own source names an indicator or the survey that publishes them
        ("govtech maturity index 2025: malaysia vs thailand, who scores higher?", "comparison"),
        (
            "In the 2024 UN E-Government Survey, which had the higher EGDI, Malaysia or Thailand?",
            "comparison",
        ),
    ],
)
def test_what_an_indicator_question_asks(question: str, kind: str) -> None:
    assert understand(question).kind == kind


def test_comparisons_keep_every_country_in_order() -> None:
    two = understand("japan vs korea egdi 2024")
    assert two.countries == ["JPN", "KOR"] and two.years == [2024]
    three = understand("cambodia vs laos vs myanmar telecom infrastructure")
    assert three.countries == ["KHM", "LAO", "MMR"] and three.indicator == "tii"


def test_a_component_is_asked_only_of_a_composite_indicator() -> None:
    # the OSI has no components: the question is answered as a value
    assert understand("weakest component of india's osi").kind != "component"


@pytest.mark.parametrize(
    ("question", "kind", "n"),
    [
        ("top 5 in asia on egdi 2024", "top", 5),
        ("top five asean egdi", "top", 5),
        ("the 3 best sids on egdi", "top", 3),
        ("bottom 3 egdi 2024", "bottom", 3),
        ("lowest five egdi", "bottom", 5),
        ("best egdi in southeast asia", "top", None),  # no number named
        ("who was number 2 on the egdi", "position", 2),
        ("egdi 2024 no. 3", "position", 3),
        ("the 2nd on the egdi in 2022", "position", 2),
    ],
)
def test_how_many_are_asked_for(question: str, kind: str, n: int | None) -> None:
    plan = understand(question)
    assert (plan.kind, plan.top_n) == (kind, n)


def test_a_country_in_the_top_n_asks_for_its_rank() -> None:
    plan = understand("is japan in the top 10 on egdi 2024")
    assert plan.kind == "rank" and plan.countries == ["JPN"] and plan.top_n is None


@pytest.mark.parametrize(
    ("question", "threshold"),
    [
        ("how many countries have egdi above 0.9", (">", 0.9)),
        ("how many countries have an egdi of at least 0.5", (">=", 0.5)),
        ("how many countries have egdi 0.5 or more", (">=", 0.5)),
        ("how many ldcs have an egdi of at most 0.3", ("<=", 0.3)),
        ("how many ldcs have egdi below 0.25 in 2024", ("<", 0.25)),
        ("how many countries have egdi less than .5", ("<", 0.5)),
        ("how many countries have osi above 0.8", (">", 0.8)),
    ],
)
def test_a_count_reads_its_threshold(question: str, threshold: tuple[str, float]) -> None:
    plan = understand(question)
    assert plan.kind == "count" and plan.threshold == threshold and plan.level is None


@pytest.mark.parametrize(
    ("question", "cut", "n"),
    [
        ("how many pacific islands are in the top 100 egdi 2024", "top", 100),
        ("how many ldcs in the bottom 20 on egdi", "bottom", 20),
        ("number of asean countries in the top 50 of the gtmi", "top", 50),
    ],
)
def test_a_count_reads_a_place_in_the_ranking(question: str, cut: str, n: int) -> None:
    plan = understand(question)
    assert (plan.kind, plan.rank_cut, plan.top_n, plan.threshold) == ("count", cut, n, None)
    assert f"{cut} {n}" in plan.describe()


def test_how_many_of_one_country_is_not_a_count_of_countries() -> None:
    # a quantity asked of the one country named: its value, not how many countries have one
    plan = understand("how many e-services does the nauru govt portal offer")
    assert plan.countries == ["NRU"] and plan.kind != "count"
    # a group, or "countries", is counted even beside a country
    assert understand("how many countries have egdi above fiji's 0.67").kind == "count"


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("how many countries are in the very high egdi group in 2024", "very high"),
        ("how many countries are in the high egdi group", "high"),
        ("how many countries in the middle egdi level 2022", "middle"),
        ("how many ldcs are in the low egdi group in 2024", "low"),
    ],
)
def test_a_count_reads_an_egdi_level(question: str, level: str) -> None:
    plan = understand(question)
    assert plan.kind == "count" and plan.level == level and plan.threshold is None


@pytest.mark.parametrize(
    ("question", "indicator", "countries"),
    [
        ("What is Italy's e-procurement platform called?", "ims_epmis", ["ITA"]),
        ("what is the purpose of the egdi", "egdi", []),
        ("What does the EGDI measure?", "egdi", []),
        ("How does the UN define e-participation?", "epi", []),
    ],
)
def test_questions_about_names_and_purposes_go_to_the_documents(
    question: str, indicator: str, countries: list[str]
) -> None:
    plan = understand(question)
    assert plan.kind == "documents"
    assert plan.indicators == [indicator] and plan.countries == countries


def test_a_system_name_asks_for_a_score_only_with_a_score_word() -> None:
    assert understand("what is India's e-procurement score").kind == "value"
    assert understand("india e-procurement").kind == "documents"


def test_a_question_without_an_indicator_is_for_the_documents() -> None:
    plan = understand("does bhutan have a national digital ID?")
    assert plan.kind == "documents" and plan.indicator is None and plan.countries == ["BTN"]


def test_who_improved_most_is_an_indicator_question() -> None:
    assert understand("who improved most on the egdi").kind == "improved"


def test_who_was_first_is_the_top_of_the_ranking() -> None:
    plan = understand("who was first on the egdi in 2024")
    assert plan.kind in ("top", "position") and plan.top_n in (None, 1)


# --- describe() --------------------------------------------------------------------------------


def test_describe_says_what_was_read() -> None:
    assert understand("top 5 in asia on egdi 2024").describe() == (
        "EGDI · top 5 · Asia (50 countries) · 2024"
    )
    assert understand("change in japan egdi between 2020 and 2024").describe() == (
        "EGDI · change · Japan · 2020–2024"
    )
    assert understand("japan vs korea egdi 2024").describe() == (
        "EGDI · comparison · Japan, Republic of Korea · 2024"
    )
    assert understand("how many asean countries have egdi above 0.75").describe() == (
        "EGDI · count · ASEAN (11 countries) · > 0.75"
    )
    assert understand("how many countries are in the very high egdi group").describe() == (
        "EGDI · count · EGDI level very high"
    )
    assert understand("who was number 2 on the egdi").describe() == "EGDI · rank 2"
    assert understand("weakest component of nepal egdi").describe() == (
        "EGDI · weakest and strongest component · Nepal"
    )
    assert understand("which countries declined most on egdi").describe() == (
        "EGDI · declined most"
    )


def test_describe_of_a_documents_question_names_no_indicator_or_kind() -> None:
    text = understand("What is Italy's e-procurement platform called?").describe()
    assert text == "Italy"


def test_describe_lists_expansions() -> None:
    plan = understand("what did cepa say")
    plan.expansions["CEPA"] = "Committee of Experts on Public Administration"
    assert plan.describe().endswith("CEPA = Committee of Experts on Public Administration")


# --- acronyms in questions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("what did cepa say about AI and the LDCs", ["cepa", "AI", "LDCs"]),
        ("what is WSIS and intosai", ["WSIS", "intosai"]),
        ("what did CEPA's report say", ["CEPA"]),  # the possessive is not part of it
        ("ICTs and SDGs", ["ICTs", "SDGs"]),
        ("what is the mission of intosai", ["intosai"]),
        ("what did the report say about digital government", []),  # English words only
        ("quali servizi offre la cepa", []),  # Italian words are not unknown English words
        # a plural or a British spelling of an English word is no acronym
        ("any renewables target in the labour programme for data centres", []),
        ("sids and ldcs", ["sids", "ldcs"]),  # a short plural may be one
        # a contraction, with its apostrophe or without, is no acronym
        ("which wsis indicator isn't counted", ["wsis"]),
        ("which indicator isnt counted, doesnt it", []),
    ],
)
def test_acronym_candidates(question: str, found: list[str]) -> None:
    assert acronym_candidates(question) == found


def test_contractions_say_nothing_of_the_topic() -> None:
    for word in ("isn't", "isn’t", "isnt", "isn", "doesnt", "doesn"):
        assert is_function_word(word), word
    for word in ("won", "well", "ill"):  # words of their own
        assert not is_function_word(word), word


def test_acronym_candidates_are_listed_once() -> None:
    assert acronym_candidates("CEPA and CEPA again, and WSIS") == ["CEPA", "WSIS"]


# --- follow-ups --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "previous", "standalone"),
    [
        ("and samoa?", "fiji egdi 2024", "Samoa egdi 2024"),
        ("and in oceania?", "top 5 in asia on egdi 2024", "top 5 in Oceania on egdi 2024"),
        ("what about in 2020", "fiji egdi 2024", "fiji egdi 2020"),
        ("And Samoa?", "What was Fiji's EGDI in 2024?", "What was Samoa's EGDI in 2024?"),
        ("and in 2022?", "What was Fiji's EGDI in 2024?", "What was Fiji's EGDI in 2022?"),
        ("and in 2022?", "What was Fiji's EGDI?", "What was Fiji's EGDI in 2022?"),
        (
            "what about south-east asia",
            "top 5 in asia on egdi 2024",
            "top 5 in South-eastern Asia on egdi 2024",
        ),
    ],
)
def test_follow_ups_carry_the_previous_question(
    question: str, previous: str, standalone: str
) -> None:
    assert rewrite_follow_up(question, previous) == standalone


@pytest.mark.parametrize(
    ("question", "previous", "standalone"),
    [
        # a question of its own with no question word: carried, its country now the new one
        (
            "and cambodia, any renewables target?",
            "lao pdr at unga79 - what did they say on green growth?",
            "Cambodia at unga79 - what did they say on green growth? "
            "and cambodia, any renewables target?",
        ),
        # only the name is new: the previous question for it
        (
            "and tonga?",
            "what did fiji say about climate finance?",
            "what did Tonga say about climate finance?",
        ),
        # a group after a country: the group in the country's place
        (
            "and the caribbean?",
            "what did jamaica say about climate finance?",
            "what did Caribbean say about climate finance?",
        ),
    ],
)
def test_follow_ups_with_new_names_keep_their_own_question(
    question: str, previous: str, standalone: str
) -> None:
    assert rewrite_follow_up(question, previous) == standalone


def test_a_new_country_and_a_new_indicator_make_a_question_of_their_own() -> None:
    previous = "did mongolia's gtmi drop in 2025?"
    assert rewrite_follow_up("fiji egdi 2024", previous) == "fiji egdi 2024"
    assert rewrite_follow_up("nz egdi 2024", previous) == "nz egdi 2024"  # an ISO code alone
    # said to go on ("and"), or a country alone: the previous question for it
    assert "Fiji" in rewrite_follow_up("and fiji?", previous)
    assert "drop" in rewrite_follow_up("and fiji egdi?", previous)


def test_a_rewritten_follow_up_is_understood_like_the_full_question() -> None:
    plan = understand(rewrite_follow_up("and samoa?", "fiji egdi 2024"))
    assert (plan.countries, plan.indicators, plan.years, plan.kind) == (
        ["WSM"],
        ["egdi"],
        [2024],
        "value",
    )
    top = understand(rewrite_follow_up("and in oceania?", "top 5 in asia on egdi 2024"))
    assert keys(top) == ["OCEANIA"] and top.top_n == 5 and top.years == [2024]


@pytest.mark.parametrize(
    ("question", "previous", "standalone"),
    [
        # a new indicator in the old one's place, with what was asked of it
        ("and hci?", "nepal vs bhutan osi", "nepal vs bhutan Human Capital Index (HCI)"),
        ("and osi?", "bhutan egdi rank 2024", "bhutan Online Service Index (OSI) rank 2024"),
        (
            "what about the online service index?",
            "What was Fiji's E-Government Development Index in 2024?",
            "What was Fiji's Online Service Index (OSI) in 2024?",
        ),
        # a question of its own that names an indicator is not the old one swapped
        (
            "which of them is in gtmi group a?",
            "top 5 asean osi",
            "top 5 asean osi which of them is in gtmi group a?",
        ),
        # a comparison naming nothing to compare with is with the previous country
        ("how does japan compare?", "korea dgi 2023", "Republic of Korea and Japan dgi 2023"),
        # ... only one country with one: two new ones, or two before, ask their own question
        ("how do japan and china compare?", "korea dgi 2023", "how do japan and china compare?"),
        ("how does japan compare?", "korea and china dgi 2023", "how does japan compare?"),
        # what else the follow-up asks is asked of the new indicator
        (
            "and egdi rank?",
            "fiji osi 2024",
            "fiji E-Government Development Index (EGDI) 2024 egdi rank?",
        ),
        (
            "what about hci and tii?",
            "fiji egdi 2024",
            "fiji Human Capital Index (HCI) 2024 hci and tii?",
        ),
    ],
)
def test_a_follow_up_swaps_the_indicator_or_compares_with_the_previous_country(
    question: str, previous: str, standalone: str
) -> None:
    assert rewrite_follow_up(question, previous) == standalone
    if "compare" in question and standalone != question:
        plan = understand(standalone)
        assert plan.countries == ["KOR", "JPN"] and plan.indicators == ["dgi"]


@pytest.mark.parametrize(
    ("question", "previous", "expected"),
    [
        # a follow-up in another language: its names, and the previous question's, read in
        # English (a Korean "and Nepal?" after a Korean question on Fiji is on Nepal alone)
        ("네팔은?", "피지의 2024년 전자정부발전지수는?", (["NPL"], ["egdi"], [2024])),
        ("네팔은?", "fiji egdi 2024", (["NPL"], ["egdi"], [2024])),
        ("2022년은?", "피지의 2024년 전자정부발전지수는?", (["FJI"], ["egdi"], [2022])),
        ("日本呢？", "中国的电子政务发展指数是多少？", (["JPN"], ["egdi"], [])),
        # an English follow-up after a question in another language
        ("and nepal?", "피지의 2024년 전자정부발전지수는?", (["NPL"], ["egdi"], [2024])),
        # a short follow-up is in the conversation's language ("kalau", "if", is no typo for
        # Palau; the detector alone reads "kalau Vietnam?" as Vietnamese)
        ("kalau Vietnam?", "Berapa EGDI Filipina tahun 2024?", (["VNM"], ["egdi"], [2024])),
        ("kalau tahun 2022?", "Berapa EGDI Filipina tahun 2024?", (["PHL"], ["egdi"], [2022])),
    ],
)
def test_a_follow_up_in_any_language_carries_the_previous_question(
    question: str, previous: str, expected: tuple[list[str], list[str], list[int]]
) -> None:
    plan = understand(crosslingual.gloss(rewrite_follow_up(question, previous), "ko").text)
    assert (plan.countries, plan.indicators, plan.years) == expected


def test_a_whole_question_in_another_language_keeps_its_own_subject() -> None:
    # "What is Nepal's 2022 online service index?" after Fiji's EGDI: Nepal's OSI in 2022
    rewritten = rewrite_follow_up("네팔의 2022년 온라인서비스지수는 얼마인가요?", "fiji egdi 2024")
    plan = understand(crosslingual.gloss(rewritten, "ko").text)
    assert (plan.countries, plan.indicators, plan.years) == (["NPL"], ["osi"], [2022])


def test_a_short_follow_up_keeps_the_language_the_conversation_was_answered_in() -> None:
    from assistant.answering.followups import Conversation, Turn
    from assistant.answering.pipeline import _answer_language

    # the detector gives "who chaired apfsd 12?" to French, but it was read and answered as
    # English: "when was that?" after it is English too (before: French, searched by meaning
    # across languages and refused)
    first = "who chaired apfsd 12?"
    conversation = Conversation("c", [Turn(first, first)])
    standalone = f"{first} when was that?"
    assert _answer_language("when was that?", standalone, conversation) == ("en", True)
    # a turn in another language still carries its own
    korean = "피지의 2024년 전자정부발전지수는?"
    earlier = Conversation("k", [Turn(korean, korean)])
    assert _answer_language("2022?", f"{korean} 2022?", earlier) == ("ko", True)


def test_a_question_that_stands_alone_is_unchanged() -> None:
    question = "What is Samoa's EGDI in 2024?"
    assert rewrite_follow_up(question, "fiji egdi 2024") == question


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("laos govtech maturity over the three gtmi rounds", "trend"),
        ("fiji egdi across all editions", "trend"),
        ("fiji egdi in the last survey", "value"),  # one survey: not a series
        ("egdi of japan in 2022 survey", "value"),
    ],
)
def test_a_series_of_editions_is_a_trend(question: str, kind: str) -> None:
    assert understand(question).kind == kind


def test_a_count_in_a_data_group() -> None:
    plan = understand("how many countries are in gtmi group a in 2025")
    assert (plan.kind, plan.data_group, plan.threshold) == ("count", "A", None)
    assert plan.describe() == "GTMI · count · group A · 2025"
    assert understand("how many countries are in the very high egdi group").data_group is None


@pytest.mark.parametrize(
    ("question", "years"),
    [
        # two editions typed by their last two digits, joined: the years
        ("fiji egdi 22 vs 24", [2022, 2024]),
        ("samoa osi '20 to '24", [2020, 2024]),
        ("which pacific island jumped the most in egdi rank 22 to 24", [2022, 2024]),
        # positions, not years, after a word for one, unless a change is asked for
        ("which countries ranked 22 to 24 in egdi", []),
        ("top 10-20 egdi", []),
        # a year in full: the two digits are something else
        ("fiji egdi 2024 top 10 to 20", [2024]),
        # ranges of positions, ages and shares are not years, nor a year to come
        ("countries ranked between 10 and 20 on egdi", []),
        ("bottom 10 to 20 countries egdi", []),
        ("top-10 to 20 egdi", []),
        ("which of the top 10 to 20 gained most on egdi", []),
        ("egdi of countries where youth (15-24) use the internet", []),
        ("hci between 40 and 45 percent", []),
        ("fiji egdi 24 to 48", []),
        # after "rank", editions when joined by an arrow or when one country's rank is asked
        ("egdi rank 22 -> 24", [2022, 2024]),
        ("marshall islands egdi rank 22 to 24?", [2022, 2024]),
        ("is fiji ranked 10 to 20 in egdi?", []),  # a range of places
    ],
)
def test_two_editions_typed_by_their_last_two_digits(question: str, years: list[int]) -> None:
    assert understand(question).years == years


@pytest.mark.parametrize(
    ("question", "kind", "years"),
    [
        # a word of going up or down, of a country named: the change into the year asked, or
        # into the latest edition, from the edition before
        ("did mongolia's gtmi drop in 2025?", "change", [2025]),
        ("has fiji's osi improved?", "change", []),
        ("did korea and japan's egdi fall in 2024", "change", [2024]),
        # "since" asks for the trend from a year; no word of change, the value
        ("has fiji's osi improved since 2020?", "trend", [2020]),
        ("fiji osi 2024", "value", [2024]),
        ("how can mongolia improve its gtmi score?", "value", []),  # a way to change it
    ],
)
def test_a_country_gone_up_or_down_asks_for_its_change(
    question: str, kind: str, years: list[int]
) -> None:
    plan = understand(question)
    assert (plan.kind, plan.years) == (kind, years)
