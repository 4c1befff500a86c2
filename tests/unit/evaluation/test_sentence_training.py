"""Labels and measures of the sentence-model fit."""

from __future__ import annotations

import numpy as np

from assistant.evaluation.golden import GoldenCase
from assistant.evaluation.metrics import Fact
from assistant.evaluation.sentence_training import CaseRows, best_k, is_answer

CASE = GoldenCase(
    id="a1",
    kind="answerable",
    question="How many reports did TBI analyse?",
    sources=("doc.txt",),
    evidence=("TBI has translated and analysed more than 60 provincial work reports",),
    facts=(Fact(("60", "sixty")),),
)


def test_a_quote_is_an_answer_when_it_states_the_fact_in_the_evidence_words() -> None:
    assert is_answer("It analysed more than 60 provincial work reports.", CASE)
    assert not is_answer("Growth reached 60 percent in Fujian last spring.", CASE)
    assert not is_answer("TBI analysed many provincial work reports.", CASE)


def rows(labels: list[int]) -> CaseRows:
    return CaseRows("a", "g", "tuning", True, np.zeros((len(labels), 1)), np.array(labels), "", [])


def test_best_k_counts_only_cases_that_have_a_positive() -> None:
    cases = [rows([0, 1, 0]), rows([1, 0]), rows([0, 0])]
    scores = [np.array([0.9, 0.5, 0.1]), np.array([0.8, 0.2]), np.array([0.5, 0.4])]
    assert best_k(cases, scores, 1) == 0.5
    assert best_k(cases, scores, 2) == 1.0


def test_near_equal_options_go_to_the_first_tried() -> None:
    """A refit whose figures move by less than a case keeps its option."""
    from assistant.evaluation.fitting import first_of_the_best
    from assistant.evaluation.sentence_training import EQUAL_CV

    def best_3(pair: tuple[dict[str, float], str]) -> float:
        return pair[0]["best_3"]

    near = [({"best_3": 0.818}, "all, C=0.1"), ({"best_3": 0.825}, "no figures, C=1.0")]
    assert first_of_the_best(near, best_3, EQUAL_CV)[1] == "all, C=0.1"
    clear = [({"best_3": 0.780}, "all, C=0.01"), ({"best_3": 0.825}, "no figures, C=1.0")]
    assert first_of_the_best(clear, best_3, EQUAL_CV)[1] == "no figures, C=1.0"
