"""The assistant as an MCP server: tools to ask, search, list documents and read one.

Served over streamable HTTP at `/mcp` inside `assistant serve` (behind the same token and
Host checks as the API) and over stdio by `assistant mcp`, for desktop hosts. Tools run in
a worker thread: answering blocks, and the server's event loop must not.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from mcp.server.fastmcp import FastMCP
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field

from assistant.schema import QuestionError
from assistant.service import Assistant

MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "Answers questions from the indexed policy documents. Every claim of an answer is a quote "
    "with a numbered citation; when the documents do not answer, `abstained` is true."
)


def build_mcp(assistant: Assistant) -> FastMCP:
    """The MCP server around one shared Assistant."""
    server = FastMCP(
        "policy-assistant",
        instructions=INSTRUCTIONS,
        streamable_http_path=MCP_PATH,
        # The app's RequestGuard already checks Host headers (DNS rebinding) and the token.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    @server.tool()
    async def ask(
        question: Annotated[str, Field(description="The question, in plain words")],
        history: Annotated[
            list[dict[str, str]] | None,
            Field(description="Earlier turns, [{'role': 'user'|'assistant', 'content': ...}]"),
        ] = None,
        k: Annotated[int | None, Field(ge=1, le=50, description="Passages to read")] = None,
        sources: Annotated[
            list[str] | None, Field(description="Only search these documents (file names)")
        ] = None,
    ) -> dict[str, Any]:
        """Answer from the documents: answer text with [n] markers, claims and citations."""

        def answer() -> dict[str, Any]:
            try:
                result = assistant.ask(question, history or [], k=k, sources=sources or None)
            except QuestionError as error:
                raise ValueError(f"{error.field}: {error.message}") from None
            return result.model_dump(mode="json")

        return await to_thread.run_sync(answer)

    @server.tool()
    async def search(
        query: Annotated[str, Field(description="What to look for")],
        k: Annotated[int, Field(ge=1, le=50, description="How many passages")] = 5,
        sources: Annotated[list[str] | None, Field(description="Only these documents")] = None,
    ) -> list[dict[str, Any]]:
        """Passages ranked by relevance, with their document, section, page and score."""

        def passages() -> list[dict[str, Any]]:
            found = assistant.retrieve(query, k=k, sources=sources or None)
            keys = ("source", "title", "section", "page", "chunk_id", "start", "end", "score")
            return [
                {key: p.metadata.get(key) for key in keys} | {"text": p.page_content} for p in found
            ]

        return await to_thread.run_sync(passages)

    @server.tool()
    async def list_documents() -> list[dict[str, Any]]:
        """The indexed documents with their title, publisher, date and chunk count."""
        return await to_thread.run_sync(assistant.documents)

    @server.tool()
    async def get_document_text(
        source: Annotated[str, Field(description="A document's file name, from list_documents")],
    ) -> str:
        """The whole text of one document (what citations' offsets point into)."""
        text = await to_thread.run_sync(assistant.document_text, source)
        if text is None:
            raise ValueError(f"no document named {source!r}; list_documents names them")
        return text

    return server
