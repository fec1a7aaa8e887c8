"""Parse-only benchmark: every PDF of a folder through the PDF parser, one process per file.

    .venv/bin/python bench/parse_bench.py FOLDER [--timeout 300] [--no-ocr] [--json out.json]

Each file is parsed in its own child process (``bench/parse_bench.py --one FILE``) under a wall
clock timeout, so a crash or a hang is counted against its file and the run goes on; CPU seconds
and peak RSS are the children's (``getrusage``). Printed, and written with ``--json``:

* files, pages, failures grouped by reason (timeouts and crashes included);
* pages OCRed and why ("spa: doubtful words", "eng: no text layer"), doubtful text layers kept,
  pages dropped as unreadable;
* pages with a printed label, and documents whose label note says where labels came from;
* the UN symbol, title, year, date of issue and language read from each file, and the titles
  that more than one file shows;
* CPU seconds per file (median, p90, max): the whole child, and the parse alone (without the
  interpreter's start, imports and loading lingua's language models, which an ingestion run
  does once); the peak RSS of the largest child.

Figures on a shared 2-core machine are noisy; OCR dominates the files that need it.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def parse_one(path: Path, ocr: bool) -> dict[str, Any]:
    """What the parser made of one file (run in the child process)."""
    sys.path.insert(0, str(REPO))
    from ingest import ocr as ocr_tools  # not ``ocr``: that is this function's switch
    from ingest.parsers.base import ParseFailure
    from ingest.parsers.pdf import parse_pdf

    # lingua loads its language models on first use: once per ingestion run, like an import, so
    # outside the parse's own figure (the whole child's figure includes it).
    ocr_tools.page_language("The committee reviewed the progress made by governments this year.")
    started = time.process_time()
    try:
        doc = parse_pdf(path, ocr=ocr)
    except ParseFailure as failure:
        return {"ok": False, "reason": failure.reason, "status": failure.status}
    return {
        "ok": True,
        "parse_cpu_s": round(time.process_time() - started, 3),
        "pages": len(doc.pages),
        "labelled": sum(1 for p in doc.pages if p.label),
        "ocred": sum(1 for p in doc.pages if p.ocr),
        "unreadable": list(doc.unreadable_pages),
        "notes": list(doc.notes),
        "title": doc.title,
        "year": doc.year,
        "symbol": doc.symbol,
        "issued": doc.issued,
        "language": doc.language,
    }


def run_one(path: Path, timeout: float, ocr: bool) -> dict[str, Any]:
    """Parse ``path`` in a child process: its result with wall and CPU seconds and peak RSS."""
    cmd = [sys.executable, __file__, "--one", str(path)] + ([] if ocr else ["--no-ocr"])
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        timed_out = True
    wall = time.perf_counter() - started
    usage = _children_usage()
    result: dict[str, Any]
    if timed_out:
        result = {"ok": False, "reason": f"timed out after {timeout:.0f} s", "status": "hang"}
    elif proc.returncode != 0:
        result = {"ok": False, "reason": f"crashed (exit {proc.returncode})", "status": "crash"}
    else:
        result = json.loads(out)
    result.update(file=path.name, wall_s=round(wall, 2), **usage)
    return result


_children_cpu = [0.0]


def _children_usage() -> dict[str, float]:
    """CPU seconds of the child just reaped (children run one at a time: the growth of this
    process's children totals) and the largest peak RSS of any child so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    spent, _children_cpu[0] = cpu - _children_cpu[0], cpu
    return {"cpu_s": round(spent, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in results if r["ok"]]
    cpu = sorted(r["cpu_s"] for r in results)
    ocr_reasons: Counter[str] = Counter()
    kept = 0
    for r in done:
        for note in r["notes"]:
            match = re.match(r"\d+ pages OCRed \((.*)\)$", note)
            if match:
                for part in match.group(1).split(", "):
                    count, _, reason = part.partition(" ")
                    ocr_reasons[reason] += int(count)
            kept_match = re.match(r"(\d+) doubtful text layers kept", note)
            if kept_match:
                kept += int(kept_match.group(1))
    return {
        "files": len(results),
        "parsed": len(done),
        "failures": dict(Counter(r["reason"] for r in results if not r["ok"])),
        "pages": sum(r["pages"] for r in done),
        "pages_labelled": sum(r["labelled"] for r in done),
        "pages_ocred": sum(r["ocred"] for r in done),
        "ocr_reasons": dict(ocr_reasons),
        "doubtful_layers_kept": kept,
        "pages_unreadable": sum(len(r["unreadable"]) for r in done),
        "with_symbol": sum(1 for r in done if r.get("symbol")),
        "with_date_of_issue": sum(1 for r in done if r.get("issued")),
        "languages": dict(Counter(r.get("language") or "unknown" for r in done)),
        "titles_shared": _shared_titles(done),
        "cpu_s_per_file": _spread(cpu),
        "parse_cpu_s_per_file": _spread([r["parse_cpu_s"] for r in done]),
        "peak_rss_mib": max((r["peak_rss_mib"] for r in results), default=0),
        "wall_s": round(sum(r["wall_s"] for r in results), 1),
    }


def _shared_titles(done: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Displayed titles that more than one file carries, with the files."""
    files: dict[str, list[str]] = {}
    for r in done:
        files.setdefault(r["title"] or "", []).append(r["file"])
    return {title: names for title, names in files.items() if len(names) > 1}


def _spread(values: list[float]) -> dict[str, float]:
    """Median, 90th percentile and maximum."""
    ordered = sorted(values)
    if not ordered:
        return {"median": 0, "p90": 0, "max": 0}
    return {
        "median": round(statistics.median(ordered), 2),
        "p90": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "max": round(ordered[-1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per file")
    parser.add_argument("--no-ocr", action="store_true", help="parse without OCR")
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(parse_one(args.one, not args.no_ocr)))
        return 0
    if args.folder is None:
        parser.error("give a folder of PDFs")
    files = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() == ".pdf")
    results = []
    for index, path in enumerate(files, 1):
        result = run_one(path, args.timeout, not args.no_ocr)
        results.append(result)
        state = "ok" if result["ok"] else f"FAILED: {result['reason']}"
        print(f"[{index}/{len(files)}] {path.name}: {state} ({result['cpu_s']} CPU s)", flush=True)
    summary = summarise(results)
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "files": results}, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
