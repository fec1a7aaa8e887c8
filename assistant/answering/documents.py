"""Questions answered from the documents: hybrid search, the sentences that answer quoted and
cited (or an LLM's answer checked against the passages), or a refusal that shows what was found."""

from __future__ import annotations

import calendar
import functools
import math
import re
import time
from collections.abc import Callable, Sequence
from itertools import zip_longest

from assistant import countries as country_names
from assistant import crosslingual, language
from assistant.answering import extractive, followups, sources
from assistant.answering.citations import evidence_citation, quoted
from assistant.answering.context import Access, AnswerContext, Run
from assistant.answering.refusal import refusal
from assistant.answering.sources import Source
from assistant.answering.understanding import (
    POSSESSIVE,
    acronym_candidates,
    is_function_word,
    with_egov_spelt_out,
)
from assistant.answering.wordlists import MEETING_NAME, STOPWORDS, VENUE
from assistant.country_groups import find_groups, without_groups
from assistant.models import Answer, Filters, Passage
from assistant.retrieval import Retriever
from assistant.storage.acronyms import COMMON_ACRONYM_SHARE, in_order
from assistant.storage.lexicon import Reading, words_held
from assistant.text import fold, ordinal_words, stems

# A word of a question's topic: it opens at a word boundary, so an ordinal's suffix ("19th")
# is no word
_TOPIC_WORD = re.compile(r"\b[A-Za-z][\w'-]*")


def answer(
    question: str,
    filters: Filters,
    access: Access,
    context: AnswerContext,
    run: Run,
    expansions: dict[str, str] | None = None,
    *,
    focus: str | None = None,
    source: Source | None = None,
    meaning: str | None = None,
) -> Answer:
    """``expansions``: the question's acronyms and the names the documents give them (looked
    up when not given). ``focus``: a follow-up's own words (see
    :func:`assistant.answering.followups.follow_up_focus`): the passages are searched with the
    whole ``question``, the sentences quoted chosen and checked against the focus. ``source``:
    whose words the question asks for; only their documents are searched. ``meaning``: the
    question as typed in another language (``question`` is then what of it was read into
    English); it is searched and its sentences chosen by a multilingual model, when the store
    has the multilingual sentence index (else the question is refused as unread, see
    :func:`unread_language`)."""
    if not context.retriever.searches_by_meaning():
        meaning = None
    # a follow-up asking only for a kind of answer ("any numbers?") is on what the conversation
    # was on: its sentences are chosen by the question it follows, those giving the kind first
    wanted, scored_by = None, None
    if focus is not None and extractive.names_no_topic(focus):
        wanted = extractive.asked_for(focus)
        scored_by = question.removesuffix(focus).strip() or question
        focus = None
    elif focus is not None and _names_nothing_new(focus):
        # "what did tuvalu say on the same topic?": the topic is the conversation's, so the
        # sentences are chosen by the whole question it continues
        focus = None
    asked = focus or question
    timings = run.timings
    if expansions is None:
        expansions = context.expansions(question, access)
    searched, query = filters, question
    if source is not None and source.unheard:
        # nothing of theirs to search: what was found about them shows what is there
        passages = context.retriever.search(
            question, filters, k=context.settings.top_k, access=access, timings=timings
        )
        run.retrieved.extend(passages)
        return refusal(question, filters, passages, extractive.Extraction(), source=source)
    if source is not None:
        # only the source's documents are searched, for what is asked of them: their name
        # matches every passage of them and would only dilute the search and the choice of
        # sentences
        searched = filters.model_copy(update={"documents": list(source.documents)})
        query = source.without(question)
        # the names the acronyms stand for help choose the sentences (lower-cased: they are
        # read, not required as the names the question typed are)
        said = {acronym: name.lower() for acronym, name in expansions.items()}
        asked = with_expansions(source.without(asked), said)
    passages = context.retriever.search(
        with_egov_spelt_out(with_ordinal_words(with_expansions(query, expansions))),
        searched,
        k=context.settings.top_k,
        access=access,
        timings=timings,
        meaning=meaning,
    )
    if focus is not None and passages:
        passages = _in_the_conversations_documents(
            focus, passages, searched, expansions, access, context
        )
    run.retrieved.extend(passages)
    t0 = time.perf_counter()
    extraction = extractive.extract(
        scored_by or asked,
        passages,
        context.retriever.multilingual if meaning else context.embedder,
        document_text=context.document_text,
        next_chunk=context.next_chunk,
        expansions=expansions,
        meaning=meaning,
        max_embedded=CROSSLINGUAL_EMBEDDED if meaning else extractive.EMBEDDED,
        wanted=wanted,
        about=question.removesuffix(focus) if focus and followups.points_back(focus) else None,
        stored=None if meaning else context.sentence_vectors,
    )
    timings["extract_ms"] = (time.perf_counter() - t0) * 1000
    if meaning and not language.foreign_script_words(meaning):
        extraction.missing = [
            term
            for term in extraction.missing
            if _used(term, access, context) and not _opens(term, meaning)
        ]
    unread = None if meaning else unread_language(asked, passages)
    if unread is not None:
        return refusal(question, filters, passages, extraction, language=unread, source=source)
    # what was chosen for the question; a sentence quoted for context is not (see
    # extractive._with_continuation): the checks below read only the former
    chosen = [e for e in extraction.evidence if not e.context]
    if meaning:
        # the model's similarity of the question as typed and the sentence it found is what
        # shows a sentence in another language answers it (few words can be shared), unless
        # the sentence holds a name the question typed that few passages use
        floor = context.settings.crosslingual_threshold
        readings = context.retriever.readings(meaning)
        countries = _countries_read(question)
        specific = _specific_word(access, context)
        typed = _typed_in_latin(meaning, readings, specific)
        phrases = _typed_phrases(meaning, specific)
        weak = not any(
            e.similarity >= floor
            or _holds_rare_name(e.text, meaning, access, context)
            or (
                e.similarity >= READ_FLOOR * floor
                and (
                    _speaks_of_its_words(e.text, readings, countries, typed)
                    or _holds_phrase(e.text, phrases)
                )
            )
            for e in chosen
        )
    else:
        weak = extraction.best_score < context.settings.refusal_threshold
    if not extraction.evidence or weak or extraction.missing:
        return refusal(question, filters, passages, extraction, source=source)
    # what the topic checks read: English words. A question read from another language mostly
    # into English keeps words of its own the reading left as typed: the gate above judged
    # those (one read little into English is not checked, see absent_topic)
    topical = asked
    if meaning is not None and country_names.mostly_english(asked):
        topical = english_only(asked, meaning, context.retriever)
    absent = absent_topic(topical, chosen, expansions, access, context)
    named_country = meaning is None and focus is None and country_names.in_question(question)
    named_group = meaning is None and focus is None and bool(find_groups(question))
    if absent is None and (source is not None or named_country or named_group):
        # a source's documents, or the passages naming a country or a group of them, match by
        # the name: what they say must be on the topic asked (for a country or a group, any of
        # its words will do: the sentence that answers may say the rest in other words)
        absent = unaddressed(
            without_groups(topical) if named_group and source is None else topical,
            chosen,
            expansions,
            lambda stem: context.frequency(stem, access),
            lambda word: context.definition(word, access),
            coverage=None if source is not None else 0.0,
        )
    if absent is not None:
        named = [country_names.name(c) for c in country_names.in_question(question)]
        return refusal(
            question,
            filters,
            passages,
            extraction,
            absent_topic=absent,
            named_in=[*expansions, *named],
            source=source,
        )
    missing = extractive.lacks(asked, chosen, same_language=not meaning)
    if missing is not None:
        return refusal(question, filters, passages, extraction, lacks=missing, source=source)
    if context.uses_llm:
        from assistant.answering.llm import llm_answer

        generated = llm_answer(context.llm(), context.settings, question, passages, run)
        if generated is not None:
            return generated
    citations = [evidence_citation(i + 1, e) for i, e in enumerate(extraction.evidence)]
    text = " ".join(f"{quoted(e.text)} [{i + 1}]" for i, e in enumerate(extraction.evidence))
    notes = []
    if meaning:
        local = crosslingual.labels(language.question_language(meaning)).get("across")
        notes.append(f"{local} ({ACROSS})" if local else ACROSS)
    return Answer(question=question, answer=text, grounded=True, citations=citations, notes=notes)


# What an answer found by the meaning of a question in another language says of itself (and in
# the question's language first, from the terms file's "across" label).
ACROSS = (
    "Found by the meaning of the question in documents in English; the quotes are as written, "
    "not translated."
)


def _in_the_conversations_documents(
    focus: str,
    passages: list[Passage],
    filters: Filters,
    expansions: dict[str, str],
    access: Access,
    context: AnswerContext,
) -> list[Passage]:
    """A follow-up's own words searched in the documents the conversation is about.

    The whole conversation ("what did cepa say about ai … and what should audit institutions
    do? what about regulators") finds the documents, but its earlier turns outweigh the
    follow-up's few words in choosing passages: the passages on audit institutions come first
    and the one on regulators is not among them. So the follow-up's words are searched again,
    in the documents the first search found first (FOLLOW_UP_DOCUMENTS of them), and the
    passages of both searches are taken in turns, the follow-up's first."""
    documents = list(dict.fromkeys(p.document.doc_id for p in passages))[:FOLLOW_UP_DOCUMENTS]
    within = filters.model_copy(update={"documents": documents})
    own = context.retriever.search(
        with_expansions(focus, expansions), within, k=context.settings.top_k, access=access
    )
    merged: dict[str, Passage] = {}
    for pair in zip_longest(own, passages):  # taken in turns: the follow-up's, the whole's
        for passage in pair:
            if passage is not None:
                merged.setdefault(passage.chunk.chunk_id, passage)
    return list(merged.values())[: context.settings.top_k]


# Sentences compared with a question in another language by the multilingual model (the passages'
# first, when few words are shared to choose by): 64 chose no better on the dev set, at twice
# the cost.
CROSSLINGUAL_EMBEDDED = 32

# How many of the documents the whole conversation found a follow-up's own words are searched in.
FOLLOW_UP_DOCUMENTS = 2


# A name (a word in Latin letters with a capital: "Bakong", "Mudra") that at most this many
# passages use is specific enough that a sentence holding it is on the question's topic. Not
# an acronym: those stand in headings, figure titles and lists of bodies as well.
RARE_NAME_PASSAGES = 20
_LATIN_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")
# A name put in quotation marks, in any language's ("«250+»", "„Smart Nation“", "「Bakong」").
_QUOTED_NAME = re.compile(r"[«“„\"「『]([^»”“\"」』]{3,40})[»”“\"」』]")


def _holds_rare_name(sentence: str, question: str, access: Access, context: AnswerContext) -> bool:
    """Whether ``sentence`` holds a name ``question`` (asked in another language) names in
    Latin letters: one few passages use, other than a country's, or one it quotes. A question
    in Korean on "Bakong", or in Russian on the «250+» project, is on the topic of the sentence
    that names it, however little else the two share for the multilingual model; a name many
    passages use ("Committee") shows nothing, nor does the first word of a question written in
    Latin letters, capitalised by grammar ("Quelle …")."""
    folded = sentence.casefold()
    for name in _QUOTED_NAME.findall(question):
        if not name.strip().isdigit() and name.strip().casefold() in folded:
            return True
    first = None if language.foreign_script_words(question) else re.match(r"\W*(\w+)", question)
    for found in _LATIN_NAME.finditer(question):
        name = found.group()
        if (first and found.start() == first.start(1)) or country_names.in_question(name):
            continue
        if not re.search(rf"\b{re.escape(name)}\b", sentence):
            continue
        used = [context.frequency(stem, access)[0] for stem in stems(name)]
        if used and 0 < max(used) <= RARE_NAME_PASSAGES:
            return True
    return False


# A sentence in English speaks of what a question in another language asks when it holds the
# English reading of at least this share of the question's words read, and of two of them at
# least (one shared word is chance: "government", "countries"). Words are weaker evidence than
# the meaning of the whole (two common words may meet in any sentence): they lower the
# multilingual similarity a sentence needs to this share of the floor, not to nothing (0.75 of
# 0.40: the lowest similarity of a right sentence they supported on the dev set was 0.31).
READ_SHARE = 0.5
READ_WORDS = 2
READ_FLOOR = 0.75


def _countries_read(question: str) -> list[str]:
    """The countries a question in another language names, read into English ("图瓦卢" as
    Tuvalu): words of the question like the others, held by a sentence that names them."""
    return list(country_names.in_question(question))


def _speaks_of_its_words(
    sentence: str,
    readings: list[Reading],
    countries: Sequence[str] = (),
    typed: Sequence[str] = (),
) -> bool:
    """Whether ``sentence`` holds the English reading of half or more of a question's words (see
    :mod:`assistant.storage.lexicon`), ``countries`` (the ones it names) among them:
    "市场规模" read as "market size" in "AI is likely to be the frontier technology that has the
    largest market size". The multilingual model's similarity of a whole question and a
    sentence is low when the question also names what the sentence leaves implicit (the
    report, the body); the words it reads say what the sentence is about. ``typed``: the
    words the question types in Latin letters (:func:`_typed_in_latin`), counted as words
    read as themselves."""
    words = set(stems(sentence))
    held, read = words_held(readings, lambda term: bool(stems(term)) and set(stems(term)) <= words)
    named = set(country_names.find_countries(sentence, strict=True)) if countries else set()
    held += sum(1 for code in countries if code in named)
    read += len(countries)
    held += sum(1 for word in typed if stems(word) <= words)
    read += len(typed)
    return held >= READ_WORDS and held >= READ_SHARE * read


def _specific_word(access: Access, context: AnswerContext) -> Callable[[str], bool]:
    """Whether a word is used by at most :data:`TYPED_WORD_SHARE` of the passages ``access``
    may see (not when the counts are unknown)."""

    def specific(word: str) -> bool:
        counts = [context.frequency(stem, access) for stem in stems(word)]
        return bool(counts) and all(
            total > 0 and used <= TYPED_WORD_SHARE * total for used, total in counts
        )

    return specific


def _typed_in_latin(
    question: str, readings: Sequence[Reading], specific: Callable[[str], bool]
) -> list[str]:
    """The words a question written in another script types in Latin letters ("AI" and
    "CSTD" in "日本の … AIガバナンス", "CSTD 젠더자문위원회 …"): read as themselves, as the
    documents write them. Only words that say what the question is about (``specific``: few
    passages use them, see :data:`TYPED_WORD_SHARE`; "United Nations" or "government" would be
    held by a quarter of all sentences); not stop words, not the words of a country's name
    ("Sri Lanka": countries are counted as countries), not a word the lexicon read already
    (``readings``). None for a question in a Latin-script language: its words in Latin letters
    are its own."""
    if not language.foreign_script_words(question):
        return []
    named = _country_name_words(question)
    read = {part.casefold() for r in readings if r.terms for part in r.parts}
    return [
        word
        for word in dict.fromkeys(_LATIN_WORD.findall(question))
        if word.lower() not in STOPWORDS
        and word.casefold() not in named | read
        and stems(word)
        and specific(word)
    ]


# A word a question in another script types in Latin letters says what it asks about when at
# most this share of the passages use it: "AI" (1.2% of the 16,416 passages of the shared corpus
# and corpus-extra), "ESCAP" (0.7%), "ICT" (3.7%), not "digital" (12%), "government" (26%),
# "Nations" (28%).
TYPED_WORD_SHARE = 0.05


def _country_name_words(question: str) -> set[str]:
    """The words (case-folded) of the names of countries ``question`` types as English writes
    them ("sri", "lanka" of "Sri Lanka の宇宙政策")."""
    return {
        word
        for found in country_names.name_pattern().finditer(f" {fold(question)} ")
        for word in found.group(0).split()
    }


# Words in Latin letters, and runs of them typed one after the other ("chief heat officer" in a
# Japanese question); a sentence's clauses (a phrase is not held across a stop: "He was chief.
# Heat officers met.").
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LATIN_RUN = re.compile(r"[A-Za-z]+(?:[ \t]+[A-Za-z]+)+")
_CLAUSE_END = re.compile(r"[.;:!?()\[\]]")


def _typed_phrases(question: str, specific: Callable[[str], bool]) -> list[list[str]]:
    """The phrases of two or more English words that ``question``, written in another script,
    types in Latin letters, as the stems :func:`_holds_phrase` looks for: terms of art the
    reader typed as the documents write them ("chief heat officer" in "CEPA 猛暑対策で chief heat
    officer について"). Not of stop words, not of acronyms alone, not of a country's name, and one
    of its words at least ``specific`` (see :func:`_typed_in_latin`: "United Nations", "Member
    States" are in every other sentence). None for a question in a Latin-script language: its
    words in Latin letters are its own language's."""
    if not language.foreign_script_words(question):
        return []
    named = _country_name_words(question)
    phrases = []
    for run in _LATIN_RUN.findall(question):
        words = [w for w in _LATIN_WORD.findall(run) if w.lower() not in STOPWORDS]
        if len(words) < 2 or all(w.isupper() for w in words):
            continue
        if any(w.casefold() in named for w in words) or not any(map(specific, words)):
            continue
        phrases.append([_word_stem(w) for w in words])
    return phrases


def _holds_phrase(sentence: str, phrases: list[list[str]]) -> bool:
    """Whether ``sentence`` holds one of ``phrases`` (:func:`_typed_phrases`) word after word
    inside one clause ("Chief heat officers could helpfully be designated …"). Like the words
    the lexicon reads (:func:`_speaks_of_its_words`), it lowers the similarity a sentence needs,
    not to nothing."""
    if not phrases:
        return False
    clauses = [
        [_word_stem(w) for w in _LATIN_WORD.findall(clause) if w.lower() not in STOPWORDS]
        for clause in _CLAUSE_END.split(sentence)
    ]
    return any(
        said[i : i + len(wanted)] == wanted
        for wanted in phrases
        for said in clauses
        for i in range(len(said) - len(wanted) + 1)
    )


def _word_stem(word: str) -> str:
    """The English stem of a word of letters alone, or the word lower-cased when it has none
    ("a")."""
    return next(iter(stems(word)), word.lower())


_TYPED_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def english_only(asked: str, typed: str, retriever: Retriever) -> str:
    """``asked`` (a question ``typed`` in another language, read into English as far as names
    and known terms go) less the words it kept as typed that are words of that language (its
    dictionary, pyspellchecker's, knows them) and no English word the documents use:
    "eGovernment Benchmark UE how many couverts et combien d'événements de vie" is
    "eGovernment Benchmark UE how many". A word neither language's dictionary knows
    ("blockchain" in a Spanish question) is what the topic check must see, and stays; so do
    names (any capital: "UE", "eGovernment"), and every word of a question in a language with
    no dictionary here."""
    own = {w.casefold() for w in _TYPED_WORD.findall(typed)}
    spoken = language.question_language(typed)
    english = retriever.lexicon()

    def kept(match: re.Match[str]) -> str:
        word = match.group()
        foreign = (
            word.casefold() in own
            and word.islower()
            # the word after an elided article ("d'événements": événements)
            and country_names.word_of_language(re.split(r"['’]", word)[-1], spoken)
        )
        known = english is not None and english.knows(word.lower())
        return "" if foreign and not known else word

    return re.sub(r"\s+", " ", _TYPED_WORD.sub(kept, asked)).strip()


def _used(term: str, access: Access, context: AnswerContext) -> bool:
    """Whether the documents use ``term`` at all. A name typed in a Latin-script language other
    than English may be that language's own form of it ("CNUCED" for UNCTAD, "Singapour"):
    such a question's names are required of the evidence only when the documents use them (in
    a Korean or Thai question, a name typed in Latin letters is the one the documents use, and
    stays required: "PDPA" that no document mentions is not answered)."""
    return any(context.frequency(stem, access)[0] > 0 for stem in stems(term))


def _opens(term: str, typed: str) -> bool:
    """Whether ``term`` is the first word of ``typed`` (a question in a Latin-script language
    other than English) written with a capital only because it opens the sentence, as every
    sentence's first word is ("Trong bài phát biểu …": "in"): no sign of a name. (An English
    question's opening words are told apart by GENERIC_CAPS.)"""
    first = re.match(r"\W*([^\W\d_]+)", typed)
    return (
        first is not None
        and first.group(1).lower() == term.lower()
        and first.group(1)[1:].islower()
    )


# What points back at the conversation's subject in place of naming one ("on the same topic",
# "that issue", "these questions")
_SAME_SUBJECT = re.compile(
    r"\b(?:the\s+)?(?:same|that|this|these|those)\s+"
    r"(?:topic|subject|matter|issue|question|thing|area|theme|point)s?\b",
    re.I,
)


def _names_nothing_new(focus: str) -> bool:
    """Whether a follow-up's own words name nothing it asks about but the countries, groups or
    years it puts in place of the earlier ones, and whose words it asks for ("what did tuvalu
    say on the same topic?")."""
    rest = _ATTRIBUTION_VERBS.sub(" ", _SAME_SUBJECT.sub(" ", without_groups(focus)))
    countries = country_names.in_question(rest)
    names = (name for code in countries for name in country_names.names(code))
    words = [
        w
        for w in _TOPIC_WORD.findall(sources.without_names(fold(POSSESSIVE.sub("", rest)), names))
        if not is_function_word(w)
    ]
    return not words and (bool(countries) or rest != focus)


def with_expansions(question: str, expansions: dict[str, str]) -> str:
    """The question with each acronym followed by the name the documents give it, for search:
    "What did CEPA say" -> "What did CEPA (Committee of Experts on Public Administration) say"."""
    for word, name in expansions.items():
        if name.casefold() == word.casefold():
            continue  # "unga79" stands for nothing longer
        question = re.sub(
            rf"(?<![\w-]){re.escape(word)}(?![\w-])", f"{word} ({name})", question, count=1
        )
    return question


def with_ordinal_words(question: str) -> str:
    """The question with each ordinal typed in digits followed by its words, for search: UN
    documents write them out ("when is cepa's 25th session" finds "the twenty-fifth session")."""
    return re.sub(
        r"\b(\d{1,3})(?:st|nd|rd|th)\b",
        lambda m: f"{m.group(0)} ({ordinal_words(int(m.group(1)))})",
        question,
        flags=re.I,
    )


def unread_language(question: str, passages: list[Passage]) -> str | None:
    """The question's language (ISO 639-1) when its words are in a script the passages found do
    not use at all (a Korean question, English passages): then no word of it can be found in
    them, and nothing shows that they answer it. A question in a Latin-script language (French,
    Spanish) shares names and many terms with English and is judged as English is. None
    otherwise."""
    foreign = language.foreign_script_words(question)
    if not foreign:
        return None
    code = language.question_language(question)
    if code == "en":
        return None  # an English question may name a place in its own script
    found = " ".join(passage.chunk.text for passage in passages)
    if any(word in found for word in foreign):
        return None  # the documents are in the question's script (a Chinese report)
    return code or ""


# A word is specific to a topic when few passages use it (at most this share of them) and it is
# rare in general English too (fewer uses than this in pyspellchecker's frequency list): such a
# word ("cryptocurrencies") names the topic, an ordinary one ("fare", "cite") is only wording.
SPECIFIC_WORD_SHARE = 0.001
GENERAL_ENGLISH_USES = 100


def absent_topic(
    question: str,
    evidence: list[extractive.Evidence],
    expansions: dict[str, str],
    access: Access,
    context: AnswerContext,
) -> str | None:
    """The question's topic when the passages quoted do not touch it, else None.

    The evidence may share a name with the question (CEPA, Bhutan) and still not be about what
    it asks ("regulating cryptocurrencies"). The question's words less the names it uses are its
    topic. A topic word that everyday English rarely uses (see GENERAL_ENGLISH_USES) must appear
    in a passage quoted from when it is specific to few passages of the collection (see
    SPECIFIC_WORD_SHARE), and somewhere in the documents quoted from in any case: a report
    that never uses the word "cybersecurity" does not discuss it. Everyday words are not
    checked: the documents may say the same in other words (requiring one of them, tried on the
    dev set, refused well-answered questions). A term typed in capitals ("ID", "AI") is not the
    everyday word its letters spell. An ordinal ("the 30th session") must be in the documents
    quoted, in digits or words.
    """
    if not country_names.mostly_english(question):
        return None  # the rules below read English words (other languages: issue 16)
    # the passages quoted from, with their documents' titles and sections (a heading states
    # what the page is about: "Report on the twenty-fourth session")
    around = " ".join(
        f"{e.passage.chunk.text} {e.passage.chunk.section or ''} {e.passage.document.title}"
        for e in evidence
    )
    whole = _DocumentsQuoted(around, evidence, context)
    for ordinal in re.findall(r"\b\d{1,3}(?:st|nd|rd|th)\b", question, re.I):
        # "the 30th session" is answered only by a document about the 30th ("thirtieth")
        if ordinal.lower() not in whole.text and ordinal_words(int(ordinal[:-2])) not in whole.text:
            return str(ordinal)
    named = _name_stems(question, expansions)
    typed_words = [w for w in _TOPIC_WORD.findall(question) if not is_function_word(w)]
    words = {s: w for w in typed_words for s in stems(w)}
    # "digital ID", "national ID": two capitals after a word of the topic name a thing ("the
    # SG" is an abbreviated name: the Secretary-General, Singapore; between a country's name and
    # a word for what was said they are where it spoke: "tonga GA speech", "fiji PM statement")
    terms = {
        s
        for m in re.finditer(r"\b([a-z][\w-]*) ([A-Z]{2})\b(?:\s+([a-z]+))?", question)
        if m.group(1) not in STOPWORDS
        and not (country_names.in_question(m.group(1)) and (m.group(3) or "") in VENUE)
        for s in stems(m.group(2))
    }
    acronyms = {s for w in acronym_candidates(question) for s in stems(w)}
    topic = sorted(t for t in words if t not in named and (len(t) > 2 or t in terms))
    quoted = stems(around)
    for stem in topic:
        typed = words[stem]
        if stem in quoted:
            continue
        session = MEETING_NAME.match(typed)
        if session:
            # a meeting typed as its body's letters and its session ("csw69") is in the
            # documents quoted when they name both apart: the body by its letters or the name
            # the documents give them, the session in digits or words ("the sixty-ninth
            # session"); they never write the two together
            body = session.group(1).lower()
            name = context.definition(body, access)
            names = [body, *([name.lower()] if name else [])]
            if _names_session(int(session.group(2)), names, whole.text):
                continue
        if stem not in terms and country_names.english_uses(typed) >= GENERAL_ENGLISH_USES:
            continue
        # a short form ("dec") or a slip ("goverment": no English word, though a passage or two
        # may share it) stands for another word; a shorter unknown word is more often a name or
        # an acronym ("oios") than a slip (as for countries: countries.find_in_question)
        meant = _MONTHS.get(typed.lower().strip("."))
        if meant is None:
            meant = slip_meant(typed, lambda stem: context.frequency(stem, access)[0])
        if meant is not None and (
            meant in STOPWORDS
            or stems(meant) <= quoted
            or country_names.english_uses(meant) >= GENERAL_ENGLISH_USES
        ):
            continue
        if len(stem) >= 3 and any(w.startswith(stem) for w in whole.stems):
            continue  # a clipped word ("egov", "admin") stands for the longer one the text uses
        if _abbreviates(typed.lower(), whole.words):
            continue  # "govt", "mgmt", "intl": the letters of a longer word the text uses
        if len(typed) <= ACRONYM_LETTERS and extractive.acronym_in(typed.upper(), around):
            continue  # "ict": the initials of "Information and Communication Technology" quoted
        electronic = _after_e_prefix(typed)
        if electronic and stems(electronic) <= whole.stems:
            continue  # "e-procurement" is "electronic procurement": the text may write it out
        used, total = context.frequency(stem, access)
        if stem in acronyms and used > COMMON_ACRONYM_SHARE * total:
            # an acronym the documents use widely ("sdgs", "egdi") is in a document that
            # writes it or the name it stands for ("Sustainable Development Goals")
            name = context.definition(typed, access)
            if stem in whole.stems or (name and name.lower() in whole.text):
                continue
            return _phrase_around(question, stem, named)
        specific = total > 0 and used <= SPECIFIC_WORD_SHARE * total
        if specific or stem not in whole.stems:
            return _phrase_around(question, stem, named)
    return None


def _names_session(number: int, bodies: Sequence[str], text: str) -> bool:
    """Whether ``text`` (lower case) names the session ``number`` ("sixty-ninth session",
    "69th session", "session 69") near one of the names of its body (``bodies``, lower case:
    SESSION_NEAR characters either way, as a document's heading does: "Commission on the Status
    of Women Sixty-ninth session"), not a session of another body it names elsewhere."""
    ordinal = rf"(?:{re.escape(ordinal_words(number))}|{number}(?:st|nd|rd|th))"
    session = rf"(?:\b{ordinal} session\b|\bsession {number}\b)"
    near = SESSION_NEAR
    return any(
        re.search(
            rf"\b{re.escape(body)}\b.{{0,{near}}}{session}|{session}.{{0,{near}}}\b{re.escape(body)}\b",
            text,
        )
        for body in bodies
    )


# How near a body's name a session must be named to be its session (characters).
SESSION_NEAR = 60


# The fewest letters of a typed word read as a slip for another (see :func:`slip_meant`): a
# shorter unknown word is more often a name or an acronym ("oios") than a slip, as for countries
# (countries.find_in_question).
SLIP_LETTERS = 5


def slip_meant(typed: str, used: Callable[[str], int]) -> str | None:
    """The word a typed slip stands for, or None: of the words one slip away, the one most
    passages use (``used``: in how many passages a word stem is). "goverment" is "government",
    "shopers" is "shoppers" (not "showers"), and "crypto" is no slip for "crypt", which no
    document uses."""
    if len(typed) < SLIP_LETTERS:
        return None
    uses = {
        w: max((used(s) for s in stems(w)), default=0)
        for w in country_names.slip_corrections(typed)
    }
    # of equals, the first: the commoner in English
    best = max(uses, key=lambda w: uses[w], default=None)
    return best if best is not None and uses[best] > 0 else None


def slips_read(question: str, used: Callable[[str], int]) -> tuple[str, dict[str, str]]:
    """``question`` with each typed slip read as the word it stands for (see :func:`slip_meant`)
    and each word typed in lower case without its vowels as the common word it shortens, when
    the documents use that word ("nxt": "next", see
    :func:`assistant.countries.vowels_dropped_from`), and what was read as what ({"shopers":
    "shoppers"}). Only a word no passage uses, that is no English word and names no country: a
    name the documents use, however rare, is theirs."""
    read: dict[str, str] = {}

    def fixed(match: re.Match[str]) -> str:
        typed = match.group(0)
        lowered = typed.lower()
        if (
            country_names.is_english_word(lowered)
            or country_names.in_question(typed)
            or any(used(stem) for stem in stems(lowered))
        ):
            return typed
        if len(typed) < SLIP_LETTERS:
            # typed in lower case only ("SPC", "MSc" are names), read only as a word the
            # documents use ("sys" is no shortened "says" in a question to them)
            meant = country_names.vowels_dropped_from(typed) if typed.islower() else None
            if meant is not None and not any(used(stem) for stem in stems(meant)):
                meant = None
        else:
            meant = slip_meant(lowered, used)
        if meant is None:
            return typed
        read[typed] = meant
        return meant

    return re.sub(r"(?<![\w'’-])[A-Za-z]+(?![\w'’-])", fixed, question), read


def unaddressed(
    topic_text: str,
    evidence: list[extractive.Evidence],
    expansions: dict[str, str],
    frequency: Callable[[str], tuple[int, int]],
    definition: Callable[[str], str | None] = lambda word: None,
    *,
    coverage: float | None = None,
) -> str | None:
    """The question's topic when a named source was searched and the sentences quoted do not
    cover it (at least ``coverage`` of its weight, TOPIC_COVERAGE unless given, and something of
    it), else None.

    Searching only the documents of the source the question names ("what did bhutan say about
    internet connectivity") always finds their best-matching sentences, which may be about
    something else entirely (Bhutan's graduation from the LDC category). Their names match by
    construction, so the topic (``topic_text``: the question less the source's name, see
    :meth:`Source.without`) less the verb of saying and the words for where it was said
    (``VENUE``: "statement", "general debate") must be covered by the sentences quoted: the words of it they use must carry at least
    TOPIC_COVERAGE of its weight, each word weighed by how rare it is in the collection
    (inverse document frequency, from ``frequency``), so that "digital" shared with a sentence
    on digital infrastructure does not cover "cios / chief digital officers". Everyday words
    count; an acronym counts by itself or the name the documents give it (``expansions``, or
    ``definition`` for one they use so widely it is not expanded: "AI"), a group by its name,
    an "e-" word by the word after the prefix (documents write "electronic procurement"); a
    region the heading a sentence's passage sits under names counts as said by the sentence."""
    topic_text = _ATTRIBUTION_VERBS.sub(" ", topic_text)
    venue = extractive.meeting_words(topic_text, expansions)
    candidates = [
        w
        for w in dict.fromkeys(_TOPIC_WORD.findall(topic_text))
        if not is_function_word(w)
        and len(w) > 1
        and w.lower() not in VENUE
        and w.lower() not in venue
        and not MEETING_NAME.match(w)  # "unga79": where it was said, like VENUE
        and not country_names.in_question(w)
        # words for the kind of answer asked ("numbers", "stats", "examples") name no topic
        and not stems(w) <= extractive.only_kind_terms()
    ]
    # two-letter words ("vs", "eg") are wording beside longer ones, but a topic of one short
    # word is still a topic ("what did tuvalu say about ai at unga")
    words = [w for w in candidates if len(w) > 2] or candidates
    if not words:
        return None
    # a region or group of countries the heading a sentence's passage sits under names is
    # where the sentence is ("C. Development in Africa" over "we … supported 19 countries in
    # achieving ratings of 'high' …"): it counts as said by the sentence. Only a region: a
    # heading is carried over the pages after it ("D. Election of officers" over an audit
    # chapter), and a region is what a chapter's sentences leave to it
    headings = dict.fromkeys(e.passage.chunk.section or "" for e in evidence)
    regions = [g.name for heading in headings for g in find_groups(heading)]
    quoted = stems(" ".join([*(e.text for e in evidence), *regions]))
    quoted_words = {w.lower() for e in evidence for w in re.findall(r"[A-Za-z]+", e.text)}
    folded = {k.lower(): v for k, v in expansions.items()}
    weight = covered = 0.0
    for word in words:
        # a contraction ("govt") counts as the word it shortens ("government"), at that word's
        # weight: a typed short form is rare in the collection, the word it stands for may not be
        longer = None if stems(word) <= quoted else _contraction_of(word.lower(), quoted_words)
        if longer is None and not stems(word) <= quoted:
            # a word clipped as people type it ("egov": "e-government", "admin"), read as the
            # longer word the sentences use
            longer = _clipped_from(word.lower(), quoted_words)
        if longer is None and not any(frequency(stem)[0] for stem in stems(word)):
            # a word no passage uses is a slip for the one the documents use ("shopers")
            longer = slip_meant(word.lower(), lambda stem: frequency(stem)[0])
        own = stems(_after_e_prefix(word) or longer or word)
        ways = [own]
        # a definition for a word typed as an acronym ("AI") or too short to be a topic word
        # otherwise ("ai"): not for "land" or "law", which names' initials may happen to spell
        acronym = word.isupper() or len(word) <= 2
        name = folded.get(word.lower()) or (definition(word) if acronym else None)
        if name:
            ways.append(stems(name))
        ways += [stems(group.name) for group in find_groups(word)]
        rarity = max((_idf(*frequency(stem)) for stem in own), default=0.0)
        weight += rarity
        if any(way and way <= quoted for way in ways):
            covered += rarity
    least = TOPIC_COVERAGE if coverage is None else coverage
    if weight == 0 or (covered > 0 and covered >= least * weight):
        return None
    return " ".join(words)


# The longest word read as an acronym spelt by a name's initials (see :func:`absent_topic`).
ACRONYM_LETTERS = 6


# The share of a topic's weight (see :func:`unaddressed`) the sentences quoted must cover.
# Measured on the practitioner dev set: the answerable questions naming a source were covered
# 0.32–1.0 (a paraphrase: "earlier technologies" answered by "unlike previous technologies"),
# the question on a topic CEPA never discussed 0.08.
TOPIC_COVERAGE = 0.3


def _after_e_prefix(word: str) -> str | None:
    """The word an "e-" word is made of ("e-procurement", "eprocurement": "procurement"); None
    for a word that only begins with an e ("education", "energy")."""
    lowered = word.lower()
    hyphened = re.fullmatch(r"e-([a-z]{4,})", lowered)
    if hyphened:
        return hyphened.group(1)
    joined = re.fullmatch(r"e([a-z]{4,})", lowered)
    if joined and not country_names.is_english_word(lowered):
        return joined.group(1)
    return None


def _idf(used: int, total: int) -> float:
    return math.log((total + 1) / (used + 1)) + 1.0 if total else 1.0


# The verbs of an attribution ("what did X say / recommend / mention"): not the topic.
_ATTRIBUTION_VERBS = re.compile(rf"\b(?:{sources.SAYING}|{sources.SAYINGS}|according to)\b", re.I)


def _abbreviates(typed: str, words: set[str]) -> bool:
    """Whether a short word no dictionary knows ("govt", "dept", "intl", "cttee") is a
    contraction of a longer word of ``words``: it keeps the word's first two letters, or (four
    letters or more: "prs" in "new PRs" is no "processes") its first and its last ("cttee":
    "committee"), and the rest in order."""
    return _contraction_of(typed, words) is not None


def _contraction_of(typed: str, words: set[str]) -> str | None:
    """The word of ``words`` that ``typed`` contracts (see :func:`_abbreviates`), or None."""
    if not 3 <= len(typed) <= 5 or not typed.isalpha():
        return None
    for word in sorted(words):
        ends = word[:2] == typed[:2] or (
            len(typed) >= 4 and word[0] == typed[0] and word[-1] == typed[-1]
        )
        if len(word) >= len(typed) + 3 and ends and in_order(typed, word):
            return word
    return None


def _clipped_from(typed: str, words: set[str]) -> str | None:
    """The word of ``words`` that ``typed`` is the start of ("admin": "administration"), also
    after an "e" typed for "electronic" or "e-" ("egov": the "government" of "e-government");
    None for one of fewer than CLIPPED_LETTERS letters or an English word itself."""
    if country_names.is_english_word(typed):
        return None
    for start in (typed, typed[1:] if typed.startswith("e") else ""):
        if len(start) >= CLIPPED_LETTERS:
            longer = [w for w in sorted(words) if len(w) > len(start) and w.startswith(start)]
            if longer:
                return longer[0]
    return None


# The fewest letters of a clipped word read as the longer one it starts ("gov", "admin").
CLIPPED_LETTERS = 3


class _DocumentsQuoted:
    """The whole text of the documents quoted from, read only when a rule needs it."""

    def __init__(
        self, around: str, evidence: list[extractive.Evidence], context: AnswerContext
    ) -> None:
        self._around = around
        self._ids = list(dict.fromkeys(e.passage.document.doc_id for e in evidence))
        self._context = context
        self._text: str | None = None
        self._stems: set[str] | None = None
        self._words: set[str] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            parts = [self._around, *map(self._context.document_text, self._ids)]
            self._text = re.sub(r"\s+", " ", " ".join(parts)).lower()
        return self._text

    @property
    def stems(self) -> set[str]:
        """The stems of the text (those of each document kept for the next question: a
        document's are its words' and stay the same; it takes tens of milliseconds a long one)."""
        if self._stems is None:
            texts = map(self._context.document_text, self._ids)
            self._stems = stems(self._around).union(*map(_stems_of, texts))
        return self._stems

    @property
    def words(self) -> set[str]:
        if self._words is None:
            texts = map(self._context.document_text, self._ids)
            self._words = set(_words_in(self._around)).union(*map(_words_of, texts))
        return self._words


# A document's text is cached by the service (one string per version): its stems and words, by
# the text, last as long as a few dozen questions need them (a question's own evidence is not
# cached: it would push the documents out).
@functools.lru_cache(maxsize=64)
def _stems_of(text: str) -> frozenset[str]:
    return frozenset(stems(text))


def _words_in(text: str) -> frozenset[str]:
    """The words of three letters or more of ``text``, lower-cased."""
    return frozenset(re.findall(r"[a-z]{3,}", text.lower()))


_words_of = functools.lru_cache(maxsize=64)(_words_in)


# "dec" -> "december": month names as abbreviated (the calendar module's English names)
_MONTHS = {calendar.month_abbr[m].lower(): calendar.month_name[m].lower() for m in range(1, 13)} | {
    "sept": "september"
}


def _phrase_around(question: str, stem: str, named: set[str]) -> str:
    """The run of the question's topic words that holds ``stem`` ("national digital ID")."""
    words = _TOPIC_WORD.findall(question)
    topical = [not is_function_word(w) and not (stems(w) & named) for w in words]
    for i, word in enumerate(words):
        if stem in stems(word):
            start, end = i, i + 1
            while start > 0 and topical[start - 1]:
                start -= 1
            while end < len(words) and topical[end]:
                end += 1
            return " ".join(words[start:end])
    return stem


def _name_stems(question: str, expansions: dict[str, str]) -> set[str]:
    """Stems of the names a question uses: countries, groups, acronyms (and what they stand
    for) and capitalised words after its first."""
    names: list[str] = []
    codes, typed = country_names.find_in_question(question)
    for code in codes:
        names += country_names.names(code)
    names += list(typed)  # "kazakstan", read as Kazakhstan
    names = [*names, *(n.replace("-", " ") for n in names if "-" in n)]  # "timor leste"
    names += [g.name for g in find_groups(question)]
    names += [*expansions, *expansions.values()]
    # capitalised words after the first; two capitals ("ID", "IT") are a common noun's short
    # form unless the documents define them (then they are in ``expansions``)
    names += re.findall(r"(?<=[\w,;:] )(?:[A-Z][a-z][\w-]*|[A-Z]{3,}\w*)", question)
    return stems(" ".join(names))
