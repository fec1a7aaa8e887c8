"""The one entry to answering: :func:`answer` rewrites a follow-up, routes the question, runs the
answerer the router chose and returns the answer with every passage retrieved on the way."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant import countries as country_names
from assistant import crosslingual
from assistant.answering import comparison, documents, indicators, sources
from assistant.answering.context import Access, AnswerContext, Run
from assistant.answering.followups import Conversation, follow_up_focus, standalone_question
from assistant.answering.router import route
from assistant.answering.understanding import QueryPlan
from assistant.country_groups import find_groups
from assistant.language import (
    foreign_script_words,
    language_name,
    question_language,
    spaced_scripts,
    too_short_to_tell,
)
from assistant.models import Answer, Filters, Passage
from assistant.retrieval import normalize_filters

log = logging.getLogger(__name__)


@dataclass
class AnswerResult:
    """An answer and every passage retrieved to make it (for the audit trail)."""

    answer: Answer
    passages: list[Passage] = field(default_factory=list)


def _in_english(question: str, language: str, context: AnswerContext) -> str:
    """The question to search English documents with: a question in another language translated
    by the LLM when one is configured (names and acronyms kept), else the question as asked. The
    answer is then written and checked in English, against the English passages: the grounding
    checks compare its words with theirs."""
    if language == "en" or not context.uses_llm or not context.settings.translate_questions:
        return question
    from assistant.answering.llm import translate_question

    return translate_question(context.llm(), question, language_name(language)) or question


def _searched(
    question: str, read: crosslingual.Gloss, context: AnswerContext
) -> tuple[str, str | None]:
    """What to search the documents with, and the question as typed when it is searched by its
    meaning across languages: a question in another language is translated by the LLM when
    one is configured (see :func:`_in_english`); else it is searched as what of it could be
    read into English (names, acronyms, numbers: ``read.text``) together with its meaning (the
    multilingual sentence index), when the store has that index."""
    searched = _in_english(question, read.language, context)
    if (
        searched == question
        and read.language not in (None, "en")
        and context.retriever.searches_by_meaning()
    ):
        return spaced_scripts(read.text), question
    return searched, None


def searched_for(question: str, context: AnswerContext) -> tuple[str, str | None]:
    """What a search for ``question`` (one standing alone) searches the documents with, and the
    question as typed when it is searched by its meaning across languages (see
    :func:`_searched`): a search is read as an answer's is, so a question in Korean finds what
    its answer would quote."""
    return _searched(question, _reading(question, question_language(question)), context)


def _for_documents(
    standalone: str,
    read: crosslingual.Gloss,
    plan: QueryPlan,
    context: AnswerContext,
    access: Access,
) -> tuple[str, str | None]:
    """What the documents are searched with (see :func:`_searched`), an English one with its
    typed slips read as the words the documents use ("how many shopers per country?":
    "shoppers", shown in the plan as the country names read are); the plan's expansions set
    from it."""
    searched, meaning = _searched(standalone, read, context)
    if meaning is None:
        searched, fixed = documents.slips_read(searched, _passages_using(context, access))
        plan.corrections.update(fixed)
    plan.expansions = context.expansions(searched, access)
    return searched, meaning


def _own_words(
    question: str,
    standalone: str,
    searched: str,
    meaning: str | None,
    context: AnswerContext,
    access: Access,
) -> str | None:
    """A follow-up's own words (see :func:`follow_up_focus`) as the documents are searched with
    them: its typed slips read as the carried question's are ("and what % of them were women?"
    after "… how many ppl attended?", whose "ppl" is read as "people"). None for a question
    read from another language into English (searched by its meaning)."""
    focus = follow_up_focus(question, standalone)
    if focus is None or searched == standalone:
        return focus
    if meaning is not None:
        return None
    read, _ = documents.slips_read(focus, _passages_using(context, access))
    return read if searched.endswith(" " + read) else None


def _passages_using(context: AnswerContext, access: Access) -> Callable[[str], int]:
    """How many passages ``access`` may read use a word stem (what reads a typed slip)."""
    return lambda stem: context.frequency(stem, access)[0]


def _deltas_to(on_event: Callable[[dict[str, Any]], None]) -> Callable[[str], None]:
    return lambda text: on_event({"type": "delta", "text": text})


def _answer_language(
    question: str, standalone: str, conversation: Conversation | None
) -> tuple[str | None, bool]:
    """The language to read and answer ``question`` in, and whether it is the conversation's: a
    follow-up's own when it is long enough to tell ("네팔은?" after "fiji egdi 2024": Korean),
    else the language of the last earlier turn that could be told ("et en 2022 ?" after a
    French question: French)."""
    if standalone == question or conversation is None:
        return question_language(standalone), False
    own = question_language(question)
    if own not in (None, "en") or not too_short_to_tell(question):
        return own, False
    for turn in reversed(conversation.turns):
        earlier = question_language(turn.question)
        if earlier not in (None, "en"):
            earlier = _reading(turn.question, earlier).language  # as that turn was answered
        if earlier not in (None, "en") or not too_short_to_tell(turn.question):
            return earlier, True
    return question_language(standalone), False


def _reading(question: str, language: str | None) -> crosslingual.Gloss:
    """``question`` read in ``language`` (see :func:`assistant.crosslingual.gloss`), or as
    English when the detector gave it to another language but it is read as English all the
    same: in Latin letters, no word of that language read in it (a name spelt as in English is
    no sign), and its words mostly English ("indonesia score in the oecd dgi 2019" as
    Indonesian, "who chaired apfsd 12?" as French); "vanuatu nói gì về biến đổi khí hậu" stays
    Vietnamese."""
    read = crosslingual.gloss(question, language)
    if (
        not read.says_something
        and not foreign_script_words(question)
        and country_names.mostly_english(question)
    ):
        return crosslingual.Gloss("en", question, {})
    return read


def answer(
    question: str,
    context: AnswerContext,
    filters: Filters | None = None,
    conversation: Conversation | None = None,
    *,
    access: Access = ("public",),
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> AnswerResult:
    """The answer to ``question`` (a follow-up of ``conversation`` when given) from what
    ``access`` may see. ``on_event`` receives, while streaming, ``{"type": "understood",
    "question", "understood", "route"}`` once the question is read (before anything is searched)
    and ``{"type": "delta", "text"}`` for an LLM's text as it is written."""
    started = time.perf_counter()
    run = Run(on_delta=None if on_event is None else _deltas_to(on_event))
    filters = normalize_filters(filters)
    standalone = standalone_question(question, conversation, context)
    # a question in another language is understood through the English its names are read as
    language, kept = _answer_language(question, standalone, conversation)
    if not kept and not foreign_script_words(question):
        read = _reading(standalone, language)
    else:
        read = crosslingual.gloss(standalone, language)
    chosen = route(read.text)
    plan = chosen.plan
    plan.question, plan.language = standalone, read.language
    searched = standalone
    meaning = None
    if chosen.name != "indicator":
        searched, meaning = _for_documents(standalone, read, plan, context, access)
    if on_event is not None:
        # what a reader waits for first, before anything is searched: the question as it will
        # be answered (a follow-up written out) and what was read in it (the answer's own line
        # may add the source whose documents were searched)
        understood = {"question": standalone, "understood": plan.describe() or None}
        on_event({"type": "understood", **understood, "route": chosen.name})
    if chosen.name == "indicator":
        result = indicators.answer_question(standalone, plan, access, context)
        if not result.grounded and not plan.countries:
            # no such ranking or series in the data: a report may still discuss it (a figure
            # asked for a named country is not looked for in prose, where numbers are guessed at)
            searched, meaning = _for_documents(standalone, read, plan, context, access)
            from_documents = documents.answer(
                searched, filters, access, context, run, plan.expansions, meaning=meaning
            )
            if from_documents.grounded:
                from_documents.notes.append(result.answer)
                result = from_documents
    else:
        if chosen.name == "comparison":
            result = comparison.answer(searched, chosen.countries, filters, access, context, run)
        else:
            focus = _own_words(question, standalone, searched, meaning, context, access)
            source = carried = None
            kept_why = "as earlier in the conversation"
            if not filters.documents:
                # a follow-up's own attribution ("and what did unctad say?") before the turns'
                catalogue = context.retriever.catalog.documents()
                if focus:
                    source = sources.named_source(focus, plan.expansions, catalogue)
                if source is None:
                    source = sources.named_source(searched, plan.expansions, catalogue)
                if source is None and conversation and conversation.turns:
                    carried = sources.conversation_source(
                        searched, conversation.turns[-1].standalone, plan.expansions, catalogue
                    )
                if source is None and carried is None and meaning is not None:
                    # a question in another language names its source without English's "what
                    # did … say": a body it types by its acronym ("CEPA", "UNCTAD") is searched
                    # first, as a follow-up's document is
                    carried = sources.named_by_acronym(searched, plan.expansions, catalogue)
                    kept_why = "named in the question"
            if source is not None:
                plan.source = source.describe()
                plan.expansions = as_its_documents_read(plan.expansions, source, context)
                # a group named as the source ("escap annual report", "what did the oecd say")
                # is whose words are asked for, not where: not shown as a constraint
                speaker = find_groups(source.phrase)
                plan.groups = [g for g in plan.groups if g not in speaker]

            def searched_in(named: sources.Source | None) -> Answer:
                return documents.answer(
                    searched,
                    filters,
                    access,
                    context,
                    run,
                    plan.expansions,
                    focus=focus,
                    source=named,
                    meaning=meaning,
                )

            if carried is not None and (kept_to := searched_in(carried)).grounded:
                # a conversation keeps to the document it is about: a follow-up that names no
                # source of its own ("when did albania come in?" after a question on the EU
                # benchmark's method paper) is answered from that document when it can be,
                # else from everything
                plan.source = f"{carried.describe()}, {kept_why}"
                result = kept_to
            else:
                result = searched_in(source)
        if searched != standalone and meaning is None:
            standalone = searched  # shown as what was understood: the English searched
    result.question = question
    result.rewritten_question = standalone if standalone != question else None
    result.filters = filters
    result.conversation_id = conversation.id if conversation else None
    result.id = result.id or uuid.uuid4().hex
    result.route = f"{chosen.name}: {chosen.reason}"
    result.understood = plan.describe() or None
    result.language = read.language
    result.labels = crosslingual.labels(read.language, result.table)
    run.timings["total_ms"] = (time.perf_counter() - started) * 1000
    result.timings = {k: round(v, 1) for k, v in run.timings.items()}
    log.info(
        "answer id=%s route=%s kind=%s grounded=%s citations=%s ms=%.0f",
        result.id,
        chosen.name,
        result.kind,
        result.grounded,
        [c.chunk_id or c.source for c in result.citations],
        run.timings["total_ms"],
    )
    return AnswerResult(result, run.retrieved)


def as_its_documents_read(
    expansions: dict[str, str], source: sources.Source, context: AnswerContext
) -> dict[str, str]:
    """The question's acronyms as the documents of the source it names define them (the
    Singapore paper's "IPS", its Institute of Policy Studies, not the "Intellectual Property"
    other documents define); one they do not define keeps the collection's name (dropping those
    their text does not use lost more answers than it mended: the name still widens the search
    and the topic check, "prepcom" read as a Preparatory Commission finds the Committee)."""
    return {
        acronym: context.defined_in(acronym, source.documents) or name
        for acronym, name in expansions.items()
    }
