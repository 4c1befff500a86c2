"""Questions answered in worker processes, so a server uses every core.

An ask is mostly Python (BM25, sentence features, selection) and holds the GIL, so threads of
one process answer at the speed of one core. `AskWorkers` starts `settings.workers` processes,
each with its own `Assistant` (model, store, lexical index), and hands each question to the
one with the fewest in hand. Everything else stays in the server process: HTTP, the UI and its
sessions, the login throttle, owner cookies, uploads and the workspace. So nothing that must
be consistent between requests lives in a worker; a worker's caches follow the store, which
it re-reads when another process wrote it (`Store.sync`: the generation moves, BM25 rebuilds).

Each worker answers `settings.worker_threads` questions at once, so concurrent questions can
share one embedding pass (`embeddings._QueryBatch`), and is held to one core
(`settings.pin_workers`): threads of one process spread over two cores pass the GIL between
them at a cost in CPU per question, without adding a core's worth of answering.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from typing import Any

from assistant.config import Settings
from assistant.schema import AskResult, ChatMessage

_LIVENESS_S = 1.0  # how often a waiting ask checks that its worker is still alive


@dataclass
class _Worker:
    process: SpawnProcess
    inbox: Any  # multiprocessing Queue of (request id, ask arguments) or None to stop
    in_hand: set[int] = field(default_factory=set)


class WorkerError(RuntimeError):
    """A worker process died or sent back an error that could not travel."""


def _exit_with(parent: int) -> None:
    """End this worker when the server that started it is gone (killed, so it could not
    stop its workers): an orphan would hold a model's memory for nobody."""
    while os.getppid() == parent:
        time.sleep(_LIVENESS_S)
    os._exit(0)


def worker_cores(settings: Settings, count: int) -> list[set[int] | None]:
    """The core each of `count` workers is held to (`settings.pin_workers`), in turn over the
    cores this process may use; None each when not pinning, or where the OS cannot."""
    if not settings.pin_workers or count < 2 or not hasattr(os, "sched_getaffinity"):
        return [None] * count
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return [None] * count
    return [{cores[i % len(cores)]} for i in range(count)]


def _serve_questions(
    settings: Settings, inbox: Any, outbox: Any, parent: int, cores: set[int] | None = None
) -> None:
    """A worker process: build the Assistant, warm it, answer until told to stop."""
    from assistant.service import Assistant

    if cores:
        os.sched_setaffinity(0, cores)
    threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()

    assistant = Assistant(settings)
    assistant.embeddings.embed_query("warm up")
    assistant.lexical.refresh()
    outbox.put((None, "ready"))

    def answer(request: int, arguments: dict[str, Any]) -> None:
        try:
            reply: Any = assistant.ask(**arguments)
        except Exception as error:  # it travels back and is raised in the server
            try:
                pickle.dumps(error)
                reply = error
            except Exception:
                reply = WorkerError(f"{type(error).__name__}: {error}")
        outbox.put((request, reply))

    with ThreadPoolExecutor(settings.worker_threads) as pool:
        for item in iter(inbox.get, None):
            pool.submit(answer, *item)


class AskWorkers:
    """`ask` as `Assistant.ask`, answered by one of `count` worker processes."""

    def __init__(self, settings: Settings, count: int) -> None:
        context = multiprocessing.get_context("spawn")  # torch and threads do not survive fork
        self._outbox = context.Queue()
        self._workers: list[_Worker] = []
        for cores in worker_cores(settings, count):
            inbox = context.Queue()
            process = context.Process(
                target=_serve_questions,
                args=(settings, inbox, self._outbox, os.getpid(), cores),
                name="assistant-ask-worker",
                daemon=True,
            )
            process.start()
            self._workers.append(_Worker(process, inbox))
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._pending: dict[int, Future[AskResult]] = {}
        self._ready = threading.Semaphore(0)
        self._collector = threading.Thread(target=self._collect, name="ask-results", daemon=True)
        self._collector.start()

    @property
    def pids(self) -> list[int]:
        return [worker.process.pid or 0 for worker in self._workers]

    def wait_ready(self) -> None:
        """Block until every worker has loaded its model and index."""
        for _ in self._workers:
            while not self._ready.acquire(timeout=_LIVENESS_S):
                if not all(worker.process.is_alive() for worker in self._workers):
                    raise WorkerError("an answering worker exited while starting")

    def _collect(self) -> None:
        for request, reply in iter(self._outbox.get, (None, None)):
            if request is None:
                self._ready.release()
                continue
            with self._lock:
                future = self._pending.pop(request, None)
                for worker in self._workers:
                    worker.in_hand.discard(request)
            if future is None:
                continue
            try:
                if isinstance(reply, BaseException):
                    future.set_exception(reply)
                else:
                    future.set_result(reply)
            except InvalidStateError:  # cancelled meanwhile: its caller no longer waits
                pass

    def _submit(
        self,
        question: str,
        history: Sequence[ChatMessage | dict[str, str]],
        k: int | None,
        mode: str | None,
        sources: Sequence[str] | None,
    ) -> tuple[_Worker, int, Future[AskResult]]:
        """Hand the question to the worker with the fewest questions in hand."""
        arguments = {
            "question": question,
            "history": [m.model_dump() if isinstance(m, ChatMessage) else m for m in history],
            "k": k,
            "mode": mode,
            "sources": list(sources) if sources else None,
        }
        future: Future[AskResult] = Future()
        with self._lock:
            request = next(self._ids)
            worker = min(self._workers, key=lambda w: len(w.in_hand))
            worker.in_hand.add(request)
            self._pending[request] = future
        worker.inbox.put((request, arguments))  # does not block: a feeder thread sends it
        return worker, request, future

    def _forget(self, request: int) -> None:
        with self._lock:
            self._pending.pop(request, None)

    def ask(
        self,
        question: str,
        history: Sequence[ChatMessage | dict[str, str]] = (),
        k: int | None = None,
        mode: str | None = None,
        sources: Sequence[str] | None = None,
    ) -> AskResult:
        """Answer in the worker with the fewest questions in hand (blocks the caller)."""
        worker, request, future = self._submit(question, history, k, mode, sources)
        while True:
            try:
                return future.result(timeout=_LIVENESS_S)
            except TimeoutError:
                if not worker.process.is_alive():
                    self._forget(request)
                    raise WorkerError("the worker answering this question exited") from None

    async def ask_async(
        self,
        question: str,
        history: Sequence[ChatMessage | dict[str, str]] = (),
        k: int | None = None,
        mode: str | None = None,
        sources: Sequence[str] | None = None,
    ) -> AskResult:
        """`ask` for the event loop: the answer is awaited, no thread waits for it."""
        worker, request, future = self._submit(question, history, k, mode, sources)
        answer = asyncio.wrap_future(future)
        try:
            while True:
                done, _ = await asyncio.wait({answer}, timeout=_LIVENESS_S)
                if done:
                    return answer.result()
                if not worker.process.is_alive():
                    raise WorkerError("the worker answering this question exited")
        finally:
            if not answer.done():
                self._forget(request)
                answer.cancel()

    def close(self) -> None:
        """Stop the workers (each finishes what it has in hand) and the collector."""
        for worker in self._workers:
            worker.inbox.put(None)
        for worker in self._workers:
            worker.process.join(timeout=30)
            if worker.process.is_alive():
                worker.process.terminate()
        self._outbox.put((None, None))
        self._collector.join(timeout=5)
