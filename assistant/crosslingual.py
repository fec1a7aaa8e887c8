"""Questions in the languages of the region read through the English query understanding.

A question such as "피지의 2024년 전자정부발전지수는?" names a country, an indicator and a year in
Korean. :func:`gloss` rewrites the names it recognises into the English the rest of the assistant
reads ("Fiji … 2024 … EGDI"), leaving every other word as typed; the indicator, comparison and
group answers then work as they do for an English question. What it recognises, in the
question's own language:

* **country names** from CLDR (the Unicode Common Locale Data Repository, as ``babel`` ships it),
  plus the short forms people type where CLDR gives only the long one (Korean "한국");
* **region names** from CLDR's UN M49 regions ("동남아시아" is South-eastern Asia), and the UN's
  terms for its country groups (SIDS, LDCs) from ``resources/multilingual_terms.json``;
* **indicator names** and **what is asked** (a rank, a comparison, a trend, the top, a count),
  from the same file.

How a name is found depends on how the language writes words: in a language written without
spaces (Chinese, Japanese, Thai) anywhere in the text; in Korean as a word, a particle
allowed after it ("피지의"); in Russian word by word, by Snowball's stems ("Японии" is
"Япония" declined); in Latin-script languages as whole words, accents ignored ("Corée" or
"Coree"). Longer names win over shorter ones inside them ("인도네시아" is Indonesia, not India).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from assistant.language import LANGUAGES

__all__ = ["Gloss", "gloss", "local_country_name", "terms"]

# Languages written without spaces between words: a name may stand anywhere in the text.
_UNSPACED = frozenset({"zh", "ja", "th"})
# Languages whose names take endings (case endings, particles) after them.
_SUFFIXING = frozenset({"ko", "ru"})
# Short forms people type that CLDR lacks (it gives "대한민국" and "Республика Корея" only).
_SHORT_FORMS: dict[str, dict[str, str]] = {
    "ko": {"한국": "KOR", "남한": "KOR", "북한": "PRK", "미국": "USA", "영국": "GBR"},
    "ru": {"Корея": "KOR", "Южная Корея": "KOR", "КНДР": "PRK", "США": "USA"},
    "zh": {"南韩": "KOR", "朝鲜": "PRK"},
    "ja": {"北朝鮮": "PRK"},
}
# Languages close enough that a detector confuses them on a short question, and whose terms
# are read together: Indonesian and Malay share most of their vocabulary.
_SIBLINGS = {"id": ("id", "ms"), "ms": ("ms", "id")}
# Names shorter than this (in characters) are not looked for: one or two letters are too often
# part of other words (Vietnamese "Ý" for Italy, "Mỹ" for the United States as a syllable).
_MIN_NAME = 2


@dataclass(frozen=True)
class Gloss:
    """A question with the names it was recognised by in English, and what was recognised
    (typed words -> the English they were read as), for the "Understood as" line."""

    language: str
    text: str
    read_as: dict[str, str]


def gloss(question: str, language: str | None) -> Gloss:
    """``question`` with every name of a country, region, group, indicator and the words for
    what is asked replaced by their English, for a question in ``language`` (ISO 639-1; one of
    :data:`assistant.language.LANGUAGES`). Digits are set apart from the words they are typed
    with ("2024년" -> "2024 년"). An English question, or one in a language without terms,
    comes back unchanged."""
    if not language or language == "en" or language not in LANGUAGES:
        return Gloss(language or "en", question, {})
    text = unicodedata.normalize("NFC", question)
    text = re.sub(r"(?<![\d.,])([01]),(\d+)", r"\1.\2", text)  # a decimal comma: "0,75"
    keyed = _key(text, language)
    spans: list[tuple[int, int, str]] = []
    for local, english, is_name in terms(language):
        for start, end in _occurrences(keyed, local, language, is_name):
            if not any(a < end and start < b for a, b, _ in spans):
                spans.append((start, end, english))
    spans.sort()
    pieces: list[str] = []
    read_as: dict[str, str] = {}
    at = 0
    for start, end, english in spans:
        pieces.append(text[at:start])
        pieces.append(f" {english} ")
        read_as[text[start:end]] = english
        at = end
    pieces.append(text[at:])
    glossed = re.sub(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)", " ", "".join(pieces))
    return Gloss(language, " ".join(glossed.split()), read_as)


def _key(text: str, language: str) -> str:
    """The text as names are compared with it, character for character: lower case, and for
    Latin-script languages without accents (each accented letter stays one character)."""
    lowered = "".join(char.lower()[0] for char in text)  # one character for one ("İ")
    if language in _UNSPACED or language in _SUFFIXING:
        return lowered
    return "".join(_strip_accent(char) for char in lowered)


def _strip_accent(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isalpha() else char


def _occurrences(keyed: str, local: str, language: str, is_name: bool) -> list[tuple[int, int]]:
    """Where ``local`` (a form from :func:`_form`) stands in ``keyed`` as a term of ``language``
    stands (see the module's docstring); each span covers the term as typed, ending included.
    ``is_name``: a country's or region's name, which in Korean takes only a particle after it
    (a term may take any ending: "비교해", "이상인가요"; a name may not: "인도적" is not India)."""
    return [match.span() for match in _pattern(local, language, is_name).finditer(keyed)]


# Korean particles that follow a noun directly: "피지의" (of Fiji), "한국과" (and Korea).
_KOREAN_PARTICLES = (
    "에서의|에서는|에서|에게|으로|로의|로|과의|와의|과는|와는|보다|처럼|이나|이랑|랑|"
    "의|은|는|이|가|을|를|와|과|에|도|만|나"
)


@lru_cache(maxsize=8192)
def _pattern(local: str, language: str, is_name: bool) -> re.Pattern[str]:
    if language in _UNSPACED:
        return re.compile(re.escape(local))
    if language == "ru":  # each word by its stem, whatever its ending
        body = r"\w*\s+".join(re.escape(stem) for stem in local.split(" "))
        return re.compile(rf"(?<!\w){body}\w*")
    if language == "ko" and not is_name:
        return re.compile(rf"(?<!\w){re.escape(local)}\w*")
    if language == "ko":
        return re.compile(rf"(?<!\w){re.escape(local)}(?:{_KOREAN_PARTICLES})?(?!\w)")
    return re.compile(rf"(?<!\w){re.escape(local)}(?!\w)")


@lru_cache(maxsize=16)
def terms(language: str) -> list[tuple[str, str, bool]]:
    """Every (local form, English, whether it is a country's or region's name) of
    ``language``, the form as :func:`_form` makes it, longest first."""
    pairs: dict[str, tuple[str, bool]] = {}
    vocabulary = _vocabulary()
    for each in _SIBLINGS.get(language, (language,)):
        for section in ("indicators", "groups", "asks", "topics"):
            for english, by_language in vocabulary[section].items():
                for local in by_language.get(each, []):
                    pairs.setdefault(_form(local, language), (english, False))
        for local, english in _cldr_names(each).items():
            pairs.setdefault(_form(local, language), (english, True))
    return sorted(
        (
            (local, english, name)
            for local, (english, name) in pairs.items()
            if len(local) >= _MIN_NAME
        ),
        key=lambda term: (-len(term[0]), term[0]),
    )


def _form(local: str, language: str) -> str:
    """A name as it is looked for: keyed, and in Russian cut to its stem."""
    keyed = _key(unicodedata.normalize("NFC", local), language)
    if language == "ru":
        return " ".join(_russian_stemmer().stemWords(keyed.split()))
    return keyed


@lru_cache(maxsize=1)
def _russian_stemmer() -> Any:
    import Stemmer  # PyStemmer: Snowball's stemmers, the keyword index's too

    return Stemmer.Stemmer("russian")


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, Any]:
    raw = resources.files("assistant").joinpath("resources/multilingual_terms.json").read_text()
    data: dict[str, Any] = json.loads(raw)
    return data


@lru_cache(maxsize=16)
def _cldr_names(language: str) -> dict[str, str]:
    """Country and M49 region names in ``language`` (CLDR) -> the English name the rest of the
    assistant reads (the UN's spelling for countries)."""
    import pycountry
    from babel import Locale
    from babel.core import UnknownLocaleError

    from assistant import countries
    from assistant.country_groups import find_groups

    try:
        local_names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return {}
    english_names = Locale.parse("en").territories
    found: dict[str, str] = {}
    for code, local in local_names.items():
        if code.isdigit():  # an M49 region: kept when the groups know its English name
            english = english_names.get(code, "")
            if english and find_groups(english):
                found[local] = english
            continue
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            found[local] = countries.name(country.alpha_3)
    for local, iso3 in _SHORT_FORMS.get(language, {}).items():
        found[local] = countries.name(iso3)
    return found


def local_country_name(iso3: str, language: str | None) -> str:
    """A country's name in ``language`` (CLDR), or its English name when CLDR has none."""
    from assistant import countries

    if language and language != "en":
        import pycountry
        from babel import Locale
        from babel.core import UnknownLocaleError

        country = pycountry.countries.get(alpha_3=iso3)
        try:
            local = Locale.parse(language).territories.get(country.alpha_2) if country else None
        except (UnknownLocaleError, ValueError):
            local = None
        if local:
            return str(local)
    return countries.name(iso3)


# What the English "Understood as" line calls each kind of indicator question.
_ENGLISH_KINDS = {
    "top": "top {n}",
    "bottom": "bottom {n}",
    "improved": "improved most",
    "declined": "declined most",
    "component": "weakest and strongest component",
    "position": "rank {n}",
}


def kind_label(kind: str, top_n: int | None, language: str | None) -> str:
    """What an indicator question asks, as the "Understood as" line says it in ``language``
    ("top 5", "상위 5"); a kind without a word in that language is said in English."""
    local = _interface(language).get("kinds", {})
    label = local.get(kind) or _ENGLISH_KINDS.get(kind, kind)
    return " ".join(label.replace("{n}", str(top_n or "")).split())


def labels(language: str | None, table: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """The words front ends put around an answer, in ``language``: "read_as" (the Understood
    as line), "sources", "unread" (why a question about the documents in a script they do not
    use is refused), and the table's column names ("country", "year", "value", ...).
    Empty for English and for a language without them: the front ends' own English stands."""
    found = dict(_interface(language).get("labels", {}))
    if not table:
        for column in ("country", "year", "indicator", "value", "rank", "group", "source"):
            found.pop(column, None)
    return found


def _interface(language: str | None) -> dict[str, dict[str, str]]:
    words: dict[str, dict[str, str]] = _vocabulary()["interface"].get(language or "", {})
    return words
