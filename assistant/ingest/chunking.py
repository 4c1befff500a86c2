"""Split a document into token-bounded chunks on block and sentence boundaries.

Consecutive blocks of one section are packed up to the target size, prose and code together
(a "For example:" stays with its code, so code-heavy pages are not cut into fragments: on
Python's Sphinx documentation the median chunk went from 61 to 145 tokens of 180), tables
apart; each chunk records the kind of every block it holds, so the answerer can tell code
from prose; a heading starts a new chunk and names the section of those after it; a block
too long for one chunk becomes overlapping sentence windows. An edit only
changes the chunks around it: every other chunk keeps its text, and therefore its id.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.ingest.document import Block
from assistant.text.document_heading import SECTION_SEPARATOR
from assistant.text.sentences import (
    Span,
    is_enumerated,
    is_lead_in,
    paragraph_spans,
    sentence_spans,
)
from assistant.text.token_count import count_tokens, encoding

ChunkKind = Literal["prose", "code", "table"]


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str
    source: str
    ordinal: int
    start: int
    end: int
    text: str
    tokens: int
    section: str = ""  # the heading path: "Handbook › Networking › Configuring DHCP"
    kind: ChunkKind = "prose"
    pages: tuple[int, int] | None = None  # first and last page (PDF)
    paragraphs: tuple[Span, ...] = ()  # its blocks, relative to its start
    block_kinds: tuple[ChunkKind, ...] = ()  # the kind of each of `paragraphs`


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


def _windows(text: str, region: _Region, sizes: ChunkSizes) -> list[Span]:
    """Sentence windows over a region that is larger than the target size."""
    units: list[tuple[Span, int]] = []
    for sentence in sentence_spans(text, paragraphs=[Span(b.start, b.end) for b in region.blocks]):
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


@dataclass(frozen=True)
class _Region:
    """Consecutive blocks of one section, chunked together."""

    span: Span
    section: str
    blocks: tuple[Block, ...]


_KIND_OF_BLOCK: dict[str, ChunkKind] = {"code": "code", "table_row": "table"}


def _block_kind(block: Block) -> ChunkKind:
    return _KIND_OF_BLOCK.get(block.kind, "prose")


def _main_kind(paragraphs: Sequence[Span], kinds: Sequence[ChunkKind]) -> ChunkKind:
    """The kind of most of the chunk's characters: its summary in the metadata."""
    size: Counter[ChunkKind] = Counter()
    for paragraph, kind in zip(paragraphs, kinds, strict=True):
        size[kind] += paragraph.end - paragraph.start
    return size.most_common(1)[0][0] if size else "prose"


def _is_table(block: Block) -> bool:
    return _block_kind(block) == "table"


def _regions(text: str, blocks: Sequence[Block], sizes: ChunkSizes) -> list[_Region]:
    """Blocks packed up to the target size, never across a heading or a table's edge (rows
    carry their header, so a table stands alone; mixed into prose, a Debian tuning table
    question lost its passage); a block too large for one chunk is a region of its own."""
    regions: list[_Region] = []
    path: list[tuple[int, str]] = []  # (level, heading) from the top
    group: list[Block] = []
    tokens = 0

    def flush() -> None:
        nonlocal group, tokens
        if group:
            regions.append(
                _Region(
                    Span(group[0].start, group[-1].end),
                    SECTION_SEPARATOR.join(heading for _, heading in path),
                    tuple(group),
                )
            )
        group, tokens = [], 0

    for index, block in enumerate(blocks):
        if block.kind == "heading":
            flush()
            path = [entry for entry in path if entry[0] < block.level]
            path.append((block.level, " ".join(text[block.start : block.end].split())))
            continue
        size = count_tokens(text[block.start : block.end])
        # A lead-in ("..., you do both of the following:") starts a chunk rather than end one
        # without the first item it enumerates: alone it states nothing.
        needed = size + _announced_size(text, block, blocks[index + 1 : index + 2])
        full = tokens >= sizes.minimum and tokens + needed > sizes.target
        if group and (full or _is_table(block) != _is_table(group[-1])):
            flush()
        group.append(block)
        tokens += size
    flush()
    return regions


def _announced_size(text: str, block: Block, following: Sequence[Block]) -> int:
    """The tokens of the enumerated item a lead-in block announces (0 for any other)."""
    if not following or not is_lead_in(text[block.start : block.end]):
        return 0
    item = text[following[0].start : following[0].end]
    if following[0].kind != "list_item" and not is_enumerated(item):
        return 0
    return count_tokens(item)


def chunk_id(source: str, text: str, occurrence: int) -> str:
    """Stable while the chunk text is unchanged; repeated text in a file gets a counter."""
    return hashlib.sha256(f"{source}\x00{occurrence}\x00{text}".encode()).hexdigest()[:24]


def chunk_text(
    source: str, text: str, sizes: ChunkSizes, blocks: Sequence[Block] | None = None
) -> list[Chunk]:
    """Chunks of a document, from the blocks its loader found (or its paragraphs)."""
    if blocks is None:
        blocks = [Block(p.start, p.end, "paragraph") for p in paragraph_spans(text)]
    pieces: list[tuple[Span, _Region]] = []
    for region in _regions(text, blocks, sizes):
        if count_tokens(text[region.span.start : region.span.end]) <= sizes.target:
            pieces.append((region.span, region))
        else:
            pieces += [(span, region) for span in _windows(text, region, sizes)]
    seen: Counter[str] = Counter()
    chunks = []
    for ordinal, (span, region) in enumerate(pieces):
        piece = text[span.start : span.end]
        seen[piece] += 1
        inside = [b for b in region.blocks if b.start < span.end and b.end > span.start]
        pages = [b.page for b in inside if b.page is not None]
        paragraphs = tuple(
            Span(max(b.start, span.start) - span.start, min(b.end, span.end) - span.start)
            for b in inside
        )
        kinds = tuple(_block_kind(b) for b in inside)
        chunks.append(
            Chunk(
                id=chunk_id(source, piece, seen[piece]),
                source=source,
                ordinal=ordinal,
                start=span.start,
                end=span.end,
                text=piece,
                tokens=count_tokens(piece),
                section=region.section,
                kind=_main_kind(paragraphs, kinds),
                pages=(min(pages), max(pages)) if pages else None,
                paragraphs=paragraphs,
                block_kinds=kinds,
            )
        )
    return chunks
