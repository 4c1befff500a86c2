"""Questions embedded at the same time share a forward pass, and each gets its own vector."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.store.embeddings import _QueryBatch


class SlowModel:
    """Encodes a text as [its length]; the first pass waits until told to go on."""

    def __init__(self) -> None:
        self.passes: list[list[str]] = []
        self.release = threading.Event()

    def encode(self, texts: list[str]) -> list[list[float]]:
        self.passes.append(list(texts))
        if len(self.passes) == 1:
            assert self.release.wait(30)
        if "boom" in texts:
            raise ValueError("boom")
        return [[float(len(text))] for text in texts]


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_questions_waiting_for_a_pass_go_together_in_the_next() -> None:
    model = SlowModel()
    batch = _QueryBatch(model.encode, most=4)
    texts = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g" * 7]
    with ThreadPoolExecutor(len(texts)) as pool:
        first = pool.submit(batch.embed, texts[0])
        wait_until(lambda: len(model.passes) == 1)
        rest = [pool.submit(batch.embed, text) for text in texts[1:]]
        wait_until(lambda: len(batch._waiting) == len(texts) - 1)
        model.release.set()
        vectors = [first.result(), *(future.result() for future in rest)]
    assert vectors == [[float(len(text))] for text in texts]
    assert [len(p) for p in model.passes] == [1, 4, 2]  # at most 4 at once, none left behind


def test_a_lone_question_goes_alone_and_a_failed_pass_leaves_the_batcher_working() -> None:
    model = SlowModel()
    model.release.set()
    batch = _QueryBatch(model.encode, most=8)
    assert batch.embed("alone") == [5.0]
    with pytest.raises(ValueError, match="boom"):
        batch.embed("boom")
    assert batch.embed("after") == [5.0]  # the batcher still works after a failed pass
