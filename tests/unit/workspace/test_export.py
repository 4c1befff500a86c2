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
)
from assistant.workspace.models import Conversation, Turn

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
