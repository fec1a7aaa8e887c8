"""Questions as people type them: the plan the answerers use (answering/understanding.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.answering.followups import (
    Conversation,
    Turn,
    rewrite_follow_up,
    standalone_question,
)
from assistant.answering.understanding import (
    acronym_candidates,
    is_function_word,
    spelt_by_sound,
    understand,
)


@pytest.mark.parametrize(
    ("question", "kind", "indicator", "countries"),
    [
        ("fiji egdi 2024", "value", "egdi", ["FJI"]),
        ("FIJI's EGDI", "value", "egdi", ["FJI"]),
        ("whats the gtmi score of indonesai", "value", "gtmi", ["IDN"]),
        ("sri lanka rank egdi 2022", "rank", "egdi", ["LKA"]),
        ("compare korea and japan egov ranking", "comparison", "egdi", ["KOR", "JPN"]),
        (
            "cambodia vs laos vs myanmar telecom infrastructure index",
            "comparison",
            "tii",
            ["KHM", "LAO", "MMR"],
        ),
        ("change in vietnam egdi from 2020 to 2024", "change", "egdi", ["VNM"]),
        ("How has Mongolia's online service index changed since 2012?", "trend", "osi", ["MNG"]),
        ("has korea stayed in the egdi top 5 since 2010", "trend", "egdi", ["KOR"]),
        ("top 5 countries in asia on egdi 2024", "top", "egdi", []),
        ("which country had the lowest osi in 2022", "bottom", "osi", []),
        ("which pacific islands improved most in EGDI", "improved", "egdi", []),
        ("how many countries are in the very high EGDI group in 2024", "count", "egdi", []),
        ("no. of oceania countries with egdi under 0.5", "count", "egdi", []),
        ("weakest component of nepal's egdi", "component", "egdi", ["NPL"]),
        ("who was number 2 on the egdi in 2024", "position", "egdi", []),
        (
            "uk or france - who does better on the oecd digital goverment index",
            "comparison",
            "dgi",
            ["GBR", "FRA"],
        ),
        ("micronesia vs marshall islands telecom infra 2024", "comparison", "tii", ["FSM", "MHL"]),
        ("What is Italy's e-procurement platform called?", "documents", "ims_epmis", ["ITA"]),
        ("does bhutan have a national digital ID?", "documents", None, ["BTN"]),
        # the UN E-Government Survey ranks by the EGDI: e-government with a rank, a top N or a
        # score asked of it is the EGDI; whose words are asked for, or e-government alone, not
        ("samoa rank in the 2022 un egov survey", "rank", "egdi", ["WSM"]),
        ("top 5 asean egov 2024", "top", "egdi", []),
        ("what did cepa say about e-government rankings", "documents", None, []),
        ("did fiji talk about egov", "documents", None, ["FJI"]),
        # a ranking verb in any of its forms
        ("who tops oecd dgi 2023", "top", "dgi", []),
        ("who topped the egdi in 2022", "top", "egdi", []),
    ],
)
def test_what_a_question_asks(
    question: str, kind: str, indicator: str | None, countries: list[str]
) -> None:
    plan = understand(question)
    assert (plan.kind, plan.indicator, plan.countries) == (kind, indicator, countries)


def test_constraints_are_read() -> None:
    top = understand("top 5 countries in asia on egdi 2024")
    assert (top.top_n, [g.key for g in top.groups], top.years) == (5, ["ASIA"], [2024])
    count = understand("how many asean countries have egdi above 0.7 in 2024")
    assert count.threshold == (">", 0.7) and [g.key for g in count.groups] == ["ASEAN"]
    assert understand("how many countries are in the very high egdi group").level == "very high"
    assert understand("who was number 2 on the egdi").top_n == 2
    typo = understand("egdi of the phillipines")
    assert typo.countries == ["PHL"] and typo.corrections == {"phillipines": "Philippines"}
    assert "reading 'phillipines' as Philippines" in typo.describe()
    assert top.describe() == "EGDI · top 5 · Asia (50 countries) · 2024"


def test_names_inside_other_names() -> None:
    # the OECD in the index's name is not the group; America in South America is not a country
    assert understand("oecd digital government index of korea").groups == []
    south = understand("best egdi in south america 2022")
    assert south.countries == [] and [g.key for g in south.groups] == ["SOUTH_AMERICA"]
    assert understand("south africa egdi").countries == ["ZAF"]
    assert understand("chad egdi").countries == ["TCD"]  # with an indicator named
    assert understand("tell us about the chad report").countries == []


def test_acronym_candidates() -> None:
    assert acronym_candidates("what did cepa say about AI and the LDCs") == ["cepa", "AI", "LDCs"]
    assert acronym_candidates("what did the report say") == []
    # chat shorthand for a function word is that word, whatever a document calls ABT
    assert acronym_candidates("what did cepa say abt ai in govt") == ["cepa"]
    assert acronym_candidates("wht does unctad's tir say") == ["unctad", "tir"]
    # and so is one spelt by its sound ("wat", "wen"), however the dictionary knows it
    assert acronym_candidates("wat does the wsis report say") == ["wsis"]


def test_function_words_spelt_by_sound_in_chat() -> None:
    assert spelt_by_sound("wat") == "what" and spelt_by_sound("wen") == "when"
    assert is_function_word("wat") and is_function_word("thru")
    # a word of its own that sounds like one is not ("sum": some, "meta": might), nor an
    # acronym typed in lower case that sounds like one ("hiv": have, "sme": some, "dna": done;
    # no dictionary knows them), nor a two-letter one ("hr": her)
    for word in ["sum", "meta", "mac", "hiv", "sme", "dna", "sdi", "hr"]:
        assert spelt_by_sound(word) is None, word
        assert not is_function_word(word), word
    assert not any(map(is_function_word, ["egdi", "osi", "wsis", "oios", "ict"]))


@pytest.mark.parametrize(
    ("question", "previous", "standalone"),
    [
        ("and samoa?", "fiji egdi 2024", "Samoa egdi 2024"),
        ("what about in 2020", "fiji egdi 2024", "fiji egdi 2020"),
        ("and in oceania?", "top 5 in asia on egdi 2024", "top 5 in Oceania on egdi 2024"),
        ("What about Tonga?", "What was Fiji's EGDI in 2024?", "What was Tonga's EGDI in 2024?"),
        # every country a follow-up names is asked about, not the first alone
        (
            "what about india and china?",
            "unctad tir 2025 - where does singapore sit on the frontier tech readiness index?",
            "unctad tir 2025 - where does India and China sit on the frontier tech readiness index?",
        ),
        ("and samoa, tonga and fiji?", "vanuatu egdi 2024", "Samoa, Tonga and Fiji egdi 2024"),
        # a new year with a change asked for: the change between the two years
        (
            "what about 2025, did it drop?",
            "mongolia gtmi score in 2022?",
            "mongolia gtmi score from 2022 to 2025?",
        ),
        ("has it improved since 2018?", "fiji egdi 2024", "fiji egdi from 2018 to 2024"),
        # a follow-up asking something of a group (an average, a count, the top) asks it of the
        # indicator and year asked about before, within the group asked about before
        (
            "how many are above 0.75?",
            "top 5 in asia on egdi 2024",
            "how many are above 0.75 E-Government Development Index (EGDI) in Asia 2024?",
        ),
        (
            "whats the oecd avg score?",
            "who were the top performers in the oecd digital government index 2023?",
            "whats the oecd avg score OECD Digital Government Index (DGI) 2023?",
        ),
        # not after a question the documents answered, however it names an indicator
        (
            "ok and on ai, how many have a strategy for ai in the public sector?",
            "oecd dgi 2023 - how did countries do on the proactiveness dimension?",
            "oecd dgi 2023 - how did countries do on the proactiveness dimension? ok and on ai, "
            "how many have a strategy for ai in the public sector?",
        ),
        # a question of English words only names no subject of its own: it asks about the
        # conversation's
        (
            "who's next n how many in the pipeline?",
            "any news on ldc graduation in the doha poa progress report?",
            "any news on ldc graduation in the doha poa progress report? who's next n how many "
            "in the pipeline?",
        ),
        # one naming a body, a country or an indicator stands alone, as does one naming
        # something with a capital, as names are written
        (
            "What does the Committee recommend about procurement data?",
            "What does the digital identity programme in Fiji do?",
            "What does the Committee recommend about procurement data?",
        ),
        (
            "who chaired the cepa session?",
            "any news on ldc graduation?",
            "who chaired the cepa session?",
        ),
        # "he", "she" point back as "it" does
        (
            "where does he teach?",
            "who is the nominee from the philippines on the cepa list?",
            "who is the nominee from the philippines on the cepa list? where does he teach?",
        ),
    ],
)
def test_follow_ups(question: str, previous: str, standalone: str) -> None:
    assert rewrite_follow_up(question, previous) == standalone


@pytest.mark.parametrize(
    ("history", "question", "standalone"),
    [
        # a choice among the countries asked the same question in turn
        (
            ["whats denmark's rank in egdi 2024", "and korea?"],
            "which one is best?",
            "whats Denmark and Republic of Korea's rank in egdi 2024",
        ),
        (
            ["fiji egdi 2024", "and samoa?", "and tonga?"],
            "who is ahead?",
            "Fiji, Samoa and Tonga egdi 2024",
        ),
        # the last question asked about them all already
        (
            ["compare vietnam and thailand osi"],
            "which one is best?",
            "compare vietnam and thailand osi",
        ),
        # an earlier question on another subject is not among the choices: one country is no
        # choice, and the question is left as asked
        (
            ["what is fiji's egdi in 2024", "what is denmark's osi in 2022"],
            "which one is better?",
            "which one is better?",
        ),
        # a question of its own naming what to choose among is no such choice
        (
            ["whats denmark's rank in egdi 2024", "and korea?"],
            "which countries are best at e-participation?",
            "which countries are best at e-participation?",
        ),
    ],
)
def test_a_choice_among_the_conversations_countries(
    history: list[str], question: str, standalone: str
) -> None:
    turns: list[Turn] = []
    for earlier in history:
        made = rewrite_follow_up(earlier, turns[-1].standalone) if turns else earlier
        turns.append(Turn(earlier, made))
    context = SimpleNamespace(uses_llm=False)
    assert standalone_question(question, Conversation(turns=turns), context) == standalone  # type: ignore[arg-type]
