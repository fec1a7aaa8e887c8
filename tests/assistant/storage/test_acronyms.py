"""Acronyms learned from the corpus (assistant/storage/acronyms.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from assistant.storage.acronyms import AcronymIndex, count_stems, find_definitions, find_names


def test_definitions_in_text() -> None:
    text = (
        "The Committee of Experts on Public Administration (CEPA) met. Small island developing "
        "States (SIDS) and least developed countries (LDCs) were named. In the past (PA) no.\n"
        "ICT   Information and communication technologies\n"
    )
    assert find_definitions(text) == [
        ("CEPA", "Committee of Experts on Public Administration"),
        ("SIDS", "Small island developing States"),
        ("LDC", "least developed countries"),
        ("ICT", "Information and communication technologies"),
    ]


def test_names_in_text() -> None:
    text = "the International Organization of Supreme Audit Institutions was encouraged to act"
    assert find_names(text) == ["International Organization of Supreme Audit Institutions"]


def build(tmp_path: Path) -> AcronymIndex:
    index = AcronymIndex(tmp_path / "acronyms.json")
    df: dict[str, Counter[str]] = {}
    passages: Counter[str] = Counter()
    count_stems(df, passages, "public", "Regulating digital platforms and audit institutions")
    count_stems(df, passages, "hr", "The Zephyr allowance for civil servants")
    index.build(
        [("doc-a", "WSIS", "World Summit on the Information Society")],
        generation=7,
        names=[
            ("doc-a", "Committee of Experts on Public Administration"),
            ("doc-a", "Committee of Experts on Public Administration"),
            ("doc-b", "International Organization of Supreme Audit Institutions"),
            *[("doc-private", "Zephyr Allowance Panel")] * 3,
            ("doc-a", "United Nations"),
        ],
        df=df,
        passages=passages,
    )
    return index


def test_expansions_and_what_may_be_seen(tmp_path: Path) -> None:
    index = build(tmp_path)
    public = lambda doc: doc != "doc-private"  # noqa: E731
    assert index.expand("wsis", public) == "World Summit on the Information Society"
    assert index.expand("CEPA", public) == "Committee of Experts on Public Administration"
    assert index.expand("intosai", public) == (
        "International Organization of Supreme Audit Institutions"
    )
    assert index.expand("ZAP", public) is None  # only a document the caller may not see has it
    assert index.expand("ZAP", lambda doc: True) == "Zephyr Allowance Panel"
    assert index.expand("UN", public) is None  # two letters: too ambiguous to guess from names
    assert index.expand("XYZ", public) is None
    # an acronym the documents define, typed with a slip: letters swapped, dropped or doubled
    assert index.expand("wssi", public) == "World Summit on the Information Society"
    assert index.expand("wis", public) is None  # three letters: too short to read a slip in
    assert index.expand("wsiss", public) == "World Summit on the Information Society"
    assert index.expand("wsas", public) is None  # a letter changed is another acronym


def test_the_index_round_trips_and_counts_words_per_scope(tmp_path: Path) -> None:
    build(tmp_path)
    loaded = AcronymIndex(tmp_path / "acronyms.json")
    assert loaded.load() and loaded.generation == 7 and len(loaded) == 1
    assert loaded.expand("CEPA", lambda doc: True) is not None
    assert loaded.frequency("regul", lambda scope: scope == "public") == (1, 1)
    assert loaded.frequency("zephyr", lambda scope: scope == "public") == (0, 1)
    assert loaded.frequency("zephyr", lambda scope: True) == (1, 2)
    (tmp_path / "acronyms.json").write_text("{broken", encoding="utf-8")
    assert not AcronymIndex(tmp_path / "acronyms.json").load()
