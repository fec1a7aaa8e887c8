"""A decompression bomb: a PDF of about 1 MB whose page content inflates to 1 GiB of zeros.

pypdf's output limits (set explicitly by ``ingest/parsers/pdf.py``) stop the inflation at
75 MB; the page is skipped without OCR (rendering it would inflate the same stream), a file with
nothing else fails with a reason that says so, and the rest of the folder is ingested. The file
is written a block at a time, so the test itself never holds the inflated bytes either.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.parsers.base import ParseFailure
from ingest.parsers.pdf import DECOMPRESSED_LIMIT, parse_pdf
from tests.conftest import REPO
from tests.ingest.test_pdf import PROSE, build_pdf

GIB = 2**30
_BLOCK = 2**20


def deflated_zeros(size: int) -> tuple[int, Iterator[bytes]]:
    """The length and the bytes of a zlib stream of ``size`` zero bytes, made without holding
    them: a deflate block of 1 MiB of zeros ended by a full flush is the same bytes every time,
    so it is compressed once and repeated. The Adler-32 of n zeros is ``(n mod 65521) << 16 | 1``.
    """
    assert size % _BLOCK == 0
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = raw.compress(bytes(_BLOCK)) + raw.flush(zlib.Z_FULL_FLUSH)
    end = raw.flush(zlib.Z_FINISH)  # an empty final block
    header, checksum = b"\x78\xda", ((size % 65521) << 16 | 1).to_bytes(4, "big")
    count = size // _BLOCK

    def chunks() -> Iterator[bytes]:
        yield header
        for _ in range(count):
            yield block
        yield end + checksum

    return len(header) + count * len(block) + len(end) + len(checksum), chunks()


def write_bomb_pdf(path: Path, *, inflated: int = GIB, text_first: bool = False) -> Path:
    """A PDF whose last page's content stream (FlateDecode) inflates to ``inflated`` zero bytes,
    after a page of prose when ``text_first``; written to ``path`` a block at a time."""
    length, chunks = deflated_zeros(inflated)
    text = f"BT /F1 11 Tf 50 800 Td ({PROSE}) Tj ET".encode("latin-1")
    pages = [(text, b"")] if text_first else []
    pages.append((b"", b" /Filter /FlateDecode"))
    first_page = 4
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    objects: list[bytes | tuple[bytes, Iterator[bytes]]] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, (content, filters) in enumerate(pages):
        content_id = first_page + 2 * index + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>".encode()
        )
        if content:
            objects.append((b"<< /Length %d >>" % len(content), iter([content])))
        else:
            objects.append((b"<< /Length %d%s >>" % (length, filters), chunks))
    offsets: list[int] = []
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for number, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number)
            if isinstance(body, bytes):
                out.write(body)
            else:
                out.write(body[0] + b"\nstream\n")
                for chunk in body[1]:
                    out.write(chunk)
                out.write(b"\nendstream")
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
        out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return path


def test_a_bomb_alone_fails_with_a_reason_and_is_not_ocred(tmp_path: Path) -> None:
    length, chunks = deflated_zeros(128 * _BLOCK)  # the stream is real: check a smaller one
    inflate = zlib.decompressobj()
    assert sum(len(inflate.decompress(chunk)) for chunk in chunks) == 128 * _BLOCK
    assert inflate.eof and not inflate.unused_data and length < 200_000  # checksum matched
    path = write_bomb_pdf(tmp_path / "bomb.pdf")
    assert path.stat().st_size < 4_000_000 and 128 * _BLOCK > DECOMPRESSED_LIMIT

    started = time.perf_counter()
    with pytest.raises(ParseFailure) as failure:
        parse_pdf(path, ocr=True)

    assert time.perf_counter() - started < 60  # minutes would mean it was inflated or rendered
    assert failure.value.status == "failed"
    reason = failure.value.reason
    assert "page 1: a compressed stream inflates past the 75 MB limit" in reason, reason
    assert "decompression bomb" in reason and "OCR" not in reason


def test_a_bomb_page_is_skipped_and_the_other_pages_kept(tmp_path: Path) -> None:
    path = write_bomb_pdf(tmp_path / "mixed.pdf", text_first=True)

    parsed = parse_pdf(path, ocr=True)

    assert [page.number for page in parsed.pages] == [1, 2]
    assert parsed.pages[0].text.startswith("The committee reviewed")
    assert parsed.pages[1].text == "" and not parsed.pages[1].ocr
    assert parsed.unreadable_pages == [2]
    assert any("1 pages skipped: a compressed stream inflates past" in n for n in parsed.notes)
    assert not any("OCR" in note for note in parsed.notes), parsed.notes


_INGEST = """
import json, resource, sys, time
from pathlib import Path
from assistant.config import Settings
from ingest.pipeline import Pipeline

warm, corpus, data = (Path(arg) for arg in sys.argv[1:4])
def run(folder):
    settings = Settings(_env_file=None, data_dir=data, corpus_dirs=[folder])
    return Pipeline(settings).run()
run(warm)  # the model and the store are loaded before the baseline
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
report = run(corpus)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
files = {Path(f.path).name: [f.status, f.reason] for f in report.files}
print(json.dumps({"files": files, "growth_mib": (peak - before) / 1024, "seconds": seconds}))
"""


def test_ingesting_a_folder_with_a_bomb_uses_bounded_memory_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    warm, corpus = tmp_path / "warm", tmp_path / "corpus"
    warm.mkdir()
    corpus.mkdir()
    (warm / "warm.txt").write_text("Warm-up text so the model is loaded first.", encoding="utf-8")
    write_bomb_pdf(corpus / "bomb.pdf")
    write_bomb_pdf(corpus / "mixed.pdf", text_first=True)
    (corpus / "good.pdf").write_bytes(build_pdf([[PROSE]]))
    (corpus / "note.txt").write_text(
        "Samoa adopted a national digital transformation strategy in 2024.", encoding="utf-8"
    )

    done = subprocess.run(
        [sys.executable, "-c", _INGEST, str(warm), str(corpus), str(tmp_path / "data")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    files = result["files"]
    assert files["bomb.pdf"][0] == "failed"
    assert "decompression bomb" in files["bomb.pdf"][1]
    assert [files[name][0] for name in ("mixed.pdf", "good.pdf", "note.txt")] == ["ingested"] * 3
    assert "unreadable pages left out: 2" in files["mixed.pdf"][1]
    # two 1 GiB bombs: the peak grew by under a third of one (pypdf stops at 75 MB)
    assert result["growth_mib"] < GIB / 2**20 / 3, result
    assert result["seconds"] < 120, result
