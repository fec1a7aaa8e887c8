"""The embedder-ceiling benchmark on a tiny store, so that it cannot rot between the long runs:
every setting measured, the pipeline's setting found among them. Figures are not asserted."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.embedding import Embedder
from tests.conftest import run_bench


def test_embed_ceiling_measures_every_setting(private_store: Settings, tmp_path: Path) -> None:
    report = tmp_path / "embed.json"
    done = run_bench(
        "embed_ceiling.py",
        *["--data-dir", str(private_store.data_dir), "--sample", "6", "--repeats", "1"],
        *["--json", str(report)],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(report.read_text(encoding="utf-8"))
    assert figures["passages"] >= 3 and figures["tokens"] > figures["passages"]
    settings = {(r["batch"], r["threads"], r["sorted"]) for r in figures["rows"]}
    assert {(4, "auto", True), (64, "auto", True), (8, "auto", False), (32, 1, True)} <= settings
    assert 0 < figures["pipeline_share_of_best"] <= 1


def test_embedding_in_the_order_given_gives_the_same_vectors() -> None:
    texts = ["short", "a much longer passage about digital government " * 5, "mid length text"]
    embedder = Embedder(batch_size=2)
    assert np.allclose(embedder.embed(texts), embedder.embed(texts, by_length=False), atol=1e-5)
    assert embedder.count_tokens(texts) > len(texts)
