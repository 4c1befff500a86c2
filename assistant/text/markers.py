"""Citation markers: `[n]` in an answer refers to the citation numbered n.

The one pattern for a marker, and the one way to keep a marker-like `[n]` that stands in a
document's own text from ever reading as a citation when that text is quoted.
"""

from __future__ import annotations

import re

CITATION_MARKER = re.compile(r"\[(\d+)\]")
# U+2060 WORD JOINER after the bracket: invisible, kept by copy and paste, and no longer
# a marker for `CITATION_MARKER` or for a client that looks for `[n]`.
_NEUTRAL_OPEN = "[\u2060"


def cited_numbers(text: str) -> list[int]:
    """The marker numbers in `text`, in order (repeats kept)."""
    return [int(number) for number in CITATION_MARKER.findall(text)]


def strip_markers(text: str) -> str:
    """`text` without its markers (what a claim says, apart from where it comes from)."""
    return CITATION_MARKER.sub("", text)


def neutralise_markers(text: str) -> str:
    """Document text made safe to quote in an answer: its `[n]` stop being markers."""
    return CITATION_MARKER.sub(lambda match: _NEUTRAL_OPEN + match.group(0)[1:], text)
