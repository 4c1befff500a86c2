"""The first check on every request, before any body is read: the Host header, where a
request that writes comes from, and the bearer token.

- A Host outside `Settings.served_hosts` gets 400: a page on another name that resolves to
  127.0.0.1 (DNS rebinding) cannot reach the server.
- A request that can write (POST, PUT, PATCH, DELETE) from a page of another origin gets
  403, for the API and the UI alike: a browser says where a request comes from in `Origin`
  and `Sec-Fetch-Site`, and even `mode: "no-cors"` requests carry them. Programs (curl, the
  SDKs) send neither and are not affected.
- With a token set, a protected API path without it gets 401 before its body is parsed or
  measured, so nothing about the request is examined for an unauthenticated caller. Any
  other path (the UI's, Gradio's queue and uploads) takes a body only from a caller logged
  in to the UI (`UiSessions`) or holding the token, but for the login form itself: a 300 MB
  POST to the UI's queue is refused from its headers, unread.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import Settings
from assistant.serve.auth import configured_token, token_accepted, unauthorized
from assistant.serve.errors import ApiError
from assistant.serve.ui_login import LOGIN_PATHS, UiSessions

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_OTHER_SITES = frozenset({"cross-site", "same-site"})


def _host_name(host: str) -> str:
    """'example.org:7860' -> 'example.org'; '[::1]:7860' -> '::1'."""
    return (urlsplit(f"//{host}").hostname or "").lower()


def carries_body(method: str, headers: Headers) -> bool:
    """Whether the request may come with a body, judged from its head alone."""
    declared = headers.get("content-length", "0").strip()
    return (
        method in WRITING_METHODS
        or "transfer-encoding" in headers
        or not (declared.isdigit() and int(declared) == 0)
    )


class RequestGuard:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        protected_prefixes: tuple[str, ...],
        public_paths: frozenset[str],
        ui_sessions: UiSessions | None = None,
    ) -> None:
        self.app = app
        self.hosts = settings.served_hosts
        self.token = configured_token(settings)
        self.protected_prefixes = protected_prefixes
        self.public_paths = public_paths
        self.ui_sessions = ui_sessions or UiSessions()

    def refusal(self, scope: Scope) -> ApiError | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if "*" not in self.hosts and _host_name(host) not in self.hosts:
            return ApiError(
                400,
                f"Host '{host}' is not served here; add it to ASSISTANT_ALLOWED_HOSTS",
                field="Host",
            )
        if scope.get("method") in WRITING_METHODS:
            origin = headers.get("origin")
            if headers.get("sec-fetch-site") in _OTHER_SITES or (
                origin is not None and urlsplit(origin).netloc.lower() != host.lower()
            ):
                source = origin or "a page of another site"
                return ApiError(
                    403,
                    f"requests that write are refused from another origin ({source})",
                    field="Origin",
                    kind="forbidden",
                )
        path = scope["path"]
        if self.token is None or path in self.public_paths:
            return None
        scheme, _, given = headers.get("authorization", "").partition(" ")
        bearer = scheme.lower() == "bearer" and token_accepted(self.token, given.strip())
        if path.startswith(self.protected_prefixes):
            return None if bearer else unauthorized()
        if (
            carries_body(scope.get("method", "GET"), headers)
            and path not in LOGIN_PATHS
            and not bearer
            and not self.ui_sessions.logged_in(cookie_parser(headers.get("cookie", "")))
        ):
            return unauthorized()
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self.refusal(scope) if scope["type"] in ("http", "websocket") else None
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await refusal.response(scope["path"])(scope, receive, send)
        # a refused websocket is closed by returning without accepting it
