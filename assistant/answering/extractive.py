"""Extractive answers: the few sentences of the retrieved passages that answer the question.

Offline and deterministic. Each sentence of the top passages is scored against the question by
embedding similarity, weighted term overlap and the rank of its passage; the best are picked with
redundancy removed and composed into a short answer in which every sentence carries its ``[n]``.

Weak evidence is refused rather than stretched: when the best sentence scores under the refusal
threshold, or when something specific the question names (a country, a year, a proper name, an
acronym) appears nowhere in the evidence, the answer says the documents do not answer it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant import countries as country_names
from assistant.answering.wordlists import (
    GATHERINGS,
    GENERIC_CAPS,
    MEETING_NAME,
    SCORE_WORDS,
    STOPWORDS,
    TREND,
    VENUE,
)
from assistant.country_groups import Group, constraint_groups, find_groups
from assistant.embedding import SentenceEmbedder
from assistant.indicators import find_indicators, fold_name, names_of
from assistant.models import Chunk, Passage
from assistant.retrieval import about_groups
from assistant.sentences import quotable_sentences, same_words, sentence_id
from assistant.storage.acronyms import compound_split, find_definitions
from assistant.text import SYMBOL_FONT_BULLETS, YEAR, ordinal_words

# a word, or a number; an ordinal's suffix is part of its number ("19th" is 19, not 19 and "th")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z\-']+|(\d[\d,.]*)(?i:st|nd|rd|th)\b|\d[\d,.]*")
_CAPITALISED = re.compile(r"\b(?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*|[A-Z]{2,}[a-z]?)\b")


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """Content words, lower-cased and stemmed."""
    words = [(m.group(1) or m.group(0)).lower().strip("'-") for m in _TOKEN.finditer(text)]
    words = [w for w in words if w and w not in STOPWORDS and len(w) > 1]
    return list(_stemmer().stemWords(words))


def critical_terms(question: str) -> list[str]:
    """Specific things the question names that any real answer must mention.

    Proper names and acronyms that are not generic question words, and years. Countries are
    handled separately, because documents carry them as metadata as well.
    """
    found: list[str] = []
    for match in _CAPITALISED.finditer(question):
        phrase = match.group(0)
        if match.start() == 0 and phrase.split()[0] in GENERIC_CAPS:
            phrase = " ".join(phrase.split()[1:])
        words = [w for w in re.split(r"[ -]", phrase) if w and w not in GENERIC_CAPS]
        for word in words:
            if len(word) > 2 and word.lower() not in STOPWORDS and not country_names.to_iso3(word):
                acronym = word.isupper() or (word.endswith("s") and word[:-1].isupper())
                found.append(word if acronym else word.lower())
    found.extend(YEAR.findall(question))
    found.extend(named_numbers(question))
    return list(dict.fromkeys(found))


# A number that is part of what the question names: a law's or a resolution's, after a word
# that says so ("Republic Act 10173", "res 2786") or an abbreviation typed in capitals that is
# no currency ("RA 12009", "EO 138"; "USD 300" is a sum), or a version ("Smart Nation 2.0",
# "Industry 4.0") after a word that measures nothing ("egdi score 1.0", "rated 5.0" are values).
# A count, a rank or a page ("1000 officers", "ranked 116", "page 250") names nothing, a year
# dates, and a document symbol ("A/80/66") is read as one.
_NAMED_NUMBER = re.compile(r"\b([A-Za-z][A-Za-z'’-]*)[ -]?(\d{3,}|\d+\.0)(?![\w%/]|[.,]\d)")
_NAMING_WORDS = frozenset(
    "act acts law laws decree decrees bill bills ordinance regulation regulations circular "
    "directive res resolution resolutions no nr number version".split()
)


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    """ISO 4217 currency codes (CLDR's, as babel ships them): "USD 300" is a sum, no name."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def named_numbers(question: str) -> list[str]:
    """The numbers that are part of names in ``question``: the number itself ("12009"), or a
    version with the word it numbers ("nation 2.0": a "2.0" alone is in many documents)."""
    found = []
    for match in _NAMED_NUMBER.finditer(question):
        word, number = match.group(1), match.group(2)
        if YEAR.fullmatch(number):
            continue
        if "." in number:
            measures = SCORE_WORDS.fullmatch(word) or find_indicators(word)
            if word.lower() not in STOPWORDS and not measures:
                found.append(f"{word} {number}")
            continue
        typed_as_name = len(word) >= 2 and word.isupper() and word not in _currencies()
        if typed_as_name or word.lower() in _NAMING_WORDS:
            found.append(number)
    return found


def _names_number(term: str, text: str) -> bool:
    """Whether ``text`` holds the named number ``term`` (see :func:`named_numbers`): written
    with or without thousands separators ("12,009", "12 009"), straight after letters ("No.10173",
    "RA10173"); a version after its word, spaced or hyphened ("Industry-4.0")."""
    plain = re.sub(r"(?<=\d)[,.\s\u202f\u00a0](?=\d{3}(?!\d))", "", text)
    word, _, number = term.rpartition(" ")
    if word:
        pattern = rf"(?<![\w-]){re.escape(word)}[\s-]*{re.escape(number)}(?!\d)"
    else:
        pattern = rf"(?<!\d)(?<!\d[.,]){re.escape(number)}(?:st|nd|rd|th)?(?!\d|[.,]\d)"
    return re.search(pattern, plain, re.I) is not None


# What a question asks for, by its wording: a quantity ("how many", "how much", "what share")
# or a time ("when", "what year"). The sentence that holds one is preferred (ASKED_BONUS), and
# evidence without one does not answer (see :func:`lacks`).
_ASKS_QUANTITY = re.compile(
    r"\b(how (many|much|big|large|long|often|far)|what (percentage|per ?cent|share|proportion|"
    r"amount|number|size)|number of|any (?:numbers|figures|stats|statistics|amounts|data))\b|"
    # a sum of money asked for by its name: "whats the budget of …", "what was the total cost"
    r"\bwhat(?:'s|’s|s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+|its\s+|their\s+)?"
    r"(?:(?:total|annual|overall|estimated|planned|investment)\s+){0,2}"
    r"(?:budget|cost|price|funding|spending|expenditure|salary|revenue)\b"
    # the sum itself, not a thing it qualifies ("the budget process", "the funding mechanism")
    r"(?=\s*(?:[?.!,;)]|$|of|for|to|in|on|at|per|allocated|needed|required|available))|"
    # a measure named by what it measures: "employment rate", "tax to gdp ratio"
    r"\b(?!(?:at|any|first|what|which|the|a)\b)[a-z]+\s+(?:rate|ratio)s?\b",
    re.I,
)
# "when" asks for a time where it opens or closes the question; inside it joins two clauses
# ("how much does vanuatu lose when a cyclone hits")
_ASKS_TIME = re.compile(
    r"^\W*(?:(?:and|so|but|then|ok)\W+)?when\b|\bwhen\W*$|\b(what year|which year|what date|since when|by when|what time)\b",
    re.I,
)
# a number that is not a year ("2024" answers "when", not "how many"), nor an ordinal ("the
# 24th session", "the twenty-fourth session" count nothing)
_QUANTITY = re.compile(
    r"(?<![\d,.])(?!(?:19|20)\d\d(?!\d))(?!\d+(?:st|nd|rd|th)\b)\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|billion|trillion|half|third|quarter|dozen|several|"
    r"majority|per ?cent|percentage)\b(?!-(?:first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth)\b)",
    re.I,
)
_TIME = re.compile(
    r"\b(1[89]\d\d|20\d\d)\b|\b(january|february|march|april|may|june|july|august|september|"
    r"october|november|december|century|decade|year|month|week|day)s?\b",
    re.I,
)
# Numbers that count nothing: the days of a date ("from 27 to 31 May", "December 17"), the
# numbers of names ("WSIS+20", "G20", "COP29", "SDG 16", "resolution 2001/45", "Goal 16"), of
# clauses and list items ("(2) The Commission may …", "3. The Committee noted …", "105(2)") and of
# pages, printed between bars in a running head ("Labour Force in Singapore 2022 |05|").
_NOT_COUNTS = re.compile(
    r"^\W*\d{1,3}[.)](?:\s|[—–-])|\(\d{1,2}\)|\|\s*\d{1,3}\s*\||"
    r"\b\d{1,2}(?:\s*(?:-|–|to|and)\s*\d{1,2})?\s+(?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december)\b|\b(?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december)\s+\d{1,2}\b|"
    r"\b[a-z]+\+?\d+\b|\b(?:sdgs?|goals?|targets?|resolutions?|decisions?|articles?|"
    r"paragraphs?|sections?|chapters?|annex|session|no\.)\s+[\d/.]+|"
    # "one" that counts nothing: "leave no one behind", "one another", "one of the largest"
    r"\bno[\s-]one\b|\bone\s+(?:another|of)\b",
    re.I,
)
ASKED_BONUS = 0.05
# A passage naming what the question asks about (in its text or its heading) is where the
# answer is, whatever else shares a word with it: its sentences gain this much, times the
# share of the question's words the passage holds (the same for every sentence of a passage:
# the choice among them stays the sentences' own). A follow-up that points back ("who chaired
# it?", "what share of them are women?") asks about what the question before it named: those
# words are the ones a passage must name. The gate that decides whether to answer leaves it out.
ABOUT_WEIGHT = 0.1
# A figure's or table's caption ("Figure 1 Market size of frontier technologies", "Chart 33
# Training participation rate …") names what the figure shows; the sentences of the text state
# it. A caption ranks below the statements near it by this much.
_CAPTION = re.compile(
    # the page's running head and number may come first, as a PDF's text runs them together:
    # "Inclusive Artificial Intelligence for Development Overview 2 Figure 1 Rapid expansion …",
    # "Labour Force in Singapore 2022 |03| Chart 2 Employment rate …"
    r"^\W*(?:[^.!?]{0,90}?\s\|?\d{1,3}\|?\s+)?"
    r"(?:figure|fig\.|chart|table|box|graph|map|exhibit|infographic)\s+[\dA-Z]{1,3}"
    r"(?:[.\-]\d{1,2})?\b",
    re.I,
)
CAPTION_PENALTY = 0.1
# A caption's label and the title after it: a number (or capitals: "Box A", "Figure IV"), then a
# word in capitals ("Chart 5 Labour force participation rate …", "Figure 3. The six dimensions
# …"); a sentence about the figure goes on in lower case ("Figure 4 confirms that …", "Table 2
# and Figure 3 show …"), and a word after "table" is no label ("Table of results for Fiji").
_CAPTION_TITLE = re.compile(
    r"(?i:figure|fig\.|chart|table|box|graph|map|exhibit|infographic)\s+"
    r"(?:\d{1,3}|[A-Z]{1,3})(?:[.\-]\d{1,2})?[.:]?\s+[“\"(]?[A-Z0-9]"
)
# A table's or figure's note or source line ("Note: The period covered comprises 1990 to …",
# "Source: OECD (2020), …") says how the figures were made or where from, not what they show:
# it ranks as a caption does.
_NOTE = re.compile(
    r"^\W*(?:data\s+)?(?:notes?|sources?|source\(s\))(?:\s+(?:and|&)\s+sources?)?"
    r"(?:\s+[\dA-Za-z]{1,2})?\s*:",
    re.I,
)
# A sentence on another session, edition or meeting than the one the question numbers ("the
# twenty-fourth session" for "the 25th session") is about something else: it ranks below any
# sentence on the subject (about the spread of the scores of the sentences quoted).
OTHER_ORDINAL_PENALTY = 0.2


def _ordinals(question: str) -> list[re.Pattern[str]]:
    """The ordinals a question names ("25th"), each as a pattern finding it in digits or words
    ("twenty-fifth")."""
    found = []
    for ordinal in dict.fromkeys(re.findall(r"\b(\d{1,3})(?:st|nd|rd|th)\b", question, re.I)):
        found.append(re.compile(rf"\b(?:{_ordinal_pattern(int(ordinal))})\b", re.I))
    return found


def _ordinal_pattern(n: int) -> str:
    """``n`` as an ordinal in digits or words: "25th", "twenty-fifth", "twenty fifth"."""
    words = r"[\s-]".join(map(re.escape, ordinal_words(n).split("-")))
    return rf"{n}(?:st|nd|rd|th)|{words}"


def _other_ordinals(question: str) -> list[re.Pattern[str]]:
    """For each ordinal the question names with what it numbers ("25th session"), a pattern for
    another ordinal of the same ("the twenty-fourth session", "24th session"): a sentence on
    another session, edition or meeting than the one asked about."""
    found = []
    for ordinal, noun in re.findall(r"\b(\d{1,3})(?:st|nd|rd|th)\s+([a-z]{3,})", question, re.I):
        any_ordinal = "|".join(_ordinal_pattern(n) for n in range(1, 100) if n != int(ordinal))
        found.append(re.compile(rf"\b(?:{any_ordinal})\s+{re.escape(noun)}", re.I))
    return found


# "how many participants", "the number of investigation cases": the words for what is counted,
# up to COUNTED_WORDS of them before the next function word ("how many cases did they handle").
_COUNT_ASKED = re.compile(r"\b(?:how\s+many|(?<!\ba )number\s+of)\s+((?:[\w-]+\s*){1,3})", re.I)
COUNTED_WORDS = 3
# A sentence giving a figure within this many words of a word for what is counted states the
# count asked ("a record number of participants – nearly 4,000"): scoring COUNT_SHARE of the
# best sentence's score or more, it comes before those that only share the question's other
# words ("the theme of the thirteenth Forum": the names of the meeting and the body draw the
# model's similarity to every sentence about them, the count asked is in one of them).
COUNT_REACH = 3
# Quantities that count nothing ("several countries", "the majority").
_VAGUE = re.compile(r"several|majority|per ?cent|percentage")
COUNT_SHARE = 0.5


def counted_words(question: str) -> frozenset[str]:
    """The stems of the words for what ``question`` asks to be counted (see _COUNT_ASKED): the
    words after "how many" or "number of" (not "a number of": some), up to COUNTED_WORDS, a
    function word or a word only ever a verb ("investigation cases", "ICT staff", "registered
    users"; "observers", not "observers attended"); none when it counts nothing."""
    match = _COUNT_ASKED.search(question)
    if not match:
        return frozenset()
    from assistant.storage.lexicon import stopwords

    words: list[str] = []
    for word in match.group(1).lower().split()[:COUNTED_WORDS]:
        if word in stopwords(("english",)):
            break
        if _only_a_verb(word):
            break  # what is done, not what is counted ("observers attended")
        words.append(word)
    return frozenset(_stemmer().stemWords(words))  # "countries" too, a stop word elsewhere


def _only_a_verb(word: str) -> bool:
    """Whether ``word`` is only ever a verb's form (lemminflect's lemmas: "attended", "handled";
    not "registered", "training", "seed", also nouns or adjectives)."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word)
    return bool(lemmas) and set(lemmas) == {"VERB"}


def _counts(sentence: str, counted: frozenset[str]) -> bool:
    """Whether ``sentence`` gives a figure within COUNT_REACH words of a word for what is
    counted (stems ``counted``)."""
    # the document's own reference numbers ("[5]") count nothing
    text = _NOT_COUNTS.sub(" ", re.sub(r"\[\d{1,3}\]", " ", sentence))
    words = [m.group(0) for m in re.finditer(r"\w[\w.,%-]*", text)]
    if _CAPTION.match(sentence) or _NOTE.match(sentence):
        return False  # a table's caption or note says what its figures are, not the count
    stemmed = _stemmer().stemWords([w.lower().strip(".,-") for w in words])
    near = [i for i, w in enumerate(stemmed) if w in counted]
    figures = [
        i for i, w in enumerate(words) if _QUANTITY.search(w) and not _VAGUE.fullmatch(w.lower())
    ]
    return any(abs(i - j) <= COUNT_REACH for i in near for j in figures)


def _holds_figure(text: str) -> bool:
    """Whether ``text`` gives a quantity: a number that is neither a year nor in a date or name
    (see :data:`_NOT_COUNTS`), or a word for one."""
    return _QUANTITY.search(_NOT_COUNTS.sub(" ", text)) is not None


# A place in a ranking: a number that is not a year ("36", "36th"), or a place in words ("third
# place", "ranked first"); no vague quantity ("several", "the majority" rank nothing).
_RANK = re.compile(
    r"(?<![\d,.])(?!(?:19|20)\d\d(?!\d))\d+(?:st|nd|rd|th)?\b|"
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|last)\b",
    re.I,
)


def _holds_rank(text: str) -> bool:
    return _RANK.search(_NOT_COUNTS.sub(" ", text)) is not None


def _holds_date(text: str) -> bool:
    return _TIME.search(text) is not None


# A question asking where something stands in a ranking: "where does singapore sit on the
# index", "how does it rank vs the oecd", "india's rank?", "what place", "vietnam rank on the
# readiness index".
_ASKS_RANK = re.compile(
    r"\b(?:where|how)\b[^?]{0,60}?\b(?:rank|ranks|ranked|sit|sits|stand|stands|"
    r"(?<!take )(?<!takes )(?<!took )(?<!taking )(?<!taken )placed?)\b|"
    r"['’]s\s+rank(?:ing)?\b|\brank(?:ing)?\s*\?*\s*$|\bwhat\s+(?:place|position|rank)\b|"
    r"\brank(?:ed|ing)?\s+(?:on|in|at)\b",
    re.I,
)


# "who chaired …", "who got elected", "and who was chair?": a question asking for someone
_ASKS_WHO = re.compile(r"^\W*(?:(?:and|so|but|then|ok)\W+)?who\b", re.I)
# "which country offered to host …", "what countries …": the noun names the kind of answer (a
# country), not what the question is about ("UNCTAD works to ensure developing countries benefit
# …" does not answer it for the word)
_ASKS_COUNTRY = re.compile(
    r"\b(?:which|what)\s+(?:countr(?:y|ies)|nations?|member\s+states?)\b", re.I
)
# "where was it held?", "n where?", "which city hosts …": a question asking for a place
_ASKS_PLACE = re.compile(
    r"^\W*(?:(?:and|n|so|but|then|ok)\W+)?where(?:['’]?s)?\b|\bwhere\W*$|"
    r"\bwhere\s+(?:was|is|were|will|did|does|do|are)\b|"
    r"\b(?:which|what)\s+(?:city|cities|town|venue|capital)\b",
    re.I,
)
# A place a sentence gives, beside a country: a capitalised name after "in" or "at" that is no
# month or day, nor a part of a document ("held in Bangkok", "at United Nations Headquarters",
# not "in April", "in Article 5", "in Figure 3")
_NO_PLACE = [*calendar.month_name[1:], *calendar.day_name]
_NO_PLACE += "Article Figure Table Chapter Section Annex Part Paragraph Box Resolution".split()
_AT_PLACE = re.compile(rf"\b(?:in|at)\s+(?:the\s+)?(?!(?:{'|'.join(_NO_PLACE)})\b)[A-Z][a-z]")
# A name of someone or somewhere: two capitalised words or more in a row ("Suman Bery", "Geraldine
# J. Fraser-Moleketi", "South Africa"), none of them the first word of the sentence
_NAME = re.compile(r"(?<=[\w,;:()] )[A-Z][\w'’-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][\w'’-]+)+")


def _holds_name(text: str, typed: set[str]) -> bool:
    """Whether ``text`` names someone or somewhere the question does not: a name (see
    :data:`_NAME`) with a word not among ``typed`` (the question's words, lower case)."""
    return any(
        any(w.lower() not in typed and w not in GENERIC_CAPS for w in re.findall(r"[\w'’-]+", m))
        for m in _NAME.findall(text)
    )


def asked_for(
    question: str, typed_in: str | None = None
) -> tuple[str, Callable[[str], bool]] | None:
    """("a figure", test), ("a date", test), ("a rank", test), ("a name", test) or ("a
    place", test) when the question asks for one: the test says whether a sentence gives it (a
    rank is a number or a number word: "36th", "third place"; a name, someone's or somewhere's
    the question does not type; a place, a country it does not name or a name after "in" or
    "at"). ``typed_in``: what was typed, when ``question`` is a part of it (the names and
    countries typed anywhere in it are not what a part asks for)."""
    typed_in = typed_in or question
    if _ASKS_WHO.search(question) and not _ASKS_QUANTITY.search(question):
        typed = {w.lower() for w in re.findall(r"[\w'’-]+", typed_in)}
        return "a name", lambda text: _holds_name(text, typed)
    if _ASKS_COUNTRY.search(question) and not _ASKS_QUANTITY.search(question):
        named = set(country_names.in_question(typed_in))
        return "a country", lambda text: bool(set(country_names.in_question(text)) - named)
    if _ASKS_TIME.search(question):
        return "a date", _holds_date
    if _ASKS_QUANTITY.search(question):
        return "a figure", _holds_figure
    if _ASKS_RANK.search(question):
        return "a rank", _holds_rank
    if _ASKS_PLACE.search(question):
        named = set(country_names.in_question(typed_in))
        return "a place", lambda text: bool(
            _AT_PLACE.search(text) or set(country_names.in_question(text)) - named
        )
    return None


# The words that ask for a kind of answer (a figure, a rank, a time) and name no topic.
_KIND_WORDS = "numbers figures stats statistics amounts data percentage percent share proportion "
_KIND_WORDS += "size rank ranking ranked place position sit stand placed date year time "
_KIND_WORDS += "held hosted located venue city"


@lru_cache(maxsize=1)
def _kind_terms() -> frozenset[str]:
    return frozenset(terms(_KIND_WORDS))


# The words that can only ask for a kind of answer, never name what a question is about ("what
# poverty numbers does it give", "any examples?"; "data", "share" or "statistics" may be one)
_ONLY_KIND_WORDS = "numbers figures stats amounts percentage percent example examples"


@lru_cache(maxsize=1)
def only_kind_terms() -> frozenset[str]:
    """The stems of words that ask for a kind of answer and can name no topic."""
    return frozenset(terms(_ONLY_KIND_WORDS))


def names_no_topic(question: str) -> bool:
    """Whether ``question`` asks only for a kind of answer, naming nothing it is about: "any
    numbers?", "when?", "and who?". Such a follow-up is about what the conversation was about:
    its sentences are chosen by the question it continues, for the kind it asks."""
    return asked_for(question) is not None and set(terms(question)) <= _kind_terms()


def lacks(question: str, evidence: list[Evidence], *, same_language: bool = True) -> str | None:
    """What the question asks for ("a figure", "a date") when no sentence quoted holds one. A
    figure counts only in a sentence that shares a word with the question: "The names of the 24
    persons nominated …" gives no figure for "how many observers attended cepa 24?" (not asked
    of a question in another language than the sentences', which can share none)."""
    asked = asked_for(question)
    if asked is None or asked[0] in ("a name", "a country", "a place"):
        # a name is preferred, never required: a body, a post or a country may be who is asked
        # for, in words no test for names can tell ("the Bureau", "its Chair"); a country, as
        # a group or a region may be the answer ("the least developed countries")
        return None
    asked_terms = {t for t in terms(question) if not t.isdigit()}
    for e in evidence:
        if asked[1](e.text) and (
            asked[0] != "a figure" or not same_language or asked_terms & set(terms(e.text))
        ):
            return None
    return asked[0]


@dataclass
class Evidence:
    """A sentence chosen as evidence, with where it lies in its page."""

    passage: Passage
    text: str
    start: int  # offsets into the page text
    end: int
    score: float
    similarity: float = 0.0
    overlap: float = 0.0
    # quoted for what it adds to the sentence before it, not chosen for the question: the
    # checks that the evidence answers it do not count it (see :func:`_with_continuation`)
    context: bool = False


@dataclass
class Extraction:
    evidence: list[Evidence] = field(default_factory=list)
    best_score: float = 0.0
    missing: list[str] = field(default_factory=list)  # critical terms found nowhere


def _sentence_vectors(
    texts: list[str],
    ids: list[str],
    embedder: SentenceEmbedder,
    stored: Callable[[Sequence[str]], dict[str, np.ndarray]] | None,
) -> np.ndarray:
    """The vectors of the sentences ``texts`` (stored under ``ids``, see
    :func:`assistant.sentences.sentence_id`): those stored at ingestion where there are, the
    rest computed (each distinct text once)."""
    found = stored(list(dict.fromkeys(ids))) if stored else {}
    known = {text: found[sid] for text, sid in zip(texts, ids, strict=True) if sid in found}
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        known.update(zip(missing, embedder.embed_cached(missing), strict=True))
    return np.stack([known[t] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)


# Sentences embedded per answer: those with the best lexical evidence (embedding is the costly part).
EMBEDDED = 16


def extract(
    question: str,
    passages: list[Passage],
    embedder: SentenceEmbedder,
    *,
    max_sentences: int = 4,
    max_words: int = 130,
    max_passages: int | None = None,
    max_embedded: int = EMBEDDED,
    document_text: Callable[[str], str] | None = None,
    expansions: dict[str, str] | None = None,
    next_chunk: Callable[[Chunk], Chunk | None] | None = None,
    meaning: str | None = None,
    wanted: tuple[str, Callable[[str], bool]] | None = None,
    about: str | None = None,
    stored: Callable[[Sequence[str]], dict[str, np.ndarray]] | None = None,
) -> Extraction:
    """Pick the sentences that answer ``question`` from ``passages`` (best first).
    ``max_passages``: how many of ``passages`` are read (all of them unless given: the search
    keeps its last place for the keyword index's best match, see
    :func:`assistant.retrieval.Retriever.search`, which is there to be read).
    ``expansions`` are the names the documents give the question's acronyms: a sentence may use
    either, and the evidence may name either. ``next_chunk``: the passage after one in its
    document, where a list announced at a passage's end is read on. ``meaning``: the question
    as typed in another language, compared by ``embedder`` (then a multilingual one) with each
    sentence; ``question`` is then what of it was read into English (names, acronyms, numbers),
    for the words a sentence shares with it. ``wanted``: the kind of answer a follow-up asked
    for and nothing else (see :func:`asked_for`, :func:`names_no_topic`), ``question`` then the
    question it follows ("any numbers?" after one on mental health in post-conflict
    countries): the sentences near the best that give that kind come first. ``about``: the
    earlier question a follow-up points back to ("who chaired it?" after one on a ministerial
    conference): sentences are chosen by ``question``, and those of passages that name what
    ``about`` asked about rank above the rest; without it, those of passages that name what
    ``question`` asks about (see ABOUT_WEIGHT). ``stored``: the vectors ingestion stored for
    the sentences of the passages given (:class:`assistant.storage.vectors.SentenceVectors`),
    by ``embedder``'s model: read instead of computed."""
    expansions = expansions or {}
    if not passages:
        return Extraction(missing=critical_terms(question))
    pool = _about_named_countries(question, passages[:max_passages])
    scoring = _within_its_documents(question, pool, expansions)
    kind = _ASKS_COUNTRY.search(scoring)  # the kind of answer, not a word to find
    kind_words = set(terms(kind.group(0))) if kind else set()
    q_terms = [t for t in terms(scoring) if t not in kind_words]
    q_weights = {t: (1.6 if t.isdigit() else 1.0) for t in q_terms}
    total_weight = sum(q_weights.values()) or 1.0
    candidates: list[tuple[Passage, int, int, str, float]] = []
    stored_as: list[str] = []  # each candidate's id among the stored sentence vectors
    # what the passages should name: what the earlier question a follow-up points back to named,
    # else the question's own words (a passage naming them is where its answer is)
    referent = set(terms(about)) - set(q_terms) if about else set(q_terms)

    shares: dict[str, float] = {}

    def named(passage: Passage) -> float:
        """ABOUT_WEIGHT times the share of ``referent`` that ``passage`` holds (it orders the
        sentences; the best score the refusal gate reads leaves it out)."""
        if not referent:
            return 0.0
        if passage.chunk.chunk_id not in shares:
            held = set(terms(f"{passage.chunk.section or ''} {passage.chunk.text}"))
            shares[passage.chunk.chunk_id] = ABOUT_WEIGHT * len(referent & held) / len(referent)
        return shares[passage.chunk.chunk_id]

    for rank, passage in enumerate(passages[:max_passages]):
        if passage not in pool:
            continue
        prior = 1.0 / (1.0 + rank * 0.35)
        profile = passage.document.collection == "profile"
        for n, start, end, sentence in quotable_sentences(passage):
            if profile and not _states_what_is_asked(question, sentence):
                continue
            candidates.append((passage, start, end, sentence, prior))
            stored_as.append(sentence_id(passage.chunk.chunk_id, n, sentence))
    if not candidates:
        return Extraction(missing=critical_terms(question))
    # Embedding is the costly part: only the sentences with the best lexical evidence are embedded.
    if len(candidates) > max_embedded:
        lexical = [
            sum(w for t, w in q_weights.items() if t in set(terms(c[3]))) / total_weight
            + 0.3 * c[4]
            + named(c[0])
            for c in candidates
        ]
        keep = sorted(range(len(candidates)), key=lambda i: lexical[i], reverse=True)[:max_embedded]
        candidates = [candidates[i] for i in sorted(keep)]
        stored_as = [stored_as[i] for i in sorted(keep)]

    qvec = embedder.embed_query(meaning or scoring)
    svecs = _sentence_vectors([c[3] for c in candidates], stored_as, embedder, stored)
    similarities = svecs @ qvec
    scored: list[Evidence] = []
    asked = wanted or asked_for(question)
    counted = counted_words(question)
    ordinals = _ordinals(question)
    others = _other_ordinals(question)
    for (passage, start, end, sentence, prior), similarity in zip(
        candidates, similarities, strict=True
    ):
        s_terms = set(terms(sentence))
        overlap = sum(w for t, w in q_weights.items() if t in s_terms) / total_weight
        score = 0.5 * float(similarity) + 0.35 * overlap + 0.15 * prior + named(passage)
        if asked and asked[1](sentence):
            score += ASKED_BONUS
        if _CAPTION.match(sentence) or _NOTE.match(sentence):
            score -= CAPTION_PENALTY
        if ordinals and any(o.search(sentence) for o in ordinals):
            score += ASKED_BONUS  # "the 25th session": the sentence on the 25th, not the 24th
        elif any(o.search(sentence) for o in others):
            # "Report on the twenty-fourth session", asked of the 25th: about another one
            score -= OTHER_ORDINAL_PENALTY
        scored.append(Evidence(passage, sentence, start, end, score, float(similarity), overlap))
    scored.sort(key=lambda e: e.score, reverse=True)
    best = scored[0].score
    gate = best - named(scored[0].passage)  # what the sentence scores on the question alone
    if wanted:
        floor = best * KIND_SHARE
        scored.sort(key=lambda e: (e.score >= floor and wanted[1](e.text), e.score), reverse=True)
    elif counted:
        # a count asked of something: a sentence near the best that gives it comes first
        floor = best * COUNT_SHARE
        scored.sort(
            key=lambda e: (e.score >= floor and _counts(e.text, counted), e.score), reverse=True
        )

    quoted_from = None  # the score the others are quoted near: the first's, unless set
    if (
        not (wanted or counted)
        and asked
        and asked[0] in GIVEN_FIRST
        and not asked[1](scored[0].text)
    ):
        # the question asks for a figure or a date and the best sentence gives none: of the
        # sentences near enough the best to be quoted with it, those that give one come first
        # ("sg labour force participation rate 2022": "Seven in ten (70.0%) …" before
        # "Nevertheless, the rate in 2022 was still higher …"), so that the answer opens on it
        floor = best * QUOTED_SHARE
        scored.sort(key=lambda e: (e.score >= floor and asked[1](e.text), e.score), reverse=True)
        quoted_from = best  # the order changes, not how near the best the others must be

    chosen = _best_of(scored, max_sentences, max_words, quoted_from)
    # quoted, but not evidence the checks below count: the years were asked for by name
    for_years = _other_years(question, chosen, scored, best)
    chosen.extend(for_years)
    # a question asking two things ("who were the co-chairs, and what date was the 1st
    # meeting?") is answered for each: chosen for a part of the question, they are evidence
    chosen.extend(_for_each_part(question, chosen, scored, best))
    listed = _with_list_items(chosen, max_sentences + 3, next_chunk)
    chosen = _with_continuation(listed, max_sentences + 3, next_chunk)
    if chosen and _states_nothing(chosen[0]) and len(chosen) == len(listed):
        # a heading states nothing: quoted only with what it heads (the sentence after it, or
        # the list it introduces), never alone as the answer
        heads_a_list = (
            len(listed) > 1
            and listed[1].start >= listed[0].end
            and (listed[1].passage.document.doc_id == listed[0].passage.document.doc_id)
            and _list_marker(listed[1]) is not None
        )
        if not heads_a_list:
            chosen = chosen[1:]
        if not chosen:
            # the best sentence was a heading alone: the best of those that state something
            stating = [e for e in scored if not _states_nothing(e)]
            chosen = _best_of(stating, max_sentences, max_words)
            if stating:
                best = stating[0].score
                gate = best - named(stating[0].passage)
    # a sentence found in two passages, or chosen and brought again by a list, is quoted once
    chosen = [e for i, e in enumerate(chosen) if not any(_same_place(e, o) for o in chosen[:i])]
    extraction = Extraction(evidence=chosen, best_score=gate)
    checked = [e for e in chosen if not e.context and not any(e is added for added in for_years)]
    extraction.missing = _missing_terms(question, checked, document_text, expansions)
    return extraction


# Where a question asking several things divides: at a question mark or a semicolon that more
# follows, or at "and", "n", "&", a comma, or a headline's dash or colon before the word that asks
# the next ("… report - who were the co-chairs, and what date …", "where n when is the next
# mission? how many since 2018?"); not at a clause the question asks about ("who decides when
# the session is held").
_NEXT_ASK = re.compile(
    r"[?;]\s+(?=\S)|(?:,\s*(?:(?:and|n|&|plus|also)\s+)?|\s+(?:and|n|&|plus|also)\s+|"
    r"\s+[-–—]\s+|:\s+)(?=(?:who|what|whats|wat|when|where|which|how)\b)",
    re.I,
)


def asked_in_parts(question: str) -> list[tuple[str, Callable[[str], bool]]]:
    """What each part of a question asking several things asks for (see :func:`asked_for`),
    one test per kind, in the order asked; nothing for a question that asks one thing."""
    parts = [p for p in _NEXT_ASK.split(question) if p.strip(" ?,;")]
    if len(parts) < 2:
        return []
    kinds: dict[str, Callable[[str], bool]] = {}
    for part in parts:
        asked = asked_for(part, typed_in=question)
        if asked is not None and asked[0] not in kinds:
            kinds[asked[0]] = asked[1]
    return list(kinds.items()) if len(kinds) > 1 else []


def _for_each_part(
    question: str, chosen: list[Evidence], scored: list[Evidence], best: float
) -> list[Evidence]:
    """For each kind of answer a part of the question asks (a name, then a date: "who were the
    co-chairs …, and what date was the 1st meeting?") that no sentence chosen gives, the best
    sentence found that gives it, when it is near enough the best (:data:`PART_SHARE`): a
    question asking two things is answered for both, not for the one its best sentence gives."""
    added: list[Evidence] = []
    by_score = _by_score(scored)
    for _kind, gives in asked_in_parts(question):
        if any(gives(e.text) for e in [*chosen, *added]):
            continue
        found = _best_giving(by_score, best * PART_SHARE, [*chosen, *added], gives, stating=True)
        if found is not None:
            added.append(found)
    return added


def _by_score(scored: list[Evidence]) -> list[Evidence]:
    """``scored`` best first (it may have been put in another order: what a follow-up or a
    count asks for first)."""
    return sorted(scored, key=lambda e: e.score, reverse=True)


def _best_giving(
    by_score: list[Evidence],
    floor: float,
    quoted: list[Evidence],
    gives: Callable[[str], object],
    *,
    stating: bool = False,
) -> Evidence | None:
    """The best of ``by_score`` (best first) scoring ``floor`` or more whose text ``gives``
    holds for, repeating none of ``quoted`` (and, ``stating``, no heading or caption: see
    :func:`_states_nothing`), or None."""
    for evidence in by_score:
        if evidence.score < floor:
            return None
        if (
            gives(evidence.text)
            and not (stating and _states_nothing(evidence))
            and not any(redundant(evidence.text, o.text) for o in quoted)
        ):
            return evidence
    return None


# How near the best sentence's score one giving a year the question names, and no sentence
# chosen gives, must be to be quoted with them.
OTHER_YEAR_SHARE = 0.6
# How near it one giving the kind of answer asked for (a figure, a date) must be to come first,
# when that kind is all a follow-up asks ("any numbers?"): as near.
KIND_SHARE = OTHER_YEAR_SHARE
# How near it one giving what a part of a question asks for (see :func:`_for_each_part`) must
# be to be quoted for that part: as near.
PART_SHARE = OTHER_YEAR_SHARE


# How near the best sentence's score another must be to be quoted with it.
QUOTED_SHARE = 0.82
# The kinds of answer a sentence that gives one is quoted first for, when the best gives none.
GIVEN_FIRST = frozenset({"a figure", "a date"})


def _best_of(
    scored: list[Evidence], max_sentences: int, max_words: int, best: float | None = None
) -> list[Evidence]:
    """The sentences quoted of ``scored`` (best first): the best, and those near it
    (:data:`QUOTED_SHARE` of its score), none repeating another; a heading only first (after
    it, it would be quoted without what it heads)."""
    chosen: list[Evidence] = []
    words = 0
    if best is None:
        best = scored[0].score if scored else 0.0
    for evidence in scored:
        if len(chosen) >= max_sentences or words >= max_words:
            break
        if chosen and evidence.score < best * QUOTED_SHARE:
            break
        if any(redundant(evidence.text, other.text) for other in chosen):
            continue
        if chosen and _states_nothing(evidence):
            continue
        chosen.append(evidence)
        words += len(evidence.text.split())
    return chosen


def _labels_a_figure(text: str) -> bool:
    """A figure's or table's caption or source line ("Chart 5 Labour force participation
    rate of residents aged 15 and over Per Cent", "Source: UNCTAD based on …"): it names what
    the figures beside it show or where they come from, and states nothing (see
    :func:`_states_nothing`). Not a statement about the figure ("Figure 4 confirms that …": see
    :data:`_CAPTION_TITLE`)."""
    if _SOURCE_LINE.match(text):
        return True
    caption = _CAPTION.match(text)
    if caption is None:
        return False
    titled = _CAPTION_TITLE.search(text, 0, caption.end() + CAPTION_TITLE_REACH)
    return titled is not None and titled.start() < caption.end()


def _annotates_a_figure(text: str) -> bool:
    """A figure's caption, source line or note (see :func:`_labels_a_figure`, :data:`_NOTE`): not
    what a sentence or a heading before it goes on to say ("Note: Data for Germany … is not
    included" after a heading heads nothing)."""
    return _labels_a_figure(text) or _NOTE.match(text) is not None


# How far past a caption's label its title's first letter is looked for (characters).
CAPTION_TITLE_REACH = 12


# A figure's source line ("Source: UNCTAD based on various online market research reports."); not
# its note ("Note: The period covered comprises 1990 to … for each of the 128 countries with
# recorded data"), which may give what the figure counts.
_SOURCE_LINE = re.compile(r"^\W*(?:data\s+)?(?:sources?|source\(s\))\s*:", re.I)


def _other_years(
    question: str, chosen: list[Evidence], scored: list[Evidence], best: float
) -> list[Evidence]:
    """For each year a question comparing years names that no sentence chosen gives ("market
    size 2023 vs 2033", answered by a sentence on 2033 alone), the best sentence found that
    gives it, when it is near enough the best: a comparison of two years is answered by both.
    Such a sentence does not count for the check that a year asked for is in the passages
    quoted (it would pass whatever it says), and a single year is not looked for this way. Not a
    year in the title of the documents quoted ("tir 2025"), which names the edition, not a
    figure's year."""
    years = list(dict.fromkeys(YEAR.findall(question)))
    if len(years) < 2:
        return []  # one year names when, not a comparison
    titles = " ".join(e.passage.document.title for e in chosen)
    wanted = [y for y in years if y not in titles and not any(y in e.text for e in chosen)]
    added: list[Evidence] = []
    by_score = _by_score(scored)
    for year in wanted:
        mentions = re.compile(rf"\b{year}\b")
        found = _best_giving(by_score, best * OTHER_YEAR_SHARE, [*chosen, *added], mentions.search)
        if found is not None:
            added.append(found)
    return added


def meeting_words(text: str, expansions: dict[str, str]) -> set[str]:
    """The words (lower case) naming the meeting something was said at, after "at" or
    "during": a few words ending in a gathering ("at the un general assembly", "during the 79th
    session", see :data:`GATHERINGS`), a meeting's acronym and number ("cop28"), or an acronym
    the documents define as a gathering ("at unga"), with the words of the name it stands for
    (which the question carries too when its acronyms were expanded). An acronym anywhere else
    ("what did cepa say about the hlpf") is what is asked about."""
    folded = {k.lower(): v.lower() for k, v in expansions.items()}
    words: set[str] = set()
    for match in re.finditer(r"\b(?:at|during)\s+(?:the\s+)?((?:[\w-]+\s*){1,4})", text, re.I):
        following = match.group(1).lower().split()
        ends = [i for i, w in enumerate(following) if w in GATHERINGS]
        if ends:
            words |= set(following[: ends[0] + 1])
            continue
        typed = following[0]
        name = folded.get(re.sub(r"\d+$", "", typed), "")
        if MEETING_NAME.match(typed) or GATHERINGS & set(name.split()):
            words |= {typed, *name.split()}
    return words


def _within_its_documents(question: str, pool: list[Passage], expansions: dict[str, str]) -> str:
    """The question as sentences are scored against it. When every passage left is from a
    document about the countries it names (their own statements, profiles, plans), the names and
    the words for where it was said ("speech", "unga79") are true of every sentence there, so
    they tell none apart: "wat ai / tech uses did maldives list in its unga79 speech" picks the
    sentences on AI, not those that name the Maldives. Otherwise the question as asked."""
    named = set(country_names.in_question(question))
    if not named or not pool:
        return question
    if not all(p.document.countries and set(p.document.countries) <= named for p in pool):
        return question
    rest = question
    for code in named:
        for name in country_names.names(code):
            rest = re.sub(rf"(?<!\w){re.escape(name)}(?:['’]s)?(?!\w)", " ", rest, flags=re.I)
    venue = VENUE | meeting_words(question, expansions)
    words = [
        w
        for w in rest.split()
        if w.strip("?,.!:;").lower() not in venue and not MEETING_NAME.match(w.strip("?,.!:;"))
    ]
    kept = " ".join(words)
    return kept if terms(kept) else question


# A question about a country's standing in general, or about its profile itself.
_STANDING = re.compile(
    r"\b(profile|stand\w*|progress\w*|perform\w*|doing|far(?:e|es|ed|ing))\b", re.I
)


def _states_what_is_asked(question: str, sentence: str) -> bool:
    """Whether a sentence of a generated country profile is on what ``question`` asks. Such a
    sentence states one indicator's figures ("Tonga's Digital Citizen Engagement Index (DCEI)
    fell from …") and nothing else, so it answers a question about a country's standing (a
    score, a rank), one that names its indicator, or one that is mostly words of the
    indicator's name ("how is tonga doing on e-gov": the E-Government Development Index; "tonga
    citizen engagement online"); not a question on an election or a budget that shares only
    the country's name with it, nor one that asks for something else of a word of the name
    ("singapore govtech's budget": the budget of GovTech, not the GovTech Maturity Index)."""
    codes = find_indicators(sentence)
    if not codes:
        return True
    standing, asked, topic, possessed = _asked_of_a_profile(question)
    if standing or set(codes) & asked:
        return True
    # the names as the indicator registry folds them ("e government development index",
    # "egov index"), and the question folded alike
    named = {
        word for code in codes for name in names_of(code) for word in name.split() if len(word) >= 3
    }

    def of_the_name(word: str) -> bool:
        return any(n.startswith(word) or word.startswith(n) for n in named)

    held = [t for t in topic if of_the_name(t)]
    return (
        bool(held)
        and len(held) >= PROFILE_NAME_SHARE * len(topic)
        and all(of_the_name(word) for word in possessed if word in topic)
    )


# The share of a question's words (less years and words for a kind of answer) that must be words
# of an indicator's name for a profile's sentence on that indicator to be on what it asks.
PROFILE_NAME_SHARE = 0.5
# The word a possessive asks for ("budget" in "govtech's budget"): what is asked of the owner
# (not after a contraction: "what's driving …").
_POSSESSED = re.compile(
    r"\b(?!(?:what|it|that|who|where|how|there|here|let|he|she|when|why)['’]s\b)"
    r"[^\W\d_]+['’]s\s+([^\W\d_]+)",
    re.I,
)


@lru_cache(maxsize=64)
def _asked_of_a_profile(
    question: str,
) -> tuple[bool, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """What :func:`_states_what_is_asked` reads of the question, once for all its sentences:
    whether it asks about the country's standing, the indicators it names, what it is about
    (its own words less years and words for a kind of answer) and the words its possessives
    ask for (:data:`_POSSESSED`)."""
    standing = bool(
        SCORE_WORDS.search(question) or TREND.search(question) or _STANDING.search(question)
    )
    topic = tuple(
        word
        for word in fold_name(question).split()
        if len(word) >= 3
        and word not in STOPWORDS
        and not country_names.to_iso3(word)
        and not re.search(r"\d", word)
        and not set(terms(word)) <= only_kind_terms()
    )
    possessed = tuple(fold_name(m) for m in _POSSESSED.findall(question))
    return standing, frozenset(find_indicators(question)), topic, possessed


def _about_named_countries(question: str, passages: list[Passage]) -> list[Passage]:
    """When the question names countries (or a group in their place) and some passages are
    about them, only those: "What did Samoa ask for?" is not answered by a sentence of
    Kiribati's speech, however well its words match."""
    named = set(country_names.in_question(question))
    groups = [] if named else constraint_groups(question)
    if groups:
        # a group in place of countries ("digital id in pacific island countries"): passages by
        # or naming one of its members, or naming the group; each group named ("ldcs in asia")
        return [p for p in passages if about_groups(p, groups)] or passages
    if not named:
        return passages
    names = [n.lower() for c in named for n in country_names.names(c)]
    about = [
        p
        for p in passages
        if named.intersection(p.document.countries) or any(n in p.chunk.text.lower() for n in names)
    ]
    return about or passages


def _with_list_items(
    chosen: list[Evidence],
    limit: int,
    next_chunk: Callable[[Chunk], Chunk | None] | None = None,
) -> list[Evidence]:
    """A sentence that introduces a list brings the list's items after it, so that a list is
    quoted whole: one that ends in a colon ("...encouraged to:") or a dash, as laws write it ("A
    person shall be qualified to be elected as President if he —"), or by pointing ahead ("…
    are outlined below."), or announces how many items follow ("The DGI looks at four
    transversal facets."). Each item is quoted by its first sentence; an item's further
    sentences are passed over. A list that starts in the document's next passage (the
    announcing sentence closes its passage) is read there (``next_chunk``)."""
    out: list[Evidence] = []
    for evidence in chosen:
        out.append(evidence)
        count = announced_count(evidence.text)
        introduces = evidence.text.rstrip().endswith(_INTRODUCES) or _POINTS_AHEAD.search(
            evidence.text
        )
        if not introduces and count is None:
            continue
        items = _items_after(evidence, next_chunk)
        for item in items[: count or len(items)]:
            if len(out) >= limit:
                break
            if not any(_same_place(item, e) for e in out):
                out.append(item)
    return out


# How a sentence that introduces what follows ends ...
_INTRODUCES = (":", "—", "–")
# ... or what it ends by saying: "Proposals for these years are outlined below.", "… are as
# follows.", "… include the following." ("… as discussed in section III below." points at no
# list)
_POINTS_AHEAD = re.compile(
    r"\b(?:(?:outlined|set out|listed|described|given|presented|summari[sz]ed|shown)\s+below|"
    r"as follows|the following)\W*$",
    re.I,
)

# A number of items a sentence announces: "four key dimensions", "Six pillars", "3 main areas".
_ANNOUNCED = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[2-9]|1[0-2])\s+"
    r"(?:[a-z][\w-]*\s+){0,2}?(?!(?:second|minute|hour|day|week|month|year|decade|time)s\b)"
    r"[a-z][\w-]{2,}s\b",
    re.I,
)
_COUNT_WORDS = "two three four five six seven eight nine ten eleven twelve".split()


def announced_count(sentence: str) -> int | None:
    """How many items ``sentence`` says there are ("four key dimensions": 4), or None."""
    match = _ANNOUNCED.search(sentence)
    if match is None:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _COUNT_WORDS.index(word) + 2


# The sentences an item may run to after its first before the next item: beyond, the list ended.
ITEM_SENTENCES = 4
# The sentences that may stand between the sentence introducing a list and its first item ("four
# facets were identified. If analysed alone, these facets ... 1. Strategic approach").
LEAD_SENTENCES = 1


def _items_after(
    evidence: Evidence, next_chunk: Callable[[Chunk], Chunk | None] | None
) -> list[Evidence]:
    """The first sentence of each list item that follows ``evidence`` on its page: items marked
    alike ("(a)", "1.", bullets), the list ending at an item marked otherwise ("29." after
    bullets) or after ITEM_SENTENCES unmarked sentences (LEAD_SENTENCES before the first item).
    A list still open at the passage's end is read on in the document's next passage."""
    items: list[Evidence] = []
    kind = None
    unmarked = 0
    for sentence in _sentences_after(evidence, next_chunk):
        marker = _list_marker(sentence)
        if marker is None:
            unmarked += 1
            if unmarked > (ITEM_SENTENCES if items else LEAD_SENTENCES):
                break
            continue
        if kind not in (None, marker):
            break
        kind, unmarked = marker, 0
        items.append(sentence)
    return items


def _sentences_after(
    evidence: Evidence, next_chunk: Callable[[Chunk], Chunk | None] | None
) -> Iterator[Evidence]:
    """The sentences after ``evidence`` in its passage, then (read only when reached) in the
    document's next passage."""
    passage = evidence.passage
    for _, start, end, text in quotable_sentences(passage):
        if start >= evidence.end:
            yield Evidence(passage, text, start, end, evidence.score * 0.9)
    chunk = next_chunk(passage.chunk) if next_chunk is not None else None
    if chunk is not None:
        after = Passage(chunk, passage.document, passage.score, rank=passage.rank)
        for _, start, end, text in quotable_sentences(after):
            yield Evidence(after, text, start, end, evidence.score * 0.9)


# A list item as the page prints it: "(a)", "1.", "iv)" or a bullet ("•", "-", "o" in PDFs).
_LIST_MARKER = re.compile(
    rf"\s*(?:(\(?[a-z]{{1,4}}[.)])|(\(?\d{{1,3}}[.)])|([-•*▪◦●o§{SYMBOL_FONT_BULLETS}]))\s"
)


def _list_marker(evidence: Evidence) -> str | None:
    """The kind of list marker the sentence starts with on its page ("letter", "number",
    "bullet"), None when it starts no list item (bullets are cleaned from the text quoted, so the
    page is read)."""
    chunk = evidence.passage.chunk
    offset = max(evidence.start - chunk.start, 0)
    line_start = chunk.text.rfind("\n", 0, offset) + 1
    match = _LIST_MARKER.match(chunk.text, line_start) or _LIST_MARKER.match(evidence.text + " ")
    if match is None:
        return None
    return ("letter", "number", "bullet")[[g is not None for g in match.groups()].index(True)]


_POINTS_BACK = re.compile(r"^(\W*\w+\W+){0,5}?(this|these|such|the (same|latter|former))\b", re.I)


def _heading(text: str) -> bool:
    """A heading rather than a sentence: a few words with no closing punctuation, or a longer
    title under a section label ("D. Election of the Chair and other officers for the
    twenty-ninth session of the Commission")."""
    if re.search(r"[.!?:;)\]]\s*$", text):
        return False
    words = len(text.split())
    labelled = words <= LABELLED_HEADING_WORDS and _SECTION_LABEL.match(text) is not None
    return words <= HEADING_WORDS or labelled


def _heads_what_follows(text: str) -> bool:
    """A heading (see :func:`_heading`), or a short line closed by a bracket and no stop: a
    name with its country ("Cristina Kiomi Mori (Brazil)") heads the biography after it. Such a
    line states something (who and from where), so it is quoted as a sentence is."""
    short = len(text.split()) <= HEADING_WORDS
    return _heading(text) or (short and re.search(r"[^.!?]\)\s*$", text) is not None)


def _lone_heading(text: str) -> bool:
    """A heading (see :func:`_heading`) that is no row of a table ("Result | Completion of SPID
    integration …" states a fact in its cells)."""
    return _heading(text) and "|" not in text


def _states_nothing(evidence: Evidence) -> bool:
    """A heading (see :func:`_lone_heading`), a figure's caption or source line (see
    :func:`_labels_a_figure`), or the document's own title as its cover prints it
    ("Report on the twenty-fourth session (7–11 April 2025)" in the report titled "Committee of
    Experts on Public Administration: Report on the twenty-fourth session (E/2025/44)"): every
    word of it, dates and numbers aside, a word of the title."""
    if _lone_heading(evidence.text) or _labels_a_figure(evidence.text):
        return True
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", _DATES.sub(" ", evidence.text))}
    title = {w.lower() for w in re.findall(r"[^\W\d_]+", evidence.passage.document.title)}
    return bool(words) and words <= title


_DATES = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\b",
    re.I,
)


# What may stand between a sentence and the next on the page: spaces and list bullets.
_BULLETS = " \t\n•▪◦●*-–" + SYMBOL_FONT_BULLETS
# The most words a heading runs to (see _heading), and one under a section label ("D.", "III.",
# "2.1").
HEADING_WORDS = 10
LABELLED_HEADING_WORDS = 25
_SECTION_LABEL = re.compile(r"^\W{0,2}(?:[A-Z]|[IVXL]{1,5}|\d{1,2}(?:\.\d{1,2})*)\.\s+[A-Z]")
# A figure or a date in a sentence: what a topic sentence's next sentence gives.
_PARTICULAR = re.compile(r"\d")


def _with_continuation(
    chosen: list[Evidence],
    limit: int,
    next_chunk: Callable[[Chunk], Chunk | None] | None = None,
) -> list[Evidence]:
    """The sentence right after the best one in its passage: a sentence is read with the one
    that continues it (the breakdown of a figure, "Singapore ranks second for male employment
    …" after its overall rank; what a named programme is). It is part of the answer when it
    points back at the best one ("We have labelled this programme ..."), when it gives the
    figure or date of a topic sentence that has none ("Affordability remains a major barrier …"
    then "… three quarters of …"), or when the best "sentence" is a heading ("Overseas Networks
    & Expertise Pass"): what it heads says something, read in the document's next passage when
    the heading closes its own (``next_chunk``). Otherwise, when it starts no list item (see
    :func:`_with_list_items`), it is quoted for context only
    (:attr:`Evidence.context`): the checks that the answer is on the question's topic do not
    count its words (a "share" that is a verb there is no "share" of manufacturing)."""
    if not chosen or len(chosen) >= limit:
        return chosen
    best = chosen[0]
    following = [
        (s, e, text)
        for _, s, e, text in quotable_sentences(best.passage)
        if s >= best.end and not _annotates_a_figure(text)
    ]
    if not following:
        if _heads_what_follows(best.text):
            headed = _headed_in_next(best, next_chunk)
            if headed is not None and not any(_same_place(e, headed) for e in chosen):
                return [best, headed, *chosen[1:]]
        return chosen
    start, end, text = following[0]
    offset = best.passage.chunk.start
    gap = best.passage.chunk.text[best.end - offset : start - offset]
    particulars = (
        _PARTICULAR.search(text) is not None
        and _PARTICULAR.search(best.text) is None
        and "\n\n" not in gap
    )
    if gap.strip(_BULLETS):
        return chosen
    heads = _heads_what_follows(best.text)
    answers = bool(_POINTS_BACK.match(text)) or particulars or heads
    after = Evidence(best.passage, text, start, end, best.score * 0.9, context=not answers)
    if not answers and (_list_marker(after) is not None or _states_nothing(best)):
        # a list is quoted whole (see _with_list_items) or not at all; a line that states
        # nothing (a title) is passed over, not read on from
        return chosen
    if any(_same_place(e, after) for e in chosen):
        return chosen
    return [best, after, *chosen[1:]]


def _headed_in_next(
    heading: Evidence, next_chunk: Callable[[Chunk], Chunk | None] | None
) -> Evidence | None:
    """The first sentence of the passage after the one a heading closes: what it heads (the
    next passage may repeat the heading, or overlap its own, so both are passed over)."""
    for after in _sentences_after(heading, next_chunk):
        same_page = after.passage.chunk.page == heading.passage.chunk.page
        if (same_page and after.start < heading.end) or same_words(after.text, heading.text):
            continue
        if _annotates_a_figure(after.text):
            return None  # a caption or a table's note after it: it heads a figure, no statement
        return after
    return None


def _same_place(a: Evidence, b: Evidence) -> bool:
    """Whether two sentences are one: the same place in the same document (found in two
    passages, or in a passage and the one read after it, they are still quoted once)."""
    return a.passage.document.doc_id == b.passage.document.doc_id and a.start == b.start


def _missing_terms(
    question: str,
    chosen: list[Evidence],
    document_text: Callable[[str], str] | None = None,
    expansions: dict[str, str] | None = None,
) -> list[str]:
    """Critical terms of the question that the evidence does not support.

    A country must be named in an evidence passage or be one of its document's countries; a name
    must appear in an evidence passage (or its document's title or path), and so must a year (or
    be the document's year). Acronyms may also appear anywhere in an evidence document, and an
    acronym counts when its expansion appears ("CEPA" for "Committee of Experts on Public
    Administration"). A region or group named in place of countries must be spoken for or of
    (see :func:`assistant.retrieval.about_groups`), and is reported once, by its name.
    """
    missing: list[str] = []
    passages_text = " ".join(
        " ".join(
            [
                e.passage.chunk.text,
                e.passage.chunk.section or "",
                e.passage.document.title,
                e.passage.document.source,
                str(e.passage.document.year or ""),
            ]
        )
        for e in chosen
    )
    passages_text = re.sub(r"\s+", " ", passages_text)
    doc_countries = {c for e in chosen for c in e.passage.document.countries}
    for code in country_names.in_question(question):
        named = country_names.names(code)
        if code not in doc_countries and not any(n.lower() in passages_text.lower() for n in named):
            missing.append(country_names.name(code))
    reported: list[Group] = []
    if not country_names.in_question(question):
        # a group named in place of countries is a constraint like a country: the evidence must
        # be by a member, or name the group or a member ("nothing mentions the Pacific islands")
        for group in constraint_groups(question):
            if not any(about_groups(e.passage, [group]) for e in chosen):
                missing.append(group.name)
                reported.append(group)
    documents_text = ""
    expansions = expansions or {}
    defined_here = dict(find_definitions(question))
    numbered = set(named_numbers(question))
    for term in critical_terms(question):
        if term in numbered:
            if _names_number(term, passages_text):
                continue
            if document_text is not None and not documents_text:
                documents_text = _documents_text(chosen, document_text)
            if not _names_number(term, documents_text):
                missing.append(term)  # "RA 12009": no document found names that law
            continue
        spoken_for = {g.key for g in find_groups(term)}
        if spoken_for and spoken_for <= {g.key for g in reported}:
            continue  # "SIDS", already reported as "small island developing States"
        if any(f" {term.lower()} " in f" {name} " for g in reported for name in g.names):
            continue  # "Pacific", a word of "Pacific islands", already reported
        # an acronym the question defines ("… Agreement (DEFA)") stands for that name only
        spelled = term not in defined_here
        name = expansions.get(term) or defined_here.get(term)
        if _mentions(term, passages_text, name, spelled=spelled):
            continue
        if _a_member_named(term, passages_text, doc_countries):
            continue  # "Oceania" is answered by a passage naming Vanuatu
        if not term.isupper():
            # a name must be in the evidence itself, not just its document; so must a year: a
            # report that mentions 2023 elsewhere does not give the 2023 figure asked for
            missing.append(term)
            continue
        if document_text is not None and not documents_text:
            documents_text = _documents_text(chosen, document_text)
        if documents_text and _mentions(term, documents_text, name, spelled=spelled):
            continue
        missing.append(term)
    return missing


def _documents_text(chosen: list[Evidence], document_text: Callable[[str], str]) -> str:
    """The whole text of the documents ``chosen`` quotes from, each once."""
    return " ".join(
        document_text(d) for d in dict.fromkeys(e.passage.document.doc_id for e in chosen)
    )


def _a_member_named(term: str, text: str, countries: set[str]) -> bool:
    """Whether ``term`` names a group of countries (a region, "SIDS") and ``text`` names one of
    its members, or one of ``countries`` (the evidence documents' own) is one."""
    lowered = text.lower()
    for group in find_groups(term):
        if countries & set(group.members):
            return True
        for code in group.members:
            names = country_names.names(code)
            if any(re.search(rf"\b{re.escape(n.lower())}\b", lowered) for n in names):
                return True
    return False


def _mentions(term: str, text: str, expansion: str | None = None, *, spelled: bool = True) -> bool:
    """``term`` is in ``text``, or (an acronym) the name it stands for is. An acronym is in it
    as a word of its own ("DEFA" is not in "default"; a plural or possessive may follow:
    "SDGs"), or, unless not ``spelled``, as a name whose words spell it ("PA" in "Public
    Administrations")."""
    lowered = text.lower()
    if expansion and expansion.lower() in lowered:
        return True
    if len(term) > 2 and term.endswith("s") and term[:-1].isupper():  # "PAs": a plural
        return _mentions(term[:-1], text, expansion, spelled=spelled)
    if not term.isupper() or country_names.is_english_word(term):
        return term.lower() in lowered  # a name, or a word typed in capitals ("REFORM")
    if re.search(rf"(?<![^\W_]){re.escape(term.lower())}(?:s|['’]s)?(?![^\W_])", lowered):
        return True
    return spelled and len(term) >= 2 and acronym_in(term, text)


def acronym_in(acronym: str, text: str) -> bool:
    """True when consecutive capitalised words of ``text`` spell ``acronym`` by their prefixes."""
    letters = acronym.lower()
    words = re.findall(r"[A-Za-z]+", text)
    if _spelt_in(letters, words):
        return True
    # a closed compound's two words give their own initials ("Peacebuilding Commission": PBC)
    parts = [part for word in words for part in compound_split(word)]
    return len(parts) > len(words) and _spelt_in(letters, parts)


def _spelt_in(letters: str, words: list[str]) -> bool:
    """Whether consecutive ``words``, the first capitalised, spell ``letters`` by prefixes."""
    return _spelt_from(letters, words) is not None


def _spelt_from(letters: str, words: list[str]) -> int | None:
    """The index of the first of ``words`` from which consecutive words, the first
    capitalised, spell ``letters`` by prefixes, or None."""
    for i, word in enumerate(words):
        if word[0].lower() == letters[0] and word[0].isupper() and _spells(letters, words, i):
            return i
    return None


def words_before_acronym(acronym: str, text: str) -> list[str] | None:
    """The words of ``text`` (lower case) before the first run of its capitalised words that
    spells ``acronym`` ("letter … addressed to the" before "Secretary-General" for "SG"), or
    None when none spells it (closed compounds not split: see :func:`acronym_in`)."""
    words = re.findall(r"[A-Za-z]+", text)
    start = _spelt_from(acronym.lower(), words)
    return None if start is None else [w.lower() for w in words[:start]]


def _spells(letters: str, words: list[str], i: int) -> bool:
    if not letters:
        return True
    if i >= len(words):
        return False
    word = words[i].lower()
    if word in _LINKING and _spells(letters, words, i + 1):  # "of", "on", "the" may be skipped
        return True
    for size in range(min(len(word), len(letters)), 0, -1):
        if word[:size] == letters[:size] and _spells(letters[size:], words, i + 1):
            return True
    return False


_LINKING = frozenset({"of", "on", "for", "and", "the", "in", "to"})


def redundant(a: str, b: str) -> bool:
    sa, sb = set(a.lower().split()), set(b.lower().split())
    if not sa or not sb:
        return False
    return len(sa & sb) / min(len(sa), len(sb)) > 0.7
