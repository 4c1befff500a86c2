"""How `assistant chat` prints a streamed answer: pieces as they come, then the citations."""

from __future__ import annotations

import pytest

from assistant.cli import _print_streamed
from assistant.schema import AskResult, Citation

CITATION = Citation(
    n=1,
    source="003.txt",
    title="Growth targets",
    chunk_id="c1",
    start=0,
    end=40,
    text="Ningbo set a target of 5.5 percent.",
    quote="Ningbo set a target of 5.5 percent.",
    quote_start=0,
    quote_end=35,
)


def test_pieces_are_printed_once_then_the_citations(capsys: pytest.CaptureFixture[str]) -> None:
    result = AskResult(answer="Ningbo aims for 5.5 percent. [1]", citations=[CITATION])
    assert _print_streamed(iter(["Ningbo aims for 5.5 percent.", " [1]", result])) is result
    assert capsys.readouterr().out == (
        "Ningbo aims for 5.5 percent. [1]\n"
        "  [1] Growth targets (003.txt, chars 0-35)\n"
        '      "Ningbo set a target of 5.5 percent."\n'
    )


def test_a_final_answer_unlike_the_stream_is_printed_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An LLM cited its passage 3, renumbered [1] in the result: the numbers must match."""
    result = AskResult(answer="Ningbo aims for 5.5 percent [1].", citations=[CITATION])
    _print_streamed(iter(["Ningbo aims for", " 5.5 percent [3].", result]))
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "Ningbo aims for 5.5 percent [3].",
        "Ningbo aims for 5.5 percent [1].",
        "  [1] Growth targets (003.txt, chars 0-35)",
    ]


def test_a_passage_with_a_section_and_page_is_located_by_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Character offsets mean nothing to a reader; a PDF's section path and page do."""
    located = CITATION.model_copy(
        update={"source": "fhs.pdf", "section": "3. Root › 3.15. /run", "page": "21-22"}
    )
    result = AskResult(answer="Ningbo aims for 5.5 percent. [1]", citations=[located])
    _print_streamed(iter([result.answer, result]))
    assert "  [1] Growth targets (fhs.pdf, 3. Root › 3.15. /run · pp. 21-22)\n" in (
        capsys.readouterr().out
    )
