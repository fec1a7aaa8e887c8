"""The words of a question in another language read as the English words the documents use.

The multilingual sentence index finds a passage by the meaning of a whole question, but a
question in Korean shares no word with the English passages, so the keyword index (the strongest
single search in English) finds only its names, acronyms and numbers. This module gives it the
rest: every English word and two-word phrase the public English documents use often is embedded
once by the multilingual model, and each word of the question is read as the English terms
nearest it ("인터넷" as "internet", "ความยากจน" as "poverty", "任期" as "tenure"): bilingual
lexicon induction from a shared embedding space, with no dictionary and no download.

Two things keep the readings honest:

* **What a word may be read as** (:func:`vocabulary`): English words of the collection that are
  written in lower case inside a sentence at least once in ten uses there (a person's name
  never is, and such a model puts names near any foreign word it does not know; "Internet" often
  is not, but sometimes), that are no
  stop word of the languages the UN writes in ("dans", "para"), and that are not the tail of a
  word broken over a line ("govern- ment").
* **How near is near** (:data:`MIN_MATCH`): the similarity is corrected for "hubs", terms near
  everything (the correction of cross-domain similarity local scaling, CSLS), and a word's
  reading is kept only above a floor. Words that carry no meaning of their own are not read at
  all: stop words of each language that has a list, Japanese hiragana-only words (particles and
  endings), names and acronyms (searched as typed), and single characters but in a pair.

The lexicon is derived data, like the keyword index: built from the store at the catalogue's
generation, saved atomically next to the keyword index, rebuilt when the store has moved on.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.text import chinese_segmenter

log = logging.getLogger(__name__)

FORMAT = 1
# A word is read as an English term when twice their similarity, less the term's hubness, is at
# least this (CSLS with the question word's own hubness left out: it is the same for all its
# candidates). Chosen on the development half of the cross-lingual set.
MIN_MATCH = 0.5
# The readings kept for one word or pair of words ("policy", "policies").
PER_WORD = 2
# How often a word (a pair of words) must occur in the English passages to be in the lexicon.
MIN_WORD_COUNT = 5
MIN_PAIR_COUNT = 8
# The nearest terms a term's hubness is averaged over.
HUB_NEIGHBOURS = 10
# Share of a word's uses inside sentences that may be capitalised (a name always is), and of
# all its uses that may follow a line-break hyphen.
MAX_CAPITALISED = 0.9
MAX_BROKEN = 0.2

# The stop-word lists NLTK ships inside llama-index (nothing downloaded): words of the question
# in these languages are not read; English terms that are stop words in these are not readings.
_QUESTION_STOPWORDS = ("english", "french", "spanish", "russian", "indonesian", "chinese")
_TERM_STOPWORDS = ("english", "french", "spanish", "italian", "portuguese", "german", "indonesian")

_THAI = "\u0e00-\u0e7f"
_KATAKANA = "\u30a0-\u30ff"
_HAN_KANA = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_HIRAGANA_ONLY = re.compile("[\u3040-\u309f]+")
# Runs of one script: Thai, Japanese katakana (a loanword is one: "インターネット"), Chinese
# characters and hiragana, or words of any other letters.
_RUN = re.compile(
    rf"[{_THAI}]+|[{_KATAKANA}]+|[{_HAN_KANA}]+"
    rf"|[^\W\d_{_THAI}{_HAN_KANA}]+(?:[-'’][^\W\d_{_THAI}{_HAN_KANA}]+)*"
)
# An elided article or preposition before a word ("l'Auditor-General", "d'Internet").
_ELISION = re.compile(r"^(?:[ldjmnst]|qu)['’]", re.I)
# An English word: ASCII letters, not the fragment of a word with other letters ("rkiye" of
# "Türkiye") nor a part of a web or e-mail address ("unjiu" of "www.unjiu.org").
_ENGLISH_WORD = re.compile(r"(?<![\w./@])[A-Za-z]+(?:-[A-Za-z]+)*(?![\w@]|\.\w)")
_ASCII_WORD = re.compile(r"[A-Za-z]+")
# Languages whose words are not read: the multilingual model was not trained on them (its model
# card lists 16 languages), and on the cross-lingual dev half every Vietnamese word was read as an
# unrelated term ("bao nhiêu", how many, as "boon", "dam"), which then only added noise to the
# keyword search. Indonesian, not on the card either, was read right there ("pinjaman": loan,
# "perempuan": woman) and stays.
UNREAD_LANGUAGES = frozenset({"vi"})
# What a word follows when it opens a sentence (or the text: "").
_OPENS = frozenset({"", ".", "!", "?", ":"})


def _stopword_folder() -> Path:
    import llama_index.core

    return Path(llama_index.core.__file__).parent / "_static/nltk_cache/corpora/stopwords"


@cache
def stopword_languages() -> tuple[str, ...]:
    """The languages NLTK's stop-word lists cover ("english", "indonesian", ...)."""
    return tuple(sorted(p.name for p in _stopword_folder().iterdir() if p.name.islower()))


@cache
def stopwords(languages: tuple[str, ...]) -> frozenset[str]:
    """The stop words of NLTK's lists for ``languages`` (shipped in llama-index's package)."""
    folder = _stopword_folder()
    words: set[str] = set()
    for language in languages:
        path = folder / language
        if path.exists():
            words.update(w.strip() for w in path.read_text(encoding="utf-8").splitlines())
    words.discard("")
    return frozenset(words)


@lru_cache(maxsize=1)
def _thai_stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


def _segment(run: str) -> list[str]:
    """The words of one run of a script (see ``_RUN``)."""
    if re.match(f"[{_THAI}]", run):
        from pythainlp.tokenize import word_tokenize  # Thai word segmentation, dictionary inside

        return [w for w in word_tokenize(run, engine="newmm") if w.strip()]
    if re.match(f"[{_KATAKANA}]", run):
        return [run]
    if re.match(f"[{_HAN_KANA}]", run):
        return [w for w in chinese_segmenter().cut(run) if w.strip()]
    return [_ELISION.sub("", run)]


def question_words(question: str, english: Callable[[str], bool]) -> list[str]:
    """The words of ``question`` to read, and the pairs of neighbouring ones ("chính sách",
    "인도적 지원"; joined without a space in scripts written without spaces: "対" and "策" as
    "対策"). Words that carry no meaning of their own, English words the documents use
    (``english``), names and acronyms (they are searched as typed) are left out, and no pair is
    made across them; a single character is read only in a pair."""
    return list(_word_groups(question, english))


def _word_groups(question: str, english: Callable[[str], bool]) -> dict[str, tuple[str, ...]]:
    """:func:`question_words`, each with the words it is made of (itself, or a pair's two)."""
    stop = stopwords(_QUESTION_STOPWORDS) | _thai_stopwords()
    words: list[str | None] = []
    for run in _RUN.finditer(question):
        for word in _segment(run.group()):
            if not word:
                continue
            lower = word.lower()
            if (
                lower in stop
                or _HIRAGANA_ONLY.fullmatch(word)
                or (_ASCII_WORD.fullmatch(word) and (len(word) < 2 or english(lower)))
                # a name or an acronym ("Araral", "CEPA", "ПРООН"): searched as typed, and
                # the gloss reads the names CLDR knows
                or (len(word) > 1 and word.isupper())
                or (bool(words) and word[0].isupper())
            ):
                words.append(None)
            else:
                words.append(word)
    groups: dict[str, tuple[str, ...]] = {w: (w,) for w in words if w and len(w) > 1}
    for a, b in itertools.pairwise(words):
        if a and b:
            pair = a + b if re.match(f"[{_THAI}{_HAN_KANA}]", a) else f"{a} {b}"
            groups.setdefault(pair, (a, b))
    return groups


def vocabulary(texts: Iterable[str]) -> list[str]:
    """The English words and two-word phrases of ``texts`` a word may be read as (see the
    module's docstring)."""
    terms_stop = stopwords(_TERM_STOPWORDS)
    total: Counter[str] = Counter()
    inside: Counter[str] = Counter()  # uses inside a sentence
    lower: Counter[str] = Counter()  # of those, in lower case
    broken: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for text in texts:
        previous: str | None = None
        previous_end = -1
        for match in _ENGLISH_WORD.finditer(text):
            word = match.group()
            key = word.lower()
            # a pair is two words with one space between them, not across punctuation
            before = previous if text[previous_end : match.start()] == " " else None
            previous, previous_end = None, match.end()
            if len(key) < 3 or key in terms_stop:
                continue
            total[key] += 1
            # a capital opening a sentence is grammar, not a name's
            if text[max(0, match.start() - 3) : match.start()].rstrip()[-1:] not in _OPENS:
                inside[key] += 1
                lower[key] += word == key
            broken[key] += text[max(0, match.start() - 2) : match.start()].strip() == "-"
            if before is not None:
                pairs[f"{before} {key}"] += 1
            previous = key

    def usable(word: str) -> bool:
        # seen in lower case inside a sentence: a name only ever written after "Mr." or
        # "authors:" (a sentence's opening, as far as punctuation tells) is no English word
        capitalised = inside[word] - lower[word]
        return (
            lower[word] > 0
            and capitalised <= MAX_CAPITALISED * inside[word]
            and broken[word] <= MAX_BROKEN * total[word]
        )

    words = [w for w, n in total.items() if n >= MIN_WORD_COUNT and usable(w)]
    return words + [
        p for p, n in pairs.items() if n >= MIN_PAIR_COUNT and all(map(usable, p.split()))
    ]


@dataclass(frozen=True)
class Reading:
    """A word of a question (or a pair of neighbouring ones: ``parts``) and the English terms it
    is read as."""

    word: str
    parts: tuple[str, ...]
    terms: tuple[str, ...]


def english_terms(readings: Sequence[Reading]) -> list[str]:
    """The English terms of ``readings``, each once, in the question's order."""
    return list(dict.fromkeys(term for r in readings for term in r.terms))


def words_held(readings: Sequence[Reading], has_term: Callable[[str], bool]) -> tuple[int, int]:
    """How many of a question's words read as English a text holds the reading of
    (``has_term``), and how many were read: how much of what the question asks, word by word, a
    sentence in English speaks of. A pair read as a phrase of two words or more ("기후 변화" as
    "climate change") holds both its words; read as one word ("climate"), one of them, unless
    another reading holds either already."""
    read = {part for r in readings if r.terms for part in r.parts}
    held: set[str] = set()
    pairs = []
    for r in readings:
        found = [term for term in r.terms if has_term(term)]
        if not found:
            continue
        if len(r.parts) == 1 or any(" " in term for term in found):
            held.update(r.parts)
        else:
            pairs.append(r.parts)
    for parts in pairs:  # one word of a pair no other reading held ("climate" held "기후")
        if not held & set(parts):
            held.add(parts[0])
    return len(held), len(read)


@dataclass
class Lexicon:
    """English terms with their multilingual vectors and hubness (see the module docstring)."""

    terms: list[str]
    vectors: np.ndarray  # unit rows, float32
    hubness: np.ndarray  # each term's mean similarity to its nearest other terms
    generation: int = -1

    def __post_init__(self) -> None:
        self._words = frozenset(t for t in self.terms if " " not in t)

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        embed: Callable[[Sequence[str]], np.ndarray],
        generation: int = -1,
    ) -> Lexicon:
        terms = vocabulary(texts)
        vectors = embed(terms).astype(np.float32) if terms else np.zeros((0, 1), np.float32)
        hubness = np.zeros(len(terms), dtype=np.float32)
        neighbours = min(HUB_NEIGHBOURS, len(terms) - 1)
        for start in range(0, len(terms), 2000):
            if neighbours <= 0:
                break
            similar = vectors[start : start + 2000] @ vectors.T
            # the largest is the term itself
            nearest = np.partition(similar, -neighbours - 1, axis=1)[:, -neighbours - 1 : -1]
            hubness[start : start + 2000] = nearest.mean(axis=1)
        return cls(terms, vectors, hubness, generation)

    def knows(self, word: str) -> bool:
        """Whether ``word`` (lower case) is one of the English words the documents use often."""
        return word in self._words

    def read(self, question: str, embed: Callable[[Sequence[str]], np.ndarray]) -> list[str]:
        """The English terms the words of ``question`` are read as, in the question's order."""
        return english_terms(self.readings(question, embed))

    def readings(
        self, question: str, embed: Callable[[Sequence[str]], np.ndarray]
    ) -> list[Reading]:
        """Each word (or pair of words) of ``question`` read, with the English terms it is read
        as (none when no term is near enough), in the question's order."""
        groups = _word_groups(question, self._words.__contains__) if self.terms else {}
        if not groups:
            return []
        score = 2 * (embed(list(groups)) @ self.vectors.T) - self.hubness[None, :]
        found = []
        for (word, parts), row in zip(groups.items(), score, strict=True):
            best = np.argsort(-row)[:PER_WORD]
            terms = tuple(self.terms[j] for j in best if row[j] >= MIN_MATCH)
            found.append(Reading(word, parts, terms))
        return found

    # --- saved next to the keyword index ---------------------------------------------------
    def save(self, path: Path) -> None:
        """Write atomically (a reader sees the old file or the new one, never half of one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}.npz")
        try:
            np.savez(
                tmp,
                format=np.array(FORMAT),
                generation=np.array(self.generation),
                terms=np.array(self.terms, dtype=str),
                vectors=self.vectors,
                hubness=self.hubness,
            )
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    @staticmethod
    def saved_generation(path: Path) -> int | None:
        """The catalogue generation the saved lexicon was built at, read without its terms and
        vectors (tens of megabytes); None when there is none that can be read."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if int(saved["format"]) != FORMAT:
                    return None
                return int(saved["generation"])
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
            return None

    @classmethod
    def load(cls, path: Path) -> Lexicon | None:
        """The saved lexicon, or None (with a log line) when it is missing or unreadable."""
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                if int(saved["format"]) != FORMAT:
                    raise ValueError(f"format {int(saved['format'])}, expected {FORMAT}")
                terms = [str(t) for t in saved["terms"]]
                vectors = saved["vectors"].astype(np.float32)
                hubness = saved["hubness"].astype(np.float32)
                generation = int(saved["generation"])
            if len(terms) != len(vectors) or len(terms) != len(hubness):
                raise ValueError("terms, vectors and hubness disagree in length")
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("lexicon at %s is unreadable (%s); it will be rebuilt", path, exc)
            return None
        return cls(terms, vectors, hubness, generation)


def saved_beside(keyword_path: Path) -> Path:
    """Where the lexicon is saved: next to the keyword index, derived from the same store."""
    return keyword_path.parent / "lexicon.npz"


def rebuild_from_store(
    path: Path, store: Any, catalog: Any, embed: Callable[[Sequence[str]], np.ndarray]
) -> Lexicon:
    """Build the lexicon from the store's public English passages and save it at ``path``."""
    started = time.perf_counter()
    lexicon = Lexicon.build(english_texts(store, catalog), embed, catalog.generation())
    try:
        lexicon.save(path)
    except OSError as exc:  # a data folder this process may only read: use it unsaved
        log.warning("the lexicon could not be saved at %s (%s); it is used unsaved", path, exc)
    log.info(
        "lexicon built: %d English terms in %.1f s",
        len(lexicon.terms),
        time.perf_counter() - started,
    )
    return lexicon


def english_texts(store: Any, catalog: Any) -> Iterable[str]:
    """The text of every public passage of a ready document written in English."""
    ready = catalog.documents()
    for _ids, texts, metas in store.iter_all():
        for text, meta in zip(texts, metas, strict=True):
            doc = ready.get(str(meta["doc_id"]))
            if doc is not None and doc.access == "public" and (doc.language or "en") == "en":
                yield text
