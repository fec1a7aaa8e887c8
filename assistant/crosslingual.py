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
spaces (Chinese, Japanese, Thai) anywhere in the text; in Chinese as whole words of jieba's segmentation ("发展中国家", developing countries,
holds no China); in Korean as a word, a particle allowed after it ("피지의"); in Russian word by
word, by Snowball's stem and a case ending ("Японии" is "Япония"; "период" is not "Перу"); in Latin-script languages as whole words, accents ignored ("Corée" or
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
from assistant.text import chinese_segmenter

__all__ = ["Gloss", "Term", "gloss", "kind_label", "labels", "local_country_name", "terms"]

# Languages written without spaces between words: a name may stand anywhere in the text (in
# Chinese, only where jieba's word segmentation puts a word boundary at both its ends).
_UNSPACED = frozenset({"zh", "ja", "th"})
# Languages whose names take endings (case endings, particles) after them.
_SUFFIXING = frozenset({"ko", "ru"})
# Short forms people type that CLDR lacks (it gives "대한민국" and "Республика Корея" only).
_SHORT_FORMS: dict[str, dict[str, str]] = {
    "ko": {"한국": "KOR", "남한": "KOR", "북한": "PRK", "미국": "USA", "영국": "GBR"},
    "ru": {"Корея": "KOR", "Южная Корея": "KOR", "КНДР": "PRK", "США": "USA"},
    "zh": {"南韩": "KOR", "韓國": "KOR", "朝鲜": "PRK", "北韓": "PRK"},
    "ja": {"北朝鮮": "PRK", "米国": "USA", "英国": "GBR"},
}
# Languages close enough that a detector confuses them on a short question, and whose terms
# are read together: Indonesian and Malay share most of their vocabulary; a question of Han
# characters alone may be Japanese written without kana, or Chinese in traditional characters.
_SIBLINGS = {"id": ("id", "ms"), "ms": ("ms", "id"), "zh": ("zh", "zh_Hant", "ja")}
# Languages that write a decimal comma ("0,75"); Chinese, Japanese, Korean and Thai write a
# comma between thousands.
_DECIMAL_COMMA = frozenset({"fr", "es", "ru", "vi", "id", "ms"})
# Names of one character are not looked for: one letter is too often part of other words.
_MIN_NAME = 2
# Russian: the endings a noun or adjective takes in its cases ("Япония", "Японии", "Японию").
_RUSSIAN_ENDINGS = frozenset(
    "а я о е ь й и ы у ю ей ой ом ем ам ям ах ях ами ями ию ия ие ии ью ьи ья ов ев "
    "ого его ому ему ым им ых их ыми ими ая яя ое ее ые ую юю".split()
) | {""}
# A Russian name this short is read only when it is capitalised ("Того" is Togo, "того" is
# "of that"; "Перу" is Peru).
_SHORT_RUSSIAN = 4


@dataclass(frozen=True)
class Gloss:
    """A question with the names it was recognised by in English, and what was recognised
    (typed words -> the English they were read as: for logs, tests and the audit trail)."""

    language: str
    text: str
    read_as: dict[str, str]

    @property
    def says_something(self) -> bool:
        """Whether a word was read that English does not write the same way ("Fidji", "피지";
        not "Bhutan" in an Indonesian question, which English writes alike)."""
        from assistant.text import fold

        return any(fold(typed) != fold(english) for typed, english in self.read_as.items())


@dataclass(frozen=True)
class Term:
    """A name or term of one language: as looked for (:func:`_key`), the English it is read
    as, whether it is a country's or region's name, and (Russian) its words' stems."""

    local: str
    english: str
    is_name: bool
    stems: tuple[str, ...] = ()


def gloss(question: str, language: str | None) -> Gloss:
    """``question`` with every name of a country, region, group, indicator and the words for
    what is asked replaced by their English, for a question in ``language`` (ISO 639-1; one of
    :data:`assistant.language.LANGUAGES`). Digits are set apart from the non-Latin words they
    are typed with ("2024년" -> "2024 년"; "G20" stays). An English question, or one in a
    language without terms, comes back unchanged."""
    if not language or language == "en" or language not in LANGUAGES:
        return Gloss(language or "en", question, {})
    text = unicodedata.normalize("NFC", question)
    if language in _DECIMAL_COMMA:  # "0,75" is 0.75; "1,000" stays a thousand
        text = re.sub(r"(?<![\d.,])(0|1),(\d{1,2}|\d{4,})(?!\d)", r"\1.\2", text)
        text = re.sub(r"(?<![\d.,])0,(\d{3})(?!\d)", r"0.\1", text)
    typed = _Typed(text, language)
    spans: list[tuple[int, int, str]] = []
    for term in terms(language):
        for start, end in typed.occurrences(term):
            if not any(a < end and start < b for a, b, _ in spans):
                spans.append((start, end, term.english))
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
    glossed = re.sub(_DIGIT_BESIDE_NON_LATIN, " ", "".join(pieces))
    return Gloss(language, " ".join(glossed.split()), read_as)


# Between a digit and a letter that is not a Latin one: "2024년", "5개국", "2024年".
_DIGIT_BESIDE_NON_LATIN = re.compile(r"(?<=\d)(?=[^\W\d_A-Za-z])|(?<=[^\W\d_A-Za-z])(?=\d)")


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


class _Typed:
    """One question as its language's terms are looked for in it."""

    def __init__(self, text: str, language: str) -> None:
        self.text, self.language = text, language
        self.keyed = _key(text, language)
        self.boundaries: frozenset[int] | None = None
        if language == "zh":
            self.boundaries = _word_boundaries(text)
        self.words: list[tuple[int, int, str]] = []
        if language == "ru":
            import Stemmer  # PyStemmer (Snowball), one per question: it is not thread-safe

            found = list(re.finditer(r"[^\W\d_]+", self.keyed))  # as _words finds them
            stems = Stemmer.Stemmer("russian").stemWords([m[0] for m in found])
            self.words = [(m.start(), m.end(), stem) for m, stem in zip(found, stems, strict=True)]

    def occurrences(self, term: Term) -> list[tuple[int, int]]:
        """Where ``term`` stands in the question as a term of its language stands (see the
        module's docstring); each span covers the term as typed, ending included."""
        if self.language == "ru":
            return self._russian(term)
        spans = [
            m.span() for m in _pattern(term.local, self.language, term.is_name).finditer(self.keyed)
        ]
        if self.boundaries is not None:
            spans = [(a, b) for a, b in spans if a in self.boundaries and b in self.boundaries]
        return spans

    def _russian(self, term: Term) -> list[tuple[int, int]]:
        """Each of the term's words matched by a word of the question with the same stem (see
        :func:`_declined`): "Японии" for "Япония", not "период" for "Перу"."""
        found = []
        size = len(term.stems)
        for i in range(len(self.words) - size + 1):
            run = self.words[i : i + size]
            if all(
                _declined(self.keyed[start:end], want, base)
                for (start, end, _), want, base in zip(
                    run, term.stems, _words(term.local), strict=True
                )
            ):
                start, end = run[0][0], run[-1][1]
                if size == 1 and len(term.local) <= _SHORT_RUSSIAN and self.text[start].islower():
                    continue  # "того", "перу" typed in lower case are other words
                found.append((start, end))
        return found


def _declined(word: str, stem: str, base: str) -> bool:
    """Whether ``word`` is the term's word ``base`` (its stem ``stem``) declined: ``base`` or its
    stem followed by a case ending ("Непала", "Японии"), or, after a stem of five letters or
    more, by at most four letters (Snowball takes suffixes with the ending: "электрон|ного",
    "сравн|ите"). A short stem needs a true ending: "дан" is Denmark's stem and the stem of
    "данные" (data) alike."""
    for start in (base, base[:-1], stem):
        if start and word.startswith(start) and word[len(start) :] in _RUSSIAN_ENDINGS:
            return True
    rest = word[len(stem) :]
    return word.startswith(stem) and len(stem) >= _LONG_STEM and len(rest) <= _SUFFIX_AND_ENDING


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


_LONG_STEM = 5
_SUFFIX_AND_ENDING = 4


def _word_boundaries(text: str) -> frozenset[int]:
    """The offsets where a name may start or end in Chinese ``text``: where a word of jieba's
    segmentation starts or ends, and anywhere inside a segment its dictionary does not know (a
    run it could only guess at, as in traditional characters). Inside a word it knows, a name is
    part of that word: "发展中国家" (developing countries) holds no "中国"."""
    jieba = chinese_segmenter()
    known = jieba.dt.FREQ
    at = 0
    edges = {0}
    for word in jieba.cut(text):
        if len(word) > 1 and not known.get(word):
            edges.update(range(at + 1, at + len(word)))
        at += len(word)
        edges.add(at)
    return frozenset(edges)


# Korean particles and copulas that follow a noun directly: "피지의" (of Fiji), "한국과" (and
# Korea), "한국인가요" (is it Korea?).
_KOREAN_PARTICLES = (
    "에서의|에서는|에서|에게|으로|로의|로|과의|와의|과는|와는|보다|처럼|이나|이랑|랑|"
    "인가요|인지|이다|입니다|이에요|예요|의|은|는|이|가|을|를|와|과|에|도|만|나"
)


@lru_cache(maxsize=8192)
def _pattern(local: str, language: str, is_name: bool) -> re.Pattern[str]:
    if language in _UNSPACED:
        return re.compile(re.escape(local))
    if language == "ko":  # a digit may come right before: "0.8이상"
        if is_name:  # a name takes only a particle: "인도적" (humanitarian) is not India
            return re.compile(
                rf"(?<![^\W\d_]){re.escape(local)}(?:{_KOREAN_PARTICLES})?(?![^\W\d_])"
            )
        return re.compile(rf"(?<![^\W\d_]){re.escape(local)}\w*")  # "비교해", "이상인가요"
    return re.compile(rf"(?<!\w){re.escape(local)}(?!\w)")


@lru_cache(maxsize=16)
def terms(language: str) -> list[Term]:
    """Every name and term of ``language`` (and of the languages read with it), keyed as
    :func:`_key` keys text, longest first."""
    import Stemmer

    stemmer = Stemmer.Stemmer("russian") if language == "ru" else None  # built per call
    found: dict[str, Term] = {}
    vocabulary = _vocabulary()

    def add(local: str, english: str, is_name: bool) -> None:
        keyed = " ".join(_key(unicodedata.normalize("NFC", local), language).split())
        if len(keyed) < _MIN_NAME or keyed in found:
            return
        if language in ("zh",) and re.search("[\u3040-\u30ff]", keyed):
            return  # a Japanese term with kana is no Chinese term
        words = _words(keyed)  # as the question's words are found
        stems = tuple(stemmer.stemWords(words)) if stemmer else ()
        found[keyed] = Term(keyed, english, is_name, stems)

    for each in _SIBLINGS.get(language, (language,)):
        for section in ("indicators", "groups", "asks", "topics"):
            for english, by_language in vocabulary[section].items():
                for local in by_language.get(each, []):
                    add(local, english, False)
        for local, english in _cldr_names(each).items():
            add(local, english, True)
    return sorted(found.values(), key=lambda term: (-len(term.local), term.local))


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, Any]:
    raw = resources.files("assistant").joinpath("resources/multilingual_terms.json").read_text()
    data: dict[str, Any] = json.loads(raw)
    return data


@lru_cache(maxsize=16)
def _cldr_names(language: str) -> dict[str, str]:
    """Country and M49 region names in ``language`` (CLDR) -> the English name the rest of the
    assistant reads (the UN's spelling for countries)."""
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
    for iso3, local in _local_country_names(language).items():
        found[local] = countries.name(iso3)
    for local, iso3 in _SHORT_FORMS.get(language, {}).items():
        found[local] = countries.name(iso3)
    return found


@lru_cache(maxsize=16)
def _local_country_names(language: str) -> dict[str, str]:
    """ISO3 -> the country's name in ``language`` (CLDR); empty for a locale babel lacks."""
    import pycountry
    from babel import Locale
    from babel.core import UnknownLocaleError

    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return {}
    found: dict[str, str] = {}
    for code, local in territories.items():
        country = None if code.isdigit() else pycountry.countries.get(alpha_2=code)
        if country is not None:
            found[country.alpha_3] = str(local)
    return found


def local_country_name(iso3: str, language: str | None) -> str:
    """A country's name in ``language`` (CLDR), or its English name when CLDR has none."""
    from assistant import countries

    if language and language != "en":
        local = _local_country_names(language).get(iso3)
        if local:
            return local
    return countries.name(iso3)


# What the English "Understood as" line calls each kind of indicator question.
_ENGLISH_KINDS = {
    "top": "top {n}",
    "bottom": "bottom {n}",
    "improved": "improved most",
    "declined": "declined most",
    "component": "weakest and strongest component",
    "position": "rank {n}",
    "average": "average",
    "members": "every member",
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
    use is refused, when there is no multilingual index), "across" (that an answer was found by
    the meaning of the question in English documents), and the table's column names ("country", "year", "value", ...).
    Empty for English and for a language without them: the front ends' own English stands."""
    found = dict(_interface(language).get("labels", {}))
    if not table:
        for column in ("country", "year", "indicator", "value", "rank", "group", "source"):
            found.pop(column, None)
    return found


def _interface(language: str | None) -> dict[str, dict[str, str]]:
    words: dict[str, dict[str, str]] = _vocabulary()["interface"].get(language or "", {})
    return words


def indicator_name(code: str, english: str, language: str | None) -> str:
    """An indicator's name in ``language`` (the terms file's first name for it) with its
    acronym, "전자정부발전지수 (EGDI)"; ``english`` (its English name) when there is none."""
    acronym = code.upper()
    local = _vocabulary()["indicators"].get(acronym, {}).get(language or "", [])
    return f"{local[0]} ({acronym})" if local else english


def value_sentence(
    country: str, indicator: str, year: int, figure: str, language: str | None, *, latest: bool
) -> str | None:
    """An indicator value said in ``language`` as a plain formula that needs no grammar:
    "피지 — 전자정부발전지수 (EGDI), 2024: 0.67544, 순위 93 [1]."; None for English or a
    language without interface words (the English sentence stands)."""
    words = labels(language)
    if not words:
        return None
    note = f" ({words['latest']})" if latest and "latest" in words else ""
    return f"{country} — {indicator}, {year}{note}: {figure}."


def no_value_sentence(who: str, indicator: str, when: str, language: str | None) -> str | None:
    """That the data holds no value of ``indicator`` for ``who`` (``when``: a year, or ""), in
    ``language``; None for English or a language without the words."""
    template = labels(language).get("no_value")
    if not template:
        return None
    return template.format(who=who, indicator=indicator, when=f" ({when})" if when else "")
