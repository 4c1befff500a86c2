"""The sentence vectors a chunk keeps in the store, and the answerer's reading of them."""

from __future__ import annotations

import numpy as np

from assistant.answer.extractive.scoring import quote_similarity
from assistant.store.sentence_vectors import (
    decode_sentence_vectors,
    encode_sentence_vectors,
    sentence_similarities,
)
from assistant.text.sentences import Span


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_spans_and_vectors_come_back_as_written() -> None:
    spans = [Span(0, 40), Span(41, 97)]
    vectors = np.vstack([_unit(1, 2, 3), _unit(-3, 0, 1)])
    decoded_spans, decoded = decode_sentence_vectors(encode_sentence_vectors(spans, vectors))
    assert decoded_spans == spans
    assert np.allclose(decoded, vectors, atol=1e-3)  # float16 in the store


def test_each_sentence_is_scored_against_the_query() -> None:
    encoded = encode_sentence_vectors(
        [Span(0, 10), Span(11, 30)], np.vstack([_unit(1, 0), _unit(0, 1)])
    )
    scores = sentence_similarities(encoded, _unit(0, 1).tolist())
    assert scores[Span(11, 30)] > 0.99 > 0.01 > scores[Span(0, 10)]


def test_an_index_without_sentence_vectors_gives_none() -> None:
    assert sentence_similarities("", [1.0, 0.0]) == {}
    assert sentence_similarities(None, [1.0, 0.0]) == {}


def test_a_quote_of_two_sentences_gets_their_mean_and_one_without_vectors_its_passages() -> None:
    stored = [(0, 20, 0.2), (21, 50, 0.6), (51, 80, 0.9)]
    assert quote_similarity(stored, 0, 50, passage=0.4) == (0.2 + 0.6) / 2
    assert quote_similarity(stored, 51, 80, passage=0.4) == 0.9
    assert quote_similarity(stored, 81, 120, passage=0.4) == 0.4
