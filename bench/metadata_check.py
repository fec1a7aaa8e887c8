"""Printed page labels and UN metadata against what people read off the pages.

    .venv/bin/python bench/metadata_check.py [--shared ../shared] [--no-ocr] [--json out.json]

Two hand-checked files in ``eval/``, made by looking at pictures of the pages (not at the text
the parser reads):

* ``hand_checked_labels.jsonl``: 326 pages of ``corpus-extra/un-2025`` and ``corpus`` (two
  labelled and one unlabelled page drawn per document), each with the page number printed on it
  or null when it prints none;
* ``hand_checked_un_metadata.jsonl``: the 100 documents of ``corpus-extra/un-2025``, each with
  its symbol, title, year and date of issue as printed on its first page.

Every file is parsed as ingestion parses it and compared. Printed:

* labels: labelled pages whose label is the printed one, labels on pages that print none (a
  page inside a run of folios, such as a full-page figure, takes the number of its place),
  pages that print a number the parser did not find (cited as "PDF page n", never wrongly);
* UN metadata: symbol, title, year and date of issue right, and all four right; displayed
  titles that more than one document shows.

A title counts as right when it starts with the printed one ("..., submitted by the President"),
ends with it after the name of the body or the sponsor ("Special Committee on ...: Draft
report", "Iraq: draft resolution, ..."), or is the printed one shortened from its end by at most
40%. The files
were the ones looked at while the rules were written (a dev set): documents nobody has seen
are what the targets are about.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.parsers.base import ParsedDocument, ParseFailure  # noqa: E402
from ingest.parsers.pdf import parse_pdf  # noqa: E402

SHORTENED = 0.6  # a title cut from its end keeps at least this share of the printed one


def _read(name: str) -> list[dict[str, Any]]:
    lines = (REPO / "eval" / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _parse(
    path: Path, ocr: bool, cache: dict[Path, ParsedDocument | None]
) -> ParsedDocument | None:
    if path not in cache:
        try:
            cache[path] = parse_pdf(path, ocr=ocr)
        except ParseFailure:
            cache[path] = None
    return cache[path]


def _same_label(ours: str, printed: str) -> bool:
    return re.sub(r"\s", "", ours).lower() == re.sub(r"\s", "", printed).lower()


def check_labels(
    shared: Path,
    ocr: bool,
    cache: dict[Path, ParsedDocument | None],
    items: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    right, wrong, implied, missed, checked = 0, [], [], [], 0
    for item in _read("hand_checked_labels.jsonl") if items is None else items:
        doc = _parse(shared / item["file"], ocr, cache)
        if doc is None:
            continue
        checked += 1
        ours, printed = doc.pages[item["page"] - 1].label, item["printed"]
        where = f"{item['file']} PDF page {item['page']}"
        if ours is not None and printed is not None:
            if _same_label(ours, printed):
                right += 1
            else:
                wrong.append(f"{where}: ours {ours!r}, printed {printed!r}")
        elif ours is not None:
            implied.append(f"{where}: ours {ours!r}, the page prints none")
        elif printed is not None:
            missed.append(f"{where}: printed {printed!r}, cited as PDF page {item['page']}")
    labelled = right + len(wrong) + len(implied)
    return {
        "pages_checked": checked,
        "labelled": labelled,
        "labelled_right": right,
        "labelled_right_share": round(right / labelled, 3) if labelled else None,
        "wrong": wrong,
        "implied_on_unnumbered_pages": implied,
        "printed_but_not_found": missed,
    }


def _title_right(ours: str, printed: str) -> bool:
    ours, printed = ours.strip(), printed.strip()
    return (
        ours.startswith(printed)  # the printed title, maybe with who submits it
        or ours.endswith((f": {printed}", f", {printed}"))  # after the body or the sponsor
        or (printed.startswith(ours) and len(ours) >= SHORTENED * len(printed))
    )


def _bare(title: str, symbol: str | None) -> str:
    """The title without the symbol ingestion appends to it."""
    return title[: -len(f" ({symbol})")] if symbol and title.endswith(f" ({symbol})") else title


def check_metadata(
    shared: Path,
    ocr: bool,
    cache: dict[Path, ParsedDocument | None],
    items: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    tally: Counter[str] = Counter()
    wrong: list[str] = []
    titles: Counter[str] = Counter()
    for item in _read("hand_checked_un_metadata.jsonl") if items is None else items:
        doc = _parse(shared / item["file"], ocr, cache)
        if doc is None:
            continue
        tally["documents"] += 1
        titles[doc.title or ""] += 1
        found = {
            "symbol": doc.symbol == item["symbol"],
            "title": _title_right(_bare(doc.title or "", doc.symbol), item["title"]),
            "year": doc.year == item["year"],
            "issued": item["issued"] is None or doc.issued == item["issued"],
        }
        for field, ok in found.items():
            tally[f"{field}_right"] += ok
        tally["all_right"] += all(found.values())
        if not all(found.values()):
            bad = [field for field, ok in found.items() if not ok]
            wrong.append(f"{item['file']}: {', '.join(bad)} (ours: {doc.title!r}, {doc.year})")
    shared_titles = {title: count for title, count in titles.items() if count > 1}
    return {**tally, "wrong": wrong, "titles_shown_by_several": shared_titles}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--no-ocr", action="store_true", help="parse without OCR")
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    cache: dict[Path, ParsedDocument | None] = {}
    figures = {
        "labels": check_labels(args.shared, not args.no_ocr, cache),
        "un_metadata": check_metadata(args.shared, not args.no_ocr, cache),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
