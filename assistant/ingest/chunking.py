"""Split a document into token-bounded chunks on paragraph and sentence boundaries.

Chunks are built paragraph by paragraph (short paragraphs such as headings join the next
one; long ones become overlapping sentence windows), so an edit only changes the chunks
around it and every other chunk keeps its text, and therefore its id.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass

from assistant.text.sentences import Span, paragraph_spans, sentence_spans
from assistant.text.token_count import count_tokens, encoding


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str
    source: str
    ordinal: int
    start: int
    end: int
    text: str
    tokens: int


@dataclass(frozen=True)
class ChunkSizes:
    target: int
    overlap: int
    minimum: int


def _token_pieces(text: str, span: Span, limit: int) -> list[Span]:
    """Cut an over-long sentence into pieces of at most `limit` tokens."""
    tokens = encoding().encode_ordinary(text[span.start : span.end])
    _, offsets = encoding().decode_with_offsets(tokens)
    cuts = [offsets[i] for i in range(0, len(tokens), limit)] + [span.end - span.start]
    return [Span(span.start + a, span.start + b) for a, b in itertools.pairwise(cuts) if b > a]


def _windows(text: str, region: Span, sizes: ChunkSizes) -> list[Span]:
    """Sentence windows over a region that is larger than the target size."""
    units: list[tuple[Span, int]] = []
    for sentence in sentence_spans(text, region):
        tokens = count_tokens(text[sentence.start : sentence.end])
        pieces = (
            [sentence] if tokens <= sizes.target else _token_pieces(text, sentence, sizes.target)
        )
        units.extend((piece, count_tokens(text[piece.start : piece.end])) for piece in pieces)
    windows: list[Span] = []
    first = 0
    while first < len(units):
        last, total = first, units[first][1]
        while last + 1 < len(units) and total + units[last + 1][1] <= sizes.target:
            last += 1
            total += units[last][1]
        windows.append(Span(units[first][0].start, units[last][0].end))
        if last + 1 >= len(units):
            break
        next_first, overlap = last + 1, 0
        while next_first - 1 > first and overlap + units[next_first - 1][1] <= sizes.overlap:
            next_first -= 1
            overlap += units[next_first][1]
        first = next_first
    return windows


def _regions(text: str, sizes: ChunkSizes) -> list[Span]:
    """Paragraph groups: a paragraph under the minimum size joins the one after it."""
    regions: list[Span] = []
    pending: Span | None = None
    for paragraph in paragraph_spans(text):
        region = Span(pending.start, paragraph.end) if pending else paragraph
        if count_tokens(text[region.start : region.end]) < sizes.minimum:
            pending = region
            continue
        regions.append(region)
        pending = None
    if pending:
        regions.append(pending)
    return regions


def chunk_id(source: str, text: str, occurrence: int) -> str:
    """Stable while the chunk text is unchanged; repeated text in a file gets a counter."""
    return hashlib.sha256(f"{source}\x00{occurrence}\x00{text}".encode()).hexdigest()[:24]


def chunk_text(source: str, text: str, sizes: ChunkSizes) -> list[Chunk]:
    spans: list[Span] = []
    for region in _regions(text, sizes):
        if count_tokens(text[region.start : region.end]) <= sizes.target:
            spans.append(region)
        else:
            spans.extend(_windows(text, region, sizes))
    seen: Counter[str] = Counter()
    chunks = []
    for ordinal, span in enumerate(spans):
        piece = text[span.start : span.end]
        seen[piece] += 1
        chunks.append(
            Chunk(
                id=chunk_id(source, piece, seen[piece]),
                source=source,
                ordinal=ordinal,
                start=span.start,
                end=span.end,
                text=piece,
                tokens=count_tokens(piece),
            )
        )
    return chunks
