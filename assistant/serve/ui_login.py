"""The web UI's login, with a token set: the token as the password, who is logged in, and a
throttle on wrong passwords.

A browser cannot send a bearer header, so the UI asks for the token in Gradio's login form
and Gradio keeps a session cookie. `UiSessions` tells, from the headers alone, whether a
request carries such a live session (or the bearer token), so `RequestGuard` can refuse a
body sent to the UI without one before anything reads it. `LoginThrottle` makes a client
that sent `max_login_failures` wrong passwords wait `login_lockout_s` seconds (429), so the
form is no faster way to guess the token than the API.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings
from assistant.serve.auth import configured_token, token_accepted
from assistant.serve.errors import ApiError

LOGIN_PATHS = frozenset({"/login", "/login/"})  # Gradio's login form posts here


def password_check(settings: Settings) -> Callable[[str, str], bool] | None:
    """Gradio's `auth`: any user name, the token as the password (None: no login)."""
    token = configured_token(settings)
    if token is None:
        return None

    def check(_username: str, password: str) -> bool:
        return token_accepted(token, password)

    return check


class UiSessions:
    """Who is logged in to the UI: Gradio's own session cookies, checked against the
    sessions of the mounted Gradio app (known once it is mounted; until then, nobody)."""

    def __init__(self) -> None:
        self._app: Any = None

    def attach(self, gradio_app: Any) -> None:
        self._app = gradio_app

    def logged_in(self, cookies: Mapping[str, str]) -> bool:
        app = self._app
        if app is None:
            return False
        sessions = getattr(app, "tokens", {})
        cookie_id = getattr(app, "cookie_id", "")
        names = (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}")
        return any(cookies.get(name) in sessions for name in names if cookies.get(name))


class LoginThrottle:
    """Pure ASGI middleware on the login form: counts its refusals (400) per client and
    answers 429 while a client has `max_login_failures` within `login_lockout_s`."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit = settings.max_login_failures
        self.window = settings.login_lockout_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def wait_for(self, client: str, now: float) -> float:
        """Seconds the client must still wait (0: it may try)."""
        with self._lock:
            failures = self._failures.get(client)
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if not failures or len(failures) < self.limit:
                return 0.0
            return failures[0] + self.window - now

    def record(self, client: str, failed: bool, now: float) -> None:
        with self._lock:
            if not failed:
                self._failures.pop(client, None)
                return
            self._failures.setdefault(client, deque()).append(now)
            if now >= self._next_sweep:  # forget clients whose failures are all past
                self._next_sweep = now + self.window
                for key in [k for k, v in self._failures.items() if v[-1] <= now - self.window]:
                    del self._failures[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in LOGIN_PATHS:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.wait_for(client, time.monotonic())
        if wait > 0:
            refusal = ApiError(
                429,
                f"too many wrong passwords; try again in {math.ceil(wait)} s",
                field="password",
                kind="rate_limited",
                headers={"Retry-After": str(math.ceil(wait))},
            )
            await refusal.response(scope["path"])(scope, receive, send)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                if status == 400 or status < 300:
                    self.record(client, failed=status == 400, now=time.monotonic())
            await send(message)

        await self.app(scope, receive, watch)
