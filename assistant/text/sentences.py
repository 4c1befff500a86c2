"""Paragraph and sentence spans with character offsets into the original text.

A single line break ends a paragraph unless the next line continues the sentence (starts in
lower case), so header lines such as view counters or dates never glue onto the sentence
that follows, while hard-wrapped prose (Markdown) still reads as one paragraph.
Sentence boundaries inside a paragraph come from `sentencex`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sentencex


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def _strip(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding whitespace, or None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _continues(line: str) -> bool:
    return bool(line) and (line[0].islower() or line[0] in ",;)")


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs as spans: runs of non-blank lines joined only where a sentence continues."""
    paragraphs: list[Span] = []
    current: Span | None = None
    position = 0
    for raw_line in text.splitlines(keepends=True):
        line = _strip(text, position, position + len(raw_line))
        position += len(raw_line)
        if line and current and _continues(text[line.start : line.end]):
            current = Span(current.start, line.end)
            continue
        if current:
            paragraphs.append(current)
        current = line
    if current:
        paragraphs.append(current)
    return paragraphs


def sentence_spans(text: str, within: Span | None = None, language: str = "en") -> list[Span]:
    """Sentences of `text` (or of the part `within`), as absolute, whitespace-trimmed spans."""
    region = within or Span(0, len(text))
    spans: list[Span] = []
    for paragraph in paragraph_spans(text[region.start : region.end]):
        base = region.start + paragraph.start
        piece = text[base : region.start + paragraph.end]
        for boundary in sentencex.get_sentence_boundaries(language, piece):
            span = _strip(text, base + boundary["start_index"], base + boundary["end_index"])
            if span:
                spans.append(span)
    return spans
