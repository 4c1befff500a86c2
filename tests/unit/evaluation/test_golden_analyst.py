"""The analyst cases' fields (items, dates, points, sides ...): parsed, checked against the
documents they come from, and every mistake named with its case (no corpus needed: the
loader takes the documents' texts and dates)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation.golden import GoldenError, load_golden, parse_case
from assistant.evaluation.metrics import Fact, Side

DOCUMENTS = {
    "a/2020-01-02_v1.txt": "Option --alpha was added. The --beta bug was fixed.",
    "a/2021-05-06_v2.txt": "Option --gamma replaces --alpha. Colors: rosy, beet and plum.",
    "a/2022-07-08_v3.txt": "Option --delta was added; --gamma is obsolete.",
}
PUBLISHED = {source: source[2:12] for source in DOCUMENTS}
V1, V2, V3 = DOCUMENTS


def timeline(**fields: Any) -> dict[str, Any]:
    return {
        "id": "t1",
        "kind": "answerable",
        "question": "How did the options change?",
        "source": [V1, V2, V3],
        "dates": ["2020-01-02", "2021-05-06", "2022-07-08"],
        "evidence": ["Option --alpha was added.", "Option --gamma replaces --alpha.", "--delta"],
        "items": [["--alpha"], ["--gamma"], ["--delta"]],
        "tags": ["timeline"],
        **fields,
    }


def load(tmp_path: Path, *cases: dict[str, Any]) -> list[Any]:
    golden = tmp_path / "golden.jsonl"
    golden.write_text("".join(json.dumps(case) + "\n" for case in cases), "utf-8")
    return load_golden(golden, DOCUMENTS, PUBLISHED)


CASES: dict[str, dict[str, Any]] = {
    "list": {
        "id": "l1",
        "kind": "answerable",
        "question": "Which colors?",
        "source": V2,
        "evidence": ["Colors: rosy, beet and plum."],
        "items": [["rosy"], ["beet"], ["plum"]],
        "exclude": [["--gamma"]],
        "tags": ["list"],
    },
    "overview": {
        "id": "o1",
        "kind": "answerable",
        "question": "Summarise the releases.",
        "source": [V1, V3],
        "min_documents": 2,
        "evidence": ["Option --alpha was added.", "Option --delta was added"],
        "points": [["--alpha"], ["--delta"]],
        "tags": ["overview"],
    },
    "comparison": {
        "id": "c1",
        "kind": "answerable",
        "question": "Compare v1 and v4.",
        "source": V1,
        "evidence": ["Option --alpha was added."],
        "sides": [{"name": ["v1"], "facts": [["--alpha"]]}, {"name": ["v4"], "unanswered": True}],
        "tags": ["comparison"],
    },
    "mismatch": {
        "id": "m1",
        "kind": "answerable",
        "question": "What did v1 add for zstd?",
        "source": V1,
        "evidence": ["Option --alpha was added."],
        "unstated": ["zstd"],
        "facts": [["--alpha"]],
        "tags": ["mismatch"],
    },
    "followup-lead": {
        "id": "f1",
        "kind": "followup",
        "history": [{"role": "user", "content": "What did v1 add?"}],
        "question": "And v3?",
        "source": V3,
        "evidence": ["Option --delta was added"],
        "subject": ["--delta"],
        "facts": [["added"]],
        "tags": ["followup-lead"],
    },
    "timeline": timeline(),
}


def test_each_analyst_case_loads_with_its_fields(tmp_path: Path) -> None:
    cases = {case.analyst_tag: case for case in load(tmp_path, *CASES.values())}
    assert set(cases) == set(CASES)
    assert cases["list"].items == (Fact(("rosy",)), Fact(("beet",)), Fact(("plum",)))
    assert cases["list"].facts == cases["list"].items  # what fact recall reads
    assert cases["list"].exclude == (Fact(("--gamma",)),)
    assert cases["timeline"].dates == ("2020-01-02", "2021-05-06", "2022-07-08")
    assert (cases["overview"].points, cases["overview"].min_documents) == (
        (Fact(("--alpha",)), Fact(("--delta",))),
        2,
    )
    assert cases["comparison"].sides == (
        Side(Fact(("v1",)), (Fact(("--alpha",)),)),
        Side(Fact(("v4",)), unanswered=True),
    )
    assert cases["comparison"].facts == (Fact(("--alpha",)),)
    assert cases["mismatch"].unstated == Fact(("zstd",))
    assert cases["followup-lead"].subject == Fact(("--delta",))
    single = {key: value for key, value in CASES["mismatch"].items() if key != "unstated"}
    assert parse_case(single | {"tags": ["near"]}).analyst_tag is None


@pytest.mark.parametrize(
    ("tag", "fields", "expected"),
    [
        ("list", {"tags": ["list", "overview"]}, "at most one of the tags"),
        ("list", {"kind": "followup"}, "a 'list' case is of kind 'answerable'"),
        ("followup-lead", {"kind": "answerable"}, "is of kind 'followup'"),
        ("list", {"facts": [["rosy"]]}, "facts are its items: leave 'facts' out"),
        ("list", {"items": [["rosy"]]}, "'items' needs at least two items"),
        ("list", {"items": []}, "'items' must be a non-empty list"),
        ("list", {"points": [["rosy"]]}, "'points' is not a field of list case"),
        ("mismatch", {"tags": []}, "'unstated' is not a field of a single-fact case"),
        ("mismatch", {"unstated": []}, "'unstated' must not be empty"),
        ("timeline", {"dates": ["2020-01-02"]}, "'dates' needs one date per item"),
        ("timeline", {"dates": ["2020", "May 2021", "2022"]}, "'dates' are YYYY, YYYY-MM"),
        ("overview", {"min_documents": 0}, "'min_documents' must be an integer >= 1"),
        ("overview", {"min_documents": True}, "'min_documents' must be an integer >= 1"),
        ("comparison", {"sides": [{"name": ["v1"], "facts": [["x"]]}]}, "at least two sides"),
        (
            "comparison",
            {"sides": [{"name": ["a"], "unanswered": True}, {"name": ["b"], "unanswered": True}]},
            "a comparison needs a side the documents answer",
        ),
        (
            "comparison",
            {"sides": [{"name": ["a"], "facts": [["x"]]}, {"name": ["b"], "unanswered": "yes"}]},
            "'unanswered' must be true or false",
        ),
        (
            "comparison",
            {
                "sides": [
                    {"name": ["a"], "facts": [["x"]]},
                    {"name": ["b"], "unanswered": True, "facts": [["y"]]},
                ]
            },
            "an unanswered side has no 'facts'",
        ),
        ("comparison", {"sides": [{"facts": [["x"]]}, {"name": ["b"]}]}, "a side is {name, facts}"),
        ("followup-lead", {"subject": "--delta"}, "'subject' must be a list"),
    ],
)
def test_malformed_analyst_fields_are_named(
    tmp_path: Path, tag: str, fields: dict[str, Any], expected: str
) -> None:
    with pytest.raises(GoldenError, match=r"golden\.jsonl:1 case \w+: ") as failure:
        load(tmp_path, CASES[tag] | fields)
    assert expected in str(failure.value)


@pytest.mark.parametrize(
    ("tag", "fields", "expected"),
    [
        ("list", {"items": [["rosy"], ["teal"]]}, "fact teal is not stated by its evidence"),
        ("list", {"exclude": [["--omega"]]}, "excluded item --omega is in none of the sources"),
        ("overview", {"min_documents": 3}, "min_documents 3 is more than its 2 sources"),
        (
            "followup-lead",
            {"subject": ["--alpha"]},
            "subject --alpha is not stated by its evidence",
        ),
        ("timeline", {"source": [V1, V2]}, "a timeline has one source per item: 2 for 3"),
        (
            "timeline",
            {"source": [V2, V1, V3], "dates": ["2021-05-06", "2020-01-02", "2022-07-08"]},
            "the items are not in date order: 2021-05-06, 2020-01-02, 2022-07-08",
        ),
        ("timeline", {"source": [V1, V1, V3]}, "item --gamma is not in its source a/2020-01-02_v1"),
        (
            "timeline",
            {"dates": ["2020-01-02", "2021-06", "2022-07-08"]},
            "date 2021-06 of a/2021-05-06_v2.txt is not its published date 2021-05-06",
        ),
        (
            "timeline",
            {"source": [V2, V2, V2], "dates": ["2021", "2021-05", "2021-05-06"]},
            "a timeline needs items of at least two different dates",
        ),
    ],
)
def test_analyst_fields_that_disagree_with_the_documents_are_named(
    tmp_path: Path, tag: str, fields: dict[str, Any], expected: str
) -> None:
    case = CASES[tag] | fields
    if tag == "timeline" and "source" in fields and fields["source"][0] == V2:
        case["evidence"] = [DOCUMENTS[V2]]  # every item quoted from v2
    with pytest.raises(GoldenError) as failure:
        load(tmp_path, case)
    assert expected in str(failure.value)


def test_a_timeline_date_may_be_the_year_of_its_document(tmp_path: Path) -> None:
    (case,) = load(tmp_path, timeline(dates=["2020", "2021-05", "2022-07-08"]))
    assert case.dates == ("2020", "2021-05", "2022-07-08")
    undated = tmp_path / "undated.jsonl"
    undated.write_text(json.dumps(timeline()) + "\n", "utf-8")
    assert load_golden(undated, DOCUMENTS)[0].analyst_tag == "timeline"  # no dates to check
