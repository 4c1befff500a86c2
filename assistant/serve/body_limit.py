"""An ASGI middleware that refuses oversized request bodies while they stream in."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import Settings
from assistant.serve.errors import ApiError


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over the {limit // 1024} KB limit", "body")


class BodyLimit:
    """Refuse oversized API bodies while they stream in, before they fill memory.

    Bodies sent to `upload_path` may hold the most files of the largest size allowed; other
    paths under `prefixes` get the JSON limit; anything else (the UI) is left alone.
    """

    def __init__(
        self, app: ASGIApp, settings: Settings, upload_path: str, prefixes: tuple[str, ...]
    ) -> None:
        self.app = app
        self.upload_limit = settings.max_upload_bytes * settings.max_upload_files
        self.json_limit = settings.max_body_kb * 1024
        self.upload_path = upload_path
        self.prefixes = prefixes

    def limit_for(self, path: str) -> int | None:
        if path == self.upload_path:
            return self.upload_limit
        return self.json_limit if path.startswith(self.prefixes) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await BodyTooLarge(limit).response(scope["path"])(scope, receive, send)
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
