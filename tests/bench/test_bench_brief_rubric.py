"""The brief rubric's scoring (bench/brief_rubric.py) on briefs built by hand: each criterion
moves with what it claims to measure. The figures themselves are the benchmark's, not a test's."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.briefs.model import Brief, Figure, Note, Paragraph, Section, Sentence
from assistant.models import Citation

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from brief_rubric import score  # noqa: E402


def _brief(
    options: list[Sentence], country: list[Sentence], figure_text: str, grouped: bool
) -> Brief:
    def section(key: str, number: int, sentences: list[Sentence]) -> Section:
        blocks = [Paragraph(sentences=sentences)] if sentences else [Note(text="nothing found")]
        return Section(key=key, number=number, title=key, blocks=blocks)

    figure = Figure(iso3="FJI", indicator="gtmi", year=2025, text=figure_text, citation=1)
    context = Section(
        key="context",
        number=2,
        title="context",
        blocks=[
            Paragraph(
                sentences=[Sentence(text=f"GTMI {figure_text}", citations=[1], figures=[figure])]
            )
        ],
    )
    rows = [
        Citation(
            n=1,
            document_id="d",
            title="t",
            collection="data",
            source="g.csv",
            text="x",
            data_row=5,
            data_rows=[5, 9] if grouped else [],
        )
    ]
    if not grouped:
        rows.append(
            Citation(
                n=3,
                document_id="d",
                title="t",
                collection="data",
                source="g.csv",
                text="y",
                data_row=9,
            )
        )
    passage = Citation(
        n=2, document_id="e", title="CEPA", collection="un", source="e.pdf", text="z"
    )
    return Brief(
        id="b",
        country="Fiji",
        iso3="FJI",
        topic="e-procurement",
        created="2026-12-04T00:00:00Z",
        sections=[
            context,
            section("country", 3, country),
            section("comparable", 4, []),
            section("options", 5, options),
        ],
        citations=[*rows, passage],
    )


def test_each_criterion_moves_with_what_it_measures() -> None:
    advice = Sentence(text="Fiji could move e-procurement online.", citations=[2])
    quote = Sentence(
        text="Fiscal councils could analyse procurement plans.", citations=[2], quote=True
    )
    on_fiji = Sentence(text="Fiji launched e-procurement in 2020.", citations=[2], quote=True)
    good = score(_brief([advice], [on_fiji], "0.814", grouped=True))
    poor = score(_brief([quote], [], "0.8141306896861236", grouped=False))
    assert good["options_as_advice"] == 1.0 and poor["options_as_advice"] == 0.0
    assert good["country_specificity"] == 1.0 and poor["country_specificity"] == 0.0
    assert good["readability"] == 1.0 and poor["readability"] == 0.0
    assert good["sources_grouped"] == 1.0 and poor["sources_grouped"] < 1.0
    assert good["topic_exactness"] == 1.0 and poor["topic_exactness"] == 0.0
    # empty sections whose note does not say what was searched count against a brief
    assert good["no_empty_section"] < 1.0


def test_an_option_is_its_item_advice_evidence_and_where_the_country_stands() -> None:
    def stands(indicator: str) -> Sentence:
        figure = Figure(iso3="FJI", indicator=indicator, year=2025, text="0.468", citation=1)
        return Sentence(
            text=f"Fiji's {indicator} was 0.468 in 2025.",
            citations=[1],
            figures=[figure],
            lead="Where Fiji stands",
            continues=True,
        )

    evidence = Sentence(
        text="Fiscal councils could analyse procurement plans.",
        citations=[2],
        quote=True,
        lead=(
            "Fiji could set out its direction on e-procurement in a national strategy or roadmap "
            "(evidence from CEPA)"
        ),
    )
    led = score(_brief([evidence, stands("gtei")], [], "0.814", grouped=True))
    # one option: put to Fiji in its lead, resting on a passage, with Fiji's figure on the
    # indicator of its aspect (strategy: the GovTech enablers)
    assert led["options_as_advice"] == 1.0 and led["evidence_per_option"] == 1.0
    assert led["options_fitted"] == 1.0
    # a figure on an indicator that does not measure the option does not fit it
    assert (
        score(_brief([evidence, stands("osi")], [], "0.814", grouped=True))["options_fitted"] == 0
    )
    bare = evidence.model_copy(update={"lead": "A measure from CEPA"})
    unfitted = score(_brief([bare], [], "0.814", grouped=True))
    assert unfitted["options_as_advice"] == 0.0 and unfitted["options_fitted"] == 0.0
