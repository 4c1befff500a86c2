"""The one error shape of the HTTP API, and the handlers that turn every exception into it.

Every error, whatever raised it, leaves as `{"error": {"type", "field", "message"}}` with a
4xx status when the request was at fault, so integrating code needs one error path. The
`message` key is where OpenAI clients look, so their exceptions carry the reason too.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from assistant.schema import QuestionError


class ErrorDetail(BaseModel):
    type: str = Field(description="invalid_request, unauthorized, not_found, ... or internal")
    field: str | None = Field(None, description="The request field at fault, dotted")
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


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

    def response(self) -> JSONResponse:
        detail = ErrorDetail(type=self.kind, field=self.field, message=self.detail)
        return JSONResponse(
            ErrorResponse(error=detail).model_dump(),
            status_code=self.status_code,
            headers=self.headers,
        )


ERROR_MEANINGS: dict[int | str, str] = {
    400: "Malformed JSON or multipart body, or a Host header this server does not serve",
    403: "A request that writes, sent from a page of another origin",
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


# --- exception handlers ----------------------------------------------------------------------


def validation_error(_request: Request, error: Exception) -> JSONResponse:
    """Name the first offending field; malformed JSON is a 400, anything else a 422."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    where = [str(part) for part in first["loc"] if part not in ("body", "query", "path")]
    if first["type"] == "json_invalid":
        reason = (first.get("ctx") or {}).get("error") or "cannot be parsed"
        return ApiError(400, f"malformed JSON: {reason}", "body").response()
    field = ".".join(where) or "body"
    return ApiError(422, first["msg"], field).response()


def http_error(_request: Request, error: Exception) -> JSONResponse:
    """Our ApiErrors know their field; FastAPI's own 400s are about a body it could not parse."""
    assert isinstance(error, HTTPException)
    if isinstance(error, ApiError):
        return error.response()
    status = error.status_code
    kind = "not_found" if status == 404 else "invalid_request"
    field = "body" if status == 400 else None
    return ApiError(status, str(error.detail), field, kind, error.headers).response()


def question_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, QuestionError)
    return ApiError(422, error.message, error.field).response()


def internal_error(_request: Request, _error: Exception) -> JSONResponse:
    """No traceback to the client; Starlette re-raises the error so the server log has it."""
    return ApiError(500, "internal error; the server log has details", kind="internal").response()


EXCEPTION_HANDLERS = {
    RequestValidationError: validation_error,
    HTTPException: http_error,
    QuestionError: question_error,
    Exception: internal_error,
}
