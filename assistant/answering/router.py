"""Which answerer takes a question, and why.

Three routes: a question the indicator table can answer (it names an indicator and asks for a
figure, a ranking, a trend or a comparison of figures), a comparison of two or more countries in
the documents, and everything else, answered from the documents. The chosen :class:`Route`
carries its reason, which the answer keeps (``Answer.route``) so that a wrong route can be seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant import countries as country_names
from assistant.answering import indicators
from assistant.answering.wordlists import COMPARE_CUES


@dataclass(frozen=True)
class Route:
    name: Literal["indicator", "comparison", "documents"]
    reason: str
    indicator: indicators.IndicatorQuestion | None = None
    countries: list[str] = field(default_factory=list)


def route(question: str) -> Route:
    """The route for a standalone question (follow-ups are rewritten before routing)."""
    parsed = indicators.parse(question)
    if parsed is not None:
        who = ", ".join(parsed.countries) or "any country"
        return Route(
            "indicator",
            f"names the indicator {parsed.indicator} ({parsed.intent}; {who})",
            indicator=parsed,
        )
    codes = country_names.find_countries(question)
    cue = COMPARE_CUES.search(question)
    if len(codes) >= 2 and cue:
        return Route(
            "comparison",
            f"names {len(codes)} countries ({', '.join(codes)}) and asks to compare ({cue.group(0)!r})",
            countries=codes,
        )
    return Route("documents", "no indicator named and no comparison of countries asked for")
