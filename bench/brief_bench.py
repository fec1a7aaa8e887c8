"""How long an advisory brief takes to draft offline: median seconds over five country/topic pairs.

    .venv/bin/python bench/brief_bench.py [--data-dir /tmp/full] [--runs 1] [--docx]
                                          [--json bench/results/briefs.json]
                                          [--example docs/brief-example.png [PNG ...]]

Data: a data directory with the whole shared corpus ingested (``RAG_DATA_DIR=/tmp/full
.venv/bin/python -m ingest ../shared/corpus``); ``--data-dir`` defaults to ``RAG_DATA_DIR``, else
``/tmp/full``. Each brief is drafted end to end by ``Assistant.draft_brief`` with the extractive
drafter (retrieval, sentence selection, indicator tables, chart data and the check) in one
process. The first brief of the process loads the models and indexes: it is timed and reported
apart as the cold start, and the median is over the warm briefs. With ``--docx`` rendering the
Word file (chart included) is timed too. A figure for a benchmark, not a timed test.

``--example PNG [PNG ...]`` renders the first pair's brief (the second's, … for more PNGs) to Word,
then PDF (LibreOffice, ``soffice``) and pages 1 to 3 side by side as one PNG (``pdftoppm``), for the
README.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAIRS = [
    ("Cambodia", "e-government"),
    ("Fiji", "e-procurement"),
    ("Mongolia", "digital identity"),
    ("Viet Nam", "open data"),
    ("Philippines", "data protection"),
]


def example_png(docx_path: Path, png: Path, pages: int = 3, dpi: int = 80) -> None:
    """Pages 1..``pages`` of the Word file, rendered by LibreOffice and pdftoppm, side by side."""
    from PIL import Image

    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        raise SystemExit("--example needs LibreOffice (soffice) and pdftoppm (poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(docx_path),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = work / (docx_path.stem + ".pdf")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                str(pages),
                str(pdf),
                str(work / "page"),
            ],
            check=True,
        )
        images = [Image.open(p).convert("RGB") for p in sorted(work.glob("page*.png"))]
        gap = 16
        width = sum(i.width for i in images) + gap * (len(images) + 1)
        height = max(i.height for i in images) + 2 * gap
        sheet = Image.new("RGB", (width, height), "#d9dde3")
        x = gap
        for image in images:
            sheet.paste(image, (x, gap))
            x += image.width + gap
        png.parent.mkdir(parents=True, exist_ok=True)
        # a palette keeps the README light; octree keeps the chart's few saturated colours apart
        sheet.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(png, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("RAG_DATA_DIR", "/tmp/full"))
    )
    parser.add_argument("--runs", type=int, default=1, help="times each pair is drafted (warm)")
    parser.add_argument("--docx", action="store_true", help="time rendering the Word file too")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--example",
        type=Path,
        nargs="+",
        default=[],
        help="render the first brief to this PNG (the second to a second PNG, …)",
    )
    args = parser.parse_args(argv)
    if len(args.example) > len(PAIRS):
        parser.error(f"--example takes at most {len(PAIRS)} pictures, one per pair")

    from assistant.briefs.render import render_docx
    from assistant.config import Settings
    from assistant.service import Assistant

    if not (args.data_dir / "documents.sqlite3").is_file():
        raise SystemExit(
            f"no ingested corpus in {args.data_dir}: run `python -m ingest ../shared/corpus` first"
        )
    settings = Settings(_env_file=None, data_dir=args.data_dir, answerer="extractive")  # type: ignore[call-arg]
    assistant = Assistant(settings)
    documents = len(assistant.documents())
    passages = assistant.store.count()

    def draft(country: str, topic: str) -> tuple[float, Any]:
        started = time.perf_counter()
        brief = assistant.draft_brief(country, topic)
        if args.docx:
            render_docx(brief, io.BytesIO())
        return time.perf_counter() - started, brief

    cold, _ = draft(*PAIRS[0])
    rows: list[dict[str, Any]] = []
    for country, topic in PAIRS:
        for _ in range(args.runs):
            seconds, brief = draft(country, topic)
            rows.append(
                {
                    "country": country,
                    "topic": topic,
                    "seconds": round(seconds, 3),
                    "citations": len(brief.citations),
                    "problems": len(brief.problems),
                    "sentences_3_to_5": sum(
                        len(list(brief.section(k).sentences()))
                        for k in ("country", "comparable", "options")
                    ),
                    "timings_ms": brief.timings,
                }
            )
    seconds = [r["seconds"] for r in rows]
    result = {
        "benchmark": "brief",
        "what": "Assistant.draft_brief, extractive, end to end"
        + (" plus render_docx" if args.docx else ""),
        "data_dir": str(args.data_dir),
        "documents": documents,
        "passages": passages,
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
        "cold_first_brief_s": round(cold, 3),
        "runs_per_pair": args.runs,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "briefs": rows,
    }
    print(f"corpus: {args.data_dir} ({documents} documents, {passages} passages)")
    print(f"cold start (first brief, models and indexes loading): {cold:.2f} s")
    for row in rows:
        print(
            f"  {row['country']:<12} {row['topic']:<18} {row['seconds']:6.2f} s  "
            f"{row['citations']:3d} sources  {row['sentences_3_to_5']:2d} sentences in 3-5  "
            f"{row['problems']} problems"
        )
    print(
        f"median over {len(rows)} briefs: {result['median_s']:.2f} s (max {result['max_s']:.2f} s)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    for (country, topic), png in zip(PAIRS, args.example, strict=False):  # checked above
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "brief.docx"
            render_docx(assistant.draft_brief(country, topic), path)
            example_png(path, png)
        print(f"wrote {png} ({country}, {topic})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
