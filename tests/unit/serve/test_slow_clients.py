"""A client that sends a byte a second cannot hold a connection: `assistant serve`'s uvicorn
closes one whose request head is not in within the read timeout, or whose body then
arrives slower than the least rate. Checked on a real uvicorn with a trivial app."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from conftest import free_port

from assistant.config import Settings
from assistant.serve.app import server_config

READ_TIMEOUT_S = 1.0


async def echo_length(scope, receive, send) -> None:
    """Reads the whole body and answers with its length."""
    if scope["type"] != "http":
        return
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(size).encode()
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    settings = Settings(read_timeout_s=READ_TIMEOUT_S, min_body_kb_per_s=1)
    config = server_config(settings, echo_length, port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield config.port
    server.should_exit = True
    thread.join(timeout=10)


def closed_after(port: int, pieces: Iterator[bytes], pause: float) -> float | None:
    """Send `pieces` with `pause` between them; seconds until the server closed the
    connection (None if all was sent and it is still open a moment later)."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(pause or 0.5)
        for piece in pieces:
            try:
                sock.sendall(piece)
                if sock.recv(4096) == b"":
                    return time.monotonic() - start
            except TimeoutError:
                continue  # nothing to read yet: still open
            except OSError:
                return time.monotonic() - start
        with contextlib.suppress(TimeoutError):
            if sock.recv(4096) == b"":
                return time.monotonic() - start
    return None


HEAD = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 600\r\n\r\n"


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(port: int) -> None:
    dribble = (HEAD[i : i + 1] for i in range(len(HEAD)))
    seconds = closed_after(port, dribble, pause=0.25)
    assert seconds is not None and seconds < READ_TIMEOUT_S + 1.5, seconds


def test_a_silent_connection_is_cut_off(port: int) -> None:
    seconds = closed_after(port, iter([b""] * 12), pause=0.25)
    assert seconds is not None and seconds < READ_TIMEOUT_S + 1.5, seconds


def test_a_body_sent_a_byte_at_a_time_is_cut_off(port: int) -> None:
    pieces = iter([HEAD] + [b"x"] * 600)
    seconds = closed_after(port, pieces, pause=0.1)
    assert seconds is not None and seconds < READ_TIMEOUT_S + 2.5, seconds


def test_requests_sent_at_a_normal_pace_are_answered(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        for _ in range(2):  # twice on one connection: the timer restarts per request
            sock.sendall(HEAD + b"x" * 600)
            assert sock.recv(4096).endswith(b"\r\n\r\n600")
            time.sleep(READ_TIMEOUT_S * 1.2)  # idle between requests is keep-alive's business
