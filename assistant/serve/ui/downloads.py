"""The files behind the UI's Download buttons: a conversation's Markdown and Word exports.

They hold an owner's questions and answers, so they are written readable by this user only
(0600, in a 0700 folder of their own) and put into Gradio's file cache here, with Gradio's
own function, so the copy a button serves is known (Gradio copies a file given to a button
only later, when it sends the update, and would keep it as long as the process runs); that
copy is 0600 too (`shutil.copy2` keeps the mode) in a folder closed as well, as it bears the
file's name. Copies go as soon as the conversation is deleted or purged, through
`ConversationStore`'s `on_removed`, whichever process or route deleted it, and all of them
when the process ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.processing_utils import save_file_to_cache
from gradio.utils import get_upload_folder

from assistant.workspace.export import conversation_docx, conversation_markdown, file_stem
from assistant.workspace.models import Conversation

log = logging.getLogger(__name__)


def hidden() -> Any:
    return gr.DownloadButton(value=None, visible=False)


class Downloads:
    """One private folder per process, one sub-folder per conversation shown."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="assistant-exports-")  # 0700
        self.root = Path(self._folder.name)
        self._copies: dict[str, set[Path]] = {}  # Gradio's cached copies, per conversation
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _remove_all, self._copies)

    def close(self) -> None:
        """Remove every file made so far (also done when the process ends)."""
        self._finalizer()
        self._folder.cleanup()

    def buttons(self, conversation: Conversation) -> tuple[Any, Any]:
        """The Markdown and Word buttons. A file that cannot be built is logged and its
        button hidden: showing the conversation must never depend on its export."""
        folder = self.root / conversation.id
        shutil.rmtree(folder, ignore_errors=True)  # a renamed conversation's old file names
        folder.mkdir(mode=0o700, exist_ok=True)  # exists if another tab shows it meanwhile
        stem = file_stem(conversation.title)
        return (
            self._button(
                conversation.id,
                folder / f"{stem}.md",
                lambda: conversation_markdown(conversation).encode(),
            ),
            self._button(
                conversation.id, folder / f"{stem}.docx", lambda: conversation_docx(conversation)
            ),
        )

    def _button(self, conversation_id: str, path: Path, build: Callable[[], bytes]) -> Any:
        try:
            _write_private(path, build())
            copy = Path(save_file_to_cache(path, cache_dir=get_upload_folder()))
            copy.chmod(0o600)  # already so, unless a copy with this content was cached before
            copy.parent.chmod(0o700)
        except Exception:
            log.exception("could not build the download %s", path.name)
            return hidden()
        finally:
            path.unlink(missing_ok=True)  # the cached copy is the one served
        with self._lock:
            self._copies.setdefault(conversation_id, set()).add(copy)
        return gr.DownloadButton(value=str(copy), visible=True)

    def files(self, conversation_id: str) -> set[Path]:
        """The files the conversation's buttons have served so far."""
        with self._lock:
            return set(self._copies.get(conversation_id, set()))

    def forget(self, conversation_id: str) -> None:
        """Remove every file made for the conversation, and Gradio's copies of them."""
        shutil.rmtree(self.root / conversation_id, ignore_errors=True)
        with self._lock:
            copies = self._copies.pop(conversation_id, set())
        _remove(copies)


def _remove(copies: set[Path]) -> None:
    for copy in copies:
        copy.unlink(missing_ok=True)
        # Gradio's folder for that one file (kept if another file with its content is there)
        with contextlib.suppress(OSError):
            copy.parent.rmdir()


def _remove_all(copies: dict[str, set[Path]]) -> None:
    for conversation_copies in list(copies.values()):
        _remove(conversation_copies)
    copies.clear()


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
