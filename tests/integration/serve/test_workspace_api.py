"""The workspace API on the real stack: conversations stored in SQLite and in PostgreSQL, their
export, ratings and the feedback export, per owner (a cookie without a token, the token with
one), and the management of documents (removal, metadata edits)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from conftest import (
    DATABASES,
    build_index,
    copy_corpus,
    database_for,
    make_settings,
    serve_in_thread,
)
from fastapi.testclient import TestClient

from assistant.cli import main as cli_main
from assistant.config import Settings
from assistant.schema import AskResult
from assistant.serve.app import create_app
from assistant.serve.owner import OWNER_COOKIE
from assistant.workspace.conversations import ConversationStore

pytestmark = pytest.mark.slow

NINGBO = "What GDP growth target did Ningbo set?"
NINGBO_SOURCE = "003_13730679fda5be95.txt"
TBI = "How many provincial work reports did the Tony Blair Institute translate and analyse?"
TBI_SOURCE = "000_0a6bf08919da8192.txt"


@pytest.fixture(scope="module", params=DATABASES)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Settings]]:
    """The whole app without a token on uvicorn, its workspace on SQLite or PostgreSQL:
    callers are told apart by their cookie."""
    tmp = tmp_path_factory.mktemp("workspace")
    settings = make_settings(tmp, copy_corpus(tmp / "corpus"), database_url=database_for(request))
    build_index(settings)
    with serve_in_thread(create_app(settings)) as base:
        yield base, settings


@pytest.fixture
def client(served: tuple[str, Settings]) -> Iterator[httpx.Client]:
    """A caller with its own cookie jar: a browser of its own."""
    with httpx.Client(base_url=served[0], timeout=120) as caller:
        yield caller


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"type", "field", "message"} and error["message"]
    return error


def new_conversation(client: httpx.Client, title: str = "") -> str:
    response = client.post("/api/conversations", json={"title": title})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def ask(client: httpx.Client, question: str, conversation_id: str, **extra: Any) -> dict:
    response = client.post(
        "/api/ask", json={"question": question, "conversation_id": conversation_id, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_conversation_keeps_its_turns_and_follow_ups_use_them(client: httpx.Client) -> None:
    conversation = new_conversation(client)
    first = ask(client, NINGBO, conversation, k=4)
    assert (first["conversation_id"], first["turn"]) == (conversation, 1)
    follow_up = ask(client, "And for which year is that target?", conversation)
    assert follow_up["turn"] == 2
    assert "Ningbo" in follow_up["standalone_question"]  # the stored history was used

    stored = client.get(f"/api/conversations/{conversation}").json()
    assert stored["title"] == NINGBO  # named by its first question
    assert [t["question"] for t in stored["turns"]] == [
        NINGBO,
        "And for which year is that target?",
    ]
    assert stored["turns"][0]["result"]["answer"] == first["answer"]
    assert stored["turns"][0]["result"]["citations"][0]["source"] == NINGBO_SOURCE
    assert stored["turns"][0]["settings"] == {"k": 4, "mode": None, "sources": None}
    assert stored["turns"][1]["standalone_question"] == follow_up["standalone_question"]


def test_list_rename_delete_and_restore(client: httpx.Client) -> None:
    older = new_conversation(client, "Older")
    newer = new_conversation(client, "Newer")
    ask(client, TBI, older)  # using it makes it the most recent
    listed = client.get("/api/conversations").json()["conversations"]
    assert [c["id"] for c in listed][:2] == [older, newer]
    assert listed[0]["turn_count"] == 1

    renamed = client.patch(f"/api/conversations/{older}", json={"title": "TBI reports"})
    assert renamed.json()["title"] == "TBI reports"
    assert (
        error_of(client.patch(f"/api/conversations/{older}", json={"title": ""}), 422)["field"]
        == "title"
    )

    assert client.delete(f"/api/conversations/{older}").status_code == 204
    assert error_of(client.get(f"/api/conversations/{older}"), 404)["type"] == "not_found"
    assert older not in [c["id"] for c in client.get("/api/conversations").json()["conversations"]]
    restored = client.post(f"/api/conversations/{older}/restore")
    assert restored.status_code == 200 and restored.json()["title"] == "TBI reports"
    assert client.get(f"/api/conversations/{older}").json()["turns"][0]["question"] == TBI


def test_export_has_answers_markers_and_references(client: httpx.Client) -> None:
    conversation = new_conversation(client)
    answer = ask(client, NINGBO, conversation)
    citation = answer["citations"][0]

    markdown = client.get(f"/api/conversations/{conversation}/export?format=markdown")
    assert markdown.status_code == 200
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "attachment" in markdown.headers["content-disposition"]
    text = markdown.text
    assert f"## 1. {NINGBO}" in text
    assert "[1]" in text and "References:" in text
    assert f"1. {citation['title']}" in text.replace("\\", "")
    assert citation["publisher"] in text and citation["published"] in text
    assert " ".join(citation["quote"].split())[:60] in text.replace("\\", "")

    word = client.get(f"/api/conversations/{conversation}/export", params={"format": "docx"})
    assert word.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert answer["answer"].strip() in paragraphs
    assert any(p.startswith(f"[1] {citation['title']}") for p in paragraphs)

    client.patch(f"/api/conversations/{conversation}", json={"title": "宁波 targets"})
    named = client.get(f"/api/conversations/{conversation}/export")
    assert named.status_code == 200 and named.text.startswith("# 宁波 targets")
    assert "filename*=UTF-8''%E5%AE%81%E6%B3%A2-targets.md" in named.headers["content-disposition"]

    bad = client.get(f"/api/conversations/{conversation}/export", params={"format": "pdf"})
    assert error_of(bad, 422)["field"] == "format"


def test_control_characters_in_a_conversation_never_break_its_export(
    client: httpx.Client, served: tuple[str, Settings]
) -> None:
    """A form feed from a PDF page break, a control character in a title or a question:
    both exports still open, with the text minus what XML cannot hold."""
    conversation = new_conversation(client, "Two\x01 Sessions")
    answer = ask(client, NINGBO, conversation)
    owner = "browser:" + client.cookies[OWNER_COOKIE]
    quote = "Page one ends here.\fPage two: growth of 5.5 percent."
    result = AskResult.model_validate({**answer, "answer": f"{quote} [1]"})
    ConversationStore.open(served[1]).add_turn(owner, conversation, "And\x0b then?", result, {})

    word = client.get(f"/api/conversations/{conversation}/export", params={"format": "docx"})
    assert word.status_code == 200, word.text
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert paragraphs[0] == "Two Sessions"
    # The follow-up's heading: its control characters read as spaces (then what was searched).
    assert any(paragraph.startswith("2. And  then?") for paragraph in paragraphs)
    assert "Page one ends here. Page two: growth of 5.5 percent. [1]" in paragraphs
    markdown = client.get(f"/api/conversations/{conversation}/export")
    assert markdown.status_code == 200 and "Page two: growth of 5.5 percent" in markdown.text


def test_ratings_are_stored_and_exported_as_candidate_cases(
    client: httpx.Client,
    served: tuple[str, Settings],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = new_conversation(client)
    answer = ask(client, TBI, conversation)
    rated = client.post(
        "/api/feedback",
        json={"conversation_id": conversation, "turn": 1, "rating": "up", "comment": "exact"},
    )
    assert rated.status_code == 200 and rated.json()["feedback"]["rating"] == "up"
    stored = client.get(f"/api/conversations/{conversation}").json()["turns"][0]["feedback"]
    assert (stored["rating"], stored["comment"]) == ("up", "exact")

    bad = {"conversation_id": conversation, "turn": 2, "rating": "up"}
    assert error_of(client.post("/api/feedback", json=bad), 404)["field"] == "turn"
    bad = {"conversation_id": conversation, "turn": 1, "rating": "meh"}
    assert error_of(client.post("/api/feedback", json=bad), 422)["field"] == "rating"
    bad = {"conversation_id": "nope", "turn": 1, "rating": "down"}
    assert error_of(client.post("/api/feedback", json=bad), 404)["field"] == "conversation_id"

    out = tmp_path / "candidates.jsonl"
    data = str(served[1].data_dir)
    if served[1].database_url:  # the command reads it from the environment, as a user sets it
        monkeypatch.setenv("ASSISTANT_DATABASE_URL", served[1].database_url.get_secret_value())
    assert cli_main(["feedback", "export", "--out", str(out), "--data", data]) == 0
    cases = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    case = next(c for c in cases if c["id"] == f"fb-{conversation}-1")
    assert case["kind"] == "answerable" and case["question"] == TBI
    assert case["source"] == TBI_SOURCE
    assert case["evidence"] == [c["quote"][:200] for c in answer["citations"]]
    assert case["feedback"]["answer"] == answer["answer"]
    assert (case["feedback"]["rating"], case["feedback"]["comment"]) == ("up", "exact")


def test_one_browser_never_sees_another_browsers_conversations(
    client: httpx.Client, served: tuple[str, Settings]
) -> None:
    mine = new_conversation(client, "Mine")
    assert OWNER_COOKIE in client.cookies
    with httpx.Client(base_url=served[0], timeout=120) as stranger:
        assert stranger.get("/api/conversations").json()["conversations"] == []
        assert error_of(stranger.get(f"/api/conversations/{mine}"), 404)
        assert error_of(stranger.patch(f"/api/conversations/{mine}", json={"title": "x"}), 404)
        assert error_of(stranger.delete(f"/api/conversations/{mine}"), 404)
        body = {"question": NINGBO, "conversation_id": mine}
        assert error_of(stranger.post("/api/ask", json=body), 404)["field"] == "conversation_id"
        body = {"conversation_id": mine, "turn": 1, "rating": "up"}
        assert error_of(stranger.post("/api/feedback", json=body), 404)
    assert client.get(f"/api/conversations/{mine}").json()["turns"] == []


def test_with_a_token_the_token_owns_the_conversations(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text(
        "# Harbour note\n\nThe Qingdao harbour authority will repaint the lighthouse in 2027.\n"
    )
    settings = make_settings(tmp_path, corpus, api_token="secret-token-0123456789")
    build_index(settings)
    headers = {"Authorization": "Bearer secret-token-0123456789"}
    with TestClient(create_app(settings), base_url="http://127.0.0.1", headers=headers) as api:
        created = api.post("/api/conversations", json={"title": "Shared"})
        assert "set-cookie" not in created.headers
        # Another browser holding the token: the same owner, whatever its cookie.
        api.cookies.set(OWNER_COOKIE, "0" * 32)
        listed = api.get("/api/conversations").json()["conversations"]
        assert [c["id"] for c in listed] == [created.json()["id"]]
        assert api.get("/api/conversations", headers={"Authorization": ""}).status_code == 401


def test_an_owner_keeps_at_most_the_cap_listed_by_page(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text("# Note\n\nThe Qingdao harbour repaints its lighthouse.\n")
    settings = make_settings(tmp_path, corpus, max_conversations=3)
    build_index(settings)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as api:
        made = [api.post("/api/conversations", json={"title": f"c{i}"}) for i in range(3)]
        assert all(response.status_code == 201 for response in made)
        full = api.post("/api/conversations", json={"title": "one too many"})
        assert full.status_code == 409, full.text
        assert "ASSISTANT_MAX_CONVERSATIONS" in full.json()["error"]["message"]
        page = api.get("/api/conversations", params={"limit": 2, "offset": 1}).json()
        assert [c["title"] for c in page["conversations"]] == ["c1", "c0"]
        assert page["total"] == 3
        everything = api.get("/api/conversations").json()["conversations"]
        assert [c["title"] for c in everything] == ["c2", "c1", "c0"]
        for bad in ({"limit": 0}, {"offset": -1}, {"limit": "many"}):
            refused = api.get("/api/conversations", params=bad)
            assert refused.status_code == 422 and refused.json()["error"]["field"] in bad


def test_bad_conversation_requests_name_the_field(client: httpx.Client) -> None:
    assert error_of(client.post("/api/conversations", json={"title": 5}), 422)["field"] == "title"
    assert error_of(client.post("/api/conversations", json={"x": 1}), 422)["field"] == "x"
    body = {"question": NINGBO, "conversation_id": "missing"}
    assert error_of(client.post("/api/ask", json=body), 404)["field"] == "conversation_id"


def test_openapi_types_the_workspace_routes(served: tuple[str, Settings]) -> None:
    schema = httpx.get(f"{served[0]}/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/conversations/{conversation_id}"]) == {"get", "patch", "delete"}
    feedback = paths["/api/feedback"]["post"]["requestBody"]["content"]["application/json"]
    assert feedback["schema"]["$ref"].endswith("/FeedbackRequest")
    export = paths["/api/conversations/{conversation_id}/export"]["get"]
    assert {"text/markdown", DOCX} <= set(export["responses"]["200"]["content"])
    assert set(paths["/api/documents/{source}"]) == {"delete", "patch"}
    components = schema["components"]["schemas"]
    assert set(components["FeedbackRequest"]["properties"]["rating"]["enum"]) == {"up", "down"}


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- documents ---------------------------------------------------------------------------


def test_metadata_edits_go_to_sources_toml_and_the_index(
    client: httpx.Client, served: tuple[str, Settings]
) -> None:
    settings = served[1]
    edited = client.patch(
        f"/api/documents/{NINGBO_SOURCE}",
        json={"title": "Local growth targets 2025", "published": "2025-01"},
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["published"]) == (
        "Local growth targets 2025",
        "2025-01",
    )
    toml = (settings.corpus_dir / "sources.toml").read_text(encoding="utf-8")
    assert 'title = "Local growth targets 2025"' in toml
    assert "# a few lines of Chinese" in toml  # the maintainers' comments stay
    answer = client.post("/api/ask", json={"question": NINGBO}).json()
    assert answer["citations"][0]["title"] == "Local growth targets 2025"

    bad = client.patch(f"/api/documents/{NINGBO_SOURCE}", json={"url": "x"})
    assert error_of(bad, 422)["field"] == "url"
    assert error_of(client.patch("/api/documents/nope.txt", json={"title": "x"}), 404)


def test_removing_a_document_deletes_file_metadata_and_passages(
    client: httpx.Client, served: tuple[str, Settings]
) -> None:
    settings = served[1]
    outside = settings.corpus_dir.parent / "keep.txt"
    outside.write_text("not part of the corpus")
    for name in ("%2E%2E/keep.txt", "%2Fetc%2Fpasswd"):
        assert error_of(client.delete(f"/api/documents/{name}"), 422)["field"] == "source"
    assert outside.exists()
    assert error_of(client.delete("/api/documents/nope.txt"), 404)["type"] == "not_found"

    removed = client.delete(f"/api/documents/{TBI_SOURCE}")
    assert removed.status_code == 200 and removed.json()["chunks_removed"] > 0
    assert not (settings.corpus_dir / TBI_SOURCE).exists()
    assert TBI_SOURCE not in (settings.corpus_dir / "sources.toml").read_text(encoding="utf-8")
    listed = [d["source"] for d in client.get("/api/documents").json()["documents"]]
    assert TBI_SOURCE not in listed and len(listed) == 4
    answer = client.post("/api/ask", json={"question": TBI}).json()
    assert TBI_SOURCE not in {c["source"] for c in answer["citations"]}
    assert ConversationStore.open(settings).list("browser:none") == []
