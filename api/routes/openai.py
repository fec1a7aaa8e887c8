"""OpenAI-compatible endpoints: /v1/models and /v1/chat/completions (streaming and not)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from api.deps import AssistantDep, CallerDep, SettingsDep
from api.openai_compat import (
    ChatCompletion,
    ChatCompletionRequest,
    ModelCard,
    ModelList,
    completion,
    split_messages,
    stream_chunks,
)
from api.sse import sse_response

router = APIRouter(prefix="/v1", tags=["openai"])


@router.get("/models", response_model=ModelList)
def models(caller: CallerDep, settings: SettingsDep) -> ModelList:
    return ModelList(data=[ModelCard(id=settings.openai_model_name, created=int(time.time()))])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def chat_completions(
    body: ChatCompletionRequest, assistant: AssistantDep, caller: CallerDep, settings: SettingsDep
) -> Any:
    """The last user message is the question, earlier user messages the conversation; the
    answer's citations follow as a Sources section and in the extra `citations` field."""
    question, history = split_messages(body.messages)
    model = settings.openai_model_name
    kwargs: dict[str, Any] = {"access": caller.access, "owner": caller.name, "history": history}
    if body.stream:
        events = assistant.converse_stream(question, body.filters, channel="openai", **kwargs)
        return sse_response(stream_chunks(events, model))
    answer = assistant.converse(question, body.filters, channel="openai", **kwargs)
    return completion(answer, model)
