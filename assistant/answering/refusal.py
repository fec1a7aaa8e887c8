"""The answer when the documents do not answer: what was searched, what was missing, and the
closest material, cited, so the reader can look for themselves."""

from __future__ import annotations

from assistant import countries as country_names
from assistant import crosslingual
from assistant.answering.citations import passage_citation
from assistant.answering.extractive import Extraction
from assistant.answering.sources import Source
from assistant.language import language_name, question_language
from assistant.models import Answer, Filters, Passage, page_words


def describe_scope(filters: Filters, source: Source | None = None) -> str:
    """Where a search looked, in words ("documents about Fiji within the un-docs collections";
    "the 3 documents from cepa: …" when the question named whose words it asks for)."""
    parts = []
    if source is not None and source.unheard:
        who = ", ".join(country_names.name(c) for c in country_names.in_question(source.phrase))
        parts.append(
            f"for the words of {who or source.phrase}: no document in the collections is theirs (a "
            "statement, letter or report by them), and what others say of them is not their words"
        )
    elif source is not None:
        titles = "; ".join(source.titles[:3]) + ("; …" if len(source.titles) > 3 else "")
        count = len(source.documents)
        parts.append(
            f"the {'document' if count == 1 else f'{count} documents'} from {source.phrase} "
            f"({titles})"
        )
    if filters.countries:
        parts.append(
            "documents about " + ", ".join(country_names.name(c) for c in filters.countries)
        )
    if filters.collections:
        parts.append("the " + ", ".join(filters.collections) + " collections")
    if filters.year_from or filters.year_to:
        parts.append(f"years {filters.year_from or '…'}–{filters.year_to or '…'}")
    if filters.documents and source is None:
        parts.append(f"{len(filters.documents)} selected documents")
    return " within ".join(parts) if parts else "all collections (no filters)"


def refusal(
    question: str,
    filters: Filters,
    passages: list[Passage],
    extraction: Extraction,
    *,
    absent_topic: str | None = None,
    named_in: list[str] | None = None,
    lacks: str | None = None,
    language: str | None = None,
    source: Source | None = None,
) -> Answer:
    """``absent_topic``: the question's specific word that the best sentences found lack (they
    share a name with the question but are about something else); ``lacks``: what the question
    asks for ("a figure", "a date") that the best sentences found do not give; ``language``: the
    language the question was read as (ISO 639-1; "" when too short to tell), when the
    passages found share no word with it."""
    scope = describe_scope(filters, source)
    text = f"The documents do not answer this question. I searched {scope}"
    if language is not None:
        name = language_name(language or None)
        text += (
            f": I read the question as {name}, and the passages found are in another "
            "language and share none of its words, so nothing shows they answer it. Questions "
            "about the documents are not translated yet: ask in English (names and acronyms "
            f"such as EGDI or CEPA can stay as typed); questions on indicator figures are "
            f"understood in {name} too"
        )
        said = crosslingual.labels(language).get("unread")
        if said:
            text = f"{said}\n\n{text}"  # the reader's language first, the English for staff
    elif absent_topic:
        named = ", ".join(dict.fromkeys(named_in or []))
        about = f"mention {named}" if named else "match the question's names"
        text += f": they {about}, but none of the passages found says anything on {absent_topic!r}"
    elif lacks:
        best = extraction.evidence[0].text if extraction.evidence else ""
        text += f": the closest passages are on the subject but give no {lacks.split()[-1]} for it"
        if best:
            text += f' (the nearest sentence: "{best}")'
    elif extraction.missing:
        text += f", and found nothing that mentions {', '.join(repr(m) for m in extraction.missing[:3])} in that context"
    text += "."
    citations = [passage_citation(i + 1, p) for i, p in enumerate(passages[:3])]
    if citations:
        closest = "; ".join(
            f"{c.title}{f', {page_words(c.page, c.page_label)}' if c.page else ''} [{c.n}]"
            for c in citations
        )
        text += f" The closest material: {closest}."
    if language is None:
        # that nothing answers, said first in the reader's language; the details after it,
        # for staff, in English (the "unread" refusal above says its own)
        reader = question_language(question)
        said = crosslingual.labels(reader).get("no_answer")
        if said and not country_names.mostly_english(question):  # "who chaired apfsd 12?"
            text = f"{said}\n\n{text}"
    return Answer(
        question=question, answer=text, grounded=False, citations=citations, kind="refusal"
    )
