"""The history sidebar's HTML: the owner's conversations, newest first, and the Undo notice.

Pure like `render` (titles and questions come from users, so everything passes through
`esc`); the clicks are handled by `assets/history.js`. Each row's title is a real button,
so Enter and Space open it from the keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.serve.ui.render import esc
from assistant.workspace.models import Conversation, ConversationInfo

Turns = list[dict[str, Any]]


def _when(info: ConversationInfo) -> str:
    count = info.turn_count
    questions = f"{count} question{'' if count == 1 else 's'}"
    return f"{info.updated_at:%d %b %Y} · {questions}"


def _row(info: ConversationInfo, is_current: bool) -> str:
    title = esc(info.title)
    current = ' aria-current="true"' if is_current else ""
    return (
        f'<li class="conv{" current" if is_current else ""}" data-id="{esc(info.id)}">'
        f'<button type="button" class="conv-open" data-action="open"{current}>'
        f'<span class="conv-title">{title}</span>'
        f'<span class="conv-meta">{esc(_when(info))}</span></button>'
        f'<button type="button" class="conv-act" data-action="rename" '
        f'aria-label="Rename “{title}”" title="Rename">✎</button>'
        f'<button type="button" class="conv-act" data-action="delete" '
        f'aria-label="Delete “{title}”" title="Delete">×</button></li>'
    )


def render_history(
    conversations: Sequence[ConversationInfo],
    current: str = "",
    deleted: ConversationInfo | None = None,
) -> str:
    """The list, with the open conversation marked; `deleted` adds an Undo notice for it."""
    notice = ""
    if deleted is not None:
        notice = (
            f'<div class="undo-notice" role="status">Deleted “{esc(deleted.title)}”. '
            f'<button type="button" class="undo" data-action="undo" data-id="{esc(deleted.id)}">'
            "Undo</button></div>"
        )
    if not conversations:
        return (
            f'<div class="history">{notice}<p class="muted history-empty">'
            "Your conversations will be listed here.</p></div>"
        )
    rows = "".join(_row(info, info.id == current) for info in conversations)
    return (
        f'<nav class="history" aria-label="Your conversations">{notice}'
        f'<ul class="conv-list">{rows}</ul></nav>'
    )


def ui_turns(conversation: Conversation) -> Turns:
    """A stored conversation as the UI's session turns (with number and rating)."""
    return [
        {
            "question": turn.question,
            "result": turn.result.model_dump(mode="json"),
            "n": turn.n,
            "rating": turn.feedback.rating if turn.feedback else None,
            "comment": turn.feedback.comment if turn.feedback else "",
            "scope": turn.settings.get("scope"),  # "Searched 2 of 5 documents", if kept
        }
        for turn in conversation.turns
    ]
