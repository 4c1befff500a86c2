"""What the UI says to an analyst is in the analyst's words, not the server's."""

from __future__ import annotations

from assistant.ingest.formats import SUPPORTED_SUFFIXES
from assistant.serve.ui import wording


def test_the_upload_label_is_short_and_the_formats_are_named_not_listed_as_suffixes() -> None:
    assert wording.UPLOAD_LABEL == "Add documents"
    hint = wording.upload_hint(SUPPORTED_SUFFIXES, 25)
    assert hint == (
        '<p class="upload-hint">text, Markdown, web pages, PDF or Word files, up to 25 MB each.</p>'
    )
    assert "." + "txt" not in hint


def test_the_answer_mode_note_does_not_talk_about_setting_up_an_llm() -> None:
    note = wording.mode_note(llm_ready=False)
    assert note and "LLM" not in note and "set up" not in note
    assert wording.mode_note(llm_ready=True) is None
