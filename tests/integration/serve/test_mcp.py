"""The MCP server through the official SDK's client: streamable HTTP inside `assistant serve`
(with its token) and stdio through `assistant mcp`."""

from __future__ import annotations

import json
import sys
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
