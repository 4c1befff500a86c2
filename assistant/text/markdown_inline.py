"""Markdown's inline syntax read as the text it renders: a quote from a Markdown file is
shown as a reader of the rendered page sees it ("Added --mkpath option", not "Added
[`--mkpath`](rsync.1#opt) option"), while the document text stays the file's bytes so that
citations point into the file itself."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

from assistant.text.identity import file_suffix

MARKDOWN_SUFFIXES = (".md", ".markdown")
# Inline tokens whose content is what a reader sees; markup (links' and emphasis' open and
# close, inline HTML) shows nothing of its own.
_SHOWN = frozenset({"text", "code_inline", "image"})


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def is_markdown(source: str) -> bool:
    """Whether a document, by its file name, is Markdown."""
    return file_suffix(source) in MARKDOWN_SUFFIXES


def rendered_inline(text: str) -> str:
    """The text of a Markdown span without its inline syntax: link and image targets,
    backticks, emphasis marks and inline HTML removed; line breaks read as spaces."""
    shown: list[str] = []
    for block in _parser().parseInline(text):
        for token in block.children or []:
            if token.type in _SHOWN:
                shown.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                shown.append(" ")
    return "".join(shown)
