"""One extractor per file format, registered by file name suffix: the plug-in point for a
new format is a function `bytes -> Extracted` added to `EXTRACTORS`."""

from __future__ import annotations

from collections.abc import Callable

from assistant.ingest.document import Extracted
from assistant.ingest.formats.docx import extract_docx
from assistant.ingest.formats.html import extract_html
from assistant.ingest.formats.pdf import extract_pdf
from assistant.ingest.formats.plain_text import extract_markdown, extract_plain_text

EXTRACTORS: dict[str, Callable[[bytes], Extracted]] = {
    ".txt": extract_plain_text,
    ".md": extract_markdown,
    ".html": extract_html,
    ".htm": extract_html,
    ".pdf": extract_pdf,
    ".docx": extract_docx,
}
SUPPORTED_SUFFIXES = tuple(EXTRACTORS)
