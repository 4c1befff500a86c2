"""Shared fixtures: a private copy of the corpus and an index built from it on the real stack,
a Chroma server and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import DateTime, column, create_engine, table, update

# The test process and every server it starts (they inherit os.environ): no telemetry, no
# model hub, tokenizers that do not fork threads. The Makefile exports the same values.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Servers started by tests answer in their own process (each worker loads a model of its own);
# tests/integration/serve/test_workers.py asks for workers explicitly.
os.environ.setdefault("ASSISTANT_WORKERS", "1")
# The embedding model's ONNX export, made once and shared by every index the tests build
# (beside each index it would be exported again for each); named by the model's files.
os.environ.setdefault(
    "ASSISTANT_ONNX_CACHE_DIR", str(Path(tempfile.gettempdir()) / "assistant-tests-onnx")
)

from assistant.config import Settings
from assistant.ingest.indexer import Indexer
from assistant.store.chroma import open_store
from assistant.workspace.conversations import ConversationStore

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


@pytest.fixture(autouse=True)
def _chroma_stores_of_a_test_closed() -> Iterator[None]:
    """Chroma keeps every embedded store a process opens (its SQLite and HNSW files, some
    twenty descriptors) until the process ends. The stores a test opens itself are stopped
    when it ends; a whole run would otherwise pass the 1,024 descriptors that `select()`
    takes, and the tests that wait on a socket or a pipe with it fail. Stores that a module
    or session fixture opened before the test are left to it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    before = set(SharedSystemClient._identifier_to_system)
    yield
    for identifier in set(SharedSystemClient._identifier_to_system) - before:
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        SharedSystemClient._identifier_to_system.pop(identifier).stop()


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


CHROMA = Path(sys.executable).with_name("chroma")


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` on a free port, up once its heartbeat answers."""
    tmp = tmp_path_factory.mktemp("chroma")
    port = free_port()
    command = [CHROMA, "run", "--path", tmp / "data", "--host", "127.0.0.1", "--port", str(port)]
    with (tmp / "server.log").open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp / "server.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "chroma run did not answer its heartbeat"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").is_success:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield port
    finally:
        stop_process(server)


def _postgres_bin() -> Path:
    """The newest server from Debian's `postgresql` package (its programs are not on PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    assert found, "PostgreSQL is not installed: `make system-deps` installs Debian's postgresql"
    return found[-1].parent


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port for the session (trust
    authentication, no fsync); yields the server's URL without a database (see
    `postgres_database`). initdb refuses to run as root, so as root the cluster belongs to
    `nobody`, in a folder of its own under /tmp (pytest's folders are root's alone)."""
    binaries = _postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        as_user = ["runuser", "-u", "nobody", "--"]
    data, port = folder / "data", free_port()

    def run(*command: object) -> None:
        subprocess.run(
            [*as_user, *map(str, command)],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=120,
        )

    initdb = "-U postgres --auth=trust --no-sync --no-locale -E UTF8"
    run(binaries / "initdb", "-D", data, *initdb.split())
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200"
    try:
        run(binaries / "pg_ctl", "-D", data, "-l", folder / "log", "-o", options, "-w", "start")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            run(binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def postgres_database(server: str) -> str:
    """A new, empty database on the cluster at `server`; returns its URL."""
    name = "workspace_" + secrets.token_hex(6)
    conninfo = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


DATABASES = ["sqlite", "postgresql"]


def database_for(request: pytest.FixtureRequest) -> str | None:
    """The workspace database of a fixture parametrized over DATABASES: None on SQLite (the
    file in the data folder), else a new database of the session's PostgreSQL cluster
    (started only when a test needs it)."""
    if request.param == "sqlite":
        return None
    return postgres_database(request.getfixturevalue("postgres"))


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Each workspace test twice, on SQLite and on PostgreSQL."""
    return database_for(request)


def delete_long_ago(store: ConversationStore, conversation_id: str, ago: timedelta) -> None:
    """Mark a conversation deleted `ago` (as another process would have), in whatever
    database the store is on."""
    conversations = table("conversations", column("id"), column("deleted_at", DateTime(True)))
    engine = create_engine(store.url)
    with engine.begin() as db:
        db.execute(
            update(conversations)
            .where(conversations.c.id == conversation_id)
            .values(deleted_at=datetime.now(UTC) - ago)
        )
    engine.dispose()
