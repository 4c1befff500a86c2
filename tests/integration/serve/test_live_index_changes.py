"""A running server while the index changes under it, and a corpus of near-identical copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from conftest import copy_corpus, make_settings, run_cli, serve_in_thread

from assistant.serve.app import create_app

JELLYFISH = "The Blorptown aquarium houses eleven thousand jellyfish in its new hall.\n"
QUESTION = "How many jellyfish does the Blorptown aquarium house?"


def ask(base: str, **body: object) -> dict:
    response = httpx.post(f"{base}/api/ask", json=body, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.slow
def test_a_running_server_answers_from_an_index_another_process_updated(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    assert run_cli("index", "--quiet", cwd=tmp_path).returncode == 0
    with serve_in_thread(create_app(make_settings(tmp_path))) as base:
        assert ask(base, question=QUESTION)["abstained"]
        (corpus / "new.txt").write_text(JELLYFISH)
        indexed = run_cli("index", "--quiet", cwd=tmp_path)
        assert indexed.returncode == 0 and "1 added" in indexed.stdout, indexed.stderr

        filtered = ask(base, question=QUESTION, sources=["new.txt"])
        unfiltered = ask(base, question=QUESTION)

    for result in (filtered, unfiltered):
        assert not result["abstained"] and "eleven thousand" in result["answer"]
        assert result["citations"][0]["source"] == "new.txt"


@pytest.mark.slow
def test_a_unique_passage_is_found_among_many_identical_copies(tmp_path: Path) -> None:
    """Copies crowd the unique chunk out of the approximate nearest-neighbour search; its
    exact BM25 hit must still be ranked by its real similarity and answer the question."""
    corpus = copy_corpus(tmp_path / "corpus")
    for n in range(20):
        for original in sorted(corpus.glob("0*.txt")):
            shutil.copy(original, corpus / f"copy{n:02d}-{original.name}")
    (corpus / "blorptown.txt").write_text(JELLYFISH)
    indexed = run_cli("index", "--quiet", cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stderr
    with serve_in_thread(create_app(make_settings(tmp_path))) as base:
        result = ask(base, question=QUESTION)
    assert not result["abstained"], result["answer"]
    assert result["citations"][0]["source"] == "blorptown.txt"
