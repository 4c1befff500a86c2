"""The fixed tuning/test split of the golden sets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assistant.evaluation.golden import case_part

EVALS = Path(__file__).resolve().parents[3] / "evals"


def test_the_split_is_fixed_by_the_case_id() -> None:
    assert case_part("a001") == case_part("a001")
    assert {case_part(f"x{n:04d}") for n in range(50)} == {"tuning", "test"}


def test_about_sixty_percent_of_each_golden_set_is_for_tuning() -> None:
    for name in ("golden.jsonl", "golden-debian.jsonl"):
        lines = (EVALS / name).read_text(encoding="utf-8").splitlines()
        parts = Counter(case_part(json.loads(line)["id"]) for line in lines if line.strip())
        share = parts["tuning"] / (parts["tuning"] + parts["test"])
        assert 0.5 <= share <= 0.7, (name, parts)
