"""The history sidebar: open, rename, delete (with Undo) the owner's conversations. Showing
one is the conversation panel's `shown`, so both panels update the page alike."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.serve.ui.panels.common import Turns, event_str
from assistant.serve.ui.panels.conversation import NEW_CHAT, ConversationPanel
from assistant.serve.ui.workspace import WorkspaceView


class HistoryPanel:
    def __init__(self, view: WorkspaceView, conversation: ConversationPanel) -> None:
        self.view = view
        self.conversation = conversation

    def open_conversation(self, evt: gr.EventData, request: gr.Request) -> tuple[Any, ...]:
        owner = self.view.owner(request)
        return self.conversation.shown(owner, *self.view.open(owner, event_str(evt, "id")))

    def rename_conversation(
        self, conversation_id: str, evt: gr.EventData, request: gr.Request
    ) -> tuple[Any, ...]:
        """Rename from the sidebar; the open conversation's downloads take the new title."""
        owner = self.view.owner(request)
        self.view.rename(owner, event_str(evt, "id"), event_str(evt, "title"))
        return (
            self.view.sidebar(owner, conversation_id),
            *self.view.downloads(owner, conversation_id),
        )

    def delete_conversation(
        self, turns: Turns, conversation_id: str, evt: gr.EventData, request: gr.Request
    ) -> tuple[Any, ...]:
        """Delete (undoably) from the sidebar; deleting the open one starts a new chat."""
        owner = self.view.owner(request)
        target = event_str(evt, "id")
        deleted = self.view.delete(owner, target)
        if target == conversation_id:
            turns, conversation_id = [], NEW_CHAT
        return self.conversation.shown(owner, turns, conversation_id, deleted)

    def undo_delete(self, conversation_id: str, evt: gr.EventData, request: gr.Request) -> str:
        owner = self.view.owner(request)
        self.view.restore(owner, event_str(evt, "id"))
        return self.view.sidebar(owner, conversation_id)
