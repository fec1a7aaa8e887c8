"""Command line: ``python -m ingest [PATH ...] [--rebuild] [--prune] [--json]`` and ``python -m ingest fetch``.

Exit status: 0 when every file was ingested (or was unchanged, or skipped: symbolic links are
reported, never followed), 1 when any file failed (an unreadable or invalid sidecar, a document
id another file holds, a file that cannot be parsed) or needs OCR (all the others are still
ingested), 2 for a usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from assistant.config import Settings, get_settings
from assistant.errors import AssistantError


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "fetch":
        return _fetch(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Ingest documents and indicator tables into the store in RAG_DATA_DIR. "
        "With no PATH, ingests RAG_CORPUS_DIRS (default: corpus/). "
        "`python -m ingest fetch --help` downloads the catalogue's public documents.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders to ingest")
    parser.add_argument(
        "--rebuild", action="store_true", help="drop the store and ingest everything again"
    )
    parser.add_argument(
        "--prune", action="store_true", help="remove documents whose files are gone"
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from .pipeline import Pipeline

    settings = get_settings()
    show_progress = not (args.quiet or args.json) and sys.stderr.isatty()
    progress = _ProgressBar() if show_progress else None
    try:
        report = Pipeline(settings).run(
            args.paths or None, rebuild=args.rebuild, prune=args.prune, progress=progress
        )
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress:
            progress.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_summary(report, settings)
    return 0 if report.ok else 1


class _ProgressBar:
    """A tqdm bar over files with pages/s and chunks/s, fed by the pipeline's progress events."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.pages = 0
        self.chunks = 0
        self.started = time.perf_counter()

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        from tqdm import tqdm

        if event == "plan":
            self.bar = tqdm(total=data["todo"], unit="file", desc="ingesting", file=sys.stderr)
            if data["unchanged"]:
                self.bar.write(f"{data['unchanged']} files unchanged")
        elif event == "file" and self.bar is not None:
            self.pages += data["pages"]
            self.chunks += data["chunks"]
            elapsed = max(time.perf_counter() - self.started, 1e-9)
            self.bar.set_postfix(
                pages_s=f"{self.pages / elapsed:.1f}",
                chunks_s=f"{self.chunks / elapsed:.1f}",
                refresh=False,
            )
            self.bar.update(1)
        elif event == "sentences":
            print(
                f"embedding the sentences of {data['documents']} stored documents "
                f"{data.get('for', 'for questions in other languages')}",
                file=sys.stderr,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _print_summary(report: Any, settings: Settings) -> None:
    totals = report.totals()
    problems = [f for f in report.files if f.status not in ("ingested", "unchanged")]
    ingested = [f for f in report.files if f.status == "ingested"]
    width = max([len(f.path) for f in ingested + problems] + [4])
    width = min(width, 80)
    if ingested:
        print(f"{'file':<{width}}  {'pages':>5}  {'chunks':>6}  {'secs':>6}")
        for f in ingested:
            print(
                f"{_short(f.path, width):<{width}}  {f.pages:>5}  {f.chunks:>6}  {f.seconds:>6.1f}"
            )
        print()
    for f in problems:
        print(f"{f.status.upper():>9}  {f.path}: {f.reason}")
    if problems:
        print()
    secs = totals["seconds"]
    print(
        f"{totals['files']} files: {totals['ingested']} ingested, {totals['unchanged']} unchanged, "
        f"{totals['failed']} failed, {totals['needs_ocr']} need OCR, {totals['skipped']} skipped; "
        f"{totals['pages']} pages, {totals['chunks']} passages in {secs['total']:.1f} s "
        f"(parse {secs['parse']:.1f}, chunk {secs['chunk']:.1f}, embed {secs['embed']:.1f}, "
        f"sentences {secs['sentences']:.1f}, store {secs['store']:.1f}, "
        f"keyword index {secs['index']:.1f})"
    )
    if report.indicator_rows:
        print(
            f"indicator table: {report.indicator_rows} values loaded; {report.profiles} country profiles"
        )
    if not totals["ingested"] and totals["unchanged"] and not secs["sentences"]:
        print("nothing changed: nothing was embedded")
    if report.recovered:
        print(
            f"recovered after an interrupted run: {len(report.recovered)} half-written documents removed"
        )
    print(f"store: {settings.data_dir}")


def _short(path: str, width: int) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1) :]


def _fetch(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest fetch",
        description="Download the public documents listed in the catalogue (with checksums and a cache).",
    )
    parser.add_argument("--catalogue", type=Path, default=Path("corpus/catalogue.json"))
    parser.add_argument("--dest", type=Path, default=None, help="default: RAG_DATA_DIR/downloads")
    parser.add_argument(
        "--id", dest="ids", action="append", help="only this catalogue entry (repeatable)"
    )
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from .fetch import fetch

    dest = args.dest or get_settings().data_dir / "downloads"
    try:
        results = fetch(args.catalogue, dest, ids=args.ids, timeout=args.timeout)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = [r for r in results if not r.ok]
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False))
    else:
        for r in results:
            print(f"{r.status:>10}  {r.entry_id}: {r.message}")
        print(f"{len(results) - len(failed)} of {len(results)} entries available in {dest}")
        if not failed and results:
            print(f"ingest them with: python -m ingest {dest}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
