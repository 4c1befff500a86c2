"""Lexical side of retrieval: a tokenizer for English, numbers and CJK, and a BM25 index.

The BM25 index is built from the chunks in the store (never from the files), and rebuilt
whenever the store's generation counter moves, so it cannot drift from the vectors. Each
chunk is indexed with its document's title and date in front, as it is embedded.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import bm25s
import numpy as np
import Stemmer

from assistant.store import Store
from assistant.textnorm import normalise, normalise_number

# Numbers keep decimals and drop thousands separators ("2,000" -> "2000"); a percent sign
# adds a second token ("7.2%" -> "7.2", "7.2%"). CJK runs become character bigrams.
_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)(?P<pct>\s?%)?"
    r"|(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)",
)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "don",
        "according",
        "say",
        "said",
        "says",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, stemmed word tokens, normalised numbers, CJK bigrams."""
    tokens: list[str] = []
    words: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        if match["num"]:
            number = normalise_number(match["num"])
            tokens.append(number)
            if match["pct"]:
                tokens.append(number + "%")
        elif match["cjk"]:
            run = match["cjk"]
            tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            word = match["word"].replace("’", "'").removesuffix("'s")
            if keep_stopwords or word not in STOPWORDS:
                words.append(word)
    return tokens + _stemmer().stemWords(words)


def heading(metadata: Mapping[str, Any]) -> str:
    """What a chunk's document says of itself: title, publisher and date. A sentence is
    read under it, so it need not repeat who wrote it, about what, or when."""
    return " ".join(str(metadata.get(key, "")) for key in ("title", "publisher", "published"))


def with_heading(text: str, metadata: Mapping[str, Any]) -> str:
    """A chunk's text behind its document's heading: what BM25 indexes, and what the
    answerer searches for the names and figures a question asks about."""
    return f"{heading(metadata)} {text}"


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
                source: normalise(" ".join(parts)) for source, parts in by_source.items()
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
