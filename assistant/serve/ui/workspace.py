"""The web UI's side of the workspace: whose conversations a request sees, keeping answered
questions, and the Download buttons (their files are `downloads.Downloads`').

The owner comes from the request's cookie (or the API token), exactly as the API derives it,
so the UI and `/api` see the same conversations. A conversation id sent by the page is only
ever looked up for that owner; an unknown or deleted one opens a new chat instead of failing.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.schema import AskResult
from assistant.serve.owner import owner_of
from assistant.serve.ui.downloads import Downloads, hidden
from assistant.serve.ui.history import Turns, render_history, ui_turns
from assistant.workspace.conversations import ConversationStore, WorkspaceError, WorkspaceFull
from assistant.workspace.models import ConversationInfo, Rating

log = logging.getLogger(__name__)


class WorkspaceView:
    """Per-request access to the shared `ConversationStore` for the Gradio handlers."""

    def __init__(self, workspace: ConversationStore, settings: Settings) -> None:
        self.workspace = workspace
        self.settings = settings
        self.files = Downloads()
        workspace.on_removed(self.files.forget)

    def owner(self, request: gr.Request) -> str:
        return owner_of(self.settings, dict(getattr(request, "cookies", None) or {}))

    def open(self, owner: str, conversation_id: str) -> tuple[Turns, str]:
        """The turns of a stored conversation and its id, or a new chat's ([], "")."""
        if not conversation_id:
            return [], ""
        try:
            return ui_turns(self.workspace.get(owner, conversation_id)), conversation_id
        except WorkspaceError:
            return [], ""

    def history(self, owner: str, conversation_id: str) -> list[dict[str, str]]:
        """The stored conversation as chat messages, so a follow-up is read in its context."""
        if not conversation_id:
            return []
        try:
            return self.workspace.history(owner, conversation_id)
        except WorkspaceError:
            return []

    def keep(
        self,
        owner: str,
        conversation_id: str,
        question: str,
        result: AskResult,
        answer_settings: dict[str, Any],
    ) -> tuple[str, int | None]:
        """Store an answered question; a new chat (or one deleted meanwhile in another tab)
        becomes a new conversation. Returns the conversation id and the turn's number, which
        is None when the database could not be written (the answer is still shown)."""
        try:
            try:
                turn = self.workspace.add_turn(
                    owner, conversation_id, question, result, answer_settings
                )
            except WorkspaceError:
                conversation_id = self.workspace.create(owner).id
                turn = self.workspace.add_turn(
                    owner, conversation_id, question, result, answer_settings
                )
        except WorkspaceFull as full:
            gr.Warning(f"This answer was not saved: {full.message}.")
            return conversation_id, None
        except Exception:
            log.exception("could not keep the answer to %r", question)
            gr.Warning("This answer could not be saved to your conversations.")
            return conversation_id, None
        return conversation_id, turn.n

    def sidebar(self, owner: str, current: str, deleted: ConversationInfo | None = None) -> str:
        return render_history(self.workspace.list(owner), current, deleted)

    def rename(self, owner: str, conversation_id: str, title: str) -> None:
        # Deleted in another tab meanwhile: the refreshed list shows what is left.
        with contextlib.suppress(WorkspaceError):
            self.workspace.rename(owner, conversation_id, title)

    def delete(self, owner: str, conversation_id: str) -> ConversationInfo | None:
        """Hide a conversation and return it for the Undo notice (None if already gone)."""
        try:
            info = self.workspace.get(owner, conversation_id)
            self.workspace.delete(owner, conversation_id)
        except WorkspaceError:
            return None
        return info

    def restore(self, owner: str, conversation_id: str) -> None:
        # Purged, or never this owner's: nothing to bring back.
        with contextlib.suppress(WorkspaceError):
            self.workspace.restore(owner, conversation_id)

    def rate(
        self, owner: str, conversation_id: str, turns: Turns, n: int, rating: str, comment: str
    ) -> Turns:
        """Store the owner's rating of turn `n` and return the session's turns showing it."""
        if rating not in ("up", "down") or not any(t.get("n") == n for t in turns):
            return turns
        verdict: Rating = "up" if rating == "up" else "down"
        try:
            stored = self.workspace.rate(owner, conversation_id, n, verdict, comment[:1000])
        except WorkspaceError:
            gr.Warning("This conversation no longer exists, so the rating was not saved.")
            return turns
        feedback = stored.feedback
        return [
            {**t, "rating": verdict, "comment": feedback.comment if feedback else ""}
            if t.get("n") == n
            else t
            for t in turns
        ]

    def downloads(self, owner: str, conversation_id: str) -> tuple[Any, Any]:
        """The Markdown and Word Download buttons for a conversation (hidden without one)."""
        try:
            conversation = self.workspace.get(owner, conversation_id) if conversation_id else None
        except WorkspaceError:
            conversation = None
        except Exception:  # showing the conversation must not depend on its downloads
            log.exception("could not read conversation %r for its downloads", conversation_id)
            conversation = None
        if conversation is None or not conversation.turns:
            return hidden(), hidden()
        return self.files.buttons(conversation)
