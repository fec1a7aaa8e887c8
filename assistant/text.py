"""Text helpers shared by ingestion and answering: sentence boundaries and word counts."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

# Bullets as the text layers of PDFs set in the Symbol or Wingdings fonts give them: code points
# of Unicode's private use area (U+F0B7 "•", U+F0A7 "▪"), which no text uses otherwise.
SYMBOL_FONT_BULLETS = "\uf0a7\uf0b7"

# A sentence ends at . ! ? (optionally followed by a closing quote/bracket) before whitespace and
# an upper-case letter, digit, quote or bracket; or at a blank line; or at a line that starts a
# list item ("(a)", "1.", "-", "•", or one of SYMBOL_FONT_BULLETS).
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"'”’)\]]?\s+(?=[A-Z0-9\"“‘(\[])"
    r"|\n\s*\n"
    rf"|\n(?=\s*(?:\(?[a-z0-9]{{1,3}}[.)]|[-•*▪{SYMBOL_FONT_BULLETS}]|[A-Z][A-Z ]{{3,}}\n))"
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|Mr|Mrs|Ms|Dr|No|Nos|para|paras|art|Art|vol|Vol|p|pp|cf|approx|Inc|Ltd|Co|"
    r"U\.S|U\.N|St|Fig|fig|Rev|Corr|Add|Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Oct|Nov|Dec)\.|\b[A-Z]\.)$"
)

# A year a question or passage names: 1950-2049 (the editions of the data and documents; not
# page numbers, counts or resolution numbers such as 2250).
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


WORD_RE = re.compile(r"[^\s,;|]+")


def fold(text: str) -> str:
    """Lower-case, accents and punctuation removed, spaces single: "E-Participation" and
    "e participation" fold alike, as do "Türkiye" and "turkiye"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_WORDS = re.compile(r"[A-Za-z][A-Za-z\-']+")


@lru_cache(maxsize=1)
def _english_stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def stems(text: str) -> set[str]:
    """The distinct English stems of the words of ``text`` ("regulating" -> "regul")."""
    words = {w.lower().strip("'-").replace("-", "") for w in _WORDS.findall(text)}
    return set(_english_stemmer().stemWords(sorted(w for w in words if len(w) > 1)))


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNIT_ORDINALS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def ordinal_words(n: int) -> str:
    """An ordinal in words as UN documents write it: 24 -> "twenty-fourth", 30 -> "thirtieth"
    (1 to 99; other numbers as digits with their suffix)."""
    if not 0 < n < 100:
        return f"{n}th"
    if n < 20:
        word = _UNITS[n]
        return _UNIT_ORDINALS.get(word, word + "th")
    tens, unit = divmod(n, 10)
    if unit == 0:
        return _TENS[tens][:-1] + "ieth"
    word = _UNITS[unit]
    return f"{_TENS[tens]}-{_UNIT_ORDINALS.get(word, word + 'th')}"


def count_words(text: str) -> int:
    """Words for sizing passages; commas and bars separate words too, so table rows count fairly."""
    return len(WORD_RE.findall(text))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        candidate = text[cursor : match.start()].rstrip()
        if _ABBREVIATIONS.search(candidate) and "\n" not in match.group(0):
            continue  # "e.g. The" or "Mr. Smith": not a boundary
        _append_trimmed(text, cursor, match.start(), spans)
        cursor = match.end()
    _append_trimmed(text, cursor, end, spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# A UN document symbol: a series ("A", "E", "E/C.16", "A/AC.109", "ESCAP") and at least two more
# parts ("2025", "44", "L.23", "Add.1", "INF/3"), as printed at the top of a UN document's pages
# and as people cite them ("what does A/80/82 say about ...").
_SYMBOL_PART = r"(?:[A-Z]{1,10}(?:\.\d{1,3})?|\d{1,4}[A-Z]?|(?:Add|Rev|Corr|L|CRP|WP|INF)\.\d{1,3})"
UN_SYMBOL = re.compile(
    rf"(?<![\w/.])([A-Z]{{1,10}}(?:\.\d{{1,3}})?(?:/{_SYMBOL_PART}){{2,7}})(?![\w/])"
)


def un_symbols(text: str) -> list[str]:
    """The UN document symbols ``text`` names ("E/2025/44"), each with a number in it."""
    return [m.group(1) for m in UN_SYMBOL.finditer(text) if re.search(r"\d", m.group(1))]


@lru_cache(maxsize=1)
def chinese_segmenter() -> Any:
    """jieba, Chinese word segmentation (its dictionary inside the package), loaded once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba
