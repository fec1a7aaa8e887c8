"""Countries: ISO3 codes, the names UN documents use, and finding countries named in text.

Names come from ``pycountry`` (ISO 3166, shipped with the package) plus the aliases that UN,
World Bank and OECD documents use ("Republic of Korea", "Viet Nam", "Türkiye", "Lao People's
Democratic Republic"...) and common short forms and demonyms ("Korea", "Korean", "Fijian").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from assistant.text import fold

# Names as the UN E-Government Survey prints them (the display name we show), where they differ
# from ISO 3166's.
UN_NAMES: dict[str, str] = {
    "KOR": "Republic of Korea",
    "PRK": "Democratic People's Republic of Korea",
    "VNM": "Viet Nam",
    "LAO": "Lao People's Democratic Republic",
    "TUR": "Türkiye",
    "IRN": "Iran (Islamic Republic of)",
    "BOL": "Bolivia (Plurinational State of)",
    "VEN": "Venezuela (Bolivarian Republic of)",
    "TZA": "United Republic of Tanzania",
    "MDA": "Republic of Moldova",
    "RUS": "Russian Federation",
    "SYR": "Syrian Arab Republic",
    "FSM": "Micronesia (Federated States of)",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "USA": "United States of America",
    "CZE": "Czechia",
    "CIV": "Côte d'Ivoire",
    "COD": "Democratic Republic of the Congo",
    "COG": "Congo",
    "BRN": "Brunei Darussalam",
    "CPV": "Cabo Verde",
    "SWZ": "Eswatini",
    "MKD": "North Macedonia",
    "PSE": "State of Palestine",
    "TWN": "Taiwan",
}

ALIASES: dict[str, list[str]] = {
    "KOR": [
        "Korea",
        "South Korea",
        "Republic of Korea",
        "Korea, Republic of",
        "Korea, Rep.",
        "Korean",
    ],
    "PRK": ["North Korea", "DPRK", "Korea, Dem. People's Rep.", "Korea, DPR"],
    "VNM": ["Viet Nam", "Vietnam", "Vietnamese"],
    "LAO": ["Lao PDR", "Laos", "Lao People's Democratic Republic", "Lao"],
    "TUR": ["Türkiye", "Turkiye", "Turkey", "Turkish"],
    "IRN": ["Iran", "Iran (Islamic Republic of)", "Islamic Republic of Iran"],
    "RUS": ["Russia", "Russian Federation"],
    "SYR": ["Syria"],
    "TZA": ["Tanzania"],
    "MDA": ["Moldova"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela", "Venezuela, RB"],
    "FSM": ["Micronesia", "Federated States of Micronesia", "Micronesia, Fed. Sts."],
    "GBR": ["United Kingdom", "UK", "Great Britain", "Britain", "British"],
    "USA": ["United States", "USA", "U.S.", "US", "America", "American"],
    "CZE": ["Czech Republic", "Czechia", "Czech"],
    "CIV": ["Cote d'Ivoire", "Côte d'Ivoire", "Ivory Coast"],
    "COD": ["DR Congo", "DRC", "Congo, Dem. Rep."],
    "COG": ["Republic of the Congo", "Congo, Rep."],
    "BRN": ["Brunei", "Brunei Darussalam"],
    "CPV": ["Cape Verde", "Cabo Verde"],
    "SWZ": ["Swaziland", "Eswatini"],
    "MKD": ["Macedonia", "North Macedonia", "The former Yugoslav Republic of Macedonia"],
    "HKG": ["Hong Kong SAR, China", "Hong Kong"],
    "MAC": ["Macao SAR, China", "Macao", "Macau"],
    "TWN": ["Chinese Taipei", "Taiwan, China"],
    "PSE": ["Palestine", "State of Palestine", "West Bank and Gaza"],
    "GEO": ["Georgia", "Georgia (Country)"],
    "TLS": ["Timor-Leste", "East Timor"],
    "MMR": ["Myanmar", "Burma"],
    "NLD": ["Netherlands", "Holland", "Dutch"],
    "EGY": ["Egypt, Arab Rep."],
    "GMB": ["Gambia, The", "The Gambia"],
    "BHS": ["Bahamas, The", "The Bahamas"],
    "KGZ": ["Kyrgyz Republic"],
    "SVK": ["Slovak Republic"],
    "YEM": ["Yemen, Rep."],
    "KNA": ["St. Kitts and Nevis"],
    "LCA": ["St. Lucia"],
    "VCT": ["St. Vincent and the Grenadines"],
    "STP": ["Sao Tome and Principe", "São Tomé and Príncipe"],
    # demonyms for the countries practitioners ask about most
    "FJI": ["Fijian"],
    "WSM": ["Samoan"],
    "TON": ["Tongan"],
    "MNG": ["Mongolian"],
    "JPN": ["Japanese"],
    "CHN": ["Chinese", "People's Republic of China"],
    "IND": ["Indian"],
    "IDN": ["Indonesian"],
    "MYS": ["Malaysian"],
    "THA": ["Thai"],
    "PHL": ["Philippine", "Filipino"],
    "SGP": ["Singaporean"],
    "KHM": ["Cambodian"],
    "BGD": ["Bangladeshi"],
    "PAK": ["Pakistani"],
    "LKA": ["Sri Lankan"],
    "NPL": ["Nepali", "Nepalese"],
    "BTN": ["Bhutanese"],
    "MDV": ["Maldivian"],
    "KAZ": ["Kazakh", "Kazakhstani"],
    "UZB": ["Uzbek"],
    "AUS": ["Australian"],
    "NZL": ["New Zealander"],
    "PNG": ["PNG"],
    "ITA": ["Italian"],
    "FRA": ["French"],
    "DEU": ["German"],
    "EST": ["Estonian"],
    "DNK": ["Danish"],
    "CAN": ["Canadian"],
    "BRA": ["Brazilian"],
}

# Words that are also country names but rarely mean the country in these documents.
AMBIGUOUS = {
    "US",
    "Chad",
    "Jordan",
    "Georgia",
    "Guinea",
    "Niger",
    "Lao",
    "Indian",
    "America",
    "American",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


_ISLANDS_PLURAL = re.compile(r"(\w+) Islands(?: \(.*\))?")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, list[str]]:
    """:data:`ALIASES`, and for a country of islands named "<Word> Islands" that word in the
    plural, as English calls it ("the Solomons", "the Marshalls", "the Faroes"), unless the
    English dictionary knows the plural: "cooks", but also "Falklands" and "Caymans", which it
    holds as words (those stay unread)."""
    import pycountry

    found = {iso3: list(aliases) for iso3, aliases in ALIASES.items()}
    for country in pycountry.countries:
        plural = _ISLANDS_PLURAL.fullmatch(UN_NAMES.get(country.alpha_3) or country.name)
        if plural and not is_english_word(f"{plural.group(1)}s"):
            found.setdefault(country.alpha_3, []).append(f"{plural.group(1)}s")
    return found


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(ISO3 -> display name, folded alias -> ISO3)."""
    import pycountry

    names: dict[str, str] = {}
    lookup: dict[str, str] = {}
    for country in pycountry.countries:
        iso3 = country.alpha_3
        display = UN_NAMES.get(iso3) or getattr(country, "common_name", None) or country.name
        names[iso3] = display
        for name in (
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            display,
        ):
            if name:
                lookup.setdefault(_fold(name), iso3)
        lookup.setdefault(iso3.casefold(), iso3)
    for iso3, aliases in _aliases().items():
        for alias in aliases:
            lookup[_fold(alias)] = iso3
    for iso3, name in UN_NAMES.items():
        lookup[_fold(name)] = iso3
    return names, lookup


def name(iso3: str) -> str:
    """Display name for an ISO3 code (the UN's spelling where it differs)."""
    return _tables()[0].get(iso3.upper(), iso3.upper())


def names(iso3: str) -> tuple[str, ...]:
    """Every name a country goes by here: its display name, then its aliases ("Lao PDR", "laos")."""
    return (name(iso3), *_aliases().get(iso3, []))


def to_iso3(value: str) -> str | None:
    """ISO3 for a code or a name in any of its spellings; None when unknown."""
    value = value.strip()
    if not value:
        return None
    names, lookup = _tables()
    if len(value) == 3 and value.upper() in names:
        return value.upper()
    for candidate in (value, value.rstrip(".")):
        folded = _fold(candidate)
        if folded in lookup:
            return lookup[folded]
    # "Iran (Islamic Republic of)" vs "Iran": try without a parenthesis
    base = re.sub(r"\s*\(.*?\)\s*", " ", value).strip()
    return lookup.get(_fold(base))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    words: set[str] = set()
    import pycountry

    for country in pycountry.countries:
        for n in (country.name, getattr(country, "common_name", None)):
            if n and "," not in n:
                words.add(n)
    words.update(UN_NAMES.values())
    for aliases in _aliases().values():
        words.update(a for a in aliases if len(a) > 2 or a in {"UK", "US"})
    ordered = sorted(words, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


def find_countries(text: str, *, strict: bool = False) -> list[str]:
    """ISO3 codes of the countries named in ``text``, in order of first mention.

    ``strict`` skips ambiguous words ("Chad", "Jordan", "Georgia", "US") unless written in a
    longer form; use it for documents, where such words are more often something else.
    """
    _, lookup = _tables()
    found: list[str] = []
    for match in _pattern().finditer(text):
        word = match.group(0)
        if strict and word in AMBIGUOUS:
            continue
        iso3 = lookup.get(_fold(word))
        if iso3 and iso3 not in found:
            found.append(iso3)
    return found


@lru_cache(maxsize=1)
def folded_names() -> dict[str, str]:
    """Every name and alias a text may use for a country, folded (:func:`assistant.text.fold`:
    case, accents and punctuation ignored) -> ISO3. ISO3 codes themselves are not names here
    ("can", "per" and "are" are words)."""
    import pycountry

    _, lookup = _tables()
    words: set[str] = set()
    for country in pycountry.countries:
        for n in (country.name, getattr(country, "common_name", None)):
            if n and "," not in n:
                words.add(n)
    words.update(UN_NAMES.values())
    for aliases in _aliases().values():
        words.update(a for a in aliases if len(a) > 2 or a in {"UK", "US"})
    found: dict[str, str] = {}
    for word in sorted(words):
        iso3 = lookup.get(_fold(word))
        if iso3:
            found.setdefault(fold(word), iso3)
    return found


# --- countries in questions ----------------------------------------------------------------

# Names that are also everyday English words are countries only when capitalised ("Chad",
# "Turkey" as typed lower-case are still read as countries: in questions about governance
# they rarely mean anything else; "us", "chad", "jordan", "georgia", "guinea", "niger" are not).
_LOWERCASE_AMBIGUOUS = {fold(w) for w in AMBIGUOUS} | {"us"}


@lru_cache(maxsize=1)
def _name_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern over every folded country name and alias, longest first, and its lookup."""
    lookup = folded_names()
    ordered = sorted(lookup, key=len, reverse=True)
    body = "|".join(re.escape(n) for n in ordered if len(n) > 2 or n in ("uk", "us"))
    return re.compile(rf"(?<= )(?:{body})(?= )"), lookup


def name_pattern() -> re.Pattern[str]:
    """Every country name and alias, folded (match it in ``f" {fold(text)} "``)."""
    return _name_pattern()[0]


@lru_cache(maxsize=1)
def _dictionary() -> object:
    from spellchecker import SpellChecker

    return SpellChecker()


# Languages pyspellchecker ships besides English, to tell a question in one of them.
_OTHER_LANGUAGES = ("fr", "es", "it", "pt", "de", "nl")


@lru_cache(maxsize=8)
def _other_dictionary(language: str) -> object:
    from spellchecker import SpellChecker

    return SpellChecker(language=language)


def word_of_language(word: str, language: str | None) -> bool:
    """Whether the dictionary pyspellchecker ships for ``language`` knows ``word`` (False for a
    language it ships none for)."""
    if language not in _SHIPPED_LANGUAGES:
        return False
    return word.lower() in _other_dictionary(language)  # type: ignore[operator]


# The dictionaries pyspellchecker ships (its resources folder), English aside.
_SHIPPED_LANGUAGES = frozenset({"ar", "de", "es", "eu", "fa", "fr", "it", "lv", "nl", "pt", "ru"})


def load_dictionaries() -> None:
    """Load the English and other-language word lists, and the English words by their letters
    without vowels, now (about two seconds on two cores) rather than on the first question that
    needs them."""
    for language in _OTHER_LANGUAGES:
        _other_dictionary(language)
    is_english_word("warm")
    _by_consonants()  # words typed without their vowels ("ppl"): 0.8 s to index


def mostly_english(text: str) -> bool:
    """Whether a question is in English, as far as the rules that read typos and guess acronyms
    need to know: not when another language's dictionary (pyspellchecker's French, Spanish,
    Italian, Portuguese, German, Dutch) knows more of its words than the English one, nor when
    fewer than two in five of four or more words are English ("kapan timor leste menjadi ...").
    An indicator's code or name ("osi", "egdi") is no word of any language here."""
    from assistant.indicators import resolve_indicator

    words = [w for w in _question_words(text) if resolve_indicator(w) is None]
    if not words:
        return True
    english = sum(is_english_word(w) for w in words)
    if len(words) >= 4 and english < 0.4 * len(words):
        return False
    if len(words) >= 2 and not english and not all(_nearest_country(w) for w in words):
        # "kalau tahun 2024?" (Indonesian): no word of it is English, and not every one is a
        # slip for a country's name ("philipines malysia egdi" is)
        return False
    if english >= 0.8 * len(words):
        return True  # plainly English: the other dictionaries need not be loaded
    if 2 * english < len(words) and any(foreign_function_word(w) for w in words):
        # "Forum ECOSOC FfD follow-up 2025 diadakan tanggal berapa?": fewer than half its words
        # are English, and one is a function word of another language ("berapa", Indonesian
        # "how much"), whose words no dictionary here may know
        return False
    for language in _OTHER_LANGUAGES:
        known = sum(w in _other_dictionary(language) for w in words)  # type: ignore[operator]
        if known > english:
            return False
    return True


def foreign_function_word(word: str) -> bool:
    """Whether ``word`` (lower case) is no English word and is a function word of another
    language NLTK lists ("berapa", "kalau", Indonesian; not "me", which English has too)."""
    return len(word) >= 2 and not is_english_word(word) and word in _other_function_words()


@lru_cache(maxsize=1)
def _other_function_words() -> frozenset[str]:
    """The stop words of every language NLTK's lists cover (shipped in llama-index), English's
    (ENGLISH_LISTS) aside."""
    from assistant.storage.lexicon import stopword_languages, stopwords

    return stopwords(tuple(name for name in stopword_languages() if name not in ENGLISH_LISTS))


# NLTK's stop-word lists of English words: "hinglish" lists English chat words ("btw", "lol",
# "etc").
ENGLISH_LISTS = ("english", "hinglish")


def english_share(text: str) -> float:
    """The share of a question's words (see :func:`mostly_english`) an English dictionary knows;
    0 when it has none."""
    words = _question_words(text)
    return sum(is_english_word(w) for w in words) / len(words) if words else 0.0


def _question_words(text: str) -> list[str]:
    """A question's words of two letters or more, lower case; acronyms in capitals and codes
    that mix letters and digits ("apfsd13", "csw69": a word of no language) left out."""
    return [
        w.lower()
        for w in re.findall(r"[^\W_]{2,}", text)
        if not w.isupper() and not any(c.isdigit() for c in w)
    ]


def is_english_word(word: str) -> bool:
    """Whether an English dictionary (pyspellchecker's) knows ``word``."""
    return word.lower() in _dictionary()  # type: ignore[operator]


# The fewest letters of each of the two words a closed compound is read as ("peace" + "building").
COMPOUND_PART_LETTERS = 4


def compound_parts(word: str) -> list[str] | None:
    """The two English words a closed compound the dictionary does not know is written as, as
    typed ("Peacebuilding": ["Peace", "building"]): split where both halves are words the
    dictionary knows, of COMPOUND_PART_LETTERS letters or more (the longest first half of such
    splits). None for a word the dictionary knows ("Sustainable" is no "Sustain" + "able",
    "Framework" one word) or that joins no two words ("Government")."""
    if len(word) < 2 * COMPOUND_PART_LETTERS or not word.isalpha() or is_english_word(word):
        return None
    for cut in range(len(word) - COMPOUND_PART_LETTERS, COMPOUND_PART_LETTERS - 1, -1):
        if is_english_word(word[:cut]) and is_english_word(word[cut:]):
            return [word[:cut], word[cut:]]
    return None


def english_uses(word: str) -> int:
    """How often ``word`` occurs in pyspellchecker's English frequency list (British "-ise"
    spellings counted as their "-ize" forms; a hyphenated word as its rarer part, but one made
    with a letter, "e-procurement", as itself)."""
    frequency = _dictionary().word_frequency  # type: ignore[attr-defined]
    word = word.lower().strip("'-")
    if re.match(r"^[a-z]-", word):  # "e-procurement", "m-government": a term of its own
        return int(frequency[word])
    if "-" in word:  # "all-round" is as ordinary as the rarer of its parts
        return min(english_uses(part) for part in word.split("-") if part)
    american = re.sub(r"is(e|es|ed|ing|ation|ations)$", r"iz\1", word)
    return int(max(frequency[word], frequency[american]))


def slip_corrections(word: str) -> list[str]:
    """Every English word one slip away from ``word`` (a letter added, dropped, changed or two
    swapped: "goverment" -> "government", "arent" -> "aren't"), commonest first, when the
    dictionary does not know ``word`` itself ("shopers": "showers", "shoppers", ...); else
    none."""
    dictionary: Any = _dictionary()
    word = word.lower()
    if word in dictionary:
        return []
    known = dictionary.known(dictionary.edit_distance_1(word))
    return sorted(known, key=lambda w: (dictionary.word_frequency[w], w), reverse=True)


# A word typed with its vowels dropped ("nxt", "ppl", "abt") shortens a common word: the one it
# is read as is among the English words pyspellchecker counts at least this often ("next" is
# counted 937,275 times, "initial", which "intl" does not shorten, 17,352) ...
SHORTENED_WORD_USES = 100_000
# ... and at least this many times as often as any other word with the same letters left
# ("people" 2,093,102 times, "pupil" 3,776; "write" and "wrote" are both "wrt": neither).
SHORTENED_WORD_LEAD = 10


@lru_cache(maxsize=1)
def _by_consonants() -> dict[str, list[str]]:
    """The dictionary's words by what is left of them without their vowels but the first letter
    ("people": "ppl", "about": "abt")."""
    frequency: Any = _dictionary().word_frequency  # type: ignore[attr-defined]
    found: dict[str, list[str]] = {}
    for word in frequency.dictionary:
        if word.isalpha() and len(word) > 2:
            left = _consonants(word)
            if left != word:
                found.setdefault(left, []).append(word)
    return found


def _consonants(word: str) -> str:
    return word[0] + re.sub(r"[aeiou]", "", word[1:])


def vowels_dropped_from(word: str) -> str | None:
    """The common English word ``word`` is typed as without its vowels ("nxt": "next", "ppl":
    "people", "abt": "about"), or None: for a word of three letters or more (two are as often
    an acronym or a code, "nz", "yr"), that the dictionary does not know, with no vowel but
    its first letter, read only when one word is by far the commonest of those it could be (see
    SHORTENED_WORD_USES, SHORTENED_WORD_LEAD)."""
    word = word.lower()
    if len(word) < 3 or not word.isalpha() or _consonants(word) != word:
        return None
    if is_english_word(word):
        return None
    frequency: Any = _dictionary().word_frequency  # type: ignore[attr-defined]
    ranked = sorted(_by_consonants().get(word, []), key=lambda w: frequency[w], reverse=True)
    if not ranked or frequency[ranked[0]] < SHORTENED_WORD_USES:
        return None
    if len(ranked) > 1 and frequency[ranked[0]] < SHORTENED_WORD_LEAD * frequency[ranked[1]]:
        return None
    return str(ranked[0])


def in_question(text: str) -> list[str]:
    """ISO3 codes of the countries a question names (see :func:`find_in_question`)."""
    return find_in_question(text)[0]


def find_in_question(text: str, *, ambiguous: bool = False) -> tuple[list[str], dict[str, str]]:
    """ISO3 codes of the countries a question names, in order, whatever the case, and the typed
    words read as a country by their nearest name (typos: "indonesai" -> Indonesia). Names that
    are also words ("chad", "jordan") count in lower case only when ``ambiguous``."""
    pattern, lookup = _name_pattern()
    folded = f" {fold(text)} "
    original_words = {fold(w): w for w in re.findall(r"[\w'’-]+", text)}
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        written = match.group(0)
        typed = original_words.get(written, written)
        if written in _LOWERCASE_AMBIGUOUS and not typed[:1].isupper() and not ambiguous:
            continue
        if written == "us" and typed != "US":
            continue
        found.append((match.start(), lookup[written]))
        taken.append(match.span())
    # a possessive typed without its apostrophe ("japans pledge", "fijis egdi"): the name and an
    # "s", where the word is no name itself ("bahamas") and the name is no common word ("chads")
    names = folded_names()
    for match in re.finditer(r"(?<= )([a-z]{4,})s(?= )", folded):
        stem = match.group(1)
        if any(a <= match.start() < b for a, b in taken) or stem in _LOWERCASE_AMBIGUOUS:
            continue
        if stem in names and match.group(0) not in names:
            found.append((match.start(), names[stem]))
            taken.append(match.span())
    _codes_beside(folded, found, taken)
    corrections: dict[str, str] = {}
    # typos are read only in English questions: "kapan" (Indonesian) is not a slip for Japan
    typos = re.finditer(r"(?<= )[a-z]{4,}(?= )", folded) if mostly_english(text) else iter(())
    for match in typos:
        if any(a <= match.start() < b for a, b in taken):
            continue
        word = match.group(0)
        code = _nearest_country(word)
        if code:
            found.append((match.start(), code))
            corrections[original_words.get(word, word)] = name(code)
    codes: list[str] = []
    for _, code in sorted(found):
        if code not in codes:
            codes.append(code)
    return codes, corrections


# The word that joins two countries compared or listed: "japan vs nz", "korea and jp". Side by
# side alone ("japan ml strategy", "korea hr policies") two letters are something else.
_LIST_LINK = re.compile(r" (?:vs|versus|and|or|n|with|against) ")


def _codes_beside(folded: str, found: list[tuple[int, str]], taken: list[tuple[int, int]]) -> None:
    """Add to ``found`` (and ``taken``) the countries typed by their ISO code, two letters or
    three, joined to another country the question names by a word of comparison or listing
    ("japan vs nz", "osi 2024 kor vs sg vs japan": see _LIST_LINK), or, when the question names
    none by name, a three-letter code compared with another ("egdi 2024 tha vs mys vs idn").
    Elsewhere a code is as often a word or an abbreviation ("the sg's report": the
    Secretary-General's; "japan ml strategy"), so it is read only there, and never one an
    English dictionary knows as a word ("id", "my", "no", "can", "per"; also, as it happens,
    "au", "de", "ca": those stay unread). A code the dictionary lists at its floor count, as it
    lists abbreviations and the rarest words ("kr", "jpn", "kor"), is no word people mean."""
    codes = _iso_codes()
    if not found:
        # with no country named, two three-letter codes compared ("egdi 2024 tha vs mys") name
        # each other; two letters compared are as often something else ("hr vs ml")
        for match in re.finditer(r"(?<= )([a-z]{3}) (?:vs|versus) ([a-z]{3})(?= )", folded):
            if match.group(1) in codes and match.group(2) in codes:
                for group in (1, 2):
                    found.append((match.start(group), codes[match.group(group)]))
                    taken.append(match.span(group))
                break
    added = True
    while found and added:
        added = False
        for match in re.finditer(r"(?<= )[a-z]{2,3}(?= )", folded):
            code = codes.get(match.group(0))
            if code is None or any(a <= match.start() < b for a, b in taken):
                continue
            beside = any(
                _LIST_LINK.fullmatch(folded[b : match.start()])
                or _LIST_LINK.fullmatch(folded[match.end() : a])
                for a, b in taken
            )
            if beside:
                found.append((match.start(), code))
                taken.append(match.span())
                added = True


def codes_alone(text: str, indicator_words: frozenset[str] = frozenset()) -> list[str]:
    """ISO3 codes of the countries ``text`` names by their ISO code alone, two letters or three
    (no English word in use: see :func:`_iso_codes`), in order: typed in capitals ("NZ"), right
    before a word of the indicator's name (``indicator_words``: "nz egdi", "sg osi"), or after
    "of", "for" or "in" ("egdi of nz"). Only where a country is expected (the caller says), and
    only there: elsewhere such codes are as often abbreviations ("how does egdi relate to hr
    capacity", "egdi, ie how is it computed", "osi by tv and radio")."""
    codes = _iso_codes()
    typed = re.findall(r"[\w'’-]+", text)
    found = []
    for i, word in enumerate(typed):
        code = codes.get(word.lower())
        if code is None:
            continue
        after = typed[i + 1].lower() if i + 1 < len(typed) else ""
        before = typed[i - 1].lower() if i else ""
        if word.isupper() or after in indicator_words or before in ("of", "for", "in"):
            found.append(code)
    return list(dict.fromkeys(found))


@lru_cache(maxsize=1)
def _iso_codes() -> dict[str, str]:
    """ISO 3166 codes, two letters and three (lower case), that are no English word in use (see
    :func:`_codes_beside`), to ISO3."""
    import pycountry

    frequency: Any = _dictionary().word_frequency  # type: ignore[attr-defined]
    floor = min(frequency.dictionary.values())
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for code in (country.alpha_2.lower(), country.alpha_3.lower()):
            if english_uses(code) <= floor:
                codes[code] = country.alpha_3
    return codes


def _nearest_country(word: str) -> str | None:
    """The country whose one-word name is nearest to a word no English dictionary knows, when
    it is near enough: one slip (a letter added, dropped, changed, or two neighbours swapped), two
    in a word of ten letters or more ("phillipines"). A word as short as SHORT_NAME_LETTERS is
    read only as a name with two neighbours swapped ("fjii", "iarn") or one letter dropped
    ("japn"), and only when one country is that near: a short word with a letter changed is as
    often another word or an acronym ("oman"/"omar")."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    if is_english_word(word):
        return None
    if len(word) <= SHORT_NAME_LETTERS:
        swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
        near = [code for name, code in _short_names().items() if name in swapped]
        near += [
            code
            for name, code in _single_word_names().items()
            if len(name) == len(word) + 1 and OSA.distance(word, name) == 1
        ]
        return near[0] if len(set(near)) == 1 else None
    allowed = 2 if len(word) >= 10 else 1
    best = process.extractOne(
        word, _single_word_names().keys(), scorer=OSA.distance, score_cutoff=allowed
    )
    return _single_word_names()[best[0]] if best else None


# Words this short are read as a country's name only when two neighbouring letters are swapped
# or one is dropped (see _nearest_country).
SHORT_NAME_LETTERS = 4


@lru_cache(maxsize=1)
def _single_word_names() -> dict[str, str]:
    return {n: c for n, c in folded_names().items() if " " not in n and len(n) > SHORT_NAME_LETTERS}


@lru_cache(maxsize=1)
def _short_names() -> dict[str, str]:
    return {
        n: c
        for n, c in folded_names().items()
        if " " not in n and len(n) == SHORT_NAME_LETTERS and n not in _LOWERCASE_AMBIGUOUS
    }
