"""HTTP API throughput: `assistant serve` on loopback, POST /api/ask from 1, 8, 32 clients.

Each level is bounded twice: a fixed number of requests and a time limit, whichever comes
first. Latency is measured per request on the client side, so it includes queueing.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
from bench_common import QUESTIONS, assistant_server, peak_rss_mb, summarize

LEVELS = (1, 8, 32)


async def _level(url: str, clients: int, total: int, limit_s: float) -> dict[str, Any]:
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
        started = time.perf_counter()
        await asyncio.gather(*(client(http, i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "seconds": elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "statuses": statuses,
        "latency_ms": summarize(latencies),
    }


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
