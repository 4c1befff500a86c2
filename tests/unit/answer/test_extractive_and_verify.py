"""The extractive answerer and the verifier on small passages, with a stand-in lexical index."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.answer.llm import split_claims
from assistant.answer.verify import verify
from assistant.schema import AskResult, Citation
from assistant.text.names_figures import occurs
from assistant.text.normalise import normalise_for_matching


def citation(n: int, text: str) -> Citation:
    return Citation(
        n=n,
        source="doc.txt",
        title="Doc",
        chunk_id=f"c{n}",
        start=0,
        end=len(text),
        text=text,
        quote=text,
        quote_start=0,
        quote_end=len(text),
    )


def test_verifier_flags_a_wrong_number_and_a_wrong_name() -> None:
    passage = "Ningbo set a GDP growth target of more than 5.5 percent for 2025."
    answer = (
        "Ningbo targets 5.5 percent growth [1]. Ningbo targets 6.5 percent growth [1]. "
        "Hangzhou targets 5.5 percent [1]. Growth was “more than 5.5 percent” [1]. "
        "It also said “record growth” [1]. An uncited claim of 7 percent. Bad marker [3]."
    )
    result = verify(
        AskResult(answer=answer, citations=[citation(1, passage)], claims=split_claims(answer))
    )
    verdicts = [(claim.supported, claim.problems) for claim in result.claims]
    assert verdicts[0] == (True, [])
    assert verdicts[1][0] is False and "6.5" in verdicts[1][1][0]
    assert verdicts[2][0] is False and "Hangzhou" in verdicts[2][1][0]
    assert verdicts[3] == (True, [])
    assert verdicts[4][0] is False and "record growth" in verdicts[4][1][0]
    assert verdicts[5] == (False, ["no citation"])
    assert verdicts[6][0] is False and "missing passage" in verdicts[6][1][0]
    assert result.citations[0].supported is False


def test_verifier_accepts_markers_after_the_full_stop() -> None:
    passage = "Sanya projected a GDP growth rate of around 6.5 percent for 2025."
    answer = "Sanya expects about 6.5 percent. [1]"
    result = verify(
        AskResult(answer=answer, citations=[citation(1, passage)], claims=split_claims(answer))
    )
    assert [(c.citations, c.supported) for c in result.claims] == [([1], True)]


class UniformIdf:
    """Stands in for the lexical index: every term weighs the same."""

    def idf(self, token: str) -> float:
        return 1.0

    def mentions(self, term: str, normalised_text: str) -> bool:
        return occurs(term, normalised_text)

    def refresh(self) -> None:
        """Nothing to rebuild: there is no store behind it."""

    def source_text(self, source: str) -> str:
        return ""

    def mentioned_anywhere(self, term: str) -> bool:
        return False

    def identities(self) -> dict[str, frozenset[str]]:
        return {}

    def identity_carriers(self) -> Counter[str]:
        return Counter()

    def shared_dates(self) -> frozenset[str]:
        return frozenset()


class KnownTexts(UniformIdf):
    """Every document reads as the given text (the names a question asks about are in it)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def source_text(self, source: str) -> str:
        return normalise_for_matching(self.text)

    def mentioned_anywhere(self, term: str) -> bool:
        return self.mentions(term, normalise_for_matching(self.text))


def test_a_sentence_answering_two_parts_is_quoted_once() -> None:
    from langchain_core.documents import Document

    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    text = (
        "Ningbo set a growth target of 5.5 percent and a port target of 40 million boxes. "
        "Sanya set a growth target of 6.5 percent for tourism."
    )
    passage = Document(
        page_content=text,
        metadata={"source": "a.txt", "start": 0, "end": len(text), "chunk_id": "c1"},
    )
    chosen = ExtractiveAnswerer(UniformIdf(), max_sentences=3).select(
        "What growth target did Ningbo set, and what port target did Ningbo set?", [passage]
    )
    assert len({c.key for c in chosen}) == len(chosen)
    assert chosen[0].text.startswith("Ningbo")


def test_abstains_when_no_passage_is_close_in_meaning() -> None:
    """Shared words are not enough when the passage and its sentence are far in meaning;
    the same words close in meaning are answered. Without vectors (lexical-only), closeness
    is not measured and speaks neither way."""
    from langchain_core.documents import Document

    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    text = "The best way to cook rice is to rinse it and steam it for twelve minutes."

    def passage(similarity: float | None) -> Document:
        metadata = {"source": "a.txt", "start": 0, "end": len(text), "chunk_id": "c1"}
        if similarity is not None:
            metadata |= {
                "dense_score": similarity,
                "sentence_similarities": [(0, len(text), similarity)],
            }
        return Document(page_content=text, metadata=metadata)

    answerer = ExtractiveAnswerer(UniformIdf())
    question = "What is the best way to cook rice?"
    assert answerer.answer(question, [passage(0.05)]).abstained
    assert not answerer.answer(question, [passage(0.75)]).abstained
    assert not answerer.answer(question, [passage(None)]).abstained


def test_compound_questions_split_into_parts() -> None:
    from assistant.text.compound_questions import question_parts

    assert question_parts("What target did Ningbo set, and what did Sanya project?") == [
        "What target did Ningbo set",
        "what did Sanya project?",
    ]
    assert question_parts("What did Ningbo set, and why?") == ["What did Ningbo set, and why?"]
    assert question_parts("What did Ningbo and Sanya set?") == ["What did Ningbo and Sanya set?"]


def test_a_part_of_a_question_answered_by_an_already_chosen_sentence_adds_no_other() -> None:
    """In "Where did it happen, and how many died?" one sentence answers both parts; the
    second part's next best sentence is not quoted for it."""
    from assistant.answer.extractive.scoring import Candidate
    from assistant.answer.extractive.selection import select
    from assistant.config import AnswererWeights

    passage = _passage("A car attack in Zhuhai killed 35 people. Demand is the top priority.")
    answer, unrelated = (
        Candidate(passage, 0, start, end, passage.page_content[start:end], score, terms, start)
        for start, end, score, terms in (
            (0, 40, 0.9, frozenset({"attack", "zhuhai"})),
            (41, 70, 0.1, frozenset({"priority"})),
        )
    )

    class Scorer:
        weights = AnswererWeights(companion_score_ratio=0.5)

        def candidates(self, question: str, passages: list) -> list[Candidate]:
            return [answer, unrelated]

    question = "Where did the car attack happen, and how many people died?"
    assert select(Scorer(), question, [passage], 3) == [answer]  # type: ignore[arg-type]


def test_answers_from_the_passage_that_has_the_asked_year() -> None:
    """The first-ranked passage matches more words but is about another year; the passage
    whose document is about the asked year answers instead of an abstention."""
    from langchain_core.documents import Document

    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    def passage(source: str, title: str, text: str) -> Document:
        metadata = {"source": source, "title": title, "start": 0, "end": len(text)}
        return Document(page_content=text, metadata=metadata | {"chunk_id": source})

    other_year = passage(
        "a.txt", "Plans for 2025", "The growth target in the government work plan is 5.5 percent."
    )
    asked_year = passage(
        "b.txt", "Review of 2024", "The government work plan kept the growth target near 5 percent."
    )
    result = ExtractiveAnswerer(UniformIdf()).answer(
        "What growth target did the 2024 government work plan set?", [other_year, asked_year]
    )
    assert not result.abstained
    assert [c.source for c in result.citations] == ["b.txt"]
    assert "near 5 percent" in result.answer


def _passage(text: str, source: str = "a.txt", **metadata: str):
    from langchain_core.documents import Document

    meta = {"source": source, "start": 0, "end": len(text), "chunk_id": source, **metadata}
    return Document(page_content=text, metadata=meta)


def test_a_sentence_is_read_under_its_documents_heading() -> None:
    """The publisher a question names need not be repeated by the sentence that answers it."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    passage = _passage(
        "The Asia Society publishes short perspectives on the outcomes. "
        "The cancellation of the press conference was unexpected.",
        publisher="Asia Society",
    )
    result = ExtractiveAnswerer(KnownTexts(passage.page_content)).answer(
        "Which event did the Asia Society find unexpected?", [passage]
    )
    assert any(claim.text.startswith("The cancellation") for claim in result.claims)


def _candidates(*passages):
    """Every candidate sentence of the passages, in passage then sentence order."""
    from assistant.answer.extractive.scoring import SentenceScorer
    from assistant.config import AnswererWeights

    texts = KnownTexts(" ".join(p.page_content for p in passages))
    found = SentenceScorer(texts, AnswererWeights()).candidates("Ningbo target", list(passages))
    return sorted(found, key=lambda c: (c.rank, c.start))


def test_a_sentence_opening_a_paragraph_is_not_quoted_with_the_last_one() -> None:
    """A sentence such as "The government report ..." points back only inside its own
    paragraph; after a paragraph break it is quoted alone: no quote spans two paragraphs."""
    same = "Ningbo set a target of 5.5 percent. The government report also lists robots."
    apart = "Ningbo set a target of 5.5 percent.\n\nThe government report also lists robots."
    for text, paragraphs, needs_context in (
        (same, f"0-{len(same)}", 1.0),
        (apart, f"0-35,37-{len(apart)}", 0.0),
    ):
        (candidate,) = [
            c for c in _candidates(_passage(text, paragraphs=paragraphs)) if "robots" in c.text
        ]
        assert candidate.features["needs_context"] == needs_context
        assert ("Ningbo" in candidate.quote) == bool(needs_context)


def test_a_sentence_has_the_kind_of_its_own_block_in_a_mixed_chunk() -> None:
    """A chunk may hold a paragraph and the code it introduces: only the code is code."""
    prose = "The Ningbo target module sets the goal."
    code = "ningbo.target = compute_target(city, year = 2024, rate = 5.5)"
    text = f"{prose}\n\n{code}"
    passage = _passage(
        text, paragraphs=f"0-{len(prose)},{len(prose) + 2}-{len(text)}", block_kinds="prose,code"
    )
    kinds = {c.text: c.features["code"] for c in _candidates(passage)}
    assert kinds == {prose: 0.0, code: 1.0}


def _blocks(lines: list[str], block_kinds: str):
    """A passage of one block per line, of the kinds given."""
    text = "\n\n".join(lines)
    starts = [text.index(line) for line in lines]
    spans = ",".join(f"{start}-{start + len(line)}" for start, line in zip(starts, lines))
    return _passage(text, paragraphs=spans, block_kinds=block_kinds)


def test_a_call_signature_or_interpreter_line_is_code_in_any_block() -> None:
    """API entries and PDFs print code as ordinary paragraphs."""
    lines = [
        "ningbo.target(city, *, year=2024, rate=5.5) -> float",
        ">>> ningbo.target('Ningbo', year = 2024, rate = 5.5)",
        "The Ningbo target function returns the growth target of a city.",
    ]
    passage = _blocks(lines, "prose,prose,prose")
    kinds = {c.text: c.features["code"] for c in _candidates(passage)}
    assert kinds == {lines[0]: 1.0, lines[1]: 1.0, lines[2]: 0.0}


def test_the_rest_of_a_sentence_a_code_block_interrupts_is_never_quoted_alone() -> None:
    """ "or, equivalently: <code> which is more concise and readable." A code name in lower
    case after code opens a sentence of its own."""
    lines = [
        "A list comprehension builds the Ningbo targets in one line, or, equivalently:",
        "targets = [target(city) for city in cities]",
        "which is more concise and readable than the loop.",
        "targets.sort()",
        "targets.sort() orders the Ningbo targets in place, lowest first.",
    ]
    quoted = {c.text for c in _candidates(_blocks(lines, "prose,code,prose,code,prose"))}
    assert lines[2] not in quoted
    assert lines[4] in quoted


def test_a_table_row_is_one_sentence_whatever_its_cells_hold() -> None:
    row = "Method: assertIsInstance(a, b) | Checks that: isinstance(a, b) | New in: 3.2"
    passage = _passage(row, paragraphs=f"0-{len(row)}", block_kinds="table")
    assert [c.text for c in _candidates(passage)] == [row]


def _prose_and_code(source: str, prose: str, code: str):
    text = f"{prose}\n\n{code}"
    spans = f"0-{len(prose)},{len(prose) + 2}-{len(text)}"
    return _passage(text, source, paragraphs=spans, block_kinds="prose,code", chunk_id=source)


def test_code_never_leads_and_joins_only_a_how_to_answer_beside_its_explanation() -> None:
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    explained = _prose_and_code(
        "venv.html",
        "The venv module creates a virtual environment in the directory you name.",
        "python3 -m venv directory  # create the virtual environment",
    )
    other = _prose_and_code(
        "classes.html",
        "Classes bundle data and functions together in one place.",
        "venv_dir = make_virtual_environment(name, directory, prompt)",
    )
    answerer = ExtractiveAnswerer(UniformIdf(), max_sentences=3)
    for question, code_quoted in (
        ("What does the venv module create in the directory?", set()),
        ("How do I create a virtual environment with venv in a directory?", {"venv.html"}),
    ):
        chosen = answerer.select(question, [other, explained])
        assert not chosen[0].features["code"], question
        assert {c.passage.metadata["source"] for c in chosen if c.features["code"]} == (
            code_quoted
        ), question


def test_quotes_of_one_passage_share_one_citation_in_document_order() -> None:
    from assistant.answer.extractive.answerer import cited_answer

    passage = _passage(
        "Ningbo set a growth target of 5.5 percent for 2025. "
        "Ningbo also set a consumption growth target of 6 percent for 2025.",
        title="Targets",
        published="2025",
    )
    first, second = _candidates(passage)
    result = cited_answer([second, first])  # best first: the later sentence
    assert [claim.text[:14] for claim in result.claims] == ["Ningbo set a g", "Ningbo also se"]
    assert [claim.citations for claim in result.claims] == [[1], [1]]
    (cited,) = result.citations
    assert cited.quote == first.quote and cited.also_quoted[0].text == second.quote
    assert result.answer.startswith("2025: Ningbo set")  # a figure shows its date


def test_several_documents_are_grouped_under_their_titles() -> None:
    from assistant.answer.extractive.answerer import cited_answer

    a = _passage("Ningbo set a growth target of 5.5 percent for 2025.", "a.txt", title="A")
    b = _passage(
        "Ningbo set a growth target of 5 percent for 2025, a later report said.",
        "b.txt",
        title="B",
        published="2025-03",
    )
    from_a, from_b = _candidates(a, b)
    result = cited_answer([from_b, from_a])
    assert result.answer.split("\n\n") == [
        f"B (2025-03): {from_b.quote} [1]",
        f"A: {from_a.quote} [2]",
    ]
    for claim in result.claims:  # labels are not claims: each claim is a quote
        assert result.answer[claim.start : claim.end] == claim.text


def test_a_sentence_pointing_back_is_scored_with_the_one_before() -> None:
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    passage = _passage(
        "Beijing will issue special bonds again this year. "
        "What is new is that these bonds will have terms of 30 to 50 years."
    )
    result = ExtractiveAnswerer(KnownTexts(passage.page_content), max_sentences=1).answer(
        "How long are the terms of the special bonds Beijing will issue?", [passage]
    )
    assert result.answer.startswith("Beijing will issue special bonds again this year. What")
    assert "30 to 50 years" in result.answer


def test_a_sentence_opening_with_a_time_stands_alone() -> None:
    """ "This year" is the present, not the sentence before."""
    passage = _passage(
        "The harbour office repaired the northern pier. "
        "This year the port of Ningbo set a cargo target of 5 percent."
    )
    quotes = [c.quote for c in _candidates(passage)]
    assert "This year the port of Ningbo set a cargo target of 5 percent." in quotes


def test_a_quote_takes_the_next_sentence_when_it_points_back_at_it() -> None:
    """The reason often follows the fact, in a sentence pointing back ("This avoids ...")."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    passage = _passage(
        "The harbour office closes the northern pier every winter. "
        "Installing the new barrier closes the northern pier during storms. "
        "This avoids damage by waves. "
        "It also lowers insurance costs. "
        "Visitors may use the southern pier at any time."
    )
    result = ExtractiveAnswerer(KnownTexts(passage.page_content), max_sentences=1).answer(
        "Why does installing the new barrier close the northern pier during storms?", [passage]
    )
    assert result.answer.startswith("Installing the new barrier")
    assert "This avoids damage by waves." in result.answer
    assert "southern pier" not in result.answer


def test_a_sentence_pointing_back_after_a_linking_adverb_is_quoted_with_the_one_before() -> None:
    """ "Now it prints a longest one." says nothing without "When grep -Fo finds matches of
    differing length, it could mistakenly print a shorter one."."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    passage = _passage(
        "When the tool finds matches of differing length, it could print a shorter one. "
        "Now it prints a longest match. "
        "The tool no longer fails on empty files."
    )
    result = ExtractiveAnswerer(KnownTexts(passage.page_content), max_sentences=1).answer(
        "Which match does the tool now print?", [passage]
    )
    assert result.answer.startswith("When the tool finds matches of differing length"), (
        result.answer
    )
    assert "Now it prints a longest match." in result.answer


def test_figure_questions_prefer_a_sentence_that_brings_the_figure() -> None:
    from assistant.answer.extractive.scoring import brings, wanted_figure
    from assistant.text.names_figures import numbers

    assert wanted_figure("How many provinces made it their top 2025 priority?") == "quantity"
    assert wanted_figure("What GDP growth target did Ningbo set?") == "quantity"
    assert wanted_figure("When did the NPC meet?") == "date"
    assert wanted_figure("What does TBI say China's GDP target fundamentally is?") is None
    assert wanted_figure("What fee does the foundation charge for an exception?") == "quantity"
    assert wanted_figure("What may a distributor charge a fee for?") is None
    assert not brings(numbers("Four times as many in 2025 than in 2024"), {"2025"}, "quantity")
    assert brings(numbers("listed by 19 out of 31 provinces for 2025"), {"2025"}, "quantity")
    assert brings(numbers("The NPC met from March 5 to 11"), {"2024"}, "date")
    assert not brings(numbers("The NPC met in 2024"), {"2024"}, "date")


def test_in_a_joined_follow_up_the_earlier_questions_terms_weigh_less() -> None:
    from assistant.answer.extractive.scoring import SentenceScorer
    from assistant.config import AnswererWeights
    from assistant.text.follow_ups import joined

    weights = AnswererWeights(earlier_question_weight=0.5)
    scorer = SentenceScorer(UniformIdf(), weights)
    question = joined("How do I restrict crontab?", "Is there an equivalent for the at command")
    terms = scorer.term_weights(question)
    assert terms["crontab"] == 0.5 and terms["equival"] == terms["command"] == 1.0
    alone = scorer.term_weights("How do I restrict crontab for the at command?")
    assert set(alone.values()) == {1.0}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which court has jurisdiction over disputes?", "court"),
        ("Which country's law governs the licence?", "country"),
        ("Which US state's law governs it?", "state"),
        ("Which two provinces were left out of the chart?", "provinces"),
        ("Which city in Sichuan forecast growth of over 6.5 percent?", "city"),
        ("In 2025, which body called for loyal cadres?", "body"),
        ("What does the GPL state about patents?", None),  # "state" the verb
        ("What may a written offer charge a third party?", None),
        ("How did the province's target change?", None),  # asks how, not which province
        ("Which command sets the state of the service?", None),  # asks for a command
        ("Who wrote the Sorting HOWTO?", "person"),
        ("Who maintains nano?", "person"),
        ("Who is the author of the Logging HOWTO?", "person"),
        ("Who may add a geographical distribution limitation?", None),  # a role answers
    ],
)
def test_which_kind_of_named_thing_a_question_asks_for(question: str, kind: str | None) -> None:
    from assistant.answer.extractive.scoring import asked_kind_of_name

    assert asked_kind_of_name(question) == kind


def test_a_sentence_about_another_year_loses_to_one_about_the_asked_year() -> None:
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    passage = _passage(
        "The energy intensity reduction set out in the plan for 2021-2025 is 13.5%. "
        "China set a new energy intensity reduction target of 2.5% this year.",
        title="Review of 2024",
    )
    result = ExtractiveAnswerer(UniformIdf(), max_sentences=1).answer(
        "What energy intensity reduction did the 2024 report set?", [passage]
    )
    assert "2.5%" in result.answer and "13.5%" not in result.answer


def test_an_abstention_says_whether_the_documents_mention_the_missing_terms_at_all() -> None:
    from assistant.answer.citations import abstention

    passage = _passage("Ningbo set a growth target.", title="Local targets for 2025")
    result = abstention("What did Hangzhou set in 2024?", [passage], ["Hangzhou", "2024"], ["2024"])
    assert result.abstained
    assert result.answer.startswith("The documents don't answer this: they never mention Hangzhou.")
    assert "2024 appears in them, but not in the passages on this question." in result.answer
    assert "Local targets for 2025" in result.answer


def test_the_first_interrogative_says_what_is_asked() -> None:
    from assistant.answer.extractive.scoring import wanted_figure

    assert wanted_figure("Which command sets how long a user may stay over quota?") is None
    assert wanted_figure("By default, how often does bash check for mail?") == "quantity"
    assert wanted_figure("Who announced when the plan starts?") is None
    assert wanted_figure("Give the percent of growth") == "quantity"


def test_a_refusal_names_a_missing_name_as_the_question_writes_it() -> None:
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    text = "China raised tariffs on imported soybeans to 15 percent in 2025."
    passage = _passage(text, title="Trade measures")
    passage.metadata["dense_score"] = 0.6
    result = ExtractiveAnswerer(KnownTexts(text)).answer(
        "What tariff rate did the United States impose in 2025?", [passage]
    )
    assert result.abstained
    assert result.answer.startswith(
        "The documents don't answer this: they never mention United States."
    )


def test_a_word_of_a_name_may_be_the_short_form_of_the_documents_word() -> None:
    """ "Mac OS X" is named by a text that says "Macintosh OS X"; a name whose word is not
    even the start of a word there ("Windows NT") is still missing."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.text.names_figures import occurs_abbreviated

    assert occurs_abbreviated("Mac", "users of macintosh os x 10.5")
    assert not occurs_abbreviated("Ma", "users of macintosh os x 10.5")
    assert not occurs_abbreviated("Mac", "users of imac computers")
    text = "Users of Macintosh OS X 10.5 may use Gutenprint 5.2.11 on their printers."
    passage = _passage(text, title="Requirements")
    passage.metadata["dense_score"] = 0.6
    answerer = ExtractiveAnswerer(KnownTexts(text))
    answered = answerer.answer("Which Gutenprint release should Mac OS X users use?", [passage])
    assert not answered.abstained and "5.2.11" in answered.answer
    refused = answerer.answer("Which Gutenprint release should Windows NT users use?", [passage])
    assert refused.abstained and "Windows NT" in refused.answer


def test_names_of_the_question_a_follow_up_was_joined_to_are_context() -> None:
    """After "How do I activate an environment on Linux?", "what if my shell is fish?" is
    answered from a passage about fish that never says Linux; asked at once, it is not."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.text.follow_ups import joined

    text = "If your shell is fish, activate the environment with the activate.fish script."
    passage = _passage(text, title="Environments")
    passage.metadata["dense_score"] = 0.6
    answerer = ExtractiveAnswerer(KnownTexts(text))
    follow_up = joined("How do I activate an environment on Linux?", "what if my shell is fish")
    assert not answerer.answer(follow_up, [passage]).abstained
    at_once = answerer.answer("How do I activate an environment on Linux with fish?", [passage])
    assert at_once.abstained and "Linux" in at_once.answer


def test_a_question_for_a_tool_or_file_credits_the_sentence_that_names_one() -> None:
    """'Which tool ...?' is answered by a sentence naming a tool, path or package that the
    question does not already name; the sentence model sees that as `brings_identifier`."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.answer.extractive.scoring import asks_for_artefact, identifiers

    assert asks_for_artefact("Which tool do the administrators run every day?")
    assert asks_for_artefact("What is the Debian package for the DHCP daemon called?")
    assert not asks_for_artefact("How many servers do the administrators back up?")
    assert identifiers("Edit /etc/kbd/config, e.g. with rsync or isc-dhcp-server.", 2.0) == {
        "/etc/kbd/config",
        "rsync",
        "isc-dhcp-server",
        "kbd",
    }
    text = (
        "The administrators back up every server to the backup server each day. "
        "The rsnapshot command is used daily to copy these different servers."
    )
    scorer = ExtractiveAnswerer(UniformIdf()).scorer
    question = "Which tool do the administrators run every day to back up the servers?"
    features = {
        c.text: c.features["brings_identifier"]
        for c in scorer.candidates(question, [_passage(text)])
    }
    assert features == {
        "The administrators back up every server to the backup server each day.": 0.0,
        "The rsnapshot command is used daily to copy these different servers.": 1.0,
    }


def test_a_figure_the_passages_do_not_state_gets_a_cited_partial_answer() -> None:
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    text = "The national growth target for 2025 will be announced at the March session."
    passage = _passage(text, title="Outlook")
    result = ExtractiveAnswerer(KnownTexts(text)).answer(
        "What national growth target was set for 2025?", [passage]
    )
    assert result.abstained
    assert result.answer.startswith("The documents don't state the figure asked for.")
    (claim,) = result.claims
    assert result.answer[claim.start : claim.end] == text
    assert result.citations[0].quote == text


def test_a_word_rare_in_english_that_the_documents_lack_is_refused_like_a_missing_name() -> None:
    """A lowercase tool name ("chrony") commits the question as a capitalised name does;
    the common words of a paraphrase ("restart") do not."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    text = "The ntp package keeps the system clock synchronised with NTP servers after a reboot."
    passage = _passage(text, title="Time synchronisation")
    passage.metadata["dense_score"] = 0.6
    answerer = ExtractiveAnswerer(KnownTexts(text))
    refused = answerer.answer("How do I configure chrony as the system's NTP client?", [passage])
    assert refused.abstained
    assert refused.answer.startswith("The documents don't answer this: they never mention chrony.")
    answered = answerer.answer("Which package keeps the clock right after a restart?", [passage])
    assert not answered.abstained and text in answered.answer


def test_the_llm_prompt_numbers_passages_with_title_section_and_page() -> None:
    from assistant.answer.llm import prompt_messages

    passage = _passage("The archives are updated twice every day.", "faq.pdf", title="Debian FAQ")
    passage.metadata |= {"section": "Basics › Archives", "page": 12, "page_end": 13}
    _, human = prompt_messages("How often?", [passage])
    assert '[1] (from "Debian FAQ", section "Basics › Archives", p. 12-13)' in human.content
    assert "<<<\nThe archives are updated twice every day.\n>>>" in human.content


def test_documents_giving_different_figures_are_both_shown_and_said_to_differ() -> None:
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    first = _passage("Ningbo set a GDP growth target of 5.5 percent for 2025.", "a.txt", title="A")
    planted = _passage("Ningbo set a GDP growth target of 7 percent for 2025.", "b.txt", title="B")
    texts = KnownTexts(first.page_content + " " + planted.page_content)
    result = ExtractiveAnswerer(texts).answer(
        "What GDP growth target did Ningbo set for 2025?", [first, planted]
    )
    assert result.answer.startswith("The documents give different figures:")
    assert "5.5 percent" in result.answer and "7 percent" in result.answer
    assert {c.source for c in result.citations} == {"a.txt", "b.txt"}
    for claim in result.claims:
        assert result.answer[claim.start : claim.end] == claim.text


def _candidate(passage, text: str, score: float, terms: set[str]):
    from assistant.answer.extractive.scoring import Candidate

    start = passage.page_content.index(text)
    end = start + len(text)
    return Candidate(passage, 0, start, end, text, score, frozenset(terms), start)


def test_a_companion_joins_for_what_it_says_not_for_new_question_words() -> None:
    """The sentence stating the answer has no question word the best sentence lacks; it
    still joins, for what it adds. A near-copy of the best sentence does not."""
    from assistant.answer.extractive.selection import select
    from assistant.config import AnswererWeights

    lead_text = "Submit a bug against wnpp and title it RFA when you intend to give a package away."
    answer_text = "RFA stands for Request For Adoption."
    copy_text = "Title the wnpp bug RFA when you intend to give the package away."
    passage = _passage(f"{lead_text} {answer_text} {copy_text}")
    lead, answer, copy = (
        _candidate(passage, text, score, terms)
        for text, score, terms in (
            (lead_text, 0.9, {"wnpp", "bug", "titl", "rfa"}),
            (answer_text, 0.8, {"rfa"}),
            (copy_text, 0.7, {"wnpp", "bug", "titl", "rfa"}),
        )
    )

    class Scorer:
        weights = AnswererWeights()

        def candidates(self, question: str, passages: list) -> list:
            return [lead, answer, copy]

    question = "In a WNPP bug title, what does RFA mean?"
    chosen = select(Scorer(), question, [passage], 3)  # type: ignore[arg-type]
    assert [c.text for c in chosen] == [lead_text, answer_text]
    assert [c.companion for c in chosen] == [False, True]


def test_a_long_companion_must_score_higher_than_a_short_one() -> None:
    """At the same share of the best score, a short sentence stating a fact joins the
    answer and a long one that only frames it does not: legal texts' long sentences made
    answers of three sentences and 80 words."""
    from assistant.answer.extractive.selection import select
    from assistant.config import AnswererWeights

    lead_text = "You may convey the work in object code form under the terms of sections 4 and 5."
    short_text = "The offer must stay valid for three years."
    long_text = (
        "If you convey an object code work under this section in, or with, or specifically "
        "for use in, a User Product, and the conveying occurs as part of a transaction in "
        "which the right of possession and use is transferred, the source must go with it."
    )
    passage = _passage(f"{lead_text} {short_text} {long_text}")
    weights = AnswererWeights()
    share = (weights.companion_score_ratio + weights.long_companion_score_ratio) / 2
    lead, short, long = (
        _candidate(passage, text, score, terms)
        for text, score, terms in (
            (lead_text, 1.0, {"convey", "object", "code"}),
            (short_text, share, {"offer", "valid", "year"}),
            (long_text, share, {"user", "product", "possess"}),
        )
    )

    class Scorer:
        def __init__(self, weights: AnswererWeights) -> None:
            self.weights = weights

        def candidates(self, question: str, passages: list) -> list:
            return [lead, short, long]

    question = "How long must the written offer for object code stay valid?"
    chosen = select(Scorer(weights), question, [passage], 3)  # type: ignore[arg-type]
    assert [c.text for c in chosen] == [lead_text, short_text]
    lenient = weights.model_copy(update={"long_companion_score_ratio": 0.0})
    chosen = select(Scorer(lenient), question, [passage], 3)  # type: ignore[arg-type]
    assert [c.text for c in chosen] == [lead_text, short_text, long_text]


def test_a_companion_never_decides_that_there_is_an_answer() -> None:
    """The question names Hangzhou; only a companion's document does. That is no support:
    the sentence the answer would lead with comes from a document that never mentions
    Hangzhou, which the answerability model is told."""
    from dataclasses import replace

    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    a = _passage("Ningbo set a port target of 40 million boxes.", "a.txt")
    b = _passage("Hangzhou hosted a trade fair in May.", "b.txt")
    a.metadata["dense_score"] = b.metadata["dense_score"] = 0.9
    lead = _candidate(a, a.page_content, 0.9, {"port", "target"})
    other = _candidate(b, b.page_content, 0.2, {"hangzhou"})

    class Texts(UniformIdf):
        def source_text(self, source: str) -> str:
            return normalise_for_matching({"a.txt": a, "b.txt": b}[source].page_content)

    answerer = ExtractiveAnswerer(Texts(), max_sentences=3)  # type: ignore[arg-type]
    answerer.select = lambda question, passages: (  # type: ignore[method-assign]
        [other] if passages == [b] else [lead, replace(other, companion=True)]
    )
    assessment = answerer.assess("What port target did Hangzhou set?", [a, b])
    assert [c.companion for c in assessment.chosen] == [False, True]
    assert assessment.missing.names == ["Hangzhou"]
    assert assessment.features["missing_name"] == 1.0


def test_a_term_and_its_translation_is_no_answer_but_quoted_speech_is() -> None:
    from assistant.answer.extractive.scoring import is_fragment

    assert is_fragment("“guo jin, min tui” (國進民退)", 4)
    assert is_fragment("China grows.", 4)
    assert is_fragment("** Changes in behavior", 4)  # a heading's marks are no words
    assert not is_fragment("“We will grow by five percent,” Li said.", 4)
    code = "total = compute(city, year)"
    assert not is_fragment(code, 4, "code") and is_fragment(code, 4)


def test_a_sentence_that_only_says_where_to_look_is_no_answer() -> None:
    from assistant.answer.extractive.scoring import is_pointer

    assert is_pointer("See The testing distribution.")
    assert is_pointer("For more details, please see the The testing distribution.")
    assert is_pointer("Refer to Section 4 of the manual.")
    assert is_pointer(
        "See also Tim Peters’ introduction to the “Algorithms” chapter in the second edition "
        "of Python Cookbook, published by O’Reilly."
    )
    assert not is_pointer("Seeing the results, the committee raised the target to 5%.")
    long_see = "See how the packages in unstable are not well tested and might have bugs in them"
    assert not is_pointer(f"{long_see} for a good while after they are uploaded.")


def test_a_hard_wrapped_quote_reads_as_one_line_in_the_answer() -> None:
    from assistant.answer.extractive.answerer import cited_answer

    text = "The fund will grow\nto 40 billion yuan\nby 2027, the board said."
    passage = _passage(text, "a.txt")
    result = cited_answer([_candidate(passage, text, 0.9, {"fund"})])
    assert result.answer.startswith("The fund will grow to 40 billion yuan by 2027")
    assert result.citations[0].quote == text  # the citation keeps the source's own text


def test_a_figure_is_labelled_with_its_date_unless_most_documents_share_it() -> None:
    """ "2025-01-10: ..." dates a figure; a documentation set's one build date dates nothing."""
    from assistant.answer.extractive.answerer import cited_answer

    text = "The default is 60 seconds."
    passage = _passage(text, "bash.pdf", published="2022")
    quoted = [_candidate(passage, text, 0.9, {"default"})]
    assert cited_answer(quoted).answer.startswith("2022: The default is 60 seconds.")
    assert cited_answer(quoted, shared_dates={"2022"}).answer.startswith("The default is 60")


def test_an_answer_leads_with_the_sentence_naming_what_was_asked() -> None:
    """ "And Sanya?" after Ningbo: the Sanya sentence opens, though Ningbo's stands first in
    the document; a question naming nothing keeps the document's order."""
    from assistant.answer.extractive.answerer import cited_answer, subject_lead

    text = "Ningbo set a target of 5.5 percent. Sanya projected around 6.5 percent."
    passage = _passage(text, "a.txt")
    ningbo = _candidate(passage, "Ningbo set a target of 5.5 percent.", 0.4, {"target"})
    sanya = _candidate(passage, "Sanya projected around 6.5 percent.", 0.7, {"sanya"})
    question = "What growth target did Sanya set for 2025?"
    lead = subject_lead(question, [sanya, ningbo])
    assert lead is sanya
    assert cited_answer([sanya, ningbo], lead).answer.startswith("Sanya projected")
    assert subject_lead("What growth targets were set?", [sanya, ningbo]) is None
    assert cited_answer([sanya, ningbo]).answer.startswith("Ningbo set")


def test_an_answer_for_another_year_or_subject_says_so_first() -> None:
    """A year neither the quote nor its document's identity gives, a name the document
    never mentions, or a name given only as the place of another is stated first; the
    source a question attributes to, or a name the document states elsewhere, is not."""
    from assistant.answer.extractive.answerer import mismatch
    from assistant.config import AnswererWeights

    text = (
        "In 2024 the defence budget rose by 7.2 percent. Ningbo set a 5.5 percent target. "
        "The city of Ningbo in East China's Zhejiang Province set a 5.5 percent target. "
        "Beijing pledged aid. At the forum it pledged new channels."
    )
    passage = _passage(text, "a.txt")
    dated = _passage(text, "b.txt", published="2025-03")
    lexical = KnownTexts(text)
    budget = _candidate(passage, "In 2024 the defence budget rose by 7.2 percent.", 0.8, set())
    ningbo = _candidate(passage, "Ningbo set a 5.5 percent target.", 0.8, set())
    placed = _candidate(
        passage,
        "The city of Ningbo in East China's Zhejiang Province set a 5.5 percent target.",
        0.8,
        set(),
    )
    pledged = _candidate(passage, "At the forum it pledged new channels.", 0.8, set())
    rose = _candidate(dated, "In 2024 the defence budget rose by 7.2 percent.", 0.8, set())
    naming = AnswererWeights().naming_word_max_zipf

    def said(question: str, chosen: list) -> str:
        unstated = mismatch(question, chosen, lexical, naming)
        return unstated.term if unstated else ""

    assert said("How much did the defence budget rise in 2025?", [budget]) == "2025"
    assert said("How much did the defence budget rise in 2024?", [budget]) == ""
    assert said("How much did the budget rise in the 2025 report?", [rose]) == ""
    assert said("What target did Hangzhou set?", [ningbo]) == "Hangzhou"
    hangzhou = mismatch("What target did Hangzhou set?", [ningbo], lexical, naming)
    assert hangzhou is not None and hangzhou.absent  # a near miss: refused, not noted
    assert said("What target did Ningbo set?", [ningbo]) == ""
    assert said("According to Ningbo, what target was set?", [pledged]) == ""
    assert said("What target did Zhejiang set?", [placed]) == "Zhejiang"
    assert said("What did Ningbo in Zhejiang set?", [placed]) == ""
    assert said("What did Beijing pledge at the forum?", [pledged]) == ""


def test_a_timeline_keeps_every_document_on_the_subject_however_low_it_scores() -> None:
    """Sentence scores fall steeply after the best; a document whose sentence names the
    subject still joins the timeline, by date, and one on another subject does not."""
    from assistant.answer.extractive.analyst import AnalystAnswers
    from assistant.config import AnswererWeights

    texts = {
        "a.txt": ("2024-03", "Domestic demand was sidelined by structural reforms."),
        "b.txt": ("2025", "Domestic demand became the top priority for 19 provinces."),
        "c.txt": ("2026-01", "The weather was mild in the capital."),
    }
    scores = {"a.txt": 0.02, "b.txt": 0.4, "c.txt": 0.01}
    terms = {"a.txt": {"domest", "demand"}, "b.txt": {"domest", "demand", "prioriti"}}
    candidates = [
        _candidate(_passage(text, source, published=date), text, scores[source],
                   terms.get(source, set()))
        for source, (date, text) in texts.items()
    ]  # fmt: skip
    answers = AnalystAnswers(None, AnswererWeights())  # type: ignore[arg-type]
    result = answers.timeline(candidates, {})
    assert [c.source for c in result.citations] == ["a.txt", "b.txt"]
    assert result.answer.startswith("2024-03")


def test_a_list_never_quotes_a_stretch_of_text_twice() -> None:
    """A sentence quoted with the one before it as context replaces that sentence in a
    list; the two are not both quoted."""
    from types import SimpleNamespace

    from assistant.answer.extractive.analyst import AnalystAnswers
    from assistant.config import AnswererWeights

    text = "Authorities spot social risks early. And increasingly, they have the tools to do so."
    passage = _passage(text, "a.txt")
    first = _candidate(passage, "Authorities spot social risks early.", 0.5, {"risk"})
    second = _candidate(passage, "And increasingly, they have the tools to do so.", 0.4, {"tool"})
    second.context_start = 0  # read with the sentence before it
    scorer = SimpleNamespace(lexical=UniformIdf())
    answers = AnalystAnswers(scorer, AnswererWeights())  # type: ignore[arg-type]
    assert [c.quote for c in answers.listing("Which tools do they list?", [first, second])] == [
        text
    ]


def test_a_companion_never_quotes_a_chosen_sentence_again() -> None:
    """A sentence read with the chosen one before it as context would quote that one
    again; it does not join the answer as a companion."""
    from types import SimpleNamespace

    from assistant.answer.extractive.selection import select
    from assistant.config import AnswererWeights

    text = (
        "Beijing set out a tech policy. It earmarked 370.8 billion for research. "
        "This represents a push toward electric vehicles, semiconductors, quantum computing "
        "and renewable energy. The defence budget rose 7.2 percent."
    )
    passage = _passage(text, "a.txt")
    earmarked = _candidate(passage, "It earmarked 370.8 billion for research.", 0.9, {"earmark"})
    earmarked.context_start = 0
    push_text = (
        "This represents a push toward electric vehicles, semiconductors, quantum computing "
        "and renewable energy."
    )
    push = _candidate(passage, push_text, 0.25, {"push"})
    push.context_start = earmarked.start
    defence = _candidate(passage, "The defence budget rose 7.2 percent.", 0.8, {"defenc"})

    def candidates(question: str, _passages: object) -> list:
        if "defence" in question and "earmark" not in question:
            return [defence, push, earmarked]
        if "earmark" in question and "defence" not in question:
            return [earmarked, push, defence]
        return [defence, earmarked, push]

    scorer = SimpleNamespace(candidates=candidates, weights=AnswererWeights())
    question = "How much was earmarked for research, and how much did the defence budget rise?"
    chosen = select(scorer, question, [passage], 3)  # type: ignore[arg-type]
    assert not any(a.overlaps(b) for i, a in enumerate(chosen) for b in chosen[i + 1 :])


def test_an_option_the_quoted_document_never_writes_is_missing() -> None:
    """ "-P" is what the question asks about: notes on another option ("-u") do not answer
    it, however close in meaning; notes that write "-P" do."""
    from assistant.answer.extractive.scoring import SentenceScorer
    from assistant.answer.extractive.support import unsupported
    from assistant.config import AnswererWeights

    question = "In grep 3.7, which library did the -P option switch to?"
    other = _passage("Use of the --unix-byte-offsets (-u) option now evokes a warning.")
    scorer = SentenceScorer(KnownTexts(other.page_content), AnswererWeights())
    assert unsupported(scorer, question, [other], [other]).names == ["-P"]
    right = _passage("The -P option is now based on PCRE2 instead of the older PCRE.")
    scorer = SentenceScorer(KnownTexts(right.page_content), AnswererWeights())
    assert unsupported(scorer, question, [right], [right]).names == []


class DocumentTexts(UniformIdf):
    """Each document reads as its own text; the collection is their union."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = {source: normalise_for_matching(text) for source, text in texts.items()}

    def source_text(self, source: str) -> str:
        return self.texts.get(source, "")

    def mentioned_anywhere(self, term: str) -> bool:
        return any(self.mentions(term, text) for text in self.texts.values())


def test_a_subject_none_of_the_quoted_documents_mention_is_refused_not_noted() -> None:
    """Asked for Shenzhen's target, the passages give Ningbo's: the quoted document never
    mentions Shenzhen, so it is a near miss and refused (naming where Shenzhen does appear);
    asked for Zhejiang's, the quoted document names Zhejiang only as Ningbo's place, and the
    answer says so first."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.answer.extractive.sentence_model import SentenceModel

    ningbo = "The city of Ningbo in East China's Zhejiang Province set a growth target of 5.5%."
    texts = {"a.txt": ningbo, "b.txt": "Shenzhen supports the low-altitude economy."}
    always = SentenceModel(features=(), mean=(), scale=(), coef=(), intercept=5.0, threshold=0.5)
    answerer = ExtractiveAnswerer(DocumentTexts(texts), answerability=always)
    passage = _passage(ningbo, "a.txt")
    refused = answerer.answer("What growth target did Shenzhen set?", [passage])
    assert refused.abstained
    assert "Shenzhen appears in them" in refused.answer
    noted = answerer.answer("What growth target did Zhejiang set?", [passage])
    assert not noted.abstained
    assert noted.answer.startswith("The documents don't state this for Zhejiang")


def test_the_streamed_pieces_add_up_to_the_answer_with_its_note_and_label() -> None:
    """A client that prints the stream shows what the answer says: the note that opens it
    and the date that labels a figure are streamed too, not only the quoted claims."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.answer.extractive.sentence_model import SentenceModel
    from assistant.schema import AskResult

    ningbo = "The city of Ningbo in East China's Zhejiang Province set a growth target of 5.5%."
    always = SentenceModel(features=(), mean=(), scale=(), coef=(), intercept=5.0, threshold=0.5)
    answerer = ExtractiveAnswerer(DocumentTexts({"a.txt": ningbo}), answerability=always)
    passage = _passage(ningbo, "a.txt", published="2025-01-10")
    pieces = list(answerer.stream("What growth target did Zhejiang set?", [passage]))
    result = pieces[-1]
    assert isinstance(result, AskResult)
    assert "".join(p for p in pieces[:-1] if isinstance(p, str)) == result.answer
    assert result.answer.startswith("The documents don't state this for Zhejiang")
    assert "2025-01-10: The city of Ningbo" in result.answer


def test_an_answer_from_a_document_the_question_names_takes_no_companion_from_others() -> None:
    """ "In rsync 3.2.4, what security problem was fixed?" quotes 3.2.4's fix, not 3.1.3's
    beside it, however well that one scores."""
    from assistant.answer.extractive.selection import select
    from assistant.config import AnswererWeights
    from assistant.retrieve.scope import NAMED_SCOPE_KEY

    named_text = "A fix for CVE-2018-25032 in the bundled zlib (memory corruption issue)."
    other_text = "Fixed a buffer overrun in the protocol's handling of xattr names."
    named = _passage(named_text, "rsync/3.2.4.txt", **{NAMED_SCOPE_KEY: True})
    other = _passage(other_text, "rsync/3.1.3.txt", **{NAMED_SCOPE_KEY: False})
    lead = _candidate(named, named_text, 0.9, {"fix", "cve", "zlib"})
    companion = _candidate(other, other_text, 0.85, {"fix", "buffer", "overrun", "xattr"})

    class Scorer:
        weights = AnswererWeights()

        def candidates(self, question: str, passages: list) -> list:
            return [lead, companion]

    question = "In rsync 3.2.4, what security problem was fixed?"
    chosen = select(Scorer(), question, [named, other], 3)  # type: ignore[arg-type]
    assert [c.text for c in chosen] == [named_text]
    unscoped = _passage(named_text, "rsync/3.2.4.txt")
    lead = _candidate(unscoped, named_text, 0.9, {"fix", "cve", "zlib"})
    chosen = select(Scorer(), question, [unscoped, other], 3)  # type: ignore[arg-type]
    assert [c.text for c in chosen] == [named_text, other_text]


def test_the_document_the_question_names_leads_when_its_best_sentence_is_close_enough() -> None:
    """ "In rsync's August 2020 release, which new option ...?" was answered from the July
    release, whose sentence scored higher; the August release's own leads when it scores at
    least `named_lead_score_ratio` of the best, and not when it is far below."""
    from assistant.answer.extractive.selection import select
    from assistant.config import AnswererWeights
    from assistant.retrieve.scope import NAMED_SCOPE_KEY

    named_text = "Added the --mkpath option to create a missing destination path."
    other_text = "Prepared the checksum code for an upcoming xxHash release."
    named = _passage(named_text, "rsync/3.2.3.md", **{NAMED_SCOPE_KEY: True})
    other = _passage(other_text, "rsync/3.2.2.md", **{NAMED_SCOPE_KEY: False})

    def chosen(named_score: float) -> list[str]:
        lead = _candidate(other, other_text, 0.8, {"option", "new"})
        own = _candidate(named, named_text, named_score, {"option"})

        class Scorer:
            weights = AnswererWeights(named_lead_score_ratio=0.25)

            def candidates(self, question: str, passages: list) -> list:
                return [lead, own]

        question = "In rsync's August 2020 release, which new option creates directories?"
        return [c.text for c in select(Scorer(), question, [other, named], 1)]  # type: ignore[arg-type]

    assert chosen(0.3) == [named_text]
    assert chosen(0.1) == [other_text]


def test_run_in_and_capitalised_headings_are_headings() -> None:
    """A section's run-in title ("Grant of Copyright License.") and a heading in capitals
    with commas carry no claim; a short sentence that says something is no heading."""
    from assistant.answer.extractive.scoring import is_heading

    assert is_heading("Grant of Copyright License.", "", 0.6)
    assert is_heading("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION", "", 0.6)
    assert not is_heading("Provinces raised their targets.", "", 0.6)
    assert not is_heading("RFA stands for Request For Adoption.", "", 0.6)
    assert not is_heading("Grant of Copyright License. Subject to the terms of it.", "", 0.6)
    disclaimer = "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED."
    assert not is_heading(disclaimer, "", 0.6)


LEAD_IN = (
    "You may convey such object code under terms of your choice, provided that, if the "
    "incorporated material is not limited to small macros, you do both of the following:\n\n"
    "   a) Give prominent notice with each copy of the object code that the Library is used.\n\n"
    "   b) Accompany the object code with a copy of the GNU GPL and this license document."
)


def test_a_lead_in_is_quoted_with_the_items_it_announces_never_alone() -> None:
    """ "..., you do both of the following:" states nothing; with its items it answers."""
    with_items = [c for c in _candidates(_passage(LEAD_IN)) if c.text.endswith("following:")]
    (candidate,) = with_items
    assert candidate.quote.endswith("this license document.")
    assert candidate.items_start == LEAD_IN.index("following:") + len("following:")
    alone = LEAD_IN.split("\n\n")[0]
    assert not [c for c in _candidates(_passage(alone)) if c.text.endswith("following:")]


def test_a_lead_in_to_an_example_says_its_fact_itself() -> None:
    """ "..., leaving the maxsize at its default value of 128:" before a code block is the
    sentence that answers; before list items a lead-in still needs them."""
    prose = (
        "This allows the lru_cache decorator to be applied directly to a user function, "
        "leaving the maxsize at its default value of 128:"
    )
    code = "@lru_cache\ndef count_vowels(sentence):\n    return len(sentence)"
    text = f"{prose}\n\n{code}"
    spans = f"0-{len(prose)},{len(prose) + 2}-{len(text)}"
    before_code = _passage(text, paragraphs=spans, block_kinds="prose,code")
    assert [c.text for c in _candidates(before_code) if "128" in c.text] == [prose]
    before_prose = _passage(text, paragraphs=spans, block_kinds="prose,prose")
    assert not [c for c in _candidates(before_prose) if "128" in c.text]


def test_a_document_year_no_quoted_document_has_is_said_first_or_refused() -> None:
    """ "the 2023 article" names a year the 2025 article does not have: an overview of it
    says so first, and an attribution's year ("according to the 2023 article") is held to
    the quoted document like any year the question asks about."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.answer.extractive.sentence_model import SentenceModel

    sanya = (
        "Sanya in South China's Hainan Province has projected a GDP growth rate of around "
        "6.5 percent for 2025. Hainan will prepare for independent customs operation in 2025."
    )
    always = SentenceModel(features=(), mean=(), scale=(), coef=(), intercept=5.0, threshold=0.5)
    answerer = ExtractiveAnswerer(DocumentTexts({"a.txt": sanya}), answerability=always)
    passage = _passage(sanya, "a.txt", published="2025-01-10")
    overview = answerer.answer("What did the 2023 article say about Hainan?", [passage])
    assert overview.answer.startswith("The documents don't state this for 2023")
    undated = answerer.answer("What did the article say about Hainan?", [passage])
    assert not undated.answer.startswith("The documents don't")
    attributed = "What growth rate did Sanya project, according to the 2023 article?"
    assert "2023" in answerer.assess(attributed, [passage]).missing.numbers
    assert not answerer.assess(attributed.replace("2023", "2025"), [passage]).missing.terms


def test_a_license_short_name_is_found_in_the_quoted_documents_identity() -> None:
    """ "MPL-2.0" is the document whose identity says Mozilla Public License Version 2.0 and
    whose file is `MPL-2.0`, though its text never writes "MPL 2.0"; "MPL-3.0" is in no
    document and is refused as never mentioned."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.answer.extractive.sentence_model import SentenceModel
    from assistant.text.identity import identity_tokens

    text = "The rights are reinstated if You cure the breach within 30 days of notice."

    class Licenses(DocumentTexts):
        def identities(self) -> dict[str, frozenset[str]]:
            return {"MPL-2.0": identity_tokens("Mozilla Public License Version 2.0 MPL")}

    always = SentenceModel(features=(), mean=(), scale=(), coef=(), intercept=5.0, threshold=0.5)
    answerer = ExtractiveAnswerer(Licenses({"MPL-2.0": text}), answerability=always)
    passage = _passage(text, "MPL-2.0")
    asked = "Under the MPL-2.0, when are rights reinstated?"
    assert answerer.assess(asked, [passage]).missing.names == []
    assert "30 days" in answerer.answer(asked, [passage]).answer
    near_miss = asked.replace("2.0", "3.0")
    assert answerer.assess(near_miss, [passage]).missing.names == ["MPL-3.0"]
    refused = answerer.answer(near_miss, [passage])
    assert refused.abstained and "MPL-3.0" in refused.answer


def test_a_sentence_on_an_acronym_covers_the_words_its_document_defines_it_by() -> None:
    """ "The GWR also announced ..." answers a question on the government work report: the
    document wrote "government work report (GWR)" earlier."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer

    text = (
        "Premier Li Qiang's government work report (GWR) was short. "
        "The GWR also announced a target for cutting energy intensity by 2.5% this year."
    )
    scorer = ExtractiveAnswerer(DocumentTexts({"a.txt": text})).scorer
    question = "What energy intensity cut did the government work report announce?"
    coverage = {
        c.text[:12]: c.features["coverage"] for c in scorer.candidates(question, [_passage(text)])
    }
    assert coverage["The GWR also"] == 1.0  # every word of the question, GWR's included
    assert coverage["Premier Li Q"] < 0.5


def test_words_the_collection_lacks_are_named_as_the_question_writes_them() -> None:
    from assistant.answer.extractive.answerer import unknown_phrases

    question = "What did Eisenhower say about nuclear submarines, and about blockchains?"
    unknown = ["nuclear", "submarin", "blockchain"]
    assert unknown_phrases(question, unknown) == ["nuclear submarines", "blockchains"]
    assert unknown_phrases("What about growth?", ["crypto"]) == []


@pytest.mark.parametrize(
    ("question", "which_document"),
    [
        ("Which sed release added --debug?", True),
        ("In which year's letter did Smith propose it?", True),
        ("Which manual explains how to orphan a package?", True),
        ("Which chapter of the handbook covers LDAP?", True),
        ("Which licence lets me charge for a copy?", True),
        ("Which standard logging levels does the HOWTO describe?", False),  # an adjective
        ("Which module should I use for generating passwords?", False),  # asks for a module
        ("What growth target did Ningbo set?", False),
    ],
)
def test_a_question_asks_which_document_says_it(question: str, which_document: bool) -> None:
    """The answer then names the document, even when one document alone answers."""
    from assistant.answer.extractive.scoring import asks_for_document

    assert asks_for_document(question) is which_document
