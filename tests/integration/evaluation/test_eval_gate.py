"""The eval gate: scoring one case, thresholds, and the CI run of the shipped golden set."""

from __future__ import annotations

import argparse
import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.documents import Document

from assistant.config import Settings
from assistant.evaluation.golden import GoldenCase, Kind
from assistant.evaluation.metrics import Fact
from assistant.evaluation.runner import (
    ANALYST_METRICS,
    by_tag,
    check_thresholds,
    main,
    score_case,
    summarise,
)
from assistant.schema import AskResult, Citation

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "evals" / "golden.jsonl"
THRESHOLDS = REPO / "evals" / "thresholds.toml"
TEXT = "Header.\nDue to a lack of available data, Jilin and Shanxi are excluded. Next."
EVIDENCE = "Due to a lack of available data, Jilin and Shanxi are excluded."
START = TEXT.index(EVIDENCE)


ANSWERABLE = GoldenCase(
    id="a1",
    kind="answerable",
    question="Which provinces are excluded?",
    sources=("doc.txt",),
    evidence=(EVIDENCE,),
    facts=(Fact(("Jilin",)), Fact(("Shanxi",))),
)


def case(kind: Kind = "answerable", case_id: str = "a1") -> GoldenCase:
    if kind == "unanswerable":
        return replace(ANSWERABLE, id=case_id, kind=kind, sources=(), evidence=(), facts=())
    return replace(ANSWERABLE, id=case_id, kind=kind)


def passage(text: str, start: int = 0) -> Document:
    return Document(
        page_content=text, metadata={"source": "doc.txt", "chunk_id": "c", "start": start}
    )


def cited_answer(answer: str) -> AskResult:
    citation = Citation(
        n=1,
        source="doc.txt",
        title="Doc",
        chunk_id="c",
        start=START,
        end=START + len(EVIDENCE),
        text=EVIDENCE,
        quote=EVIDENCE,
        quote_start=START,
        quote_end=START + len(EVIDENCE),
    )
    return AskResult(answer=answer, citations=[citation], timings_ms={"retrieve": 2.0})


def test_a_good_answer_has_no_problems() -> None:
    passages = [passage("unrelated"), passage(EVIDENCE, START)]
    outcome = score_case(case(), cited_answer(EVIDENCE + " [1]"), passages, {"doc.txt": TEXT})
    assert outcome.problems == []
    assert outcome.scores == {
        "citation_valid": 1.0,
        "hit_at_1": 0.0,
        "hit_at_3": 1.0,
        "hit_at_5": 1.0,
        "recall_at_k": 1.0,
        "mrr": 0.5,
        "fact_recall": 1.0,
        "abstained": 0.0,
        "citation_precision": 1.0,
    }
    assert outcome.retrieved[1] == {
        "rank": 2,
        "source": "doc.txt",
        "chunk_id": "c",
        "evidence": [0],
    }


def test_problems_name_what_went_wrong() -> None:
    wrong = score_case(case(), cited_answer("Jilin [1] [3]"), [], {"doc.txt": TEXT})
    assert wrong.problems == [
        "missing facts: Shanxi",
        "[3] resolves to no citation",
        "retrieval: no evidence in the top 3 (not in the top 0)",
    ]
    assert wrong.scores["fact_recall"] == 0.5
    abstained = score_case(case(), AskResult(answer="Jilin? no.", abstained=True), [], {})
    assert abstained.scores["fact_recall"] == 0.0  # an abstention states no facts
    assert abstained.problems[0] == "abstained on an answerable question"
    answered = score_case(
        case("unanswerable"), cited_answer(EVIDENCE + " [1]"), [], {"doc.txt": TEXT}
    )
    assert answered.problems == ["answered instead of abstaining"]


def test_summary_scopes_each_metric_to_its_cases() -> None:
    docs = {"doc.txt": TEXT}
    outcomes = [
        score_case(case(), cited_answer("Jilin and Shanxi [1]"), [passage(EVIDENCE)], docs),
        score_case(case(case_id="a2"), AskResult(answer="No.", abstained=True), [], docs),
        score_case(case("followup", "c1"), cited_answer("Jilin [1]"), [], docs),
        score_case(case("unanswerable", "u1"), AskResult(answer="No.", abstained=True), [], docs),
    ]
    summary = summarise(outcomes)
    assert summary["fact_recall"] == 0.5
    assert summary["followup_accuracy"] == 0.5
    assert summary["false_abstention_rate"] == 0.5
    assert summary["abstention_accuracy"] == 1.0
    assert summary["hit_at_1"] == pytest.approx(1 / 3)
    assert summary["citation_validity"] == 1.0
    assert summary["citation_precision"] == 1.0  # the abstention cites nothing: not counted
    assert summarise([])["fact_recall"] is None


def test_fact_recall_is_reported_per_tag_and_part() -> None:
    docs = {"doc.txt": TEXT}
    paraphrase = replace(case(case_id="a9"), tags=("paraphrase",))
    outcomes = [
        score_case(case(), cited_answer("Jilin and Shanxi [1]"), [], docs),
        score_case(paraphrase, cited_answer("Jilin [1]"), [], docs),
        score_case(case("unanswerable", "u1"), AskResult(answer="No.", abstained=True), [], docs),
    ]
    tags = by_tag(outcomes)
    assert set(tags) == {"untagged", "paraphrase"}  # unanswerable cases have no fact recall
    part = outcomes[1].part
    assert tags["paraphrase"][part] == {"fact_recall": 0.5, "cases": 1}
    assert tags["untagged"][outcomes[0].part] == {"fact_recall": 1.0, "cases": 1}


def test_thresholds_file_gates_the_answering_chain_metrics() -> None:
    """The gate covers the answers issue's metrics on the test part, the overfitting gap and
    the analyst questions' metrics; citations must all resolve."""
    thresholds = tomllib.loads(THRESHOLDS.read_text())
    assert set(thresholds["hybrid"]["min"]) == {
        "hit_at_3",
        "fact_recall",
        "abstention_accuracy",
        "citation_validity",
        *(key for key, _, _ in ANALYST_METRICS),  # issue 27's analyst questions, every tag
    }
    assert thresholds["hybrid"]["min"]["citation_validity"] == 1.0
    assert set(thresholds["hybrid"]["max"]) == {"false_abstention_rate"}
    assert thresholds["hybrid"]["max_gap"]["fact_recall"] <= 0.05


def test_check_thresholds_bounds_the_test_part_and_the_gap() -> None:
    bounds = {
        "hybrid": {
            "min": {"fact_recall": 0.9, "mrr": 0.5},
            "max": {"hit_at_1": 0.1},
            "max_gap": {"fact_recall": 0.05},
        }
    }
    parts = {
        "test": {"fact_recall": 0.95, "mrr": None, "hit_at_1": 0.2},
        "tuning": {"fact_recall": 0.85, "mrr": 0.9, "hit_at_1": 0.0},
    }
    passed, failed = check_thresholds({"hybrid": parts}, bounds)
    assert passed == [
        "hybrid test part fact_recall = 0.950 (needs >= 0.9)",
        "hybrid tuning minus test in fact_recall = -0.100 (needs <= 0.05)",
    ]
    assert failed == [
        "hybrid test part mrr = n/a (needs >= 0.5)",
        "hybrid test part hit_at_1 = 0.200 (needs <= 0.1)",
    ]
    gap = {"max_gap": {"fact_recall": 0.05}}
    close = {"test": {"fact_recall": 0.9}, "tuning": {"fact_recall": 0.94}}
    assert check_thresholds({"hybrid": close}, {"hybrid": gap})[1] == []
    overfit = {"test": {"fact_recall": 0.9}, "tuning": {"fact_recall": 0.96}}
    assert check_thresholds({"hybrid": overfit}, {"hybrid": gap})[1] == [
        "hybrid tuning minus test in fact_recall = 0.060 (needs <= 0.05)"
    ]
    assert check_thresholds({"dense": parts}, bounds) == ([], [])  # modes not run: not gated
    typo = check_thresholds({"hybrid": parts}, {"hybrid": {"min": {"fact_recal": 1}}})
    assert typo == ([], ["hybrid fact_recal: unknown metric in the thresholds file"])


def test_a_broken_golden_file_exits_2_before_loading_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    golden = tmp_path / "golden.jsonl"
    golden.write_text('{"id": "a1", "kind": "answerable"}\n')
    args = argparse.Namespace(
        golden=golden, thresholds=THRESHOLDS, mode=["hybrid"], report=tmp_path / "out"
    )
    assert main(args, Settings(corpus_dir=REPO / "corpus", index_dir=tmp_path / "index")) == 2
    assert "case a1: 'question' must be a non-empty string" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_hybrid_default_meets_its_thresholds(shipped_index: Settings, tmp_path: Path) -> None:
    """CI's gate: the shipped golden set, hybrid mode, the checked-in thresholds."""
    args = argparse.Namespace(
        golden=GOLDEN, thresholds=THRESHOLDS, mode=["hybrid"], report=tmp_path
    )
    code = main(args, shipped_index)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# Eval report")
    failing = [
        f"{c['id']}: {c['question']} -> {'; '.join(c['problems'])}"
        for c in report["modes"]["hybrid"]["cases"]
        if c["problems"]
    ]
    assert code == 0, "\n".join(["below thresholds:", *report["gate"]["failed"], *failing])
