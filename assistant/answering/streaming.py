"""Answers as events for streaming front ends: ``understood`` (how the question was read, as
soon as it is: before the search), ``delta`` (text as it is written), ``citations``, and the
caller's ``done``. The answer runs in a thread and hands its events over as they come. With an
LLM the deltas are the model's tokens; the extractive answerer's sentences are sent one by one
once the answer is made."""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Generator
from typing import Any

from assistant.answering.pipeline import AnswerResult

# Answers a question, handing its events to a sink as they come (``pipeline.answer`` with
# everything else bound, the sink its ``on_event``).
AnswerFn = Callable[[Callable[[dict[str, Any]], None]], AnswerResult]

LLM_REPLACED = (
    "(The model's answer above could not be checked against the documents, so it is replaced by "
    "the answer drawn from them:)"
)


def answer_events(
    answer_fn: AnswerFn, answerer: str
) -> Generator[dict[str, Any], None, AnswerResult]:
    """The understood, delta and citations events of one answer; returns the answer with its
    passages. ``answerer`` is the configured answerer ("extractive" or an LLM provider's name)."""
    result, streamed = yield from _as_they_come(answer_fn)
    answer = result.answer
    if not streamed:
        for piece in re.split(r"(?<=[.!?\]])\s+", answer.answer):
            if piece:
                yield {"type": "delta", "text": piece + " "}
    elif not answer.answerer.startswith(f"{answerer}:"):
        yield {"type": "delta", "text": f"\n\n{LLM_REPLACED}\n\n{answer.answer}"}
    yield {"type": "citations", "citations": [c.model_dump() for c in answer.citations]}
    return result


def _as_they_come(
    answer_fn: AnswerFn,
) -> Generator[dict[str, Any], None, tuple[AnswerResult, str]]:
    """Run the answer in a thread and pass its events on as they arrive (how the question was
    understood, a model's text); returns (the answer, the text streamed)."""
    pieces: queue.Queue[tuple[str, Any]] = queue.Queue()

    def work() -> None:
        try:
            pieces.put(("answer", answer_fn(lambda event: pieces.put(("event", event)))))
        except BaseException as exc:
            pieces.put(("error", exc))

    threading.Thread(target=work, name="answer", daemon=True).start()
    streamed: list[str] = []
    while True:
        kind, value = pieces.get()
        if kind == "event":
            if value["type"] == "delta":
                streamed.append(value["text"])
            yield value
        elif kind == "error":
            raise value
        else:
            return value, "".join(streamed)
