"""The tiny corpus the web-chat tests ingest: written here, so they need no shared corpus.

Three Markdown notes (a study, a case, a note on Fiji), a two-page PDF with printed "n/2"
folios (for the "open the PDF at this page" link), a text file whose sentences carry
``<script>`` and ``<img onerror>`` markup (it must show as text), an HTML page whose original
carries a script (it must be downloaded, never opened on the chat's origin), and an EGDI-format
CSV with three countries over three editions (for indicator tables and trend charts).
"""

from __future__ import annotations

import json
from pathlib import Path

SINGAPORE = """<!-- collection: study; countries: SGP; year: 2023 -->
# Public service training in Singapore

The Civil Service College trains public officers in digital skills every year.
Its courses cover **data literacy**, service design and the use of artificial intelligence in government.
Officers who complete the programme lead digital transformation projects in their agencies.
"""

FIJI = """<!-- collection: case; countries: FJI; year: 2022 -->
# Digital identity in Fiji

Fiji launched a national digital identity programme to give every citizen a secure online credential.
The programme links birth registration with the digital identity so that services can be delivered online.
Fiji's digital identity programme was designed with the help of regional partners in the Pacific.
"""

SAMOA = """<!-- collection: case; countries: WSM; year: 2024 -->
# Mobile tax filing in Samoa

Samoa introduced mobile tax filing so that small businesses can declare their income from a phone.
The Ministry of Revenue reports that mobile filing halved the time taxpayers spend on their returns.
"""

# An HTML original with a script: opened from the source panel it must never run on the API's
# origin (the page writes a marker into the opener's storage if it ever does).
KIRIBATI_HTML = """<!doctype html>
<html><head><title>Citizen portal in Kiribati</title>
<script>try { localStorage.setItem("gka.pwned", "yes"); } catch (e) {}</script></head>
<body><h1>Citizen portal in Kiribati</h1>
<p>Kiribati opened a one-stop citizen portal where residents of the outer islands renew permits online.</p>
</body></html>
"""

# Markup in a document is text: it must show literally in answers and in the source panel.
XSS = (
    "Quokka registry audit note\n"
    "==========================\n"
    "\n"
    "The Quokka registry audit found the string <script>alert(1)</script> stored in the "
    "certificate name field of the Quokka registry.\n"
    "\n"
    "Quokka registry auditors also found <img src=x onerror=alert(1)> in the comment field of "
    "the Quokka registry forms.\n"
)
XSS_META = {
    "title": "Quokka registry <img src=x onerror=alert(1)> audit note",
    "collection": "other",
    "countries": ["SGP"],
    "year": 2021,
}

PDF_PAGES = [
    [
        "Report on open government data in small island states",
        "Open government data portals publish public datasets under open licences.",
        "Most small island states now run a national portal.",
        "",
        "25-01234 1/2",
    ],
    [
        "The Committee recommends that small island states publish procurement data",
        "on their open government data portals every quarter.",
        "Procurement data published every quarter lets citizens follow public spending.",
        "",
        "2/2 25-01234",
    ],
]

EGDI_CSV = "year,iso3,country,egdi_rank,egdi,osi,hci,tii,epi,source_file\n" + "".join(
    f"{year},{iso3},{name},{rank},{egdi},{osi},{hci},{tii},{epi},egdi-web-test.csv\n"
    for year, iso3, name, rank, egdi, osi, hci, tii, epi in [
        (2020, "FJI", "Fiji", 90, "0.65850", "0.50000", "0.80000", "0.66000", "0.40000"),
        (2022, "FJI", "Fiji", 97, "0.62350", "0.47000", "0.78000", "0.62000", "0.38000"),
        (2024, "FJI", "Fiji", 93, "0.67544", "0.53431", "0.74131", "0.75067", "0.39730"),
        (2020, "WSM", "Samoa", 127, "0.47690", "0.30000", "0.66000", "0.47000", "0.25000"),
        (2022, "WSM", "Samoa", 128, "0.47580", "0.31000", "0.65000", "0.47000", "0.26000"),
        (2024, "WSM", "Samoa", 140, "0.48990", "0.36378", "0.64531", "0.46065", "0.30140"),
        (2020, "SGP", "Singapore", 11, "0.91500", "0.96000", "0.89000", "0.89000", "0.96000"),
        (2022, "SGP", "Singapore", 12, "0.91330", "0.96000", "0.88000", "0.90000", "0.95000"),
        (2024, "SGP", "Singapore", 3, "0.96910", "0.99000", "0.95000", "0.97000", "0.98000"),
    ]
)


def write_corpus(root: Path) -> Path:
    """Write the corpus under ``root`` and return it."""
    (root / "notes").mkdir(parents=True, exist_ok=True)
    (root / "reports").mkdir(exist_ok=True)
    (root / "indicators").mkdir(exist_ok=True)
    (root / "notes" / "singapore-training.md").write_text(SINGAPORE, encoding="utf-8")
    (root / "notes" / "fiji-digital-identity.md").write_text(FIJI, encoding="utf-8")
    (root / "notes" / "samoa-mobile-tax.md").write_text(SAMOA, encoding="utf-8")
    (root / "notes" / "quokka-audit.txt").write_text(XSS, encoding="utf-8")
    (root / "notes" / "kiribati-portal.html").write_text(KIRIBATI_HTML, encoding="utf-8")
    (root / "notes" / "quokka-audit.txt.meta.json").write_text(json.dumps(XSS_META), "utf-8")
    (root / "reports" / "open-data-small-islands.pdf").write_bytes(build_pdf(PDF_PAGES))
    (root / "indicators" / "egdi_web_test.csv").write_text(EGDI_CSV, encoding="utf-8")
    return root


# --- a tiny PDF writer: one Helvetica line per Td, a text layer pypdf reads --------------------
def build_pdf(pages: list[list[str]]) -> bytes:
    objects: dict[int, bytes] = {
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    }
    kids: list[int] = []
    next_id = 4
    for lines in pages:
        page_id, content_id = next_id, next_id + 1
        next_id += 2
        ops = ["BT", "/F1 11 Tf", "50 800 Td"]
        for index, line in enumerate(lines):
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.extend([*(["0 -14 Td"] if index else []), f"({escaped}) Tj"])
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        kids.append(page_id)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = " ".join(f"{kid} 0 R" for kid in kids)
    objects[2] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
