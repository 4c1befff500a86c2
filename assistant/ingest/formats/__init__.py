"""One extractor per file format, registered by file name suffix: the plug-in point for a
new format is a function `bytes -> Extracted` added to `EXTRACTORS`."""

from __future__ import annotations

from collections.abc import Callable

from assistant.ingest.document import Extracted
from assistant.ingest.formats.docx import extract_docx
from assistant.ingest.formats.html import extract_html
from assistant.ingest.formats.mhtml import extract_mhtml
from assistant.ingest.formats.pdf import extract_pdf
from assistant.ingest.formats.plain_text import extract_markdown, extract_plain_text
from assistant.text.identity import file_suffix
from assistant.text.markdown_inline import MARKDOWN_SUFFIXES

EXTRACTORS: dict[str, Callable[[bytes], Extracted]] = {
    ".txt": extract_plain_text,
    ".text": extract_plain_text,
    **dict.fromkeys(MARKDOWN_SUFFIXES, extract_markdown),
    ".html": extract_html,
    ".htm": extract_html,
    ".xhtml": extract_html,
    ".mhtml": extract_mhtml,
    ".mht": extract_mhtml,
    ".pdf": extract_pdf,
    ".docx": extract_docx,
}
SUPPORTED_SUFFIXES = tuple(EXTRACTORS)
# Formats whose text is the decoded file itself: a line too long for prose is refused.
PLAIN_TEXT_SUFFIXES = frozenset(
    suffix
    for suffix, extractor in EXTRACTORS.items()
    if extractor in (extract_plain_text, extract_markdown)
) | {""}


def extractor_for(name: str) -> Callable[[bytes], Extracted] | None:
    """The extractor of a file name's suffix; a name without one (README, COPYING, NOTES,
    a version such as LGPL-2.1) is read as plain text, which refuses bytes that are not
    text. None: not supported."""
    suffix = file_suffix(name)
    return extract_plain_text if not suffix else EXTRACTORS.get(suffix)
