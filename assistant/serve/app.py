"""One server for people and programs: the HTTP API plus the Gradio UI mounted at "/".

Both share one `Assistant`, so the embedding model is loaded once and the store is opened once.
With `workers` above 1, one-shot questions (POST /api/ask, /v1 without streaming, MCP) are
answered in that many worker processes (`workers.AskWorkers`), so they use every core; the UI,
sessions, uploads and the workspace stay in this one process (Gradio keeps each browser's
queue and state in the memory of the process that serves it, so the UI cannot be spread over
processes).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import gradio
import uvicorn
from fastapi import FastAPI
from starlette.routing import Mount, Route

from assistant.config import Settings
from assistant.serve.api import build_api
from assistant.serve.mcp_server import MCP_PATH, build_mcp
from assistant.serve.mcp_transport import NestingGuard
from assistant.serve.slow_clients import read_deadline_protocol
from assistant.serve.ui.app import build_ui
from assistant.serve.ui_login import UiSessions, password_check
from assistant.serve.workers import AskWorkers
from assistant.service import Assistant
from assistant.workspace.conversations import ConversationStore


def create_app(
    config: Settings | Assistant | None = None, workers: AskWorkers | None = None
) -> FastAPI:
    """The API routes and the UI around one shared Assistant (built from settings if needed);
    one-shot questions go to `workers` when given (the app stops them when it stops)."""
    assistant = config if isinstance(config, Assistant) else Assistant(config)
    settings = assistant.settings
    workspace = ConversationStore.open(settings)

    mcp = build_mcp(assistant, workers.ask if workers else None)
    mcp_app = mcp.streamable_http_app()  # creates the session manager the lifespan runs

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        """Load the embedding model (and wait for the workers to load theirs) before the first
        request rather than during it, and run the MCP sessions while the server runs."""
        assistant.embeddings.embed_query("warm up")
        if workers:
            await asyncio.to_thread(workers.wait_ready)
        try:
            async with mcp.session_manager.run():
                yield
        finally:
            if workers:
                await asyncio.to_thread(workers.close)

    ui_sessions = UiSessions()
    app = build_api(assistant, workspace, ui_sessions, lifespan=lifespan)
    if workers:
        app.state.ask = workers.ask
        app.state.ask_async = workers.ask_async
        app.state.answering_processes = workers.pids
    # First, before the API's catch-all that keeps unknown API paths from the UI.
    endpoint = next(route.app for route in mcp_app.routes if route.path == MCP_PATH)
    app.router.routes[:0] = [Route(MCP_PATH, NestingGuard(endpoint))]
    gradio.mount_gradio_app(
        app,
        build_ui(assistant, workspace),
        path="/",
        auth=password_check(settings),
        auth_message="Enter the API token as the password (any user name).",
        max_file_size=settings.max_upload_bytes,
        footer_links=[],  # no "Use via API / Settings / Runs": the API is documented at /docs
        server_name=settings.host,
        server_port=settings.port,
    )
    ui_sessions.attach(next(r.app for r in app.routes if isinstance(r, Mount) and r.path == ""))
    return app


def server_config(settings: Settings, app: Any = None, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the app (built from settings unless given): on
    settings.host:settings.port, with slow clients cut off (`slow_clients`)."""
    return uvicorn.Config(
        app if app is not None else create_app(settings),
        **{
            "host": settings.host,
            "port": settings.port,
            "log_level": "info",
            "http": read_deadline_protocol(settings),
            **options,
        },
    )


def serve(settings: Settings) -> None:
    """Run the app with uvicorn on settings.host:settings.port until interrupted, with
    `settings.workers` answering processes when that is more than 1."""
    print(f"Serving the UI on http://{settings.host}:{settings.port}/ and the API under /api, /v1")
    workers = AskWorkers(settings, settings.workers) if settings.workers > 1 else None
    try:
        uvicorn.Server(server_config(settings, create_app(settings, workers))).run()
    finally:
        if workers:
            workers.close()
