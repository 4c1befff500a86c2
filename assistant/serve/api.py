"""The HTTP API: `/api/*` returns the assistant's own JSON, `/v1/*` speaks OpenAI chat.

This module holds the `/api` routes and `build_api`, which assembles the app: both routers,
the error handlers of `assistant.serve.errors`, the body limit, and a JSON 404/405 for any
other `/api` or `/v1` path.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Request, UploadFile
from fastapi.routing import APIRoute

from assistant.schema import AskResult
from assistant.serve import openai_api
from assistant.serve.auth import require_token
from assistant.serve.body_limit import BodyLimit
from assistant.serve.deps import AssistantDep, check_sources
from assistant.serve.errors import BODY_ERRORS, EXCEPTION_HANDLERS, ApiError, errors
from assistant.serve.models import (
    AskRequest,
    DocumentInfo,
    DocumentList,
    DocumentText,
    HealthResponse,
    SkippedItem,
    UploadReport,
)
from assistant.serve.request_guard import RequestGuard
from assistant.serve.uploads import saved_uploads, upload_names
from assistant.service import Assistant

UPLOAD_PATH = "/api/documents"
API_PREFIXES = ("/api/", "/v1/")
HEALTH_PATH = "/api/health"
PUBLIC_PATHS = frozenset({HEALTH_PATH})

# --- routes ----------------------------------------------------------------------------------

public = APIRouter(responses=errors())
protected = APIRouter(dependencies=[Depends(require_token)], responses=errors(401))


@public.get(HEALTH_PATH, tags=["assistant"])
def health(assistant: AssistantDep) -> HealthResponse:
    """Liveness and what is loaded; never needs the token (for load balancers)."""
    return HealthResponse(**assistant.health(), model_loaded=assistant.embeddings.loaded)


@protected.post("/api/ask", tags=["assistant"], responses=errors(*BODY_ERRORS))
def ask(body: AskRequest, assistant: AssistantDep) -> AskResult:
    """Answer one question with numbered citations, or abstain."""
    check_sources(assistant, body.sources)
    return assistant.ask(body.question, body.history, **body.ask_options())


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


def no_such_endpoint(request: Request) -> None:
    """Keep unknown /api and /v1 paths out of the UI mounted at "/": 404 or 405 as JSON."""
    allowed = sorted(
        {
            method
            for route in (*protected.routes, *openai_api.router.routes, *public.routes)
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


def build_api(assistant: Assistant, **fastapi_options: Any) -> FastAPI:
    """The API app around one shared Assistant (routes run in the threadpool: they block)."""
    app = FastAPI(
        title="Policy assistant API",
        version=version("policy-assistant"),
        description="Cited answers over policy documents; OpenAI-compatible under /v1.",
        exception_handlers=EXCEPTION_HANDLERS,
        **fastapi_options,
    )
    app.state.assistant = assistant
    app.include_router(protected)
    app.include_router(openai_api.router)
    app.include_router(public)
    app.add_middleware(
        BodyLimit, settings=assistant.settings, upload_path=UPLOAD_PATH, prefixes=API_PREFIXES
    )
    app.add_middleware(  # added last: runs first, before any body is read
        RequestGuard,
        settings=assistant.settings,
        protected_prefixes=API_PREFIXES,
        public_paths=PUBLIC_PATHS,
    )
    return app
