"""OCR fallback for scanned pages, and the cheap score that decides when a text layer is garbage.

Scanned PDFs come in two bad shapes: pages with no text layer at all, and pages whose text layer
is somebody else's poor OCR ("Secretaly-General", "oRIGTNAL"). Indexing the second kind is worse
than indexing nothing: retrieval then cites passages a reader cannot check. So every page's text
goes through :func:`is_garbage` first, and only pages that fail are rasterised and OCRed again.

OCR runs the Debian tools ``pdftoppm`` (poppler-utils) and ``tesseract`` (tesseract-ocr) as
subprocesses with timeouts; nothing here is imported or started until a page needs it.

The score is the share of ordinary lower-case words that a word-frequency list knows: English's
(pyspellchecker's, 160,000 words), or the list of the page's own language, detected by lingua
(its models ship in the wheel; French, Spanish, German, Italian, Portuguese and Dutch lists),
inflections included, or a longer word of any of those lists (a page may quote another
language). Lower-case words only: names, acronyms and codes are unknown to any list and say
nothing about the quality of a text layer, while OCR damage shows in common words ("tbe",
"nonths"). A page that scores low is only doubtful: OCR, in the page's language, is the referee
(ingest/parsers/pdf.py keeps a layer OCR reproduces), so a dictionary never drops a clean page.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "GARBAGE_THRESHOLD",
    "TESSERACT_LANGUAGES",
    "OcrError",
    "broken_encoding",
    "installed_ocr_languages",
    "is_garbage",
    "ocr_available",
    "ocr_language",
    "ocr_pdf_page",
    "page_language",
    "reproduced_share",
    "text_quality",
]

# Measured on the 995 text pages of the shared corpus's PDFs: the lowest normal page scores 0.95,
# the four pages of the garbled 1984 scan 0.83 to 0.89, and tesseract's own (imperfect) reading
# of the 1990 scan 0.91 to 1.0. tests/ingest/test_pdf.py checks the first two on every run.
GARBAGE_THRESHOLD = 0.90
# A page whose words English's list knows at this share is clean whatever its language: the
# other lists and the language detector are loaded only for the rest (a tenth of a second each).
CLEAN_IN_ENGLISH = 0.95
# Below this many checkable words a page (a cover, a chart, a table of numbers) cannot be judged
# by its words; only the share of junk characters decides then.
MIN_WORDS = 20
# A text layer whose characters are mostly symbols nobody types is a broken font encoding.
MAX_JUNK_SHARE = 0.25

RASTER_DPI = 200
RASTER_TIMEOUT_S = 60.0
OCR_TIMEOUT_S = 120.0

_TESSERACT = "tesseract"
_PDFTOPPM = "pdftoppm"

# Dictionaries tried after English, for Latin-script pages in other languages.
_OTHER_LANGUAGES = ("fr", "es", "de", "it", "pt", "nl")
# British spellings the (American) English list lacks: "organisation", "programme", "centre".
_BRITISH = (
    (re.compile(r"is(ation|ations|e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"our(s|ed|ing|able|ite|ites)?$"), r"or\1"),
    (re.compile(r"([^aeiou])re(s|d)?$"), r"\1er\2"),
    (re.compile(r"mme(s)?$"), r"m\1"),
    (re.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"ence$"), r"ense"),
)
# Common lower-case abbreviations, Latin tags and URL pieces that no word list has.
_ABBREVIATIONS = frozenset({
    "vol", "pp", "etc", "eg", "ie", "cf", "al", "wef", "doi", "http", "https", "www", "org", "com",
    "int", "pdf", "html", "htm", "ibid", "op", "cit", "para", "paras", "art", "arts", "sect", "no",
    "nos", "rev", "corr", "add", "annex", "chap", "hoc", "alia", "quo", "vis", "inter", "bis",
})  # fmt: skip
# Prefixes that modern policy prose glues onto known words ("subnational", "cybersecurity").
_PREFIXES = (
    "multi", "inter", "intra", "trans", "cyber", "socio", "extra", "ultra", "micro", "macro",
    "meta", "tele", "anti", "over", "under", "post", "pre", "sub", "non", "geo", "co", "de",
    "re", "un", "up", "e",
)  # fmt: skip
_MIN_PART = 3  # the shortest half of a compound ("dataset" = "data" + "set") that counts
# How often (in the word list's counts) a three-letter word must occur to count as such a half.
_COMMON_SHORT_WORD = 20_000
_ROMAN = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_URLISH = re.compile(r"[/@\\]|www\.|https?:|\.\w+\.")
_EDGE_PUNCT = "\"'“”‘’«»()[]{}<>.,;:!?*…"
_WORD_SPLIT = re.compile(r"[-‐‑–—]")
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[a-z])[-‐‑]\n(?=[a-z])")  # "develop-\nment"
_END_OF_LATIN = "\u0250"  # Basic Latin to Latin Extended-B: English and Western European words
_COMMON_SYMBOLS = frozenset(".,;:!?'\"()[]{}-–—‐‑/\\%&@#*+=<>|€$£¥°•·…‘’“”«»§_~^©®™±×÷¶")


class OcrError(Exception):
    """OCR of one page failed: a tool is missing, timed out, or exited with an error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"OcrError({self.reason!r})"


def ocr_available() -> bool:
    """Whether both OCR tools are on PATH (checked on each call: installing them mid-run works)."""
    return shutil.which(_TESSERACT) is not None and shutil.which(_PDFTOPPM) is not None


def ocr_pdf_page(
    path: Path, page_number: int, language: str = "eng", *, dpi: int = RASTER_DPI
) -> str:
    """OCR one page (1-based) of a PDF and return tesseract's text.

    The page is rasterised to a greyscale PNG in a private temporary folder that is removed
    afterwards. Raises :class:`OcrError` naming the tool and its complaint on any failure.
    """
    with tempfile.TemporaryDirectory(prefix="gka-ocr-") as tmp:
        image = _rasterise(Path(path), page_number, Path(tmp), dpi)
        return _tesseract(image, language)


def _rasterise(path: Path, page_number: int, folder: Path, dpi: int) -> Path:
    prefix = folder / "page"
    command = [_PDFTOPPM, "-r", str(dpi), "-f", str(page_number), "-l", str(page_number)]
    _run([*command, "-gray", "-png", str(path), str(prefix)], RASTER_TIMEOUT_S)
    images = sorted(folder.glob("page*.png"))
    if not images:
        raise OcrError(f"pdftoppm produced no image for page {page_number} of {path.name}")
    return images[0]


def _tesseract(image: Path, language: str) -> str:
    # One thread per tesseract: the parser runs two pages at once on a two-core machine, and
    # tesseract's own OpenMP threads would only fight over the same cores.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [_TESSERACT, str(image), "stdout", "-l", language]
    if _ORIENTATION_PACK in installed_ocr_languages():
        # Page segmentation with orientation detection: a table printed sideways, scanned as
        # it lies, is turned upright before it is read (upright pages read the same as without).
        command += ["--psm", "1"]
    return _run(command, OCR_TIMEOUT_S, env=env)


# Tesseract's orientation and script detection data, which Debian's tesseract-ocr installs.
_ORIENTATION_PACK = "osd"


def _run(command: list[str], timeout_s: float, env: dict[str, str] | None = None) -> str:
    tool = command[0]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False, env=env)
    except FileNotFoundError as exc:
        hint = "apt-get install tesseract-ocr poppler-utils"
        raise OcrError(f"{tool} is not installed ({hint})") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"{tool} took longer than {timeout_s:.0f} s") from exc
    if done.returncode != 0:
        complaint = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = complaint[-1] if complaint else f"exit status {done.returncode}"
        raise OcrError(f"{tool} failed: {detail}")
    return done.stdout.decode("utf-8", "replace")


def is_garbage(text: str, language: str | None = None) -> bool:
    """Whether a page's text is too damaged to index (see :func:`text_quality`); ``language`` is
    the page's (:func:`page_language`), detected when not given."""
    return text_quality(text, language) < GARBAGE_THRESHOLD


def text_quality(text: str, language: str | None = None) -> float:
    """A score from 0 (unreadable) to 1 (clean) for one page of extracted or OCRed text.

    Text without a single letter or digit scores 0, and so does text that is mostly junk symbols
    (a broken font encoding). Otherwise, with at least ``MIN_WORDS`` checkable lower-case words,
    the score is the share of them a word list knows: English's, or any of the other Latin-script
    lists (a page may quote another language), or, in the page's own language when it is not
    English, an inflection of a word its list knows (the Spanish list lacks "recomendaciones" and
    "fueron"). With fewer words (covers, charts, number tables, non-Latin scripts) the page cannot
    be judged by its words and scores 1. ``language``: the page's (ISO 639-1), detected when None.
    """
    junk = _junk_share(text)
    if junk is None:
        return 0.0
    clean = 1.0 if junk <= MAX_JUNK_SHARE else 0.0
    words = _checkable_words(text)
    if len(words) < MIN_WORDS:
        return clean
    english = _lexicon("en")
    in_english = sum(1 for word in words if _known_english(word, english)) / len(words)
    if in_english >= CLEAN_IN_ENGLISH:
        return clean  # most pages: no language to detect, no other word list to load
    if language is None:
        language = page_language(text)
    return min(clean, _known_share(words, language))


def broken_encoding(text: str) -> bool:
    """Whether a text layer is unreadable by its characters alone: nothing but whitespace and
    symbols, or mostly junk symbols (a broken font encoding). Its words are not looked at."""
    junk = _junk_share(text)
    return junk is None or junk > MAX_JUNK_SHARE


def reproduced_share(layer: str, reading: str) -> float:
    """The share of a text layer's words (four letters or more, accents and case ignored) that
    another reading of the page (OCR's) also finds: near 1 when the layer is what the page prints."""
    theirs = set(_long_words(reading))
    ours = _long_words(layer)
    return sum(word in theirs for word in ours) / len(ours) if ours else 0.0


def _long_words(text: str) -> list[str]:
    return re.findall(r"[a-z]{4,}", _fold(text))


# The languages a page is told apart in: the UN's six and the other languages its documents and
# the region's governments write in; each with the Tesseract language pack that reads it.
TESSERACT_LANGUAGES = {
    "en": "eng",
    "fr": "fra",
    "es": "spa",
    "ru": "rus",
    "ar": "ara",
    "zh": "chi_sim",
    "pt": "por",
    "it": "ita",
    "de": "deu",
}
# Fewer letters than this are not enough to tell a page's language.
MIN_LETTERS_FOR_LANGUAGE = 40


@functools.cache
def _detector() -> Any:
    """lingua's detector over :data:`TESSERACT_LANGUAGES` (its models ship in the wheel), in its
    low-accuracy mode (trigrams only): on the 2,171 pages of the shared corpus and corpus-extra
    with text it agrees with the full mode on all but one 91-letter page, and needs 14 MB
    instead of 166 MB and 0.04 s instead of 0.8 s to load."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in TESSERACT_LANGUAGES
    ]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def page_language(text: str) -> str | None:
    """The language a page is mostly written in (ISO 639-1: "en", "es", "zh"), or None when it
    holds too few letters to tell."""
    if sum(char.isalpha() for char in text) < MIN_LETTERS_FOR_LANGUAGE:
        return None
    found = _detector().detect_language_of(text)
    return None if found is None else str(found.iso_code_639_1.name).lower()


# Pages sampled to tell a document's language (enough to outvote a foreign-language annex), and
# the characters of each read: a page's language shows in its first paragraphs.
_LANGUAGE_SAMPLE = 3
_LANGUAGE_CHARS = 2000


def document_language(texts: Sequence[str]) -> str | None:
    """The language most of a document is written in (ISO 639-1), from up to
    :data:`_LANGUAGE_SAMPLE` of its pages spread through it; None when no page tells."""
    pages = [text for text in texts if len(text) >= MIN_LETTERS_FOR_LANGUAGE]
    if not pages:
        return None
    step = max(1, len(pages) // _LANGUAGE_SAMPLE)
    sample = pages[::step][:_LANGUAGE_SAMPLE]
    votes = Counter(page_language(text[:_LANGUAGE_CHARS]) for text in sample)
    votes.pop(None, None)
    return votes.most_common(1)[0][0] if votes else None


def ocr_language(language: str | None, default: str) -> str:
    """The Tesseract language to OCR a page of ``language`` in: its pack when installed, else
    ``default`` (the ``RAG_OCR_LANGUAGE`` setting)."""
    pack = TESSERACT_LANGUAGES.get(language or "")
    return pack if pack and pack in installed_ocr_languages() else default


@functools.cache
def installed_ocr_languages() -> frozenset[str]:
    """The language packs Tesseract has here ("eng", "spa", ...); empty without Tesseract."""
    if shutil.which(_TESSERACT) is None:
        return frozenset()
    try:
        listing = _run([_TESSERACT, "--list-langs"], 30.0)
    except OcrError:
        return frozenset()
    return frozenset(line.strip() for line in listing.splitlines()[1:] if line.strip())


def _junk_share(text: str) -> float | None:
    """Share of non-space characters that are neither letters, digits nor common punctuation;
    None when there is nothing but whitespace and symbols (nothing readable at all)."""
    readable = junk = 0
    for char in text:
        if char.isspace():
            continue
        if char.isalnum():
            readable += 1
        elif char not in _COMMON_SYMBOLS and unicodedata.category(char)[0] != "P":
            junk += 1
    if readable == 0:
        return None
    return junk / (readable + junk)


def _checkable_words(text: str) -> list[str]:
    """Lower-case alphabetic words of two letters or more, without URLs, numerals and the like."""
    words: list[str] = []
    for token in _LINE_BREAK_HYPHEN.sub("", text).split():
        if _URLISH.search(token):
            continue
        for part in _WORD_SPLIT.split(token.strip(_EDGE_PUNCT)):
            word = part.strip(_EDGE_PUNCT).replace("’", "'")
            if word.endswith("'s"):
                word = word[:-2]
            if len(word) < 2 or not word.isalpha() or not word.islower() or not _latin(word):
                continue
            if word in _ABBREVIATIONS or _ROMAN.match(word):
                continue
            words.append(word)
    return words


def _latin(word: str) -> bool:
    """Latin-script words only: there are no word lists here for Cyrillic, Arabic or Chinese,
    so pages in those scripts are judged by their junk characters alone."""
    return all(char < _END_OF_LATIN for char in word)


def _known_share(words: list[str], language: str | None) -> float:
    """The share of ``words`` an English or other Latin-script word list knows, a word at a time
    (a page may mix languages), inflections allowed in the page's own language."""
    english = _lexicon("en")
    own = language if language in _OTHER_LANGUAGES else None
    known = 0
    for word in words:
        if _known_english(word, english) or (own and word in _lexicon(own)):
            known += 1
        elif len(word) >= _MIN_QUOTED and any(word in _lexicon(o) for o in _OTHER_LANGUAGES):
            known += 1  # a word of another language the page quotes
        elif own and _inflection(word, own):
            known += 1
    return known / len(words)


# A word of a language other than the page's counts from this length: OCR fragments of English
# ("tno", "ine", "ny") are short words of some other language.
_MIN_QUOTED = 4


def _inflection(word: str, language: str) -> bool:
    """Whether ``word`` shares all but its last few letters with a word of ``language``'s list
    (accents ignored): "recomendaciones" with "recomendación", "sesiones" with "sesión". Only in
    the page's own language, and never for English: OCR damage of English ("childrenrs") would
    pass as an inflection."""
    folded = _fold(word)
    if len(folded) < _MIN_INFLECTED:
        return False
    stem = folded[: max(_MIN_STEM, len(folded) - _INFLECTION_LETTERS)]
    stems = _folded_words(language)
    at = bisect.bisect_left(stems, stem)
    return at < len(stems) and stems[at].startswith(stem)


# An inflection changes at most this many final letters, of a word this long or longer, and
# keeps at least this many.
_INFLECTION_LETTERS = 4
_MIN_INFLECTED = 5
_MIN_STEM = 4


def _fold(word: str) -> str:
    if word.isascii():
        return word.lower()  # most words: nothing to take off
    return "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    ).lower()


@functools.cache
def _folded_words(language: str) -> list[str]:
    """``language``'s word list, accents removed, sorted (for prefix search)."""
    return sorted({_fold(word) for word in _lexicon(language)})


def _known_english(word: str, lexicon: Mapping[str, int]) -> bool:
    """Whether ``word`` is an English word, allowing British spellings, common prefixes and
    two-word compounds: OCR damage ("inplenented", "nonths") passes none of these."""
    if _plain_english(word, lexicon) or word in _PREFIXES:
        return True
    for prefix in _PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) > _MIN_PART and _plain_english(rest, lexicon):
            return True
    return any(
        _compound_part(word[:cut], lexicon) and _compound_part(word[cut:], lexicon)
        for cut in range(_MIN_PART, len(word) - _MIN_PART + 1)
    )


def _compound_part(part: str, lexicon: Mapping[str, int]) -> bool:
    """Half of a compound: any known word of four letters or more, but a three-letter half only
    if it is common ("set" in "dataset"), so that "guestion" is not "guest" + "ion"."""
    if len(part) > _MIN_PART:
        return _plain_english(part, lexicon)
    return lexicon.get(part, 0) >= _COMMON_SHORT_WORD


def _plain_english(word: str, lexicon: Mapping[str, int]) -> bool:
    return word in lexicon or _british(word, lexicon)


def _british(word: str, lexicon: Mapping[str, int]) -> bool:
    """Whether ``word`` is a British spelling of a word the American list knows."""
    for pattern, replacement in _BRITISH:
        variant = pattern.sub(replacement, word)
        if variant != word and variant in lexicon:
            return True
    return False


@functools.cache
def _lexicon(language: str) -> Mapping[str, int]:
    """The word list of one language, loaded on first use (about 0.1 s for English)."""
    from spellchecker import SpellChecker

    return SpellChecker(language=language, distance=1).word_frequency.dictionary
