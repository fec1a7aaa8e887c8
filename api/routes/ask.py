"""Asking and searching: /api/ask, /api/ask/stream, /api/search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import AssistantDep, CallerDep
from api.schemas import AskRequest, SearchHit, SearchRequest, SearchResponse
from api.sse import answer_events, sse_response
from assistant import Answer

router = APIRouter(prefix="/api", tags=["ask"])

STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/event-stream": {}},
        "description": "understood, delta, citations, done, error",
    }
}


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, assistant: AssistantDep, caller: CallerDep) -> Answer:
    """Answer a question with numbered citations; follow-ups continue `conversation_id`."""
    return assistant.converse(
        body.question, body.filters, body.conversation_id, access=caller.access, owner=caller.name
    )


@router.post("/ask/stream", response_class=StreamingResponse, responses=STREAM_DOC)
def ask_stream(body: AskRequest, assistant: AssistantDep, caller: CallerDep) -> StreamingResponse:
    """The same answer as server-sent events: `understood` {question, understood, route} as soon
    as the question is read (before the search), `delta` {text}, `citations` {citations},
    `done` {answer} and, if something fails after the stream started, `error` {status, detail}."""
    events = assistant.converse_stream(
        body.question, body.filters, body.conversation_id, access=caller.access, owner=caller.name
    )
    return sse_response(answer_events(events))


@router.post("/search", response_model=SearchResponse)
def search(body: SearchRequest, assistant: AssistantDep, caller: CallerDep) -> SearchResponse:
    """The passages hybrid retrieval finds for a query, best first. A query in another
    language is searched as a question asked in it is: by its meaning (the multilingual
    sentence index) and by what of it reads as English."""
    query = body.query.strip()
    passages = assistant.search(query, body.filters, body.k, access=caller.access)
    return SearchResponse(query=query, results=[SearchHit.of(p) for p in passages])
