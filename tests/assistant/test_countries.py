"""Country names in documents and in questions (assistant/countries.py)."""

from __future__ import annotations

from assistant import countries


def test_names_and_codes() -> None:
    assert countries.to_iso3("Viet Nam") == countries.to_iso3("vietnam") == "VNM"
    assert countries.to_iso3("Lao PDR") == countries.to_iso3("laos") == "LAO"
    assert countries.to_iso3("Türkiye") == countries.to_iso3("Turkey") == "TUR"
    assert countries.to_iso3("Iran (Islamic Republic of)") == "IRN"
    assert countries.to_iso3("fji") == "FJI"
    assert countries.to_iso3("Atlantis") is None
    assert countries.name("KOR") == "Republic of Korea"


def test_documents_are_read_strictly() -> None:
    text = "Jordan and Chad attended. The Republic of Korea and Fiji spoke."
    assert countries.find_countries(text) == ["JOR", "TCD", "KOR", "FJI"]
    assert countries.find_countries(text, strict=True) == ["KOR", "FJI"]
    assert countries.find_countries("the fiji delegation") == []  # case matters in documents


def test_questions_are_read_in_any_case_with_typos() -> None:
    assert countries.in_question("fiji egdi 2024") == ["FJI"]
    assert countries.in_question("FIJI's egdi") == ["FJI"]
    assert countries.in_question("cambodia vs laos vs myanmar") == ["KHM", "LAO", "MMR"]
    codes, corrections = countries.find_in_question("gtmi of indonesai and philipines")
    assert codes == ["IDN", "PHL"]
    assert corrections == {"indonesai": "Indonesia", "philipines": "Philippines"}


def test_ordinary_words_are_not_countries() -> None:
    assert countries.in_question("can you tell us about the chad report") == []
    assert (
        countries.in_question(
            "chad egdi",
        )
        == []
    )
    assert countries.find_in_question("chad egdi", ambiguous=True)[0] == ["TCD"]
    assert countries.in_question("what is the government strategy") == []  # no fuzzy match
    assert countries.in_question("the US and the UK") == ["USA", "GBR"]


def test_english_uses() -> None:
    assert countries.english_uses("cryptocurrencies") < 100 < countries.english_uses("fare")
    assert countries.english_uses("summarised") == countries.english_uses("summarized")
    assert countries.english_uses("all-round") > 100
    # a word made with a letter is not as ordinary as its rarer part ("procurement")
    assert countries.english_uses("e-procurement") < 100 < countries.english_uses("procurement")


def test_one_slip_corrections() -> None:
    assert countries.slip_corrections("goverment")[0] == "government"
    assert countries.slip_corrections("arent")[0] == "aren't"
    assert countries.slip_corrections("government") == []  # a word the dictionary knows
    assert countries.slip_corrections("cryptocurrencies") == []  # no word one slip away


def test_a_word_typed_without_its_vowels_is_read_as_the_common_word_it_shortens() -> None:
    assert countries.vowels_dropped_from("nxt") == "next"
    assert countries.vowels_dropped_from("ppl") == "people"  # not "pupil"
    assert countries.vowels_dropped_from("abt") == "about"
    # two letters are as often a code; an acronym, or two words as common ("wrt": "write",
    # "wrote"), or a rarer word ("intl": "initial") is left as typed
    for typed in ("nz", "yr", "cstd", "wrt", "intl", "oios", "egdi"):
        assert countries.vowels_dropped_from(typed) is None, typed


def test_an_iso_code_is_a_country_joined_to_another_the_question_names() -> None:
    assert countries.in_question("oecd dgi 2023 japan vs nz composite score n rank") == [
        "JPN",
        "NZL",
    ]
    assert countries.in_question("korea vs sg and jp egdi") == ["KOR", "SGP", "JPN"]
    # three letters too, and a code the dictionary lists only at its floor is no word
    assert countries.in_question("osi 2024 kor vs sg vs japan") == ["KOR", "SGP", "JPN"]
    assert countries.in_question("india and per capita income") == ["IND"]
    # no country named: three-letter codes compared name each other, two letters do not
    assert countries.in_question("egdi 2024 tha vs mys vs idn") == ["THA", "MYS", "IDN"]
    assert countries.in_question("hr vs ml in public administration") == []
    # side by side with no word joining them, two letters are something else
    assert countries.in_question("japan ml strategy") == ["JPN"]
    assert countries.in_question("singapore tv licence") == ["SGP"]
    # alone, two letters are as often something else: the Secretary-General's report
    assert countries.in_question("what does the sg's report say on ai") == []
    assert countries.in_question("nz egdi") == []
    # a code that is an English word is never read as a country ("my": Malaysia)
    assert countries.in_question("fiji and my questions") == ["FJI"]


def test_which_questions_are_english() -> None:
    assert countries.mostly_english("egdi of the phillipines")  # typos and acronyms allowed
    assert countries.mostly_english("what did cepa say about ai in government")
    assert not countries.mostly_english("kapan timor leste menjadi anggota pbb")
    assert not countries.mostly_english(
        "quali servizi offre il CERT-PA alle pubbliche amministrazioni?"
    )
    assert countries.in_question("kapan timor leste menjadi anggota pbb") == ["TLS"]  # not Japan
    # two words, neither English: not read for typos ("kalau" is Indonesian, not Palau)
    assert not countries.mostly_english("kalau tahun 2024?")
    assert countries.in_question("kalau tahun 2024?") == []
    assert countries.mostly_english("indonesai osi 2022")  # an indicator code is no word
