"""Documents and the source viewer: listing, one document, one page, the original file."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from api.deps import AssistantDep, Caller, CallerDep, ReaderDep
from api.schemas import ID_PATTERN, DocumentList, DocumentPublic, PagePublic
from assistant import Collection, NotFound

router = APIRouter(prefix="/api/documents", tags=["documents"])

DocId = Annotated[str, PathParam(max_length=200)]


@router.get("", response_model=DocumentList)
def list_documents(
    assistant: AssistantDep,
    caller: CallerDep,
    collection: Collection | None = None,
    country: Annotated[str | None, Query(max_length=100, description="ISO3 code or name")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> DocumentList:
    total, docs = assistant.find_documents(
        caller.access, collection=collection, country=country, limit=limit, offset=offset
    )
    items = [DocumentPublic.of(d) for d in docs]
    return DocumentList(total=total, limit=limit, offset=offset, items=items)


@router.get("/{doc_id}", response_model=DocumentPublic)
def get_document(doc_id: DocId, assistant: AssistantDep, caller: ReaderDep) -> DocumentPublic:
    _check_readable(caller, doc_id)
    return DocumentPublic.of(assistant.document(doc_id, caller.access))


def _check_readable(caller: Caller, doc_id: str) -> None:
    """A view link's holder reads only the documents its answer cites; to anything else the
    answer is the same as for an unknown id."""
    if not caller.may_read_document(doc_id):
        raise NotFound(f"no document with id {doc_id!r}")


@router.get("/{doc_id}/pages/{n}", response_model=PagePublic)
def get_page(
    doc_id: DocId,
    n: Annotated[int, PathParam(ge=1, le=1_000_000, description="Physical page, 1-based")],
    assistant: AssistantDep,
    caller: ReaderDep,
    answer_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> PagePublic:
    """The page text with the offsets of its passages, and of `answer_id`'s citations on it."""
    _check_readable(caller, doc_id)
    if answer_id and not caller.may_read_answer(answer_id):
        answer_id = None
    view = assistant.page(doc_id, n, access=caller.access, answer_id=answer_id)
    return PagePublic.of(view)


@router.get(
    "/{doc_id}/file",
    response_class=FileResponse,
    responses={200: {"content": {"*/*": {}}, "description": "The file, with its own type."}},
)
def get_file(doc_id: DocId, assistant: AssistantDep, caller: ReaderDep) -> FileResponse:
    """The original file, with its content type. Only files inside a corpus folder are served."""
    _check_readable(caller, doc_id)
    return file_response(assistant.document_file(doc_id, caller.access))


_TEXT_TYPES = {
    ".md": "text/markdown",
    ".rst": "text/plain",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


def file_response(path: Path) -> FileResponse:
    media = _TEXT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    media = media or "application/octet-stream"
    if media.startswith("text/"):
        media += "; charset=utf-8"
    headers = {
        "X-Content-Type-Options": "nosniff",
        # a corpus HTML or SVG file must not run scripts on the API's origin
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
    }
    return FileResponse(
        path,
        media_type=media,
        filename=path.name,
        content_disposition_type="attachment" if media.split(";")[0] in _ACTIVE_TYPES else "inline",
        headers=headers,
    )


# Types a browser would run or render with scripts: always downloaded, never shown inline (the
# sandbox header above is the second line of defence for a browser that shows them anyway).
_ACTIVE_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"}
)
