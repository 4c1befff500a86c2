"""The parts of analysts' answers that are pure arithmetic: conditions and centrality."""

from __future__ import annotations

import numpy as np
from langchain_core.documents import Document

from assistant.answer.extractive.analyst import AnalystAnswers, lexrank, meets, numeric_condition
from assistant.answer.extractive.scoring import Candidate
from assistant.config import AnswererWeights


def test_a_numeric_condition_is_read_with_its_unit_and_years_are_no_figures() -> None:
    condition = numeric_condition("Which cities set targets above 6 percent?")
    assert condition == (">", 6.0, "percent")
    assert meets("Sanya projected growth of around 6.5 percent for 2025.", condition)
    assert not meets("Wuhan anticipated around 6 percent in 2025.", condition)
    assert not meets("In 2025 the city grew.", condition)
    assert numeric_condition("at least 2 billion yuan") == (">=", 2.0, "billion")
    assert numeric_condition("What is the target?") is None


def test_lexrank_puts_the_sentence_most_like_the_others_first() -> None:
    similarity = np.array(
        [
            [1.0, 0.5, 0.5, 0.0],
            [0.5, 1.0, 0.0, 0.0],
            [0.5, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    rank = lexrank(similarity)
    assert int(np.argmax(rank)) == 0
    assert rank[3] < rank[1]
    assert abs(rank.sum() - 1.0) < 1e-6


def _candidate(text: str, source: str, title: str, score: float) -> Candidate:
    passage = Document(
        page_content=text,
        metadata={
            "source": source,
            "title": title,
            "start": 0,
            "end": len(text),
            "chunk_id": source,
        },
    )
    return Candidate(passage, 0, 0, len(text), text, score, frozenset(), 0)


class _UniformLexical:
    @staticmethod
    def idf(term: str) -> float:
        return 1.0


class _UniformScorer:
    """A scorer whose every term weighs the same: lists compare sentences by words alone."""

    lexical = _UniformLexical()


def test_a_side_named_only_by_its_documents_identity_is_answered_from_that_document() -> None:
    """Release notes never repeat their version: "Click 7.0" is found in the identity of
    the 7.0 notes, and each side quotes its own document, not the best-scoring one."""
    newer = _candidate("Drop support for Python 3.6.", "click/8.1.0.txt", "click v8.1.0", 0.9)
    older = _candidate("Drop support for Python 2.6 and 3.3.", "click/7.0.txt", "click v7.0", 0.5)
    answers = AnalystAnswers(scorer=None, weights=AnswererWeights())  # type: ignore[arg-type]
    result = answers.comparison(("Click 7.0", "Click 8.1.0"), [newer, older], {})
    assert not result.abstained
    assert result.answer.index("2.6 and 3.3") < result.answer.index("Python 3.6")
    assert "don't say" not in result.answer


def test_a_sides_overlong_sentence_is_quoted_by_the_clauses_on_the_compared_subject() -> None:
    """Legal texts run one sentence past sixty words: a comparison quotes the clauses on
    what is compared, marked as cut, as a single-fact answer would."""
    long = (
        "If you violate this license, your rights terminate automatically, "
        + "and every recipient of copies, in whatever form and from whatever source, " * 5
        + "keeps the licenses granted to them."
    )
    older = _candidate(long, "GPL-2", "GPL version 2", 0.9)
    newer = _candidate("Your license is reinstated after 30 days.", "GPL-3", "GPL version 3", 0.8)
    answers = AnalystAnswers(scorer=None, weights=AnswererWeights())  # type: ignore[arg-type]
    weights = {"violat": 1.0, "licens": 1.0, "termin": 1.0}
    result = answers.comparison(("GPL 2", "GPL 3"), [older, newer], weights)
    assert "your rights terminate automatically" in result.answer
    assert "keeps the licenses granted" not in result.answer
    assert " …" in result.answer


def test_a_side_whose_best_sentence_is_off_the_subject_is_said_to_be_unanswered() -> None:
    """Every sentence of Roosevelt's letters names Roosevelt through their file names; their
    best on housing, one on schools scored far below Truman's, is no answer for his side."""
    truman = _candidate(
        "The housing shortage remains our most urgent problem.",
        "1947-Truman-1.txt",
        "1947 Truman 1",
        0.37,
    )
    roosevelt = _candidate(
        "We must also build 400 new schools in the rural districts.",
        "1934-Roosevelt-1.txt",
        "1934 Roosevelt 1",
        0.02,
    )
    weights = AnswererWeights()
    answers = AnalystAnswers(scorer=None, weights=weights)  # type: ignore[arg-type]
    result = answers.comparison(("Roosevelt", "Truman"), [truman, roosevelt], {})
    assert result.answer.startswith("The documents don't say for Roosevelt. Truman: The housing")
    assert "schools" not in result.answer
    lenient = AnalystAnswers(
        scorer=None,  # type: ignore[arg-type]
        weights=weights.model_copy(update={"comparison_score_ratio": 0.0}),
    )
    assert "schools" in lenient.comparison(("Roosevelt", "Truman"), [truman, roosevelt], {}).answer


def test_a_sides_version_is_no_number_of_another_documents_sentence() -> None:
    """ "(2) arrange to deprive yourself ..." of GPL-3 is no sentence on the GPL 2."""
    gpl3 = _candidate(
        "Then you must either (1) make the source available, or (2) arrange to deprive "
        "yourself of the benefit of the patent license.",
        "GPL-3",
        "GNU General Public License",
        0.9,
    )
    answers = AnalystAnswers(scorer=None, weights=AnswererWeights())  # type: ignore[arg-type]
    result = answers.comparison(("GPL 2", "GPL 3"), [gpl3], {})
    assert result.answer.startswith("The documents don't say for GPL 2. GPL 3: Then you must")


def test_a_function_side_is_named_by_its_own_name_called() -> None:
    """ "match()" is the sentence saying "match()" or "re.match(pattern, ...)", not one
    saying "match" as a verb; "shutil.copy()" is "copy()", not "copy2()"."""
    verb = _candidate("The RE can match many strings.", "intro.html", "Regex HOWTO", 0.9)
    match = _candidate("match() looks at the start.", "match.html", "Regex HOWTO", 0.5)
    search = _candidate("search() looks anywhere.", "search.html", "Regex HOWTO", 0.4)
    answers = AnalystAnswers(scorer=None, weights=AnswererWeights())  # type: ignore[arg-type]
    result = answers.comparison(("match()", "search()"), [verb, match, search], {})
    assert "can match" not in result.answer and "at the start" in result.answer
    copy2 = _candidate("copy2() also keeps metadata.", "copy2.html", "shutil", 0.9)
    copy = _candidate("copy() keeps the mode bits.", "copy.html", "shutil", 0.5)
    result = answers.comparison(("shutil.copy()", "shutil.copy2()"), [copy2, copy], {})
    assert result.answer.index("mode bits") < result.answer.index("also keeps")


def test_a_list_asked_about_a_path_lists_only_sentences_that_say_it() -> None:
    """ "Which directories ... mention /usr/local?" lists the sentences on /usr/local, not
    the best-scoring ones on the directories in general; with none, nothing is listed."""
    general = _candidate("Every directory has its purpose.", "a.txt", "FHS", 0.9)
    local = _candidate("/usr/local holds software installed locally.", "b.txt", "FHS", 0.5)

    answers = AnalystAnswers(scorer=_UniformScorer(), weights=AnswererWeights())  # type: ignore[arg-type]
    question = "Which directories does the FHS say hold /usr/local software?"
    listed = [c.text for c in answers.listing(question, [general, local])]
    assert listed == [local.text]
    assert answers.listing("Which directories hold /opt software?", [general, local]) == []


def test_documents_compared_as_wholes_are_each_quoted_from_their_own_text() -> None:
    """ "Compare grep 2.27 and grep 2.28.": 2.28's "[bugs introduced in grep-2.27]" scores
    best for 2.27 by naming it, but with no subject asked, each side is its own notes, the
    floor that keeps an off-subject sentence out not applying."""
    later = _candidate(
        "grep no longer fails on /dev/null. [bugs introduced in grep-2.27]",
        "grep/v2.28.txt",
        "grep v2.28",
        0.54,
    )
    fix = _candidate("Fix a performance regression.", "grep/v2.28.txt", "grep v2.28", 0.2)
    own = _candidate("grep -T now uses worst-case widths.", "grep/v2.27.txt", "grep v2.27", 0.07)
    answers = AnalystAnswers(scorer=None, weights=AnswererWeights())  # type: ignore[arg-type]
    sides = ("grep 2.27", "grep 2.28")
    whole = answers.comparison(sides, [later, fix, own], {}, subject=False)
    assert [c.source for c in whole.citations] == ["grep/v2.27.txt", "grep/v2.28.txt"]
    assert "worst-case widths" in whole.answer
    on_subject = answers.comparison(sides, [later, fix, own], {})
    assert "worst-case widths" not in on_subject.answer


def test_a_list_from_named_documents_leaves_out_others_when_theirs_lead_as_a_fact_would() -> None:
    """ "Which nano releases in 2021 ...?": a 2020 release's sentence scores best, but the
    2021 releases' best scores above `named_lead_score_ratio` of it, so they alone are
    listed; far below, the question's naming is not trusted over the scores."""
    from assistant.retrieve.scope import NAMED_SCOPE_KEY

    def flagged(candidate: Candidate, named: bool) -> Candidate:
        candidate.passage.metadata[NAMED_SCOPE_KEY] = named
        return candidate

    older = flagged(_candidate("Key bindings changed.", "nano/2020.txt", "nano 2020", 0.9), False)
    newer = flagged(_candidate("M-D counts words.", "nano/2021.txt", "nano 2021", 0.5), True)

    weights = AnswererWeights(list_score_ratio=0.1)
    answers = AnalystAnswers(scorer=_UniformScorer(), weights=weights)  # type: ignore[arg-type]
    question = "Which nano releases in 2021 changed the key bindings?"
    assert [c.text for c in answers.listing(question, [older, newer])] == [newer.text]
    weak = flagged(_candidate("M-D counts words.", "nano/2021.txt", "nano 2021", 0.1), True)
    assert [c.text for c in answers.listing(question, [older, weak])] == [older.text, weak.text]


def test_a_comparison_asks_about_a_subject_beyond_its_sides_or_of_them_as_wholes() -> None:
    from assistant.answer.extractive.answerer import _compares_on_a_subject

    assert not _compares_on_a_subject(("grep 2.27", "grep 2.28"), " grep 2.27 and grep 2.28.")
    assert _compares_on_a_subject(("GPL 2", "GPL 3"), "How do the GPL 2 and the GPL 3  on patents?")
