"""The caller's conversations: list, read, rename, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request

from api.deps import VIEW_LINK_HEADER, AssistantDep, CallerDep, SettingsDep, view_links
from api.schemas import (
    ID_PATTERN,
    ContinueRequest,
    ConversationList,
    ConversationPublic,
    ConversationSummary,
    RenameRequest,
)
from assistant import Unauthorized

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

ConversationId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.get("", response_model=ConversationList)
def list_conversations(
    assistant: AssistantDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ConversationList:
    total, items = assistant.conversations.for_owner(caller.name, limit=limit, offset=offset)
    summaries = [ConversationSummary.of(c) for c in items]
    return ConversationList(total=total, limit=limit, offset=offset, items=summaries)


@router.post("/continue", response_model=ConversationPublic, status_code=201)
def continue_conversation(
    body: ContinueRequest,
    request: Request,
    assistant: AssistantDep,
    caller: CallerDep,
    settings: SettingsDep,
    x_view_link: Annotated[
        str, Header(alias=VIEW_LINK_HEADER, description="The view link of the answer.")
    ] = "",
) -> ConversationPublic:
    """Continue in the web chat a conversation begun elsewhere (a Slack thread): its turns up to
    the answer a view link shows are copied into a new conversation of yours. The view link
    (the `continue` parameter of Slack's "Continue in the web chat" link) proves the answer was
    shown to you; the original conversation is not changed."""
    grant = view_links(request, settings).read(x_view_link)
    if grant is None or grant.answer_id != body.answer_id:
        raise Unauthorized(
            f"continuing a conversation needs the view link of its answer in {VIEW_LINK_HEADER} "
            "(it is in Slack's 'Continue in the web chat' link); it is missing, not valid or "
            "has expired"
        )
    copy = assistant.continue_conversation(body.answer_id, caller.name, caller.access)
    return ConversationPublic.of(copy)


@router.get("/{conversation_id}", response_model=ConversationPublic)
def get_conversation(
    conversation_id: ConversationId, assistant: AssistantDep, caller: CallerDep
) -> ConversationPublic:
    return ConversationPublic.of(assistant.conversations.get(conversation_id, caller.name))


@router.patch("/{conversation_id}", response_model=ConversationPublic)
def rename_conversation(
    conversation_id: ConversationId, body: RenameRequest, assistant: AssistantDep, caller: CallerDep
) -> ConversationPublic:
    renamed = assistant.conversations.rename(conversation_id, caller.name, body.title)
    return ConversationPublic.of(renamed)


@router.delete("/{conversation_id}", response_model=ConversationPublic)
def delete_conversation(
    conversation_id: ConversationId, assistant: AssistantDep, caller: CallerDep
) -> ConversationPublic:
    """Delete a conversation; returns it as it was, with its turns."""
    return ConversationPublic.of(assistant.conversations.delete(conversation_id, caller.name))
