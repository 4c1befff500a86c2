"""A document's heading (title, author, publisher, date, file name): a chunk is read,
embedded, indexed and matched under it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.text.identity import path_words

SECTION_SEPARATOR = " › "  # between the parts of a heading path: "Handbook › Networking"
# What says which document a chunk is from, besides its file name.
IDENTITY_FIELDS = ("title", "author", "publisher", "published")


def identity(metadata: Mapping[str, Any]) -> str:
    """Who wrote the document, when, under which title and file name: "2013 letter ·
    J. Smith · 2013-03-01 · letters 2013 Smith". The file name's words are part of it,
    since a collection often states a year, author or version nowhere else; those the
    title already has are not repeated."""
    parts = [str(metadata[key]) for key in IDENTITY_FIELDS if metadata.get(key)]
    said = {word.lower() for part in parts for word in part.split()}
    named = [w for w in path_words(str(metadata.get("source") or "")) if w.lower() not in said]
    if named:
        parts.append(" ".join(named))
    return " · ".join(parts)


def heading(metadata: Mapping[str, Any]) -> str:
    """A chunk's document identity and section path. A sentence is read under it, so it
    need not repeat what it is about, who said it or when."""
    return SECTION_SEPARATOR.join(
        part for part in (identity(metadata), str(metadata.get("section") or "")) if part
    )


def with_heading(text: str, metadata: Mapping[str, Any]) -> str:
    """A chunk's text behind its document's heading: what BM25 indexes, and what the
    answerer searches for the names and figures a question asks about."""
    return f"{heading(metadata)} {text}"
