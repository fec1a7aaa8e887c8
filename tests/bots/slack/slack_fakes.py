"""A fake Slack for the tests: the Web API on 127.0.0.1 (recording calls, keeping messages and
refusing what Slack refuses) and a sender that signs requests as Slack does."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode

from slack_sdk.signature import SignatureVerifier

BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret-0123456789"
TEAM = "T0TEAM"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
HR_USER = "U0HR"  # granted the private collection "hr" in DMs
PUBLIC_URL = "https://chat.example.org"


# --- a fake Slack Web API -------------------------------------------------------------------------


def limit_errors(payload: dict[str, Any]) -> list[str]:
    """What in a message payload breaks Slack's documented limits
    (https://docs.slack.dev/reference/block-kit/blocks, chat.postMessage)."""
    errors: list[str] = []
    blocks = payload.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    text = payload.get("text")
    if not blocks and not (isinstance(text, str) and text.strip()):
        errors.append("no_text: a message needs text or blocks")
    if isinstance(text, str) and len(text) > 40_000:
        errors.append("msg_too_long: text over 40,000 characters")
    if not blocks:
        return errors
    if len(blocks) > 50:
        errors.append(f"more than 50 blocks ({len(blocks)})")
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(ids) != len(set(ids)):
        errors.append("duplicate block_id")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if len(block.get("block_id", "")) > 255:
            errors.append(f"block {i}: block_id over 255 characters")
        if kind == "section":
            body = (block.get("text") or {}).get("text", "")
            if not 1 <= len(body) <= 3000:
                errors.append(f"block {i}: section text of {len(body)} characters (1 to 3,000)")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                errors.append(f"block {i}: context with {len(elements)} elements (1 to 10)")
            for element in elements:
                if (
                    element.get("type") in ("mrkdwn", "plain_text")
                    and not 1 <= len(element.get("text", "")) <= 3000
                ):
                    errors.append(f"block {i}: context text over 3,000 characters")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                errors.append(f"block {i}: actions with {len(elements)} elements (1 to 25)")
            for element in elements:
                if len(element.get("text", {}).get("text", "")) > 75:
                    errors.append(f"block {i}: button text over 75 characters")
                if len(element.get("action_id", "")) > 255:
                    errors.append(f"block {i}: action_id over 255 characters")
                if len(element.get("value", "")) > 2000:
                    errors.append(f"block {i}: button value over 2,000 characters")
                if len(element.get("url", "")) > 3000:
                    errors.append(f"block {i}: button url over 3,000 characters")
        elif kind == "context_actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 5:
                errors.append(f"block {i}: context_actions with {len(elements)} elements (1 to 5)")
            for element in elements:
                if element.get("type") != "feedback_buttons":
                    continue
                for side in ("positive_button", "negative_button"):
                    button = element.get(side) or {}
                    if not 1 <= len((button.get("text") or {}).get("text", "")) <= 75:
                        errors.append(f"block {i}: {side} text of 1 to 75 characters")
                    if not 1 <= len(str(button.get("value", ""))) <= 2000:
                        errors.append(f"block {i}: {side} value of 1 to 2,000 characters")
        elif kind == "header":
            if len(block.get("text", {}).get("text", "")) > 150:
                errors.append(f"block {i}: header over 150 characters")
        elif kind == "table":
            errors += _table_errors(i, block)
        elif kind != "divider":
            errors.append(f"block {i}: unknown block type {kind!r}")
    if sum(1 for b in blocks if b.get("type") == "table") > 1:
        errors.append("only_one_table_allowed: more than one table block in a message")
    return errors


def _table_errors(i: int, block: dict[str, Any]) -> list[str]:
    """The table block's limits (https://docs.slack.dev/reference/block-kit/blocks/table-block):
    1 to 100 rows of at most 20 cells, each cell raw_text (with text) or rich_text; at most 20
    column settings, aligned left, center or right."""
    errors: list[str] = []
    rows = block.get("rows")
    if not isinstance(rows, list) or not 1 <= len(rows) <= 100:
        return [f"block {i}: a table needs 1 to 100 rows"]
    for r, row in enumerate(rows):
        if not isinstance(row, list) or not 1 <= len(row) <= 20:
            errors.append(f"block {i}: table row {r} needs 1 to 20 cells")
            continue
        for cell in row:
            kind = cell.get("type") if isinstance(cell, dict) else None
            if kind == "raw_text":
                if not isinstance(cell.get("text"), str) or not cell["text"]:
                    errors.append(f"block {i}: table row {r}: a raw_text cell needs text")
            elif kind != "rich_text":
                errors.append(f"block {i}: table row {r}: cell type {kind!r}")
    settings = block.get("column_settings") or []
    if len(settings) > 20:
        errors.append(f"block {i}: more than 20 column settings")
    for setting in settings:
        if setting.get("align", "left") not in ("left", "center", "right"):
            errors.append(f"block {i}: column align {setting.get('align')!r}")
    return errors


@dataclass
class Posted:
    channel: str
    ts: str
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]]
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier versions (chat.update)
    streaming: bool | None = None  # None: posted whole; True while streamed; False once stopped
    chunks: list[str] = field(default_factory=list)  # the markdown_text of each streaming call

    def all_text(self) -> str:
        """The text and every text in the blocks, as a person would read them."""
        return json.dumps({"text": self.text, "blocks": self.blocks}, ensure_ascii=False)


class FakeSlack:
    """Slack's Web API on 127.0.0.1: records every call, keeps the messages the bot posted, and
    refuses what Slack would refuse (bad token, unknown message, blocks over the limits)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.rejected: list[tuple[str, list[str]]] = []
        self.messages: dict[tuple[str, str], Posted] = {}
        self.ephemeral: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # posts to response_url
        self.uploads: dict[str, dict[str, Any]] = {}
        self.shared_files: list[dict[str, Any]] = []
        self.not_member: set[str] = set()
        # channels shared with another organisation (Slack Connect), and whether the app may
        # read channels' details (channels:read, groups:read)
        self.shared_channels: set[str] = set()
        self.response_uses: dict[str, int] = {}
        self.channels_read = True
        # the AI-app surface (assistant threads, status, streaming): off, as for an app whose
        # manifest does not enable it; a test turns it on
        self.ai_app = False
        self.streaming = True  # with ai_app: whether chat.startStream is allowed too
        self.refused_streams = 0
        self.statuses: list[dict[str, Any]] = []
        self.prompts: list[dict[str, Any]] = []
        self.titles: list[dict[str, Any]] = []
        self.homes: dict[str, dict[str, Any]] = {}  # user -> the App Home view published
        self._counter = 0
        self._lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, body = fake.handle(self.path, dict(self.headers), raw)
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/json" if body != b"OK" else "text/plain"
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- protocol -----------------------------------------------------------------------------
    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        if path.startswith("/upload/"):
            with self._lock:
                self.uploads.setdefault(path.rsplit("/", 1)[1], {})["data"] = raw
            return 200, b"OK"
        payload = _parse(headers, raw)
        if path.startswith("/response/"):
            with self._lock:
                uses = self.response_uses[path] = self.response_uses.get(path, 0) + 1
                if uses > 5:  # Slack: five uses within 30 minutes
                    self.rejected.append(("response_url", ["used_up"]))
                    return 404, b"used_up"
                self.responses.append(payload)
                self.calls.append(("response_url", payload))
                self._lock.notify_all()
            errors = limit_errors(payload)
            return (400, {"ok": False, "errors": errors}) if errors else (200, b"OK")
        method = path.removeprefix("/api/")
        with self._lock:
            self.calls.append((method, payload))
            result = self._method(method, headers, payload)
            # a refusal for want of the AI-app feature, while the fake has it off, is Slack's
            # answer, not a bad call
            lacking = result.get("error") == "missing_scope" and not self.ai_app
            if not result.get("ok") and not lacking:
                self.rejected.append((method, result.get("errors") or [result.get("error")]))
            self._lock.notify_all()
        return 200, result

    def _method(self, method: str, headers: dict[str, str], p: dict[str, Any]) -> dict[str, Any]:
        token = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if token != f"Bearer {BOT_TOKEN}":
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "gka",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            channel = p.get("channel")
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            if channel in self.not_member:
                return {"ok": False, "error": "not_in_channel"}
            errors = limit_errors(p)
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
            blocks = p.get("blocks") or []
            if method == "chat.postMessage":
                self._counter += 1
                ts = f"1700000{self._counter:03d}.000100"
                self.messages[(channel, ts)] = Posted(
                    channel, ts, p.get("thread_ts"), p.get("text", ""), blocks
                )
                return {
                    "ok": True,
                    "channel": channel,
                    "ts": ts,
                    "message": {"text": p.get("text")},
                }
            if method == "chat.update":
                posted = self.messages.get((channel, p.get("ts", "")))
                if posted is None:
                    return {"ok": False, "error": "message_not_found"}
                posted.history.append({"text": posted.text, "blocks": posted.blocks})
                posted.text, posted.blocks = p.get("text", ""), blocks
                return {"ok": True, "channel": channel, "ts": posted.ts}
            if not p.get("user"):
                return {"ok": False, "error": "user_not_in_channel"}
            self.ephemeral.append(p)
            return {"ok": True, "message_ts": "1700000999.000100"}
        if method.startswith("assistant.threads.") or method.endswith("Stream"):
            return self._ai_app(method, p)
        if method == "conversations.info":
            if not self.channels_read:
                return {"ok": False, "error": "missing_scope", "needed": "channels:read"}
            channel = p.get("channel", "")
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            shared = channel in self.shared_channels
            details = {"id": channel, "is_channel": channel.startswith("C"), "is_im": False}
            return {
                "ok": True,
                "channel": {**details, "is_shared": shared, "is_ext_shared": shared},
            }
        if method == "views.publish":
            view = p.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            if not p.get("user_id") or not isinstance(view, dict):
                return {"ok": False, "error": "invalid_arguments"}
            blocks = view.get("blocks") or []
            errors = [] if view.get("type") == "home" else ["view type must be home"]
            if len(blocks) > 100:
                errors.append(f"more than 100 blocks in a view ({len(blocks)})")
            errors += limit_errors({"blocks": blocks[:50], "text": "x"})
            errors += limit_errors({"blocks": blocks[50:], "text": "x"}) if blocks[50:] else []
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
            self.homes[p["user_id"]] = view
            return {"ok": True, "view": {"id": "V0HOME", **view}}
        if method == "files.getUploadURLExternal":
            if not p.get("filename") or not str(p.get("length", "")).isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{len(self.uploads) + 1:04d}"
            self.uploads[file_id] = {"filename": p["filename"], "length": int(p["length"])}
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = p.get("files")
            files = json.loads(files) if isinstance(files, str) else files
            channel = p.get("channel_id")
            if channel in self.not_member:
                return {"ok": False, "error": "not_in_channel"}
            shared = []
            for f in files or []:
                upload = self.uploads.get(f.get("id", ""))
                if not upload or len(upload.get("data", b"")) != upload["length"]:
                    return {"ok": False, "error": "file_not_found"}
                shared.append({"id": f["id"], "title": f.get("title"), "name": upload["filename"]})
                self.shared_files.append(
                    {
                        **upload,
                        "id": f["id"],
                        "title": f.get("title"),
                        "channel": channel,
                        "initial_comment": p.get("initial_comment"),
                    }
                )
            return {"ok": True, "files": shared}
        return {"ok": False, "error": "unknown_method"}

    def _ai_app(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        """The AI-app methods, with the arguments and limits Slack documents: status (up to 10
        loading messages), up to four suggested prompts with a title and a message each, thread
        titles, and streams whose every call carries at most 12,000 characters of Markdown."""
        # the status needs only chat:write (Slack's changelog, 2026-03-05); the rest needs the
        # AI-app feature and assistant:write, refused as Slack refuses an app without them
        if not self.ai_app and method != "assistant.threads.setStatus":
            return {"ok": False, "error": "missing_scope", "needed": "assistant:write"}
        if method == "assistant.threads.setStatus":
            loading = p.get("loading_messages") or []
            loading = json.loads(loading) if isinstance(loading, str) else loading
            if not (p.get("channel_id") and p.get("thread_ts") and "status" in p):
                return {"ok": False, "error": "invalid_arguments"}
            if len(loading) > 10:
                return {"ok": False, "error": "invalid_arguments", "errors": ["loading_messages"]}
            self.statuses.append(p)
            return {"ok": True}
        if method == "assistant.threads.setSuggestedPrompts":
            prompts = p.get("prompts")
            prompts = json.loads(prompts) if isinstance(prompts, str) else prompts
            valid = isinstance(prompts, list) and 1 <= len(prompts) <= 4
            valid = valid and all(q.get("title") and q.get("message") for q in prompts)
            if not (p.get("channel_id") and valid):
                return {"ok": False, "error": "invalid_arguments"}
            self.prompts.append({**p, "prompts": prompts})
            return {"ok": True}
        if method == "assistant.threads.setTitle":
            if not (p.get("channel_id") and p.get("thread_ts") and p.get("title")):
                return {"ok": False, "error": "invalid_arguments"}
            self.titles.append(p)
            return {"ok": True}
        channel = p.get("channel") or ""
        text = p.get("markdown_text")
        if text is not None and len(text) > 12_000:
            return {"ok": False, "error": "msg_too_long"}
        if method == "chat.startStream":
            if not self.streaming:  # refused, as a workspace without streaming would
                self.refused_streams += 1
                return {"ok": False, "error": "feature_not_enabled"}
            in_channel = not channel.startswith("D")  # recipients are required outside DMs
            if not (channel and p.get("thread_ts")):
                return {"ok": False, "error": "invalid_arguments"}
            if in_channel and not (p.get("recipient_team_id") and p.get("recipient_user_id")):
                return {"ok": False, "error": "invalid_arguments", "errors": ["recipient"]}
            self._counter += 1
            ts = f"1700000{self._counter:03d}.000100"
            posted = Posted(channel, ts, p["thread_ts"], text or "", [], streaming=True)
            posted.chunks = [text] if text else []
            self.messages[(channel, ts)] = posted
            return {"ok": True, "channel": channel, "ts": ts}
        posted = self.messages.get((channel, p.get("ts", "")))
        if posted is None:
            return {"ok": False, "error": "message_not_found"}
        if not posted.streaming:
            return {"ok": False, "error": "message_not_in_streaming_state"}
        if method == "chat.appendStream":
            if not text:
                return {"ok": False, "error": "invalid_arguments"}
            posted.chunks.append(text)
            posted.text += text
            return {"ok": True, "channel": channel, "ts": posted.ts}
        if method == "chat.stopStream":
            blocks = p.get("blocks") or []
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            errors = limit_errors({"blocks": blocks, "text": "x"}) if blocks else []
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
            if text:
                posted.chunks.append(text)
                posted.text += text
            posted.blocks, posted.streaming = blocks, False
            return {"ok": True, "channel": channel, "ts": posted.ts}
        return {"ok": False, "error": "unknown_method"}

    # --- what tests read ---------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [p for m, p in self.calls if m == method]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; calls so far: {[m for m, _ in self.calls]}")
                self._lock.wait(min(left, 0.2))

    def in_thread(self, channel: str, thread_ts: str | None) -> list[Posted]:
        return [
            m
            for (c, _), m in sorted(self.messages.items())
            if c == channel and m.thread_ts == thread_ts
        ]

    def streamed(self, channel: str, thread_ts: str) -> Posted:
        """Wait until an answer streamed into a thread is stopped; that message."""

        def done() -> Posted | None:
            posts = [m for m in self.in_thread(channel, thread_ts) if m.streaming is False]
            return posts[-1] if posts else None

        return self.wait_for(done)  # type: ignore[no-any-return]

    def answered(self, channel: str, thread_ts: str | None, count: int = 1) -> list[Posted]:
        """Wait until ``count`` placeholders in a thread were replaced; the bot's messages there."""

        def done() -> list[Posted] | None:
            posted = self.in_thread(channel, thread_ts)
            return posted if sum(1 for m in posted if m.history) >= count else None

        return self.wait_for(done)  # type: ignore[no-any-return]


def _parse(headers: dict[str, str], raw: bytes) -> dict[str, Any]:
    kind = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    if "json" in kind:
        return json.loads(raw or b"{}")  # type: ignore[no-any-return]
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}
    if "blocks" in form:
        form["blocks"] = json.loads(form["blocks"])
    return form


class Reply(NamedTuple):
    status: int
    body: bytes
    headers: dict[str, str]


class SlackSender:
    """Sends what Slack sends: signed events, slash commands and button clicks."""

    def __init__(self, url: str, fake: FakeSlack) -> None:
        self.url = url
        self.fake = fake
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def send(
        self,
        body: bytes,
        content_type: str,
        *,
        secret: str | None = SIGNING_SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        sent = {"Content-Type": content_type, **(headers or {})}
        if secret is not None:
            signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
            sent |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
        request = urllib.request.Request(
            f"{self.url}/slack/events", data=body, headers=sent, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read(), dict(error.headers))

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> bytes:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A0APP",
            "event": {"event_ts": event.get("ts"), **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{self._next():06d}",
            "event_time": int(time.time()),
            "is_ext_shared_channel": event.get("channel") in self.fake.shared_channels,
            "authorizations": [
                {"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True}
            ],
        }
        return json.dumps(envelope).encode()

    def event(self, event: dict[str, Any], **kwargs: Any) -> Reply:
        return self.send(self.event_body(event), "application/json", **kwargs)

    def mention(
        self,
        text: str,
        *,
        channel: str = "C0GENERAL",
        user: str = "U0ANA",
        thread_ts: str | None = None,
        user_team: str | None = None,
    ) -> str:
        ts = f"1699000{self._next():03d}.000200"
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER}> {text}",
            "ts": ts,
            "channel": channel,
            "team": TEAM,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        if user_team:  # a Slack Connect guest: their own workspace
            event["user_team"] = user_team
        status = self.event(event).status
        assert status == 200
        return ts

    def direct(
        self,
        text: str,
        *,
        channel: str = "D0ANA",
        user: str = "U0ANA",
        thread_ts: str | None = None,
    ) -> str:
        ts = f"1699000{self._next():03d}.000300"
        event = {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "team": TEAM,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        status = self.event(event).status
        assert status == 200
        return ts

    def channel_message(self, text: str, *, channel: str = "C0GENERAL", user: str = "U0ANA") -> str:
        """A new message in a channel, mentioning nobody (``message.channels``)."""
        ts = f"1699000{self._next():03d}.000600"
        event = {
            "type": "message",
            "channel_type": "channel",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "team": TEAM,
        }
        assert self.event(event).status == 200
        return ts

    def thread_started(self, *, channel: str = "D0ANA", user: str = "U0ANA") -> str:
        """The user opens the AI-app panel: Slack starts an assistant thread."""
        thread_ts = f"1699000{self._next():03d}.000400"
        event = {
            "type": "assistant_thread_started",
            "assistant_thread": {
                "user_id": user,
                "context": {"channel_id": "C0GENERAL", "team_id": TEAM, "enterprise_id": None},
                "channel_id": channel,
                "thread_ts": thread_ts,
            },
            "event_ts": thread_ts,
        }
        assert self.event(event).status == 200
        # a person types after the panel has opened: wait for its greeting, or the bot could
        # take the first question before it has marked the thread as the panel's
        self.fake.wait_for(lambda: self.fake.in_thread(channel, thread_ts))
        return thread_ts

    def home_opened(self, *, user: str = "U0ANA") -> Reply:
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": "D0ANA",
            "tab": "home",
            "event_ts": f"1699000{self._next():03d}.000500",
        }
        return self.event(event)

    def feedback_button(
        self, value: str, *, channel: str, message_ts: str, thread_ts: str, user: str = "U0ANA"
    ) -> Reply:
        """A click on the feedback buttons under a streamed answer."""
        return self.click(
            "feedback",
            value,
            channel=channel,
            message_ts=message_ts,
            thread_ts=thread_ts,
            user=user,
            kind="feedback_buttons",
        )

    def command(
        self, command: str, text: str, *, channel: str = "C0GENERAL", user: str = "U0ANA"
    ) -> Reply:
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "ana",
            "command": command,
            "text": text,
            "api_app_id": "A0APP",
            "response_url": f"{self.fake.url}/response/{self._next()}",
            "trigger_id": f"trigger-{self._n}",
        }
        return self.send(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def click(
        self,
        action_id: str,
        answer_id: str,
        *,
        channel: str,
        message_ts: str,
        thread_ts: str | None = None,
        user: str = "U0ANA",
        kind: str = "button",
        ephemeral: bool = False,
    ) -> Reply:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "ana", "team_id": TEAM},
            "api_app_id": "A0APP",
            "token": "legacy",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
                "thread_ts": thread_ts,
            },
            "trigger_id": f"trigger-{self._next()}",
            "team": {"id": TEAM, "domain": "test"},
            "channel": {"id": channel, "name": "general"},
            "message": {
                "type": "message",
                "ts": message_ts,
                "thread_ts": thread_ts,
                "text": "answer",
            },
            "response_url": f"{self.fake.url}/response/{self._n}",
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "feedback",
                    "value": answer_id,
                    "type": kind,
                    "action_ts": str(time.time()),
                }
            ],
        }
        if ephemeral:  # Slack sends no message with a click on an ephemeral one
            del payload["message"]
            del payload["container"]["thread_ts"]
        return self.send(
            urlencode({"payload": json.dumps(payload)}).encode(),
            "application/x-www-form-urlencoded",
        )
