"""Fusing the dense and lexical rankings into one: reciprocal rank, or weighted scores."""

from __future__ import annotations


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: robust to the two signals' incomparable score scales."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + rank + 1)
    return fused


def weighted(scores: list[dict[str, float]], weights: list[float]) -> dict[str, float]:
    """Min-max normalised scores, summed with weights."""
    fused: dict[str, float] = {}
    for by_id, weight in zip(scores, weights):
        if not by_id:
            continue
        low, high = min(by_id.values()), max(by_id.values())
        span = (high - low) or 1.0
        for chunk_id, score in by_id.items():
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight * (score - low) / span
    return fused
