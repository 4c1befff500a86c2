"""The Download buttons of the web UI: built from the stored conversation whatever its text
holds, never in the way of showing it, and never left readable by others or after the
conversation is gone."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import delete_long_ago
from gradio.context import LocalContext

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


@pytest.fixture(autouse=True)
def in_an_event() -> Iterator[None]:
    """As Gradio runs the UI's handlers: a component made there is an update (its
    constructor's arguments), with no file copied yet."""
    token = LocalContext.in_event_listener.set(True)
    yield
    LocalContext.in_event_listener.reset(token)


def shown(button: Any) -> tuple[bool, Path | None]:
    """Whether the button is visible and the file it serves, as Gradio reads the update."""
    args = button.constructor_args
    return args.get("visible", True), Path(args["value"]) if args.get("value") else None


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
    (md_visible, markdown), (word_visible, word) = map(shown, view.downloads(OWNER, stored(view)))
    assert md_visible and word_visible and markdown and word
    paragraphs = [p.text for p in docx.Document(str(word)).paragraphs]
    assert paragraphs[0] == "Form feed"
    assert "1. What about  Ningbo?" in paragraphs
    assert "Ningbo aims for 5.5 percent" in markdown.read_text()


def test_a_download_that_cannot_be_built_is_hidden_not_raised(
    view: WorkspaceView, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_conversation: object) -> bytes:
        raise ValueError("python-docx refused the text")

    monkeypatch.setattr(downloads, "conversation_docx", broken)
    markdown, word = map(shown, view.downloads(OWNER, stored(view)))
    assert markdown[0] and markdown[1] and markdown[1].is_file()
    assert word == (False, None)


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_downloads_are_private_and_go_with_their_conversation(view: WorkspaceView) -> None:
    conversation_id = stored(view)
    files = [shown(button)[1] for button in view.downloads(OWNER, conversation_id)]
    assert set(files) == view.files.files(conversation_id) and len(files) == 2
    for path in files:
        assert path is not None and private(path) and private(path.parent), path
    assert private(view.files.root)
    assert not [p for p in view.files.root.rglob("*") if p.is_file()]  # only the served copy
    view.workspace.delete(OWNER, conversation_id)  # as the API would: the view is told
    assert not any(path.exists() for path in files if path)


def test_downloads_of_a_conversation_purged_elsewhere_are_removed(
    view: WorkspaceView, tmp_path: Path
) -> None:
    """Deleted by another server on the same data folder a day ago, purged by this one."""
    conversation_id = stored(view)
    files = [shown(button)[1] for button in view.downloads(OWNER, conversation_id)]
    delete_long_ago(view.workspace, conversation_id, UNDO_WINDOW * 2)
    view.workspace.delete(OWNER, view.workspace.create(OWNER).id)
    assert not any(path.exists() for path in files if path)
    assert not (view.files.root / conversation_id).exists()


def test_closing_removes_every_file(view: WorkspaceView) -> None:
    files = [shown(button)[1] for button in view.downloads(OWNER, stored(view))]
    view.files.close()
    assert not any(path.exists() for path in files if path) and not view.files.root.exists()
