"""The analyst questions' metrics (lists, timelines, overviews, comparisons, mismatches and
follow-ups) on hand-made answers in both styles: the extractive answerer's "Quote. [1]"
and an LLM's "Claim [1]."."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.evaluation.metrics import (
    NOT_STATED,
    Fact,
    Side,
    answer_sentences,
    cited_claims,
    cited_sources,
    date_before,
    fact_position,
    fact_present,
    first_cited_sentence,
    leads_with,
    normalise_for_comparison,
    opens_with_not_stated,
    says_not_stated,
    side_present,
    timeline_order,
)


def fact(*aliases: str) -> Fact:
    return Fact(aliases)


@dataclass
class Cited:
    """The fields of a citation that `cited_sources` reads."""

    n: int
    source: str


# --- sentences and claims ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "sentences"),
    [
        (
            "Ningbo set 5.5 percent. [1] Sanya set 6.5 percent. [2]",
            ["Ningbo set 5.5 percent. [1]", "Sanya set 6.5 percent. [2]"],
        ),
        (
            "Ningbo set 5.5 percent [1]. Sanya set 6.5 percent [2].",
            ["Ningbo set 5.5 percent [1].", "Sanya set 6.5 percent [2]."],
        ),
        ("A group. Of two. [1, 2] Next.", ["A group.", "Of two. [1, 2]", "Next."]),
        ("2024 (2024-03): One.\n2025 (2025): Two.", ["2024 (2024-03): One.", "2025 (2025): Two."]),
        (
            "U.S. sanctions, said Lizzi C. Lee. Next [1].",
            ["U.S. sanctions, said Lizzi C. Lee.", "Next [1]."],
        ),
        ("It grew 5.5% in 2024.", ["It grew 5.5% in 2024."]),
        ("   ", []),
    ],
)
def test_answer_sentences_keep_each_marker_with_its_sentence(
    answer: str, sentences: list[str]
) -> None:
    assert answer_sentences(answer) == sentences


def test_a_marker_backs_every_sentence_since_the_previous_one() -> None:
    extractive = "Beijing proposed rectification; etc. It may explain. [1] Zhejiang did. [2]"
    assert cited_claims(extractive) == [
        "Beijing proposed rectification; etc. It may explain. [1]",
        "Zhejiang did. [2]",
    ]
    assert first_cited_sentence(extractive) == "Beijing proposed rectification; etc."
    llm = "Sanya targets 6.5% [1][2]. Ningbo 5.5% [3]. Uncited tail."
    assert cited_claims(llm) == ["Sanya targets 6.5% [1][2]", "Ningbo 5.5% [3]"]
    assert first_cited_sentence(llm) == "Sanya targets 6.5% [1][2]"
    assert cited_claims("Nothing cited.") == []
    assert first_cited_sentence("Nothing cited.") is None


# --- positions and timelines ------------------------------------------------------------------


def test_fact_position_finds_the_first_mention_by_the_rules_of_fact_present() -> None:
    answer = "In 2021 markmatch [1]; then black on yellow; 1.5 seconds, not 15 or [5]."
    items = [fact("markmatch"), fact("Black on Yellow"), fact("1.5 seconds"), fact("15")]
    positions = [fact_position(answer, item) for item in items]
    assert all(p is not None for p in positions)
    assert positions == sorted(positions)  # in the order the answer states them
    assert fact_position(answer, fact("5")) is None  # "[5]" is a marker, "1.5" is not 5
    assert fact_position("the US tariff", fact("US")) == 4  # an acronym in capitals
    assert fact_position("tell us", fact("US")) is None
    # case folding that lengthens text ("ß" -> "ss") does not shift later offsets
    assert fact_position("Straße, then Sanya", fact("sanya")) == len("Straße, then ")


@pytest.mark.parametrize(
    "answer",
    ["around 5.5% growth", "5.50 percent", "Deyang, over 6.5", "nothing", "5.5.1", "the U.S."],
)
def test_fact_position_and_fact_present_agree(answer: str) -> None:
    for item in (fact("5.5"), fact("Deyang"), fact("U.S."), fact("6.5", "Sanya")):
        assert (fact_position(answer, item) is not None) == fact_present(answer, item)


def test_dates_are_ordered_by_their_common_precision() -> None:
    assert date_before("2024-03", "2025")
    assert date_before("2025-01-10", "2025-03-20")
    assert not date_before("2025", "2025-03-20")  # the year alone: neither is known first
    assert not date_before("2025-03-20", "2025")
    assert not date_before("2026-01", "2025-12-31")


ITEMS = [fact("sidelines"), fact("19"), fact("primary objective"), fact("downgraded")]
DATES = ["2024-03", "2025", "2025-03-20", "2026-01"]


def test_timeline_order_is_the_share_of_dated_pairs_in_date_order() -> None:
    in_order = (
        "2024: sidelines [1]. 2025: 19 of 31 [2]. Primary objective [3]. 2026: downgraded [4]."
    )
    reversed_ = "2026: downgraded [4]. Primary objective [3]. 19 of 31 [2]. 2024: sidelines [1]."
    # "2025" and "2025-03-20" are not ordered: 5 of the 6 pairs count
    assert timeline_order(in_order, ITEMS, DATES) == 1.0
    assert timeline_order(reversed_, ITEMS, DATES) == 0.0
    swapped = "Sidelines [1]. Downgraded [4]. 19 [2]. Primary objective [3]."
    assert timeline_order(swapped, ITEMS, DATES) == pytest.approx(3 / 5)
    # the same-date pair in either order changes nothing
    same_date_swapped = "Sidelines [1]. Primary objective [3]. 19 [2]. Downgraded [4]."
    assert timeline_order(same_date_swapped, ITEMS, DATES) == 1.0


def test_a_missing_item_leaves_its_pairs_out_of_order() -> None:
    no_2025 = "Sidelines [1]. Primary objective [3]. Downgraded [4]."
    assert timeline_order(no_2025, ITEMS, DATES) == pytest.approx(3 / 5)
    assert timeline_order("", ITEMS, DATES) == 0.0
    assert timeline_order("anything", ITEMS[:2], ["2025", "2025-01"]) is None


# --- overviews --------------------------------------------------------------------------------


def test_cited_sources_are_those_the_markers_point_to() -> None:
    citations = [Cited(1, "a.txt"), Cited(2, "b.txt"), Cited(3, "a.txt"), Cited(4, "c.txt")]
    assert cited_sources("One [1]. Two [3]. Three [2].", citations) == {"a.txt", "b.txt"}
    assert cited_sources("No markers.", citations) == set()


# --- refusal notes, comparisons, mismatches ---------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "The documents don't state China's 2025 target",
        "The documents don’t state it",  # a curly apostrophe
        "The sources do not give a figure",
        "Neither document says; they never mention Hangzhou",
        "The 2025 figure is not stated",
        "There is no figure for 2025",
        "The reports did not specify",
    ],
)
def test_notes_that_the_documents_do_not_state_something(note: str) -> None:
    assert NOT_STATED.search(normalise_for_comparison(note))


@pytest.mark.parametrize(
    "text",
    ["The statement gives 5.5 percent", "Ningbo stated its target", "It does not slow down"],
)
def test_ordinary_sentences_are_no_such_note(text: str) -> None:
    assert not NOT_STATED.search(text)


def test_a_side_is_present_by_its_facts_or_by_saying_it_is_not_answered() -> None:
    wuhan = Side(fact("Wuhan"), (fact("6"),))
    hangzhou = Side(fact("Hangzhou"), unanswered=True)
    both = "Wuhan anticipated around 6 percent [1]. The documents don't give Hangzhou's target."
    assert side_present(both, wuhan) and side_present(both, hangzhou)
    # the note must name the side in the same sentence
    apart = "Hangzhou is a city. The documents don't give its target. Wuhan 6 percent [1]."
    assert side_present(apart, wuhan) and not side_present(apart, hangzhou)
    assert not side_present("Wuhan anticipated growth [1].", wuhan)  # the figure is missing
    assert says_not_stated("They do not state 2025's increase; 2024's was 7.2% [1].", fact("2025"))


CHINA = fact("China", "national")


def test_a_mismatch_answer_must_open_with_the_note_about_the_asked_subject() -> None:
    good = "The documents don't state China's 2025 target; they give TBI's 5.3 percent [1]."
    assert opens_with_not_stated(good, CHINA)
    separate = "The documents do not state the national target.\nTBI estimates 5.3 per cent. [1]"
    assert opens_with_not_stated(separate, CHINA)
    # a cited claim first, the note after it: the reader has already taken 5.5 as the answer
    late = "Ningbo set 5.5 percent. [1] The documents don't state China's target."
    assert not opens_with_not_stated(late, CHINA)
    after_marker = "Ningbo set 5.5 percent [1], but the documents don't state China's target."
    assert not opens_with_not_stated(after_marker, CHINA)
    # a note about something else, or no note at all
    assert not opens_with_not_stated("The documents don't state Ningbo's plan. 5.3 [1]", CHINA)
    assert not opens_with_not_stated("China's provinces suggest 5.3 percent. [1]", CHINA)
    assert not opens_with_not_stated("", CHINA)


def test_a_follow_up_answer_must_lead_with_its_subject() -> None:
    sanya = fact("Sanya")
    assert leads_with("Sanya projected around 6.5 percent. [1] Ningbo set 5.5. [2]", sanya)
    ningbo_first = "Ningbo set more than 5.5 percent. [1] Sanya projected 6.5 percent. [2]"
    assert not leads_with(ningbo_first, sanya)
    # a claim of two quoted sentences leads with its first
    group = "Ningbo set 5.5 percent. Sanya projected 6.5 percent. [1]"
    assert not leads_with(group, sanya)
    assert leads_with("Sanya plans customs. It also courts investment. [1]", sanya)
    assert not leads_with("Sanya projected 6.5 percent.", sanya)  # nothing is cited
