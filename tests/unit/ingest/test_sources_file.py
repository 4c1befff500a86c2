"""Editing `sources.toml` in place: comments stay, bad files are refused, not rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.sources_file import (
    MetadataFileError,
    forget_document_metadata,
    read_corpus_metadata,
    write_document_metadata,
)

SOURCES = """# Metadata, one table per file.
["a.txt"]
title = "Old title"   # from the cover page
publisher = "Someone"

["b.txt"]
title = "B"
"""


def test_edits_keep_comments_and_other_entries(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    write_document_metadata(tmp_path, "a.txt", {"title": "New title", "publisher": ""})
    write_document_metadata(tmp_path, "c.txt", {"published": "2026-03"})
    text = (tmp_path / "sources.toml").read_text(encoding="utf-8")
    assert "# Metadata, one table per file." in text
    metadata, problems = read_corpus_metadata(tmp_path)
    assert problems == []
    assert metadata == {
        "a.txt": {"title": "New title"},
        "b.txt": {"title": "B"},
        "c.txt": {"published": "2026-03"},
    }
    forget_document_metadata(tmp_path, "b.txt")
    assert "b.txt" not in read_corpus_metadata(tmp_path)[0]


def test_unknown_fields_and_broken_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MetadataFileError, match="not a metadata field: colour"):
        write_document_metadata(tmp_path, "a.txt", {"colour": "red"})
    broken = '["a.txt"]\ntitle = "unterminated\n'
    (tmp_path / "sources.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(MetadataFileError, match="fix the file first"):
        write_document_metadata(tmp_path, "a.txt", {"title": "x"})
    assert (tmp_path / "sources.toml").read_text(encoding="utf-8") == broken
