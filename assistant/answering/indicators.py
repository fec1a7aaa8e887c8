"""Indicator questions answered exactly from the indicator table, every figure cited to its row.

The question arrives as a :class:`~assistant.answering.understanding.QueryPlan`: "What was Fiji's
EGDI in 2024?" (a value), "sri lanka egdi rank 2022" (a rank), "How has Mongolia's online service
index changed since 2012?" (a trend), "change in vietnam egdi 2020 to 2024" (a change), "top 5 in
asia on egdi" (top or bottom N within a group), "which pacific islands improved most" (the biggest
changes), "how many countries are in the very high EGDI group" (a count), "weakest component of
nepal's egdi", and comparisons of two or more countries.

Each answer says what was computed over which rows and cites them. Figures are shown as the data
file prints them, except machine floats ("0.8404502742767075"), shown to three decimals; the
citation keeps the exact row. A constraint the question names (a group, a year, a country) is
applied or the answer says why it could not be: none is dropped silently.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant import countries as country_names
from assistant import crosslingual
from assistant.answering.context import Access, AnswerContext
from assistant.answering.understanding import (
    ASKED_OF_EACH,
    COMPONENTS,
    EGDI_LEVELS,
    QueryPlan,
    understand,
)
from assistant.country_groups import Group, find_groups
from assistant.indicators import INDICATORS, IndicatorValue, shown
from assistant.models import Answer
from assistant.storage.indicators import IndicatorTable

# How many rows an answer cites at most when it lists a whole group (the table has them all).
MAX_CITED_ROWS = 12


@dataclass
class IndicatorAnswer:
    text: str  # sentences with [n] citation markers
    values: list[IndicatorValue]  # cited in order: marker n is values[n-1]
    table: list[dict[str, object]]
    found: bool


def possessive(name: str) -> str:
    """``name``'s, or ``name``' for a name ending in "s" ("Marshall Islands'", "Bahamas'")."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def answer_question(
    question: str, plan: QueryPlan, access: Access, context: AnswerContext
) -> Answer:
    """The indicator answerer: ``plan`` answered from the table ``access`` may see, every figure
    cited to its data row."""
    result = answer(plan, context.indicators_for(access))
    cite = context.data_citations.cite
    return Answer(
        question=question,
        answer=result.text,
        grounded=result.found,
        citations=[cite(i + 1, v, access) for i, v in enumerate(result.values)],
        kind="indicator" if result.found else "refusal",
        table=result.table or None,
    )


def answer(plan: QueryPlan, table: IndicatorTable) -> IndicatorAnswer:
    if plan.kind in ASKED_OF_EACH and len(plan.indicators) > 1:
        return _each(plan, table)
    return _one(plan, table)


def _each(plan: QueryPlan, table: IndicatorTable) -> IndicatorAnswer:
    """Every indicator the question names, answered in turn as if asked alone, the citation
    markers of each numbered on from the last."""
    texts: list[str] = []
    values: list[IndicatorValue] = []
    rows: list[dict[str, object]] = []
    for code in dict.fromkeys(plan.indicators):
        part = _one(replace(plan, indicators=[code]), table)
        text = _numbered_from(part.text, len(values))
        for said in re.findall(r" \(The \d{4} edition of [^)]*\)", text):
            if any(said in earlier for earlier in texts):
                text = text.replace(said, "")  # one dataset's edition, said once
        texts.append(text)
        values += part.values
        rows += part.table
    return IndicatorAnswer(" ".join(texts), values, rows, found=bool(values))


def _numbered_from(text: str, offset: int) -> str:
    """``text`` with its citation markers numbered on from ``offset`` ("[1]" -> "[4]")."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text)


def _one(plan: QueryPlan, table: IndicatorTable) -> IndicatorAnswer:
    code = plan.indicator
    assert code is not None, "an indicator question names an indicator"
    name = INDICATORS[code].name
    plan, edition_note = _editions_read(plan, table, code)
    run = _Answer(plan, table, code, name)
    handler = {
        "value": run.value,
        "rank": run.value,
        "position": run.position,
        "trend": run.trend,
        "change": run.change,
        "comparison": run.comparison,
        "top": run.ranking,
        "members": run.ranking,
        "bottom": run.ranking,
        "improved": run.movers,
        "declined": run.movers,
        "count": run.count,
        "average": run.average,
        "component": run.component,
    }[plan.kind]
    result = handler()
    if edition_note and result.found:
        result.text += f" {edition_note}"
    scale = INDICATORS[code].note
    if scale and not scale.startswith("0-1") and result.found:
        # a figure on another scale than the usual 0 to 1 means nothing without it ("4.5")
        result.text += f" Scale: {scale}."
    unused = [INDICATORS[c].name for c in plan.indicators[1:] if c in INDICATORS]
    if unused and result.found:
        result.text += (
            f" (Answered for the {name} only; ask separately for the {', '.join(unused)}.)"
        )
    return result


def _editions_read(plan: QueryPlan, table: IndicatorTable, code: str) -> tuple[QueryPlan, str]:
    """The plan with each year it names that the data has no value for, but an edition of the
    indicator is named by (see :meth:`IndicatorTable.editions`), read as that edition's data
    year, and a note saying so: "ourdata 2023" asks for the 2023 edition of OURdata, whose
    values are for 2022."""
    if not plan.years:
        return plan, ""
    have = set(table.years(code))
    editions = table.editions(code)
    read = {y: editions[y] for y in plan.years if y not in have and y in editions}
    if not read:
        return plan, ""
    years = sorted({read.get(y, y) for y in plan.years})
    dataset = INDICATORS[code].dataset
    note = " ".join(
        f"(The {e} edition of {dataset} gives values for {d}.)" for e, d in read.items()
    )
    return replace(plan, years=years), note


def scope_name(groups: Sequence[Group]) -> str:
    """The countries several groups share, as a reader would name them: a membership group in
    the regions named ("small island developing States in Oceania", "landlocked developing
    countries in Asia"); groups of one kind joined by "and"."""
    places = [g.name for g in groups if g.is_region]
    kinds = [g.name for g in groups if not g.is_region]
    if places and kinds:
        return f"{' and '.join(kinds)} in {' and '.join(places)}"
    return " and ".join(g.name for g in groups)


def difference(later: IndicatorValue, earlier: IndicatorValue, *, sign: bool = True) -> str:
    """``later - earlier`` to the precision the two values are shown with ("+0.05194" for
    0.67544 - 0.62350; "-0.131" for two machine floats shown to three decimals)."""
    decimals = max(len(shown(v).partition(".")[2]) for v in (later, earlier))
    return f"{later.value - earlier.value:{'+' if sign else ''}.{decimals}f}"


def _row(v: IndicatorValue) -> dict[str, object]:
    return {
        "country": v.country,
        "iso3": v.iso3,
        "year": v.year,
        "indicator": v.indicator_name,
        "value": shown(v),  # the row cited keeps the value as its file prints it
        "rank": v.rank,
        "group": v.group,
        "source": v.source,
        "row": v.row,
    }


class _Answer:
    """One indicator answer under construction: the plan, the table and what is cited."""

    def __init__(self, plan: QueryPlan, table: IndicatorTable, code: str, name: str) -> None:
        self.plan, self.table, self.code, self.name = plan, table, code, name
        self.cited: list[IndicatorValue] = []
        self.rows: list[dict[str, object]] = []

    # --- helpers ----------------------------------------------------------------------------
    def cite(self, v: IndicatorValue, *, rank: bool = True, rank_word: str = "rank") -> str:
        """The value shown with its rank or group and its citation marker."""
        if v not in self.cited:
            self.cited.append(v)
            self.rows.append(_row(v))
        extra = f", {rank_word} {v.rank}" if rank and v.rank is not None else ""
        extra += f", group {v.group}" if v.group else ""
        return f"{shown(v)}{extra} [{self.cited.index(v) + 1}]"

    def done(self, text: str) -> IndicatorAnswer:
        return IndicatorAnswer(text.strip(), self.cited, self.rows, bool(self.cited))

    def missing(self, who: str, when: str = "", local_who: str | None = None) -> IndicatorAnswer:
        """That the data holds no value for ``who``; said first in the question's language too
        when ``local_who`` (``who`` in that language) is given."""
        language = self.plan.language
        local = local_who and crosslingual.no_value_sentence(
            local_who,
            crosslingual.indicator_name(self.code, self.name, language),
            when.removeprefix(" in "),
            language,
        )
        english = f"The indicator data I have holds no {self.name} value for {who}{when}."
        return IndicatorAnswer(f"{local}\n\n{english}" if local else english, [], [], False)

    def latest_year(self) -> int | None:
        years = self.table.years(self.code)
        return years[-1] if years else None

    def year(self) -> tuple[int | None, str]:
        """The year asked for (the last named), else the latest edition, and how to say it."""
        if self.plan.years:
            return self.plan.years[-1], ""
        latest = self.latest_year()
        return latest, " (the latest edition in the data)" if latest else ""

    def scope(self) -> tuple[list[str] | None, str]:
        """The countries the question limits itself to (its groups), and their description."""
        members = self.plan.members
        if members is None:
            return None, "all countries"
        return sorted(members), scope_name(self.plan.groups)

    def value_at(self, iso3: str, year: int | None) -> IndicatorValue | None:
        if year is None:
            series = self.table.series(iso3, self.code)
            return series[-1] if series else None
        return self.table.value(iso3, self.code, year)

    def _said(self, iso3: str, v: IndicatorValue, *, latest: bool) -> str | None:
        """One value in the question's language, when it is not English (see
        :func:`assistant.crosslingual.value_sentence`); None otherwise."""
        language = self.plan.language
        if language == "en" or not crosslingual.labels(language):
            return None
        rank_word = crosslingual.labels(language, [{}]).get("rank", "rank").lower()
        return crosslingual.value_sentence(
            crosslingual.local_country_name(iso3, language),
            crosslingual.indicator_name(self.code, self.name, language),
            v.year,
            self.cite(v, rank_word=rank_word),
            language,
            latest=latest,
        )

    # --- answers ----------------------------------------------------------------------------
    def value(self) -> IndicatorAnswer:
        parts: list[str] = []
        missing: list[str] = []
        members, scope = self.scope()
        for iso3 in self.plan.countries or []:
            year = self.plan.years[-1] if self.plan.years else None
            v = self.value_at(iso3, year)
            if v is None:
                missing.append(country_names.name(iso3))
                continue
            latest = "" if self.plan.years else " (the latest edition in the data)"
            parts.append(
                self._said(iso3, v, latest=not self.plan.years)
                or (f"{possessive(v.country)} {self.name} in {v.year}{latest} was {self.cite(v)}.")
            )
            if self.plan.kind == "rank" and members is not None and iso3 in members:
                within = self._place(v, members, scope)  # "fiji's rank among pacific sids"
                if within:
                    parts.append(within)
            elif self.plan.kind == "rank" and v.rank is None:
                parts.append(self._place(v))
        if not self.plan.countries:
            return self.ranking()
        if missing:
            when = f" in {self.plan.years[-1]}" if self.plan.years else ""
            if not parts:
                local = ", ".join(
                    crosslingual.local_country_name(c, self.plan.language)
                    for c in self.plan.countries
                    if country_names.name(c) in missing
                )
                return self.missing(", ".join(missing), when, local)
            parts.append(f"The data holds no {self.name} value for {', '.join(missing)}{when}.")
        return self.done(" ".join(parts))

    def _place(self, v: IndicatorValue, members: list[str] | None = None, scope: str = "") -> str:
        """The country's place by value among the countries with a value that edition (of a
        group, ``members``, when the question asks for its rank within one), said to be
        computed here: a rank the data does not publish (the Survey ranks the EGDI only, and
        over the world) is never passed off as a published one."""
        every = self.table.ranking(self.code, v.year, top=None, countries=members)
        place = next((i for i, w in enumerate(every, 1) if w.iso3 == v.iso3), None)
        if members is not None:
            if place is None:
                return ""
            after = every[place] if place < len(every) else None
            nxt = f"; next: {after.country} {self.cite(after, rank=False)}" if after else ""
            return (
                f"Among {scope}, {v.country} places {place} of the {len(every)} with a value in "
                f"{v.year} (computed here){nxt}."
            )
        if place is None:
            return f"The data publishes no rank for the {self.name}."
        return (
            f"The data publishes no rank for the {self.name}; by value, {v.country} places "
            f"{place} of the {len(every)} countries with a value in {v.year} (computed here)."
        )

    def trend(self) -> IndicatorAnswer:
        sentences: list[str] = []
        for iso3 in self.plan.countries:
            series = self.table.series(iso3, self.code)
            if self.plan.years:
                low = self.plan.years[0]
                high = self.plan.years[-1] if len(self.plan.years) > 1 else 9999
                series = [v for v in series if low <= v.year <= high]
            if not series:
                sentences.append(
                    f"The indicator data holds no {self.name} series for {country_names.name(iso3)}."
                )
                continue
            first, last = series[0], series[-1]
            if first is last:
                sentences.append(
                    f"{possessive(first.country)} {self.name} in {first.year} was {self.cite(first)}."
                )
                continue
            direction = (
                "rose"
                if last.value > first.value
                else "fell"
                if last.value < first.value
                else "stayed"
            )
            start = self.cite(first)  # the table lists the series in order: first, between, last
            between = series[1:-1]
            self.rows.extend(_row(v) for v in between)
            end = self.cite(last)
            middle = ""
            if between:
                editions = ", ".join(
                    f"{v.year} {shown(v)}" + (f" (rank {v.rank})" if v.rank is not None else "")
                    for v in between
                )
                middle = f" (editions in between: {editions})"
            sentences.append(
                f"{possessive(first.country)} {self.name} {direction} from {start} in {first.year} "
                f"to {end} in {last.year}, a change of {difference(last, first)}{middle}."
            )
        return self.done(" ".join(sentences))

    def change(self) -> IndicatorAnswer:
        """From the first year asked to the last; with one year asked (or none), the change
        into it from the edition before ("did mongolia's gtmi drop in 2025?")."""
        sentences: list[str] = []
        for iso3 in self.plan.countries:
            who = country_names.name(iso3)
            if len(set(self.plan.years)) >= 2:
                low, high = self.plan.years[0], self.plan.years[-1]
                start, end = (
                    self.table.value(iso3, self.code, low),
                    self.table.value(iso3, self.code, high),
                )
            else:
                until = self.plan.years[0] if self.plan.years else None
                series = [
                    v
                    for v in self.table.series(iso3, self.code)
                    if until is None or v.year <= until
                ]
                if until is not None and series and series[-1].year != until:
                    editions = ", ".join(str(v.year) for v in self.table.series(iso3, self.code))
                    sentences.append(
                        f"The data holds no {self.name} value for {who} in {until} (its "
                        f"editions: {editions})."
                    )
                    continue
                if len(series) < 2:
                    asked = f" up to {until}" if until else ""
                    sentences.append(
                        f"The data holds no two editions of the {self.name} for {who}{asked} "
                        "to compare."
                    )
                    continue
                start, end = series[-2], series[-1]
                low, high = start.year, end.year
            if start is None or end is None:
                gone = [str(y) for y, v in ((low, start), (high, end)) if v is None]
                sentences.append(
                    f"The data holds no {self.name} value for {who} in {' or '.join(gone)}."
                )
                continue
            rank = ""
            if start.rank is not None and end.rank is not None:
                rank = f"; its rank went from {start.rank} to {end.rank}"
                if start.rank != end.rank:
                    places = abs(start.rank - end.rank)
                    way = "up" if end.rank < start.rank else "down"
                    rank += f" ({way} {places} place{'s' if places > 1 else ''})"
            sentences.append(
                f"{possessive(end.country)} {self.name} went from {self.cite(start, rank=False)} in {low} to "
                f"{self.cite(end, rank=False)} in {high}: a change of {difference(end, start)}{rank}."
            )
        return self.done(" ".join(sentences))

    def comparison(self) -> IndicatorAnswer:
        year = self.plan.years[-1] if self.plan.years else None
        values: list[IndicatorValue] = []
        missing: list[str] = []
        for iso3 in self.plan.countries:
            v = self.value_at(iso3, year)
            if v is None:
                missing.append(country_names.name(iso3))
            else:
                values.append(v)
        ordered = sorted(values, key=lambda v: v.value, reverse=True)
        parts = [f"{v.country} {self.cite(v)} ({v.year})" for v in ordered]
        text = f"{self.name}: " + "; ".join(parts) + "." if parts else ""
        if len(ordered) >= 2:
            best, last = ordered[0], ordered[-1]
            word = "highest" if len(ordered) > 2 else "higher"
            text += (
                f" {best.country} had the {word} {self.name} ({shown(best)} against "
                f"{shown(last)} for {last.country}, a difference of {difference(best, last, sign=False)})."
            )
        if missing:
            when = f" for {year}" if year else ""
            text += f" No evidence found for {', '.join(missing)}: the indicator data holds no value{when}."
        return self.done(text)

    def ranking(self) -> IndicatorAnswer:
        year, latest = self.year()
        if year is None:
            return self.missing("any country")
        members, scope = self.scope()
        every = self.table.ranking(self.code, year, top=None, countries=members)
        if not every:
            return self.missing(scope if members is not None else "any country", f" in {year}")
        bottom = self.plan.kind == "bottom"
        ordered = list(reversed(every)) if bottom else every
        every_member = self.plan.kind == "members"
        n = self.plan.top_n or (1 if not self.plan.groups else min(5, len(ordered)))
        if every_member:
            n = len(ordered)
        chosen = ordered[:n]
        word = "lowest" if bottom else "highest"
        where = f" in {scope}" if members is not None else ""
        listed = "; ".join(f"{i}. {v.country} {self.cite(v)}" for i, v in enumerate(chosen, 1))
        if every_member:
            text = f"The {self.name} of {scope} in {year}{latest}, highest first: {listed}."
        elif n == 1 and not bottom:
            v = chosen[0]
            text = f"{v.country} ranked first on the {self.name}{where} in {year}{latest}, with {self.cite(v)}."
            if len(ordered) > 1:
                runners = "; ".join(f"{r.country} {self.cite(r)}" for r in ordered[1:3])
                text += f" Next came {runners}."
        elif n == 1:
            v = chosen[0]
            text = (
                f"{v.country} had the {word} {self.name}{where} in {year}{latest}: {self.cite(v)}."
            )
        else:
            text = (
                f"The {len(chosen)} {word} {self.name} values{where} in {year}{latest}: {listed}."
            )
        if members is not None:
            # the ranks shown are the data's, over the world: said only where one is shown
            world = "; ranks are world ranks" if any(v.rank is not None for v in chosen) else ""
            text += f" ({len(every)} of the {len(members)} countries of {scope} have a value that year{world}.)"
        return self.done(text)

    def position(self) -> IndicatorAnswer:
        year, latest = self.year()
        if year is None:
            return self.missing("any country")
        members, scope = self.scope()
        every = self.table.ranking(self.code, year, top=None, countries=members)
        n = self.plan.top_n or 1
        if len(every) < n:
            return self.missing(f"rank {n}", f" in {year}")
        v = every[n - 1]
        where = f" in {scope}" if members is not None else ""
        text = f"{v.country} was number {n} on the {self.name}{where} in {year}{latest}: {self.cite(v)}."
        if n > 1:
            text += f" Number {n - 1}: {every[n - 2].country} {self.cite(every[n - 2])}."
        return self.done(text)

    def movers(self) -> IndicatorAnswer:
        years = self.table.years(self.code)
        if len(years) < 2:
            return self.missing("two editions")
        if len(self.plan.years) >= 2:
            low, high = self.plan.years[0], self.plan.years[-1]
            note = ""
        elif self.plan.years:
            low, high = self.plan.years[0], years[-1]
            note = ""
        else:
            low, high = years[-2], years[-1]
            note = " (the last two editions in the data; name two years for another period)"
        members, scope = self.scope()
        start = {v.iso3: v for v in self.table.ranking(self.code, low, top=None, countries=members)}
        end = {v.iso3: v for v in self.table.ranking(self.code, high, top=None, countries=members)}
        both = [c for c in end if c in start]
        if not both:
            return self.missing(scope, f" in both {low} and {high}")
        declined = self.plan.kind == "declined"
        moves = sorted(both, key=lambda c: end[c].value - start[c].value, reverse=not declined)
        where = f" in {scope}" if members is not None else ""
        # a mover is listed under "fell" or "improved" only if it moved that way
        moved = [c for c in moves if (end[c].value < start[c].value) == declined]
        moved = [c for c in moved if end[c].value != start[c].value]
        if not moved:
            way = "fell" if declined else "rose"
            nearest = moves[0]
            return self.done(
                f"No country{where} saw its {self.name} {way} from {low} to {high}{note}: of the "
                f"{_countries(len(both))} with a value in both years, the closest was "
                f"{end[nearest].country} {difference(end[nearest], start[nearest])} (from "
                f"{self.cite(start[nearest], rank=False)} to {self.cite(end[nearest], rank=False)})."
            )
        moves = moved
        n = self.plan.top_n or min(5, len(moves))
        word = "fell most" if declined else "improved most"
        listed = "; ".join(
            f"{i}. {end[c].country} {difference(end[c], start[c])} "
            f"(from {self.cite(start[c], rank=False)} to {self.cite(end[c], rank=False)})"
            for i, c in enumerate(moves[:n], 1)
        )
        text = f"Countries{where} whose {self.name} {word} from {low} to {high}{note}: {listed}."
        text += f" Computed over the {_countries(len(both))} with a value in both years."
        return self.done(text)

    def counting_rule(self, year: int) -> tuple[str, Callable[[IndicatorValue], bool]]:
        """What a count counts, in words, and the test a row must pass: an EGDI level (the
        Survey's bands), a group the data file gives its rows ("group A" of the GTMI), a place
        in the world's ranking of ``year`` ("in the top 100"), a threshold the question names,
        or every value."""
        plan = self.plan
        if plan.level and self.code == "egdi":
            low, high = EGDI_LEVELS[plan.level]
            rule = f"in the {plan.level} EGDI level ({low:.2f} to {high:.2f}, the Survey's bands)"
            return rule, lambda v: _within(v.value, low, high)
        if plan.data_group:
            label = plan.data_group
            return f"in group {label} of the {self.name}", lambda v: (v.group or "") == label
        if plan.rank_cut and plan.top_n:
            place, published = self.world_places(year)
            n, last = plan.top_n, len(place)
            rule = f"in the world's {plan.rank_cut} {n} on the {self.name}"
            if not published:
                rule += " (placed by value: the data publishes no rank)"
            if plan.rank_cut == "top":
                return rule, lambda v: place[v.iso3] <= n
            return rule, lambda v: place[v.iso3] > last - n
        if plan.threshold:
            sign, bound = threshold = plan.threshold
            rule = f"with {self.name} {_THRESHOLD_WORDS[sign]} {bound}"
            return rule, lambda v: _meets(v.value, threshold)
        rule = f"with {self.name} values"
        if plan.level:
            rule += f" (EGDI levels apply to the EGDI only, not to the {self.name})"
        return rule, lambda v: True

    def world_places(self, year: int) -> tuple[dict[str, int], bool]:
        """Each country's place in the world on the indicator in ``year``: the data's rank
        where it publishes them (then True), else its place by value."""
        world = self.table.ranking(self.code, year, top=None, countries=None)
        published = all(v.rank is not None for v in world)
        places = {v.iso3: v.rank if published and v.rank else i + 1 for i, v in enumerate(world)}
        return places, published

    def count(self) -> IndicatorAnswer:
        year, latest = self.year()
        if year is None:
            return self.missing("any country")
        members, scope = self.scope()
        every = self.table.ranking(self.code, year, top=None, countries=members)
        if not every:
            return self.missing(scope, f" in {year}")
        rule, counted = self.counting_rule(year)
        chosen = [v for v in every if counted(v)]
        text = (
            f"{_countries(len(chosen))} {rule} in {year}{latest}, out of {len(every)} with a value."
        )
        if members is not None:
            text = f"{scope[:1].upper()}{scope[1:]}: {text}"
        if chosen:
            shown_rows = chosen[:MAX_CITED_ROWS]
            text += " " + "; ".join(f"{v.country} {self.cite(v)}" for v in shown_rows)
            more = len(chosen) - len(shown_rows)
            text += f"; and {more} more (all in the table)." if more > 0 else "."
            outside = [v for v in every if not counted(v)]
            if more > 0 or outside:
                last = chosen[-1]
                edge = f" Nearest the line: {last.country} {self.cite(last)} (counted)"
                nearest = min(outside, key=lambda v: abs(v.value - last.value), default=None)
                if nearest is not None:
                    edge += f", {nearest.country} {self.cite(nearest)} (not counted)"
                text += edge + "."
            for v in chosen[MAX_CITED_ROWS:]:
                if v not in self.cited:  # the row nearest the line is cited above
                    self.rows.append(_row(v))
        else:
            # a count of zero is an answer: cite the closest row so the reader can check it
            self.cite(every[0])
            text += f" The highest was {every[0].country} [1]."
        return self.done(text)

    def average(self) -> IndicatorAnswer:
        """The mean and median of the values of a group (or of every country) in one edition,
        computed here over the rows listed, with the highest and lowest cited."""
        year, latest = self.year()
        if year is None:
            return self.missing("any country")
        members, scope = self.scope()
        every = self.table.ranking(self.code, year, top=None, countries=members)
        if not every:
            return self.missing(scope if members is not None else "any country", f" in {year}")
        values = [v.value for v in every]
        where = f" of {scope}" if members is not None else ""
        counted = f"the {len(every)} countries with a value"
        if members is not None:
            counted += f" (of {len(members)} in the group)"
        # a computed figure is shown to three decimals; the values it was computed from are
        # cited as printed (each of them when few, else the highest and lowest, all in the table)
        text = (
            f"The average {self.name}{where} in {year}{latest} was "
            f"{statistics.fmean(values):.3f} (median {statistics.median(values):.3f}), "
            f"computed here over {counted}"
        )
        if len(every) <= MAX_CITED_ROWS:
            text += ": " + "; ".join(f"{v.country} {self.cite(v, rank=False)}" for v in every) + "."
        else:
            high, low = every[0], every[-1]
            text += (
                f". Highest: {high.country} {self.cite(high, rank=False)}; "
                f"lowest: {low.country} {self.cite(low, rank=False)}."
            )
            for v in every[1:-1]:
                self.rows.append(_row(v))
        if members is None:
            text += self._namesakes_average(every)
        return self.done(text)

    def _namesakes_average(self, every: list[IndicatorValue]) -> str:
        """For an average over every country with a value, of an indicator named for a group
        that it also scores others than its members for (the OECD DGI scores partner countries
        too), the members' own average, which is what the publisher reports as "the OECD
        average": " The OECD members alone (33 with a value): 0.605 (median 0.593)." Else ""."""
        for named in find_groups(self.name):
            own = [v.value for v in every if v.iso3 in named.members]
            if own and len(own) < len(every):
                return (
                    f" The {named.name} alone ({len(own)} with a value): "
                    f"{statistics.fmean(own):.3f} (median {statistics.median(own):.3f})."
                )
        return ""

    def component(self) -> IndicatorAnswer:
        parts = COMPONENTS[self.code]
        sentences: list[str] = []
        for iso3 in self.plan.countries:
            year = self.plan.years[-1] if self.plan.years else None
            total = self.value_at(iso3, year)
            if total is None:
                sentences.append(
                    f"The data holds no {self.name} value for {country_names.name(iso3)}."
                )
                continue
            values = [v for v in (self.table.value(iso3, p, total.year) for p in parts) if v]
            if not values:
                sentences.append(
                    f"The data holds no components of the {self.name} for {total.country} in {total.year}."
                )
                continue
            ordered = sorted(values, key=lambda v: v.value)
            head = (
                f"{possessive(total.country)} {self.name} in {total.year} was {self.cite(total)}."
            )
            listed = "; ".join(f"{v.indicator_name} {self.cite(v, rank=False)}" for v in ordered)
            sentences.append(
                f"{head} Its components, weakest first: {listed}. Weakest: "
                f"{ordered[0].indicator_name}; strongest: {ordered[-1].indicator_name}."
            )
        if not self.plan.countries:
            return self.missing("a country (name one)")
        return self.done(" ".join(sentences))


_THRESHOLD_WORDS = {">": "above", ">=": "of at least", "<": "below", "<=": "of at most"}


def _countries(n: int) -> str:
    return f"{n} country" if n == 1 else f"{n} countries"


def _meets(value: float, threshold: tuple[str, float]) -> bool:
    """``value`` against a threshold the question names: "above" is strict, "at least" is not."""
    sign, bound = threshold
    return {
        ">": value > bound,
        ">=": value >= bound,
        "<": value < bound,
        "<=": value <= bound,
    }[sign]


def _within(value: float, low: float, high: float) -> bool:
    """In a band: above its lower bound, up to and including its upper one (the Survey's EGDI
    levels: very high is above 0.75); an open bound (infinite) is strict on both sides."""
    upper = value <= high if high != float("inf") else True
    return value > low and upper if low != -float("inf") else value < high


def parse(question: str) -> QueryPlan | None:
    """The plan of ``question`` when the indicator table can answer it, else None."""
    plan = understand(question)
    return plan if plan.kind != "documents" else None
