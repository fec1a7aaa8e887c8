"""Document metadata: precedence of sidecar, comment, catalogue, folders and text; doc ids."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import ConfigError
from ingest.metadata import Catalogue, make_doc_id, resolve_metadata
from ingest.parsers.base import ParsedDocument, ParsedPage
from ingest.parsers.text import PARSERS

REPO = Path(__file__).resolve().parents[2]


def _doc(text: str, title: str | None = None, year: int | None = None) -> ParsedDocument:
    return ParsedDocument(pages=[ParsedPage(text=text)], title=title, year=year)


def _file(root: Path, relative: str, text: str = "Some text.") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _catalogue(*entries: dict[str, Any]) -> Catalogue:
    return Catalogue.from_data(list(entries), source="test catalogue")


EMPTY = Catalogue()


# --- document ids ---------------------------------------------------------------------------
def test_doc_id_is_slug_plus_sha1_prefix() -> None:
    doc_id = make_doc_id("general-debate-2024/session79_2024/KHM_79_2024.txt")
    assert re.fullmatch(r"khm-79-2024-[0-9a-f]{8}", doc_id)
    assert doc_id == make_doc_id("general-debate-2024/session79_2024/KHM_79_2024.txt")
    assert make_doc_id("a/report.pdf") != make_doc_id("b/report.pdf")
    assert make_doc_id("a\\report.pdf") == make_doc_id("a/report.pdf")


def test_doc_id_slug_is_ascii_and_at_most_40_chars() -> None:
    doc_id = make_doc_id("études/Rapport Côte d'Ivoire — e-gouvernement et participation 2024.pdf")
    slug, digest = doc_id.rsplit("-", 1)
    assert re.fullmatch(r"[a-z0-9-]{1,40}", slug) and not slug.endswith("-")
    assert slug.startswith("rapport-cote-d-ivoire")
    assert len(digest) == 8
    assert make_doc_id("???.pdf").startswith("doc-")


# --- precedence -----------------------------------------------------------------------------
def test_sidecar_beats_catalogue_field_by_field(tmp_path: Path) -> None:
    path = _file(tmp_path, "reports/un-egov-survey-2024.pdf")
    (tmp_path / "reports/un-egov-survey-2024.pdf.meta.json").write_text(
        json.dumps(
            {"title": "Survey (sidecar)", "countries": ["Viet Nam", "KOR"], "access": "unpog"}
        )
    )
    catalogue = _catalogue(
        {
            "id": "un-egov-survey-2024",
            "title": "Survey (catalogue)",
            "collection": "case",
            "year": 2024,
            "url": "https://example.org/survey",
        }
    )
    meta = resolve_metadata(path, tmp_path, _doc("Text", title="Parsed title"), catalogue)
    assert meta.title == "Survey (sidecar)"
    assert meta.countries == ["VNM", "KOR"]
    assert meta.access == "unpog"
    assert (meta.collection, meta.year, meta.url) == ("case", 2024, "https://example.org/survey")
    assert meta.origin["title"] == "sidecar" and meta.origin["year"] == "catalogue"
    assert meta.warnings == []


def test_markdown_comment_is_below_sidecar_and_above_catalogue(tmp_path: Path) -> None:
    text = "<!-- collection: profile; countries: MNG, Fiji; year: 2019 -->\n# Mongolia note\n"
    path = _file(tmp_path, "notes/mongolia.md", text)
    catalogue = _catalogue(
        {
            "id": "mongolia",
            "title": "Catalogue title",
            "collection": "study",
            "year": 2001,
            "url": "https://example.org/m",
        }
    )
    meta = resolve_metadata(path, tmp_path, PARSERS[".md"](path), catalogue)
    assert (meta.collection, meta.countries, meta.year) == ("profile", ["MNG", "FJI"], 2019)
    assert meta.title == "Catalogue title"  # the comment has no title; the catalogue does
    assert meta.url == "https://example.org/m"

    path.with_name("mongolia.md.meta.json").write_text('{"year": 2021}')
    assert resolve_metadata(path, tmp_path, None, catalogue).year == 2021


def test_plain_markdown_comment_gives_nothing(tmp_path: Path) -> None:
    path = _file(tmp_path, "misc/x.md", "<!-- TODO: rewrite this -->\n# Title\n")
    meta = resolve_metadata(path, tmp_path, PARSERS[".md"](path), EMPTY)
    assert meta.collection == "other" and meta.warnings == []


def test_catalogue_matches_by_path_name_and_id(tmp_path: Path) -> None:
    catalogue = _catalogue(
        {"id": "by-path", "title": "By path", "file": "docs/a/report.pdf"},
        {"id": "by-name", "title": "By name", "file": "summary.pdf"},
        {"id": "un-egov-survey-2012", "title": "By id"},
    )
    root = tmp_path
    assert catalogue.match(_file(root, "docs/a/report.pdf"), root).id == "by-path"  # type: ignore[union-attr]
    assert catalogue.match(_file(root, "x/summary.pdf"), root).id == "by-name"  # type: ignore[union-attr]
    assert catalogue.match(_file(root, "un-egov-survey-2012.pdf"), root).id == "un-egov-survey-2012"  # type: ignore[union-attr]
    assert catalogue.match(_file(root, "docs/b/report.pdf"), root) is None
    # a folder-qualified ``file`` still matches when the corpus root is a different folder
    assert catalogue.match(root / "docs/a/report.pdf", root / "docs").id == "by-path"  # type: ignore[union-attr]


def test_dot_collection_file_in_a_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "korea").mkdir()
    (tmp_path / "korea" / ".collection").write_text("case\n")
    path = _file(tmp_path, "korea/reports/2019/egov.txt")
    meta = resolve_metadata(path, tmp_path, _doc("Text"), EMPTY)
    assert meta.collection == "case"  # beats the "reports" folder rule
    assert meta.origin["collection"] == ".collection"


def test_bad_dot_collection_warns_and_falls_back(tmp_path: Path) -> None:
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / ".collection").write_text("papers")
    meta = resolve_metadata(_file(tmp_path, "studies/x.txt"), tmp_path, _doc("Text"), EMPTY)
    assert meta.collection == "study"
    assert any("'papers' is not one of" in w for w in meta.warnings)


@pytest.mark.parametrize(
    ("folder", "collection"),
    [
        ("case-studies", "case"),
        ("UN-Compendium", "case"),
        ("good_practices", "case"),
        ("unpacs", "profile"),
        ("country-profiles", "profile"),
        ("countries", "profile"),
        ("indicators-egdi", "data"),
        ("datasets", "data"),
        ("stats", "data"),
        ("state-papers", "other"),
        ("research", "study"),
        ("reports", "study"),
        ("un-docs", "study"),
        ("oecd-eu", "study"),
        ("publications", "study"),
        ("general-debate-2024", "other"),
    ],
)
def test_folder_name_rules(tmp_path: Path, folder: str, collection: str) -> None:
    meta = resolve_metadata(_file(tmp_path, f"{folder}/doc.txt"), tmp_path, _doc("Text"), EMPTY)
    assert meta.collection == collection


def test_nearest_folder_decides_and_tables_are_data(tmp_path: Path) -> None:
    nested = _file(tmp_path, "reports/case-studies/kiosk.txt")
    assert resolve_metadata(nested, tmp_path, _doc("Text"), EMPTY).collection == "case"
    for name in ("oecd/dgi.csv", "misc/sheet.xlsx"):
        assert resolve_metadata(_file(tmp_path, name), tmp_path, None, EMPTY).collection == "data"


def test_a_document_with_a_un_symbol_is_a_un_document_unless_told_otherwise(
    tmp_path: Path,
) -> None:
    un = ParsedDocument(
        pages=[ParsedPage(text="Distr.: General")],
        title="Report (A/80/82)",
        symbol="A/80/82",
        language="en",
        issued="2025-06-05",
        body="Committee of Experts on Public Administration",
    )
    # the symbol outranks the folder's name ("reports" would say study)
    meta = resolve_metadata(_file(tmp_path, "reports/a.pdf"), tmp_path, un, EMPTY)
    assert (meta.collection, meta.origin["collection"]) == ("un", "UN symbol")
    assert (meta.symbol, meta.language, meta.issued) == ("A/80/82", "en", "2025-06-05")
    assert meta.body == "Committee of Experts on Public Administration"
    # a sidecar or a .collection file is the operator's word and wins
    sidecar = _file(tmp_path, "reports/b.pdf")
    sidecar.with_name("b.pdf.meta.json").write_text('{"collection": "study"}', encoding="utf-8")
    assert resolve_metadata(sidecar, tmp_path, un, EMPTY).collection == "study"
    marked = _file(tmp_path, "cases/c.pdf")
    (tmp_path / "cases" / ".collection").write_text("case\n", encoding="utf-8")
    assert resolve_metadata(marked, tmp_path, un, EMPTY).collection == "case"
    # without a symbol the folder decides as before
    plain = resolve_metadata(_file(tmp_path, "reports/d.pdf"), tmp_path, _doc("Text"), EMPTY)
    assert plain.collection == "study" and plain.symbol is None


def test_root_folder_name_counts_when_the_file_is_at_the_top(tmp_path: Path) -> None:
    root = tmp_path / "unpacs"
    meta = resolve_metadata(_file(root, "mongolia.txt"), root, _doc("Text"), EMPTY)
    assert meta.collection == "profile"


# --- countries ------------------------------------------------------------------------------
def test_countries_from_a_leading_iso3_in_the_file_name(tmp_path: Path) -> None:
    text = "We thank Japan. Japan and Fiji and Fiji again."
    meta = resolve_metadata(_file(tmp_path, "KHM_79_2024.txt"), tmp_path, _doc(text), EMPTY)
    assert meta.countries == ["KHM"]
    assert meta.origin["countries"] == "file name"


@pytest.mark.parametrize("name", ["khm_79_2024.txt", "THE_report.txt", "KHMER_notes.txt"])
def test_file_names_without_an_iso3_token_fall_back_to_text(tmp_path: Path, name: str) -> None:
    meta = resolve_metadata(_file(tmp_path, name), tmp_path, _doc("Nothing national."), EMPTY)
    assert meta.countries == []


def test_text_countries_need_two_mentions_unless_in_the_title(tmp_path: Path) -> None:
    text = (
        "Mongolia launched a portal. Mongolia also trained officials. "
        "Estonia was cited once as an example.\n" + "Filler sentence. " * 400 + "Mongolia again."
    )
    meta = resolve_metadata(
        _file(tmp_path, "n.txt"), tmp_path, _doc(text, title="Bhutan and its neighbours"), EMPTY
    )
    assert meta.countries == ["BTN", "MNG"]  # title first, Estonia (one mention) dropped


def test_text_countries_at_most_eight_most_mentioned_first(tmp_path: Path) -> None:
    names = [
        "Fiji",
        "Samoa",
        "Tonga",
        "Vanuatu",
        "Kiribati",
        "Tuvalu",
        "Nauru",
        "Palau",
        "Maldives",
    ]
    sentences = [f"{name} reported progress." for i, name in enumerate(names) for _ in range(2 + i)]
    head = " ".join(f"{name} is covered." for name in names)
    meta = resolve_metadata(
        _file(tmp_path, "sids.txt"), tmp_path, _doc(head + "\n" + "\n".join(sentences)), EMPTY
    )
    assert len(meta.countries) == 8
    assert meta.countries[0] == "MDV"  # most mentioned
    assert "FJI" not in meta.countries  # least mentioned of nine


def test_countries_none_in_a_comment_stops_detection(tmp_path: Path) -> None:
    text = "<!-- collection: other; countries: none -->\n# Guide\n\nKorea, Korea and Korea."
    path = _file(tmp_path, "guide.md", text)
    assert resolve_metadata(path, tmp_path, PARSERS[".md"](path), EMPTY).countries == []


# --- resilience -----------------------------------------------------------------------------
def test_broken_sidecar_is_reported_not_raised(tmp_path: Path) -> None:
    path = _file(tmp_path, "reports/x.txt")
    path.with_name("x.txt.meta.json").write_text("{not json")
    meta = resolve_metadata(path, tmp_path, _doc("Text", title="Parsed"), EMPTY)
    assert meta.title == "Parsed" and meta.collection == "study"
    assert len(meta.warnings) == 1 and "not readable JSON" in meta.warnings[0]


def test_invalid_sidecar_values_are_dropped_with_warnings(tmp_path: Path) -> None:
    path = _file(tmp_path, "x.txt")
    path.with_name("x.txt.meta.json").write_text(
        json.dumps(
            {
                "collection": "papers",
                "countries": ["Atlantis"],
                "year": "soon",
                "year_published": 2020,
                "title": "Kept",
            }
        )
    )
    meta = resolve_metadata(path, tmp_path, _doc("Text"), EMPTY)
    assert meta.title == "Kept"
    assert (meta.collection, meta.countries, meta.year) == ("other", [], None)
    joined = " | ".join(meta.warnings)
    for expected in ("collection", "Atlantis", "'soon' is not a year", "year_published"):
        assert expected in joined


def test_without_parse_result_the_title_comes_from_the_file_name(tmp_path: Path) -> None:
    meta = resolve_metadata(_file(tmp_path, "data/egdi_2003_2024_long.csv"), tmp_path, None, EMPTY)
    assert (meta.title, meta.year, meta.collection) == ("egdi 2003 2024 long", 2024, "data")


# --- the catalogue --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"id": "a", "title": "A", "collection": "papers"}, "not one of"),
        ({"id": "a", "title": "A", "colection": "study"}, "unknown key"),
        ({"id": "A B", "title": "A"}, "'id' must be"),
        ({"id": "a"}, "'title' is required"),
        ({"id": "a", "title": "A", "sha256": "abc"}, "64 hexadecimal"),
        ({"id": "a", "title": "A", "url": "ftp://x"}, "not an http"),
        ({"id": "a", "title": "A", "file": "../outside.pdf"}, "relative path inside"),
        ({"id": "a", "title": "A", "countries": ["Atlantis"]}, "Atlantis"),
    ],
)
def test_invalid_catalogue_entries_name_the_problem(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        Catalogue.from_data([entry], source="cat.json")
    assert "cat.json, entry 1" in str(info.value)


def test_catalogue_ids_must_be_unique_and_file_must_be_json(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="used twice"):
        Catalogue.from_data([{"id": "a", "title": "A"}, {"id": "a", "title": "B"}])
    bad = tmp_path / "catalogue.json"
    bad.write_text("[{")
    with pytest.raises(ConfigError, match="not valid JSON"):
        Catalogue.load(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        Catalogue.load(tmp_path / "missing.json")


def test_load_many_merges_catalogues_first_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    first.write_text(json.dumps([{"id": "a", "title": "First"}]))
    second.write_text(json.dumps([{"id": "a", "title": "Second"}, {"id": "b", "title": "B"}]))
    merged = Catalogue.load_many([first, second])
    assert len(merged) == 2
    assert merged.get("a").title == "First"  # type: ignore[union-attr]


def test_project_catalogue_loads_and_lists_every_survey_edition() -> None:
    catalogue = Catalogue.load(REPO / "corpus" / "catalogue.json")
    ids = {entry.id for entry in catalogue}
    editions = [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    assert {f"un-egov-survey-{year}" for year in editions} <= ids
    assert len(catalogue) >= 30
    for entry in catalogue:
        if entry.url:
            assert entry.url.startswith(("https://", "http://"))
        if entry.id.startswith("un-egov-survey-"):
            assert entry.year == int(entry.id.rsplit("-", 1)[1])
            assert entry.collection == "study"
    assert any(e.collection == "case" for e in catalogue)
    assert any(e.collection == "profile" for e in catalogue)


def test_starter_documents_carry_their_metadata() -> None:
    root = REPO / "corpus"
    starters = sorted((root / "starter").glob("*.md"))
    assert 3 <= len(starters) <= 5
    for path in starters:
        meta = resolve_metadata(path, root, PARSERS[".md"](path), EMPTY)
        assert meta.origin["collection"] == "comment", path.name
        assert meta.warnings == [], path.name
    overview = resolve_metadata(root / "starter" / "unpog-overview.md", root, None, EMPTY)
    assert (overview.countries, overview.year) == (["KOR"], 2014)


# --- the shared corpus ----------------------------------------------------------------------
# ``shared_corpus`` (tests/conftest.py) skips these when ../shared/corpus is absent.
@pytest.mark.slow
def test_general_debate_speech_is_about_its_country(shared_corpus: Path) -> None:
    path = shared_corpus / "general-debate-2024" / "session79_2024" / "KHM_79_2024.txt"
    meta = resolve_metadata(path, shared_corpus, PARSERS[".txt"](path), EMPTY)
    assert meta.countries[0] == "KHM"
    assert meta.year == 2024
    assert meta.collection == "other"


@pytest.mark.slow
def test_italy_plan_is_detected_as_about_italy(shared_corpus: Path) -> None:
    path = shared_corpus / "italy-ict-plan" / "01_piano-triennale-per-informatica-nella-pa.rst"
    meta = resolve_metadata(path, shared_corpus, PARSERS[".rst"](path), EMPTY)
    assert meta.countries[0] == "ITA"
    assert meta.title == "Three-Year Plan for ICT in Public Administration"


@pytest.mark.slow
def test_shared_corpus_folders_map_to_collections(shared_corpus: Path) -> None:
    egdi = shared_corpus / "indicators-egdi" / "egdi_2003_2024_long.csv"
    assert resolve_metadata(egdi, shared_corpus, None, EMPTY).collection == "data"
    report = next((shared_corpus / "un-docs").glob("*.pdf"))
    assert resolve_metadata(report, shared_corpus, None, EMPTY).collection == "study"
