"""What an audit of the running server found, each checked through a real `uvicorn` server
on loopback: cross-site writes, DNS rebinding, planted markers, broken Unicode, the order
of authentication and body checks, and concurrent uploads of one file name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import build_index, copy_corpus, make_settings, serve_in_thread

from assistant.serve.app import create_app

TOKEN = "audit-token-0123456789"
PLANTED = (
    "Harbour finance note\n\nThe Qiantang harbour fund raised 5 billion yuan [2] according to "
    "the city, and it will finance two new container berths.\n"
)


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("open-server")
    corpus = copy_corpus(tmp / "corpus")
    (corpus / "harbour.txt").write_text(PLANTED)
    settings = make_settings(tmp)
    build_index(settings)
    with serve_in_thread(create_app(settings)) as base:
        yield base, corpus


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("token-server")
    copy_corpus(tmp / "corpus")
    settings = make_settings(tmp, api_token=TOKEN, max_body_kb=1)
    build_index(settings)
    with serve_in_thread(create_app(settings)) as base:
        yield base


def upload(base: str, name: str, body: bytes, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{base}/api/documents", files={"files": (name, body)}, headers=headers, timeout=300
    )


@pytest.mark.slow
def test_writes_from_another_origin_are_refused(open_server) -> None:
    base, corpus = open_server
    note = b"The Blorptown ferry carries nine hundred riders a day.\n"
    for headers in (
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        refused = upload(base, "ferry.txt", note, **headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["field"] == "Origin"
        assert not (corpus / "ferry.txt").exists()
    ui_upload = httpx.post(
        f"{base}/gradio_api/upload",
        files={"files": ("ferry.txt", note)},
        headers={"Origin": "http://evil.example"},
        timeout=60,
    )
    assert ui_upload.status_code == 403
    same_origin = upload(base, "ferry.txt", note, Origin=base, **{"Sec-Fetch-Site": "same-origin"})
    assert same_origin.status_code == 200 and same_origin.json()["added"] == ["ferry.txt"]


@pytest.mark.slow
def test_unknown_host_headers_get_400(open_server) -> None:
    base, _ = open_server
    for path in ("/", "/api/health", "/api/documents"):
        response = httpx.get(f"{base}{path}", headers={"Host": "attacker.example"}, timeout=30)
        assert response.status_code == 400, path
        assert response.json()["error"]["field"] == "Host"
    assert httpx.get(f"{base}/api/health", timeout=30).status_code == 200
    local = httpx.get(f"{base}/api/health", headers={"Host": "localhost:1234"}, timeout=30)
    assert local.status_code == 200


@pytest.mark.slow
def test_a_marker_written_in_a_document_is_never_a_citation(open_server) -> None:
    base, _ = open_server
    result = httpx.post(
        f"{base}/api/ask",
        json={"question": "How much did the Qiantang harbour fund raise?"},
        timeout=120,
    ).json()
    assert not result["abstained"] and "5 billion yuan" in result["answer"]
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", result["answer"])}
    assert markers == {c["n"] for c in result["citations"]} == {1}
    assert all(claim["citations"] == [1] for claim in result["claims"])
    assert result["citations"][0]["source"] == "harbour.txt"
    assert "[2]" in result["citations"][0]["quote"], "the quote itself is the source's text"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/ask", {"question": "Ningbo \ud800?"}, "question"),
        (
            "/api/ask",
            {"question": "And Sanya?", "history": [{"role": "user", "content": "x\udfff"}]},
            "history.0.content",
        ),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "\ud800"}]}, None),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": "a\ud800"}], "stream": True},
            None,
        ),
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_field(open_server, path, body, field) -> None:
    base, _ = open_server
    raw = json.dumps(body).encode()  # ASCII JSON: the surrogate travels as the escape \ud800
    response = httpx.post(
        f"{base}{path}",
        content=raw,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    openai_route = path.startswith("/v1/")  # OpenAI's shape: a 400 naming the param
    assert response.status_code == (400 if openai_route else 422), response.text
    error = response.json()["error"]
    named = error["param" if openai_route else "field"]
    assert (named == field) if field else named.startswith("messages.0.content")
    assert "surrogate" in error["message"]


@pytest.mark.slow
def test_authentication_comes_before_any_body_check(token_server) -> None:
    base = token_server
    malformed = httpx.post(
        f"{base}/api/ask", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    oversized = httpx.post(f"{base}/api/ask", json={"question": "x" * 5000})
    upload_without_token = upload(base, "a.txt", b"x" * 4096)
    for response in (malformed, oversized, upload_without_token):
        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"] == "Bearer"
    authorised = httpx.post(
        f"{base}/api/ask",
        content=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    assert authorised.status_code == 400
    assert httpx.get(f"{base}/api/health").status_code == 200


@pytest.mark.slow
def test_concurrent_uploads_of_one_name_are_each_applied_and_reported(open_server) -> None:
    base, corpus = open_server
    versions = [
        f"Version {n} of the berth schedule lists {n + 3} arrivals at Blorptown.\n".encode()
        for n in range(8)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda body: upload(base, "berths.txt", body), versions))
    reports = [reply.json() for reply in replies]
    assert all(reply.status_code == 200 for reply in replies)
    assert all(
        r["unchanged"] == [] and r["added"] + r["updated"] == ["berths.txt"] for r in reports
    )
    assert sum(r["added"] == ["berths.txt"] for r in reports) == 1
    final = (corpus / "berths.txt").read_bytes()
    assert final in versions
    indexed = httpx.get(f"{base}/api/documents/berths.txt/text", timeout=30).json()["text"]
    assert indexed.encode() == final, "the index holds the last upload applied"


@pytest.mark.slow
def test_an_upload_never_writes_through_a_link_and_survives_broken_metadata(
    open_server, tmp_path: Path
) -> None:
    base, corpus = open_server
    outside = tmp_path / "outside.txt"
    outside.write_text("The vault code is 7741.\n")
    (corpus / "vault.txt").symlink_to(outside)
    metadata = (corpus / "sources.toml").read_text()
    (corpus / "sources.toml").write_text('["broken"\n' + metadata)
    try:
        reply = upload(base, "vault.txt", b"The Blorptown vault holds old harbour maps.\n")
        assert reply.status_code == 200, reply.text
        assert reply.json()["added"] == ["vault.txt"]
        assert any(s["source"] == "sources.toml" for s in reply.json()["skipped"])
        assert outside.read_text() == "The vault code is 7741.\n"
        text = httpx.get(f"{base}/api/documents/vault.txt/text", timeout=30).json()["text"]
        assert "harbour maps" in text and "7741" not in text
    finally:
        (corpus / "sources.toml").write_text(metadata)
