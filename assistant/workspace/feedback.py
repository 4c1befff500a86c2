"""Analysts' ratings as candidate golden cases, in the `evals/*.jsonl` format.

A maintainer reviews each candidate before adding it: a thumbs-up answer proposes its cited
sentences as `evidence` and leaves `facts` to be written; a thumbs-down answer, or a refusal,
is flagged with `review` so the maintainer decides what the right answer was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from assistant.workspace.models import RatedTurn

MAX_EVIDENCE_CHARS = 200  # CASES.md: quotes of 20-200 characters


def candidate_case(rated: RatedTurn) -> dict[str, Any]:
    """One rated turn as a golden case with the answer, rating and comment beside it."""
    turn, result = rated.turn, rated.turn.result
    feedback = turn.feedback
    assert feedback is not None, "only rated turns are exported"
    cited = [c for c in result.citations if c.supported]
    kind = "followup" if rated.history else "answerable"
    review = "rated down: write the correct facts, or make it unanswerable"
    if feedback.rating == "up":
        review = "facts: pick from the evidence" if not result.abstained else "unanswerable?"
        if result.abstained and not rated.history:
            kind = "unanswerable"
    sources = sorted({c.source for c in cited})
    case: dict[str, Any] = {
        "id": f"fb-{rated.conversation_id}-{turn.n}",
        "kind": kind,
        "question": turn.question,
        "source": sources[0] if len(sources) == 1 else sources,
        "evidence": [c.quote[:MAX_EVIDENCE_CHARS] for c in cited],
        "facts": [],
        "tags": ["feedback"],
    }
    if kind == "unanswerable":
        del case["source"], case["evidence"], case["facts"]
    if rated.history:
        case["history"] = rated.history
    case["feedback"] = {
        "rating": feedback.rating,
        "comment": feedback.comment,
        "answer": result.answer,
        "standalone_question": turn.standalone_question,
        "asked_at": turn.asked_at.isoformat(),
        "review": review,
    }
    return case


def candidate_lines(rated: Iterable[RatedTurn]) -> Iterator[str]:
    for item in rated:
        yield json.dumps(candidate_case(item), ensure_ascii=False)


def write_candidates(rated: Iterable[RatedTurn], out: Path) -> int:
    """Write the candidates as JSONL; returns how many were written."""
    lines = list(candidate_lines(rated))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
