"""Which answerer takes a question, and why.

Three routes: a question the indicator table can answer (it names an indicator and asks for a
figure, a ranking, a trend or a comparison of figures), a comparison of two or more countries in
the documents, and everything else, answered from the documents. The chosen :class:`Route`
carries its reason, which the answer keeps (``Answer.route``) so that a wrong route can be seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.answering.understanding import QueryPlan, understand
from assistant.answering.wordlists import COMPARE_CUES


@dataclass(frozen=True)
class Route:
    name: Literal["indicator", "comparison", "documents"]
    reason: str
    plan: QueryPlan
    countries: list[str] = field(default_factory=list)


def route(question: str) -> Route:
    """The route for a standalone question (follow-ups are rewritten before routing)."""
    plan = understand(question)
    if plan.kind != "documents":
        return Route("indicator", f"asks for figures: {plan.describe()}", plan)
    cue = COMPARE_CUES.search(plan.text)
    if len(plan.countries) >= 2 and cue:
        return Route(
            "comparison",
            f"names {len(plan.countries)} countries ({', '.join(plan.countries)}) and asks to compare ({cue.group(0)!r})",
            plan,
            countries=plan.countries,
        )
    return Route("documents", "no indicator figures and no comparison of countries asked for", plan)
