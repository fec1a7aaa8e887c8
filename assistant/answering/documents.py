"""Questions answered from the documents: hybrid search, the sentences that answer quoted and
cited (or an LLM's answer checked against the passages), or a refusal that shows what was found."""

from __future__ import annotations

import time

from assistant.answering import extractive
from assistant.answering.citations import evidence_citation
from assistant.answering.context import Access, AnswerContext, Run
from assistant.answering.refusal import refusal
from assistant.models import Answer, Filters


def answer(
    question: str, filters: Filters, access: Access, context: AnswerContext, run: Run
) -> Answer:
    timings = run.timings
    passages = context.retriever.search(
        question, filters, k=context.settings.top_k, access=access, timings=timings
    )
    run.retrieved.extend(passages)
    t0 = time.perf_counter()
    extraction = extractive.extract(
        question, passages, context.embedder, document_text=context.document_text
    )
    timings["extract_ms"] = (time.perf_counter() - t0) * 1000
    weak = extraction.best_score < context.settings.refusal_threshold
    if not extraction.evidence or weak or extraction.missing:
        return refusal(question, filters, passages, extraction)
    if context.uses_llm:
        from assistant.answering.llm import llm_answer

        generated = llm_answer(context.llm(), context.settings, question, passages, run)
        if generated is not None:
            return generated
    citations = [evidence_citation(i + 1, e) for i, e in enumerate(extraction.evidence)]
    text = " ".join(f"{e.text} [{i + 1}]" for i, e in enumerate(extraction.evidence))
    return Answer(question=question, answer=text, grounded=True, citations=citations)
