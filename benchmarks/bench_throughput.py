"""Serving throughput (issue 29, item 1): `assistant serve` on the shipped corpus, POST
/api/ask from 1 and from 32 clients, for each way of serving measured, in one run.

    .venv/bin/python benchmarks/bench_throughput.py [--requests 60] [--rounds 2]
        [--clients httpx,raw] [--only NAME ...] [--out FILE.json]

Each option is a fresh server (its own settings in the environment) on the shipped corpus
and one index built for the run; the figure that matters is each option's own ratio of
32-client to 1-client requests per second. The two levels alternate, `--rounds` times for
each load generator (`bench_api`: `httpx`, as all figures before 2026-12-06 22:00, and the
cheaper `raw`), so both levels see the same machine; the ratio is pooled over the rounds
(requests over seconds at each level). The load generator runs on the same cores as the
server; so may other work on the machine: every phase records the CPU time per request of the
client, of the server process and of the answering workers, and the CPU the rest of the
machine used meanwhile (`other_cores`, from /proc/stat). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psutil
from bench_api import _level
from bench_common import BIN, CHILD_ENV, CORPUS, assistant_server, load_average, machine

OPTIONS = {
    "1 process, concurrent questions embedded together": {
        "ASSISTANT_WORKERS": "1",
    },
    "2 answering processes, not held to a core (as shipped before)": {
        "ASSISTANT_WORKERS": "2",
        "ASSISTANT_PIN_WORKERS": "false",
    },
    "2 processes, one core each, each question embedded alone": {
        "ASSISTANT_WORKERS": "2",
        "ASSISTANT_QUERY_BATCH_SIZE": "1",
    },
    "2 processes, one core each, embedded in passes of 8": {
        "ASSISTANT_WORKERS": "2",
        "ASSISTANT_QUERY_BATCH_SIZE": "8",
    },
    "2 processes, one core each, 2 threads each": {
        "ASSISTANT_WORKERS": "2",
        "ASSISTANT_WORKER_THREADS": "2",
    },
    "2 processes, one core each, 8 threads, passes of 32 (default)": {
        "ASSISTANT_WORKERS": "2",
    },
}
LEVELS = (1, 32)


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every core), from /proc/stat."""
    times = psutil.cpu_times()
    return sum(
        getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq", "steal")
    )


def _cpu_seconds(processes: list[psutil.Process]) -> list[float]:
    seconds = []
    for process in processes:
        try:
            used = process.cpu_times()
            seconds.append(used.user + used.system)
        except psutil.NoSuchProcess:
            seconds.append(0.0)
    return seconds


def phase(
    url: str, clients: int, total: int, generator: str, tree: list[psutil.Process]
) -> dict[str, Any]:
    """One level with one load generator, and the CPU each part of the machine used."""
    busy, served = _busy_seconds(), _cpu_seconds(tree)
    result = asyncio.run(_level(url, clients, total, 240, generator))
    busy, served = (
        _busy_seconds() - busy,
        [after - before for after, before in zip(_cpu_seconds(tree), served, strict=True)],
    )
    requests = max(result["requests"], 1)
    client_s = result["client_cpu_ms"] * requests / 1000
    result["server_cpu_ms"] = round(served[0] * 1000 / requests, 2)
    result["workers_cpu_ms"] = round(sum(served[1:]) * 1000 / requests, 2)
    result["other_cores"] = round(max(busy - sum(served) - client_s, 0.0) / result["seconds"], 2)
    return result


def pooled(phases: list[dict[str, Any]]) -> dict[str, Any]:
    """Phases of one level and generator taken together."""
    requests = sum(p["requests"] for p in phases)
    seconds = sum(p["seconds"] for p in phases)

    def mean(key: str) -> float:
        return round(sum(p[key] * p["requests"] for p in phases) / max(requests, 1), 2)

    return {
        "requests": requests,
        "requests_per_s": requests / seconds,
        "p50": [p["latency_ms"]["p50"] for p in phases],
        "p95": [p["latency_ms"]["p95"] for p in phases],
        "client_cpu_ms": mean("client_cpu_ms"),
        "server_cpu_ms": mean("server_cpu_ms"),
        "workers_cpu_ms": mean("workers_cpu_ms"),
        "other_cores": [p["other_cores"] for p in phases],
        "statuses": {
            key: sum(p["statuses"].get(key, 0) for p in phases)
            for key in {key for p in phases for key in p["statuses"]}
        },
    }


def measure(
    index: Path, env: dict[str, str], requests: int, rounds: int, generators: list[str]
) -> dict[str, Any]:
    log = index.parent / "serve.log"
    with assistant_server(CORPUS, index, log, env) as server:
        url = f"{server.base}/api/ask"
        asyncio.run(_level(url, 8, 32, 60))  # warm-up: every worker, BM25, thread pools
        root = psutil.Process(server.process.pid)
        workers = [
            p for p in root.children(recursive=True) if "spawn_main" in " ".join(p.cmdline())
        ]
        tree = [root, *workers]
        phases: dict[str, dict[int, list[dict[str, Any]]]] = {
            g: {level: [] for level in LEVELS} for g in generators
        }
        for _ in range(rounds):
            for generator in generators:
                for level in LEVELS:
                    total = requests * (8 if level > 1 else 1)
                    phases[generator][level].append(phase(url, level, total, generator, tree))
        result: dict[str, Any] = {
            "ready_s": server.ready_s,
            "rss_mb": sum(p.memory_info().rss for p in tree) / 1e6,
            "load": load_average(),
            "phases": phases,
        }
        for generator in generators:
            one, many = (pooled(phases[generator][level]) for level in LEVELS)
            result[generator] = {
                "one": one,
                "many": many,
                "ratio": many["requests_per_s"] / one["requests_per_s"],
                "round_ratios": [
                    round(m["requests_per_s"] / o["requests_per_s"], 2)
                    for o, m in zip(*(phases[generator][level] for level in LEVELS), strict=True)
                ],
            }
        return result


def _ms(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


def table(results: dict[str, dict[str, Any]], generators: list[str]) -> str:
    rows = [
        "| option | client | 1 client req/s | p50 / p95 ms | 32 clients req/s | p50 / p95 ms "
        "| 32 / 1 (rounds) | CPU ms per ask at 32: client / server / workers "
        "| other CPU, cores (1 / 32) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        for generator in generators:
            g = r[generator]
            one, many = g["one"], g["many"]
            rounds = ", ".join(map(str, g["round_ratios"]))
            rows.append(
                f"| {name} | {generator} | {one['requests_per_s']:.1f} | {_ms(one['p50'])} / "
                f"{_ms(one['p95'])} | {many['requests_per_s']:.1f} | {_ms(many['p50'])} / "
                f"{_ms(many['p95'])} | **{g['ratio']:.2f}x** ({rounds}) "
                f"| {many['client_cpu_ms']:.1f} / {many['server_cpu_ms']:.1f} / "
                f"{many['workers_cpu_ms']:.1f} | {_ms_cores(one['other_cores'])} / "
                f"{_ms_cores(many['other_cores'])} |"
            )
    return "\n".join(rows)


def _ms_cores(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="1-client requests (32: x8)")
    parser.add_argument("--rounds", type=int, default=2, help="alternations of 1 and 32 clients")
    parser.add_argument("--clients", default="httpx,raw", help="load generators, in turn")
    parser.add_argument("--only", nargs="*", help="options whose name contains one of these")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    generators = args.clients.split(",")
    options = {
        name: env
        for name, env in OPTIONS.items()
        if not args.only or any(part in name for part in args.only)
    }
    started = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        root = Path(tmp)
        index = root / "index"
        subprocess.run(
            [str(BIN / "assistant"), "index", f"--corpus={CORPUS}", f"--index={index}", "--quiet"],
            check=True,
            env={**os.environ, **CHILD_ENV},
        )
        results = {}
        print(f"load average at start: {' / '.join(map(str, load_average()))}", flush=True)
        for name, env in options.items():
            env = {**env, "ASSISTANT_DATA_DIR": str(root / "data")}
            results[name] = measure(index, env, args.requests, args.rounds, generators)
            ratios = ", ".join(f"{g} {results[name][g]['ratio']:.2f}x" for g in generators)
            print(name, ratios, f"load {results[name]['load']}", flush=True)
    print(table(results, generators))
    if args.out:
        figures = {
            "started": started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "results": results,
        }
        args.out.write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
