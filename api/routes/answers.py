"""The audit trail and feedback: /api/answers/{id}, /api/feedback."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import AssistantDep, CallerDep, ReaderDep
from api.schemas import ID_PATTERN, AnswerRecordPublic, FeedbackRequest, SharedAnswerPublic
from assistant import NotFound

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/answers/{answer_id}", response_model=AnswerRecordPublic)
def get_answer(
    answer_id: Annotated[str, Path(pattern=ID_PATTERN)], assistant: AssistantDep, caller: CallerDep
) -> AnswerRecordPublic:
    """One of your answers as recorded: question, filters, retrieved passages and document
    versions, answer, citations, answerer, latency, feedback."""
    record = assistant.answer_record(answer_id, caller.access, owner=caller.name)
    return AnswerRecordPublic.of(record)


@router.get("/answers/{answer_id}/shared", response_model=SharedAnswerPublic)
def get_shared_answer(
    answer_id: Annotated[str, Path(pattern=ID_PATTERN)], assistant: AssistantDep, caller: ReaderDep
) -> SharedAnswerPublic:
    """An answer as it was shown, for a link to it (the Slack bot's source links): question,
    answer and citations, to any caller whose access covers the answer's, and to the holder of
    a view link to it (``X-View-Link``); the rest of the record (feedback, retrieved passages)
    stays with its owner."""
    if not caller.may_read_answer(answer_id):
        raise NotFound(f"no answer with id {answer_id!r}")
    return SharedAnswerPublic.of(assistant.answer_record(answer_id, caller.access))


@router.post("/feedback", response_model=AnswerRecordPublic)
def feedback(
    body: FeedbackRequest, assistant: AssistantDep, caller: CallerDep
) -> AnswerRecordPublic:
    """Rate one of your answers (1, 0, -1) with an optional comment; returns its record."""
    record = assistant.feedback(
        body.answer_id,
        body.rating,
        body.comment,
        access=caller.access,
        owner=caller.name,
        own_answers_only=True,
    )
    return AnswerRecordPublic.of(record)
