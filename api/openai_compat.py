"""The OpenAI chat-completions protocol, so any OpenAI client can talk to the assistant.

The last user message is the question; earlier user messages are the conversation (follow-ups
are rewritten as usual); system and assistant messages are not instructions to the assistant.
The answer comes back as the message content with a "Sources:" section appended, and the
citations also as an extra ``citations`` field (``answer_id`` and ``grounded`` beside it).
Streaming sends ``chat.completion.chunk`` events and ends with ``data: [DONE]``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.errors import status_of
from assistant import Answer, AssistantError, BadRequest, Citation, Filters

log = logging.getLogger(__name__)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str = Field(max_length=32)
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    """The OpenAI request; sampling parameters are accepted and ignored. ``filters`` (an
    extension) restricts retrieval like /api/ask's."""

    model_config = ConfigDict(extra="allow")

    model: str = Field("", max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    filters: Filters | None = None


class ResponseMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: ResponseMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    """Word counts, as an approximation of tokens."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[Citation] = Field(description="Extension: the answer's numbered sources.")
    answer_id: str = Field(description="Extension: the answer's id in the audit trail.")
    grounded: bool = Field(description="Extension: false when the documents do not answer.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "unpog"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def message_text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    if not message.content:
        return ""
    return "\n".join(
        str(part.get("text", "")) for part in message.content if part.get("type") == "text"
    )


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[str]]:
    """(the question, earlier user questions oldest first). A clear 422 when the last message
    is not the user's."""
    if messages[-1].role != "user":
        raise BadRequest(
            f"messages: the last message must have role 'user', not {messages[-1].role!r}"
        )
    history = [message_text(m) for m in messages[:-1] if m.role == "user"]
    return message_text(messages[-1]), [h for h in history if h.strip()]


def sources_section(citations: list[Citation]) -> str:
    if not citations:
        return ""
    lines = ["", "", "Sources:"]
    for c in citations:
        where = ""
        if c.page:
            where = f", p. {c.page_label or c.page}"
        elif c.data_row:
            where = f", row {c.data_row}"
        lines.append(f"[{c.n}] {c.title}{where} ({c.source})")
    return "\n".join(lines)


def completion(answer: Answer, model: str) -> ChatCompletion:
    content = answer.answer + sources_section(answer.citations)
    prompt_words = len(answer.question.split())
    words = len(content.split())
    return ChatCompletion(
        id=f"chatcmpl-{answer.id}",
        created=int(time.time()),
        model=model,
        choices=[Choice(message=ResponseMessage(content=content))],
        usage=Usage(
            prompt_tokens=prompt_words, completion_tokens=words, total_tokens=prompt_words + words
        ),
        citations=answer.citations,
        answer_id=answer.id,
        grounded=answer.grounded,
    )


def stream_chunks(events: Iterator[dict[str, Any]], model: str) -> Iterator[str]:
    """Server-sent ``chat.completion.chunk`` events from the assistant's stream events."""
    created = int(time.time())
    chunk_id = f"chatcmpl-{int(time.time() * 1000)}"

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    try:
        started = False
        for event in events:
            kind = event.get("type")
            if not started:
                yield chunk({"role": "assistant", "content": ""})
                started = True
            if kind == "delta":
                yield chunk({"content": event["text"]})
            elif kind == "done":
                answer = Answer.model_validate(event["answer"])
                chunk_id = f"chatcmpl-{answer.id}"
                sources = sources_section(answer.citations)
                if sources:
                    yield chunk({"content": sources})
                yield chunk(
                    {},
                    "stop",
                    citations=[c.model_dump() for c in answer.citations],
                    answer_id=answer.id,
                    grounded=answer.grounded,
                )
    except AssistantError as exc:
        yield _error_event(exc.message, status_of(exc))
    except Exception:
        log.exception("the OpenAI-compatible stream failed")
        yield _error_event("internal error; the server log has the details", 500)
    yield "data: [DONE]\n\n"


def _error_event(message: str, status: int) -> str:
    body = {"error": {"message": message, "type": error_type(status), "code": status}}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def error_type(status: int) -> str:
    return {
        401: "authentication_error",
        404: "not_found_error",
        422: "invalid_request_error",
        429: "rate_limit_error",
    }.get(status, "api_error" if status >= 500 else "invalid_request_error")


def error_body(message: str, status: int) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type(status), "code": status}}
