"""HTTP API throughput: `assistant serve` on loopback, POST /api/ask from 1, 8, 32 clients.

Each level is bounded twice: a fixed number of requests and a time limit, whichever comes
first. Latency is measured per request on the client side, so it includes queueing.

The load generator runs on the same cores as the server, so what it costs per request is
measured too (`client_cpu_ms`: this process's CPU time over the level, per request). Two
generators: `httpx` (an `httpx.AsyncClient`, as every figure before 2026-12-06 22:00 used;
about 2 ms of CPU per request) and `raw` (HTTP/1.1 keep-alive written on asyncio streams,
about a tenth of that), so a benchmark can report the server with less of the cores taken
by its own clients, and both stay comparable.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from bench_common import QUESTIONS, assistant_server, peak_rss_mb, summarize

LEVELS = (1, 8, 32)


async def _level(
    url: str, clients: int, total: int, limit_s: float, client: str = "httpx"
) -> dict[str, Any]:
    """`clients` concurrent clients, each asking in turn, until `total` requests or the time
    limit; with the `httpx` or the `raw` load generator."""
    if client == "raw":
        return await _raw_level(url, clients, total, limit_s)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    issued = 0
    deadline = time.perf_counter() + limit_s

    async def client(http: httpx.AsyncClient, offset: int) -> None:
        nonlocal issued
        while issued < total and time.perf_counter() < deadline:
            question = QUESTIONS[(issued + offset) % len(QUESTIONS)]
            issued += 1
            started = time.perf_counter()
            try:
                reply = await http.post(url, json={"question": question})
                key = str(reply.status_code)
            except httpx.HTTPError as error:
                key = type(error).__name__
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[key] = statuses.get(key, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(client(http, i) for i in range(clients)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return _figures(clients, latencies, statuses, elapsed, cpu, "httpx")


def _figures(
    clients: int,
    latencies: list[float],
    statuses: dict[str, int],
    elapsed: float,
    cpu: float,
    generator: str,
) -> dict[str, Any]:
    return {
        "clients": clients,
        "client": generator,
        "requests": len(latencies),
        "seconds": elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "client_cpu_ms": round(cpu * 1000 / max(len(latencies), 1), 3),
        "statuses": statuses,
        "latency_ms": summarize(latencies),
    }


class _RawConnection:
    """One HTTP/1.1 keep-alive connection: a POST of a JSON body, the reply's status read and
    its body (Content-Length) consumed. Just enough for the server's JSON replies."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = parts.path or "/"
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, payload: dict[str, Any]) -> int:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        body = json.dumps(payload).encode()
        writer.write(
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        status = int((await reader.readline()).split()[1])
        length, close = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise RuntimeError("the raw client reads Content-Length bodies only")
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        await reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _raw_level(url: str, clients: int, total: int, limit_s: float) -> dict[str, Any]:
    """`_level` with the raw HTTP/1.1 client: one connection per client."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    issued = 0
    deadline = time.perf_counter() + limit_s

    async def client(offset: int) -> None:
        nonlocal issued
        connection = _RawConnection(url)
        try:
            while issued < total and time.perf_counter() < deadline:
                question = QUESTIONS[(issued + offset) % len(QUESTIONS)]
                issued += 1
                started = time.perf_counter()
                try:
                    key = str(await asyncio.wait_for(connection.post({"question": question}), 120))
                except (
                    OSError,
                    ValueError,
                    IndexError,
                    TimeoutError,
                    asyncio.IncompleteReadError,
                ) as error:
                    key = type(error).__name__
                    connection.close()
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[key] = statuses.get(key, 0) + 1
        finally:
            connection.close()

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return _figures(clients, latencies, statuses, elapsed, cpu, "raw")


def measure(corpus: Path, index: Path, quick: bool = False) -> dict[str, Any]:
    """Start the server on a free port, load it level by level, stop it."""
    with assistant_server(corpus, index, index.parent / "serve.log") as server:
        url = f"{server.base}/api/ask"
        asyncio.run(_level(url, 4, 12, 60))  # warm-up: model, BM25, thread pool
        levels = []
        for clients in LEVELS:
            total = (20 if quick else 60) * max(1, clients // 4 if clients > 1 else 1)
            levels.append(asyncio.run(_level(url, clients, total, 30 if quick else 90)))
        return {
            "ready_s": server.ready_s,
            "levels": levels,
            "server_peak_rss_mb": peak_rss_mb(server.process.pid),
        }
