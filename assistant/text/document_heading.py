"""A document's heading (title, publisher, date): a chunk is read, indexed and matched under it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def heading(metadata: Mapping[str, Any]) -> str:
    """What a chunk's document says of itself: title, publisher and date. A sentence is
    read under it, so it need not repeat who wrote it, about what, or when."""
    return " ".join(str(metadata.get(key, "")) for key in ("title", "publisher", "published"))


def with_heading(text: str, metadata: Mapping[str, Any]) -> str:
    """A chunk's text behind its document's heading: what BM25 indexes, and what the
    answerer searches for the names and figures a question asks about."""
    return f"{heading(metadata)} {text}"
