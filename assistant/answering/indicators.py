"""Indicator questions answered exactly from the indicator table, every figure cited to its row.

"What was Fiji's EGDI in 2024?", "Which country ranked first in 2010?", "How has Mongolia's online
service index changed since 2012?", "Which had the higher EGDI, Malaysia or Thailand?". The figures
are copied as the data file prints them; nothing is computed except differences, which are
labelled as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant import countries as country_names
from assistant.answering.context import Access, AnswerContext
from assistant.answering.wordlists import FIGURE, NOT_A_FIGURE, RANKING, SCORE_WORDS, TREND
from assistant.indicators import INDICATORS, IndicatorValue, find_indicators
from assistant.models import Answer
from assistant.storage.indicators import IndicatorTable
from assistant.text import YEAR


@dataclass
class IndicatorQuestion:
    indicator: str
    countries: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    intent: str = "value"  # value, ranking, trend, comparison


def detect_indicator(question: str) -> str | None:
    """The first indicator the question names (the registry's one matcher)."""
    found = find_indicators(question)
    return found[0] if found else None


def parse(question: str) -> IndicatorQuestion | None:
    """An :class:`IndicatorQuestion` when the question asks for indicator figures, else None."""
    if NOT_A_FIGURE.search(question) and not FIGURE.search(question):
        return None  # "What is Italy's e-procurement platform called?" is for the documents
    indicator = detect_indicator(question)
    if indicator is None and RANKING.search(question) and re.search(r"\brank", question, re.I):
        indicator = "egdi"  # "Which country ranked first in 2010?": the UN E-Government ranking
    if indicator is None:
        return None
    if indicator.startswith("ims_") and not SCORE_WORDS.search(question):
        # "e-procurement" names a GovTech system score only when a score is asked for: "How
        # much does KONEPS save?" is a question for the documents
        return None
    codes = country_names.find_countries(question)
    years = sorted({int(y) for y in YEAR.findall(question)})
    if len(codes) >= 2:
        intent = "trend" if TREND.search(question) and len(years) != 1 else "comparison"
    elif codes:
        intent = "trend" if (TREND.search(question) or len(years) >= 2) else "value"
    elif RANKING.search(question):
        intent = "ranking"
    else:
        return None
    return IndicatorQuestion(indicator, codes, years, intent)


@dataclass
class IndicatorAnswer:
    text: str  # sentences with {n} placeholders for citation markers
    values: list[IndicatorValue]  # cited in order: marker n is values[n-1]
    table: list[dict[str, object]]
    found: bool


def answer_question(
    question: str, parsed: IndicatorQuestion, access: Access, context: AnswerContext
) -> Answer:
    """The indicator answerer: ``parsed`` answered from the table ``access`` may see, every
    figure cited to its data row."""
    result = answer(parsed, context.indicators_for(access))
    cite = context.data_citations.cite
    return Answer(
        question=question,
        answer=result.text,
        grounded=result.found,
        citations=[cite(i + 1, v, access) for i, v in enumerate(result.values)],
        kind="indicator" if result.found else "refusal",
        table=result.table or None,
    )


def answer(question: IndicatorQuestion, table: IndicatorTable) -> IndicatorAnswer:
    info = INDICATORS[question.indicator]
    if question.intent == "ranking":
        return _ranking(question, table, info.name)
    if question.intent == "trend":
        return _trend(question, table, info.name)
    if question.intent == "comparison":
        return _comparison(question, table, info.name)
    return _value(question, table, info.name)


def _fmt(v: IndicatorValue, cited: list[IndicatorValue]) -> str:
    cited.append(v)
    rank = f", rank {v.rank}" if v.rank is not None else ""
    group = f", group {v.group}" if v.group else ""
    return f"{v.value_text}{rank}{group} [{len(cited)}]"


def _row(v: IndicatorValue) -> dict[str, object]:
    return {
        "country": v.country,
        "iso3": v.iso3,
        "year": v.year,
        "indicator": v.indicator_name,
        "value": v.value_text,
        "rank": v.rank,
        "group": v.group,
        "source": v.source,
        "row": v.row,
    }


def _missing(name: str, who: str, when: str) -> IndicatorAnswer:
    return IndicatorAnswer(
        f"The indicator data I have holds no {name} value for {who}{when}.", [], [], False
    )


def _value(q: IndicatorQuestion, table: IndicatorTable, name: str) -> IndicatorAnswer:
    iso3 = q.countries[0]
    who = country_names.name(iso3)
    if q.years:
        v = table.value(iso3, q.indicator, q.years[-1])
        if v is None:
            return _missing(name, who, f" in {q.years[-1]}")
    else:
        series = table.series(iso3, q.indicator)
        if not series:
            return _missing(name, who, "")
        v = series[-1]
    cited: list[IndicatorValue] = []
    text = f"{v.country}'s {name} in {v.year} was {_fmt(v, cited)}."
    return IndicatorAnswer(text, cited, [_row(v)], True)


def _ranking(q: IndicatorQuestion, table: IndicatorTable, name: str) -> IndicatorAnswer:
    years = q.years or table.years(q.indicator)[-1:]
    if not years:
        return _missing(name, "any country", "")
    year = years[-1]
    top = table.ranking(q.indicator, year, top=10)
    if not top:
        return _missing(name, "any country", f" in {year}")
    cited: list[IndicatorValue] = []
    first = top[0]
    text = f"{first.country} ranked first on the {name} in {year}, with {_fmt(first, cited)}."
    if len(top) > 1:
        runners = "; ".join(f"{v.country} {_fmt(v, cited)}" for v in top[1:3])
        text += f" Next came {runners}."
    return IndicatorAnswer(text, cited, [_row(v) for v in top], True)


def _trend(q: IndicatorQuestion, table: IndicatorTable, name: str) -> IndicatorAnswer:
    sentences: list[str] = []
    cited: list[IndicatorValue] = []
    rows: list[dict[str, object]] = []
    for iso3 in q.countries:
        series = table.series(iso3, q.indicator)
        if q.years:
            low = q.years[0]
            high = q.years[-1] if len(q.years) > 1 else 9999
            series = [v for v in series if low <= v.year <= high]
        if len(series) < 1:
            sentences.append(
                f"The indicator data holds no {name} series for {country_names.name(iso3)}."
            )
            continue
        rows.extend(_row(v) for v in series)
        first, last = series[0], series[-1]
        if first is last:
            sentences.append(f"{first.country}'s {name} in {first.year} was {_fmt(first, cited)}.")
            continue
        direction = (
            "rose" if last.value > first.value else "fell" if last.value < first.value else "stayed"
        )
        sentences.append(
            f"{first.country}'s {name} {direction} from {_fmt(first, cited)} in {first.year} "
            f"to {_fmt(last, cited)} in {last.year} (a change of {last.value - first.value:+.4f})."
        )
    found = bool(cited)
    return IndicatorAnswer(" ".join(sentences), cited, rows, found)


def _comparison(q: IndicatorQuestion, table: IndicatorTable, name: str) -> IndicatorAnswer:
    year = q.years[-1] if q.years else None
    values: list[IndicatorValue] = []
    missing: list[str] = []
    for iso3 in q.countries:
        if year is None:
            series = table.series(iso3, q.indicator)
            v = series[-1] if series else None
        else:
            v = table.value(iso3, q.indicator, year)
        if v is None:
            missing.append(country_names.name(iso3))
        else:
            values.append(v)
    cited: list[IndicatorValue] = []
    parts = [f"{v.country} {_fmt(v, cited)} ({v.year})" for v in values]
    text = f"{name}: " + "; ".join(parts) + "." if parts else ""
    if len(values) >= 2:
        ordered = sorted(values, key=lambda v: v.value, reverse=True)
        best, runner = ordered[0], ordered[1]
        markers = f"[{cited.index(best) + 1}][{cited.index(runner) + 1}]"
        text += (
            f" {best.country} had the higher {name} ({best.value_text} against {runner.value_text}, "
            f"a difference of {best.value - runner.value:.5f}) {markers}."
        )
    if missing:
        text += f" No evidence found for {', '.join(missing)}: the indicator data holds no value"
        text += f" for {year}." if year else "."
    return IndicatorAnswer(text.strip(), cited, [_row(v) for v in values], bool(values))
