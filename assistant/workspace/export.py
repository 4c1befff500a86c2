"""A conversation as a document to keep or share: Markdown, or Word through python-docx.

Each answer keeps its `[n]` markers and is followed by its numbered references: title,
publisher, date, section or page, and the quoted sentence the marker stands for.
"""

from __future__ import annotations

import io
import re

import docx

from assistant.schema import AskResult, Citation
from assistant.workspace.models import Conversation

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")
_HTML_SPECIAL = re.compile(r"([<>])")  # raw HTML passes through Markdown renderers
_UNSAFE_IN_FILE_NAME = re.compile(r"[^\w-]+")


def file_stem(title: str) -> str:
    """An export's file name from the conversation title (letters, digits and dashes)."""
    return _UNSAFE_IN_FILE_NAME.sub("-", title).strip("-_")[:60].rstrip("-_") or "conversation"


def _plain(text: str) -> str:
    """Document text shown literally in Markdown (no links, emphasis or HTML from it)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def reference_line(citation: Citation) -> str:
    """`Title. Publisher, date, section, p. 3.` with the parts a document has."""
    where = [citation.publisher, citation.published, citation.section]
    if citation.page:
        where.append(f"p. {citation.page}")
    details = ", ".join(part for part in where if part)
    return f"{citation.title or citation.source}." + (f" {details}." if details else "")


def quoted_sentences(citation: Citation) -> list[str]:
    return [citation.quote, *(quote.text for quote in citation.also_quoted)]


def answer_markdown(result: AskResult) -> str:
    """One answer with its markers, then its references as a numbered list. The answer's
    text is quoted from documents: any markup in it is escaped, its `[n]` markers kept."""
    lines = [_HTML_SPECIAL.sub(r"\\\1", result.answer.strip())]
    if result.citations:
        lines += ["", "References:", ""]
        for citation in result.citations:
            lines.append(f"{citation.n}. {_plain(reference_line(citation))}")
            lines += [f'   > "{_plain(quote)}"' for quote in quoted_sentences(citation)]
    return "\n".join(lines)


def conversation_markdown(conversation: Conversation) -> str:
    parts = [f"# {_plain(conversation.title)}", ""]
    parts.append(f"Exported from the policy assistant; started {conversation.created_at:%Y-%m-%d}.")
    for turn in conversation.turns:
        parts += ["", f"## {turn.n}. {_plain(turn.question)}", "", answer_markdown(turn.result)]
    return "\n".join(parts) + "\n"


def conversation_docx(conversation: Conversation) -> bytes:
    """The same content as the Markdown export, as a Word document."""
    document = docx.Document()
    document.add_heading(conversation.title, level=1)
    document.add_paragraph(f"Started {conversation.created_at:%Y-%m-%d}.")
    for turn in conversation.turns:
        document.add_heading(f"{turn.n}. {turn.question}", level=2)
        document.add_paragraph(turn.result.answer.strip())
        for citation in turn.result.citations:
            entry = document.add_paragraph()
            entry.add_run(f"[{citation.n}] {reference_line(citation)}")
            for quote in quoted_sentences(citation):
                document.add_paragraph(f"“{quote}”", style="Quote")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
