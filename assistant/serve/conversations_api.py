"""`/api/conversations` and `/api/feedback`: the caller's stored conversations, their export,
and ratings of answers. Each caller sees only what it owns (`assistant.serve.owner`)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import PlainTextResponse

from assistant.serve.auth import require_token
from assistant.serve.deps import WorkspaceDep
from assistant.serve.errors import BODY_ERRORS, errors
from assistant.serve.models import (
    ConversationCreate,
    ConversationList,
    ConversationRename,
    FeedbackRequest,
)
from assistant.serve.owner import OwnerDep
from assistant.workspace.export import conversation_docx, conversation_markdown, file_stem
from assistant.workspace.models import Conversation, ConversationInfo, Turn

router = APIRouter(
    prefix="/api",
    tags=["conversations"],
    dependencies=[Depends(require_token)],
    responses=errors(401),
)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("/conversations", status_code=201, responses=errors(*BODY_ERRORS, 409))
def create_conversation(
    body: ConversationCreate, workspace: WorkspaceDep, owner: OwnerDep
) -> ConversationInfo:
    """Start a conversation; pass its `id` as `conversation_id` to POST /api/ask. An owner
    keeps at most ASSISTANT_MAX_CONVERSATIONS (409 beyond)."""
    return workspace.create(owner, body.title)


@router.get("/conversations", responses=errors(422))
def list_conversations(
    workspace: WorkspaceDep,
    owner: OwnerDep,
    limit: Annotated[int | None, Query(ge=1, description="At most this many (default all)")] = None,
    offset: Annotated[int, Query(ge=0, description="Skip this many first")] = 0,
) -> ConversationList:
    """The caller's conversations, most recently used first, a page at a time if asked."""
    return ConversationList(
        conversations=workspace.list(owner, limit, offset), total=workspace.count(owner)
    )


@router.get("/conversations/{conversation_id}", responses=errors(404))
def get_conversation(
    conversation_id: str, workspace: WorkspaceDep, owner: OwnerDep
) -> Conversation:
    """The conversation with every turn: question, standalone query, full result, settings."""
    return workspace.get(owner, conversation_id)


@router.patch("/conversations/{conversation_id}", responses=errors(404, *BODY_ERRORS))
def rename_conversation(
    conversation_id: str, body: ConversationRename, workspace: WorkspaceDep, owner: OwnerDep
) -> ConversationInfo:
    return workspace.rename(owner, conversation_id, body.title)


@router.delete("/conversations/{conversation_id}", status_code=204, responses=errors(404))
def delete_conversation(conversation_id: str, workspace: WorkspaceDep, owner: OwnerDep) -> None:
    """Delete it; POST .../restore brings it back within a day."""
    workspace.delete(owner, conversation_id)


@router.post("/conversations/{conversation_id}/restore", responses=errors(404))
def restore_conversation(
    conversation_id: str, workspace: WorkspaceDep, owner: OwnerDep
) -> ConversationInfo:
    """Undo a delete."""
    return workspace.restore(owner, conversation_id)


@router.get(
    "/conversations/{conversation_id}/export",
    responses={
        **errors(404, 422),
        200: {"content": {"text/markdown": {}, DOCX_TYPE: {}}, "description": "The file"},
    },
    response_class=PlainTextResponse,
)
def export_conversation(
    conversation_id: str,
    workspace: WorkspaceDep,
    owner: OwnerDep,
    format: Literal["markdown", "docx"] = "markdown",
) -> Response:
    """Every answer with its `[n]` markers and a numbered reference list per answer (title,
    publisher, date, section or page, and the quoted sentence)."""
    conversation = workspace.get(owner, conversation_id)
    if format == "docx":
        name = f"{file_stem(conversation.title)}.docx"
        body, media_type = conversation_docx(conversation), DOCX_TYPE
    else:
        name = f"{file_stem(conversation.title)}.md"
        body, media_type = conversation_markdown(conversation).encode(), "text/markdown"
    return Response(body, media_type=media_type, headers={"Content-Disposition": _attachment(name)})


def _attachment(name: str) -> str:
    """The download's name, for any title: an ASCII fallback plus the UTF-8 name (RFC 6266);
    a header holding the raw non-ASCII name could not even be sent."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "-")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


@router.post("/feedback", responses=errors(404, *BODY_ERRORS))
def give_feedback(body: FeedbackRequest, workspace: WorkspaceDep, owner: OwnerDep) -> Turn:
    """Rate one answer up or down, with an optional comment; a new rating replaces the old.
    `assistant feedback export` turns ratings into candidate eval cases."""
    return workspace.rate(owner, body.conversation_id, body.turn, body.rating, body.comment)
