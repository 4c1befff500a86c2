"""Compound questions ("What X, and what Y?") split into the parts that are asked separately.

The answerer answers each part on its own, so a two-part question is not answered by two
sentences about its first part. (Retrieval searches for the whole question: retrieving for
each part as well was measured and found no more evidence, at twice the latency.)
"""

from __future__ import annotations

import re

_PART_BOUNDARY = re.compile(
    r",?\s+and\s+(?=(?:what|how|which|who|when|where|why|did|does|do|is|are|was|were)\b)|;\s*",
    re.IGNORECASE,
)


def question_parts(question: str, min_part_words: int = 3) -> list[str]:
    """The parts of a compound question, or the question alone; a fragment too short to be
    a question ("and why?") stays with the part before it, as written."""
    cuts = [0]
    for boundary in _PART_BOUNDARY.finditer(question):
        cuts += [boundary.start(), boundary.end()]
    cuts.append(len(question))
    spans: list[tuple[int, int]] = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        if spans and len(question[start:end].split()) < min_part_words:
            spans[-1] = (spans[-1][0], end)
        elif question[start:end].strip():
            spans.append((start, end))
    return [question[start:end].strip() for start, end in spans] or [question]
