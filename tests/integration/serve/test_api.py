"""The HTTP API on the real stack: a live uvicorn over loopback, the bundled model, Chroma."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import httpx
import openai
import pytest
from conftest import build_index, copy_corpus, make_settings, serve_in_thread
from fastapi.testclient import TestClient

from assistant.serve.app import create_app
from assistant.service import Assistant

pytestmark = pytest.mark.slow

TOKEN = "test-token-0123456789"
NINGBO = "What GDP growth target did Ningbo set?"
NINGBO_SOURCE = "003_13730679fda5be95.txt"
TBI = "How many provincial work reports did the Tony Blair Institute translate and analyse?"
TBI_SOURCE = "000_0a6bf08919da8192.txt"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole app (API + UI) with a token, served by uvicorn on a free loopback port."""
    tmp = tmp_path_factory.mktemp("live")
    settings = make_settings(tmp, copy_corpus(tmp / "corpus"), api_token=TOKEN)
    build_index(settings)
    with serve_in_thread(create_app(settings)) as base:
        yield base


@pytest.fixture(scope="module")
def api(live: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=live, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120
    ) as client:
        yield client


@pytest.fixture(scope="module")
def open_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A second app without a token and with tight upload limits, on its own index."""
    tmp = tmp_path_factory.mktemp("open")
    settings = make_settings(
        tmp, copy_corpus(tmp / "corpus"), max_upload_mb=0.05, max_upload_files=3
    )
    build_index(settings)
    with TestClient(create_app(Assistant(settings)), base_url="http://127.0.0.1") as client:
        yield client


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error object, after checking the status and the shape every error shares."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"type", "field", "message"} and error["message"]
    return error


def openai_error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error object of a /v1 route: OpenAI's shape."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"]
    return error


def parse_sse(text: str) -> list[dict[str, Any]]:
    """Parse an event stream strictly: only `data:` events, the last one `[DONE]`."""
    events = [block for block in text.split("\n\n") if block]
    assert all(block.startswith("data: ") and "\n" not in block for block in events), text
    payloads = [block.removeprefix("data: ") for block in events]
    assert payloads[-1] == "[DONE]"
    return [json.loads(payload) for payload in payloads[:-1]]


# --- health, token, UI guard -------------------------------------------------------------------


def test_health_needs_no_token(live: str) -> None:
    health = httpx.get(f"{live}/api/health").json()
    assert health["status"] == "ok"
    assert health["documents"] == 5 and health["chunks"] > 50
    assert health["model_loaded"] is True  # warmed up at startup
    assert health["index"].endswith("index")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/ask", {"question": NINGBO}),
        ("GET", "/api/documents", None),
        ("POST", "/api/documents", None),
        ("GET", f"/api/documents/{NINGBO_SOURCE}/text", None),
        ("GET", "/v1/models", None),
        ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": NINGBO}]}),
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}"])
def test_every_other_endpoint_requires_the_token(
    live: str, method: str, path: str, body: Any, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = httpx.request(method, live + path, json=body, headers=headers)
    if path.startswith("/v1/"):
        error = openai_error_of(response, 401)
        assert (error["param"], error["type"]) == ("Authorization", "authentication_error")
    else:
        assert error_of(response, 401)["field"] == "Authorization"
    assert response.headers["www-authenticate"] == "Bearer"


def test_ui_asks_for_the_token_as_password(live: str) -> None:
    with httpx.Client(base_url=live) as browser:
        assert browser.get("/config").status_code == 401
        refused = browser.post("/login", data={"username": "analyst", "password": "nope"})
        assert refused.status_code == 400
        assert browser.post("/login", data={"username": "analyst", "password": TOKEN}).is_success
        assert browser.get("/config").status_code == 200


def test_without_a_token_the_api_is_open(open_app: TestClient) -> None:
    answer = open_app.post("/api/ask", json={"question": NINGBO})
    assert answer.status_code == 200
    assert answer.json()["citations"][0]["source"] == NINGBO_SOURCE


# --- /api ----------------------------------------------------------------------------------------


def test_ask_cites_the_passage_that_holds_the_answer(api: httpx.Client) -> None:
    result = api.post("/api/ask", json={"question": NINGBO}).json()
    assert not result["abstained"]
    assert "5.5 percent" in result["answer"] and "[1]" in result["answer"]
    first = result["citations"][0]
    assert first["n"] == 1 and first["source"] == NINGBO_SOURCE
    text = api.get(f"/api/documents/{first['source']}/text").json()["text"]
    assert text[first["start"] : first["end"]] == first["text"]
    assert text[first["quote_start"] : first["quote_end"]] == first["quote"]


def test_ask_honours_sources_and_k(api: httpx.Client) -> None:
    other = "001_bc4c9ae94d1ba09a.txt"
    result = api.post("/api/ask", json={"question": NINGBO, "sources": [other], "k": 2}).json()
    assert {citation["source"] for citation in result["citations"]} <= {other}


def test_ask_uses_the_history_for_follow_ups(api: httpx.Client) -> None:
    first = api.post("/api/ask", json={"question": NINGBO}).json()
    follow_up = api.post(
        "/api/ask",
        json={
            "question": "And for which year is that target?",
            "history": [
                {"role": "user", "content": NINGBO},
                {"role": "assistant", "content": first["answer"]},
            ],
        },
    ).json()
    assert "Ningbo" in follow_up["standalone_question"]


def test_documents_lists_the_corpus_with_metadata(api: httpx.Client) -> None:
    documents = {d["source"]: d for d in api.get("/api/documents").json()["documents"]}
    assert len(documents) == 5
    assert documents[NINGBO_SOURCE]["publisher"] == "Global Times"
    assert documents[NINGBO_SOURCE]["chunks"] > 0 and documents[NINGBO_SOURCE]["status"] == "ready"


def test_unknown_document_text_is_a_404(api: httpx.Client) -> None:
    assert error_of(api.get("/api/documents/missing.txt/text"), 404)["field"] == "source"


LONG = "x" * 2001


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"question": ""}, 422, "question"),
        ({"question": "   \n"}, 422, "question"),
        ({"question": LONG}, 422, "question"),
        ({"question": 42}, 422, "question"),
        ({"question": None}, 422, "question"),
        ({}, 422, "question"),
        ({"question": NINGBO, "k": "many"}, 422, "k"),
        ({"question": NINGBO, "k": "3"}, 422, "k"),
        ({"question": NINGBO, "k": 0}, 422, "k"),
        ({"question": NINGBO, "mode": "creative"}, 422, "mode"),
        ({"question": NINGBO, "mode": "llm"}, 422, "mode"),  # no LLM is configured
        ({"question": NINGBO, "history": "earlier"}, 422, "history"),
        (
            {"question": NINGBO, "history": [{"role": "bot", "content": "hi"}]},
            422,
            "history.0.role",
        ),
        ({"question": NINGBO, "sources": ["nowhere.txt"]}, 422, "sources"),
        ({"question": NINGBO, "qustion": "typo"}, 422, "qustion"),
        ([NINGBO], 422, "body"),
    ],
)
def test_bad_ask_requests_name_the_field(
    api: httpx.Client, body: Any, status: int, field: str
) -> None:
    assert error_of(api.post("/api/ask", json=body), status)["field"] == field


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"question": "unterminated', "application/json"),
        (b"", "application/json"),
        (b'\xff\xfe{"question": 1}', "application/json"),
    ],
)
def test_malformed_or_missing_json_is_a_4xx(
    api: httpx.Client, content: bytes, content_type: str
) -> None:
    response = api.post("/api/ask", content=content, headers={"Content-Type": content_type})
    assert response.status_code in (400, 422)
    assert error_of(response, response.status_code)["field"] == "body"


def test_oversized_bodies_are_refused(api: httpx.Client) -> None:
    big = {"question": NINGBO, "history": [{"role": "user", "content": "y" * 600_000}]}
    assert error_of(api.post("/api/ask", json=big), 413)["field"] == "body"

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'{"question": "'
        for _ in range(100):
            yield b"z" * 10_000
        yield b'"}'

    response = api.post("/api/ask", content=chunked(), headers={"Content-Type": "application/json"})
    assert error_of(response, 413)["field"] == "body"


def test_unknown_paths_and_methods_get_json_errors(api: httpx.Client) -> None:
    assert error_of(api.get("/api/nothing-here"), 404)["type"] == "not_found"
    assert openai_error_of(api.get("/v1/completions"), 404)["type"] == "not_found_error"
    wrong_method = api.get("/api/ask")
    assert error_of(wrong_method, 405)["type"] == "method_not_allowed"
    assert wrong_method.headers["allow"] == "POST"


def test_openapi_schema_types_requests_and_responses(live: str) -> None:
    schema = httpx.get(f"{live}/openapi.json").json()
    components = schema["components"]["schemas"]
    assert components["AskRequest"]["required"] == ["question"]
    ask = schema["paths"]["/api/ask"]["post"]
    assert ask["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AskRequest"
    )
    assert ask["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AskResponse"
    )
    assert ask["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorResponse"
    )
    chat = schema["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]
    assert chat["application/json"]["schema"]["$ref"].endswith("/ChatCompletion")
    assert "text/event-stream" in chat
    assert "citations" in components["ChatCompletion"]["required"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "security" not in schema["paths"]["/api/health"]["get"]
    upload = schema["paths"]["/api/documents"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


# --- uploads -------------------------------------------------------------------------------------

LIGHTHOUSE = (
    "Harbour lighthouse maintenance plan\n\n"
    "The Qingdao harbour authority will repaint the Xiaoqingdao lighthouse in April 2027, "
    "at a cost of 3.2 million yuan, and replace its lamp with a 40-kilometre LED beacon.\n"
)


def test_upload_indexes_good_files_and_reports_bad_ones(open_app: TestClient) -> None:
    response = open_app.post(
        "/api/documents",
        files=[
            ("files", ("lighthouse.md", LIGHTHOUSE.encode(), "text/markdown")),
            ("files", ("garbage.txt", b"\x00\x01\x02binary", "text/plain")),
        ],
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["added"] == ["lighthouse.md"]
    assert [s["source"] for s in report["skipped"]] == ["garbage.txt"]
    assert "binary" in report["skipped"][0]["reason"]
    sources = {d["source"] for d in open_app.get("/api/documents").json()["documents"]}
    assert "lighthouse.md" in sources and "garbage.txt" not in sources
    answer = open_app.post(
        "/api/ask", json={"question": "When will the Xiaoqingdao lighthouse be repainted?"}
    ).json()
    assert answer["citations"][0]["source"] == "lighthouse.md"
    assert "April 2027" in answer["answer"]
    again = open_app.post(
        "/api/documents", files=[("files", ("lighthouse.md", LIGHTHOUSE.encode()))]
    ).json()
    assert again["unchanged"] == ["lighthouse.md"] and again["chunks_embedded"] == 0


def test_a_web_page_saved_as_one_mhtml_file_is_indexed_and_answered(
    open_app: TestClient,
) -> None:
    saved = MIMEMultipart("related")
    page = (
        "<html><head><title>Ferry timetable</title></head><body><nav>Home | Routes</nav>"
        "<h1>Winter ferries</h1><p>The Xiamen to Gulangyu ferry leaves every 20 minutes "
        "from 7:10 in the winter timetable.</p></body></html>"
    )
    saved.attach(MIMEText(page, "html", "utf-8"))
    response = open_app.post("/api/documents", files=[("files", ("ferry.mhtml", saved.as_bytes()))])
    assert response.status_code == 200, response.text
    assert response.json()["added"] == ["ferry.mhtml"]
    answer = open_app.post(
        "/api/ask", json={"question": "How often does the Gulangyu ferry leave in winter?"}
    ).json()
    assert answer["citations"][0]["source"] == "ferry.mhtml"
    assert "every 20 minutes" in answer["answer"] and "Routes" not in answer["answer"]


@pytest.mark.parametrize(
    ("files", "status", "named"),
    [
        ([("big.txt", b"word " * 20_000)], 413, "big.txt"),  # 100 kB > 0.05 MB
        ([("tool.exe", b"MZ")], 415, "tool.exe"),
        ([("notes.bin", b"\x00\x01")], 415, "notes.bin"),
        ([(".hidden.txt", b"text")], 422, ".hidden.txt"),
        ([("a.txt", b"one"), ("a.txt", b"two")], 422, "same name"),
        ([(f"{n}.txt", b"text") for n in range(4)], 413, "at most 3 files"),
    ],
)
def test_bad_uploads_are_refused_naming_the_file(
    open_app: TestClient, files: list[tuple[str, bytes]], status: int, named: str
) -> None:
    before = open_app.get("/api/documents").json()
    response = open_app.post("/api/documents", files=[("files", f) for f in files])
    error = error_of(response, status)
    assert error["field"] == "files" and named in error["message"]
    assert open_app.get("/api/documents").json() == before


def test_a_text_file_without_a_suffix_is_indexed_and_answered(open_app: TestClient) -> None:
    """README, NOTES, COPYING: a file named without a suffix is read as the text it is."""
    text = b"Ferry notes\n\nThe Xiamen night ferry to Kinmen leaves at 21:40 from pier 7.\n"
    response = open_app.post("/api/documents", files=[("files", ("NOTES", text))])
    assert response.status_code == 200, response.text
    assert response.json()["added"] == ["NOTES"]
    answer = open_app.post(
        "/api/ask", json={"question": "From which pier does the Xiamen night ferry leave?"}
    ).json()
    assert answer["citations"][0]["source"] == "NOTES"


def test_upload_without_files_names_the_field(open_app: TestClient) -> None:
    assert error_of(open_app.post("/api/documents"), 422)["field"] == "files"


def test_malformed_or_oversized_multipart_is_refused(open_app: TestClient) -> None:
    multipart = {"Content-Type": "multipart/form-data; boundary=XX"}
    broken = open_app.post("/api/documents", content=b"not multipart", headers=multipart)
    assert error_of(broken, 400)["field"] == "body"
    part = b'--XX\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
    body = part + b"x" * 200_000 + b"\r\n--XX--\r\n"  # over 3 files x 0.05 MB

    def chunked() -> Iterator[bytes]:
        yield from (body[i : i + 8192] for i in range(0, len(body), 8192))

    for content in (body, chunked()):
        response = open_app.post("/api/documents", content=content, headers=multipart)
        assert error_of(response, 413)["field"] == "body"


# --- OpenAI-compatible ------------------------------------------------------------------------


def chat(question: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": "policy-assistant",
        "messages": [{"role": "user", "content": question}],
        **extra,
    }


def test_chat_completion_carries_answer_and_citations(api: httpx.Client) -> None:
    completion = api.post("/v1/chat/completions", json=chat(NINGBO)).json()
    assert completion["object"] == "chat.completion"
    message = completion["choices"][0]["message"]
    assert message["role"] == "assistant" and "[1]" in message["content"]
    assert completion["citations"][0]["source"] == NINGBO_SOURCE
    assert completion["usage"]["completion_tokens"] > 0
    expected = api.post("/api/ask", json={"question": NINGBO}).json()
    assert message["content"] == expected["answer"]


def test_streamed_chunks_parse_and_add_up_to_the_answer(api: httpx.Client) -> None:
    response = api.post("/v1/chat/completions", json=chat(NINGBO, stream=True))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    chunks = parse_sse(response.text)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    streamed = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    final = chunks[-1]
    assert final["choices"][0]["finish_reason"] == "stop"
    assert all("citations" not in c for c in chunks[:-1])
    whole = api.post("/v1/chat/completions", json=chat(NINGBO)).json()
    assert streamed == whole["choices"][0]["message"]["content"]
    assert final["citations"] == whole["citations"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "assistant", "content": "hello"}]}, "messages"),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages.0.role"),
        ({"messages": [{"role": "critic", "content": "x"}]}, "messages.0.role"),
        ({"messages": [{"role": "user", "content": NINGBO}], "n": 2}, "n"),
        ({"messages": [{"role": "user", "content": NINGBO}], "tools": [{"type": "x"}]}, "tools"),
        (
            {
                "messages": [{"role": "user", "content": NINGBO}],
                "response_format": {"type": "json_object"},
            },
            "response_format",
        ),
        ({"messages": [{"role": "user", "content": 7}]}, "messages.0.content"),
        ({"messages": [{"role": "user", "content": " "}]}, "messages.0.content"),
        ({"messages": [{"role": "user", "content": LONG}], "stream": True}, "messages.0.content"),
        ({"messages": [{"role": "user", "content": NINGBO}], "stream": "yes"}, "stream"),
        (
            {"messages": [{"role": "user", "content": NINGBO}], "stream": True, "mode": "llm"},
            "mode",
        ),
        ({"model": "x"}, "messages"),
    ],
)
def test_bad_chat_requests_name_the_field(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    error = openai_error_of(api.post("/v1/chat/completions", json=body), 400)
    assert error["param"] == field and error["type"] == "invalid_request_error"


def test_official_openai_client(live: str) -> None:
    client = openai.OpenAI(base_url=f"{live}/v1", api_key=TOKEN, max_retries=0)
    assert [model.id for model in client.models.list()] == ["policy-assistant"]

    completion = client.chat.completions.create(
        model="policy-assistant", messages=[{"role": "user", "content": NINGBO}]
    )
    content = completion.choices[0].message.content or ""
    assert "[1]" in content and "5.5 percent" in content
    citations = completion.model_extra["citations"]
    assert citations[0]["n"] == 1 and citations[0]["source"] == NINGBO_SOURCE

    stream = client.chat.completions.create(
        model="policy-assistant",
        messages=[
            {"role": "system", "content": "Answer from the documents."},
            {"role": "user", "content": TBI},
        ],
        stream=True,
        extra_body={"k": 3},
    )
    chunks = list(stream)
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    assert "60" in streamed and "[1]" in streamed
    assert chunks[-1].model_extra["citations"][0]["source"] == TBI_SOURCE

    with pytest.raises(openai.BadRequestError, match="is empty") as empty:
        client.chat.completions.create(model="x", messages=[{"role": "user", "content": ""}])
    assert empty.value.param == "messages.0.content"
    with pytest.raises(openai.BadRequestError) as no_messages:
        client.chat.completions.create(model="x", messages=[])
    assert no_messages.value.param == "messages"
    with pytest.raises(openai.BadRequestError) as two:
        client.chat.completions.create(model="x", messages=[{"role": "user", "content": TBI}], n=2)
    assert two.value.param == "n"
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{live}/v1", api_key="wrong", max_retries=0).models.list()


def test_openai_client_gets_usage_in_both_modes(live: str) -> None:
    client = openai.OpenAI(base_url=f"{live}/v1", api_key=TOKEN, max_retries=0)
    messages: list[Any] = [{"role": "user", "content": NINGBO}]
    completion = client.chat.completions.create(model="x", messages=messages)
    assert completion.usage is not None
    counted = completion.usage
    assert counted.prompt_tokens > 5 and counted.completion_tokens > 10
    assert counted.total_tokens == counted.prompt_tokens + counted.completion_tokens
    chunks = list(
        client.chat.completions.create(
            model="x", messages=messages, stream=True, stream_options={"include_usage": True}
        )
    )
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert last.usage.prompt_tokens == counted.prompt_tokens
    assert all(chunk.usage is None for chunk in chunks[:-1])
    plain = list(client.chat.completions.create(model="x", messages=messages, stream=True))
    assert all(chunk.usage is None for chunk in plain)


# --- concurrency ---------------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_fifty_concurrent_requests_all_succeed(api: httpx.Client) -> None:
    def one(i: int) -> tuple[int, str]:
        if i % 2:
            response = api.post("/v1/chat/completions", json=chat(NINGBO if i % 4 == 1 else TBI))
            return response.status_code, response.json()["citations"][0]["source"]
        response = api.post("/api/ask", json={"question": NINGBO if i % 4 == 0 else TBI})
        return response.status_code, response.json()["citations"][0]["source"]

    pool = ThreadPoolExecutor(max_workers=50)
    try:
        futures = [pool.submit(one, i) for i in range(50)]
        _, pending = wait(futures, timeout=240)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    assert not pending, f"{len(pending)} requests did not finish in time"
    results = [future.result() for future in futures]
    assert [status for status, _ in results] == [200] * 50
    expected = [NINGBO_SOURCE if i % 4 in (0, 1) else TBI_SOURCE for i in range(50)]
    assert [source for _, source in results] == expected


# --- failures inside the assistant -------------------------------------------------------------


def test_internal_failures_hide_the_traceback(
    open_app: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = open_app.app.state.assistant

    def broken_ask(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    def broken_stream(*_args: Any, **_kwargs: Any) -> Iterator[str]:
        yield "The answer begins"
        raise RuntimeError("secret internals")

    monkeypatch.setattr(assistant, "ask", broken_ask)
    monkeypatch.setattr(assistant, "stream", broken_stream)
    client = TestClient(open_app.app, raise_server_exceptions=False, base_url="http://127.0.0.1")
    failed = client.post("/api/ask", json={"question": NINGBO})
    assert error_of(failed, 500)["type"] == "internal" and "secret" not in failed.text
    streamed = client.post("/v1/chat/completions", json=chat(NINGBO, stream=True))
    assert streamed.status_code == 200 and "secret" not in streamed.text
    events = [line.removeprefix("data: ") for line in streamed.text.split("\n\n") if line]
    assert events[-1] == "[DONE]"
    assert json.loads(events[1])["choices"][0]["delta"]["content"] == "The answer begins"
    assert json.loads(events[-2])["error"]["type"] == "server_error"
