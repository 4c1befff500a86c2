"""How `assistant eval` scores the analyst questions: each tag's metric on one answer, the
single-fact figures left as they were, per-tag and per-part figures, the gate and the table."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from assistant.evaluation.golden import GoldenCase
from assistant.evaluation.metrics import Fact, Side
from assistant.evaluation.runner import (
    ANALYST_METRICS,
    PARTS,
    _tables,
    by_tag,
    check_thresholds,
    score_analyst,
    score_case,
    summarise,
)
from assistant.schema import AskResult, Citation

TEXTS = {
    "a.txt": "Sanya projected around 6.5 percent. Deyang forecast over 6.5 percent.",
    "b.txt": "Wuhan anticipated around 6 percent. Tibet aims above 7 per cent.",
    "c.txt": "Ningbo set more than 5.5 percent. Consumption is a priority.",
}


def fact(*aliases: str) -> Fact:
    return Fact(aliases)


def cite(n: int, source: str, sentence: str) -> Citation:
    start = TEXTS[source].index(sentence)
    end = start + len(sentence)
    return Citation(
        n=n,
        source=source,
        title=source,
        chunk_id=f"{source}-0",
        start=start,
        end=end,
        text=sentence,
        quote=sentence,
        quote_start=start,
        quote_end=end,
    )


def answer(*parts: tuple[str, str], prefix: str = "") -> AskResult:
    """An extractive-style answer quoting each (source, sentence) with its own marker."""
    citations = [cite(n, source, sentence) for n, (source, sentence) in enumerate(parts, 1)]
    text = prefix + " ".join(f"{c.quote} [{c.n}]" for c in citations)
    return AskResult(answer=text, citations=citations)


SANYA = ("a.txt", "Sanya projected around 6.5 percent.")
DEYANG = ("a.txt", "Deyang forecast over 6.5 percent.")
WUHAN = ("b.txt", "Wuhan anticipated around 6 percent.")
TIBET = ("b.txt", "Tibet aims above 7 per cent.")
NINGBO = ("c.txt", "Ningbo set more than 5.5 percent.")
REFUSAL = AskResult(answer="The documents don't answer this.", abstained=True)

BASE = GoldenCase(
    id="x1",
    kind="answerable",
    question="?",
    sources=("a.txt", "b.txt"),
    evidence=(SANYA[1], TIBET[1]),
)
LIST = replace(
    BASE,
    id="li1",
    tags=("list",),
    items=(fact("Sanya"), fact("Deyang"), fact("Tibet")),
    facts=(fact("Sanya"), fact("Deyang"), fact("Tibet")),
    exclude=(fact("Wuhan"),),
)
TIMELINE = replace(
    BASE,
    id="tl1",
    tags=("timeline",),
    sources=("c.txt", "a.txt", "b.txt"),
    items=(fact("Ningbo"), fact("Sanya"), fact("Tibet")),
    facts=(fact("Ningbo"), fact("Sanya"), fact("Tibet")),
    dates=("2024", "2025-01", "2026-02"),
)
OVERVIEW = replace(
    BASE,
    id="ov1",
    tags=("overview",),
    sources=("a.txt", "b.txt", "c.txt"),
    points=(fact("6.5"), fact("Tibet"), fact("consumption")),
    facts=(fact("6.5"), fact("Tibet"), fact("consumption")),
    min_documents=2,
)
COMPARISON = replace(
    BASE,
    id="cm1",
    tags=("comparison",),
    sides=(Side(fact("Wuhan"), (fact("6"),)), Side(fact("Hangzhou"), unanswered=True)),
    facts=(fact("6"),),
)
MISMATCH = replace(
    BASE, id="mm1", tags=("mismatch",), unstated=fact("Hainan"), facts=(fact("Sanya"),)
)
FOLLOWUP = replace(
    BASE,
    id="fl1",
    kind="followup",
    tags=("followup-lead",),
    history=({"role": "user", "content": "And Ningbo?"},),
    subject=fact("Deyang"),
    facts=(fact("6.5"),),
)


def scores(case: GoldenCase, result: AskResult) -> dict[str, float | None]:
    return score_analyst(case, result)[0]


def test_list_recall_and_exclusion() -> None:
    assert scores(LIST, answer(SANYA, DEYANG, TIBET)) == {
        "list_recall": 1.0,
        "list_exclusion": 1.0,
    }
    assert scores(LIST, answer(SANYA, DEYANG, WUHAN)) == {
        "list_recall": pytest.approx(2 / 3),
        "list_exclusion": 0.0,  # Wuhan's "around 6" is not above 6
    }
    assert scores(LIST, REFUSAL) == {"list_recall": 0.0, "list_exclusion": 0.0}
    assert scores(replace(LIST, exclude=()), answer(SANYA)) == {"list_recall": pytest.approx(1 / 3)}


def test_timeline_recall_and_date_order() -> None:
    assert scores(TIMELINE, answer(NINGBO, SANYA, TIBET)) == {
        "timeline_recall": 1.0,
        "timeline_order": 1.0,
    }
    backwards = scores(TIMELINE, answer(TIBET, SANYA, NINGBO))
    assert backwards == {"timeline_recall": 1.0, "timeline_order": 0.0}
    partial = scores(TIMELINE, answer(NINGBO, TIBET))
    assert partial == {
        "timeline_recall": pytest.approx(2 / 3),
        "timeline_order": pytest.approx(1 / 3),
    }
    assert scores(TIMELINE, REFUSAL) == {"timeline_recall": 0.0, "timeline_order": 0.0}


def test_overview_coverage_documents_and_answered() -> None:
    two_documents = answer(SANYA, TIBET)
    assert scores(OVERVIEW, two_documents) == {
        "overview_coverage": pytest.approx(2 / 3),
        "overview_documents": 1.0,
        "overview_answered": 1.0,
    }
    one_document = scores(OVERVIEW, answer(SANYA, DEYANG))
    assert one_document["overview_documents"] == 0.0  # cites one of the two it needs
    # a citation whose marker is not in the answer does not count as cited
    unmarked = two_documents.model_copy(update={"answer": f"{SANYA[1]} [1]"})
    assert scores(OVERVIEW, unmarked)["overview_documents"] == 0.0
    assert scores(OVERVIEW, REFUSAL) == {
        "overview_coverage": 0.0,
        "overview_documents": 0.0,
        "overview_answered": 0.0,
    }


def test_comparison_sides() -> None:
    note = "The documents don't give Hangzhou's target. "
    assert scores(COMPARISON, answer(WUHAN, prefix=note)) == {"comparison_sides": 1.0}
    outcome = score_analyst(COMPARISON, answer(WUHAN))
    assert outcome == (
        {"comparison_sides": 0.5},
        ["comparison: no sentence says the documents do not answer Hangzhou"],
    )
    assert scores(COMPARISON, REFUSAL) == {"comparison_sides": 0.0}


def test_mismatch_is_said_first_and_the_documents_facts_given() -> None:
    note = "The documents don't state Hainan's own target; they give Sanya's. "
    assert scores(MISMATCH, answer(SANYA, prefix=note)) == {"mismatch_stated": 1.0}
    assert scores(MISMATCH, answer(SANYA)) == {"mismatch_stated": 0.0}
    # the note without what the documents do give is not enough
    assert scores(MISMATCH, answer(NINGBO, prefix=note.replace("Sanya's", "a city's"))) == {
        "mismatch_stated": 0.0
    }
    assert scores(MISMATCH, REFUSAL) == {"mismatch_stated": 0.0}


def test_a_follow_up_leads_with_its_subject() -> None:
    assert scores(FOLLOWUP, answer(DEYANG, SANYA)) == {"followup_lead": 1.0}
    assert score_analyst(FOLLOWUP, answer(SANYA, DEYANG)) == (
        {"followup_lead": 0.0},
        ["follow-up: the first cited sentence does not name Deyang"],
    )


def test_a_single_fact_case_gets_no_analyst_score() -> None:
    assert score_analyst(replace(BASE, facts=(fact("Sanya"),)), answer(SANYA)) == ({}, [])


def test_an_analyst_case_names_its_own_problems_not_missing_facts() -> None:
    outcome = score_case(LIST, answer(SANYA, WUHAN), [], TEXTS)
    assert outcome.problems[:2] == [
        "list: missing items: Deyang; Tibet",
        "list: names what the question excludes: Wuhan",
    ]
    assert not any(p.startswith("missing facts") for p in outcome.problems)
    assert outcome.analyst == {"items": ["Sanya", "Deyang", "Tibet"], "exclude": ["Wuhan"]}
    refused = score_case(LIST, REFUSAL, [], TEXTS)
    assert refused.problems[:2] == [
        "abstained on an answerable question",
        "list: missing items: Sanya; Deyang; Tibet",
    ]
    mismatch = score_case(MISMATCH, answer(NINGBO), [], TEXTS)
    assert mismatch.problems[:2] == [
        "mismatch: does not open saying the documents lack Hainan",
        "missing facts: Sanya",
    ]


def test_the_single_fact_figures_leave_the_analyst_cases_out() -> None:
    single = replace(BASE, id="a1", facts=(fact("Tibet"),))
    plain = [score_case(single, answer(TIBET), [], TEXTS)]
    analyst = [
        score_case(LIST, REFUSAL, [], TEXTS),
        score_case(FOLLOWUP, answer(SANYA), [], TEXTS),
        score_case(OVERVIEW, answer(SANYA, TIBET), [], TEXTS),
    ]
    before, after = summarise(plain), summarise(plain + analyst)
    for key in ("fact_recall", "false_abstention_rate", "hit_at_3", "citation_precision"):
        assert after[key] == before[key], key
    assert before["followup_accuracy"] is None and after["followup_accuracy"] is None
    assert after["citation_validity"] == 1.0  # every citation counts, whatever was asked
    assert after["list_recall"] == 0.0
    assert after["followup_lead"] == 0.0
    assert after["overview_coverage"] == pytest.approx(2 / 3)
    assert after["timeline_order"] is None and before["list_recall"] is None


def test_analyst_figures_per_tag_and_part_and_in_the_gate() -> None:
    plain = replace(BASE, id="a1", facts=(fact("Tibet"),), tags=("paraphrase",))
    outcomes = [
        score_case(plain, answer(TIBET), [], TEXTS),
        score_case(replace(LIST, tags=("list", "paraphrase")), answer(SANYA, DEYANG), [], TEXTS),
        score_case(FOLLOWUP, answer(DEYANG), [], TEXTS),
    ]
    tags = by_tag(outcomes)
    assert tags["paraphrase"][outcomes[0].part] == {"fact_recall": 1.0, "cases": 1}  # list left out
    assert tags["list"][outcomes[1].part] == {
        "fact_recall": pytest.approx(2 / 3),
        "cases": 1,
        "list_recall": pytest.approx(2 / 3),
        "list_exclusion": 1.0,
    }
    assert tags["followup-lead"][outcomes[2].part]["followup_lead"] == 1.0
    parts = {part: summarise([o for o in outcomes if o.part == part]) for part in PARTS}
    bounds = {"hybrid": {"min": {key: 0.0 for key, _, _ in ANALYST_METRICS}}}
    passed, failed = check_thresholds({"hybrid": parts}, bounds)
    assert not any("unknown metric" in line for line in failed)
    assert len(passed) + len(failed) == len(ANALYST_METRICS)


def test_the_table_prints_each_analyst_metric_with_its_own_counts() -> None:
    outcomes = [
        score_case(LIST, answer(SANYA, DEYANG, TIBET), [], TEXTS),
        score_case(replace(LIST, id="li2", exclude=()), answer(SANYA), [], TEXTS),
    ]
    mode = {
        "metrics": summarise(outcomes),
        "parts": {part: summarise([o for o in outcomes if o.part == part]) for part in PARTS},
        "tags": by_tag(outcomes),
        "latency_ms": {},
        "failing": 1,
        "cases": [asdict(o) for o in outcomes],
    }
    table = _tables({"modes": {"hybrid": mode}}, markdown=False)
    rows = {line.split("  ")[0]: line for line in table.splitlines()}
    counts = {part: sum(o.part == part for o in outcomes) for part in PARTS}
    excluded = {part: sum(o.part == part and o.id == "li1" for o in outcomes) for part in PARTS}
    assert f"list: item recall ({counts['tuning']}/{counts['test']})" in rows
    assert f"list: no excluded item ({excluded['tuning']}/{excluded['test']})" in rows
    assert not any(row.startswith("timeline") for row in rows)  # no timeline case: no row
