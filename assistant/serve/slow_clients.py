"""Slow clients cannot hold a connection: uvicorn's own timeouts do not cover them.

The installed uvicorn (0.54, httptools) has `timeout_keep_alive` for an idle connection
between requests, `limit_concurrency` and, for h11 only, a size limit on a request head; no
timeout applies while a request is being received, so a client sending one byte a second
holds its connection (and, in the body, a request) forever. `ReadDeadlineProtocol` is
uvicorn's httptools protocol with two deadlines: a request's head must be in within
`read_timeout_s` of its first byte (or of the connection), and its body, from
`read_timeout_s` after the head, must keep up an average of `min_body_kb_per_s`. Time
during which the server itself stopped reading (the app is not consuming the body) does
not count against the client.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from assistant.config import Settings

log = logging.getLogger(__name__)


class ReadDeadlineProtocol(HttpToolsProtocol):
    read_timeout: float = 30.0
    min_rate: float = 4096.0  # body bytes per second

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._body_since = 0.0
        self._body_bytes = 0
        self._waited = 0.0  # seconds the server paused reading during this body

    def _arm(self, delay: float, check: Any) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(delay, check)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _cut_off(self, what: str) -> None:
        if not self.transport.is_closing():
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info("closing the connection of %s: %s too slow", client, what)
            self.transport.close()

    def _head_late(self) -> None:
        self._deadline = None
        self._cut_off("request head")

    def _check_body(self) -> None:
        """Once a second from `read_timeout` after the head: the body's average rate."""
        self._deadline = None
        if self.flow.read_paused:  # the app is not reading: not the client's fault
            self._waited += 1.0
        else:
            elapsed = time.monotonic() - self._body_since - self._waited
            if self._body_bytes < self.min_rate * max(elapsed - self.read_timeout, 0.0):
                self._cut_off("request body")
                return
        self._deadline = self.loop.call_later(1.0, self._check_body)

    # uvicorn's callbacks -----------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.read_timeout, self._head_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # the first byte of a new request (not one already timed)
            self._arm(self.read_timeout, self._head_late)

    def on_headers_complete(self) -> None:
        self._body_since, self._body_bytes, self._waited = time.monotonic(), 0, 0.0
        self._arm(self.read_timeout + 1.0, self._check_body)
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        super().handle_websocket_upgrade()


def read_deadline_protocol(settings: Settings) -> type[ReadDeadlineProtocol]:
    """The protocol class with the settings' deadlines, for `uvicorn.Config(http=...)`."""
    return type(
        "ReadDeadlineProtocol",
        (ReadDeadlineProtocol,),
        {"read_timeout": settings.read_timeout_s, "min_rate": settings.min_body_kb_per_s * 1024},
    )
