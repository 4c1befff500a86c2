"""The MCP server through the official SDK's client: streamable HTTP inside `assistant serve`
(with its token) and stdio through `assistant mcp`."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
from conftest import build_index, copy_corpus, make_settings, serve_in_thread
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from assistant.config import Settings
from assistant.serve.app import create_app

pytestmark = pytest.mark.slow
TOKEN = "mcp-token-0123456789"
NINGBO = "What GDP growth target did Ningbo set for 2025?"
TOOLS = {"ask", "search", "list_documents", "get_document_text"}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("mcp")
    copy_corpus(tmp / "corpus")
    settings = make_settings(tmp, api_token=TOKEN)
    build_index(settings)
    return settings


@pytest.fixture(scope="module")
def live(indexed: Settings) -> Iterator[str]:
    with serve_in_thread(create_app(indexed)) as base:
        yield base


def structured(result: Any) -> Any:
    assert not result.isError, result.content
    if result.structuredContent is not None:
        content = result.structuredContent
        return content.get("result", content) if set(content) == {"result"} else content
    return json.loads(result.content[0].text)


async def exercise(session: ClientSession) -> None:
    await session.initialize()
    listed = await session.list_tools()
    tools = {tool.name: tool for tool in listed.tools}
    assert set(tools) == TOOLS
    assert tools["ask"].inputSchema["required"] == ["question"]
    answer = structured(await session.call_tool("ask", {"question": NINGBO}))
    assert "5.5 percent" in answer["answer"] and answer["citations"][0]["n"] == 1
    passages = structured(await session.call_tool("search", {"query": "Ningbo GDP", "k": 3}))
    assert len(passages) == 3 and "Ningbo" in passages[0]["text"]
    documents = structured(await session.call_tool("list_documents", {}))
    source = passages[0]["source"]
    assert source in {d["source"] for d in documents}
    text = await session.call_tool("get_document_text", {"source": source})
    assert "Ningbo" in text.content[0].text
    missing = await session.call_tool("get_document_text", {"source": "nope.txt"})
    assert missing.isError and "no document named 'nope.txt'" in missing.content[0].text


def test_mcp_over_http_with_the_token(live: str) -> None:
    async def run() -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with (
            httpx.AsyncClient(headers=headers, timeout=60) as http,
            streamable_http_client(f"{live}/mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await exercise(session)

    anyio.run(run)
    refused = httpx.post(f"{live}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert refused.status_code == 401


def test_mcp_over_stdio(indexed: Settings) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "assistant.cli", "mcp"],
        env={
            "ASSISTANT_CORPUS_DIR": str(indexed.corpus_dir),
            "ASSISTANT_INDEX_DIR": str(indexed.index_dir),
            "HF_HUB_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
        },
    )

    async def run() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await exercise(session)

    anyio.run(run)


# --- bad input: every request gets an answer that says what is wrong ----------------------

SURROGATE_CALL = (  # ASCII JSON: the surrogate travels as the escape \ud800
    '{"jsonrpc": "2.0", "id": 7, "method": "tools/call", '
    '"params": {"name": "ask", "arguments": {"question": "Ningbo \\ud800 target?"}}}'
)
SURROGATE_SEARCH = SURROGATE_CALL.replace('"ask"', '"search"').replace('"question"', '"query"')
SURROGATE = "contains a lone surrogate (U+D800) at character 7; send valid Unicode text"
NESTED_CALL = (
    '{"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "ask", '
    '"arguments": {"question": ' + "[" * 100_000 + "]" * 100_000 + "}}}"
)
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def test_unknown_sources_are_refused_by_name(live: str) -> None:
    async def run() -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with (
            httpx.AsyncClient(headers=headers, timeout=60) as http,
            streamable_http_client(f"{live}/mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            for tool, arguments in (
                ("ask", {"question": NINGBO, "sources": ["nope.txt"]}),
                ("search", {"query": "Ningbo", "sources": ["nope.txt"]}),
            ):
                refused = await session.call_tool(tool, arguments)
                assert refused.isError, tool
                assert refused.content[0].text.endswith(": sources: not in the index: nope.txt")

    anyio.run(run)


def mcp_post(live: str, body: str | dict, session: str | None = None) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
        "MCP-Protocol-Version": "2025-06-18",
    }
    if session:
        headers["Mcp-Session-Id"] = session
    raw = body if isinstance(body, str) else json.dumps(body)
    return httpx.post(f"{live}/mcp", content=raw.encode(), headers=headers, timeout=60)


def reply_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC message of a reply, sent as JSON or as one server-sent event."""
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
        return json.loads(data[-1])
    return response.json()


def test_broken_unicode_and_deep_nesting_get_clear_errors_over_http(live: str) -> None:
    opened = mcp_post(live, INITIALIZE)
    session = opened.headers["mcp-session-id"]
    mcp_post(live, INITIALIZED, session)
    for call, field in ((SURROGATE_CALL, "question"), (SURROGATE_SEARCH, "query")):
        surrogate = reply_of(mcp_post(live, call, session))
        assert surrogate["id"] == 7 and surrogate["result"]["isError"]
        text = surrogate["result"]["content"][0]["text"]
        assert text.endswith(f": {field}: {SURROGATE}"), text
    nested = mcp_post(live, NESTED_CALL, session)
    assert nested.status_code == 400, nested.text
    assert "nested too deeply" in reply_of(nested)["error"]["message"]


def test_broken_unicode_and_deep_nesting_get_replies_over_stdio(indexed: Settings) -> None:
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(indexed.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(indexed.index_dir),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert server.stdin is not None and server.stdout is not None

    def send(line: str) -> None:
        server.stdin.write(line.encode() + b"\n")
        server.stdin.flush()

    def reply(wait: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if select.select([server.stdout], [], [], 0.5)[0]:
                return json.loads(server.stdout.readline())
        raise AssertionError("no reply over stdio")

    try:
        send(json.dumps(INITIALIZE))
        assert reply()["id"] == 1
        send(json.dumps(INITIALIZED))
        send(SURROGATE_CALL)
        surrogate = reply()
        assert surrogate["id"] == 7 and surrogate["result"]["isError"], surrogate
        assert surrogate["result"]["content"][0]["text"].endswith(f": question: {SURROGATE}")
        send(NESTED_CALL)
        nested = reply(wait=30)
        assert nested["id"] == 8 and "nested too deeply" in nested["error"]["message"]
        send(json.dumps({"jsonrpc": "2.0", "id": 9, "method": "ping"}))
        assert reply() == {"jsonrpc": "2.0", "id": 9, "result": {}}  # still serving
    finally:
        server.stdin.close()
        server.terminate()
        server.wait(timeout=30)
