"""Every eval metric on small hand-made cases, edge cases included (no model, no index)."""

from __future__ import annotations

import pytest

from assistant.evaluation.metrics import (
    Fact,
    citation_markers,
    citation_precision,
    citation_problems,
    contains_quote,
    evidence_matches,
    fact_present,
    fact_recall,
    hit_at,
    latency_summary,
    mean,
    missing_facts,
    normalise_for_comparison,
    numbers_in,
    parse_number,
    percentile,
    recall_at,
    reciprocal_rank,
)
from assistant.schema import Citation

QUOTE = "listed by 19 out of 31 provinces as their top priority for 2025"


def fact(*aliases: str, tolerance: float | None = None) -> Fact:
    return Fact(aliases, tolerance)


# --- quotes and retrieval -----------------------------------------------------------------------


def test_normalise_ignores_case_typography_and_whitespace() -> None:
    assert normalise_for_comparison("Qinghai’s  “around\n4.5 per cent” – 2021—2025") == (
        'qinghai\'s "around 4.5 per cent" - 2021-2025'
    )
    assert normalise_for_comparison("PLA", casefold=False) == "PLA"


def test_quote_found_despite_quotes_dashes_and_line_breaks() -> None:
    passage = "Tibet’s “above 7 per cent”\nand the 2021–2025 plan."
    assert contains_quote(passage, 'Tibet\'s "above 7 per cent" and the 2021-2025 plan')


def test_quote_straddling_a_chunk_boundary_counts_for_its_larger_part() -> None:
    cut = len(QUOTE) * 2 // 3
    first, second = "Domestic demand was " + QUOTE[:cut], QUOTE[cut:] + ". Next sentence."
    assert contains_quote(first, QUOTE)  # two thirds, at the end of the chunk
    assert not contains_quote(second, QUOTE)  # one third, at the start of the next
    assert contains_quote(QUOTE[cut // 2 :] + " and more", QUOTE)  # the larger part starts it


def test_part_of_a_quote_inside_a_passage_does_not_count() -> None:
    # Not at a chunk boundary, so not a straddling quote: just shared words.
    assert not contains_quote("x " + QUOTE[:40] + " something else entirely.", QUOTE)
    assert not contains_quote("anything", "")


def test_hits_recall_and_reciprocal_rank() -> None:
    evidence = ["alpha beta gamma delta", "epsilon zeta eta theta"]
    passages = ["nothing here", "... Alpha  beta gamma delta ...", "epsilon zeta eta theta"]
    matches = evidence_matches(passages, evidence)
    assert matches == [set(), {0}, {1}]
    assert [hit_at(matches, k) for k in (1, 3, 5)] == [0.0, 1.0, 1.0]
    assert recall_at(matches, 2, 2) == 0.5
    assert recall_at(matches, 2, 3) == 1.0
    assert reciprocal_rank(matches) == 0.5


def test_retrieval_metrics_of_no_passages() -> None:
    assert hit_at([], 3) == 0.0
    assert recall_at([], 2, 5) == 0.0
    assert recall_at([{0}], 0, 5) == 0.0
    assert reciprocal_rank([set(), set()]) == 0.0


# --- facts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    ["a target of 5.5%", "5.5 percent", "5.5 per cent", "about 5.50 this year", "(5.5)"],
)
def test_number_formats_match(answer: str) -> None:
    assert fact_present(answer, fact("5.5"))


@pytest.mark.parametrize(
    ("answer", "alias"), [("2,000 events", "2000"), ("2000 events", "2,000"), ("1,000", "1000")]
)
def test_thousands_separators_do_not_matter(answer: str, alias: str) -> None:
    assert fact_present(answer, fact(alias))


@pytest.mark.parametrize(
    "answer", ["grew 5.5%", "grew 15%", "in 2025", "a 0.5 point cut", "see [5].", "5,500 firms"]
)
def test_a_number_only_matches_itself(answer: str) -> None:
    assert not fact_present(answer, fact("5"))


def test_numbers_in_text() -> None:
    assert numbers_in("From 15-30% to 2,000, then 5.50 and 2024, 2025.") == [
        15,
        30,
        2000,
        5.5,
        2024,
        2025,
    ]
    assert parse_number("5.5 percent") == 5.5
    assert parse_number("2,000") == 2000
    assert parse_number("March 5") is None


def test_aliases_spelling_and_typography() -> None:
    modernisation = fact("industrial modernisation", "industrial modernization")
    assert fact_present("Industrial Modernization led in 2024.", modernisation)
    assert fact_present("the People’s Liberation Army", fact("People's Liberation Army"))
    assert fact_present("avoid knee‑jerk decisions", fact("knee-jerk"))
    assert fact_present("sixty reports", fact("60", "sixty"))


def test_text_aliases_are_word_bounded() -> None:
    assert fact_present("on March 5, 2024", fact("March 5"))
    assert not fact_present("on March 15", fact("March 5"))
    assert not fact_present("on March 5.5", fact("March 5"))
    assert not fact_present("Tibetan plateau", fact("Tibet"))


def test_acronyms_match_in_capitals_only() -> None:
    assert fact_present("tariffs on the US", fact("US", "United States"))
    assert not fact_present("it told us so", fact("US"))
    assert fact_present("the united states", fact("US", "United States"))


def test_tolerance() -> None:
    approx = fact("5", tolerance=0.1)
    assert fact_present("about 4.95 percent", approx)
    assert not fact_present("about 4.8 percent", approx)
    assert not fact_present("about 4.95 percent", fact("5"))


def test_empty_answer_states_nothing() -> None:
    assert not fact_present("", fact("5"))
    assert fact_recall("", [fact("5"), fact("Jilin")]) == 0.0
    assert missing_facts("   ", [fact("Jilin")]) == [fact("Jilin")]


def test_fact_recall_is_the_share_of_facts_stated() -> None:
    facts = [fact("Jilin"), fact("Shanxi")]
    assert fact_recall("Jilin and Shanxi are excluded [1].", facts) == 1.0
    assert fact_recall("Jilin is excluded [1].", facts) == 0.5
    assert fact_recall("anything", []) == 1.0


# --- citations --------------------------------------------------------------------------------

DOCUMENT = "Intro line.\nJilin and Shanxi are excluded. Other text follows here."


def citation(n: int, start: int = 12, end: int = 64, quote: tuple[int, int] = (12, 42)) -> Citation:
    return Citation(
        n=n,
        source="doc.txt",
        title="Doc",
        chunk_id=f"c{n}",
        start=start,
        end=end,
        text=DOCUMENT[start:end],
        quote=DOCUMENT[quote[0] : quote[1]],
        quote_start=quote[0],
        quote_end=quote[1],
    )


def test_citation_markers() -> None:
    assert citation_markers("A [1]. B [2, 3]. C [1][9]; not [x] or [].") == [1, 2, 3, 1, 9]
    assert citation_markers("") == []


def test_valid_citations_have_no_problems() -> None:
    docs = {"doc.txt": DOCUMENT}
    assert (
        citation_problems("Jilin and Shanxi. [1] More [2].", [citation(1), citation(2)], docs) == []
    )


def test_out_of_range_marker_is_invalid() -> None:
    docs = {"doc.txt": DOCUMENT}
    problems = citation_problems("Claim [1]. Claim [9].", [citation(1), citation(2)], docs)
    assert problems == ["[9] resolves to no citation"]


def test_uncited_answer_is_invalid_unless_abstained() -> None:
    docs = {"doc.txt": DOCUMENT}
    assert citation_problems("Jilin.", [], docs) == ["the answer carries no [n] marker"]
    assert citation_problems("The documents do not say.", [], docs, abstained=True) == []
    assert citation_problems("", [], docs) == []


def test_citation_spans_must_match_the_document() -> None:
    docs = {"doc.txt": DOCUMENT}
    shifted = citation(1).model_copy(update={"start": 13})
    assert citation_problems("A [1].", [shifted], docs) == ["[1] passage is not doc.txt[13:64]"]
    outside = citation(1, start=12, end=30, quote=(12, 42))
    assert citation_problems("A [1].", [outside], docs) == ["[1] quote is not doc.txt[12:42]"]
    assert citation_problems("A [1].", [citation(1)], {}) == [
        "[1] cites 'doc.txt', which is not in the corpus"
    ]


def test_citation_precision() -> None:
    evidence = ["Jilin and Shanxi are excluded"]
    assert citation_precision([DOCUMENT, "unrelated passage"], evidence) == 0.5
    assert citation_precision([DOCUMENT], evidence) == 1.0
    assert citation_precision([], evidence) is None


# --- aggregation and latency ------------------------------------------------------------------


def test_mean_skips_undefined_values() -> None:
    assert mean([1.0, None, 0.0]) == 0.5
    assert mean([None]) is None
    assert mean([]) is None


def test_percentiles_interpolate_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_latency_summary_per_stage() -> None:
    summary = latency_summary(
        [{"retrieve": 10.0, "answer": 1.0}, {"retrieve": 30.0, "answer": 3.0}, {"retrieve": 20.0}]
    )
    assert summary["retrieve"] == {"p50": 20.0, "p95": pytest.approx(29.0)}
    assert summary["answer"] == {"p50": 2.0, "p95": pytest.approx(2.9)}
    assert latency_summary([]) == {}
