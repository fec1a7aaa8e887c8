"""Questions in the region's languages read through the English query understanding
(assistant/crosslingual.py): names found as each language writes them, then the plan."""

from __future__ import annotations

import pytest

from assistant.answering.understanding import understand
from assistant.crosslingual import gloss, kind_label, labels, local_country_name
from assistant.language import question_language


def _plan(question: str):  # type: ignore[no-untyped-def]
    read = gloss(question, question_language(question))
    return understand(read.text)


@pytest.mark.parametrize(
    ("question", "kind", "countries", "indicators", "years"),
    [
        # Korean: a particle follows the name ("피지의"), digits carry a counter ("2024년")
        ("피지의 2024년 전자정부발전지수는?", "value", ["FJI"], ["egdi"], [2024]),
        ("한국과 일본의 전자정부 순위 비교", "comparison", ["KOR", "JPN"], ["egdi"], []),
        # Chinese and Japanese: no spaces, a name anywhere
        ("比较中国和印度尼西亚的电子政务发展指数", "comparison", ["CHN", "IDN"], ["egdi"], []),
        ("日本の電子政府発展度指数の推移", "trend", ["JPN"], ["egdi"], []),
        # Russian: names and terms declined ("Японии", "индексу")
        (
            "Какой индекс развития электронного правительства у Японии в 2022 году?",
            "value",
            ["JPN"],
            ["egdi"],
            [2022],
        ),
        (
            "Сравните Казахстан и Узбекистан по индексу развития электронного правительства",
            "comparison",
            ["KAZ", "UZB"],
            ["egdi"],
            [],
        ),
        # Latin-script languages: whole words, accents or not
        (
            "Quel est l'indice de développement de l'administration en ligne du Vanuatu en 2024 ?",
            "value",
            ["VUT"],
            ["egdi"],
            [2024],
        ),
        (
            "cual es el indice de gobierno electronico de filipinas en 2024",
            "value",
            ["PHL"],
            ["egdi"],
            [2024],
        ),
        (
            "chỉ số phát triển chính phủ điện tử của Việt Nam năm 2024 là bao nhiêu",
            "value",
            ["VNM"],
            ["egdi"],
            [2024],
        ),
        (
            "berapa indeks pembangunan e-government indonesia tahun 2024",
            "value",
            ["IDN"],
            ["egdi"],
            [2024],
        ),
        # Thai: no spaces
        ("ดัชนีการพัฒนารัฐบาลอิเล็กทรอนิกส์ของประเทศไทยปี 2024", "value", ["THA"], ["egdi"], [2024]),
    ],
)
def test_indicator_questions_are_understood_in_each_language(
    question: str, kind: str, countries: list[str], indicators: list[str], years: list[int]
) -> None:
    plan = _plan(question)
    assert (plan.kind, plan.countries, plan.indicators, plan.years) == (
        kind,
        countries,
        indicators,
        years,
    )


def test_regions_groups_top_n_and_thresholds_are_read() -> None:
    top = _plan("동남아시아 전자정부발전지수 상위 5개국")
    assert (top.kind, top.top_n, [g.key for g in top.groups]) == ("top", 5, ["SOUTH_EASTERN_ASIA"])
    sids = _plan("군소도서개발도상국 중 전자정부발전지수가 가장 높은 나라는?")
    assert [g.key for g in sids.groups] == ["SIDS"] and sids.kind == "top"
    count = _plan("전자정부발전지수가 0.75 이상인 나라는 몇 개국인가요?")
    assert count.kind == "count" and count.threshold == (">=", 0.75)
    # a decimal comma is a decimal point
    french = _plan(
        "combien de pays ont un indice de développement de l'administration en ligne supérieur à 0,75 ?"
    )
    assert french.kind == "count" and french.threshold == (">", 0.75)


def test_the_longer_name_wins_and_a_name_is_not_read_inside_another_word() -> None:
    assert _plan("인도네시아와 인도의 전자정부발전지수 비교").countries == ["IDN", "IND"]
    # "인도적" (humanitarian) begins with India's name but is another word
    assert gloss("인도적 지원에 대한 보고서", "ko").read_as == {}


def test_an_english_question_is_not_changed() -> None:
    read = gloss("fiji egdi 2024", "en")
    assert read.text == "fiji egdi 2024" and read.read_as == {}
    assert gloss("Fiji EGDI", None).text == "Fiji EGDI"


def test_what_was_read_is_reported_word_for_word() -> None:
    read = gloss("피지의 2024년 전자정부발전지수는?", "ko")
    assert read.read_as == {"피지의": "Fiji", "전자정부발전지수는": "EGDI"}
    assert read.text == "Fiji 2024 년 EGDI ?"


def test_the_words_around_an_answer_are_in_the_questions_language() -> None:
    assert kind_label("top", 5, "ko") == "상위 5" and kind_label("top", 5, "en") == "top 5"
    assert (
        kind_label("value", None, "ru") == "значение" and kind_label("trend", None, None) == "trend"
    )
    assert labels("ja", [{"country": "JPN"}])["sources"] == "出典"
    assert "country" not in labels("ja")  # no table, no column names
    assert labels("en") == {} and labels(None) == {}
    assert local_country_name("FJI", "zh") == "斐济" and local_country_name("FJI", "en") == "Fiji"


@pytest.mark.parametrize(
    "question",
    [
        "какие данные о периоде того местного самоуправления",  # Denmark, Peru, Togo, Samoa
        "большинство стран",  # "more than"
        "发展中国家的数字政府",  # developing countries, not China
        "拉美国家和印度洋岛国",  # Latin American countries, the Indian Ocean: no USA, no India
    ],
)
def test_common_words_are_not_read_as_names(question: str) -> None:
    language = question_language(question)
    assert gloss(question, language).read_as == {}, language


def test_names_are_read_in_their_cases_and_scripts() -> None:
    peru = _plan("индекс развития электронного правительства Перу в 2024 году")
    assert peru.countries == ["PER"] and peru.indicators == ["egdi"]
    assert _plan("韓國的電子政務發展指數").countries == ["KOR"]  # traditional characters
    kanji = _plan("日本電子政府順位2024")  # Japanese written without kana
    assert kanji.countries == ["JPN"] and kanji.years == [2024]


def test_numbers_and_acronyms_are_kept_as_typed() -> None:
    assert gloss("G20 국가 중 1,000명 이상", "ko").text.startswith("G20 ")
    assert "1,000" in gloss("G20 국가 중 1,000명 이상", "ko").text
    assert "1,000" in gloss("plus de 1,000 pays", "fr").text  # a thousand, not 1.0
    assert _plan("전자정부발전지수 0.8이상인 나라는 몇 개국").threshold == (">=", 0.8)


def test_an_english_question_naming_a_place_in_its_own_script_stays_english() -> None:
    assert question_language("What did the report say about Беларусь?") == "en"
    assert question_language("What is the 数字中国 strategy about?") == "en"
    assert question_language("CEPA 对人工智能有什么建议？") == "zh"


def test_a_name_spelt_as_in_english_is_no_sign_of_another_language() -> None:
    assert not gloss("indonesia score in the oecd dgi 2019", "id").says_something
    assert gloss("indeks pembangunan e-government malaysia", "ms").says_something
    assert gloss("피지 2024", "ko").says_something


def test_a_russian_name_is_read_in_any_case() -> None:
    for typed, code in (("Непал", "NPL"), ("Непала", "NPL"), ("Непалом", "NPL"), ("Японию", "JPN")):
        assert _plan(f"индекс развития электронного правительства {typed}").countries == [code]
    assert _plan("индекс развития электронного правительства Непала в 2024 году").countries == [
        "NPL"
    ]
