"""`assistant serve --workers 2`: two worker processes answer, through the real stack."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
from conftest import free_port, stop_process

from assistant.config import Settings
from assistant.service import Assistant

pytestmark = pytest.mark.slow

QUESTIONS = [
    "What GDP growth target did Ningbo set?",
    "Who is Dong Jun?",
    "Which sectors are the new three industries?",
    "How many electric vehicles did Tibet export in 2024?",  # abstains
]


def test_two_workers_answer_as_the_server_itself_would(
    shipped_index: Settings, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(shipped_index.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(shipped_index.index_dir),
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "assistant serve did not become ready"
            try:
                health = httpx.get(f"{base}/api/health", timeout=5)
                if health.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)

        workers = health.json()["answering_processes"]
        children = {child.pid for child in psutil.Process(server.pid).children(recursive=True)}
        assert len(set(workers)) == 2 and set(workers) <= children

        with httpx.Client(base_url=base, timeout=120) as client:

            def ask(question: str) -> httpx.Response:
                return client.post("/api/ask", json={"question": question})

            with ThreadPoolExecutor(8) as pool:
                replies = list(pool.map(ask, QUESTIONS * 3))
            no_llm = client.post("/api/ask", json={"question": "x", "mode": "llm"})

        expected = Assistant(shipped_index)
        for question, reply in zip(QUESTIONS * 3, replies, strict=True):
            assert reply.status_code == 200, reply.text
            answer = reply.json()
            assert answer["answer"] == expected.ask(question).answer
        # An error raised in a worker comes back as the server itself would answer it.
        assert no_llm.status_code == 422
        assert no_llm.json()["error"]["field"] == "mode"

        # A server killed outright cannot stop its workers: they notice and end themselves.
        server.kill()
        server.wait()
        deadline = time.monotonic() + 60
        while any(alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "the workers outlived their server"
            time.sleep(0.5)
    finally:
        stop_process(server)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
