"""Serving throughput (issue 29, item 1): `assistant serve` on the shipped corpus, POST
/api/ask from 1 and from 32 clients, for each way of serving measured, in one run.

    .venv/bin/python benchmarks/bench_throughput.py [--requests 60] [--out FILE.json]

Each option is a fresh server (its own settings in the environment) on a copy of the shipped
corpus and one index built for the run; the figure that matters is each option's own ratio of
32-client to 1-client requests per second. Prints a Markdown table and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psutil
from bench_api import _level
from bench_common import BIN, CHILD_ENV, CORPUS, assistant_server, load_average

OPTIONS = {
    "1 process, each question embedded alone (as shipped before)": {
        "ASSISTANT_WORKERS": "1",
        "ASSISTANT_QUERY_BATCH_SIZE": "1",
    },
    "1 process, concurrent questions embedded together": {
        "ASSISTANT_WORKERS": "1",
        "ASSISTANT_QUERY_BATCH_SIZE": "32",
    },
    "2 answering processes, each question embedded alone": {
        "ASSISTANT_WORKERS": "2",
        "ASSISTANT_QUERY_BATCH_SIZE": "1",
    },
    "2 answering processes, embedded together (default)": {
        "ASSISTANT_WORKERS": "2",
        "ASSISTANT_QUERY_BATCH_SIZE": "32",
    },
}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children now (the answering workers)."""
    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 1e6


def measure(corpus: Path, index: Path, env: dict[str, str], requests: int) -> dict[str, Any]:
    log = index.parent / "serve.log"
    with assistant_server(corpus, index, log, env) as server:
        url = f"{server.base}/api/ask"
        asyncio.run(_level(url, 8, 32, 60))  # warm-up: every worker, BM25, thread pools
        one = asyncio.run(_level(url, 1, requests, 120))
        many = asyncio.run(_level(url, 32, requests * 8, 240))
        return {
            "ready_s": server.ready_s,
            "rss_mb": tree_rss_mb(server.process.pid),
            "one": one,
            "many": many,
            "ratio": many["requests_per_s"] / one["requests_per_s"],
            "load": load_average(),
        }


def table(results: dict[str, dict[str, Any]]) -> str:
    rows = [
        "| option | 1 client req/s | p50 / p95 ms | 32 clients req/s | p50 / p95 ms | 32 / 1 "
        "| statuses (32) | RSS, server + workers | load after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        one, many = r["one"], r["many"]
        rows.append(
            f"| {name} | {one['requests_per_s']:.1f} | {one['latency_ms']['p50']:.0f} / "
            f"{one['latency_ms']['p95']:.0f} | {many['requests_per_s']:.1f} | "
            f"{many['latency_ms']['p50']:.0f} / {many['latency_ms']['p95']:.0f} | "
            f"**{r['ratio']:.2f}x** | {many['statuses']} | {r['rss_mb']:.0f} MB | "
            f"{' / '.join(map(str, r['load']))} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="1-client requests (32: x8)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        root = Path(tmp)
        index = root / "index"
        subprocess.run(
            [str(BIN / "assistant"), "index", f"--corpus={CORPUS}", f"--index={index}", "--quiet"],
            check=True,
            env={**os.environ, **CHILD_ENV},
        )
        results = {}
        print(f"load average at start: {' / '.join(map(str, load_average()))}")
        for name, env in OPTIONS.items():
            env = {**env, "ASSISTANT_DATA_DIR": str(root / "data")}
            results[name] = measure(CORPUS, index, env, args.requests)
            print(name, f"{results[name]['ratio']:.2f}x", flush=True)
    print(table(results))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
