"""The held-out table `assistant eval` prints, read from the shipped models."""

from __future__ import annotations

from assistant.evaluation.loco_table import loco_table


def test_each_corpus_has_a_row_whose_cells_stay_apart() -> None:
    lines = loco_table().splitlines()
    names = [line.split()[0] for line in lines[2:-1]]
    assert "shipped" in names and "release-notes" in names and "golden" not in names
    for line in lines[2:-1]:
        cells = [cell for cell in line.split("  ") if cell.strip()]
        assert len(cells) == 4, line  # corpus, refusals, false refusals, sentence best-k
    assert lines[-1].startswith("answerability threshold")
