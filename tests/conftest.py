"""Shared fixtures: a private copy of the corpus and an index built from it on the real stack."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# The test process and every server it starts (they inherit os.environ): no telemetry, no
# model hub, tokenizers that do not fork threads. The Makefile exports the same values.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.config import Settings
from assistant.ingest.indexer import Indexer
from assistant.store.chroma import open_store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def make_settings(tmp: Path, corpus: Path | None = None, **overrides: object) -> Settings:
    return Settings(
        **{
            "corpus_dir": corpus or tmp / "corpus",
            "index_dir": tmp / "index",
            "data_dir": tmp / "data",
            **overrides,
        }
    )


def copy_corpus(target: Path) -> Path:
    shutil.copytree(CORPUS, target)
    return target


def free_port() -> int:
    """A loopback port nobody listens on right now (for servers started by tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate a server started by a test, and kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def build_index(settings: Settings):
    store, embeddings = open_store(settings)
    report = Indexer(settings, store, embeddings, progress=False).run()
    return store, embeddings, report


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path / "corpus")


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped corpus indexed once per test session (read-only for tests)."""
    tmp = tmp_path_factory.mktemp("shipped")
    settings = make_settings(tmp, corpus=CORPUS)
    build_index(settings)
    return settings


@contextlib.contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# Headless Debian Chromium for the browser tests, with nothing reaching out to the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`assistant ARGS` as a separate process, as a user runs it (`env` adds variables)."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=cwd,
        input=stdin,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
