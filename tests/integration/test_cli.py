"""The `assistant` command as a user runs it: separate processes, real index on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import copy_corpus, make_settings, run_cli

from assistant.ingest.indexer import Indexer
from assistant.ingest.manifest import MANIFEST_FILE
from assistant.store.chroma import open_store


@pytest.mark.slow
def test_index_then_ask_json_with_history(tmp_path: Path) -> None:
    copy_corpus(tmp_path / "corpus")
    first = run_cli("index", "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stdout
    again = run_cli("index", "--quiet", cwd=tmp_path)
    assert "Nothing to do" in again.stdout and "0 embedded" in again.stdout

    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "What GDP growth target did Ningbo set for 2025?"},
                {"role": "assistant", "content": "More than 5.5 percent [1]."},
            ]
        )
    )
    asked = run_cli(
        "ask", "And what about Sanya?", "--json", "--history", str(history), cwd=tmp_path
    )
    assert asked.returncode == 0, asked.stderr
    result = json.loads(asked.stdout)
    assert {"answer", "abstained", "citations", "timings_ms"} <= set(result)
    assert "6.5" in result["answer"] and result["abstained"] is False
    citation = result["citations"][0]
    assert {"n", "source", "title", "chunk_id", "start", "end", "text", "quote"} <= set(citation)
    source_text = (tmp_path / "corpus" / citation["source"]).read_text()
    assert source_text[citation["start"] : citation["end"]] == citation["text"]
    assert f"[{citation['n']}]" in result["answer"]


@pytest.mark.slow
def test_no_op_index_skips_the_store_only_while_the_corpus_is_unchanged(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    assert run_cli("index", "--quiet", cwd=tmp_path).returncode == 0
    assert (tmp_path / "index" / MANIFEST_FILE).is_file()
    edited = corpus / "003_13730679fda5be95.txt"
    edited.write_text(edited.read_text() + "\nA closing line added after the first run.\n")
    assert "1 updated" in run_cli("index", "--quiet", cwd=tmp_path).stdout

    other = tmp_path / "other"  # another folder indexed into the same index, from Python
    other.mkdir()
    (other / "note.txt").write_text("The harbour office published a short note. " * 4)
    settings = make_settings(tmp_path, corpus=corpus)
    store, embeddings = open_store(settings)
    Indexer(settings, store, embeddings, progress=False).run(corpus_dir=other)
    again = run_cli("index", "--quiet", cwd=tmp_path)
    assert "5 added" in again.stdout and "1 removed" in again.stdout, again.stdout


@pytest.mark.slow
def test_bad_input_gets_a_clear_message(tmp_path: Path) -> None:
    copy_corpus(tmp_path / "corpus")
    assert run_cli("index", "--quiet", cwd=tmp_path).returncode == 0
    empty = run_cli("ask", "   ", cwd=tmp_path)
    assert empty.returncode == 2 and "question: is empty" in empty.stderr
    assert "Traceback" not in empty.stderr
    (tmp_path / "bad.json").write_text("{not json")
    bad = run_cli("ask", "Ningbo?", "--history", "bad.json", cwd=tmp_path)
    assert bad.returncode == 2 and "--history bad.json" in bad.stderr
    missing = run_cli("index", "--corpus", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "corpus folder not found" in missing.stderr


@pytest.mark.slow
def test_chat_streams_each_answer_then_its_citations_and_keeps_the_history(
    tmp_path: Path,
) -> None:
    copy_corpus(tmp_path / "corpus")
    assert run_cli("index", "--quiet", cwd=tmp_path).returncode == 0
    questions = "What GDP growth target did Ningbo set for 2025?\nAnd what about Sanya?\n\n"
    chat = run_cli("chat", cwd=tmp_path, stdin=questions)
    assert chat.returncode == 0, chat.stderr
    answers = chat.stdout.split("> ")[1:3]
    assert len(answers) == 2, chat.stdout
    for answer, figure in zip(answers, ("5.5", "6.5"), strict=True):
        text, _, citations = answer.partition("\n  [1] ")  # quotes may span paragraphs
        assert figure in text and "[1]" in text, answer
        assert re.match(r".+ \(\S+\.txt, chars \d+-\d+\)\n", citations), answer
