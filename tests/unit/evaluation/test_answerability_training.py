"""Choosing the answerability model's option among near-equal held-out figures."""

from __future__ import annotations

from assistant.evaluation.answerability_training import Option, chosen_option


def test_near_equal_options_go_to_the_first_tried_and_the_budget_binds() -> None:
    first, better, over_budget = Option("all", 0.1), Option("subset", 1.0), Option("few", 10.0)
    tried = [
        ((0.86, -0.04), first, 0.5, {}),
        ((0.89, -0.03), better, 0.6, {}),  # better by less than one case of a small corpus
        ((0.95, -0.08), over_budget, 0.7, {}),  # refuses more, but too many answerable too
    ]
    assert chosen_option(tried)[1] == first
    clear = [((0.80, -0.04), first, 0.5, {}), ((0.89, -0.03), better, 0.6, {})]
    assert chosen_option(clear)[1] == better
