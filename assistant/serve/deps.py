"""What the /api and /v1 routes share: the one Assistant, the workspace store, and the check
of named sources.

The dependencies are `async def` although none of them waits for anything: FastAPI runs a
plain `def` dependency in the thread pool, a hand-off to a thread and back for each one on
every request (five on POST /api/ask), while an `async def` one is a function call on the
event loop. They only read the app's state, so they cannot block it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from assistant.schema import AskResult, QuestionError
from assistant.service import Assistant
from assistant.workspace.conversations import ConversationStore


def assistant_of(request: Request) -> Assistant:
    return request.app.state.assistant


async def get_assistant(request: Request) -> Assistant:
    return assistant_of(request)


AssistantDep = Annotated[Assistant, Depends(get_assistant)]

Ask = Callable[..., AskResult]  # `Assistant.ask`, or `AskWorkers.ask` in worker processes
AskAsync = Callable[..., Awaitable[AskResult]]


async def get_ask(request: Request) -> Ask:
    """Who answers a one-shot question: the worker processes when the server has them,
    else the Assistant (looked up per request, as every route does)."""
    return request.app.state.ask or assistant_of(request).ask


AskDep = Annotated[Ask, Depends(get_ask)]


async def get_ask_async(request: Request) -> AskAsync:
    """`get_ask` to await on the event loop: the worker processes' own (no thread waits while
    a worker answers), else the Assistant's `ask` in the thread pool."""
    if request.app.state.ask_async is not None:
        return request.app.state.ask_async
    ask = assistant_of(request).ask

    async def in_threadpool(*args: object, **kwargs: object) -> AskResult:
        return await run_in_threadpool(ask, *args, **kwargs)

    return in_threadpool


AskAsyncDep = Annotated[AskAsync, Depends(get_ask_async)]


async def get_workspace(request: Request) -> ConversationStore:
    return request.app.state.workspace


WorkspaceDep = Annotated[ConversationStore, Depends(get_workspace)]


def check_sources(assistant: Assistant, sources: list[str] | None) -> None:
    """An unknown source is a mistake to report, not a filter that silently matches nothing.
    Without sources there is nothing to check (and no read of the store)."""
    if not sources:
        return
    unknown = sorted(set(sources) - set(assistant.store.document_records()))
    if unknown:
        raise QuestionError("sources", f"not in the index: {', '.join(unknown)}")
