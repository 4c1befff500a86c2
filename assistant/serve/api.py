"""The HTTP API: `/api/*` returns the assistant's own JSON, `/v1/*` speaks OpenAI chat.

This module holds the `/api` routes and `build_api`, which assembles the app: both routers,
the error handlers of `assistant.serve.errors`, the body limit, a JSON 404/405 for any
other `/api` or `/v1` path, and `/docs` and `/redoc` with their assets served locally.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import fastapi_standalone_docs
from fastapi import APIRouter, Depends, FastAPI, File, Request, UploadFile
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from assistant.serve import conversations_api, openai_api
from assistant.serve.auth import configured_token, require_token
from assistant.serve.body_limit import BodyLimit
from assistant.serve.deps import AskAsyncDep, AssistantDep, WorkspaceDep, check_sources
from assistant.serve.errors import BODY_ERRORS, EXCEPTION_HANDLERS, ApiError, errors
from assistant.serve.mcp_server import MCP_PATH
from assistant.serve.models import (
    AskRequest,
    AskResponse,
    DocumentInfo,
    DocumentList,
    DocumentMetadataUpdate,
    DocumentRemoved,
    DocumentText,
    HealthResponse,
    SkippedItem,
    UploadReport,
)
from assistant.serve.owner import OwnerCookie, OwnerDep
from assistant.serve.request_guard import RequestGuard
from assistant.serve.ui_login import LoginThrottle, UiSessions
from assistant.serve.uploads import saved_uploads, upload_names
from assistant.service import Assistant
from assistant.workspace.conversations import ConversationStore

UPLOAD_PATH = "/api/documents"
UI_UPLOAD_PATH = "/gradio_api/upload"  # Gradio's, for the UI mounted at "/"
API_PREFIXES = ("/api/", "/v1/", MCP_PATH)  # the token applies to all (and to UI bodies)
HEALTH_PATH = "/api/health"
PUBLIC_PATHS = frozenset({HEALTH_PATH})

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
DOCS_ASSETS_URL = "/docs-assets"
# Swagger UI (swagger-ui-dist's bundle and CSS), ReDoc and FastAPI's favicon, as the
# fastapi-standalone-docs package ships them: swagger/, redoc/ and fastapi/.
DOCS_ASSETS_DIR = Path(fastapi_standalone_docs.__file__).parent / "static"

# --- routes ----------------------------------------------------------------------------------

public = APIRouter(responses=errors())
protected = APIRouter(dependencies=[Depends(require_token)], responses=errors(401))


@public.get(HEALTH_PATH, tags=["assistant"])
def health(assistant: AssistantDep, request: Request) -> HealthResponse:
    """Liveness and what is loaded; never needs the token (for load balancers)."""
    return HealthResponse(
        **assistant.health(),
        model_loaded=assistant.embeddings.loaded,
        answering_processes=request.app.state.answering_processes,
    )


@protected.post("/api/ask", tags=["assistant"], responses=errors(404, *BODY_ERRORS))
async def ask(
    body: AskRequest,
    assistant: AssistantDep,
    answer: AskAsyncDep,
    workspace: WorkspaceDep,
    owner: OwnerDep,
) -> AskResponse:
    """Answer one question with numbered citations, or abstain. With `conversation_id` the
    turn is stored there, and the conversation's history is used unless `history` is given."""
    # async: the answer is awaited (worker processes, or the thread pool), so a plain question
    # costs no thread hand-offs; what reads the store or the workspace runs in the pool.
    if body.sources:
        await run_in_threadpool(check_sources, assistant, body.sources)
    history = body.history
    if body.conversation_id and history is None:  # 404 before answering
        history = await run_in_threadpool(workspace.history, owner, body.conversation_id)
    result = await answer(body.question, history or [], **body.ask_options())
    if not body.conversation_id:
        return AskResponse(**result.model_dump())
    turn = await run_in_threadpool(
        workspace.add_turn, owner, body.conversation_id, body.question, result, body.ask_options()
    )
    return AskResponse(**result.model_dump(), conversation_id=body.conversation_id, turn=turn.n)


@protected.get("/api/documents", tags=["documents"])
def documents(assistant: AssistantDep) -> DocumentList:
    return DocumentList(documents=[DocumentInfo(**d) for d in assistant.documents()])


@protected.post(
    UPLOAD_PATH,
    tags=["documents"],
    responses=errors(*BODY_ERRORS, 415),
)
def upload_documents(
    files: Annotated[list[UploadFile], File(description="One or more documents")],
    assistant: AssistantDep,
) -> UploadReport:
    """Add or replace documents and index them; unreadable files come back under `skipped`."""
    names = upload_names(files, assistant.settings)
    with saved_uploads(files, names) as paths:
        report = assistant.add_documents(paths)
    return UploadReport(
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=[SkippedItem(source=s.source, reason=s.reason) for s in report.skipped],
        chunks_total=report.chunks_total,
        chunks_embedded=report.chunks_embedded,
        seconds=round(report.seconds, 3),
    )


@protected.get(
    "/api/documents/{source:path}/text",
    tags=["documents"],
    responses=errors(404),
)
def document_text(source: str, assistant: AssistantDep) -> DocumentText:
    """The text a document's citation offsets refer to."""
    text = assistant.document_text(source)
    if text is None:
        raise ApiError(404, f"no indexed document named '{source}'", "source", "not_found")
    return DocumentText(source=source, text=text)


@protected.delete("/api/documents/{source:path}", tags=["documents"], responses=errors(404, 422))
def remove_document(source: str, assistant: AssistantDep) -> DocumentRemoved:
    """Delete a document: its file in the corpus folder, its metadata and its passages.
    Names leading outside the corpus folder are refused."""
    return DocumentRemoved(source=source, chunks_removed=assistant.remove_document(source))


@protected.patch(
    "/api/documents/{source:path}", tags=["documents"], responses=errors(404, *BODY_ERRORS)
)
def edit_document(
    source: str, body: DocumentMetadataUpdate, assistant: AssistantDep
) -> DocumentInfo:
    """Change a document's title, publisher or date: written to `sources.toml`, re-indexed."""
    report = assistant.update_document_metadata(source, body.fields())
    if report.skipped:
        raise ApiError(422, f"{source}: {report.skipped[0].reason}", "source")
    record = next(d for d in assistant.documents() if d["source"] == source)
    return DocumentInfo(**record)


def no_such_endpoint(request: Request) -> None:
    """Keep unknown /api and /v1 paths out of the UI mounted at "/": 404 or 405 as JSON."""
    allowed = sorted(
        {
            method
            for route in (
                *protected.routes,
                *conversations_api.router.routes,
                *openai_api.router.routes,
                *public.routes,
            )
            if isinstance(route, APIRoute)
            and route.endpoint is not no_such_endpoint
            and route.path_regex.match(request.url.path)
            for method in route.methods
        }
    )
    if allowed:
        raise ApiError(
            405,
            f"use {' or '.join(allowed)}",
            kind="method_not_allowed",
            headers={"Allow": ", ".join(allowed)},
        )
    raise ApiError(404, f"no such endpoint: {request.url.path}", kind="not_found")


# Added last to the router included last, so every real route is tried first.
for prefix in API_PREFIXES:
    public.add_api_route(
        prefix + "{rest:path}",
        no_such_endpoint,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )

# --- the app ---------------------------------------------------------------------------------


def add_offline_docs(app: FastAPI) -> None:
    """`/docs` (Swagger UI) and `/redoc` as FastAPI makes them, but with every script, style
    and icon served by the app from DOCS_ASSETS_DIR instead of a CDN: the assistant runs
    offline. Like FastAPI's own pages they need no token and honour the request's root_path.
    """
    openapi_url = app.openapi_url or "/openapi.json"
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS_DIR), name="docs-assets")

    def root(request: Request) -> str:
        return request.scope.get("root_path", "").rstrip("/")

    async def swagger_ui(request: Request) -> HTMLResponse:
        assets = root(request) + DOCS_ASSETS_URL
        return get_swagger_ui_html(
            openapi_url=root(request) + openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=root(request) + OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{assets}/swagger/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger/swagger-ui.css",
            swagger_favicon_url=f"{assets}/fastapi/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
            init_oauth=app.swagger_ui_init_oauth,
        )

    async def oauth2_redirect(_request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        assets = root(request) + DOCS_ASSETS_URL
        return get_redoc_html(
            openapi_url=root(request) + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{assets}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{assets}/fastapi/favicon.png",
            with_google_fonts=False,
        )

    async def redoc_logo(_request: Request) -> FileResponse:
        """The package's ReDoc asks for its sidebar logo at `<page path>/logo-mini.svg`."""
        return FileResponse(DOCS_ASSETS_DIR / "redoc" / "logo-mini.svg")

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, oauth2_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    app.add_route(f"{REDOC_URL}/logo-mini.svg", redoc_logo, include_in_schema=False)


def build_api(
    assistant: Assistant,
    workspace: ConversationStore,
    ui_sessions: UiSessions | None = None,
    **fastapi_options: Any,
) -> FastAPI:
    """The API app around one shared Assistant and workspace store (routes run in the
    threadpool: they block). `ui_sessions` tells the guard who is logged in to a UI mounted
    on the app later, so bodies sent to the UI are checked too."""
    app = FastAPI(
        title="Policy assistant API",
        version=version("policy-assistant"),
        description="Cited answers over policy documents; OpenAI-compatible under /v1.",
        exception_handlers=EXCEPTION_HANDLERS,
        docs_url=None,  # add_offline_docs serves both pages without a CDN
        redoc_url=None,
        **fastapi_options,
    )
    app.state.assistant = assistant
    app.state.workspace = workspace
    app.state.ask = None  # the Assistant answers; `create_app` sets its workers' `ask`
    app.state.ask_async = None  # and their `ask_async`
    app.state.answering_processes = []
    add_offline_docs(app)
    app.include_router(protected)
    app.include_router(conversations_api.router)
    app.include_router(openai_api.router)
    app.include_router(public)
    settings = assistant.settings
    app.add_middleware(
        BodyLimit, settings=settings, upload_paths=frozenset({UPLOAD_PATH, UI_UPLOAD_PATH})
    )
    app.add_middleware(OwnerCookie, settings=settings)
    if configured_token(settings) is not None:
        app.add_middleware(LoginThrottle, settings=settings)
    app.add_middleware(  # added last: runs first, before any body is read
        RequestGuard,
        settings=settings,
        protected_prefixes=API_PREFIXES,
        public_paths=PUBLIC_PATHS,
        ui_sessions=ui_sessions,
    )
    return app
