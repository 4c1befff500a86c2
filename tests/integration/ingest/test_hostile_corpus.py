"""A corpus folder a careless or hostile user made: `assistant index` as a separate process
must name every file it passes over, never leave the folder, never hang, index the rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import copy_corpus, make_settings, run_cli

from assistant.service import Assistant

SECRET = "The launch code of the outside file is 7741."


@pytest.mark.slow
def test_links_fifos_loops_bad_metadata_and_data_lines_are_reported(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET + "\n")
    (corpus / "passwd.txt").symlink_to(outside)
    (corpus / "inside-link.txt").symlink_to(corpus / "000_0a6bf08919da8192.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "minified.txt").write_text("word " * 30_000)
    (corpus / "forged\nIndexed in 0.0 s: all good.txt").write_bytes(b"\x00\x01binary")
    metadata = (corpus / "sources.toml").read_text()
    broken = '\n["002_774895255cfbd757.txt"\ntitle = "unclosed table header"\n'
    (corpus / "sources.toml").write_text(broken + metadata)

    # An opened FIFO would block this run until its timeout.
    result = run_cli("index", "--quiet", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in result.stderr
    assert "Skipped passwd.txt: symlink outside the corpus" in out
    assert "Skipped loop.txt: broken symlink or symlink loop" in out
    assert "Skipped pipe.txt: not a regular file (FIFO)" in out
    assert "Skipped minified.txt: a line of 150,000 characters" in out
    assert "Skipped sources.toml: invalid TOML at line 2" in out
    assert "Skipped forged\\nIndexed in 0.0 s: all good.txt: binary file" in out
    assert not any(line.startswith("Indexed in 0.0 s: all good") for line in out.splitlines())

    assistant = Assistant(make_settings(tmp_path))
    indexed = {d["source"]: d for d in assistant.documents()}
    assert "passwd.txt" not in indexed and "inside-link.txt" in indexed
    assert len(indexed) == 6, "the five shipped documents and the link inside the corpus"
    assert indexed["001_bc4c9ae94d1ba09a.txt"]["publisher"], "readable metadata is still used"
    answer = assistant.ask("What is the launch code of the outside file?")
    assert "7741" not in answer.answer


@pytest.mark.slow
def test_an_upload_replaces_a_link_and_never_writes_through_it(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET + "\n")
    (corpus / "notes.txt").symlink_to(outside)
    assistant = Assistant(make_settings(tmp_path))
    upload = tmp_path / "upload" / "notes.txt"
    upload.parent.mkdir()
    upload.write_text("Ningbo's harbour notes: the new berth opened in the spring of 2025.\n")

    report = assistant.add_documents([upload])

    assert outside.read_text() == SECRET + "\n", "the link's target is untouched"
    assert not (corpus / "notes.txt").is_symlink()
    assert (corpus / "notes.txt").read_text() == upload.read_text()
    assert report.added == ["notes.txt"]
    assert not list(corpus.glob(".upload-*")), "no temporary file is left behind"
