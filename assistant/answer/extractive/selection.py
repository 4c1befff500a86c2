"""Which scored sentences make the answer: one per part of a compound question, then
companions that are nearly as good and cover terms the chosen ones do not."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.answer.extractive.scoring import Candidate, SentenceScorer
from assistant.text.compound_questions import question_parts


def select(
    scorer: SentenceScorer, question: str, passages: list[Document], max_sentences: int
) -> list[Candidate]:
    """The sentences to quote, best first (empty when no passage has a quotable sentence)."""
    ranked = scorer.candidates(question, passages)
    if not ranked:
        return []
    parts = question_parts(question, scorer.weights.min_question_part_words)
    chosen: list[Candidate] = []
    taken: set[tuple[str, int]] = set()
    for part in parts[:max_sentences] if len(parts) > 1 else []:
        best = next((c for c in scorer.candidates(part, passages) if c.key not in taken), None)
        if best:
            chosen.append(best)
            taken.add(best.key)
    if not chosen:
        chosen, taken = [ranked[0]], {ranked[0].key}
    covered = {term for candidate in chosen for term in candidate.terms}
    threshold = scorer.weights.companion_score_ratio * ranked[0].score
    for candidate in ranked[1:]:
        if len(chosen) >= max_sentences:
            break
        fresh_terms = not candidate.terms <= covered
        if candidate.key not in taken and candidate.score >= threshold and fresh_terms:
            chosen.append(candidate)
            taken.add(candidate.key)
            covered |= candidate.terms
    return chosen
