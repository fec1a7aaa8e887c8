"""What of a passage's text states something: its sentences as an extractive answer reads them
(:func:`sentences_of`), without the page furniture, reference entries, table cells, lists of
contents and running heads a PDF's text layer holds. Ingestion stores their vectors
(:class:`assistant.storage.vectors.SentenceVectors`), answers choose from them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence

from assistant.models import Chunk, DocumentRecord, Passage
from assistant.text import SYMBOL_FONT_BULLETS, UN_SYMBOL, sentence_spans


def _clean(text: str) -> str:
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # hyphenation across lines
    # list bullets; one of a symbol font may touch its item ("\uf0a7Standardised …"), an
    # asterisk may not ("*2512003*", a masthead's bar code)
    text = re.sub(rf"^\s*(?:[-•*▪]\s+|[{SYMBOL_FONT_BULLETS}]\s*(?=\S))", "", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(";")


# "(4) OECD (2020), Digital Government Index (DGI): 2019 Results.", "[17] Welby, B. (2019), …":
# an entry of a reference list.
_REFERENCE = re.compile(
    r"^\W{0,3}[(\[]?\d{1,3}[)\].]?\s+[A-Z][^()]{0,120}\((19|20)\d\d[a-z]?\)[,.:]"
)


# A note that sends the reader elsewhere by a web address ("See https://…", "37 For examples, see
# https://…", "Available at https://…"), or a line that is mostly web addresses: it points to a
# source, it says nothing itself.
_POINTER = re.compile(
    r"^\W{0,3}\d{0,3}\W{0,3}(?:for (?:an )?examples?,?\s+)?(?:see|available at|retrieved from)\b",
    re.I,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
# Letters a line must keep outside its web addresses to say something.
POINTER_LETTERS = 40


def _points_elsewhere(sentence: str) -> bool:
    """A pointer to another source (see :data:`_POINTER`) with a web address in it, or a line
    whose web addresses make up most of it, with fewer than POINTER_LETTERS letters besides
    ("The portal (www.gov.sg) now lists 1,200 services." states something)."""
    addresses = _URL.findall(sentence)
    if not addresses:
        return False
    if _POINTER.match(sentence):
        return True
    rest = _URL.sub(" ", sentence)
    mostly = sum(map(len, addresses)) > len("".join(rest.split()))
    return mostly and sum(ch.isalpha() for ch in rest) < POINTER_LETTERS


# A row of a table of works as ingest/sheets.py stores it ("year: 2014; title: …; authors: …;
# abstract: In 2011, …"): "label: value" cells between semicolons, a title and an author among them.
_CELL = re.compile(r"(?:^|;\s+)([a-z][a-z _]{1,30}):\s", re.I)
_RECORD_LABELS = ({"title"}, {"author", "authors"})
# The cells of such a row that hold prose: what its sentences quote.
_PROSE_CELLS = frozenset({"abstract", "summary", "description"})


def _is_record(text: str) -> bool:
    """Whether a passage is rows of a table of works (see :data:`_CELL`)."""
    labels = {m.group(1).lower() for m in _CELL.finditer(text[:2000])}
    return bool(_CELL.match(text)) and all(labels & wanted for wanted in _RECORD_LABELS)


def _prose_of_cells(sentence: str) -> str | None:
    """What of a sentence of a record's row reads as prose: the value of its last cell when that
    cell is a prose one (see :data:`_PROSE_CELLS`: an abstract's first sentence); None when the
    sentence is labels and values only. A sentence with no cell is returned whole (an abstract's
    later sentences)."""
    labels = list(_CELL.finditer(sentence))
    if not labels:
        return sentence
    last = labels[-1]
    return sentence[last.end() :].strip() if last.group(1).lower() in _PROSE_CELLS else None


# The symbols a UN document prints at the top of its pages, read as the start of a sentence.
_LEADING_SYMBOLS = re.compile(rf"^(?:\s*{UN_SYMBOL.pattern}(?:\s*[-–]\s*{UN_SYMBOL.pattern})?)+\s*")
# A page's footnote: its number, then the document it cites and little else ("1 A/HRC/17/31,
# annex."), the Official Records, "Ibid." or "See ...": it states nothing (read on from a sentence
# a page break cut, it is what the text layer puts next).
_FOOTNOTE = re.compile(
    rf"^\d{{1,3}}\s+(?:(?:{UN_SYMBOL.pattern})(?:,?\s*(?:annex|para|paras|chap|sect|and Corr)"
    rf"[\w\s.,]{{0,20}})?\.?$|Official Records\b|Ibid\b|See\s)"
)
# A note that cites a published work, as UN documents print their references at a page's foot:
# its number, then the work ("10 World Economic Forum, The Global Risks Report 2025 (Geneva,
# 2025).", "37 Dustin Mulvaney, “Opening the black box …”, Science as Culture, vol. 22, No. 2
# (2013).", "31 See, generally, Priya Urs, “The Elusiveness …”"): a place or publisher and the
# year in brackets closing it, a journal's volume, or a title in quotation marks with the
# publication after a comma; always after an author named in capitalised words and a comma
# (`_AUTHOR`: "45 Member States adopted … (United Nations, 2024)." is a claim, its words run on in
# lower case; "9 Ocean Action panel 1, “…” 2nd plenary meeting" is a programme's line).
# It tells where a claim comes from, not the claim (a sentence citing a source in its own
# words, "… (OECD, 2014).", opens with no note number and stays).
_AUTHOR = (
    r"[A-Z“\"(][\w’'.\-()&]*(?:\s+(?:[A-Z“\"(][\w’'.\-()&]*|and|of|for|the|on|in|others|de|van|"
    r"von|du|la|des|et|al\.?))*"
)
_CITED_WORK = re.compile(
    rf"^\d{{1,3}}\s+(?:(?:See|Cf\.),?\s+(?:[a-z]+(?:\s+[a-z]+)?,\s+)?)?{_AUTHOR},\s+"
    r"(?:.{0,400}(?:\([^()]{0,60},\s*(?:19|20)\d\d\)|,\s+vol\.\s+\d+.{0,40}\((?:19|20)\d\d\))\.?$"
    r"|“[^”]{5,}”(?:[,.;]|\s*\(|$))"
)
# An entry of a list of contents, figures or tables: its page number and the next entry's label
# ("The six dimensions of the DGI, OECD average 14 Figure 4.") or dot leaders ("Annex ..... 12",
# and "B. Consideration of the topic ........" whose page number the next line holds): five dots
# in a row closing a line are a leader, never an ellipsis.
_CONTENTS_ENTRY = re.compile(
    r"\s\d{1,3}\s+(Figure|Table|Box|Chapter|Annex|Section|Part)\s+[\dA-Z]{1,3}[.:]?$|\.{4,}\s*\d{1,3}$"
    r"|(?:\.\s?){5,}\d{0,3}\s*$"
)


def _mostly_figures(sentence: str) -> bool:
    """Cells of a table read as a line ("Implementation3 1.0 0.5 0.3 0.6 ..."): ten words or
    more, over half of them numbers; or the fields of a data file's rows as stored
    ("2022,ZAF,South Africa,B,0.562,0.603,..."): five or more fields between commas with no
    space after them, over half of them numbers."""
    words = sentence.split()
    numbers = sum(bool(re.fullmatch(r"[\d.,%()+\-–]+", w)) for w in words)
    if len(words) >= 10 and numbers > 0.5 * len(words):
        return True
    fields = re.split(r",(?=\S)", re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", sentence))
    figures = sum(bool(re.fullmatch(r"\s*[\d.%()+\-–]+\s*", f)) for f in fields)
    return len(fields) >= 5 and figures > 0.5 * len(fields)


def _running_head(sentence: str, title: str) -> int:
    """Length of a running head at the start of ``sentence``: the document's title (its first
    five words or more; in another case only beside a page number: a cover's "LABOUR FORCE IN
    SINGAPORE 2022" is printed "Labour Force in Singapore 2022 |05|" atop its pages) and the
    page number after it; 0 when there is none."""
    words = title.split()
    if len(words) < 5:
        return 0
    # the page number may come first, and be printed between bars ("|03|")
    number = re.match(r"\|?(?:\d{1,4}|[ivxlc]{1,6})\|?\s+", sentence)
    start = number.end() if number else 0
    for size in range(len(words), 4, -1):
        prefix = " ".join(words[:size])
        head = sentence[start : start + len(prefix)]
        if head.casefold() != prefix.casefold():
            continue
        rest = sentence[start + len(prefix) :]
        # in another case than the title's only with a page number beside it (before it, or
        # right after it): prose may open with the title's words ("Digital government in the
        # Pacific islands has …")
        if head != prefix and not (number or re.match(r"\s*\|?\d{1,3}\|?\s+", rest)):
            continue
        extra = re.match(r"\s*(?:[A-Za-z]+\s+)?\|?(?:\d{1,4}|[ivxlc]{1,6})\|?\s+", rest)
        return start + len(prefix) + (extra.end() if extra else 0)
    return 0


# The rule above a page's footnotes, as UN documents print it.
_FOOTNOTE_RULE = re.compile(r"_{5,}")
_FURNITURE = re.compile(r"©|\(c\) \w+ (19|20)\d\d|all rights reserved", re.I)
# A UN document's masthead, on its first page: the job number printed as a bar code
# ("*2512003*"), the distribution line ("Distr.: General 17 July 2025"), the organ and symbol
# ("United Nations E/2025/L.23"), and what opens on the job number as the foot of the page
# prints it ("25-02825 (E) 240225", "GE.25-05965 (E) Human Rights Council … Provisional agenda":
# the masthead's lines, read after it). It states nothing.
_MASTHEAD = re.compile(
    r"\*\d{7}\*|\bDistr\.:\s|^United Nations\s+(?:[A-Z]+/)+[\w./-]*$|^(?:GE\.)?\d{2}-\d{5}\s*\([A-Z]\)",
    re.I,
)


def _shouted(sentence: str) -> bool:
    """Mostly capitals: a running head or title line, not a statement."""
    letters = [ch for ch in sentence if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) > 0.7 * len(letters)


def _furniture(sentence: str) -> bool:
    """Whether a line of a page is no statement, whatever its document: too short (but a short
    row with figures), a running head or footer ("26  2023 OECD DIGITAL GOVERNMENT INDEX ©
    OECD"), a masthead, a reference-list entry, cells of a table read as a line, a pointer to
    another source, a footnote."""
    too_short = len(sentence) < 25 or sum(ch.isalpha() for ch in sentence) < len(sentence) * 0.4
    if too_short and (not re.search(r"\d", sentence) or len(sentence) < 12):
        return True
    if _FURNITURE.search(sentence) or _MASTHEAD.search(sentence) or _shouted(sentence):
        return True
    if _REFERENCE.match(sentence) or _mostly_figures(sentence) or _points_elsewhere(sentence):
        return True
    return bool(_FOOTNOTE.match(sentence))


def states_nothing(sentence: str) -> bool:
    """Whether a sentence, read without its passage, states nothing an answer could quote: page
    furniture (see :func:`_furniture`) or an entry of a list of contents ("Future work of the
    Committee ........"), which :func:`sentences_of` never gives, or a note that cites a work
    (:func:`cites_a_work`). The multilingual sentence index holds every sentence of a page
    (:func:`assistant.storage.vectors.indexed_sentences`); such lines are near any question
    there (hubs) and find nothing an answer could quote."""
    return _furniture(sentence) or bool(_CONTENTS_ENTRY.search(sentence)) or cites_a_work(sentence)


def cites_a_work(sentence: str) -> bool:
    """Whether a sentence is a note citing a published work (see :data:`_CITED_WORK`): it says
    where something was said, never what, so no answer quotes it. :func:`sentences_of` still
    gives it (the sentences it gives are numbered, and stored by their number:
    :data:`SENTENCES_VERSION`); :func:`quotable_sentences` passes it over."""
    return bool(_CITED_WORK.match(sentence))


def quotable_sentences(passage: Passage) -> Iterator[tuple[int, int, int, str]]:
    """The sentences of :func:`sentences_of` an answer or a brief may quote, each with its
    number there (a stored sentence vector is found by it: :func:`sentence_id`): all but the
    notes that cite a work (:func:`cites_a_work`)."""
    for n, (start, end, text) in enumerate(sentences_of(passage)):
        if not cites_a_work(text):
            yield n, start, end, text


def sentences_of(passage: Passage, limit: int = 40) -> list[tuple[int, int, str]]:
    chunk = passage.chunk
    out = []
    record = _is_record(chunk.text)
    for s, e in sentence_spans(chunk.text)[:limit]:
        footnotes = _FOOTNOTE_RULE.search(chunk.text, s, e)
        if footnotes:  # "... the audit institutions __________ 6 Official Records of ...": the
            e = footnotes.start()  # page's footnotes begin at the rule; the sentence ends there
            while e > s and chunk.text[e - 1].isspace():
                e -= 1
        sentence = _clean(chunk.text[s:e])
        if _furniture(sentence):
            continue
        if record:
            # a row of a table of works ("year: 2014; title: …; doi: …; abstract: In 2011, …"):
            # its labels and values state nothing (a download count is no figure of an
            # answer); its abstract does
            prose = _prose_of_cells(sentence)
            if not prose:
                continue
            found = chunk.text.find(prose[:20], s, e)
            s = found if found >= 0 else s
            sentence = prose
        if _CONTENTS_ENTRY.search(sentence):
            continue  # a line of a list of contents points at a page, it says nothing
        if chunk.section and same_words(sentence, chunk.section):
            continue  # the heading the passage sits under labels it, it states nothing
        symbols = _LEADING_SYMBOLS.match(sentence)
        if symbols and not sentence[symbols.end() :][:1].islower():
            # "E/2025/39 ESCAP/81/32 The Commission ...": the page's header first ("A/80/82
            # provides ..." is a statement about the document, and stays)
            rest = sentence[symbols.end() :]
            if len(re.findall(r"[a-z]", rest)) < 3:
                continue  # nothing but symbols: no statement
            found = chunk.text.find(rest[:20], s, e)
            s = found if found >= 0 else s
            sentence = rest
        head = _running_head(sentence, passage.document.title)
        if head:  # "Technology and Innovation Report 2025 … Overview 9 Figure 6 Developed …"
            sentence = sentence[head:].strip()
            if len(sentence) < 25:
                continue
            found = chunk.text.find(sentence[:20], s, e)  # where the rest starts on the page
            s = found if found >= 0 else s
        out.append((chunk.start + s, chunk.start + e, sentence))
    return out


# What :func:`sentences_of` reads a passage as: raise it when a change of it changes any
# sentence it gives, and ingestion stores every document's sentence vectors again.
SENTENCES_VERSION = 4


def sentence_id(chunk_id: str, n: int, text: str) -> str:
    """The id a passage's ``n``-th sentence (of :func:`sentences_of`), ``text``, is stored
    under. Its text is part of it, so an id never stands for another sentence: not when a
    document changes, nor for a process that still holds an older version of the store."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
    return f"{chunk_id}~{n}~{digest}"


def answer_sentences(
    document: DocumentRecord, chunks: Sequence[Chunk]
) -> list[tuple[str, list[str]]]:
    """Each passage's id with the sentences an answer chooses from in it (:func:`sentences_of`):
    what ingestion embeds and stores (:class:`assistant.storage.vectors.SentenceVectors`)."""
    return [
        (chunk.chunk_id, [text for _, _, text in sentences_of(Passage(chunk, document))])
        for chunk in chunks
    ]


def same_words(a: str, b: str) -> bool:
    """Whether two lines hold the same words (case, punctuation and numbering aside)."""

    def words(text: str) -> list[str]:
        return re.findall(r"[^\W\d_]+", text.lower())

    return words(a) == words(b)
