"""The Download buttons of the web UI: built from the stored conversation whatever its text
holds, never in the way of showing it, and never left readable by others or after the
conversation is gone."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from assistant.config import Settings
from assistant.schema import AskResult, Citation
from assistant.serve.ui import downloads
from assistant.serve.ui.workspace import WorkspaceView
from assistant.workspace.conversations import UNDO_WINDOW, ConversationStore

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
def view(tmp_path: Path) -> Iterator[WorkspaceView]:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    shown = WorkspaceView(ConversationStore(settings.data_dir), settings)
    yield shown
    shown.files.close()


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

    monkeypatch.setattr(downloads, "conversation_docx", broken)
    markdown, word = view.downloads(OWNER, stored(view))
    assert markdown.visible and not word.visible and word.value is None


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_downloads_are_private_and_go_with_their_conversation(view: WorkspaceView) -> None:
    conversation_id = stored(view)
    files = [Path(button.value["path"]) for button in view.downloads(OWNER, conversation_id)]
    written = [p for p in view.files.root.rglob("*") if p.is_file()]
    assert len(files) == len(written) == 2
    for path in [*files, *written]:
        assert private(path) and private(path.parent), path
    assert private(view.files.root)
    view.workspace.delete(OWNER, conversation_id)  # as the API would: the view is told
    assert not any(path.exists() for path in [*files, *written])


def test_downloads_of_a_conversation_purged_elsewhere_are_removed(
    view: WorkspaceView, tmp_path: Path
) -> None:
    """Deleted by another server on the same data folder a day ago, purged by this one."""
    conversation_id = stored(view)
    files = [Path(button.value["path"]) for button in view.downloads(OWNER, conversation_id)]
    long_ago = (datetime.now(UTC) - UNDO_WINDOW * 2).isoformat(sep=" ")
    with sqlite3.connect(view.workspace.path) as db:
        db.execute(
            "UPDATE conversations SET deleted_at = ? WHERE id = ?", (long_ago, conversation_id)
        )
    view.workspace.delete(OWNER, view.workspace.create(OWNER).id)
    assert not any(path.exists() for path in files)
    assert not (view.files.root / conversation_id).exists()


def test_closing_removes_every_file(view: WorkspaceView) -> None:
    files = [Path(button.value["path"]) for button in view.downloads(OWNER, stored(view))]
    view.files.close()
    assert not any(path.exists() for path in files) and not view.files.root.exists()
