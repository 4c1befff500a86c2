"""The default answerer: quotes the passage sentences that answer the question, each cited.

No LLM: every statement of the answer is a verbatim quote of a retrieved passage, so the
answer is deterministic and each claim is exactly what its citation says.
"""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.documents import Document

from assistant.answer.base import AnswerPiece
from assistant.answer.citations import abstention, citation, compose
from assistant.answer.extractive.scoring import Candidate, SentenceScorer
from assistant.answer.extractive.selection import select
from assistant.answer.extractive.support import (
    select_supported,
    states_asked_figure,
    too_weak,
    unsupported_terms,
)
from assistant.config import AnswererWeights
from assistant.schema import AskResult
from assistant.store.bm25 import LexicalIndex
from assistant.text.markers import neutralise_markers
from assistant.text.names_figures import occurs


class ExtractiveAnswerer:
    """Scores sentences against the question and composes the best few into a cited answer."""

    def __init__(
        self,
        lexical: LexicalIndex,
        max_sentences: int = 3,
        weights: AnswererWeights | None = None,
    ) -> None:
        self.lexical = lexical
        self.max_sentences = max_sentences
        self.scorer = SentenceScorer(lexical, weights or AnswererWeights())

    def select(self, question: str, passages: list[Document]) -> list[Candidate]:
        return select(self.scorer, question, passages, self.max_sentences)

    def answer(self, question: str, passages: list[Document]) -> AskResult:
        self.lexical.refresh()  # its IDF and document texts are needed even in dense-only mode
        chosen = self.select(question, passages)
        missing = unsupported_terms(self.scorer, question, passages, [c.passage for c in chosen])
        if chosen and missing:
            chosen, missing = select_supported(
                self.scorer, self.select, question, passages, chosen, missing
            )
        if chosen and not missing and not states_asked_figure(question, chosen):
            reason = "The passages that match the question state no figure for it."
            return abstention(question, passages, [], reason=reason)
        if not chosen or missing or too_weak(self.scorer, question, chosen[0], passages):
            elsewhere = [
                term
                for term in missing
                if any(occurs(term, text) for text in self.lexical.source_texts())
            ]
            return abstention(question, passages, missing, elsewhere)
        citations = [
            citation(n, c.passage, c.context_start, c.end, c.quote) for n, c in enumerate(chosen, 1)
        ]
        # The quote is the source's exact text; in the answer its own "[n]" are no markers.
        statements = [(neutralise_markers(c.quote), [n]) for n, c in enumerate(chosen, 1)]
        answer, claims = compose(statements)
        return AskResult(answer=answer, citations=citations, claims=claims)

    def stream(self, question: str, passages: list[Document]) -> Iterator[AnswerPiece]:
        """The answer claim by claim (each with its marker), then the result."""
        result = self.answer(question, passages)
        if result.abstained:
            yield result.answer
        for claim in result.claims:
            yield ("" if claim.start == 0 else " ") + result.answer[claim.start : claim.end]
            yield "".join(f" [{n}]" for n in claim.citations)
        yield result
