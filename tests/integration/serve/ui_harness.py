"""What the browser tests share: a real `assistant serve` on a free port, headless Chromium,
and a page session that asks questions and takes screenshots (copied to /tmp/ui-shots/)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from conftest import CHROMIUM_ARGS, build_index, copy_corpus, free_port, make_settings, stop_process
from playwright.sync_api import Browser, Page, sync_playwright

SHOTS = Path("/tmp/ui-shots")
TIMEOUT_MS = 60_000


@dataclass
class Server:
    """`assistant serve` run in `tmp` (so its data folder is tmp/data), with `env` added to
    its environment."""

    tmp: Path
    corpus: Path
    index: Path
    env: Mapping[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def log(self) -> Path:
        return self.tmp / "serve.log"

    @property
    def shots(self) -> Path:
        folder = self.tmp / "shots"
        folder.mkdir(exist_ok=True)
        return folder

    def start(self, seconds: float = 180) -> None:
        command = [
            str(Path(sys.executable).with_name("assistant")),
            *("serve", "--port", str(self.port)),
            *("--corpus", str(self.corpus), "--index", str(self.index)),
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=self.tmp,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"server did not start:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, timeout=15)

    def restart(self) -> None:
        """A new process on the same port and data folder: the same origin, so the browser
        keeps its cookie and its localStorage."""
        self.stop()
        self.start()


@contextlib.contextmanager
def served(
    tmp: Path,
    extra_documents: Mapping[str, str] | None = None,
    database_url: str | None = None,
) -> Iterator[Server]:
    """A copy of the shipped corpus in `tmp` (plus `extra_documents`: file name -> text),
    indexed and served, its workspace in `database_url` if given; stopped afterwards."""
    corpus = copy_corpus(tmp / "corpus")
    for name, text in (extra_documents or {}).items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = make_settings(tmp, corpus=corpus)
    build_index(settings)
    env = {"ASSISTANT_DATABASE_URL": database_url} if database_url else {}
    server = Server(tmp, corpus, settings.index_dir, env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, with nothing reaching out to the network."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Session:
    page: Page
    server: Server
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        path = self.server.shots / f"{name}.png"
        self.page.screenshot(path=path)
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
        return path

    def open(self) -> None:
        """Load the page and wait for its load event's outputs, not only its first render:
        the load re-renders the sources list and fills the conversation list, so a click on
        a source's "Edit details" made before that (on a busy machine) opened a form that
        the re-render then replaced, closed."""
        self.page.goto(self.server.url)
        self.page.locator(".welcome .example").first.wait_for()
        self.page.locator("#history p, #history li").first.wait_for()

    def ask(self, question: str, turn: int) -> None:
        """Type a question, send it, and wait until its answer is final (not streaming)."""
        box = self.page.locator("#question textarea")
        box.fill(question)
        box.press("Enter")
        self.wait_for_turn(turn)

    def wait_for_turn(self, turn: int) -> None:
        final = self.page.locator(f"#turn-{turn} .answer-details, #turn-{turn} .bubble.error").first
        final.wait_for(timeout=TIMEOUT_MS)
        assert self.page.locator(f"#turn-{turn} .bubble.error").count() == 0, self.page.inner_text(
            f"#turn-{turn}"
        )

    def outbound(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlparse(url).scheme in ("http", "https", "ws", "wss")
            and urlparse(url).hostname not in ("127.0.0.1", "localhost")
        ]
