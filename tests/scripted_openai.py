"""A local server speaking the OpenAI chat-completions protocol with scripted behaviour, for the
tests of the LLM path (``tests/assistant/answering/test_llm.py``, ``tests/assistant/briefs/test_briefs.py``)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Script = Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]


def completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "scripted",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }


def reply_json(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def openai_server() -> Iterator[Callable[[Script], str]]:
    """``url = openai_server(script)``: a scripted server on 127.0.0.1; its base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(script: Script) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    script(self, body)  # (those two: the client gave up, as it should)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# --- streaming, and models that answer from the prompt they are sent ------------------------------
def chunk(text: str) -> bytes:
    """One server-sent event of a streamed chat completion carrying ``text``."""
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "scripted",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def stream_pieces(
    handler: BaseHTTPRequestHandler, pieces: list[str], pause: float = 0.0, done: bool = True
) -> None:
    """Stream ``pieces`` as chat-completion chunks (``pause`` seconds apart), then ``[DONE]``."""
    import time

    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    for piece in pieces:
        handler.wfile.write(chunk(piece))
        handler.wfile.flush()
        time.sleep(pause)
    if done:
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()


def prompt_passages(request: dict[str, Any]) -> dict[int, str]:
    """The numbered passages of a grounded-answer request (``assistant.answering.llm.build_messages``):
    ``{n: text as the model sees it}``."""
    import re

    user = str(request["messages"][-1]["content"])
    found = re.finditer(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', user, re.DOTALL)
    return {int(m.group(1)): m.group(2) for m in found}


def answering(reply: Callable[[dict[int, str]], str], piece: int = 3) -> Script:
    """A model whose reply is ``reply(passages of the request)``, streamed ``piece`` characters
    at a time when the request asks for a stream (so that no piece lines up with a word)."""

    def script(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
        text = reply(prompt_passages(request))
        if request.get("stream"):
            stream_pieces(handler, [text[i : i + piece] for i in range(0, len(text), piece)])
        else:
            reply_json(handler, 200, json.dumps(completion(text)).encode())

    return script
