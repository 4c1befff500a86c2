"""What an audit of the running server found, each checked through a real `uvicorn` server
on loopback: cross-site writes, DNS rebinding, planted markers, broken Unicode, the order
of authentication and body checks, and concurrent uploads of one file name."""

from __future__ import annotations

import json
import re
import select
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
    settings = make_settings(tmp, api_token=TOKEN, max_body_kb=1, max_upload_files=2)
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


# --- bodies on every route, the UI's included ---------------------------------------------

STREAM_MB = 64  # what a test offers to send; a server that reads it all has not refused early
EARLY_MB = 8  # what may have gone into socket buffers before the refusal arrived


@dataclass
class RawReply:
    status: int | None  # None: no reply within the wait
    sent: int  # body bytes sent before the reply came


def raw_post(
    base: str, path: str, headers: dict[str, str], declared: int | None = None
) -> RawReply:
    """POST over a plain socket, sending the body a chunk at a time until the server answers
    (chunked, or up to `declared` bytes of a declared Content-Length): how a client that
    never stops sending looks to the server."""
    url = urlsplit(base)
    chunk = b"[" * 65536
    head = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", "Content-Type: application/json"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    head.append(f"Content-Length: {declared}" if declared else "Transfer-Encoding: chunked")
    sent = 0
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        while sent < STREAM_MB * 2**20 and not select.select([sock], [], [], 0)[0]:
            piece = chunk if declared else b"%x\r\n%s\r\n" % (len(chunk), chunk)
            try:
                sock.sendall(piece)
            except OSError:  # refused and closed, or no longer read: the server stopped
                break
            sent += len(chunk)
            if declared and sent >= 4 * len(chunk):
                break  # a declared body need not arrive: the headers say enough
        sock.settimeout(15)
        try:
            reply = sock.recv(4096)
        except OSError:
            return RawReply(None, sent)
    status = reply.split(b" ", 2)[1] if reply.startswith(b"HTTP/") else None
    return RawReply(int(status) if status else None, sent)


def ui_login(base: str) -> dict[str, str]:
    """The Cookie header of a browser logged in to the UI with the token."""
    reply = httpx.post(f"{base}/login", data={"username": "analyst", "password": TOKEN})
    assert reply.status_code == 200, reply.text
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in reply.cookies.items())}


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["/gradio_api/queue/join", "/gradio_api/upload", "/gradio_api/call/ask", "/"]
)
def test_an_unauthenticated_body_on_a_ui_route_is_refused_unread(token_server, path) -> None:
    """With a token set, a body without it is refused from its headers: a 300 MB POST to
    the UI's queue is not read, parsed or kept."""
    declared = raw_post(token_server, path, {}, declared=300 * 2**20)
    assert declared.status == 401, declared
    streamed = raw_post(token_server, path, {})
    assert streamed.status == 401 and streamed.sent < EARLY_MB * 2**20, streamed
    forged = raw_post(token_server, path, {"Cookie": "access-token-x=forged"})
    assert forged.status == 401, forged


@pytest.mark.slow
def test_a_logged_in_ui_body_is_held_to_the_limits(token_server) -> None:
    cookie = ui_login(token_server)
    declared = raw_post(token_server, "/gradio_api/queue/join", cookie, declared=300 * 2**20)
    assert declared.status == 413, declared
    streamed = raw_post(token_server, "/gradio_api/queue/join", cookie)
    assert streamed.status == 413 and streamed.sent < EARLY_MB * 2**20, streamed
    joined = httpx.post(
        f"{token_server}/gradio_api/queue/join", json={"data": []}, headers=cookie, timeout=30
    )
    assert joined.status_code not in (401, 413), joined.text  # small bodies still get in


@pytest.mark.slow
def test_ui_uploads_hold_at_most_the_apis_file_count(token_server) -> None:
    cookie = ui_login(token_server)
    files = [("files", (f"note{n}.txt", b"A short note.\n")) for n in range(3)]
    url = f"{token_server}/gradio_api/upload"
    over = httpx.post(url, files=files, headers=cookie, timeout=60)
    assert over.status_code == 413 and "at most 2 files" in over.text, over.text
    within = httpx.post(url, files=files[:2], headers=cookie, timeout=60)
    assert within.status_code == 200 and len(within.json()) == 2, within.text


@pytest.fixture(scope="module")
def throttled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("throttled")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text(PLANTED)
    settings = make_settings(tmp, corpus, api_token=TOKEN, max_login_failures=3, login_lockout_s=3)
    build_index(settings)
    with serve_in_thread(create_app(settings)) as base:
        yield base


@pytest.mark.slow
def test_wrong_ui_passwords_are_throttled_per_client(throttled_server) -> None:
    def login(password: str) -> httpx.Response:
        form = {"username": "analyst", "password": password}
        return httpx.post(f"{throttled_server}/login", data=form, timeout=30)

    assert [login(f"guess-{n}").status_code for n in range(3)] == [400, 400, 400]
    blocked = login(TOKEN)
    assert blocked.status_code == 429, blocked.text
    assert 0 < int(blocked.headers["Retry-After"]) <= 3
    time.sleep(int(blocked.headers["Retry-After"]) + 0.5)
    assert login(TOKEN).status_code == 200
    assert login("guess-again").status_code == 400  # a success starts the count afresh
