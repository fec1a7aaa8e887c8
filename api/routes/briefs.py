"""Advisory briefs: draft one (/api/briefs), list yours, download it as Markdown or Word."""

from __future__ import annotations

import io
import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import AssistantDep, CallerDep
from api.schemas import BriefList, BriefRequest, BriefResponse, BriefSummary
from assistant import Brief, render_docx, render_markdown

router = APIRouter(prefix="/api", tags=["briefs"])

BRIEF_ID = r"^[0-9a-f]{32}$"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("/briefs", response_model=BriefResponse)
def draft(body: BriefRequest, assistant: AssistantDep, caller: CallerDep) -> BriefResponse:
    """Draft a brief on `topic` in `country` from the documents you may read: summary, country
    context (indicators), what the documents say, comparable practice, options, gaps, sources.
    Every sentence of sections 2–5 is cited; what the check could not support is marked."""
    brief = assistant.draft_brief(body.country, body.topic, body.audience, access=caller.access)
    assistant.briefs.save(brief, caller.name)
    return BriefResponse.of(brief)


@router.get("/briefs", response_model=BriefList)
def list_briefs(
    assistant: AssistantDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> BriefList:
    """Your briefs, newest first."""
    return BriefList(items=[BriefSummary.of(b) for b in assistant.briefs.list(caller.name, limit)])


@router.get("/briefs/{brief_id}", response_model=BriefResponse)
def get_brief(
    brief_id: Annotated[str, Path(pattern=BRIEF_ID)], assistant: AssistantDep, caller: CallerDep
) -> BriefResponse:
    """A brief you drafted."""
    return BriefResponse.of(assistant.briefs.get(brief_id, caller.name))


@router.get("/briefs/{brief_id}/markdown", response_class=Response)
def download_markdown(
    brief_id: Annotated[str, Path(pattern=BRIEF_ID)], assistant: AssistantDep, caller: CallerDep
) -> Response:
    """The brief as a Markdown file."""
    brief = assistant.briefs.get(brief_id, caller.name)
    return _attachment(render_markdown(brief).encode("utf-8"), brief, "md", "text/markdown")


@router.get("/briefs/{brief_id}/docx", response_class=Response)
def download_docx(
    brief_id: Annotated[str, Path(pattern=BRIEF_ID)], assistant: AssistantDep, caller: CallerDep
) -> Response:
    """The brief as a Word document (numbered references, chart)."""
    brief = assistant.briefs.get(brief_id, caller.name)
    buffer = io.BytesIO()
    render_docx(brief, buffer)
    return _attachment(buffer.getvalue(), brief, "docx", DOCX)


def _attachment(content: bytes, brief: Brief, suffix: str, media_type: str) -> Response:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", f"brief-{brief.country}-{brief.topic}").strip("-")
    headers = {"Content-Disposition": f'attachment; filename="{stem[:80].lower()}.{suffix}"'}
    return Response(content, media_type=media_type, headers=headers)
