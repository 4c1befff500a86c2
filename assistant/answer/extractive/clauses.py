"""The clause of an overlong sentence that answers: legal and technical texts run one
sentence past a hundred words ("Convey the object code ..., accompanied by a written offer,
valid for at least three years ..., to give anyone ... either (1) ... or (2) ..."), of which
one stretch of clauses says what was asked. The answer quotes that stretch, marked as cut."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import replace

from assistant.answer.extractive.scoring import Candidate
from assistant.text.terms import tokenize

# Where a sentence may be cut: after a semicolon, colon or comma, and before an enumerated
# item ("(1) a copy", "(b) that the").
_BOUNDARY = re.compile(r"(?<=[;:,])\s+|\s+(?=\((?:[a-z]|[ivx]+|\d{1,2})\)\s)")
_EDGE = " \t\n,;:"


def answering_clauses(
    candidate: Candidate, weights: Mapping[str, float], max_words: int
) -> Candidate:
    """The candidate cut to the run of its clauses, at most `max_words` long, that holds
    the most of the question's term weight (the longest such run on ties: more of its
    context); the candidate itself when its quote is within `max_words`."""
    quote = candidate.quote
    if max_words <= 0 or len(quote.split()) <= max_words:
        return candidate
    if candidate.items_start is not None:
        return _lead_in_cut(candidate, candidate.items_start, max_words)
    cuts = [0, *(m.end() for m in _BOUNDARY.finditer(quote)), len(quote)]
    pieces = [(a, b) for a, b in itertools.pairwise(cuts) if quote[a:b].strip()]
    best: tuple[float, int, int, int] | None = None  # weight, words, start, end
    for first, (start, _) in enumerate(pieces):
        for _, end in pieces[first:]:
            words = len(quote[start:end].split())
            if words > max_words and end != pieces[first][1]:
                break
            terms = set(tokenize(quote[start:end]))
            weight = sum(w for term, w in weights.items() if term in terms)
            if best is None or (weight, words) > best[:2]:
                best = (weight, words, start, end)
    if best is None or not best[0]:
        return candidate
    _, _, start, end = best
    start += len(quote[start:end]) - len(quote[start:end].lstrip(_EDGE))
    end -= len(quote[start:end]) - len(quote[start:end].rstrip(_EDGE))
    if start == 0 and end == len(quote):
        return candidate
    return replace(
        candidate,
        start=max(candidate.start, candidate.context_start + start),
        context_start=candidate.context_start + start,
        end=candidate.context_start + end,
        text=quote[start:end],
        cut=(start > 0, end < len(quote)),
    )


def _lead_in_cut(candidate: Candidate, items_start: int, max_words: int) -> Candidate:
    """A lead-in quoted with its items keeps the items whole (they are what it announces)
    and as many of its own last clauses as fit beside them ("…, you do both of the
    following: a) ... b) ..."); at least its last clause."""
    quote = candidate.quote
    lead = quote[: items_start - candidate.context_start]
    budget = max_words - len(quote[len(lead) :].split())
    cuts = [m.end() for m in _BOUNDARY.finditer(lead.rstrip())]
    start = next(
        (c for c in [0, *cuts] if len(lead[c:].split()) <= budget), cuts[-1] if cuts else 0
    )
    if start == 0:
        return candidate
    return replace(
        candidate,
        start=max(candidate.start, candidate.context_start + start),
        context_start=candidate.context_start + start,
        text=quote[start:],
        cut=(True, False),
    )
