"""Labels and notes the UI shows an analyst, in the analyst's words rather than the server's
(no file suffixes, no "LLM", no settings to set up). Pure, so they are unit-tested."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.serve.ui.render import esc

UPLOAD_LABEL = "Add documents"  # short: a long label overlaps the drop zone's icon
EXTRACTIVE_NOTE = "Answers quote the documents' own sentences, each with its source."
# What each loader reads, as a reader would name it; a suffix not listed is shown as it is.
_KINDS = {
    ".pdf": "PDF",
    ".docx": "Word",
    ".html": "web pages",
    ".htm": "web pages",
    ".xhtml": "web pages",
    ".mhtml": "web pages",
    ".mht": "web pages",
    ".md": "Markdown",
    ".markdown": "Markdown",
    ".txt": "text",
    ".text": "text",
}


def mode_note(llm_ready: bool) -> str | None:
    """The note under the answer mode: what extractive answers are when they are the only
    kind this server gives (how a server is set up is the administrator's business)."""
    return None if llm_ready else EXTRACTIVE_NOTE


def upload_hint(suffixes: Iterable[str], max_mb: float) -> str:
    """The formats an upload may be and its size limit, under the drop zone."""
    kinds = list(dict.fromkeys(_KINDS.get(suffix.lower(), suffix) for suffix in suffixes))
    listed = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else "".join(kinds)
    return f'<p class="upload-hint">{esc(listed)} files, up to {max_mb:g} MB each.</p>'
