"""An overlong sentence is quoted by the clauses that answer, marked as cut."""

from __future__ import annotations

from dataclasses import replace

from langchain_core.documents import Document

from assistant.answer.extractive.clauses import answering_clauses
from assistant.answer.extractive.scoring import Candidate
from assistant.text.terms import tokenize

OFFER = (
    "b) Convey the object code in, or embodied in, a physical product (including a physical "
    "distribution medium), accompanied by a written offer, valid for at least three years and "
    "valid for as long as you offer spare parts or customer support for that product model, to "
    "give anyone who possesses the object code either (1) a copy of the Corresponding Source "
    "for all the software in the product that is covered by this License, on a durable "
    "physical medium customarily used for software interchange, or (2) access to copy the "
    "Corresponding Source from a network server at no charge."
)


def _candidate(text: str, at: int = 100, source: str = "GPL-3") -> Candidate:
    passage = Document(
        page_content=text, metadata={"source": source, "start": at, "end": at + len(text)}
    )
    return Candidate(passage, 0, at, at + len(text), text, 1.0, frozenset(), at)


def test_an_overlong_sentence_is_quoted_by_its_answering_clauses() -> None:
    weights = {term: 1.0 for term in tokenize("how long must a written offer stay valid")}
    cut = answering_clauses(_candidate(OFFER), weights, 40)
    assert "written offer, valid for at least three years" in cut.quote
    assert len(cut.quote.split()) <= 40
    assert cut.cut == (True, True)
    assert cut.shown.startswith("… ") and cut.shown.endswith(" …")
    assert OFFER[cut.context_start - 100 : cut.end - 100] == cut.quote  # exact offsets


def test_a_sentence_within_the_limit_or_without_the_question_is_quoted_whole() -> None:
    weights = {term: 1.0 for term in tokenize("written offer")}
    short = _candidate("A written offer must be valid for three years.")
    assert answering_clauses(short, weights, 40) is short
    long = _candidate(OFFER)
    assert answering_clauses(long, {"unrelated": 1.0}, 40) is long
    assert answering_clauses(long, weights, 0) is long


def test_a_lead_in_keeps_the_items_it_announces_and_its_last_clauses() -> None:
    lead = (
        "You may convey such object code under terms of your choice, provided that, if the "
        "incorporated material is not limited to numerical parameters, data structure layouts "
        "and accessors, or small macros, you do both of the following:"
    )
    items = (
        "\n\n   a) Give prominent notice with each copy of the object code.\n\n"
        "   b) Accompany the object code with a copy of the GNU GPL."
    )
    text = lead + items
    candidate = replace(_candidate(text), items_start=100 + len(lead))
    weights = {term: 1.0 for term in tokenize("convey object code terms of your choice")}
    cut = answering_clauses(candidate, weights, 40)
    assert cut.quote.endswith("a copy of the GNU GPL.")
    assert "or small macros, you do both of the following:" in cut.quote
    assert not cut.quote.startswith("You may convey")
    assert len(cut.quote.split()) <= 40
    assert cut.cut == (True, False)
    assert answering_clauses(candidate, weights, 200) is candidate


def test_a_list_item_is_shown_without_its_bullet() -> None:
    """The answer shows "Remove previously deprecated code.", not "- Remove ..."; the quote
    the citation highlights keeps the source's exact characters."""
    item = _candidate("-   Remove previously deprecated code.")
    assert item.shown == "Remove previously deprecated code."
    assert item.quote == "-   Remove previously deprecated code."
    assert _candidate("• Syntaxes for Ada were added.").shown == "Syntaxes for Ada were added."
    assert _candidate("-5 degrees is the lowest.").shown == "-5 degrees is the lowest."
    assert _candidate("b) Convey the object code.").shown == "b) Convey the object code."


def test_a_quote_from_markdown_is_shown_as_the_rendered_page_reads() -> None:
    """ "Added [`--mkpath`](rsync.1#opt) option" reads "Added --mkpath option" when the file
    is Markdown; the quote keeps the file's characters, and plain text is shown as written."""
    text = "- Added [`--mkpath`](rsync.1#opt) option to\n  create a _missing_ path."
    item = _candidate(text, source="rsync/NEWS.md")
    assert item.shown == "Added --mkpath option to create a missing path."
    assert item.quote == text
    assert _candidate(text, source="rsync/NEWS.txt").shown.startswith("Added [`--mkpath`]")
