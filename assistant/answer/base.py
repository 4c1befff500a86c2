"""The plug-in point for answerers: passages in, answer pieces out, the result last.

An answerer yields the answer text in pieces as it produces them (LLM tokens, or quoted
sentences) and then one `AskResult` that carries the same text with its claims and
citations. The chain streams the pieces and verifies the claims; it never re-reads the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from langchain_core.documents import Document

from assistant.schema import AskResult

AnswerPiece = str | AskResult


class Answerer(Protocol):
    def stream(self, question: str, passages: list[Document]) -> Iterator[AnswerPiece]:
        """Text pieces as they are produced, then the `AskResult` (always exactly one)."""
        ...


def final_result(pieces: Iterable[AnswerPiece]) -> AskResult:
    """The `AskResult` at the end of an answerer's or the chain's stream."""
    result: AskResult | None = None
    for piece in pieces:
        if isinstance(piece, AskResult):
            result = piece
    if result is None:
        raise RuntimeError("the stream ended without a result")
    return result
