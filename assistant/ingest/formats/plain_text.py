"""Plain text and Markdown: the decoded file is the document text, byte for byte, so
citations point into the file itself; blocks come from its blank lines, its wrapping, and
in Markdown its headings (`#`), fenced code and list items."""

from __future__ import annotations

import re

from assistant.ingest.document import Block, Extracted, LoadError
from assistant.text.sentences import paragraph_spans

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")


def decode(raw: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); binary or other encodings are refused."""
    if b"\x00" in raw[:8192]:
        raise LoadError("binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})"
        ) from error


def _prose_blocks(text: str, start: int, end: int) -> list[Block]:
    """Paragraphs of text[start:end]; in Markdown, each list item is a block of its own."""
    blocks: list[Block] = []
    for span in paragraph_spans(text[start:end]):
        kind = "list_item" if _LIST_ITEM.match(text[start + span.start :]) else "paragraph"
        blocks.append(Block(start + span.start, start + span.end, kind))
    return blocks


def text_blocks(text: str, markdown: bool) -> tuple[Block, ...]:
    if not markdown:
        return tuple(_prose_blocks(text, 0, len(text)))
    blocks: list[Block] = []
    prose_start = 0
    fence_start: int | None = None
    position = 0
    for line in text.splitlines(keepends=True):
        line_start, position = position, position + len(line)
        if fence_start is not None:
            if _FENCE.match(line):
                blocks.append(Block(fence_start, line_start, "code"))
                fence_start, prose_start = None, position
            continue
        fence, heading = _FENCE.match(line), _HEADING.match(line)
        if fence or heading:
            blocks += _prose_blocks(text, prose_start, line_start)
            prose_start = position
        if fence:
            fence_start = position
        elif heading:
            offset = line_start + heading.start(2)
            blocks.append(Block(offset, offset + len(heading.group(2)), "heading", len(heading[1])))
    if fence_start is not None:  # an unclosed fence runs to the end
        blocks.append(Block(fence_start, len(text), "code"))
    else:
        blocks += _prose_blocks(text, prose_start, len(text))
    return tuple(block for block in blocks if text[block.start : block.end].strip())


def extract_plain_text(raw: bytes) -> Extracted:
    text = decode(raw)
    return Extracted(text, text_blocks(text, markdown=False))


def extract_markdown(raw: bytes) -> Extracted:
    text = decode(raw)
    return Extracted(text, text_blocks(text, markdown=True))
