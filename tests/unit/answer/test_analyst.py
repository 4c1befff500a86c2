"""The parts of analysts' answers that are pure arithmetic: conditions and centrality."""

from __future__ import annotations

import numpy as np

from assistant.answer.extractive.analyst import lexrank, meets, numeric_condition


def test_a_numeric_condition_is_read_with_its_unit_and_years_are_no_figures() -> None:
    condition = numeric_condition("Which cities set targets above 6 percent?")
    assert condition == (">", 6.0, "percent")
    assert meets("Sanya projected growth of around 6.5 percent for 2025.", condition)
    assert not meets("Wuhan anticipated around 6 percent in 2025.", condition)
    assert not meets("In 2025 the city grew.", condition)
    assert numeric_condition("at least 2 billion yuan") == (">=", 2.0, "billion")
    assert numeric_condition("What is the target?") is None


def test_lexrank_puts_the_sentence_most_like_the_others_first() -> None:
    similarity = np.array(
        [
            [1.0, 0.5, 0.5, 0.0],
            [0.5, 1.0, 0.0, 0.0],
            [0.5, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    rank = lexrank(similarity)
    assert int(np.argmax(rank)) == 0
    assert rank[3] < rank[1]
    assert abs(rank.sum() - 1.0) < 1e-6
