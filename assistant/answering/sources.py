"""The source a question names: whose words it asks for.

"what did cepa say about digital id", "what does unctad's tir 2025 say about ai in tax",
"according to the oecd dgi, …", "what did maldives say about its e-government master plan":
the question asks what a particular body, country or document said. A sentence from anyone else
(a research paper about the Maldives, another body's report that uses the same words) does not
answer it, however well its words match. So the documents of that source are found by their
names (title, file name, UN symbol, the countries they are by) and the question is searched in
them; when they do not hold the answer, the refusal says which documents were searched.

A source is read only from an attribution ("what did X say", "according to X", "did X
mention …") and only kept when documents answer to every name in it: a phrase that names no
ingested document leaves the question searched across everything, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from assistant import countries as country_names
from assistant.answering.extractive import acronym_in, words_before_acronym
from assistant.answering.wordlists import MEETING_NAME, STOPWORDS
from assistant.country_groups import find_groups
from assistant.models import DocumentRecord
from assistant.text import YEAR, fold, un_symbols

# The verbs by which a question attributes words to a speaker or a document. Acts are not among
# them: what a country pledged, committed or launched is reported by others as often as by itself
# ("what did japan pledge to escap": the ESCAP report).
SAYING = (
    r"(?:say|said|says|recommend(?:s|ed)?|propos(?:e|es|ed)|encourag(?:e|es|ed)|urg(?:e|es|ed)|"
    r"call(?:s|ed)?\s+for|ask(?:s|ed)?\s+for|state[ds]?|report(?:s|ed)?|note[ds]?|"
    r"highlight(?:s|ed)?|stress(?:es|ed)?|emphasi[sz](?:e|es|ed)|mention(?:s|ed)?|"
    r"suggest(?:s|ed)?|describ(?:e|es|ed)|argu(?:e|es|ed)|conclud(?:e|es|ed)|find|finds|found|"
    r"identif(?:y|ies|ied)|warn(?:s|ed)?|request(?:s|ed)?|discuss(?:es|ed)?|"
    r"talk(?:s|ed)?\s+about|speak(?:s)?\s+about|spoke\s+about)"
)
# The nouns for what a source said ("cepa recommendations on …").
SAYINGS = (
    r"(?:recommendations?|views?|positions?|advice|guidance|proposals?|findings?|conclusions?)"
)
# The nouns by which a question names the document it asks about ("in the cepa paper on …").
DOCUMENTS_NAMED = (
    r"(?:paper|report|study|survey|statement|speech|resolution|overview|note|plan|strategy|"
    r"index|benchmark|review|compendium|handbook|toolkit|guidelines)"
)
_ATTRIBUTIONS = (
    # "what does the escap annual report say": "say" first, as "report" and "note" are nouns too
    re.compile(
        r"\b(?:what|wat|how)\s+(?:did|does|do|has|have|had)\s+(?P<who>.{2,80}?)\s+(?:say|said|says)\b",
        re.I,
    ),
    # "what did cepa recommend …", "how does unctad describe …"
    re.compile(
        rf"\b(?:what|wat|how)\s+(?:did|does|do|has|have|had)\s+(?P<who>.{{2,80}}?)\s+{SAYING}\b",
        re.I,
    ),
    # "did bhutan mention …", "has cepa recommended …"
    re.compile(
        rf"^\W*(?:did|does|do|has|have)\s+(?P<who>.{{2,80}}?)\s+{SAYING}\b",
        re.I,
    ),
    # "cepa recommendations on …", "unctad's findings about …"
    re.compile(
        rf"^\W*(?P<who>[^\W\d][\w.'’ -]{{1,40}}?)(?:['’]s)?\s+{SAYINGS}\s+(?:on|about|for|regarding)\b",
        re.I,
    ),
    # "escap annual report on digital government", "the wsis report about the digital divide":
    # a document named where the question opens, with what is asked of it after "on"/"about"
    # (not one read "in" a document: "in the cepa paper on …" names "the cepa paper", below)
    re.compile(
        rf"^\W*(?!in\s)(?:the\s+)?(?P<who>[^\W\d][\w.'’ -]{{1,50}}?\s+{DOCUMENTS_NAMED}s?)\s+"
        r"(?:on|about|regarding|concerning)\b",
        re.I,
    ),
    # "in the cepa paper on leaving no one behind, what did france do …", "in escap's annual
    # report, …": the document the answer is to be read in, named where the question opens
    re.compile(
        rf"^\W*in\s+(?:the\s+)?(?P<who>[^,;:?]{{2,60}}?\s+{DOCUMENTS_NAMED})\b",
        re.I,
    ),
    # "escap annual report 2025 - what did india pledge?", "mongolia unga79 speech: anything on
    # gender?": a document named before a dash or colon that opens the question
    re.compile(
        rf"^\W*(?P<who>[^–—:?]{{0,60}}?\b{DOCUMENTS_NAMED}\b[^–—:?]{{0,30}}?)(?:\s+[-–—]|\s*:)\s",
        re.I,
    ),
    # "cepa on e-procurement of ai", "unctad re frontier tech?": a name that opens the question,
    # headline style, then what is asked of it. Only a name of a body or document counts here:
    # a country or group opening it ("korea on e-procurement") asks about its practice, which
    # others report too, not only for its own words (see :func:`attributed`)
    re.compile(
        r"^\W*(?:the\s+)?(?P<headline>[^\W\d][\w.'’-]{1,30}(?:\s+[\w.'’-]{1,30}){0,2}?)\s+"
        r"(?:on|about|re|regarding)\s",
        re.I,
    ),
    # "according to the escap annual report, …"
    re.compile(
        r"\baccording to\s+(?P<who>[^,;:?]{2,80}?)(?=\s*(?:[,;:?]|$|\s(?:on|about|what|how|is|are|does|did)\s))",
        re.I,
    ),
)

# Words that say what kind of document a source is, not whose it is ("the ESCAP annual report",
# "the CSTD resolution", "its General Debate statement"): they narrow the documents when some
# titles use them and are passed over when none does.
DOCUMENT_KINDS = frozenset(
    "report reports annual resolution resolutions decision draft plan strategy paper papers "
    "statement statements speech speeches address document documents study survey overview "
    "session sessions summary note letter profile publication edition index data dataset "
    "general debate latest new recent last".split()
)


# An ordinal or a number of years typed short: "2nd", "3yr", "5-yr", "10yrs".
_EDITION = re.compile(r"\d+-?(?:st|nd|rd|th|yrs?|y)", re.I)


@dataclass(frozen=True)
class Source:
    """Who or what the question quotes, and the documents that are theirs."""

    phrase: str  # as typed: "cepa", "unctad's tir 2025"
    documents: tuple[str, ...]  # doc ids
    titles: tuple[str, ...]  # their titles, in the same order
    # all the question typed to name the documents, when more than ``phrase``: a headline
    # naming a document by its kind and its subject ("sg report on the work of the org 2025")
    named_as: str = ""

    def without(self, question: str) -> str:
        """The question less the source's name: what is asked of its documents, which all
        answer to that name ("what did cepa say about mental health" -> "what did say about
        mental health")."""

        def typed(name: str) -> str:
            return rf"(?<!\w){re.escape(name)}(?!\w)"

        # the whole headline where the question types it (a follow-up's, made standalone, may
        # type the source's name alone)
        named = self.named_as and re.search(typed(self.named_as), question, re.I)
        pattern = typed(self.named_as if named else self.phrase)
        rest = re.sub(pattern, " ", question, count=1, flags=re.I)
        return " ".join(rest.split())

    @property
    def unheard(self) -> bool:
        """A country whose words were asked for, with no document of its own to quote."""
        return not self.documents

    def describe(self) -> str:
        count = len(self.documents)
        return f"from {self.phrase} ({count} document{'s' if count != 1 else ''})"


def named_source(
    question: str, expansions: dict[str, str], documents: dict[str, DocumentRecord]
) -> Source | None:
    """The source ``question`` attributes its answer to and the documents that are its, or None.

    Every name in the source phrase must be matched by a document: a country, by a document by
    that country alone or whose title or file names it; a group of countries, by a document by
    one of its members alone; an acronym, by itself or the name the documents give it
    (``expansions``) in the title, file name or symbol; any other word of a name likewise.
    A year must be the document's (or in its title) when the document's is known. Words naming
    a kind of document ("annual report") narrow the match when some matching titles use them.
    A phrase must name someone (see :func:`_name_like`): "what do experts say" names nobody."""
    phrase = attributed(question) or _headline_document(question, expansions)
    if phrase is None:
        return None
    source = _source_of(phrase, expansions, documents)
    if source is None or not source.documents:
        return source
    return _with_subject(question, source, expansions, documents)


def _with_subject(
    question: str, source: Source, expansions: dict[str, str], documents: dict[str, DocumentRecord]
) -> Source:
    """``source`` named in a headline that goes on to say what its document is on before a
    colon or a dash ("sg report on the work of the org 2025: how many …", "sg's 2025 report on
    wsis implementation: what …"): those words name the document, they are not what is asked
    of it. Its documents are those whose names hold them (and its year), when some do; what is
    asked is what follows the headline."""
    match = _HEADLINE.match(question)
    if match is None:
        return source
    headline = match.group("who").strip()
    folded_headline, folded_phrase = fold(headline), fold(source.phrase)
    at = folded_headline.find(folded_phrase)
    if at < 0:
        return source
    subject = folded_headline[at + len(folded_phrase) :].split()
    if not subject or subject[0] not in {"on", "about", "regarding", "concerning", "of", "for"}:
        return source  # the headline says no more of the document than its name
    if _CLAUSE.search(" ".join(subject)):
        return source  # "the cepa paper on … has a nepal example -": a clause, asking
    folded = {fold(k): fold(v) for k, v in expansions.items()}
    years = {int(y) for y in YEAR.findall(" ".join(subject))}
    names = [
        w
        for w in subject[1:]
        if w not in STOPWORDS and w not in DOCUMENT_KINDS and not w.isdigit() and len(w) > 1
    ]
    own = [documents[d] for d in source.documents if d in documents]
    chosen = [d for d in own if all(_names(d, w, folded) for w in names) and _in_years(d, years)]
    if not chosen:
        return source  # no document's name holds the words: they say what is asked, not whose
    return Source(
        phrase=source.phrase,
        documents=tuple(d.doc_id for d in chosen),
        titles=tuple(d.title for d in chosen),
        named_as=headline,
    )


# A headline that opens a question before a colon or a dash ("unctad tir 2025: how big …").
_HEADLINE = re.compile(r"^\W*(?P<who>[^–—:?]{2,60}?)(?:\s+[-–—]|\s*:)\s")
# A word naming a kind of document, in a name an acronym stands for ("Technology and Innovation
# Report").
_DOCUMENT_KIND = re.compile(rf"\b{DOCUMENTS_NAMED}\b", re.I)


def _headline_document(question: str, expansions: dict[str, str]) -> str | None:
    """The headline ``question`` opens with before a colon or a dash, when a word of it is an
    acronym the documents give a document's name ("tir": Technology and Innovation Report):
    "unctad tir 2025: how big is the ai market by 2033?" names its document as "unctad's
    technology and innovation report 2025 - …" would (see :data:`_ATTRIBUTIONS`)."""
    match = _HEADLINE.match(question)
    if match is None:
        return None
    who = match.group("who")
    names = {fold(k): v for k, v in expansions.items()}
    if any(_DOCUMENT_KIND.search(names.get(word, "")) for word in fold(who).split()):
        return who.strip()
    return None


def named_by_acronym(
    question: str, expansions: dict[str, str], documents: dict[str, DocumentRecord]
) -> Source | None:
    """The documents of the first body ``question`` types by its acronym ("CEPA", "UNCTAD",
    "ESCAP") that the collections hold documents of, for a question in another language, whose
    way of attributing ("CEPA는 … 권고했나", "в документе CEPA") is not English's. An acronym
    that is only a group of countries ("LDC", "SIDS") names no source."""
    folded = {fold(k): fold(v) for k, v in expansions.items()}
    for acronym in dict.fromkeys(re.findall(r"(?<![\w-])[A-Z]{3,}(?![\w-])", question)):
        found = _source_of(acronym, expansions, documents)
        if found is not None and found.documents and not country_names.in_question(acronym):
            groups = find_groups(acronym)
            if not groups or _names_documents(fold(acronym), folded, documents):
                return found
    return None


def _source_of(
    phrase: str, expansions: dict[str, str], documents: dict[str, DocumentRecord]
) -> Source | None:
    """The documents that are the source ``phrase`` names (see :func:`named_source`)."""
    by_symbol = _by_symbol(phrase, documents)
    if by_symbol:  # "the ldc report (a/80/82)": a UN symbol names its document outright
        return Source(
            phrase=phrase.strip(),
            documents=tuple(d.doc_id for d in by_symbol),
            titles=tuple(d.title for d in by_symbol),
        )
    plain = re.sub(r"(?<=[^\W\d_])['’]s\b", "", phrase)
    folded_expansions = {fold(k): fold(v) for k, v in expansions.items()}
    # an edition or a span of years typed short ("3yr", "2nd") describes the document, unless
    # a document is known by it ("5g", "4ir" and "g77" are names, and kept)
    plain = " ".join(
        w
        for w in plain.split()
        if not _EDITION.fullmatch(w.strip(",.;:"))
        or any(_names(d, fold(w), folded_expansions) for d in documents.values())
    )
    countries = country_names.in_question(plain)
    leftover = without_names(fold(plain), (n for c in countries for n in country_names.names(c)))
    # a group that is also a body with documents of its own ("ESCAP", "OECD") is the body
    groups = [] if countries else find_groups(plain)
    if groups and not _names_documents(leftover, folded_expansions, documents):
        leftover = without_names(leftover, (n for g in groups for n in g.names))
    else:
        groups = []
    years = {int(y) for y in YEAR.findall(plain)}
    # "2024-25": the edition of a report that spans two years
    for first, second in re.findall(r"\b((?:19|20)\d\d)\s*[-–/]\s*(\d\d)\b", plain):
        years.add(int(first[:2] + second))
    words = [
        w
        for w in leftover.split()
        if w not in STOPWORDS
        and not w.isdigit()
        and len(w) > 1
        and w not in {"its", "their"}
        and not MEETING_NAME.match(w)  # "unga79": where it was said, not whose words
    ]
    names = [w for w in words if w not in DOCUMENT_KINDS]
    kinds = [w for w in words if w in DOCUMENT_KINDS]
    if not (countries or groups or any(_name_like(w, phrase, folded_expansions) for w in names)):
        # "what did it say", "what does the report say", "what do experts say", "what has the
        # government said": nobody named
        return None
    profiles = "profile" in kinds  # "what does the maldives profile say"
    matched = [
        doc
        for doc in documents.values()
        if _by_countries(doc, countries, profiles=profiles)
        and _by_groups(doc, groups)
        and all(_names(doc, w, folded_expansions) for w in names)
        and _in_years(doc, years)
    ]
    if not matched:
        if countries and not groups and not names:
            # a country's own words asked for ("what did myanmar say about …") that no document
            # of the collections holds (no statement by it): what others say about it is not
            # its words, so nothing is theirs to quote
            return Source(phrase=phrase.strip(), documents=(), titles=())
        return None
    # a body's own documents before those about it ("Appointment of members to the Committee
    # …" holds biographies, not what the Committee said); the latter only when there are no others
    own = [doc for doc in matched if not _about(doc, names, folded_expansions)] or matched
    narrower = [doc for doc in own if any(k in _name_text(doc).split() for k in kinds)]
    chosen = narrower or own
    return Source(
        phrase=phrase.strip(),
        documents=tuple(d.doc_id for d in chosen),
        titles=tuple(d.title for d in chosen),
    )


def conversation_source(
    question: str,
    last: str,
    expansions: dict[str, str],
    documents: dict[str, DocumentRecord],
) -> Source | None:
    """The source the conversation's last turn named (``last``: its question made standalone),
    for a follow-up that names none: the document a conversation is about is still the one
    asked about. Not when the source was named by its countries and the follow-up names others
    ("did singapore offer anything?" after a question on the Maldives' statement asks for
    Singapore's words, not the Maldives')."""
    source = named_source(last, expansions, documents) or _symbol_source(last, documents)
    if source is None:
        return None
    named = set(country_names.in_question(question))
    speakers = set(country_names.in_question(source.phrase))
    if named and speakers and not named & speakers:
        return None
    return source


def _symbol_source(question: str, documents: dict[str, DocumentRecord]) -> Source | None:
    """The one document ``question`` names by its UN symbol wherever it stands ("e/2025/l.24 -
    when is cepa's next session?"), as a source, or None. The question itself is searched in it
    already (retrieval reads symbols); a follow-up is kept to it by this."""
    symbols = un_symbols(question.upper())
    named = _by_symbol(symbols[0], documents) if len(symbols) == 1 else []
    if len(named) != 1:
        return None
    return Source(phrase=symbols[0], documents=(named[0].doc_id,), titles=(named[0].title,))


def _by_symbol(phrase: str, documents: dict[str, DocumentRecord]) -> list[DocumentRecord]:
    """The documents whose UN symbol the phrase names, typed in any case ("e/2025/9/add.13")."""
    symbols = un_symbols(phrase.upper())
    if not symbols:
        return []
    patterns = [re.compile(rf"(?<![\w/.]){re.escape(s)}(?![\w/])", re.I) for s in symbols]
    return [
        d
        for d in documents.values()
        if any(p.search(f"{d.symbol or ''} {d.title}") for p in patterns)
    ]


def _name_like(word: str, phrase: str, expansions: dict[str, str]) -> bool:
    """Whether a word of the source phrase names someone: typed with a capital ("Committee",
    "CEPA"), an acronym the documents define, or no English word ("cepa", "unctad", "tir")."""
    typed = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", phrase, re.I)
    if typed and typed.group(0)[:1].isupper():
        return True
    return word in expansions or not country_names.is_english_word(word)


def without_names(text: str, names: Iterable[str]) -> str:
    """``text`` (folded) with each of ``names`` taken out as whole words."""
    for name in names:
        text = re.sub(rf"\b{re.escape(fold(name))}\b", " ", text)
    return text


def _names_documents(
    text: str, expansions: dict[str, str], documents: dict[str, DocumentRecord]
) -> bool:
    """Whether some document's title or file name holds every word of ``text`` that names."""
    words = [w for w in text.split() if w not in STOPWORDS and w not in DOCUMENT_KINDS]
    words = [w for w in words if not w.isdigit() and len(w) > 1]
    return bool(words) and any(
        all(_names(doc, w, expansions) for w in words) for doc in documents.values()
    )


# A speaker is a name, not a clause: these words in it mean the phrase ran past the speaker.
_CLAUSE = re.compile(r"\b(?:that|which|who|have|has|had|is|are|was|were|do|does|did)\b", re.I)


def attributed(question: str) -> str | None:
    """The phrase a question attributes its answer to ("cepa" in "what did cepa say"), or None."""
    for pattern in _ATTRIBUTIONS:
        match = pattern.search(question)
        if match:
            headline = "headline" in pattern.groupindex
            who = match.group("headline" if headline else "who").strip(" ,;:")
            if headline and (
                country_names.in_question(who)
                or find_groups(who)
                or not any(_name_like(w, who, {}) for w in re.findall(r"[^\W\d_][\w.'’-]*", who))
            ):
                continue  # "what about nepal", "any info on …": nobody named
            if who.lower() in {"it", "they", "he", "she", "this", "that", "you", "we", "i"}:
                continue
            if _CLAUSE.search(who):
                continue  # "does fiji have a plan that mentions …": not a speaker
            return who
    return None


def _name_text(doc: DocumentRecord) -> str:
    """What a document is known by: its title, file name, symbol and the UN body it is issued
    to (a paper put before CEPA is CEPA's), folded."""
    return _folded(doc.title, doc.source, doc.symbol or "", doc.body or "")


@lru_cache(maxsize=65536)
def _folded(*parts: str) -> str:
    return f" {fold(' '.join(parts))} "


@lru_cache(maxsize=65536)
def _spells(acronym: str, title: str) -> bool:
    return acronym_in(acronym, title)


def _by_countries(doc: DocumentRecord, countries: Iterable[str], *, profiles: bool = False) -> bool:
    """A country's document: by it alone (its statement) or, when the catalogue lists no
    countries for it, named in its title or file name ("italy-ict-plan", a national plan). A
    country profile is about the country, built from indicator data: it holds nothing the
    country said, and counts only when the question names a profile (``profiles``)."""
    for code in countries:
        if (doc.collection == "profile") != profiles:
            return False
        if doc.countries == [code]:
            continue
        if doc.countries and code not in doc.countries:
            return False  # "Republic of Korea" is in the DPRK's title, not in its countries
        text = _name_text(doc)
        if not any(f" {fold(n)} " in text for n in country_names.names(code)):
            return False
    return True


def _by_groups(doc: DocumentRecord, groups: list) -> bool:  # type: ignore[type-arg]
    """A group's documents: those by one of its members alone ("what did the pacific islands
    say": their statements), profiles aside (see :func:`_by_countries`)."""
    if groups and doc.collection == "profile":
        return False
    return all(len(doc.countries) == 1 and doc.countries[0] in g.members for g in groups)


def _names(doc: DocumentRecord, word: str, expansions: dict[str, str]) -> bool:
    """Whether ``word`` names ``doc``: it is in the title, file name or symbol, or is an acronym
    of the title ("dgi": "Digital Government Index"; "tir": "Technology and Innovation Report")
    or stands for a name the title holds (``expansions``, learned from the documents); an
    acronym defined there is matched by its definition only ("CEPA" is not spelt by "Central
    Public Administration")."""
    text = _name_text(doc)
    if f" {word} " in text:
        return True
    if len(word) >= SHORTENED and f" {word}" in text:
        return True  # a name shortened as people type it: "egov" for "eGovernment"
    name = expansions.get(word)
    if name and f" {name} " in text:
        return True
    # an acronym the documents define is known by that name; one they do not ("tir") may be
    # spelt by the title's words
    short = len(word) <= 6 and not country_names.is_english_word(word)
    return short and name is None and _spells(word.upper(), doc.title)


# The fewest letters a word shortened from a title's word keeps ("egov", "govt" is not one:
# shortenings that drop letters from inside are not matched).
SHORTENED = 4


# Words that, just before a body's name in a title, make the body what the document acts on
# rather than who wrote it: "Appointment of members to the Committee", "Nominations for the
# Board", "Note on the Commission", "reports submitted … through the Secretary-General" (who
# passes them on). "of" is not among them: "Report of the Committee" is its own.
ACTED_ON = frozenset("to for on about into regarding concerning through".split())


def _about(doc: DocumentRecord, names: list[str], expansions: dict[str, str]) -> bool:
    """Whether ``doc`` is about the source rather than by it: it was not issued to the body
    (``doc.body``), and in its title the source's name (its first word there, or the name an
    acronym stands for) comes after a word in :data:`ACTED_ON` (the body as the object of what
    the document does: "Appointment of members to the Committee of Experts on …")."""
    title = _folded(doc.title)
    body = _folded(doc.body or "")
    spellings = [[n for n in (w, expansions.get(w)) if n] for w in names]
    if not names or any(f" {n} " in body for spelt in spellings for n in spelt):
        return False
    # the words before each name's first place in the title; the earliest name's are read
    befores = []
    for word, spelt in zip(names, spellings, strict=True):
        found = [title.index(f" {n} ") for n in spelt if f" {n} " in title]
        if found:
            befores.append(title[: min(found)].split())
            continue
        # an acronym no document defines, spelt by the title's initials ("sg": "… addressed to
        # the Secretary-General")
        spelt_by = words_before_acronym(word, doc.title) if len(spelt) == 1 else None
        if spelt_by is None:
            return False  # named by its file name or symbol: nothing to read from the title
        befores.append(spelt_by)
    before = min(befores, key=len)
    while before and before[-1] in {"the", "a", "an"}:
        before.pop()
    return bool(before) and before[-1] in ACTED_ON


def _in_years(doc: DocumentRecord, years: set[int]) -> bool:
    """A year the source names is the document's, or in its title; a document whose year is not
    known is not excluded by one."""
    if not years or doc.year is None:
        return True
    return doc.year in years or any(str(y) in doc.title for y in years)
