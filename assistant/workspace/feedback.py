"""Analysts' ratings as candidate golden cases, in the `evals/*.jsonl` format.

A maintainer reviews each candidate before adding it: a thumbs-up answer proposes its cited
sentences as `evidence` and leaves `facts` to be written; a thumbs-down answer, or a refusal,
is flagged with `review` so the maintainer decides what the right answer was.
"""

from __future__ import annotations

import json
import os
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


class ExportRefused(Exception):
    """The export's target is one it must not write: a link, a folder, or (without
    `overwrite`) an existing file."""


def write_candidates(rated: Iterable[RatedTurn], out: Path, overwrite: bool = False) -> int:
    """Write the candidates as JSONL; returns how many were written. An existing file is
    replaced only with `overwrite`, and never through a symbolic link: the file named is
    the file written (OSError for a place that cannot be written)."""
    if out.is_symlink():
        raise ExportRefused(f"{out} is a symbolic link; name the file itself")
    if out.is_dir():
        raise ExportRefused(f"{out} is a folder; name a file")
    if out.exists() and not overwrite:
        raise ExportRefused(f"{out} exists; pass --force to replace it")
    lines = list(candidate_lines(rated))
    out.parent.mkdir(parents=True, exist_ok=True)
    # O_NOFOLLOW and O_EXCL: a link or a file made since the checks above is refused too.
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if overwrite else os.O_EXCL)
    with os.fdopen(os.open(out, flags, 0o644), "w", encoding="utf-8") as target:
        target.write("".join(line + "\n" for line in lines))
    return len(lines)
