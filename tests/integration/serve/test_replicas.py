"""Replicas behave as one service: two `assistant serve` processes, each with its own data
folder (as on two machines), sharing one `chroma run` server, one PostgreSQL database and
the corpus folder, as a load balancer in front of them would use them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import build_index, copy_corpus, make_settings, postgres_database
from ui_harness import Server

pytestmark = pytest.mark.slow

NINGBO = "What GDP growth target did Ningbo set?"
HARBOUR = "When will the Qingdao harbour authority repaint the lighthouse?"
HARBOUR_NOTE = (
    "# Qingdao harbour works\n\n"
    "The Qingdao harbour authority will repaint the lighthouse in the spring of 2027, "
    "after the typhoon season, at a cost of 3.2 million yuan.\n"
)
ASKS = 40


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, chroma_port: int, postgres: str
) -> Iterator[list[Server]]:
    """The shipped corpus indexed into the Chroma server, then two replicas on it."""
    tmp = tmp_path_factory.mktemp("replicas")
    corpus = copy_corpus(tmp / "corpus")
    shared = {
        "chroma_host": "127.0.0.1",
        "chroma_port": chroma_port,
        "collection": "replicated",
        "database_url": postgres_database(postgres),
    }
    build_index(make_settings(tmp, corpus, **shared))
    env = {f"ASSISTANT_{name.upper()}": str(value) for name, value in shared.items()}
    env["ASSISTANT_WORKERS"] = "1"  # two processes, not six, on a 2-core machine (test_workers.py)
    servers = []
    for name in ("one", "two"):
        (tmp / name).mkdir()
        servers.append(Server(tmp / name, corpus, tmp / name / "index", env))
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(Server.start, servers))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def caller() -> Iterator[httpx.Client]:
    """One browser behind the load balancer: its cookie goes to whichever replica answers."""
    with httpx.Client(timeout=120) as client:
        yield client


def ask(caller: httpx.Client, server: Server, question: str, conversation: str) -> dict:
    body = {"question": question, "conversation_id": conversation}
    response = caller.post(f"{server.url}api/ask", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_conversation_started_on_one_replica_continues_on_the_other(
    replicas: list[Server], caller: httpx.Client
) -> None:
    one, two = replicas
    created = caller.post(f"{one.url}api/conversations", json={})
    assert created.status_code == 201, created.text
    conversation = created.json()["id"]
    assert ask(caller, one, NINGBO, conversation)["turn"] == 1
    follow_up = ask(caller, two, "And for which year is that target?", conversation)
    assert follow_up["turn"] == 2
    assert "Ningbo" in follow_up["standalone_question"]  # replica two read the history
    stored = caller.get(f"{two.url}api/conversations/{conversation}").json()
    assert [t["question"] for t in stored["turns"]] == [
        NINGBO,
        "And for which year is that target?",
    ]
    listed = caller.get(f"{one.url}api/conversations").json()["conversations"]
    assert [c["turn_count"] for c in listed if c["id"] == conversation] == [2]


def test_a_document_uploaded_through_one_replica_is_answered_by_the_other(
    replicas: list[Server], caller: httpx.Client, tmp_path: Path
) -> None:
    one, two = replicas
    before = caller.post(f"{two.url}api/ask", json={"question": HARBOUR}).json()
    assert "harbour.md" not in {c["source"] for c in before["citations"]}
    files = {"files": ("harbour.md", HARBOUR_NOTE.encode(), "text/markdown")}
    uploaded = caller.post(f"{one.url}api/documents", files=files)
    assert uploaded.status_code == 200 and uploaded.json()["added"] == ["harbour.md"], uploaded.text
    assert (one.corpus / "harbour.md").is_file()  # the shared corpus folder
    started = time.monotonic()
    while True:
        answer = caller.post(f"{two.url}api/ask", json={"question": HARBOUR}).json()
        if "harbour.md" in {c["source"] for c in answer["citations"]}:
            break
        assert time.monotonic() - started < 5, f"replica two still answers: {answer['answer']}"
        time.sleep(0.2)
    assert "2027" in answer["answer"] and not answer["abstained"]
    listed = caller.get(f"{two.url}api/documents").json()["documents"]
    assert "harbour.md" in {d["source"] for d in listed}


def test_concurrent_asks_into_one_conversation_on_both_replicas_are_all_kept_in_order(
    replicas: list[Server], caller: httpx.Client
) -> None:
    created = caller.post(f"{replicas[0].url}api/conversations", json={"title": "busy"})
    conversation = created.json()["id"]
    questions = [f"{NINGBO} (asked {i})" for i in range(ASKS)]
    with ThreadPoolExecutor(max_workers=ASKS) as pool:
        answers = list(
            pool.map(
                lambda i: ask(caller, replicas[i % 2], questions[i], conversation), range(ASKS)
            )
        )
    numbered = {answer["turn"]: question for answer, question in zip(answers, questions)}
    assert sorted(numbered) == list(range(1, ASKS + 1))  # no gap, no number given twice
    stored = caller.get(f"{replicas[1].url}api/conversations/{conversation}").json()["turns"]
    assert [t["n"] for t in stored] == list(range(1, ASKS + 1))
    assert {t["n"]: t["question"] for t in stored} == numbered  # each where its answer said
