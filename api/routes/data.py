"""Countries and the indicator table."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AssistantDep, CallerDep
from api.schemas import CountryList, CountryPublic, IndicatorList, IndicatorPublic, Suggestions

router = APIRouter(prefix="/api", tags=["data"])


@router.get("/countries", response_model=CountryList)
def countries(assistant: AssistantDep, caller: CallerDep) -> CountryList:
    """Countries with documents or indicator data the caller may see."""
    return CountryList(items=[CountryPublic(**c) for c in assistant.countries(caller.access)])


@router.get("/suggestions", response_model=Suggestions)
def suggestions(assistant: AssistantDep, caller: CallerDep) -> Suggestions:
    """Starter questions made from what is ingested (each has an answer), and a hint when no
    indicator data is loaded."""
    return Suggestions(**assistant.suggestions(caller.access))


@router.get("/indicators", response_model=IndicatorList)
def indicators(
    assistant: AssistantDep,
    caller: CallerDep,
    country: Annotated[str | None, Query(max_length=100, description="ISO3 code or name")] = None,
    indicator: Annotated[str | None, Query(max_length=100, description="code or name")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> IndicatorList:
    """Indicator values (the preferred source per figure), each with its file and row."""
    total, values = assistant.indicator_values(
        caller.access, country=country, indicator=indicator, year=year, limit=limit, offset=offset
    )
    items = [IndicatorPublic.of(v) for v in values]
    return IndicatorList(total=total, limit=limit, offset=offset, items=items)
