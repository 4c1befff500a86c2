"""Leave-one-corpus-out: each corpus is judged by a model that never saw it."""

from __future__ import annotations

from assistant.evaluation.loco import folds, held_out, mean_of


def test_each_corpus_is_held_out_once_and_judged_by_the_others() -> None:
    items = [("a", 1), ("a", 2), ("b", 10), ("c", 100)]
    split = folds(items, lambda item: item[0])
    assert [held for held, _, _ in split] == ["a", "b", "c"]
    assert all(not {i[0] for i in train} & {i[0] for i in test} for _, train, test in split)

    def fit(train: list[tuple[str, int]]) -> int:
        return sum(value for _, value in train)

    figures = held_out(items, lambda item: item[0], fit, lambda seen, _: {"seen": seen})
    assert figures == {"a": {"seen": 110}, "b": {"seen": 103}, "c": {"seen": 13}}
    assert mean_of(figures, "seen") == round((110 + 103 + 13) / 3, 3)
