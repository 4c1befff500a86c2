"""The HTTP API: `/api/*` returns the assistant's own JSON, `/v1/*` speaks OpenAI chat.

Every error, whatever raised it, leaves as `{"error": {"type", "field", "message"}}` with a
4xx status when the request was at fault, so integrating code needs one error path. The
`message` key is where OpenAI clients look, so their exceptions carry the reason too.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, File, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import Settings
from assistant.ingest.loaders import SUPPORTED_SUFFIXES
from assistant.schema import AskResult, ChatMessage, Citation, QuestionError
from assistant.service import Assistant
from assistant.text.token_count import count_tokens

logger = logging.getLogger(__name__)

MODEL_ID = "policy-assistant"
UPLOAD_PATH = "/api/documents"
API_PREFIXES = ("/api/", "/v1/")

# --- errors ------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    type: str = Field(description="invalid_request, unauthorized, not_found, ... or internal")
    field: str | None = Field(None, description="The request field at fault, dotted")
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ApiError(HTTPException):
    """An HTTPException that knows which request field caused it."""

    def __init__(
        self,
        status_code: int,
        message: str,
        field: str | None = None,
        kind: str = "invalid_request",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, message, headers)
        self.field = field
        self.kind = kind


def error_response(
    status_code: int,
    message: str,
    field: str | None = None,
    kind: str = "invalid_request",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=ErrorDetail(type=kind, field=field, message=message))
    return JSONResponse(body.model_dump(), status_code=status_code, headers=headers)


ERROR_MEANINGS: dict[int | str, str] = {
    400: "Malformed JSON or multipart body",
    401: "Missing or wrong bearer token",
    404: "No such document",
    413: "Body or file too large, or too many files",
    415: "Unsupported file type",
    422: "A field is missing, of the wrong type or out of range",
    "default": "Any other error, in the same shape",
}
BODY_ERRORS = (400, 413, 422)


def errors(*statuses: int | str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for a route's error statuses; "default" keeps FastAPI's own 422 out."""
    return {
        status: {"model": ErrorResponse, "description": ERROR_MEANINGS[status]}
        for status in (*statuses, "default")
    }


# --- request and response models ---------------------------------------------------------


class AskOptions(BaseModel):
    """Strict: JSON of the wrong type ("5" for 5, "yes" for true) is refused, not guessed."""

    model_config = ConfigDict(strict=True)

    k: int | None = Field(None, ge=1, le=50, description="Passages to use (default: top_k)")
    mode: Literal["extractive", "llm"] | None = Field(None, description="Answerer to use")
    sources: list[str] | None = Field(
        None, max_length=1000, description="Only search these documents (see /api/documents)"
    )

    def ask_options(self) -> dict[str, Any]:
        """The keyword arguments of `Assistant.ask` and `Assistant.stream` this request sets."""
        return self.model_dump(include=set(AskOptions.model_fields))


class AskRequest(AskOptions):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question; follow-ups may rely on `history`")
    history: list[ChatMessage] = Field(
        default_factory=list, max_length=200, description="The conversation so far"
    )


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    index: str = Field(description="Where the store lives: a folder or a Chroma server")
    documents: int
    chunks: int
    embedding_model: str
    model_loaded: bool = Field(description="Whether the embedding model is in memory")
    answer_mode: str


class DocumentInfo(BaseModel):
    source: str = Field(description="File name relative to the corpus folder")
    title: str = ""
    publisher: str = ""
    published: str = ""
    author: str = ""
    url: str = ""
    language: str = ""
    chunks: int = 0
    tokens: int = 0
    status: str = ""
    content_hash: str = ""


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


class DocumentText(BaseModel):
    source: str
    text: str = Field(description="The indexed text; citation offsets index into it")


class SkippedItem(BaseModel):
    source: str
    reason: str


class UploadReport(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    skipped: list[SkippedItem] = Field(description="Files not indexed, with the reason")
    chunks_total: int
    chunks_embedded: int
    seconds: float


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


TEXT_PART = TextPart.model_json_schema()


def join_text_parts(content: object) -> object:
    """Clients may send content as a list of text parts; the assistant only reads the text."""
    if not isinstance(content, list):
        return content
    texts = [part.get("text") for part in content if isinstance(part, dict)]
    if len(texts) < len(content) or not all(isinstance(text, str) for text in texts):
        raise ValueError('each content part must be {"type": "text", "text": "..."}')
    return "".join(texts)


class OpenAIMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant"]
    content: Annotated[
        str,
        BeforeValidator(join_text_parts),
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": TEXT_PART}]}),
    ]


class ChatCompletionRequest(AskOptions):
    """OpenAI's request; sampling parameters are accepted and ignored (answers are cited)."""

    model: str = Field(MODEL_ID, description="Any name is accepted; the reply names ours")
    messages: list[OpenAIMessage] = Field(min_length=1, max_length=200)
    stream: bool = False


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="The answer with inline [n] markers")


class CompletionChoice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[CompletionChoice]
    usage: Usage
    citations: list[Citation] = Field(description="`[n]` in the content is citations[n-1]")


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: ChunkDelta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChunkChoice]
    citations: list[Citation] | None = Field(None, description="Only on the final chunk")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "policy-assistant"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# --- dependencies --------------------------------------------------------------------------


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


def configured_token(settings: Settings) -> str | None:
    """The bearer token, or None when the API is open (an empty value counts as unset)."""
    token = settings.api_token.get_secret_value() if settings.api_token else ""
    return token or None


bearer = HTTPBearer(auto_error=False, description="The token from ASSISTANT_API_TOKEN")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    token = configured_token(get_assistant(request).settings)
    if token is None:
        return
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise ApiError(
            401,
            "a valid 'Authorization: Bearer <token>' header is required",
            field="Authorization",
            kind="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )


AssistantDep = Annotated[Assistant, Depends(get_assistant)]

# --- helpers ---------------------------------------------------------------------------------


def check_sources(assistant: Assistant, sources: list[str] | None) -> None:
    """An unknown source is a mistake to report, not a filter that silently matches nothing."""
    unknown = sorted(set(sources or ()) - set(assistant.store.document_records()))
    if unknown:
        raise QuestionError("sources", f"not in the index: {', '.join(unknown)}")


@contextlib.contextmanager
def question_field(name: str) -> Iterator[None]:
    """Report a bad question under the request field that carried it."""
    try:
        yield
    except QuestionError as error:
        if error.field != "question":
            raise
        raise QuestionError(name, error.message) from None


def split_conversation(messages: Sequence[OpenAIMessage]) -> tuple[str, list[ChatMessage]]:
    """The last user message is the question; earlier user/assistant turns are the history."""
    if messages[-1].role != "user":
        raise QuestionError("messages", "the last message must have role 'user'")
    history = [
        ChatMessage(role=message.role, content=message.content)
        for message in messages[:-1]
        if message.role in ("user", "assistant")
    ]
    return messages[-1].content, history


def sse(payload: BaseModel) -> str:
    return f"data: {payload.model_dump_json(exclude_none=True)}\n\n"


def completion_chunks(pieces: Iterator[str | AskResult]) -> Iterator[str]:
    """OpenAI stream events: role, answer pieces, a final chunk with citations, [DONE]."""
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time())}

    def chunk(
        delta: ChunkDelta,
        finish_reason: Literal["stop"] | None = None,
        citations: list[Citation] | None = None,
    ) -> str:
        choice = ChunkChoice(delta=delta, finish_reason=finish_reason)
        return sse(ChatCompletionChunk(**head, choices=[choice], citations=citations))

    yield chunk(ChunkDelta(role="assistant", content=""))
    try:
        for piece in pieces:
            if isinstance(piece, AskResult):
                yield chunk(ChunkDelta(), finish_reason="stop", citations=piece.citations)
            else:
                yield chunk(ChunkDelta(content=piece))
    except Exception:  # the status line is already sent: report in-band, like OpenAI does
        logger.exception("streaming an answer failed")
        yield sse(ErrorResponse(error=ErrorDetail(type="internal", message="answering failed")))
    yield "data: [DONE]\n\n"


def upload_name(upload: UploadFile, max_bytes: int) -> str:
    """The bare file name of an upload, or an error naming it when its type or size is wrong."""
    raw = upload.filename or ""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    if not name or name.startswith("."):
        raise ApiError(422, f"'{raw}': not a usable file name", field="files")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ApiError(
            415,
            f"{name}: unsupported file type '{suffix or 'none'}'; "
            f"supported: {' '.join(SUPPORTED_SUFFIXES)}",
            field="files",
        )
    if (upload.size or 0) > max_bytes:
        raise ApiError(
            413,
            f"{name}: {upload.size / 1048576:.1f} MB is over the "
            f"{max_bytes / 1048576:.1f} MB upload limit",
            field="files",
        )
    return name


# --- routes ----------------------------------------------------------------------------------

public = APIRouter(responses=errors())
protected = APIRouter(dependencies=[Depends(require_token)], responses=errors(401))


@public.get("/api/health", tags=["assistant"])
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
    settings = assistant.settings
    if len(files) > settings.max_upload_files:
        raise ApiError(413, f"at most {settings.max_upload_files} files per upload", "files")
    names = [upload_name(upload, settings.max_upload_bytes) for upload in files]
    if len(set(names)) < len(names):
        raise ApiError(422, "two uploaded files have the same name", field="files")
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        paths = [Path(folder) / name for name in names]
        for upload, path in zip(files, paths, strict=True):
            with path.open("wb") as target:
                shutil.copyfileobj(upload.file, target)
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


@protected.get("/v1/models", tags=["openai"])
def models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID, created=0)])


@protected.post(
    "/v1/chat/completions",
    tags=["openai"],
    response_model=ChatCompletion,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "With stream: SSE"},
        **errors(*BODY_ERRORS),
    },
)
def chat_completions(
    body: ChatCompletionRequest, assistant: AssistantDep
) -> ChatCompletion | StreamingResponse:
    """OpenAI chat: the last user message is the question, earlier turns are the history."""
    question, history = split_conversation(body.messages)
    check_sources(assistant, body.sources)
    where = f"messages.{len(body.messages) - 1}.content"
    if body.stream:
        with question_field(where):
            pieces = assistant.stream(question, history, **body.ask_options())
            first = next(pieces)  # a bad request fails here, before the 200 status is sent
        return StreamingResponse(
            completion_chunks(itertools.chain([first], pieces)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    with question_field(where):
        result = assistant.ask(question, history, **body.ask_options())
    prompt = sum(count_tokens(message.content) for message in body.messages)
    completion = count_tokens(result.answer)
    return ChatCompletion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        choices=[CompletionChoice(message=CompletionMessage(content=result.answer))],
        usage=Usage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        ),
        citations=result.citations,
    )


def no_such_endpoint(request: Request) -> None:
    """Keep unknown /api and /v1 paths out of the UI mounted at "/": 404 or 405 as JSON."""
    allowed = sorted(
        {
            method
            for route in (*protected.routes, *public.routes)
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


for prefix in API_PREFIXES:
    public.add_api_route(
        prefix + "{rest:path}",
        no_such_endpoint,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )

# --- the app ---------------------------------------------------------------------------------


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over the {limit // 1024} KB limit", "body")


class BodyLimit:
    """Refuse oversized /api and /v1 bodies while they stream in, before they fill memory."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.upload_limit = settings.max_upload_bytes * settings.max_upload_files
        self.json_limit = settings.max_body_kb * 1024

    def limit_for(self, path: str) -> int | None:
        if path == UPLOAD_PATH:
            return self.upload_limit
        return self.json_limit if path.startswith(API_PREFIXES) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            error = BodyTooLarge(limit)
            await error_response(413, error.detail, error.field)(scope, receive, send)
            return
        received = 0

        async def limited() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


def validation_error(_request: Request, error: Exception) -> JSONResponse:
    """Name the first offending field; malformed JSON is a 400, anything else a 422."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    where = [str(part) for part in first["loc"] if part not in ("body", "query", "path")]
    if first["type"] == "json_invalid":
        reason = (first.get("ctx") or {}).get("error") or "cannot be parsed"
        return error_response(400, f"malformed JSON: {reason}", "body")
    field = ".".join(where) or "body"
    return error_response(422, first["msg"], field)


def http_error(_request: Request, error: Exception) -> JSONResponse:
    """Our ApiErrors know their field; FastAPI's own 400s are about a body it could not parse."""
    assert isinstance(error, HTTPException)
    status = error.status_code
    kind = getattr(error, "kind", "not_found" if status == 404 else "invalid_request")
    field = getattr(error, "field", "body" if status == 400 else None)
    return error_response(status, str(error.detail), field, kind, error.headers)


def question_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, QuestionError)
    return error_response(422, error.message, error.field)


def internal_error(_request: Request, _error: Exception) -> JSONResponse:
    """No traceback to the client; Starlette re-raises the error so the server log has it."""
    return error_response(500, "internal error; the server log has details", kind="internal")


def build_api(assistant: Assistant, **fastapi_options: Any) -> FastAPI:
    """The API app around one shared Assistant (routes run in the threadpool: they block)."""
    app = FastAPI(
        title="Policy assistant API",
        version=version("policy-assistant"),
        description="Cited answers over policy documents; OpenAI-compatible under /v1.",
        exception_handlers={
            RequestValidationError: validation_error,
            HTTPException: http_error,
            QuestionError: question_error,
            Exception: internal_error,
        },
        **fastapi_options,
    )
    app.state.assistant = assistant
    app.include_router(protected)
    app.include_router(public)
    app.add_middleware(BodyLimit, settings=assistant.settings)
    return app
