"""The row under each answer: copy it as Markdown, rate it, and comment on the rating.

Pure HTML like `render`; the clicks are handled by `assets/answer_actions.js`. The Markdown to
copy (the export's, from the turn's result) travels in an escaped attribute, so the copy
works without asking the server. Only a turn kept in the workspace (it has its 1-based
number `n`) can be rated.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from assistant.schema import AskResult
from assistant.workspace.export import question_markdown

# Feather icons (MIT): 24x24 outline strokes that take the button's text colour.
_SVG = (
    '<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" '
    'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" '
    'focusable="false">{}</svg>'
)
COPY_ICON = _SVG.format(
    '<rect x="9" y="9" width="13" height="13" rx="2"></rect>'
    '<path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"></path>'
)
UP_ICON = _SVG.format(
    '<path d="M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3z'
    'M7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3"></path>'
)
DOWN_ICON = _SVG.format(
    '<path d="M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3z'
    'm7-13h2.67A2.31 2.31 0 0 1 22 4v7a2.31 2.31 0 0 1-2.33 2H17"></path>'
)
COMMENT_CHARS = 1000


def _esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _rate_button(rating: str, label: str, icon: str, current: str | None) -> str:
    pressed = "true" if rating == current else "false"
    return (
        f'<button type="button" class="act rate {rating}" data-rating="{rating}" '
        f'aria-pressed="{pressed}" aria-label="{label}" title="{label}">{icon}</button>'
    )


def render_answer_actions(turn: Mapping[str, Any], result: AskResult | None) -> str:
    """Copy, thumbs up/down and the optional comment for one answered turn ("" without a
    result); `result` is the turn's own, already read by the caller."""
    if result is None:
        return ""
    markdown = question_markdown(str(turn.get("question") or result.question), result)
    copy = (
        f'<button type="button" class="act copy" data-copy="{_esc(markdown)}" '
        'aria-label="Copy the question and answer with its references as Markdown">'
        f"{COPY_ICON}<span>Copy</span></button>"
    )
    status = '<span class="act-status" role="status"></span>'
    n = turn.get("n")
    if not n:
        return f'<div class="answer-actions">{copy}{status}</div>'
    rating = turn.get("rating")
    comment = turn.get("comment") or ""
    return (
        f'<div class="answer-actions" data-n="{int(n)}">{copy}'
        '<span class="rate-group" role="group" aria-label="Rate this answer">'
        f"{_rate_button('up', 'Good answer', UP_ICON, rating)}"
        f"{_rate_button('down', 'Poor answer', DOWN_ICON, rating)}</span>{status}"
        f'<form class="rate-comment"{"" if rating else " hidden"}>'
        f'<input type="text" name="comment" maxlength="{COMMENT_CHARS}" value="{_esc(comment)}" '
        'placeholder="What was good or wrong? (optional)" '
        'aria-label="Comment on your rating (optional)">'
        '<button type="submit" class="act">Save comment</button></form></div>'
    )
