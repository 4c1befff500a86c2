"""The MCP server's transports, made to answer every request, however malformed.

The SDK's stdio transport parses each line strictly (pydantic's JSON parser): a lone
surrogate escape (`"\\ud800"`) or JSON nested a few hundred deep fails there, the error goes
to the session as an exception, and the client never gets a reply. Its HTTP transport parses
with Python's `json`, which takes surrogates but raises RecursionError on deep nesting, and
answers 500. Here:

- over stdio (`run_stdio`), a line the strict parser refuses is parsed again with Python's
  `json` (which takes lone surrogates, so the tool refuses them by name, as the REST API
  does), and a line that cannot be parsed at all gets a JSON-RPC parse error with its id;
- over HTTP (`NestingGuard`), a body nested too deeply for Python's `json` gets 400 with a
  JSON-RPC parse error before the transport sees it.
"""

from __future__ import annotations

import json
import re
import sys
from io import TextIOWrapper

import anyio
from mcp import types
from mcp.server.fastmcp import FastMCP
from mcp.shared.message import SessionMessage
from pydantic import ValidationError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NESTED = "Parse error: JSON nested too deeply"
_ID = re.compile(r'"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")')


def _top_level(text: str) -> str:
    """The characters of a JSON object's own members, without anything nested in them."""
    kept, depth, in_string, escaped = [], 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            continue
        elif char in "]}":
            depth -= 1
            continue
        if depth == 1:
            kept.append(char)
    return "".join(kept)


def request_id(text: str) -> str | int:
    """The id of a request that could not be parsed, read from its top level so the client
    can match the error to it ("server-error", as the SDK says, when there is none)."""
    found = _ID.search(_top_level(text))
    if found is None:
        return "server-error"
    value = json.loads(found.group(1))
    return value if isinstance(value, int | str) else "server-error"


def parse_error(text: str, message: str, code: int = types.PARSE_ERROR) -> types.JSONRPCMessage:
    error = types.ErrorData(code=code, message=message)
    return types.JSONRPCMessage(types.JSONRPCError(jsonrpc="2.0", id=request_id(text), error=error))


def parse_line(line: str) -> tuple[types.JSONRPCMessage | None, types.JSONRPCMessage | None]:
    """(the message, None), or (None, the error to answer it with)."""
    try:
        return types.JSONRPCMessage.model_validate_json(line), None
    except ValidationError:
        pass  # parsed again below, leniently, to say what is wrong
    try:
        raw = json.loads(line)
    except RecursionError:
        return None, parse_error(line, NESTED)
    except ValueError as error:
        return None, parse_error(line, f"Parse error: {error}")
    try:
        return types.JSONRPCMessage.model_validate(raw), None
    except (ValidationError, RecursionError):
        return None, parse_error(line, "Invalid request", types.INVALID_REQUEST)


def _dump(message: types.JSONRPCMessage) -> str:
    try:
        return message.model_dump_json(by_alias=True, exclude_none=True)
    except ValueError:  # text that UTF-8 cannot hold: JSON's escapes can
        return json.dumps(message.model_dump(mode="json", by_alias=True, exclude_none=True))


async def _serve_stdio(server: FastMCP) -> None:
    """The SDK's `stdio_server` and `FastMCP.run_stdio_async`, with `parse_line`."""
    stdin = anyio.wrap_file(TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace"))
    stdout = anyio.wrap_file(TextIOWrapper(sys.stdout.buffer, encoding="utf-8"))
    read_writer, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_stream, write_reader = anyio.create_memory_object_stream[SessionMessage](0)
    replies = write_stream.clone()  # the reader's own answers to lines it cannot pass on

    async def read() -> None:
        async with read_writer, replies:
            async for line in stdin:
                message, error = parse_line(line)
                if message is not None:
                    await read_writer.send(SessionMessage(message))
                elif error is not None:
                    await replies.send(SessionMessage(error))

    async def write() -> None:
        async with write_reader:
            async for session_message in write_reader:
                await stdout.write(_dump(session_message.message) + "\n")
                await stdout.flush()

    low_level = server._mcp_server  # as FastMCP.run_stdio_async does
    async with anyio.create_task_group() as group:
        group.start_soon(read)
        group.start_soon(write)
        await low_level.run(read_stream, write_stream, low_level.create_initialization_options())


def run_stdio(server: FastMCP) -> None:
    anyio.run(_serve_stdio, server)


class NestingGuard:
    """ASGI wrapper of the MCP HTTP endpoint: reads a POST's body (already bounded by
    `BodyLimit`), answers 400 if Python's `json` cannot parse it for its depth, and passes
    it on otherwise."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            json.loads(body)
        except RecursionError:
            error = parse_error(body.decode("utf-8", "replace"), NESTED)
            response = JSONResponse(error.model_dump(by_alias=True, exclude_none=True), 400)
            await response(scope, receive, send)
            return
        except ValueError:
            pass  # the transport says what is wrong with it
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
