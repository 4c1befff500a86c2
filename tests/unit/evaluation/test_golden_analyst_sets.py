"""The golden sets hold the analyst questions issue 27 asks for, checked without the
corpora (which are built outside git): every case parses, and the counts suffice."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assistant.evaluation.golden import ANALYST_TAGS, case_part, parse_case

EVALS = Path(__file__).resolve().parents[3] / "evals"
# The golden sets whose test part a thresholds file gates on the analyst metrics.
GATED = ("golden.jsonl", "golden-release-notes.jsonl")


def test_every_analyst_tag_has_eight_cases_and_test_cases_where_it_is_gated() -> None:
    """Issue 27: at least 8 cases per tag across the corpora; a gate on a test part with no
    case of a tag would read n/a and fail, so every gated set has test cases of its tags."""
    total: Counter[str] = Counter()
    for path in sorted(EVALS.glob("golden*.jsonl")):
        if path.name == "golden-debian-ci.jsonl":  # a copy of some of golden-debian's cases
            continue
        cases = [parse_case(json.loads(line)) for line in path.read_text("utf-8").splitlines()]
        tags = {case.analyst_tag for case in cases} - {None}
        total.update(case.analyst_tag for case in cases if case.analyst_tag)
        if path.name in GATED:
            tested = {case.analyst_tag for case in cases if case_part(case.id) == "test"}
            assert tags <= tested, (path.name, tags - tested)
    assert set(total) == set(ANALYST_TAGS)
    assert min(total.values()) >= 8, total
