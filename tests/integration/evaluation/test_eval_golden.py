"""The golden set loads and is checked against the corpus; a broken case is named."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.evaluation.golden import ANALYST_TAGS, GoldenError, load_golden, read_corpus
from assistant.evaluation.metrics import Fact

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "evals" / "golden.jsonl"
NINGBO = "003_13730679fda5be95.txt"
QUOTE = "The city of Ningbo in East China's Zhejiang Province has set a target for GDP growth"


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {
        source: document.text
        for source, document in read_corpus(REPO / "corpus", Settings().load_limits).items()
    }


def write(path: Path, *cases: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), "utf-8")
    return path


def answerable(case_id: str = "a900", **fields: object) -> dict[str, object]:
    return {
        "id": case_id,
        "kind": "answerable",
        "question": "What GDP growth target did Ningbo set for 2025?",
        "source": NINGBO,
        "evidence": [QUOTE + " of more than 5.5 percent for 2025"],
        "facts": [["5.5"]],
        "tags": [],
        **fields,
    }


def test_shipped_golden_set_loads_and_covers_the_issue(texts: dict[str, str]) -> None:
    cases = load_golden(GOLDEN, texts)
    kinds = Counter(case.kind for case in cases)
    tags = Counter(tag for case in cases for tag in case.tags)
    assert kinds["answerable"] >= 60
    assert kinds["unanswerable"] >= 8
    assert kinds["followup"] >= 5
    assert tags["paraphrase"] >= 15
    assert tags["multi"] >= 5
    assert {s for case in cases for s in case.sources} == set(texts)
    assert all(case.history for case in cases if case.kind == "followup")


def test_the_analyst_cases_load_with_their_documents_dates() -> None:
    """The timelines' dates are checked against sources.toml's `published` dates."""
    documents = read_corpus(REPO / "corpus", Settings().load_limits)
    texts = {source: document.text for source, document in documents.items()}
    published = {source: document.metadata["published"] for source, document in documents.items()}
    cases = load_golden(GOLDEN, texts, published)
    tags = Counter(case.analyst_tag for case in cases if case.analyst_tag)
    assert set(tags) == set(ANALYST_TAGS)
    assert min(tags.values()) >= 4


def test_a_quote_missing_from_the_corpus_fails_naming_the_case(
    tmp_path: Path, texts: dict[str, str]
) -> None:
    bad = answerable("a901", evidence=["Ningbo set a target of 9.9 percent for 2025"])
    golden = write(tmp_path / "golden.jsonl", answerable(), bad)
    with pytest.raises(GoldenError) as failure:
        load_golden(golden, texts)
    message = str(failure.value)
    assert "case a901" in message
    assert "evidence quote not found in 003_13730679fda5be95.txt" in message
    assert "a900" not in message


def test_quotes_compare_like_the_scorer(tmp_path: Path, texts: dict[str, str]) -> None:
    full = QUOTE + " of more than 5.5 percent for 2025"
    retyped = answerable(evidence=[full.replace("China's", "China’s").replace(" ", "  ")])
    (case,) = load_golden(write(tmp_path / "golden.jsonl", retyped), texts)
    assert case.sources == (NINGBO,)
    assert case.facts == (Fact(("5.5",)),)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"source": "nope.txt"}, "source 'nope.txt' is not a loadable corpus document"),
        ({"facts": [["6.5"]]}, "fact 6.5 is not stated by its evidence"),
        ({"facts": [[]]}, "'facts[]' must not be empty"),
        ({"facts": []}, "'facts' must be a non-empty list"),
        ({"facts": [{"any": ["five"], "tolerance": 0.1}]}, "needs numeric aliases"),
        ({"facts": [{"any": ["5.5"], "tolerance": -1}]}, "'tolerance' must be a number >= 0"),
        ({"evidence": []}, "'evidence' must not be empty"),
        ({"kind": "maybe"}, "'kind' must be one of"),
        ({"question": " "}, "'question' must be a non-empty string"),
        ({"kind": "followup"}, "'history' must be a non-empty list"),
    ],
)
def test_malformed_cases_are_named(
    tmp_path: Path, texts: dict[str, str], fields: dict[str, object], expected: str
) -> None:
    golden = write(tmp_path / "golden.jsonl", answerable("a777", **fields))
    with pytest.raises(GoldenError, match=r"golden\.jsonl:1 case a777: ") as failure:
        load_golden(golden, texts)
    assert expected in str(failure.value)


def test_tolerance_facts_and_unanswerable_cases(tmp_path: Path, texts: dict[str, str]) -> None:
    approx = answerable(facts=[{"any": ["5.5"], "tolerance": 0.1}])
    unanswerable = {"id": "u900", "kind": "unanswerable", "question": "Hangzhou?", "tags": ["near"]}
    cases = load_golden(write(tmp_path / "golden.jsonl", approx, unanswerable), texts)
    assert cases[0].facts == (Fact(("5.5",), 0.1),)
    assert (cases[1].kind, cases[1].evidence, cases[1].facts) == ("unanswerable", (), ())


def test_file_level_problems_are_all_reported(tmp_path: Path, texts: dict[str, str]) -> None:
    golden = tmp_path / "golden.jsonl"
    golden.write_text(
        json.dumps(answerable("a1")) + "\n{not json\n\n" + json.dumps(answerable("a1")) + "\n"
    )
    with pytest.raises(GoldenError) as failure:
        load_golden(golden, texts)
    assert "golden.jsonl:2: invalid JSON" in str(failure.value)
    assert "golden.jsonl:4 case a1: duplicate id" in str(failure.value)
    with pytest.raises(GoldenError, match="no cases"):
        load_golden(write(tmp_path / "empty.jsonl"), texts)
    with pytest.raises(GoldenError, match="cannot read"):
        load_golden(tmp_path / "missing.jsonl", texts)
