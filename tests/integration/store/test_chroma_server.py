"""Chroma server mode: the same code against a real `chroma run` gives the same answers."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from conftest import (
    CORPUS,
    REPO,
    build_index,
    copy_corpus,
    free_port,
    make_settings,
    run_cli,
    serve_in_thread,
)
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.schema import AskResult
from assistant.serve.app import create_app
from assistant.service import Assistant
from assistant.store.bm25 import LEXICAL_DIR
from assistant.store.chroma import StoreError

pytestmark = pytest.mark.slow

GOLDEN = [json.loads(line) for line in (REPO / "evals" / "golden.jsonl").read_text().splitlines()]
QUESTIONS = [case["question"] for case in GOLDEN if case["kind"] != "followup"][::4]


def served(tmp: Path, port: int, corpus: Path = CORPUS, collection: str = "passages") -> Settings:
    return make_settings(
        tmp, corpus, chroma_host="127.0.0.1", chroma_port=port, collection=collection
    )


def cited(result: AskResult) -> tuple[object, ...]:
    return (
        result.answer,
        result.abstained,
        [(c.source, c.chunk_id, c.quote_start, c.quote_end) for c in result.citations],
    )


def test_server_store_answers_like_the_embedded_store(
    chroma_port: int, shipped_index: Settings, tmp_path: Path
) -> None:
    settings = served(tmp_path, chroma_port)
    _, _, report = build_index(settings)
    assert sorted(report.added) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert not settings.index_dir.exists(), "server mode must not write an embedded store"
    embedded, remote = Assistant(shipped_index), Assistant(settings)
    assert remote.health()["index"] == f"chroma server 127.0.0.1:{chroma_port}"
    assert remote.store.all_chunks()[:2] == embedded.store.all_chunks()[:2]
    assert remote.documents() == embedded.documents()
    pairs = {q: (cited(remote.ask(q)), cited(embedded.ask(q))) for q in QUESTIONS}
    assert sum(bool(citations) for (_, _, citations), _ in pairs.values()) >= 20
    assert {q: pair for q, pair in pairs.items() if pair[0] != pair[1]} == {}


def test_server_mode_indexes_incrementally(chroma_port: int, tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    settings = served(tmp_path, chroma_port, corpus, collection="incremental")
    build_index(settings)
    (corpus / "003_13730679fda5be95.txt").unlink()
    (corpus / "note.md").write_text("Ningbo plans a new harbour museum for 2028.\n")
    _, _, report = build_index(settings)
    assert report.removed == ["003_13730679fda5be95.txt"] and report.added == ["note.md"]
    assert len(report.unchanged) == 4 and report.chunks_embedded == 1
    result = Assistant(settings).ask("What does Ningbo plan for 2028?")
    assert [c.source for c in result.citations] == ["note.md"]


def test_two_environment_variables_switch_the_api_to_the_server(
    chroma_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(served(tmp_path, chroma_port, collection="from_env"))
    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", str(chroma_port))
    monkeypatch.setenv("ASSISTANT_COLLECTION", "from_env")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "absent"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    with TestClient(create_app(Settings()), base_url="http://localhost") as client:
        health = client.get("/api/health").json()
        assert health["index"] == f"chroma server 127.0.0.1:{chroma_port}"
        assert health["documents"] == 5
        answer = client.post("/api/ask", json={"question": "What GDP target did Ningbo set?"})
    assert answer.json()["citations"][0]["source"] == "003_13730679fda5be95.txt"
    # No embedded store: the index folder holds at most the saved lexical index.
    index = tmp_path / "absent"
    assert not index.exists() or {path.name for path in index.iterdir()} == {LEXICAL_DIR}


def test_a_running_api_follows_an_index_run_of_another_process(
    chroma_port: int, tmp_path: Path
) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    settings = served(tmp_path, chroma_port, corpus, collection="followed")
    build_index(settings)
    environment = {
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(chroma_port),
        "ASSISTANT_COLLECTION": "followed",
    }
    question = {"question": "How many jellyfish does the Blorptown aquarium house?"}
    with serve_in_thread(create_app(settings)) as base:
        assert httpx.post(f"{base}/api/ask", json=question, timeout=60).json()["abstained"]
        (corpus / "new.txt").write_text("The Blorptown aquarium houses 11,000 jellyfish.\n")
        indexed = run_cli("index", "--quiet", cwd=tmp_path, env=environment)
        assert indexed.returncode == 0 and "1 added" in indexed.stdout, indexed.stderr
        filtered = httpx.post(
            f"{base}/api/ask", json={**question, "sources": ["new.txt"]}, timeout=60
        )
        unfiltered = httpx.post(f"{base}/api/ask", json=question, timeout=60)
    for response in (filtered, unfiltered):
        assert response.status_code == 200, response.text
        assert response.json()["citations"][0]["source"] == "new.txt"


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"Cannot reach the Chroma server .*chroma run"):
        Assistant(served(tmp_path, free_port()))
