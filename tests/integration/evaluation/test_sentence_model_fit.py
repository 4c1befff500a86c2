"""The sentence-model fit through the real stack: the shipped corpus, index and golden set."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from assistant.answer.extractive.sentence_model import load_sentence_model
from assistant.config import Settings
from assistant.evaluation.sentence_training import OPTIONS, main

pytestmark = pytest.mark.slow


def test_the_fit_writes_a_model_chosen_by_cross_validation(
    shipped_index: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model.json"
    spec = f"{shipped_index.corpus_dir}:{shipped_index.index_dir}:{REPO / 'evals/golden.jsonl'}"
    assert main(["--set", spec, "--out", str(out)]) == 0
    model = load_sentence_model(out)
    measured = model.measurement
    assert len(measured["options"]) == len(OPTIONS)
    best = max(o["cv"]["best_3"] for o in measured["options"])
    assert measured["chosen"]["cv"]["best_3"] == best
    # Learned ranking: the answer is among the three best sentences of most tuning cases.
    assert measured["tuning"]["best_3"] >= 0.8
    assert "wrote" in capsys.readouterr().out
