"""What a brief is: seven sections of cited sentences, figures, tables and a chart, with its
sources and the problems its check found. Plain data (pydantic), importing nothing else of the
package: drafting fills it, the checker marks it, the renderers print it, the store keeps it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from assistant.models import Citation

# Sections whose every sentence must carry a citation.
CHECKED_SECTIONS: tuple[str, ...] = ("context", "country", "comparable", "options")
# What a reader sees after a sentence or figure the check could not verify.
UNSUPPORTED = "[unsupported]"
# Collections whose passages sections 3 to 5 quote: data rows and the profiles generated from
# them are section 2's, cited to the rows themselves.
DOCUMENT_COLLECTIONS: tuple[str, ...] = ("study", "case", "un", "other")

MAX_TOPIC_CHARS = 200


# --- the brief ---------------------------------------------------------------------------------


class Figure(BaseModel):
    """A number from the indicator data as the brief prints it, with the data row it cites."""

    iso3: str
    indicator: str
    year: int
    kind: Literal["value", "rank", "group"] = "value"
    text: str  # as the data file prints it; a machine float to three decimals (indicators.shown)
    citation: int
    unsupported: bool = False


class Sentence(BaseModel):
    """One sentence of the brief and the sources it rests on.

    ``lead`` is printed before it in bold: an editorial label ("Italy, Three-Year Plan:") or
    the drafter's recommendation the sentence is evidence for ("Fiji could review its laws and
    regulations on e-procurement (evidence from …)"), never a claim of fact; the checker does not
    read it.
    ``quote`` marks a sentence copied verbatim from its cited passage (extractive drafting).
    ``continues`` puts it in the list item of the sentence before it (an option's evidence and
    the figure that makes it fit the country, after the option itself).
    """

    text: str
    citations: list[int] = Field(default_factory=list)
    lead: str | None = None
    figures: list[Figure] = Field(default_factory=list)
    quote: bool = False
    continues: bool = False
    unsupported: bool = False


class Paragraph(BaseModel):
    type: Literal["paragraph"] = "paragraph"
    style: Literal["prose", "bullets", "numbered"] = "prose"
    sentences: list[Sentence] = Field(default_factory=list)


def list_items(sentences: Iterable[Sentence]) -> list[list[Sentence]]:
    """Sentences grouped into list items: each starts one, unless it ``continues`` the last."""
    items: list[list[Sentence]] = []
    for sentence in sentences:
        if sentence.continues and items:
            items[-1].append(sentence)
        else:
            items.append([sentence])
    return items


class TableRow(BaseModel):
    label: str  # the edition (year)
    cells: list[Figure | None]  # one per column after the label column

    @property
    def citations(self) -> list[int]:
        return sorted({f.citation for f in self.cells if f is not None})


class FigureTable(BaseModel):
    type: Literal["table"] = "table"
    caption: str
    columns: list[str]  # the label column first
    rows: list[TableRow] = Field(default_factory=list)
    note: str | None = None  # printed under the table ("Values rounded to three decimals …")


class Chart(BaseModel):
    """Values of the table above it, drawn as lines (one per series) across editions."""

    type: Literal["chart"] = "chart"
    caption: str
    years: list[int]
    series: dict[str, list[float | None]]


class Note(BaseModel):
    """Editorial text about the brief itself ("nothing found; see section 6"), never a claim
    about the world, so it needs no citation."""

    type: Literal["note"] = "note"
    text: str


Block = Annotated[Paragraph | FigureTable | Chart | Note, Field(discriminator="type")]


class Section(BaseModel):
    key: str  # summary, context, country, comparable, options, gaps, sources
    number: int
    title: str
    blocks: list[Block] = Field(default_factory=list)

    def sentences(self) -> Iterator[Sentence]:
        for block in self.blocks:
            if isinstance(block, Paragraph):
                yield from block.sentences

    def figures(self) -> Iterator[Figure]:
        for block in self.blocks:
            if isinstance(block, Paragraph):
                for sentence in block.sentences:
                    yield from sentence.figures
            elif isinstance(block, FigureTable):
                for row in block.rows:
                    yield from (f for f in row.cells if f is not None)


ProblemKind = Literal["uncited", "unresolved", "figure", "unsupported"]


class Problem(BaseModel):
    """Something the check could not verify; the sentence or figure is marked ``[unsupported]``."""

    section: str
    kind: ProblemKind
    message: str
    text: str


class Brief(BaseModel):
    """A drafted brief: sections of cited sentences, tables and a chart, and one numbered list of
    sources. ``problems`` lists what the check marked ``[unsupported]`` (empty when all holds)."""

    id: str
    country: str  # display name
    iso3: str
    topic: str
    audience: str | None = None
    created: str  # ISO 8601, UTC
    drafted_by: str = "extractive"
    sections: list[Section]
    citations: list[Citation] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # how it was drafted (LLM fallbacks...)
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.country}: {self.topic}"

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def citation(self, n: int) -> Citation | None:
        return next((c for c in self.citations if c.n == n), None)

    @property
    def chart(self) -> Chart | None:
        """The chart of section 2 (draw it with :func:`assistant.briefs.render.chart_png`)."""
        return next((b for s in self.sections for b in s.blocks if isinstance(b, Chart)), None)

    def to_json(self) -> dict[str, Any]:
        """The brief as JSON-ready data (what ``POST /api/briefs`` returns)."""
        return self.model_dump(mode="json")
