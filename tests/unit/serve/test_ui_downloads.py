"""The Download buttons of the web UI: built from the stored conversation whatever its text
holds, never in the way of showing it, and never left readable by others or after the
conversation is gone."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from assistant.config import Settings
from assistant.schema import AskResult, Citation
from assistant.serve.ui import workspace as ui_workspace
from assistant.serve.ui.workspace import WorkspaceView
from assistant.workspace.conversations import ConversationStore

OWNER = "browser:" + "a" * 32
FORM_FEED_QUOTE = "Targets for 2025.\fPage 2: Ningbo aims for 5.5 percent growth."


def result() -> AskResult:
    citation = Citation(
        n=1,
        source="report.txt",
        title="Growth\x01 targets",
        chunk_id="c1",
        start=0,
        end=len(FORM_FEED_QUOTE),
        text=FORM_FEED_QUOTE,
        quote=FORM_FEED_QUOTE,
        quote_start=0,
        quote_end=len(FORM_FEED_QUOTE),
    )
    return AskResult(answer=f"{FORM_FEED_QUOTE} [1]", citations=[citation])


@pytest.fixture
def view(tmp_path: Path) -> WorkspaceView:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    return WorkspaceView(ConversationStore(settings.data_dir), settings)


def stored(view: WorkspaceView, question: str = "What about \x0bNingbo?") -> str:
    conversation = view.workspace.create(OWNER, "Form\ffeed")
    view.workspace.add_turn(OWNER, conversation.id, question, result(), {})
    return conversation.id


def test_a_conversation_holding_control_characters_gets_both_downloads(
    view: WorkspaceView,
) -> None:
    markdown, word = view.downloads(OWNER, stored(view))
    assert markdown.visible and word.visible
    paragraphs = [p.text for p in docx.Document(word.value["path"]).paragraphs]
    assert paragraphs[0] == "Form feed"
    assert "1. What about  Ningbo?" in paragraphs
    assert "Ningbo aims for 5.5 percent" in Path(markdown.value["path"]).read_text()


def test_a_download_that_cannot_be_built_is_hidden_not_raised(
    view: WorkspaceView, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_conversation: object) -> bytes:
        raise ValueError("python-docx refused the text")

    monkeypatch.setattr(ui_workspace, "conversation_docx", broken)
    markdown, word = view.downloads(OWNER, stored(view))
    assert markdown.visible and not word.visible and word.value is None
