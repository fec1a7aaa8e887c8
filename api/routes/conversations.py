"""The caller's conversations: list, read, rename, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AssistantDep, CallerDep
from api.schemas import (
    ID_PATTERN,
    ConversationList,
    ConversationPublic,
    ConversationSummary,
    RenameRequest,
)

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
