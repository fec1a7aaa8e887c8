"""Countries compared in the documents: the same topic searched once per country, the best
sentences quoted for each, and a plain "no evidence" for a country the documents are silent on."""

from __future__ import annotations

import re

from assistant import countries as country_names
from assistant.answering import extractive
from assistant.answering.citations import evidence_citation, quoted
from assistant.answering.context import Access, AnswerContext, Run
from assistant.models import Answer, Citation, Filters


def answer(
    question: str,
    codes: list[str],
    filters: Filters,
    access: Access,
    context: AnswerContext,
    run: Run,
) -> Answer:
    """Compare up to four of ``codes`` (ISO3) on the topic of ``question``."""
    codes = codes[:4]
    topic = strip_countries(question, codes)
    parts: list[str] = []
    citations: list[Citation] = []
    found_any = False
    for code in codes:
        scoped = filters.model_copy(update={"countries": [code]})
        passages = context.retriever.search(topic, scoped, k=4, access=access)
        run.retrieved.extend(passages)
        extraction = extractive.extract(
            topic,
            passages,
            context.embedder,
            max_sentences=2,
            document_text=context.document_text,
            next_chunk=context.next_chunk,
            stored=context.sentence_vectors,
        )
        name = country_names.name(code)
        weak = extraction.best_score < context.settings.refusal_threshold
        if not extraction.evidence or weak:
            parts.append(f"**{name}**: no evidence found for {name} in the documents.")
            continue
        found_any = True
        sentences = []
        for evidence in extraction.evidence:
            citations.append(evidence_citation(len(citations) + 1, evidence))
            sentences.append(f"{quoted(evidence.text)} [{len(citations)}]")
        parts.append(f"**{name}**: " + " ".join(sentences))
    return Answer(
        question=question,
        answer="\n\n".join(parts),
        grounded=found_any,
        citations=citations,
        kind="comparison" if found_any else "refusal",
    )


def strip_countries(question: str, codes: list[str]) -> str:
    """The topic of a comparison question: country names and comparison words removed."""
    text = question
    for code in codes:
        for alias in country_names.names(code):
            text = re.sub(rf"\b{re.escape(alias)}\b", " ", text, flags=re.I)
    text = re.sub(
        r"\b(compare|comparison|versus|vs\.?|how do|and|on|between)\b", " ", text, flags=re.I
    )
    text = re.sub(r"\s+", " ", text).strip(" ?,.")
    return text or question
