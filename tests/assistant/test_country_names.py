"""Country names and codes (assistant/countries.py), read as its docstrings promise.

Complements tests/assistant/test_countries.py. In documents (:func:`find_countries`) names are
matched as written (case matters) and ``strict`` skips ambiguous words unless written in a longer
form; in questions (:func:`find_in_question`) case does not matter, but names that are also
ordinary words count in lower case only when asked to, and typos are read by nearest name.
"""

from __future__ import annotations

import pycountry
import pytest

from assistant import countries


# --- to_iso3 and name -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "iso3"),
    [
        # codes, in any case and with surrounding space
        ("FJI", "FJI"),
        ("kor", "KOR"),
        ("  vnm  ", "VNM"),
        # ISO 3166 names, common names and official names
        ("Fiji", "FJI"),
        ("Republic of Fiji", "FJI"),
        ("Bolivia, Plurinational State of", "BOL"),
        ("Korea, Republic of", "KOR"),
        # the UN's spellings
        ("Republic of Korea", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Lao People's Democratic Republic", "LAO"),
        ("United Republic of Tanzania", "TZA"),
        ("State of Palestine", "PSE"),
        # World Bank and OECD spellings, a trailing period dropped
        ("Korea, Rep.", "KOR"),
        ("Egypt, Arab Rep.", "EGY"),
        ("Gambia, The", "GMB"),
        ("Venezuela, RB", "VEN"),
        ("Micronesia, Fed. Sts.", "FSM"),
        ("St. Lucia", "LCA"),
        # short forms, old names and demonyms
        ("South Korea", "KOR"),
        ("North Korea", "PRK"),
        ("DPRK", "PRK"),
        ("Laos", "LAO"),
        ("Turkey", "TUR"),
        ("Ivory Coast", "CIV"),
        ("Swaziland", "SWZ"),
        ("Burma", "MMR"),
        ("Holland", "NLD"),
        ("DRC", "COD"),
        ("Congo", "COG"),
        ("UK", "GBR"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("Fijian", "FJI"),
        ("Filipino", "PHL"),
        ("Nepalese", "NPL"),
        # case and accents do not matter
        ("VIET NAM", "VNM"),
        ("viet nam", "VNM"),
        ("turkiye", "TUR"),
        ("TÜRKIYE", "TUR"),
        ("cote d'ivoire", "CIV"),
        ("Sao Tome and Principe", "STP"),
        ("São Tomé and Príncipe", "STP"),
        # a parenthesis the table does not know is tried without it
        ("Iran (Islamic Republic of)", "IRN"),
        ("Iran (the Islamic Republic)", "IRN"),
        ("Bolivia (Plurinational)", "BOL"),
    ],
)
def test_to_iso3_reads_codes_and_every_spelling(value: str, iso3: str) -> None:
    assert countries.to_iso3(value) == iso3


@pytest.mark.parametrize(
    "value", ["", "   ", "Atlantis", "XYZ", "Europe", "Korea Rep", "Fiji Islands Republic"]
)
def test_to_iso3_unknown_is_none(value: str) -> None:
    assert countries.to_iso3(value) is None


def test_every_iso_country_round_trips_through_its_names() -> None:
    wrong = []
    for country in pycountry.countries:
        code = country.alpha_3
        spellings = {
            countries.name(code),
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            code,
            code.lower(),
        }
        wrong += [(code, s) for s in spellings if s and countries.to_iso3(s) != code]
    assert wrong == []


@pytest.mark.parametrize(
    ("code", "display"),
    [
        ("KOR", "Republic of Korea"),
        ("vnm", "Viet Nam"),  # any case
        ("TUR", "Türkiye"),
        ("GBR", "United Kingdom of Great Britain and Northern Ireland"),
        ("BOL", "Bolivia (Plurinational State of)"),
        ("FJI", "Fiji"),  # ISO's name where the UN's is the same
        ("TWN", "Taiwan"),
        ("xyz", "XYZ"),  # unknown codes come back upper-cased
    ],
)
def test_name_is_the_uns_spelling(code: str, display: str) -> None:
    assert countries.name(code) == display


# --- find_countries (documents) -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Samoa, Tonga and Fiji", ["WSM", "TON", "FJI"]),  # order of first mention
        ("Fiji, then Samoa, then Fiji again", ["FJI", "WSM"]),  # each once
        ("Viet Nam (Vietnam) and Türkiye (Turkey)", ["VNM", "TUR"]),
        ("Côte d'Ivoire and Cote d'Ivoire", ["CIV"]),
        # the longest name wins
        ("the Democratic Republic of the Congo", ["COD"]),
        ("the Democratic People's Republic of Korea", ["PRK"]),
        ("Papua New Guinea and Equatorial Guinea", ["PNG", "GNQ"]),
        ("South Sudan and Sudan", ["SSD", "SDN"]),
        ("American Samoa", ["ASM"]),
        # a hyphenated name is one name, and a name inside a word is none
        ("Guinea-Bissau", ["GNB"]),
        ("Timor-Leste officials", ["TLS"]),
        ("Fiji-based firms", []),
        ("Fijis and FijiX", []),
        ("Chadian officials", []),
        # case matters in documents
        ("the fiji delegation", []),
        ("Korean and Fijian officials", ["KOR", "FJI"]),
        ("Dominica and the Dominican Republic", ["DMA", "DOM"]),
        ("The Governance of Digital Services", []),
        ("", []),
    ],
)
def test_find_countries(text: str, expected: list[str]) -> None:
    assert countries.find_countries(text) == expected


@pytest.mark.parametrize(
    ("text", "loose", "strict"),
    [
        ("Chad", ["TCD"], []),
        ("Jordan", ["JOR"], []),
        ("Georgia", ["GEO"], []),
        ("the Guinea delegation", ["GIN"], []),
        ("Niger", ["NER"], []),
        ("Niger and Nigeria", ["NER", "NGA"], ["NGA"]),
        ("Lao", ["LAO"], []),
        ("America", ["USA"], []),
        ("the Indian Ocean", ["IND"], []),
        # a longer form is read even when strict
        ("the Lao People's Democratic Republic", ["LAO"], ["LAO"]),
        ("the United States of America", ["USA"], ["USA"]),
        ("the United States", ["USA"], ["USA"]),
        ("Georgia (Country)", ["GEO"], ["GEO"]),
        ("India and Indian Ocean", ["IND"], ["IND"]),
        ("the U.S. and the UK", ["USA", "GBR"], ["USA", "GBR"]),
    ],
)
def test_strict_skips_ambiguous_words_unless_written_longer(
    text: str, loose: list[str], strict: list[str]
) -> None:
    assert countries.find_countries(text) == loose
    assert countries.find_countries(text, strict=True) == strict


def test_us_is_read_when_not_strict() -> None:
    assert countries.find_countries("The US delegation spoke.") == ["USA"]


# --- find_in_question (questions) ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("FIJI egdi", ["FJI"]),
        ("fiji egdi", ["FJI"]),
        ("Fiji,Samoa;Tonga", ["FJI", "WSM", "TON"]),
        ("fiji's and samoa’s ranks", ["FJI", "WSM"]),
        ("Samoa then Fiji then Samoa", ["WSM", "FJI"]),
        ("viet nam and türkiye", ["VNM", "TUR"]),
        ("cote d'ivoire egdi", ["CIV"]),
        ("republic of korea vs the gambia", ["KOR", "GMB"]),
        ("south korea and north korea", ["KOR", "PRK"]),
        ("new zealand and australia", ["NZL", "AUS"]),
        ("uk digital strategy", ["GBR"]),
        ("turkey egdi", ["TUR"]),  # lower-case still a country
        # ordinary words and ISO codes that are words are not countries
        ("what can we do per year", []),
        ("are there any", []),
        ("what is the government strategy", []),
        # names that are also words: capitalised only
        ("The Chad report", ["TCD"]),
        ("CHAD egdi", ["TCD"]),
        ("chad report", []),
        ("Jordan and georgia", ["JOR"]),
        # "US" only in capitals
        ("tell us about the US", ["USA"]),
        ("compare Us", []),
        # a possessive typed without its apostrophe, even for a short name; a name ending in
        # "s" is its own, and a name that is a common word still needs its capital
        ("japans pledge to escap", ["JPN"]),
        ("fijis egdi and perus", ["FJI", "PER"]),
        ("bahamas egdi", ["BHS"]),
        ("the chads", []),
        # a country of islands called by the word before "Islands" in the plural, unless
        # that plural is an English word
        ("png vs solomons hci 2024", ["PNG", "SLB"]),
        ("the Marshalls and the Faroes", ["MHL", "FRO"]),
        ("what did the cooks say", []),
    ],
)
def test_countries_in_questions(question: str, expected: list[str]) -> None:
    codes, _ = countries.find_in_question(question)
    assert codes == expected
    assert countries.in_question(question) == expected


def test_ambiguous_names_count_in_lower_case_when_asked() -> None:
    assert countries.find_in_question("jordan and georgia")[0] == []
    assert countries.find_in_question("jordan and georgia", ambiguous=True)[0] == ["JOR", "GEO"]
    # "us" stays a pronoun even then
    assert countries.find_in_question("tell us about chad", ambiguous=True)[0] == ["TCD"]


@pytest.mark.parametrize(
    ("question", "expected", "corrections"),
    [
        ("egdi of argentna", ["ARG"], {"argentna": "Argentina"}),  # one slip
        ("egdi of argntna", [], {}),  # two slips in a short word: no
        ("gtmi phillipines 2022", ["PHL"], {"phillipines": "Philippines"}),  # two in a long one
        ("gtmi philpines", [], {}),
        ("fiji and indonesai", ["FJI", "IDN"], {"indonesai": "Indonesia"}),
        # a four-letter word: two neighbours swapped or one letter dropped, nothing else
        ("fjii osi 2020", ["FJI"], {"fjii": "Fiji"}),
        ("japn vs chna egdi", ["JPN", "CHN"], {"japn": "Japan", "chna": "China"}),
        ("egdi of fuji", [], {}),  # a letter changed in a short word: no
        ("gtmi govt egdi sids", [], {}),  # acronyms and abbreviations near no short name
        ("the malts of malta", ["MLT"], {}),  # an English word is no typo
        # an indicator's code is no word of another language ("osi" is Italian)
        ("indonesa osi 2022", ["IDN"], {"indonesa": "Indonesia"}),
        # two slips and nothing else: still read as typos ("kalau tahun", no country near, not)
        (
            "philipines malysia egdi",
            ["PHL", "MYS"],
            {"philipines": "Philippines", "malysia": "Malaysia"},
        ),
    ],
)
def test_typos_are_read_by_the_nearest_name(
    question: str, expected: list[str], corrections: dict[str, str]
) -> None:
    assert countries.find_in_question(question) == (expected, corrections)


# --- folded_names and the English dictionary ----------------------------------------------
def test_folded_names_are_folded_and_leave_out_iso_codes() -> None:
    names = countries.folded_names()
    assert names["viet nam"] == names["vietnam"] == "VNM"
    assert names["cote d ivoire"] == "CIV"
    assert names["turkiye"] == "TUR"
    assert names["uk"] == "GBR" and names["us"] == "USA"
    for word in ("can", "per", "are", "fji", "kor"):  # ISO3 codes are not names
        assert word not in names
    assert all(n == n.casefold() for n in names)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),  # nothing to judge
        ("EGDI GTMI OSI", True),  # acronyms are not judged
        ("what is the egdi of samoa", True),
        ("berapa peringkat indonesia tahun ini", False),
        # fewer than half its words English, and "berapa" (how much) a function word of
        # Indonesian, which has no dictionary here
        ("Forum ECOSOC FfD follow-up 2025 diadakan tanggal berapa?", False),
        # English words with English function words stay English ("me" is English too)
        ("who chaired apfsd 12?", True),
        ("tell me the ffd forum dates", True),
    ],
)
def test_mostly_english(text: str, expected: bool) -> None:
    assert countries.mostly_english(text) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("government", True),
        ("Government", True),
        ("indonesai", False),
        # words of other languages stay unknown
        ("menjadi", False),
        ("anggota", False),
    ],
)
def test_is_english_word(word: str, expected: bool) -> None:
    assert countries.is_english_word(word) is expected
