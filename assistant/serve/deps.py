"""What the /api and /v1 routes share: the one Assistant, the workspace store, and the check
of named sources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from assistant.schema import AskResult, QuestionError
from assistant.service import Assistant
from assistant.workspace.conversations import ConversationStore


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]

Ask = Callable[..., AskResult]  # `Assistant.ask`, or `AskWorkers.ask` in worker processes


def get_ask(request: Request) -> Ask:
    """Who answers a one-shot question: the worker processes when the server has them,
    else the Assistant (looked up per request, as every route does)."""
    return request.app.state.ask or get_assistant(request).ask


AskDep = Annotated[Ask, Depends(get_ask)]


def get_workspace(request: Request) -> ConversationStore:
    return request.app.state.workspace


WorkspaceDep = Annotated[ConversationStore, Depends(get_workspace)]


def check_sources(assistant: Assistant, sources: list[str] | None) -> None:
    """An unknown source is a mistake to report, not a filter that silently matches nothing."""
    unknown = sorted(set(sources or ()) - set(assistant.store.document_records()))
    if unknown:
        raise QuestionError("sources", f"not in the index: {', '.join(unknown)}")
