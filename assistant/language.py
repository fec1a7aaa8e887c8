"""Which language a question is written in, and whether the documents found can be read with it.

lingua (a maintained detector whose models ship inside its wheel) tells the language of the
languages UNPOG's practitioners write in, besides English: Korean, Chinese, Japanese, Russian,
French, Spanish, Thai, Vietnamese, Indonesian and Malay. It runs in its low-accuracy mode
(trigram models only: small and quick to load); a question written in a script only one of
them uses (Hangul, kana, Thai, Han characters without kana, Cyrillic, Arabic) is told by that
script alone, however short, when it writes at least as many of the question's letters as the
Latin alphabet does.

Retrieval and quoting are English today (the embedder, the keyword index and the relevance checks
read English words). A question in a script the passages found do not use shares no word with
them, so nothing can show that a quoted sentence answers it: such a question gets a refusal that
says which language it was read as, instead of an unrelated sentence marked as an answer.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import Any

from assistant.text import fold

__all__ = ["foreign_script_words", "language_name", "question_language"]

# ISO 639-1 codes of the languages told apart; names as the refusal says them.
LANGUAGES = {
    "en": "English",
    "ko": "Korean",
    "zh": "Chinese",
    "ja": "Japanese",
    "ru": "Russian",
    "fr": "French",
    "es": "Spanish",
    "th": "Thai",
    "vi": "Vietnamese",
    "id": "Indonesian",
    "ms": "Malay",
    "ar": "Arabic",
}
# Scripts that only one of those languages writes in: their letters settle the question, in
# this order (kana beside Han characters is Japanese; Han alone, Chinese).
_OWN_SCRIPT = (
    ("HANGUL", "ko"),
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("THAI", "th"),
    ("CJK", "zh"),
    ("CYRILLIC", "ru"),
    ("ARABIC", "ar"),
)
# Fewer letters than this are too few to tell a Latin-script language from English.
MIN_LETTERS = 12


def too_short_to_tell(text: str) -> bool:
    """Whether ``text`` has too few letters (:data:`MIN_LETTERS`) for its language to be told
    from Latin letters alone."""
    return sum(char.isalpha() for char in text) < MIN_LETTERS


@functools.cache
def _detector() -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LANGUAGES
    ]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _script(char: str) -> str:
    """The first word of a letter's Unicode name: LATIN, HANGUL, CJK, CYRILLIC, THAI..."""
    try:
        return unicodedata.name(char).split()[0]
    except ValueError:
        return ""


def question_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None when it holds too
    few letters to tell."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return None
    scripts = Counter(_script(char) for char in letters)
    own = sum(scripts[script] for script, _ in _OWN_SCRIPT)
    if own >= scripts["LATIN"]:  # an English question naming "Беларусь" stays English
        for script, code in _OWN_SCRIPT:
            if script in scripts:
                return code
    if too_short_to_tell(text):
        return "en" if set(scripts) == {"LATIN"} else None
    from assistant.countries import english_share

    if english_share(text) >= ENGLISH_SHARE:
        # lingua's trigrams take short English questions full of Latin words for French
        # ("What did CEPA recommend on artificial intelligence?"); an English dictionary that
        # knows nearly all of the words settles it
        return "en"
    rest = _without_names(text)
    # the words left, of three letters or more: "de", "el", "la" are in the English dictionary
    told = " ".join(w for w in rest.split() if len(w) >= 3 and not w.isdigit())
    if rest != " ".join(re.findall(r"[^\W_]+", text)) and (
        not re.search(r"[^\W\d_]", rest) or (told and english_share(told) >= ENGLISH_SHARE)
    ):
        # names of countries and indicators as English writes them say nothing of the language
        # around them: "lao pdr osi rank" is English (lingua reads it as Vietnamese)
        return "en"
    found = _detector().detect_language_of(text)
    detected = None if found is None else str(found.iso_code_639_1.name).lower()
    left = [w for w in rest.split() if not w.isdigit()]
    # what is left besides the names is too few letters for trigrams to tell a language by (as
    # for a short question, see MIN_LETTERS): it is another language's only when a word of it
    # is one (see _foreign_word). "cual es el egdi de chile" is Spanish, "kalau Vietnam?" not
    # English; "png vs solomons hci 2024" and "usa's dgi score 2023" are English, not the French
    # and Malay lingua makes of them
    if (
        detected not in (None, "en")
        and rest.isascii()
        and too_short_to_tell(" ".join(left))
        and not any(_foreign_word(w.lower(), detected) for w in left)
    ):
        return "en"
    if detected in _WORD_LISTS:
        return _as_its_words_say(text, detected, left)
    return detected


# The languages whose words can be counted, with the NLTK stop-word list of each (pyspellchecker
# ships a dictionary for some of them too, see countries.word_of_language). Malay has no list
# of its own; Indonesian's function words are largely its.
_WORD_LISTS = {
    "fr": "french",
    "es": "spanish",
    "ru": "russian",
    "ar": "arabic",
    "id": "indonesian",
    "ms": "indonesian",
}


def _as_its_words_say(text: str, detected: str, words: list[str]) -> str:
    """``detected`` (lingua's reading of a Latin-script question) unless the words say
    otherwise: trigram models take a short question for a language none of its words belong
    to ("Singapour durée du mandat de l'Auditor-General" reads as Malay). When the word lists of
    the detected language know none of the question's own words (not English ones), and those
    of another language lingua considers know two or more and half of them, it is that one."""
    from assistant.countries import is_english_word, word_of_language
    from assistant.storage.lexicon import stopwords

    own = [w.lower() for w in words if len(w) >= 2 and not is_english_word(w.lower())]

    def known(code: str) -> int:
        listed = stopwords((_WORD_LISTS[code],))
        return sum(1 for w in own if word_of_language(w, code) or w in listed)

    if not own or known(detected):
        return detected
    for found in _detector().compute_language_confidence_values(text):
        code = str(found.language.iso_code_639_1.name).lower()
        if code in _WORD_LISTS and code != detected:
            count = known(code)
            if count >= 2 and 2 * count >= len(own):
                return code
    return detected


def _foreign_word(word: str, language: str) -> bool:
    """Whether ``word`` (lower case) is no English word and is a word of ``language`` (its
    pyspellchecker dictionary knows it) or a function word of any language NLTK lists ("kalau",
    Indonesian "if"). A dictionary knows names too ("solomons" is Dutch), so only the one of the
    language found counts."""
    from assistant.countries import foreign_function_word, is_english_word, word_of_language

    if len(word) < 2 or is_english_word(word):
        return False
    return word_of_language(word, language) or foreign_function_word(word)


def _without_names(text: str) -> str:
    """The words of ``text`` (as typed, accents kept) less those of the names of countries and
    indicators it uses as English writes them ("lao pdr", "osi", "e-government development
    index")."""
    from assistant.countries import folded_names, name_pattern
    from assistant.indicators import fold_name, indicator_name_pattern

    named = {w for m in name_pattern().finditer(f" {fold(text)} ") for w in m.group(0).split()}
    # a possessive typed without its apostrophe ("fijis") is the name too
    names = folded_names()
    named |= {w for w in fold(text).split() if w.endswith("s") and w[:-1] in names}
    folded = f" {fold_name(text)} "
    named |= {w for m in indicator_name_pattern().finditer(folded) for w in m.group(0).split()}
    words = re.findall(r"[^\W_]+", text)
    # a name counts as English writes it only when typed so ("lào" is Vietnamese for Laos)
    return " ".join(w for w in words if not (w.isascii() and fold(w) in named))


# The share of a question's lower-case words an English dictionary must know for it to be read
# as English whatever lingua says.
ENGLISH_SHARE = 0.75


def language_name(code: str | None) -> str:
    return LANGUAGES.get(code or "", code or "another language")


def spaced_scripts(text: str) -> str:
    """``text`` with a space wherever a Latin-script word meets a word in another script:
    Korean, Japanese and Thai write particles and words onto a name typed in Latin letters
    ("CEPA는", "AIガバナンス"), which then searches and reads as the name it is ("CEPA 는")."""
    out: list[str] = []
    previous = ""
    for char in text:
        kind = _script(char) if char.isalnum() else ""
        if char.isdigit():
            kind = "LATIN"  # digits go with Latin letters: "2024년" is "2024 년"
        if unicodedata.category(char).startswith("M"):
            kind = previous  # a combining mark stays with its letter
        if kind and previous and kind != previous and "LATIN" in (kind, previous):
            out.append(" ")
        out.append(char)
        previous = kind
    return "".join(out)


def foreign_script_words(text: str) -> list[str]:
    """The runs of ``text`` written in a script other than Latin (digits, punctuation and
    Latin-script words such as acronyms and names left out): "CEPA 对人工智能有什么建议" and
    "CEPAは人工知能について" give their Chinese and Japanese parts."""
    runs: list[str] = []
    current: list[str] = []
    script = ""
    for char in text:
        if unicodedata.category(char).startswith("M") and current:
            current.append(char)  # a combining mark (Thai vowels, tone marks) stays with its letter
            continue
        kind = _script(char) if char.isalpha() else ""
        if kind != script and current:
            if script not in ("", "LATIN"):
                runs.append("".join(current))
            current = []
        script = kind
        if kind:
            current.append(char)
    if current and script not in ("", "LATIN"):
        runs.append("".join(current))
    return runs
