"""The error shapes of the HTTP API, and the handlers that turn every exception into them.

Every error, whatever raised it, leaves as `{"error": {"type", "field", "message"}}` with a
4xx status when the request was at fault, so integrating code needs one error path. Under
`/v1/` (the OpenAI-compatible routes) it leaves in OpenAI's shape instead,
`{"error": {"message", "type", "param", "code"}}`, with a bad field as a 400: the `openai`
SDK then raises `BadRequestError` with `param` set, as it does against OpenAI.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from assistant.schema import DocumentError, QuestionError
from assistant.workspace.conversations import WorkspaceError, WorkspaceFull


class ErrorDetail(BaseModel):
    type: str = Field(description="invalid_request, unauthorized, not_found, ... or internal")
    field: str | None = Field(None, description="The request field at fault, dotted")
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str = Field(description="invalid_request_error, authentication_error, ...")
    param: str | None = Field(None, description="The request field at fault, dotted")
    code: str | None = None


class OpenAIErrorResponse(BaseModel):
    error: OpenAIErrorDetail


OPENAI_PREFIX = "/v1/"
# Our kinds as OpenAI's error types (the SDK picks its exception by status, code by type).
_OPENAI_TYPES = {
    "unauthorized": "authentication_error",
    "forbidden": "permission_error",
    "not_found": "not_found_error",
    "internal": "server_error",
}


class ApiError(HTTPException):
    """An HTTPException that knows which request field caused it, and its JSON response."""

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

    def response(self, path: str = "") -> JSONResponse:
        """The error as JSON; in OpenAI's shape for a request under `/v1/`."""
        body: BaseModel
        status = self.status_code
        if path.startswith(OPENAI_PREFIX):
            status = 400 if status == 422 else status  # OpenAI reports bad fields as 400
            kind = _OPENAI_TYPES.get(self.kind, "invalid_request_error")
            body = OpenAIErrorResponse(
                error=OpenAIErrorDetail(message=self.detail, type=kind, param=self.field)
            )
        else:
            body = ErrorResponse(
                error=ErrorDetail(type=self.kind, field=self.field, message=self.detail)
            )
        return JSONResponse(body.model_dump(), status_code=status, headers=self.headers)


ERROR_MEANINGS: dict[int | str, str] = {
    400: "Malformed JSON or multipart body, or a Host header this server does not serve",
    403: "A request that writes, sent from a page of another origin",
    401: "Missing or wrong bearer token",
    404: "No such document, conversation or turn",
    409: "The caller keeps the most conversations allowed",
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


def openai_errors(*statuses: int | str) -> dict[int | str, dict[str, Any]]:
    """The same for the `/v1/` routes, whose errors have OpenAI's shape."""
    return {
        status: {"model": OpenAIErrorResponse, "description": ERROR_MEANINGS[status]}
        for status in (*statuses, "default")
    }


# --- exception handlers ----------------------------------------------------------------------


def validation_error(request: Request, error: Exception) -> JSONResponse:
    """Name the first offending field; malformed JSON is a 400, anything else a 422."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    where = [str(part) for part in first["loc"] if part not in ("body", "query", "path")]
    if first["type"] == "json_invalid":
        reason = (first.get("ctx") or {}).get("error") or "cannot be parsed"
        return ApiError(400, f"malformed JSON: {reason}", "body").response(request.url.path)
    field = ".".join(where) or "body"
    return ApiError(422, first["msg"], field).response(request.url.path)


def http_error(request: Request, error: Exception) -> JSONResponse:
    """Our ApiErrors know their field; FastAPI's own 400s are about a body it could not parse."""
    assert isinstance(error, HTTPException)
    if isinstance(error, ApiError):
        return error.response(request.url.path)
    status = error.status_code
    kind = "not_found" if status == 404 else "invalid_request"
    field = "body" if status == 400 else None
    return ApiError(status, str(error.detail), field, kind, error.headers).response(
        request.url.path
    )


def question_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, QuestionError)
    return ApiError(422, error.message, error.field).response(request.url.path)


def workspace_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, WorkspaceError)
    return ApiError(404, error.message, error.field, "not_found").response(request.url.path)


def workspace_full(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, WorkspaceFull)
    return ApiError(409, error.message, kind="conflict").response(request.url.path)


def document_error(request: Request, error: Exception) -> JSONResponse:
    """404 for a document that is not indexed; 422 for a name the server refuses."""
    assert isinstance(error, DocumentError)
    status, kind = (404, "not_found") if error.missing else (422, "invalid_request")
    message = f"{error.source}: {error.message}"
    return ApiError(status, message, "source", kind).response(request.url.path)


def internal_error(request: Request, _error: Exception) -> JSONResponse:
    """No traceback to the client; Starlette re-raises the error so the server log has it."""
    error = ApiError(500, "internal error; the server log has details", kind="internal")
    return error.response(request.url.path)


EXCEPTION_HANDLERS = {
    RequestValidationError: validation_error,
    HTTPException: http_error,
    QuestionError: question_error,
    WorkspaceError: workspace_error,
    WorkspaceFull: workspace_full,
    DocumentError: document_error,
    Exception: internal_error,
}
