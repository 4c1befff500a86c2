"""A document's heading (title, publisher, date): a chunk is read, indexed and matched under it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SECTION_SEPARATOR = " › "  # between the parts of a heading path: "Handbook › Networking"


def heading(metadata: Mapping[str, Any]) -> str:
    """What a chunk's document says of it: title, publisher, date and the chunk's section
    path. A sentence is read under it, so it need not repeat what it is about or when."""
    keys = ("title", "publisher", "published", "section")
    return " ".join(str(metadata[key]) for key in keys if metadata.get(key))


def with_heading(text: str, metadata: Mapping[str, Any]) -> str:
    """A chunk's text behind its document's heading: what BM25 indexes, and what the
    answerer searches for the names and figures a question asks about."""
    return f"{heading(metadata)} {text}"
