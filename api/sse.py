"""Server-sent events for /api/ask/stream: ``understood`` (how the question was read, before the
search), ``delta`` (text), ``citations``, ``done`` (the whole
answer, as /api/ask returns it) and ``error`` (``{"status", "detail"}``), each ``data`` one JSON
object. An error after the stream has started arrives as an ``error`` event, never as a trace."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi.responses import StreamingResponse

from api.errors import status_of
from assistant import AssistantError

log = logging.getLogger(__name__)

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def event(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_events(events: Iterator[dict[str, Any]]) -> Iterator[str]:
    try:
        for item in events:
            kind = str(item.get("type"))
            yield event(kind, {k: v for k, v in item.items() if k != "type"})
    except AssistantError as exc:
        yield event("error", {"status": status_of(exc), "detail": exc.message})
    except Exception:
        log.exception("answer stream failed")
        yield event(
            "error", {"status": 500, "detail": "internal error; the server log has the details"}
        )


def sse_response(lines: Iterator[str]) -> StreamingResponse:
    return StreamingResponse(lines, media_type="text/event-stream", headers=HEADERS)
