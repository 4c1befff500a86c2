"""The leave-one-corpus-out figures that chose the shipped models, as `assistant eval`
prints them: each corpus's figures from the fold where it was held out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.answer.extractive.answerability import load_answerability_model
from assistant.answer.extractive.sentence_model import load_sentence_model


def _row(corpus: str, cells: list[str]) -> str:
    """One line of the table: the corpus named as in evals/ ("golden.jsonl" is the shipped
    one), then its cells, two spaces apart at least."""
    name = corpus.removesuffix(".jsonl").removeprefix("golden").removeprefix("-") or "shipped"
    return f"{name:<16}" + "".join(f"  {cell:>24}" for cell in cells)


def loco_table() -> str:
    """Held-out figures of the answerability model (refused unanswerables, refused
    answerables) and the sentence model (a sentence stating the answer among the best 1 /
    3), by corpus and part: tuning / test."""
    answerability: Mapping[str, Any] = load_answerability_model().measurement
    sentences: Mapping[str, Any] = load_sentence_model().measurement
    held = answerability.get("held_out", {})
    chosen = sentences.get("chosen", {}).get("cv", {})
    tested = sentences.get("held_out_test", {})
    corpora = sorted(set(held) | {key.split(":")[0] for key in chosen if ":" in key})
    if not corpora:
        return ""
    lines = [
        "leave-one-corpus-out (each corpus held out; tuning / test)",
        _row("corpus", ["refused unanswerable", "refused answerable", "sentence best-1/3"]),
    ]
    for corpus in corpora:
        parts = held.get(corpus, {})

        def both(key: str, parts: Mapping[str, Any] = parts) -> str:
            return " / ".join(str(parts.get(p, {}).get(key, "n/a")) for p in ("tuning", "test"))

        best = (
            f"{chosen.get(f'{corpus}:best_1', 'n/a')}/{chosen.get(f'{corpus}:best_3', 'n/a')}"
            f" ; {tested.get(corpus, {}).get('best_1', 'n/a')}/"
            f"{tested.get(corpus, {}).get('best_3', 'n/a')}"
        )
        lines.append(_row(corpus, [both("refused"), both("false_refusals"), best]))
    threshold = answerability.get("chosen", {}).get("threshold")
    lines.append(
        f"answerability threshold {threshold}; fitted by "
        "assistant.evaluation.answerability_training (evals/README.md)"
    )
    return "\n".join(lines)
