"""Command line: ``python -m assistant ask|search|eval|serve ...`` (see ``--help``)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings, get_settings
from assistant.errors import AssistantError
from assistant.models import Filters, page_words

if TYPE_CHECKING:
    from assistant.service import Assistant


def _filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--country", action="append", default=[], help="ISO3 code or name (repeatable)"
    )
    parser.add_argument(
        "--collection", action="append", default=[], help="study, case, profile, data, un, other"
    )
    parser.add_argument("--year-from", type=int)
    parser.add_argument("--year-to", type=int)
    parser.add_argument("--document", action="append", default=[], help="document id (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(
        countries=args.country,
        collections=args.collection,
        year_from=args.year_from,
        year_to=args.year_to,
        documents=args.document,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Ask the governance documents."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question")
    ask.add_argument(
        "--conversation",
        metavar="ID",
        default=None,
        help='continue a conversation ("new" starts one; its id is printed), so that a '
        'follow-up ("and for fiji?", "when was that?") reads as the earlier questions meant',
    )
    _filter_args(ask)
    chat = sub.add_parser(
        "chat", help="ask questions one after another in one conversation (follow-ups work)"
    )
    chat.add_argument("--conversation", metavar="ID", default=None, help="continue this one")
    _filter_args(chat)
    search = sub.add_parser("search", help="show the passages retrieved for a query")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=None)
    _filter_args(search)
    ev = sub.add_parser("eval", help="evaluate retrieval and answers on a question set (JSONL)")
    ev.add_argument("file", type=Path)
    ev.add_argument("--k", type=int, default=5)
    ev.add_argument("--corpus-root", type=Path, default=Path("../shared/corpus"))
    ev.add_argument("--json", action="store_true")
    serve = sub.add_parser("serve", help="serve the API and web chat (uvicorn)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    replay = sub.add_parser(
        "replay",
        help="ask a recorded answer's question again on the current index; show what changed",
    )
    replay.add_argument(
        "answer_id", metavar="ID", help="the answer's id (from /api/ask or the audit trail)"
    )
    replay.add_argument("--json", action="store_true", help="print one JSON object")
    brief = sub.add_parser(
        "brief", help="draft an advisory brief on a country and a topic, every claim cited"
    )
    brief.add_argument("--country", required=True, help="ISO3 code or name, e.g. Fiji")
    brief.add_argument(
        "--topic", required=True, help='what the brief is about, e.g. "e-procurement"'
    )
    brief.add_argument("--audience", default=None, help="who the brief is for (printed on it)")
    brief.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write a .docx, .md or .json file (default: Markdown to stdout)",
    )
    brief.add_argument("--json", action="store_true", help="print the brief as one JSON object")
    db = sub.add_parser(
        "db", help="the PostgreSQL database of RAG_DATABASE_URL (several API hosts)"
    )
    db.add_argument(
        "action",
        choices=["upgrade", "copy"],
        help="upgrade: bring its schema to the latest migration; copy: carry this data "
        "directory's records (catalogue, conversations, audit trail, feedback, briefs) over",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()

    try:
        if args.command == "serve":
            import uvicorn

            from assistant.access import is_loopback

            host = args.host or settings.host
            if not is_loopback(host) and not settings.token_grants():
                print(
                    f"WARNING: serving on {host}, which other machines can reach, without "
                    "RAG_API_TOKENS: anyone who reaches it can use the API and download documents.",
                    file=sys.stderr,
                )

            if args.workers > 1 and not settings.embed_threads:
                # each worker process embeds with its share of the cores: N processes each
                # running a thread per core only take turns (measured: 1.2 x the answers a
                # second at 2 workers on 2 cores, bench/load.py)
                share = max(1, (os.cpu_count() or 1) // args.workers)
                os.environ["RAG_EMBED_THREADS"] = str(share)
            uvicorn.run(
                "server:app",
                host=args.host or settings.host,
                port=args.port or settings.port,
                workers=args.workers,
            )
            return 0
        if args.command == "db":
            return _database(settings, args.action)
        from assistant.service import Assistant

        assistant = Assistant(settings)
        if args.command == "ask":
            if args.conversation is None:
                answer = assistant.ask(args.question, _filters(args))
            else:
                started = None if args.conversation == "new" else args.conversation
                answer = assistant.converse(
                    args.question, _filters(args), started, owner=CLI_OWNER, channel="cli"
                )
            if args.json:
                print(answer.model_dump_json())
            else:
                _print_answer(answer, follow_up=args.conversation not in (None, "new"))
            sys.stdout.flush()  # the answer first, then where to ask on, each on its own lines
            if args.conversation is not None and answer.conversation_id:
                print(
                    f"\n(conversation {answer.conversation_id}: ask on with "
                    f"--conversation {answer.conversation_id})",
                    file=sys.stderr,
                )
            return 0
        if args.command == "chat":
            return _chat(assistant, _filters(args), args.conversation, json_lines=args.json)
        if args.command == "search":
            passages = assistant.search(args.query, _filters(args), k=args.k)
            if args.json:
                print(json.dumps([_passage_json(p) for p in passages], ensure_ascii=False))
            else:
                for p in passages:
                    page = (
                        f" {page_words(p.chunk.page, p.chunk.page_label)}" if p.chunk.page else ""
                    )
                    print(
                        f"[{p.rank}] {p.score:.4f}  {p.document.title}{page}  ({p.document.source})"
                    )
                    print("    " + " ".join(p.chunk.text.split())[:300])
            return 0
        if args.command == "replay":
            result = assistant.replay(args.answer_id)
            if args.json:
                print(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
            else:
                _print_replay(result)
            return 0 if not result.changed else 1
        if args.command == "brief":
            return _brief(assistant, args)
        if args.command == "eval":
            from evaluation import main as eval_main

            return eval_main(assistant, args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 2


# Who the command line's conversations belong to: one person at one terminal (the API keeps each
# caller's apart by their token).
CLI_OWNER = "cli"


def _chat(
    assistant: Assistant, filters: Filters, conversation_id: str | None, *, json_lines: bool
) -> int:
    """Questions read one per line from standard input, each answered in one conversation (a
    follow-up reads as the earlier questions meant), until an empty line, "exit" or the end of
    the input."""
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask a question (an empty line or 'exit' ends).", file=sys.stderr)
    while True:
        try:
            question = input("> " if interactive else "").strip()
        except EOFError:
            break
        if not question or question.lower() in {"exit", "quit"}:
            break
        follow_up = conversation_id is not None
        try:
            answer = assistant.converse(
                question, filters, conversation_id, owner=CLI_OWNER, channel="cli"
            )
        except AssistantError as exc:  # a bad question ends nothing: say why, ask on
            print(f"error: {exc}", file=sys.stderr)
            continue
        conversation_id = answer.conversation_id or conversation_id
        if json_lines:
            print(answer.model_dump_json(), flush=True)
        else:
            _print_answer(answer, follow_up=follow_up)
            print(flush=True)
    if conversation_id:
        print(f"(conversation {conversation_id})", file=sys.stderr)
    return 0


def _database(settings: Settings, action: str) -> int:
    """``db upgrade`` and ``db copy``: see the ``db`` command's help."""
    from assistant.storage import postgres
    from assistant.storage.database import DatabaseError

    if not postgres.is_postgres(settings.database):
        print(
            "error: set RAG_DATABASE_URL=postgresql://user:password@host:5432/db first",
            file=sys.stderr,
        )
        return 2
    where = postgres.redacted(settings.database)
    try:
        if action == "upgrade":
            postgres.upgrade(settings.database)
            print(f"{where}: schema at the latest migration")
            return 0
        files = {
            name: getattr(settings, name, settings.data_dir / name)
            for name in postgres.SQLITE_TABLES
        }
        briefs = settings.data_dir / "briefs"
        copied = postgres.copy_from_sqlite(files, briefs, settings.database)
    except DatabaseError as exc:
        print(f"error: {where}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(f"copied from {settings.data_dir} to {where}:")
    for table, count in copied.items():
        print(f"  {table:<14} {count}")
    return 0


def _passage_json(p: object) -> dict[str, object]:
    from assistant.models import Passage

    assert isinstance(p, Passage)
    return {
        "rank": p.rank,
        "score": p.score,
        "vector_score": p.vector_score,
        "keyword_score": p.keyword_score,
        "document_id": p.document.doc_id,
        "title": p.document.title,
        "source": p.document.source,
        "collection": p.document.collection,
        "page": p.chunk.page,
        "page_label": p.chunk.page_label,
        "section": p.chunk.section,
        "text": p.chunk.text,
        "start": p.chunk.start,
        "end": p.chunk.end,
        "chunk_id": p.chunk.chunk_id,
    }


def _print_answer(answer: object, *, follow_up: bool = False) -> None:
    """``answer`` as a person reads it; ``follow_up``: the question followed earlier ones in its
    conversation (what it was rewritten to is then what the follow-up was read as; else the
    words it was searched with, slips mended)."""
    from assistant.models import Answer

    assert isinstance(answer, Answer)
    print(answer.answer)
    if answer.table:
        print()
        keys = [k for k in answer.table[0] if k not in ("source", "row")]
        print(" | ".join(keys))
        for row in answer.table:
            print(" | ".join(str(row.get(k, "") if row.get(k) is not None else "") for k in keys))
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            where = (
                f", {page_words(c.page, c.page_label)}"
                if c.page
                else (f", row {c.data_row}" if c.data_row else "")
            )
            print(f"  [{c.n}] {c.title}{where} ({c.source})")
            print(f"      \u201c{_clipped(c.text, QUOTE_CHARS)}\u201d")
    if answer.understood:
        print(f"\n(read as: {answer.understood})")
    if answer.rewritten_question:
        label = "follow-up read as" if follow_up else "searched as"
        print(f"\n({label}: {answer.rewritten_question})")
    if not answer.grounded:
        print("\n(not grounded: the documents do not answer this)")


# The most of a cited passage the command line prints under its source.
QUOTE_CHARS = 240


def _clipped(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, cut after a whole word and marked "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace() and " " in cut.strip():
        cut = cut.rsplit(" ", 1)[0]  # the word the limit falls in is left out
    return cut.rstrip(" ,;:") + "\u2026"


def _print_replay(result: object) -> None:
    from assistant.storage.audit import Replay

    assert isinstance(result, Replay)
    then, now = result.then, result.now
    print(f"answer {result.answer_id}, recorded {_when(then.created)}")
    print(f"question: {result.question}")
    if not result.changed:
        print("\nnothing changed: same answer, citations, passages and document versions")
        return
    if result.answer_changed:
        print(f"\nthen: {then.answer}\n\nnow:  {now.answer}")
    else:
        print("\nthe answer text is the same")
    if result.grounded_changed:
        print(f"grounded: {then.grounded} -> {now.grounded}")
    for label, items in (
        ("citations no longer given", result.citations_removed),
        ("new citations", result.citations_added),
        ("passages no longer retrieved", result.retrieved_removed),
        ("newly retrieved passages", result.retrieved_added),
        ("documents changed since (content hash differs)", result.documents_changed),
        ("documents no longer in the store", result.documents_gone),
    ):
        if items:
            print(f"\n{label}:")
            for item in items:
                print(f"  - {item}")


def _when(ts: float) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(ts, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


_BRIEF_FORMATS = (".docx", ".md", ".markdown", ".json")


def _brief(assistant: object, args: argparse.Namespace) -> int:
    from assistant.briefs.render import render_docx, render_markdown
    from assistant.service import Assistant

    assert isinstance(assistant, Assistant)
    out: Path | None = args.out
    if out is not None and out.suffix.lower() not in _BRIEF_FORMATS:
        print(
            f"error: --out {out}: use a file name ending in {', '.join(_BRIEF_FORMATS)}",
            file=sys.stderr,
        )
        return 2
    brief = assistant.draft_brief(args.country, args.topic, args.audience)
    if out is None:
        print(
            json.dumps(brief.to_json(), ensure_ascii=False) if args.json else render_markdown(brief)
        )
    elif out.suffix.lower() == ".docx":
        render_docx(brief, out)
    elif out.suffix.lower() == ".json":
        out.write_text(json.dumps(brief.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        out.write_text(render_markdown(brief), encoding="utf-8")
    if out is not None:
        print(f"wrote {out}: {brief.title}, {len(brief.citations)} sources", file=sys.stderr)
    if brief.problems:
        print(
            f"{len(brief.problems)} sentences or figures are marked [unsupported]: see Checker notes",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
