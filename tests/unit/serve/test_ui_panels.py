"""The UI's handlers live with their panel and run without a page: showing, deleting and
starting conversations, and cards of documents deleted since."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gradio.context import LocalContext

from assistant.config import Settings
from assistant.schema import AskResult, Citation
from assistant.serve.ui.panels.conversation import NEW_CHAT, ConversationPanel
from assistant.serve.ui.panels.history import HistoryPanel
from assistant.serve.ui.workspace import WorkspaceView
from assistant.workspace.conversations import ConversationStore

OWNER = "browser:" + "b" * 32


class Library:
    """The part of `Assistant` the panels read: one document, report.txt, is left."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def documents(self) -> list[dict[str, Any]]:
        return [{"source": "report.txt", "title": "Report", "chunks": 3}]

    def document_text(self, source: str) -> str | None:
        return "Ningbo set 5.5 percent." if source == "report.txt" else None


@pytest.fixture
def panels(tmp_path: Path) -> Iterator[tuple[ConversationPanel, HistoryPanel]]:
    token = LocalContext.in_event_listener.set(True)  # as Gradio runs the handlers
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    view = WorkspaceView(ConversationStore(settings.data_dir), settings)
    view.owner = lambda request: OWNER  # type: ignore[method-assign]
    chat = ConversationPanel(Library(settings), view)  # type: ignore[arg-type]
    yield chat, HistoryPanel(view, chat)
    view.files.close()
    LocalContext.in_event_listener.reset(token)


def test_deleting_the_open_conversation_leaves_a_new_chat_that_a_reload_keeps(
    panels: tuple[ConversationPanel, HistoryPanel],
) -> None:
    chat, history = panels
    store = chat.view.workspace
    conversation = store.create(OWNER, "Targets")
    cited = Citation(
        n=1,
        source="gone.txt",
        title="Gone",
        chunk_id="c",
        start=0,
        end=1,
        text="x",
        quote="x",
        quote_start=0,
        quote_end=1,
    )
    store.add_turn(OWNER, conversation.id, "q", AskResult(answer="x [1]", citations=[cited]), {})
    request: Any = SimpleNamespace(cookies={})
    turns, page, opened, *_ = history.open_conversation(
        SimpleNamespace(id=conversation.id), request
    )
    assert opened == conversation.id
    assert "This document has since been deleted" in page  # gone.txt is not in the library
    shown = history.delete_conversation(turns, opened, SimpleNamespace(id=opened), request)
    assert shown[0] == [] and shown[2] == NEW_CHAT
    assert chat.new_chat(request)[3] == NEW_CHAT
    assert chat.view.open(OWNER, NEW_CHAT) == ([], "")  # a reload opens the empty chat
