"""Paragraph and sentence spans with character offsets into the original text.

A blank line always ends a paragraph. What a single line break means depends on how the
text is written: in hard-wrapped text (most lines at most ~100 characters) it is only a
wrap, whatever the next line starts with, unless the line is a short one that ends a
sentence or the next one opens a list item; in text written a paragraph per line it ends
the paragraph unless the next line continues the sentence (starts in lower case), so
header lines such as dates never glue onto the sentence that follows. Sentence boundaries
inside a paragraph come from `sentencex`, never inside a dotted name ("config.DEFAULT") or
after a quoted full stop, and a bracketed remark stays with the sentence it follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sentencex


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def encode_spans(spans: Sequence[Span]) -> str:
    """Spans as "start-end,start-end", to keep a chunk's paragraphs in its metadata."""
    return ",".join(f"{span.start}-{span.end}" for span in spans)


def decode_spans(encoded: object) -> list[Span] | None:
    """The spans `encode_spans` wrote, or None when there are none (an older index)."""
    if not isinstance(encoded, str) or not encoded:
        return None
    return [Span(*map(int, part.split("-"))) for part in encoded.split(",")]


def _strip(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding whitespace, or None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


# Hard-wrapped text: nine lines in ten are at most WRAP_WIDTH long (and at least
# MIN_WRAP_WIDTH: shorter lines are headers or lists, not wrapped prose).
WRAP_WIDTH = 100
MIN_WRAP_WIDTH = 40
_ITEM_MARK = r"[-*+•‣◦]|\d{1,3}[.)]"
_LIST_ITEM = re.compile(rf"^(?:{_ITEM_MARK})\s")
# An enumerated item, lettered and numbered ones too: "a) Give ...", "(ii) withdraw ...",
# "iii. publicity ...", "c. Affirmer disclaims ..." (lower case: "J. Smith" is a name).
_ENUMERATED = re.compile(
    rf"^\s*(?:{_ITEM_MARK}|\(?(?:[a-z]|[ivx]{{1,4}}|\d{{1,3}})\)|(?:[a-z]|[ivx]{{1,4}})\.)\s"
)
_SENTENCE_END = tuple(".!?:;。！？…")
_CLOSING_QUOTES = '"”'  # a quotation closing after a full stop: '... it said."'
# A full stop quoted on its own ("the regular expression '.' no longer fails") ends no
# sentence, nor does a short quoted token ending in one ("a subpattern like '\.' that
# escapes a character") when what follows goes on in lower case; nor does a bracketed
# remark stand alone ("... [bug introduced in grep 3.4]").
_QUOTED_STOP = re.compile(r"""['"‘“]\.['"’”]$""")
_QUOTED_TOKEN_STOP = re.compile(r"""['"‘“][^\s'"‘“’”]{0,3}\.['"’”]$""")
_REMARK = re.compile(r"^(?:\[[^\]]*\]|\([^)]*\))\.?$")


def _ends_sentence(line: str) -> bool:
    """Whether a line ends a sentence: a closing quotation mark only after a full stop (a
    quoted term, '1.7. "Larger Work"', is followed by its definition on the next line)."""
    return line.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END)


def _continues(line: str) -> bool:
    return bool(line) and (line[0].islower() or line[0] in ",;)")


def _wrap_width(lines: list[str]) -> int | None:
    """The width text was hard-wrapped at, or None when it has a paragraph per line (or is
    a run of short lines such as a header: wrapped lines mostly come close to the width)."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 2:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    median = lengths[len(lengths) // 2]
    wrapped = MIN_WRAP_WIDTH <= width <= WRAP_WIDTH and median >= 0.6 * width
    return width if wrapped else None


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs as spans (see the module docstring for what a line break means)."""
    lines: list[Span | None] = []
    position = 0
    for raw_line in text.splitlines(keepends=True):
        lines.append(_strip(text, position, position + len(raw_line)))
        position += len(raw_line)
    width = _wrap_width([text[line.start : line.end] for line in lines if line])
    paragraphs: list[Span] = []
    current: Span | None = None
    for line in lines:
        if line is None:  # a blank line
            if current:
                paragraphs.append(current)
            current = None
            continue
        content = text[line.start : line.end]
        if current is not None:
            previous = text[current.start : current.end]
            if width is None:
                joins = _continues(content)
            else:
                last_line = previous.rsplit("\n", 1)[-1].strip()
                ended = _ends_sentence(last_line) and len(last_line) < 0.7 * width
                joins = not ended and not _LIST_ITEM.match(content)
            if joins or _REMARK.match(content):  # "[bug introduced in sed 4.8]" below
                current = Span(current.start, line.end)
                continue
            paragraphs.append(current)
        current = line
    if current:
        paragraphs.append(current)
    return paragraphs


def _joined(piece: str, boundaries: list[dict[str, int]]) -> list[tuple[int, int]]:
    """sentencex's sentences, with three kinds of cut undone: right after a full stop that
    no space follows ("config.DEFAULT", "grep '.\\bx'"), after a full stop quoted on its
    own or ending a short quoted token that the sentence goes on after, and before a
    bracketed remark, which belongs to the sentence it follows."""
    spans: list[tuple[int, int]] = []
    for boundary in boundaries:
        start, end = boundary["start_index"], boundary["end_index"]
        if spans:
            before = piece[spans[-1][0] : spans[-1][1]]
            glued = before.endswith(".") and start < len(piece) and not piece[start].isspace()
            remark = _REMARK.match(piece[start:end].strip()) is not None
            quoted = _QUOTED_STOP.search(before.rstrip()) or (
                _QUOTED_TOKEN_STOP.search(before.rstrip())
                and piece[start:end].lstrip()[:1].islower()
            )
            if glued or remark or quoted:
                spans[-1] = (spans[-1][0], end)
                continue
        spans.append((start, end))
    return spans


def sentence_spans(
    text: str,
    within: Span | None = None,
    language: str = "en",
    paragraphs: Sequence[Span] | None = None,
) -> list[Span]:
    """Sentences of `text` (or of the part `within`), as absolute, whitespace-trimmed spans.

    `paragraphs` (relative to `within`) are the paragraphs when the document's structure
    is known; otherwise they are read from the text, which a short excerpt can mislead.
    """
    region = within or Span(0, len(text))
    spans: list[Span] = []
    if paragraphs is None:
        paragraphs = paragraph_spans(text[region.start : region.end])
    for paragraph in paragraphs:
        base = region.start + paragraph.start
        piece = text[base : region.start + paragraph.end]
        boundaries = sentencex.get_sentence_boundaries(language, piece)
        for start, end in _joined(piece, boundaries):
            span = _strip(text, base + start, base + end)
            if span:
                spans.append(span)
    return spans


# A line of code in running text: an interpreter prompt, or a call signature alone.
_CODE_LINE = re.compile(r"\s*(>>>|\$ )|\s*[\w.]+\([^()]*\)(\s*->\s*[\w.\[\], ]+)?\s*$")


def is_lead_in(sentence: str) -> bool:
    """A sentence that ends in a colon announces what follows (a list, a quote): alone it
    states nothing, so it is quoted only with the items it enumerates, and a chunk never
    ends on it before its first item."""
    return sentence.rstrip().endswith((":", "："))


def is_enumerated(sentence: str) -> bool:
    """Whether a sentence opens an enumerated item: "a) Give ...", "(ii) ...", "- ...", "2. ..."."""
    return _ENUMERATED.match(sentence) is not None


def announced_items(text: str, sentences: Sequence[Span], lead_in: int, max_words: int) -> int:
    """Where the items a lead-in sentence announces end ("..., you do both of the
    following:" then "a) Give ...", "b) Accompany ..."): the end of the enumerated sentences
    right after it when all of them fit in `max_words` (part of a list would pass for all
    of it); the lead-in's own end when they do not, or when no item follows it."""
    end, words = sentences[lead_in].end, 0
    for span in sentences[lead_in + 1 :]:
        item = text[span.start : span.end]
        if not is_enumerated(item):
            break
        words += len(item.split())
        if words > max_words:
            return sentences[lead_in].end
        end = span.end
    return end


def passage_sentences(
    text: str, paragraphs: list[Span] | None, block_kinds: Sequence[str], chunk_kind: str
) -> list[tuple[Span, str]]:
    """A chunk's sentences, each with its kind (prose, code, table): the kind of the block
    it stands in, as a chunk may hold prose and the code it introduces (an index without
    block kinds gives the chunk's). A table row is one sentence, whatever its cells hold
    (the splitter cut "Method: assertIsInstance(a, b) | ... | New in: 3.2" after "(a,").
    A call signature or an interpreter line is code wherever it stands (an API entry's
    "field(*, default=MISSING, ...)", a PDF's example, which has no code blocks).

    The indexer embeds these sentences and the answerer quotes them: both split alike."""
    if paragraphs and len(block_kinds) == len(paragraphs):
        blocks = [
            ([paragraph] if kind == "table" else sentence_spans(text, paragraphs=[paragraph]), kind)
            for paragraph, kind in zip(paragraphs, block_kinds, strict=True)
        ]
    else:
        blocks = [(sentence_spans(text, paragraphs=paragraphs), chunk_kind)]
    found: list[tuple[Span, str]] = []
    for spans, kind in blocks:
        for span in spans:
            code_line = _CODE_LINE.match(text[span.start : span.end]) is not None
            found.append((span, "code" if code_line else kind))
    return found
