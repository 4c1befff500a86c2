"""The model fits through the real stack: the shipped corpus and index, its golden set cut
in two so that leave-one-corpus-out has two sets to hold out in turn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO

from assistant.answer.extractive.answerability import load_answerability_model
from assistant.answer.extractive.sentence_model import load_sentence_model
from assistant.config import Settings
from assistant.evaluation import answerability_training, sentence_training

pytestmark = pytest.mark.slow


def _two_sets(settings: Settings, folder: Path) -> list[str]:
    """The shipped golden set as two sets of alternate cases, over the same index."""
    lines = (REPO / "evals/golden.jsonl").read_text(encoding="utf-8").splitlines()
    specs = []
    for half in (0, 1):
        golden = folder / f"golden-half{half}.jsonl"
        golden.write_text("\n".join(lines[half::2]) + "\n", encoding="utf-8")
        specs += ["--set", f"{settings.corpus_dir}:{settings.index_dir}:{golden}"]
    return specs


def test_the_sentence_model_is_chosen_on_held_out_sets(
    shipped_index: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model.json"
    assert sentence_training.main([*_two_sets(shipped_index, tmp_path), "--out", str(out)]) == 0
    measured = load_sentence_model(out).measurement
    assert len(measured["options"]) == len(sentence_training.OPTIONS)
    best = max(o["cv"]["best_3"] for o in measured["options"])
    assert measured["chosen"]["cv"]["best_3"] == best
    assert set(measured["held_out_test"]) == {"golden-half0.jsonl", "golden-half1.jsonl"}
    # Learned ranking: the answer is among the three best sentences of most tuning cases.
    assert measured["tuning"]["best_3"] >= 0.8
    assert "wrote" in capsys.readouterr().out


def test_the_answerability_threshold_is_calibrated_on_held_out_sets(
    shipped_index: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "answerability.json"
    specs = _two_sets(shipped_index, tmp_path)
    assert answerability_training.main([*specs, "--out", str(out)]) == 0
    model = load_answerability_model(out)
    held = model.measurement["held_out"]
    assert set(held) == {"golden-half0.jsonl", "golden-half1.jsonl"}
    assert 0.0 < model.threshold < 1.0
    budget = answerability_training.FALSE_REFUSAL_BUDGET
    chosen = model.measurement["chosen"]
    assert chosen["held_out_false_refusals"] <= budget
    # Unanswerable questions are refused more often than answerable ones, held out.
    for parts in held.values():
        assert parts["tuning"]["refused"] > parts["tuning"]["false_refusals"]
        assert [p["threshold"] for p in parts["tuning"]["curve"]] == list(
            answerability_training.CURVE_THRESHOLDS
        )
    assert json.loads(out.read_text())["threshold"] == model.threshold
