"""A loaded document: its text, its metadata, and the blocks its loader found in it.

Every loader returns the same shape, so chunking never guesses at structure that the file
format states: headings (and their level), paragraphs, list items, code, table rows, and
the page each block comes from. Offsets of blocks, chunks and citations are character
offsets into `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "code", "table_row"]
# Changes whenever an extractor's output for the same file, or how it is chunked, changes:
# every file is then indexed again (its text, and so every offset, may differ).
EXTRACTION_VERSION = "blocks-20"  # 20: a short quoted token ending in "." ends no sentence


class LoadError(Exception):
    """A file that cannot be indexed; the message is the reason shown to the user."""


@dataclass(frozen=True, slots=True)
class Block:
    start: int
    end: int
    kind: BlockKind
    level: int = 0  # a heading's level: 1 is the top
    page: int | None = None  # the page it stands on (PDF), counted from 1


@dataclass(frozen=True)
class LoadedDocument:
    source: str  # file name relative to the corpus folder, with forward slashes
    text: str
    content_hash: str
    metadata: dict[str, str] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()
    file_hash: str = ""  # SHA-256 of the file's bytes: the manifest's check when its stat moved

    @property
    def title(self) -> str:
        return self.metadata.get("title", self.source)


@dataclass(frozen=True)
class SkippedFile:
    source: str
    reason: str


@dataclass(frozen=True)
class Extracted:
    """What a format loader gives back: the text, its blocks, and metadata it found."""

    text: str
    blocks: tuple[Block, ...]
    metadata: dict[str, str] = field(default_factory=dict)


class DocumentBuilder:
    """Assembles a document's text block by block: blocks are separated by a blank line,
    so every block boundary is also a paragraph boundary in the text."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []

    def add(self, text: str, kind: BlockKind, level: int = 0, page: int | None = None) -> None:
        text = text.strip("\n") if kind == "code" else text.strip()
        if not text.strip():
            return
        if self._parts:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        self.blocks.append(Block(start, self._length, kind, level, page))

    def build(self, metadata: dict[str, str] | None = None) -> Extracted:
        return Extracted("".join(self._parts), tuple(self.blocks), metadata or {})
