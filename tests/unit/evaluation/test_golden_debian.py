"""The Debian golden set's files, checked without the corpus (which is built outside git by
evals/build_debian_corpus.py): every case parses, ids are unique and prefixed by kind, the
set has the mix the ingestion issue asks for, each fact is stated by its evidence, and the
CI subset is a verbatim copy of some of the cases."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assistant.evaluation.golden import parse_case
from assistant.evaluation.metrics import fact_present

EVALS = Path(__file__).resolve().parents[3] / "evals"
FULL = EVALS / "golden-debian.jsonl"
CI = EVALS / "golden-debian-ci.jsonl"
# Answerable: `d0..`, or the analyst questions' `dov`, `dli`, `dcm`, `dtl` (evals/CASES.md).
PREFIX = {
    "answerable": ("d0", "dov", "dli", "dcm", "dtl"),
    "unanswerable": ("du",),
    "followup": ("dc",),
}


def lines(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case_id = json.loads(line)["id"]
            assert case_id not in found, f"duplicate id {case_id}"
            found[case_id] = line
    return found


def test_every_case_parses_and_states_its_facts() -> None:
    for case_id, line in lines(FULL).items():
        case = parse_case(json.loads(line))
        assert case_id.startswith(PREFIX[case.kind]), case_id
        stated = " ".join(case.evidence)
        assert all(fact_present(stated, fact) for fact in case.facts), case_id
        for source in case.sources:
            assert source.startswith(("debian-handbook/", "pdf/")), case_id


def test_the_set_has_the_mix_the_issue_asks_for() -> None:
    cases = [parse_case(json.loads(line)) for line in lines(FULL).values()]
    kinds = Counter(case.kind for case in cases)
    tags = Counter(tag for case in cases for tag in case.tags)
    assert len(cases) >= 60
    assert kinds["unanswerable"] >= 8 and kinds["followup"] >= 1
    assert tags["paraphrase"] >= 20 and tags["table"] >= 1 and tags["pdf"] >= 10
    pdfs = {s for case in cases for s in case.sources if s.endswith(".pdf")}
    assert len(pdfs) >= 3


def test_the_ci_subset_copies_its_cases_verbatim() -> None:
    full, ci = lines(FULL), lines(CI)
    assert set(ci) <= set(full)
    assert all(ci[case_id] == full[case_id] for case_id in ci)
    kinds = Counter(parse_case(json.loads(line)).kind for line in ci.values())
    assert 15 <= kinds["answerable"] <= 20 and kinds["unanswerable"] >= 4
