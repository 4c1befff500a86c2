"""Leave-one-corpus-out validation: every choice is judged on a corpus it was not fitted on.

A rule or weight tuned on the corpora it is measured on fits their writers and genres; held
out a whole corpus at a time, it shows whether it carries to a collection nobody tuned on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Model = TypeVar("Model")


def folds(
    items: Sequence[Item], corpus_of: Callable[[Item], str]
) -> list[tuple[str, list[Item], list[Item]]]:
    """(held-out corpus, the other corpora's items, its items), one fold per corpus."""
    corpora = sorted({corpus_of(item) for item in items})
    if len(corpora) < 2:
        raise ValueError("leave-one-corpus-out needs at least two golden sets (--set)")
    return [
        (
            held,
            [item for item in items if corpus_of(item) != held],
            [item for item in items if corpus_of(item) == held],
        )
        for held in corpora
    ]


def held_out(
    items: Sequence[Item],
    corpus_of: Callable[[Item], str],
    fit: Callable[[list[Item]], Model],
    judge: Callable[[Model, list[Item]], dict[str, float]],
) -> dict[str, dict[str, float]]:
    """Each corpus's figures from the fold where it was held out."""
    return {held: judge(fit(train), test) for held, train, test in folds(items, corpus_of)}


def mean_of(by_corpus: dict[str, dict[str, float]], key: str) -> float:
    """The unweighted mean of one figure over the held-out corpora: each corpus counts once,
    whatever its number of cases."""
    values = [figures[key] for figures in by_corpus.values()]
    return round(sum(values) / (len(values) or 1), 3)
