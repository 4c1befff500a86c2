"""The Markdown and Word exports of a conversation: text from documents and users stays text
(no live links or images), and characters XML cannot hold never break the Word file."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import docx
import markdown_it

from assistant.schema import AskResult, Citation, Quote
from assistant.workspace.export import (
    answer_markdown,
    conversation_docx,
    conversation_markdown,
    known_publisher,
    question_markdown,
    reference_line,
)
from assistant.workspace.models import Conversation, Feedback, Turn

WHEN = datetime(2025, 1, 10, 9, 30, tzinfo=UTC)
LINKS = (
    "See ![x](http://tracker.example/p.png) and [t](javascript:alert(1)) and <http://a.example>."
)
CONTROLS = "Page one\fPage two\x01, then\x0bthree\x00 and a \ufffemark"
CLEAN = "Page one Page two, then three and a mark"


def citation(quote: str, title: str = "Growth targets", n: int = 1) -> Citation:
    return Citation(
        n=n,
        source="a.txt",
        title=title,
        publisher="Global Times",
        published="2025-01",
        section="Ch. 1",
        chunk_id="c1",
        start=0,
        end=len(quote),
        text=quote,
        quote=quote,
        quote_start=0,
        quote_end=len(quote),
        also_quoted=[Quote(start=0, end=len(quote), text=quote)],
    )


def conversation(title: str, question: str, answer: str, quote: str) -> Conversation:
    result = AskResult(answer=answer, citations=[citation(quote, title=title)])
    turn = Turn(n=1, question=question, standalone_question=question, result=result, asked_at=WHEN)
    return Conversation(
        id="c1", title=title, created_at=WHEN, updated_at=WHEN, turn_count=1, turns=[turn]
    )


def rendered_links(markdown: str) -> list[str]:
    """Every link and image a CommonMark renderer would make of the text."""
    tokens = markdown_it.MarkdownIt("commonmark").parse(markdown)
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                found.append(str(child.attrs.get("href") or child.attrs.get("src")))
    return found


def test_markdown_keeps_no_link_or_image_from_any_exported_text() -> None:
    text = conversation_markdown(
        conversation(
            title=f"Title {LINKS}",
            question=f"Question {LINKS}",
            answer=f"{LINKS} [1] And [1](javascript:alert(2)) ![1](http://t.example/x.png).",
            quote=LINKS,
        )
    )
    assert rendered_links(text) == []
    assert "[1]" in text  # the answerer's markers stay as they are
    unescaped = re.sub(r"\\(.)", r"\1", text)
    assert "![x](http://tracker.example/p.png)" in unescaped  # shown literally, not dropped


def test_the_answer_alone_has_no_live_link_either() -> None:
    answer = f"{LINKS} [1]\n[1]: javascript:alert(3)\n"
    assert rendered_links(answer_markdown(AskResult(answer=answer))) == []


def test_control_characters_never_break_the_word_file() -> None:
    made = conversation(
        title="\x01Growth\x1f targets",
        question=f"What about {CONTROLS}?",
        answer=f"{CONTROLS} [1].",
        quote=CONTROLS,
    )
    document = docx.Document(io.BytesIO(conversation_docx(made)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Growth targets"
    assert f"1. What about {CLEAN}?" in paragraphs
    assert f"{CLEAN} [1]." in paragraphs
    assert f"“{CLEAN}”" in paragraphs
    assert conversation_markdown(made)  # the Markdown export is built from the same turn


def test_xml_text_keeps_every_character_xml_allows() -> None:
    from assistant.workspace.export import xml_text

    kept = "tab\tline\nreturn\r é 宁波 \U0001f600 \ud7ff \ue000 \ufffd"
    assert xml_text(kept) == kept
    assert xml_text("a\fb\vc") == "a b c"
    assert xml_text("a\x00b\x01c\x7fd\ud800e\uffff") == "abc\x7fde"


def _analyst_conversation() -> Conversation:
    """A figure, a rated follow-up read as a standalone question, and a refusal."""
    first = AskResult(
        question="What target did Ningbo set?",
        answer="Ningbo set 5.5 percent [1].",
        citations=[citation("Ningbo set 5.5 percent.", title="What Was Achieved in 2024?")],
    )
    follow_up = AskResult(
        question="And Sanya?",
        standalone_question="What target did Sanya set?",
        answer="Sanya set 8 percent [1].",
        citations=[citation("Sanya set 8 percent.")],
    )
    refusal = AskResult(
        question="What is the weather?", answer="The documents do not say.", abstained=True
    )
    turns = [
        Turn(
            n=1,
            question="What target did Ningbo set?",
            standalone_question="",
            result=first,
            asked_at=WHEN,
        ),
        Turn(
            n=2,
            question="And Sanya?",
            standalone_question="What target did Sanya set?",
            result=follow_up,
            asked_at=WHEN,
            feedback=Feedback(rating="down", comment="Missing the year", rated_at=WHEN),
        ),
        Turn(
            n=3,
            question="What is the weather?",
            standalone_question="",
            result=refusal,
            asked_at=WHEN,
        ),
    ]
    return Conversation(
        id="c1", title="Targets", created_at=WHEN, updated_at=WHEN, turn_count=3, turns=turns
    )


def test_exports_read_as_an_analysts_record() -> None:
    """A follow-up's heading says what was searched for, a refusal is marked as one, ratings
    and comments are kept, a title ending in "?" gets no extra full stop, and the Word file
    has a References heading."""
    markdown = conversation_markdown(_analyst_conversation())
    assert "## 2. And Sanya? (searched for: What target did Sanya set?)" in markdown
    assert "## 1. What target did Ningbo set?\n" in markdown
    refusal = markdown.split("## 3.")[1]
    assert "**Not answered by the documents.**" in refusal
    assert "**Not answered" not in markdown.split("## 3.")[0]
    assert 'Rated: poor answer. Comment: "Missing the year"' in markdown
    assert "What Was Achieved in 2024?" in markdown and "?." not in markdown
    document = docx.Document(io.BytesIO(conversation_docx(_analyst_conversation())))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 2", "2. And Sanya? (searched for: What target did Sanya set?)") in paragraphs
    assert [text for style, text in paragraphs if style == "Heading 3"] == ["References"] * 2
    assert ("Normal", "Not answered by the documents.") in paragraphs
    assert any("Rated: poor answer" in text for _, text in paragraphs)
    assert not any("?." in text for _, text in paragraphs)


def test_unknown_publishers_are_left_out_of_references() -> None:
    unknown = citation("A quote.").model_copy(update={"publisher": "unknown (research report)"})
    assert reference_line(unknown) == "Growth targets. 2025-01, Ch. 1."
    assert known_publisher("Global Times") == "Global Times"
    assert known_publisher("Unknown") == ""


def test_copy_text_starts_with_the_question() -> None:
    follow_up = _analyst_conversation().turns[1].result
    copied = question_markdown("And Sanya?", follow_up)
    assert copied.startswith("**And Sanya? (searched for: What target did Sanya set?)**\n\n")
    assert copied.endswith(answer_markdown(follow_up))
