"""The assistant as an MCP server: tools to ask, search, list documents and read one.

Served over streamable HTTP at `/mcp` inside `assistant serve` (behind the same token and
Host checks as the API) and over stdio by `assistant mcp`, for desktop hosts (the transports
are `mcp_transport`'s). Tools run in a worker thread: answering blocks, and the server's
event loop must not. Their arguments are checked as the REST API checks its fields (a lone
surrogate, an unknown source), and an error names the field; an unexpected failure is
logged and reported without its internal text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from anyio import to_thread
from mcp.server.fastmcp import FastMCP
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field, TypeAdapter, ValidationError

from assistant.schema import PlainText, QuestionError
from assistant.serve.deps import Ask, check_sources
from assistant.service import Assistant

MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "Answers questions from the indexed policy documents. Every claim of an answer is a quote "
    "with a numbered citation; when the documents do not answer, `abstained` is true."
)

log = logging.getLogger(__name__)
T = TypeVar("T")
_PLAIN_TEXT = TypeAdapter(PlainText)


def plain(field: str, text: str) -> str:
    """`text` if it is valid Unicode; else QuestionError naming `field`, as the REST API's."""
    try:
        return _PLAIN_TEXT.validate_python(text)
    except ValidationError as error:
        raise QuestionError(field, str(error.errors()[0]["ctx"]["error"])) from None


async def _run(work: Callable[[], T]) -> T:
    """Run a tool's blocking work in a thread. A bad argument becomes `field: message`;
    anything else is logged and reported without internal text."""
    try:
        return await to_thread.run_sync(work)
    except QuestionError as error:
        raise ValueError(f"{error.field}: {error.message}") from None
    except Exception:
        log.exception("an MCP tool failed")
        raise ValueError("internal error; the server log has details") from None


def build_mcp(assistant: Assistant, answer_with: Ask | None = None) -> FastMCP:
    """The MCP server around one shared Assistant; `answer_with` answers its questions
    (default: the Assistant itself)."""
    server = FastMCP(
        "policy-assistant",
        instructions=INSTRUCTIONS,
        streamable_http_path=MCP_PATH,
        # The app's RequestGuard already checks Host headers (DNS rebinding) and the token.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    def checked_sources(sources: list[str] | None) -> list[str] | None:
        for i, source in enumerate(sources or []):
            plain(f"sources.{i}", source)
        check_sources(assistant, sources)
        return sources or None

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
            plain("question", question)
            for i, message in enumerate(history or []):
                for key, value in message.items():
                    plain(f"history.{i}.{key}", value)
            only = checked_sources(sources)
            result = (answer_with or assistant.ask)(question, history or [], k=k, sources=only)
            return result.model_dump(mode="json")

        return await _run(answer)

    @server.tool()
    async def search(
        query: Annotated[str, Field(description="What to look for")],
        k: Annotated[int, Field(ge=1, le=50, description="How many passages")] = 5,
        sources: Annotated[list[str] | None, Field(description="Only these documents")] = None,
    ) -> list[dict[str, Any]]:
        """Passages ranked by relevance, with their document, section, page and score."""

        def passages() -> list[dict[str, Any]]:
            found = assistant.retrieve(plain("query", query), k=k, sources=checked_sources(sources))
            keys = ("source", "title", "section", "page", "chunk_id", "start", "end", "score")
            return [
                {key: p.metadata.get(key) for key in keys} | {"text": p.page_content} for p in found
            ]

        return await _run(passages)

    @server.tool()
    async def list_documents() -> list[dict[str, Any]]:
        """The indexed documents with their title, publisher, date and chunk count."""
        return await _run(assistant.documents)

    @server.tool()
    async def get_document_text(
        source: Annotated[str, Field(description="A document's file name, from list_documents")],
    ) -> str:
        """The whole text of one document (what citations' offsets point into)."""
        text = await _run(lambda: assistant.document_text(plain("source", source)))
        if text is None:
            raise ValueError(f"no document named {source!r}; list_documents names them")
        return text

    return server
