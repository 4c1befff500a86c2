"""Who owns a conversation: with a token set, the token; without one, the browser.

`OwnerCookie` gives every client without one a random, HttpOnly cookie, added to the request
itself too, so the UI's first request and the API see the same owner. Programs keep it as
any cookie jar does (httpx.Client, `curl -c/-b`). With a token, everyone holding the token
is one owner: the token is the identity, so no cookie is needed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings
from assistant.serve.auth import configured_token
from assistant.serve.deps import assistant_of

OWNER_COOKIE = "assistant_owner"
_COOKIE_VALUE = re.compile(r"^[0-9a-f]{32}$")
_ONE_YEAR = 365 * 24 * 3600


def browser_id(cookies: Mapping[str, str]) -> str | None:
    value = cookies.get(OWNER_COOKIE, "")
    return value if _COOKIE_VALUE.match(value) else None


def owner_of(settings: Settings, cookies: Mapping[str, str]) -> str:
    """The owner of a request that passed the token check (so a set token is the caller's)."""
    token = configured_token(settings)
    if token is not None:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "browser:" + (browser_id(cookies) or "none")


async def get_owner(request: Request) -> str:
    return owner_of(assistant_of(request).settings, request.cookies)


OwnerDep = Annotated[str, Depends(get_owner)]


class OwnerCookie:
    """Pure ASGI middleware (Gradio streams: no response buffering)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.needed = configured_token(settings) is None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.needed or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = MutableHeaders(scope=scope)
        if browser_id(cookie_parser(headers.get("cookie", ""))):
            await self.app(scope, receive, send)
            return
        value = secrets.token_hex(16)
        cookie = f"{OWNER_COOKIE}={value}"
        existing = headers.get("cookie")
        headers["cookie"] = f"{existing}; {cookie}" if existing else cookie

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    f"{cookie}; Path=/; Max-Age={_ONE_YEAR}; HttpOnly; SameSite=Lax",
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)
