"""The fitted sentence model: its file format and its scores."""

from __future__ import annotations

import pytest

from assistant.answer.extractive.scoring import MODEL_INPUTS, with_gaps
from assistant.answer.extractive.sentence_model import SentenceModel, load_sentence_model


def test_the_shipped_model_reads_only_known_inputs_and_says_how_it_was_chosen() -> None:
    model = load_sentence_model()
    assert set(model.features) <= set(MODEL_INPUTS)
    assert model.measurement["chosen"]["cv"]["best_3"] > 0
    assert {"tuning", "test", "options"} <= model.measurement.keys()


def test_a_round_trip_keeps_the_scores() -> None:
    model = SentenceModel(("coverage", "heading"), (0.5, 0.1), (0.2, 0.3), (2.0, -1.0), -0.5)
    again = SentenceModel.from_json(model.to_json())
    values = {"coverage": 0.9, "heading": 1.0}
    assert again.probability(values) == pytest.approx(model.probability(values))
    assert model.probability({"coverage": 0.9}) > model.probability(values)  # heading costs


def test_a_file_whose_columns_disagree_is_refused() -> None:
    broken = SentenceModel(("coverage",), (0.0,), (1.0,), (1.0, 2.0), 0.0)
    with pytest.raises(ValueError, match="differ in length"):
        SentenceModel.from_json(broken.to_json())


def test_gaps_measure_each_candidate_against_the_best_of_its_question() -> None:
    base = dict.fromkeys(MODEL_INPUTS[: len(MODEL_INPUTS) // 2], 0.0)
    rows = with_gaps([base | {"coverage": 0.8}, base | {"coverage": 0.5}])
    assert [row["coverage_gap"] for row in rows] == pytest.approx([0.0, -0.3])
    assert with_gaps([]) == []
