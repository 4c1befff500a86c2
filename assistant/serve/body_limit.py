"""An ASGI middleware that refuses oversized request bodies while they stream in."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings
from assistant.serve.errors import ApiError


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over the {limit // 1024} KB limit", "body")


class TooManyFiles(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"at most {limit} files per upload", "files")


class PartCounter:
    """Counts the parts of a multipart body as it streams by (each starts with the boundary
    line), keeping the tail of a chunk in case a boundary spans two."""

    def __init__(self, boundary: bytes) -> None:
        self.delimiter = b"--" + boundary
        self.tail = b""
        self.seen = 0

    def feed(self, chunk: bytes) -> int:
        data = self.tail + chunk
        self.seen += data.count(self.delimiter)
        keep = len(self.delimiter) - 1
        self.tail = data[-keep:]  # too short to hold a whole (counted) delimiter
        return max(self.seen - 1, 0)  # the last delimiter closes the body


def _boundary(headers: Headers) -> bytes | None:
    kind, _, options = headers.get("content-type", "").partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return None
    for option in options.split(";"):
        name, _, value = option.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1")
    return None


class BodyLimit:
    """Refuse oversized bodies on every route while they stream in, before they fill memory.

    Bodies sent to one of `upload_paths` (the API's and the UI's uploads) may hold at most
    `max_upload_files` files of the largest size allowed, their parts counted as they come;
    any other body (JSON for the API, the UI's events, the login form) gets the JSON limit.
    A declared Content-Length over the limit is refused before anything is read.
    """

    def __init__(self, app: ASGIApp, settings: Settings, upload_paths: frozenset[str]) -> None:
        self.app = app
        self.max_files = settings.max_upload_files
        self.upload_limit = settings.max_upload_bytes * settings.max_upload_files
        self.json_limit = settings.max_body_kb * 1024
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        upload = scope["path"] in self.upload_paths
        limit = self.upload_limit if upload else self.json_limit
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await BodyTooLarge(limit).response(scope["path"])(scope, receive, send)
            return
        boundary = _boundary(headers) if upload else None
        parts = PartCounter(boundary) if boundary else None
        received = 0
        started = False

        async def limited() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            body = message.get("body", b"")
            received += len(body)
            if received > limit:
                raise BodyTooLarge(limit)
            if parts is not None and parts.feed(body) > self.max_files:
                raise TooManyFiles(self.max_files)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except (BodyTooLarge, TooManyFiles) as refusal:
            # FastAPI routes answer it themselves; an app that lets it out (Gradio's upload
            # parser, the MCP transport) gets the answer here, if it has not begun its own.
            if started:
                raise
            await refusal.response(scope["path"])(scope, receive, send)
