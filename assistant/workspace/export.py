"""A conversation as a document to keep or share: Markdown, or Word through python-docx.

Each answer keeps its `[n]` markers and is followed by its numbered references: title,
publisher, date, section or page, and the quoted sentence the marker stands for. Every text
in an export comes from documents or users, so it stays text: in Markdown no link, image or
HTML can come of it, and in Word it holds only characters XML allows (a form feed from a
PDF or a control character in a title would otherwise make python-docx refuse the file).
"""

from __future__ import annotations

import io
import re

import docx

from assistant.schema import AskResult, Citation
from assistant.workspace.models import Conversation, Feedback

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")
# The answerer's own markers, and what would make one the text of a link or a reference
# definition: `[1](javascript:...)`, `![1](http://...)`, `[1]: http://...`.
_MARKER = re.compile(r"(\[\d+\])([(\[:]?)")
# Characters XML 1.0 cannot hold; form feeds and vertical tabs separate words, so they
# become spaces, the rest (C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped.
_XML_SPACES = str.maketrans({"\f": " ", "\v": " "})
_XML_INVALID = re.compile(r"[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNKNOWN = re.compile(r"unknown\b|n/?a$|none$", re.IGNORECASE)
_UNSAFE_IN_FILE_NAME = re.compile(r"[^\w-]+")


def file_stem(title: str) -> str:
    """An export's file name from the conversation title (letters, digits and dashes)."""
    return _UNSAFE_IN_FILE_NAME.sub("-", title).strip("-_")[:60].rstrip("-_") or "conversation"


def xml_text(text: str) -> str:
    """`text` with only the characters an XML document (a .docx) can hold."""
    return _XML_INVALID.sub("", text.translate(_XML_SPACES))


def _escaped(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _plain(text: str) -> str:
    """Document text shown literally in Markdown (no links, emphasis or HTML from it)."""
    return _escaped(" ".join(text.split()))


def _answer_text(answer: str) -> str:
    """An answer shown literally in Markdown but for its `[n]` markers, which stay markers
    and never become a link's text (a document's own `[2]` comes with a word joiner in it)."""
    parts = []
    last = 0
    for marker in _MARKER.finditer(answer):
        parts.append(_escaped(answer[last : marker.start()]))
        parts.append(marker[1] + ("\\" + marker[2] if marker[2] else ""))
        last = marker.end()
    parts.append(_escaped(answer[last:]))
    return "".join(parts)


def known_publisher(publisher: str | None) -> str:
    """The publisher as a reader should see it: "" for a placeholder such as "unknown
    (research report)", which says only that nobody knows."""
    text = (publisher or "").strip()
    return "" if _UNKNOWN.match(text) else text


def reference_line(citation: Citation) -> str:
    """`Title. Publisher, date, section, p. 3.` with the parts a document has."""
    where = [known_publisher(citation.publisher), citation.published, citation.section]
    if citation.page:
        where.append(f"p. {citation.page}")
    details = ", ".join(part for part in where if part)
    return _sentence(citation.title or citation.source) + (
        f" {_sentence(details)}" if details else ""
    )


def _sentence(text: str) -> str:
    """`text` ending in one full stop, unless it already ends a sentence ("…Sessions?")."""
    text = text.strip()
    return text if text.endswith((".", "?", "!", "…")) else f"{text}."


def quoted_sentences(citation: Citation) -> list[str]:
    return [citation.quote, *(quote.text for quote in citation.also_quoted)]


REFUSED = "Not answered by the documents."


def turn_heading(question: str, result: AskResult) -> str:
    """The question as asked and, for a follow-up rewritten before searching ("And Sanya?"),
    what was searched for: without it a follow-up means nothing out of its chat."""
    rewritten = " ".join((result.standalone_question or "").split())
    if rewritten and rewritten != " ".join(question.split()):
        return f"{question} (searched for: {rewritten})"
    return question


def rating_line(feedback: Feedback | None) -> str:
    """The analyst's rating and comment of an answer, "" when it was not rated."""
    if feedback is None:
        return ""
    verdict = "good answer" if feedback.rating == "up" else "poor answer"
    comment = " ".join(feedback.comment.split())
    return f"Rated: {verdict}." + (f' Comment: "{comment}"' if comment else "")


def answer_markdown(result: AskResult) -> str:
    """One answer with its markers, then its references as a numbered list. The answer's
    text is quoted from documents: any markup in it is escaped, its `[n]` markers kept. A
    refusal says so first, so it never reads as an ordinary answer."""
    lines = [f"**{REFUSED}**", ""] if result.abstained else []
    lines.append(_answer_text(result.answer.strip()))
    if result.citations:
        lines += ["", "References:", ""]
        for citation in result.citations:
            lines.append(f"{citation.n}. {_plain(reference_line(citation))}")
            lines += [f'   > "{_plain(quote)}"' for quote in quoted_sentences(citation)]
    return "\n".join(lines)


def question_markdown(question: str, result: AskResult) -> str:
    """What Copy puts on the clipboard: the question (and what was searched for), then the
    answer with its references, so the copy makes sense pasted anywhere."""
    return f"**{_plain(turn_heading(question, result))}**\n\n{answer_markdown(result)}"


def conversation_markdown(conversation: Conversation) -> str:
    parts = [f"# {_plain(conversation.title)}", ""]
    parts.append(f"Exported from the policy assistant; started {conversation.created_at:%Y-%m-%d}.")
    for turn in conversation.turns:
        heading = _plain(turn_heading(turn.question, turn.result))
        parts += ["", f"## {turn.n}. {heading}", "", answer_markdown(turn.result)]
        if rating := rating_line(turn.feedback):
            parts += ["", f"_{_plain(rating)}_"]
    return "\n".join(parts) + "\n"


def conversation_docx(conversation: Conversation) -> bytes:
    """The same content as the Markdown export, as a Word document; every text passes
    through `xml_text` on its way in."""
    document = docx.Document()
    document.add_heading(xml_text(conversation.title), level=1)
    document.add_paragraph(f"Started {conversation.created_at:%Y-%m-%d}.")
    for turn in conversation.turns:
        heading = turn_heading(turn.question, turn.result)
        document.add_heading(xml_text(f"{turn.n}. {heading}"), level=2)
        if turn.result.abstained:
            document.add_paragraph().add_run(REFUSED).bold = True
        document.add_paragraph(xml_text(turn.result.answer.strip()))
        if turn.result.citations:
            document.add_heading("References", level=3)
        for citation in turn.result.citations:
            entry = document.add_paragraph()
            entry.add_run(xml_text(f"[{citation.n}] {reference_line(citation)}"))
            for quote in quoted_sentences(citation):
                document.add_paragraph(xml_text(f"“{quote}”"), style="Quote")
        if rating := rating_line(turn.feedback):
            document.add_paragraph().add_run(xml_text(rating)).italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
