"""The lexical index: BM25 over every chunk in the store, with IDF and per-document text.

The BM25 index is built from the chunks in the store (never from the files), and rebuilt
whenever the store's generation counter moves, so it cannot drift from the vectors. Each
chunk is indexed with its document's title and date in front, as it is embedded.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np

from assistant.store.chroma import Store
from assistant.text.document_heading import heading, with_heading
from assistant.text.normalise import normalise_for_matching
from assistant.text.terms import tokenize


@dataclass(frozen=True)
class LexicalHit:
    index: int
    score: float


class LexicalIndex:
    """BM25 over every chunk in the store, with ids, texts and metadata kept alongside."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.metadatas: list[dict[str, Any]] = []
        self._bm25: bm25s.BM25 | None = None
        self._document_frequency: dict[str, int] = {}
        self._source_text: dict[str, str] = {}

    def refresh(self) -> None:
        """Rebuild if the store changed since the last build."""
        generation = self.store.generation
        if generation == self._generation and self._bm25 is not None:
            return
        with self._lock:
            if generation == self._generation and self._bm25 is not None:
                return
            ids, texts, metadatas = self.store.all_chunks()
            corpus_tokens = [
                tokenize(with_heading(text, meta)) for text, meta in zip(texts, metadatas)
            ]
            bm25 = bm25s.BM25()
            if corpus_tokens:
                bm25.index(corpus_tokens, show_progress=False)
            frequency: dict[str, int] = {}
            for tokens in corpus_tokens:
                for token in set(tokens):
                    frequency[token] = frequency.get(token, 0) + 1
            by_source: dict[str, list[str]] = {}
            for text, meta in zip(texts, metadatas):
                by_source.setdefault(str(meta.get("source")), [heading(meta)]).append(text)
            self._source_text = {
                source: normalise_for_matching(" ".join(parts))
                for source, parts in by_source.items()
            }
            self.ids, self.texts, self.metadatas = ids, texts, metadatas
            self._bm25, self._document_frequency = bm25, frequency
            self._generation = generation

    def source_text(self, source: str) -> str:
        """A document's heading and text (its chunks joined), normalised for
        `entities.occurs`."""
        return self._source_text.get(source, "")

    def source_texts(self) -> list[str]:
        """Every document's `source_text`."""
        return list(self._source_text.values())

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency; unseen tokens weigh the most."""
        total = len(self.ids) or 1
        return math.log(1 + (total + 0.5) / (self._document_frequency.get(token, 0) + 0.5))

    def search(self, query: str, k: int, sources: list[str] | None = None) -> list[LexicalHit]:
        self.refresh()
        tokens = tokenize(query)
        if not tokens or not self.ids or self._bm25 is None:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=float)
        if sources:
            allowed = set(sources)
            mask = np.array([meta.get("source") in allowed for meta in self.metadatas])
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [LexicalHit(int(i), float(scores[i])) for i in top if scores[i] > 0]
