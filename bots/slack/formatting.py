"""Text in and out of Slack: questions from Slack's message format, answers as Block Kit.

Answers arrive as Markdown with ``[n]`` citation markers. They leave as Slack ``mrkdwn`` section
blocks (each under Slack's 3,000 characters), a context block per ten sources (title, page label,
a link to the web chat's source viewer), and 👍/👎 buttons carrying the answer id; messages hold
at most 50 blocks, and an answer that needs more continues in further messages. Nothing is cut:
long text is split at paragraph, line, sentence or word boundaries.

Answer text comes from documents and models, so it may never speak Slack's markup: its ``<``,
``>`` and ``&`` are escaped, only ``https:`` and ``mailto:`` Markdown links become links (any
other target, such as ``!channel``, ``@U…``, ``#C…``, ``http:``, ``javascript:`` or a relative
path, stays text), and every mrkdwn text object is ``verbatim``, so Slack does not turn plain
``@here`` or bare URLs into mentions or links either. The bot's own links (source viewer, the
asker's mention) are the only markup it writes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from assistant import Answer, Citation, page_words

# Slack's documented limits (https://docs.slack.dev/reference/block-kit/blocks).
SECTION_CHARS = 3000
MESSAGE_BLOCKS = 50
CONTEXT_ELEMENTS = 10
CONTEXT_ELEMENT_CHARS = 3000
TITLE_CHARS = 150
FALLBACK_CHARS = 300
TABLE_ROWS = 100  # a table block's rows, its header row included
TABLE_CELLS = 20

PLACEHOLDER = "Searching the documents…"
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
SHARE = "share_answer"  # "Share to channel" under a private answer
CONTINUE = "continue_in_web_chat"  # the link button that opens the conversation in the web chat

Block = dict[str, Any]
Message = dict[str, Any]  # {"text": fallback, "blocks": [...]}


# --- Slack text in ------------------------------------------------------------------------------

_SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def plain_question(text: str, bot_user_id: str | None = None) -> str:
    """A question as the person typed it: the bot's mention removed, other mentions, channels
    and links as their labels, and Slack's ``&amp;`` ``&lt;`` ``&gt;`` unescaped."""

    def label(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, name = inner.partition("|")
        if target.startswith("@"):
            if bot_user_id and target[1:] == bot_user_id:
                return " "
            return f"@{name or target[1:]}"
        if target.startswith("#"):
            return f"#{name or target[1:]}"
        if target.startswith("!"):
            return f"@{name or target[1:].split('^')[0]}"
        return name or target

    return " ".join(html.unescape(_SLACK_TOKEN.sub(label, text or "")).split())


def mentions(text: str, user_id: str | None) -> bool:
    return bool(user_id) and f"<@{user_id}" in (text or "")


# --- Markdown to mrkdwn ---------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters escaped (https://docs.slack.dev/messaging/formatting-message-text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_BROADCAST = re.compile(r"(?<![\w@.+-])@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def quiet(text: str) -> str:
    """``text`` for a message's top-level ``text`` field, which has no ``verbatim`` switch: a
    typed ``@channel``, ``@here`` or ``@everyone`` gets an invisible word joiner after its ``@``,
    so it reads the same but can never notify anyone (e-mail addresses are left alone)."""
    return _BROADCAST.sub("@" + WORD_JOINER, text)


def linkable(url: str) -> bool:
    """True only for targets that may become a Slack link from document or model text: ``https:``
    with a host, or ``mailto:`` with an address. Anything else would ping people (``!channel``,
    ``!here``, ``@U…``, ``!subteam^…``), point into the workspace (``#C…``, ``slack:``), run or
    mislead in the client (``javascript:``, ``http:``, ``data:``), or resolve against Slack's own
    host (relative links), so it is shown as text instead."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme == "https":
        return bool(host)
    if scheme == "mailto":
        mailbox, _, domain = parts.path.partition("@")
        return bool(mailbox and domain)
    return False


_FENCE = re.compile(r"^\s*```")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^()\s]+)\)")
_MARKERS = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BOLD_MARK = "\x04"
# The control characters _inline uses as its own marks never come from the text itself.
_PRIVATE_MARKS = dict.fromkeys(map(ord, "\x02\x03\x04"))


def to_mrkdwn(markdown: str, link_for: Callable[[int], str | None] | None = None) -> str:
    """Markdown as Slack mrkdwn: headings and ``**bold**`` to ``*bold*``, ``*italic*`` to
    ``_italic_``, lists to bullets, ``https:``/``mailto:`` links to ``<url|text>`` (other links
    to ``text (target)``, see :func:`linkable`), tables to a preformatted block, and each ``[n]``
    to a link from ``link_for(n)`` (left as text where it gives None). Everything else is text:
    Slack markup already in ``markdown`` (``<!channel>``, ``<@U…>``, ``<url|x>``) is escaped."""
    markdown = markdown.translate(_PRIVATE_MARKS)
    out: list[str] = []
    table: list[str] = []
    in_code = False

    def flush_table() -> None:
        if len(table) >= 2 and _TABLE_RULE.match(table[1]):
            out.extend(["```", *_table_lines(table), "```"])
        else:
            out.extend(_line(row, link_for) for row in table)
        table.clear()

    for line in markdown.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            flush_table()
            in_code = not in_code
            out.append("```")
        elif in_code:
            out.append(escape(line))
        elif _TABLE_ROW.match(line):
            table.append(line)
        else:
            flush_table()
            out.append(_line(line, link_for))
    flush_table()
    if in_code:
        out.append("```")
    return "\n".join(out).strip("\n")


def _table_lines(rows: list[str]) -> list[str]:
    cells = [[escape(c.strip()) for c in r.strip().strip("|").split("|")] for r in rows]
    cells = [row for i, row in enumerate(cells) if i != 1]  # the |---| rule
    width = max(len(r) for r in cells)
    cols = [max((len(r[i]) for r in cells if i < len(r)), default=0) for i in range(width)]
    return ["  ".join(c.ljust(cols[i]) for i, c in enumerate(r)).rstrip() for r in cells]


def _line(line: str, link_for: Callable[[int], str | None] | None) -> str:
    if m := _HEADING.match(line):
        text = _inline(m.group(1), link_for).replace("*", "")
        return f"*{text}*" if text else ""
    if _RULE.match(line):
        return "──────────"
    if m := _QUOTE.match(line):
        return "> " + _inline(m.group(1), link_for)
    if m := _BULLET.match(line):
        return f"{m.group(1)}• {_inline(m.group(2), link_for)}"
    return _inline(line, link_for)


def _inline(text: str, link_for: Callable[[int], str | None] | None) -> str:
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"\x02{len(kept) - 1}\x03"

    text = _CODE_SPAN.sub(lambda m: keep("`" + escape(m.group(2)) + "`"), text)
    text = escape(text)

    def link(m: re.Match[str]) -> str:
        label, target = m.group(1), m.group(2)  # both escaped already
        url = html.unescape(target)
        if not linkable(url):
            return keep(f"{label} ({target})")
        return keep(f"<{_safe_url(url)}|{label.replace('|', '/')}>")

    text = _LINK.sub(link, text)

    def markers(m: re.Match[str]) -> str:
        numbers = [int(n) for n in re.findall(r"\d+", m.group(1))]
        urls = [link_for(n) if link_for else None for n in numbers]
        if not any(urls):
            return m.group(0)
        return keep(
            "".join(f"<{u}|[{n}]>" if u else f"[{n}]" for n, u in zip(numbers, urls, strict=True))
        )

    text = _MARKERS.sub(markers, text)
    text = _BOLD.sub(lambda m: _BOLD_MARK + (m.group(1) or m.group(2)) + _BOLD_MARK, text)
    text = _ITALIC.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    text = text.replace(_BOLD_MARK, "*")
    return re.sub(r"\x02(\d+)\x03", lambda m: kept[int(m.group(1))], text)


def _safe_url(url: str) -> str:
    """A URL that cannot break out of Slack's ``<url|label>``."""
    return url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


# --- splitting ----------------------------------------------------------------------------------

_SEPARATORS = ("\n\n", "\n", ". ", "; ", ", ", " ")


def split_text(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at the best boundary (paragraph,
    line, sentence, word), never inside a ``<link>`` or an ``&entity;``; a code block cut in two
    is closed and reopened. Only whitespace at the cuts is dropped."""
    if len(text) <= limit:
        return [text] if text.strip() else []
    budget = limit - 8  # room to close and reopen a code block
    pieces: list[str] = []
    rest = text
    while len(rest) > budget:
        cut = _cut_point(rest, budget)
        piece = rest[:cut].rstrip()
        if piece:
            pieces.append(piece)
        rest = rest[cut:].lstrip()
    if rest.strip():
        pieces.append(rest)
    fixed: list[str] = []
    in_code = False
    for piece in pieces:
        opened = in_code
        in_code ^= piece.count("```") % 2 == 1
        fixed.append(("```\n" if opened else "") + piece + ("\n```" if in_code else ""))
    return fixed


def _cut_point(text: str, budget: int) -> int:
    window = text[: budget + 1]
    floor = budget // 3
    for sep in _SEPARATORS:
        at = window.rfind(sep)
        while at > floor and _inside_token(text, at):
            at = window.rfind(sep, 0, at)
        if at > floor:
            return at + len(sep) if sep.strip() else at
    cut = budget
    while cut > floor and _inside_token(text, cut):
        cut -= 1
    return cut if cut > floor else budget


def _inside_token(text: str, at: int) -> bool:
    """True when position ``at`` lies inside ``<...>`` or an ``&amp;``, ``&lt;``, ``&gt;``."""
    before = text[:at]
    if before.rfind("<") > before.rfind(">"):
        return True
    amp = text.rfind("&", max(0, at - 4), at)
    return amp != -1 and any(
        text.startswith(entity, amp) and at < amp + len(entity) for entity in _ENTITIES
    )


_ENTITIES = ("&amp;", "&lt;", "&gt;")


# --- answers as Block Kit ----------------------------------------------------------------------


def source_url(public_url: str, citation: Citation, answer_id: str = "", view: str = "") -> str:
    """The web chat's source viewer at the cited page; ``view``: a signed view link's token
    (assistant.links), which opens it without an API token."""
    params: dict[str, str | int] = {"doc": citation.document_id}
    if citation.page:
        params["page"] = citation.page
    if answer_id:
        params["answer"] = answer_id
    if view:
        params["view"] = view
    return _safe_url(f"{public_url.rstrip('/')}/?{urlencode(params, quote_via=quote)}")


def source_label(citation: Citation) -> str:
    """``Title, p. 6/26`` (printed page label), ``Title, row 12`` for data, or the title."""
    title = " ".join(citation.title.split()) or citation.source
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1] + "…"
    if citation.page:
        return f"{title}, {page_words(citation.page, citation.page_label)}"
    if citation.data_row is not None:
        return f"{title}, row {citation.data_row}"
    return title


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object that Slack shows as written: ``verbatim``, so plain ``@here``,
    ``#channel`` names and bare URLs stay text; only explicit ``<...>`` markup is markup."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def context(texts: list[str]) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts]}


def share_value(answer_id: str, thread_ts: str | None = None) -> str:
    """What "Share to channel" carries: the answer, and the thread to share it in (a click on
    an ephemeral message does not say which thread the message was in)."""
    return f"{answer_id}@{thread_ts}" if thread_ts else answer_id


def continue_url(public_url: str, resume: str) -> str:
    """The web chat, continuing the conversation of the answer whose view link is ``resume``."""
    return _safe_url(f"{public_url.rstrip('/')}/?{urlencode({'continue': resume})}")


def continue_button(public_url: str, resume: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": "💬 Continue in the web chat", "emoji": True},
        "action_id": CONTINUE,
        "url": continue_url(public_url, resume),
    }


def feedback_buttons(
    answer_id: str, *, share: str = "", resume: str = "", public_url: str = ""
) -> Block:
    """👍/👎 under an answer; under a private one also "Share to channel", carrying ``share``
    (:func:`share_value`); with ``resume`` (a view link to the answer) "Continue in the web
    chat"."""

    def button(label: str, action_id: str) -> dict[str, Any]:
        return {
            "type": "button",
            "text": {"type": "plain_text", "text": label, "emoji": True},
            "action_id": action_id,
            "value": answer_id,
        }

    elements = [button("👍 Helpful", FEEDBACK_UP), button("👎 Not helpful", FEEDBACK_DOWN)]
    if share:
        elements.append({**button("📣 Share to channel", SHARE), "value": share})
    if resume:
        elements.append(continue_button(public_url, resume))
    return {"type": "actions", "block_id": "feedback", "elements": elements}


NOT_ANSWERED = "⚠️ *Not answered by the documents*"


def refusal_note(answer: Answer) -> Block | None:
    """Above an answer the documents do not support, so that it never reads as one that they
    do: the web chat's "Not answered by the documents" badge."""
    if answer.grounded and answer.kind != "refusal":
        return None
    return context([NOT_ANSWERED])


def table_block(rows: list[dict[str, Any]], labels: dict[str, str] | None = None) -> Block:
    """An indicator answer's rows as a Slack table (the web chat's columns: country, year, the
    indicator when there are several, value, rank and group when any row has them, and the
    source file and row), numbers aligned right; at most 99 rows under the header."""
    say = labels or {}
    several = len({str(r.get("indicator", "")) for r in rows}) > 1
    columns: list[tuple[str, str, Callable[[dict[str, Any]], object]]] = [
        (say.get("country", "Country"), "left", lambda r: r.get("country")),
        (say.get("year", "Year"), "right", lambda r: r.get("year")),
    ]
    if several:
        columns.append((say.get("indicator", "Indicator"), "left", lambda r: r.get("indicator")))
    columns.append((say.get("value", "Value"), "right", lambda r: r.get("value")))
    if any(r.get("rank") is not None for r in rows):
        columns.append((say.get("rank", "Rank"), "right", lambda r: r.get("rank")))
    if any(r.get("group") for r in rows):
        columns.append((say.get("group", "Group"), "left", lambda r: r.get("group")))
    columns.append((say.get("source", "Source"), "left", _row_source))
    columns = columns[:TABLE_CELLS]

    def cell(value: object) -> dict[str, str]:
        text = "" if value is None else " ".join(str(value).split())
        return {"type": "raw_text", "text": text or "–"}

    body = [[cell(get(row)) for _, _, get in columns] for row in rows[: TABLE_ROWS - 1]]
    return {
        "type": "table",
        "column_settings": [{"align": align} for _, align, _ in columns],
        "rows": [[cell(name) for name, _, _ in columns], *body],
    }


def _row_source(row: dict[str, Any]) -> str:
    name = str(row.get("source") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name}, row {row['row']}" if row.get("row") is not None else name


def answer_blocks(
    answer: Answer,
    public_url: str,
    *,
    preface: str | None = None,
    share: str = "",
    view: str = "",
    resume: str = "",
) -> list[Block]:
    """Every block of an answer, in order (not yet packed into messages); ``share``: a private
    answer's :func:`share_value`, for a button that shares it in the channel; ``view``: the
    view-link token its source links carry (see :func:`source_url`); ``resume``: a view link
    to the answer for "Continue in the web chat" (empty: no such button)."""
    urls = {c.n: source_url(public_url, c, answer.id, view) for c in answer.citations}
    blocks: list[Block] = []
    if preface:
        blocks.append(context([preface[:CONTEXT_ELEMENT_CHARS]]))
    if note := refusal_note(answer):
        blocks.append(note)
    text = to_mrkdwn(answer.answer, urls.get) or "_(no answer text)_"
    blocks.extend(section(piece) for piece in split_text(text, SECTION_CHARS))
    if answer.table:
        blocks.append(table_block(answer.table, answer.labels))
        if len(answer.table) > TABLE_ROWS - 1:
            shown = f"The first {TABLE_ROWS - 1} of {len(answer.table)} rows; all in the web chat."
            blocks.append(context([shown]))
    if answer.rewritten_question:
        read_as = f"Follow-up read as: _{escape(answer.rewritten_question)}_"
        blocks.append(context([read_as[:CONTEXT_ELEMENT_CHARS]]))
    if answer.understood:
        said = answer.labels.get("read_as", "Read as")  # in the question's language
        read = f"{said}: {escape(answer.understood)}"
        blocks.append(context([read[:CONTEXT_ELEMENT_CHARS]]))
    for note in answer.notes:  # as the web chat shows them: how the answer was found
        blocks.append(context([escape(note)[:CONTEXT_ELEMENT_CHARS]]))
    lines = [
        f"*[{c.n}]* <{urls[c.n]}|{escape(source_label(c)).replace('|', '/')}>"
        for c in answer.citations
    ]
    for start in range(0, len(lines), CONTEXT_ELEMENTS):
        blocks.append(context(lines[start : start + CONTEXT_ELEMENTS]))
    if answer.id:
        blocks.append(
            feedback_buttons(answer.id, share=share, resume=resume, public_url=public_url)
        )
    return blocks


def pack(blocks: list[Block], fallback: str) -> list[Message]:
    """Blocks in messages of at most 50; the first carries ``fallback`` as its notification text."""
    messages: list[Message] = []
    for start in range(0, len(blocks), MESSAGE_BLOCKS):
        text = fallback if not messages else "(answer continued)"
        messages.append({"text": text, "blocks": blocks[start : start + MESSAGE_BLOCKS]})
    return messages or [{"text": fallback, "blocks": [section(escape(fallback))]}]


def answer_messages(
    answer: Answer,
    public_url: str,
    *,
    preface: str | None = None,
    share: str = "",
    view: str = "",
    resume: str = "",
) -> list[Message]:
    """An answer as Slack messages, ready for chat.update / chat.postMessage."""
    fallback = fallback_text(answer.answer)
    if refusal_note(answer):
        fallback = f"Not answered by the documents: {fallback}"
    blocks = answer_blocks(
        answer, public_url, preface=preface, share=share, view=view, resume=resume
    )
    return pack(blocks, fallback)


def fallback_text(markdown: str) -> str:
    """A short plain version for notifications and clients without blocks."""
    text = _LINK.sub(r"\1", markdown)
    text = re.sub(r"\*\*|__|~~|`+|^\s{0,3}#+\s*|^\s*\|?[-:| ]+\|?\s*$", "", text, flags=re.M)
    text = " ".join(text.split())
    text = text if len(text) <= FALLBACK_CHARS else text[: FALLBACK_CHARS - 1] + "…"
    return quiet(escape(text)) or "Answer"


# --- the AI-app surface: streamed answers, suggested prompts, the App Home ---------------------

# Slack's documented limits for the AI-app methods (chat.startStream / appendStream / stopStream,
# assistant.threads.setSuggestedPrompts).
STREAM_CHARS = 12_000  # markdown_text per call
PROMPTS = 4
FEEDBACK = "feedback"  # the action id of the feedback buttons under a streamed answer
STATUS = "is searching the documents…"
LOADING = [
    "is searching the documents…",
    "is reading the passages found…",
    "is checking every sentence against its source…",
]

# Slack's tokens ("<!here>", "<@U…>", "<#C…>", "<https://…|label>", "<slack://…>") open with "<"
# and no space; a word joiner after such a "<" leaves the text as it reads but makes it no token.
_TOKEN_OPENER = re.compile(r"<(?=\S)")


def stream_text(markdown: str) -> str:
    """Answer text for ``markdown_text``, which Slack renders as Markdown. As for messages (see
    :func:`linkable`), document and model text may link only to ``https:`` and ``mailto:``
    targets (any other Markdown link shows its label alone), and no ``<`` may open one of
    Slack's tokens (``<!here>``, ``<@U…>``, ``<slack://…>``): a word joiner follows it. A typed
    ``@channel`` cannot notify (:func:`quiet`)."""

    def link(match: re.Match[str]) -> str:
        return match.group(0) if linkable(match.group(2)) else match.group(1)

    text = _LINK.sub(link, markdown)
    return quiet(_TOKEN_OPENER.sub("<" + WORD_JOINER, text))


def stream_pieces(markdown: str, limit: int = STREAM_CHARS) -> list[str]:
    """``markdown`` in pieces Slack takes in one streaming call each."""
    return [markdown[i : i + limit] for i in range(0, len(markdown), limit)] or [""]


def feedback_actions(answer_id: str) -> Block:
    """👍/👎 as the AI-app surface shows them: feedback buttons in a context-actions block; the
    value says which (``1:`` or ``-1:``) and of which answer."""

    def button(text: str, rating: int, label: str) -> dict[str, Any]:
        return {
            "text": {"type": "plain_text", "text": text, "emoji": True},
            "value": f"{rating}:{answer_id}",
            "accessibility_label": label,
        }

    return {
        "type": "context_actions",
        "block_id": "feedback",
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": FEEDBACK,
                "positive_button": button("Helpful", 1, "This answer was helpful"),
                "negative_button": button("Not helpful", -1, "This answer was not helpful"),
            }
        ],
    }


# What follows a streamed answer's text: the refusal note, the indicator table, how the question
# was read and the sources (the text itself was streamed).
_AFTER_STREAM = ("context", "table")


def stream_end_blocks(
    answer: Answer, public_url: str, view: str = "", resume: str = ""
) -> list[Block]:
    """What follows a streamed answer's text: how the question was read, the sources (linked to
    the web chat's viewer at the cited page), "Continue in the web chat" (with ``resume``) and
    the feedback buttons; at most 50 blocks."""
    blocks = [b for b in answer_blocks(answer, public_url, view=view) if b["type"] in _AFTER_STREAM]
    tail: list[Block] = []
    if resume:
        tail.append({"type": "actions", "elements": [continue_button(public_url, resume)]})
    if answer.id:
        tail.append(feedback_actions(answer.id))
    return [*blocks[: MESSAGE_BLOCKS - len(tail)], *tail]


def sources_message(answer: Answer, public_url: str, view: str = "", resume: str = "") -> Message:
    """The sources and 👍/👎 of an answer whose text was streamed, as a message of their own
    (where Slack would not end the stream with them); its table goes in a message of its own
    (:func:`table_message`), so that sources are shown even if the table is what Slack refused."""
    blocks = [
        b
        for b in answer_blocks(answer, public_url, view=view, resume=resume)
        if b["type"] in ("context", "actions")
    ]
    return {"text": "Sources", "blocks": blocks[:MESSAGE_BLOCKS]}


def table_message(answer: Answer) -> Message | None:
    """An indicator answer's table as a message of its own; None without one."""
    if not answer.table:
        return None
    return {"text": "Indicator values", "blocks": [table_block(answer.table, answer.labels)]}


def suggested_prompts(questions: list[str]) -> list[dict[str, str]]:
    """Up to four prompts for a new assistant thread: each a short title and the question.
    Titles tell the prompts apart: an opening they all share ("What do the documents say
    about …") is left out of them."""
    chosen = questions[:PROMPTS]
    shared = _shared_opening(chosen)
    prompts = []
    for question in chosen:
        title = question
        if shared:  # what remains is a subject, not a question: capitalised, no question mark
            subject = question[shared:].rstrip("?").strip()
            title = subject[:1].upper() + subject[1:]
        title = title if len(title) <= 40 else title[:39].rstrip() + "…"
        prompts.append({"title": title, "message": question})
    return prompts


def _shared_opening(questions: list[str], *, min_words: int = 3) -> int:
    """Length of the whole words of at least ``min_words`` that all of two or more questions
    open with; 0 when there are none."""
    if len(questions) < 2:
        return 0
    words = [q.split(" ") for q in questions]
    common = 0
    while all(len(w) > common + 1 for w in words) and len({w[common] for w in words}) == 1:
        common += 1
    if common < min_words:
        return 0
    return len(" ".join(words[0][:common])) + 1


# The collections as the web chat names them (bots/web/sources.js).
COLLECTION_LABELS = {
    "study": "Studies & reports",
    "case": "Case studies",
    "profile": "Country profiles",
    "data": "Indicator data",
    "un": "UN documents",
    "other": "Other documents",
}


def home_view(summary: dict[str, Any], public_url: str, questions: list[str]) -> dict[str, Any]:
    """The App Home: what the assistant knows, how to ask, where the web chat is."""
    collections = summary.get("collections") or {}
    known = [
        f"• *{escape(COLLECTION_LABELS.get(name, str(name)))}*: "
        f"{count:,} document{'s' if count != 1 else ''}"
        for name, count in collections.items()
    ]
    facts = [
        f"*{summary.get('documents', 0):,}* documents",
        f"*{summary.get('countries', 0):,}* countries with indicator data",
    ]
    editions = summary.get("editions") or []
    if editions:
        facts.append(f"data editions {escape(', '.join(str(e) for e in editions))}")
    if summary.get("last_ingest"):
        facts.append(f"last ingest {escape(str(summary['last_ingest']))}")
    asks = [f"• _{escape(q)}_" for q in questions[:PROMPTS]]
    web = public_url.rstrip("/") + "/"
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": "Governance Knowledge Assistant"},
        },
        section(
            "I answer questions about the governance documents and indicator data below, "
            "quoting them with numbered sources you can open and check. When the documents "
            "do not hold the answer, I say so."
        ),
        section("*What I know*\n" + " · ".join(facts)),
    ]
    if known:
        shown: list[str] = []
        for line in known:  # whole lines within a section's 3,000 characters
            if sum(len(x) + 1 for x in shown) + len(line) > SECTION_CHARS:
                break
            shown.append(line)
        blocks.append(section("\n".join(shown)))
    blocks.append({"type": "divider"})
    how = (
        "*How to ask*\n• Open me in the assistant panel, or send me a direct message\n"
        "• Mention me in a channel thread: `@Governance Knowledge Assistant your question`\n"
        "• `/ask your question` (only you see the answer; add `--public` to post it)\n"
        "• `/brief Country | topic` drafts an advisory brief as a Word file"
    )
    blocks.append(section(how))
    if asks:
        blocks.append(section("*Try*\n" + "\n".join(asks)))
    blocks.append(section(f"<{_safe_url(web)}|Open the web chat> for the full source viewer."))
    return {"type": "home", "blocks": blocks}
