"""Each chunk's sentence vectors, kept beside its vector in the store.

They are the chunk's own token embeddings mean-pooled over each sentence ("late chunking"):
the forward pass that embeds the chunk gives them, so they cost no model time, and a
sentence read in its chunk's context means what it means there ("It" knows what it is).
The answerer compares them with the question's vector to tell which sentence of a passage
says what was asked in other words than the question's.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

from assistant.text.sentences import Span, decode_spans, encode_spans

_SEPARATOR = "|"


def encode_sentence_vectors(spans: Sequence[Span], vectors: np.ndarray) -> str:
    """Spans (offsets in the chunk text) and their vectors as one metadata string; float16
    keeps a 180-token chunk's eight or so sentences near 8 kB."""
    payload = base64.b64encode(np.asarray(vectors, dtype=np.float16).tobytes()).decode("ascii")
    return f"{encode_spans(spans)}{_SEPARATOR}{payload}"


def decode_sentence_vectors(encoded: object) -> tuple[list[Span], np.ndarray]:
    """What `encode_sentence_vectors` wrote; no spans for a missing or empty value."""
    if not isinstance(encoded, str) or _SEPARATOR not in encoded:
        return [], np.zeros((0, 0), dtype=np.float32)
    spans_text, payload = encoded.split(_SEPARATOR, 1)
    spans = decode_spans(spans_text) or []
    flat = np.frombuffer(base64.b64decode(payload), dtype=np.float16).astype(np.float32)
    return spans, flat.reshape(len(spans), -1) if spans else flat.reshape(0, 0)


def sentence_similarities(encoded: object, query: Sequence[float]) -> dict[Span, float]:
    """Cosine similarity of the query to each stored sentence of a chunk."""
    spans, vectors = decode_sentence_vectors(encoded)
    if not spans:
        return {}
    scores = vectors @ np.asarray(query, dtype=np.float32)
    return {span: float(score) for span, score in zip(spans, scores, strict=True)}
