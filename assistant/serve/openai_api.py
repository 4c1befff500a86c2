"""The OpenAI-compatible routes under /v1: chat completions (plain or streamed) and models.

The last user message is the question and earlier user/assistant turns are the history; the
reply carries the answer with `[n]` markers plus a `citations` list OpenAI clients ignore.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from assistant.schema import AskResult, ChatMessage, Citation, PlainText, QuestionError
from assistant.serve.auth import require_token
from assistant.serve.deps import AskDep, AssistantDep, check_sources
from assistant.serve.errors import (
    BODY_ERRORS,
    OpenAIErrorDetail,
    OpenAIErrorResponse,
    openai_errors,
)
from assistant.serve.models import AskOptions
from assistant.text.token_count import count_tokens

logger = logging.getLogger(__name__)

MODEL_ID = "policy-assistant"

# --- schemas ---------------------------------------------------------------------------------


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


TEXT_PART = TextPart.model_json_schema()


def join_text_parts(content: object) -> object:
    """Clients may send content as a list of text parts; the assistant only reads the text."""
    if not isinstance(content, list):
        return content
    texts = [part.get("text") for part in content if isinstance(part, dict)]
    if len(texts) < len(content) or not all(isinstance(text, str) for text in texts):
        raise ValueError('each content part must be {"type": "text", "text": "..."}')
    return "".join(texts)


class OpenAIMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Annotated[
        PlainText,
        BeforeValidator(join_text_parts),
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": TEXT_PART}]}),
    ]


class StreamOptions(BaseModel):
    include_usage: bool = False


class ResponseFormat(BaseModel):
    type: str


class ChatCompletionRequest(AskOptions):
    """OpenAI's request. Sampling parameters are accepted and ignored (answers are quoted
    and cited); options that would change what comes back and cannot be honoured (`n > 1`,
    `tools`, `functions`, a `response_format` other than text) are refused with a 400."""

    model: str = Field(MODEL_ID, description="Any name is accepted; the reply names ours")
    messages: list[OpenAIMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: StreamOptions | None = Field(
        None, description="include_usage: a last chunk with the token counts"
    )
    n: int = Field(1, ge=1, description="Only 1: one answer per question")
    tools: list[dict] | None = Field(None, description="Not supported: refused if not empty")
    functions: list[dict] | None = Field(None, description="Not supported: refused if not empty")
    response_format: ResponseFormat | None = Field(None, description="Only {'type': 'text'}")

    def unsupported(self) -> QuestionError | None:
        """The first option this endpoint cannot honour, as an error naming it."""
        if self.n != 1:
            return QuestionError("n", "only n=1 is supported: the assistant gives one answer")
        for name in ("tools", "functions"):
            if getattr(self, name):
                return QuestionError(name, f"{name} are not supported: this model calls no tools")
        if self.response_format and self.response_format.type != "text":
            kind = self.response_format.type
            return QuestionError(
                "response_format", f"only text responses are supported, not {kind}"
            )
        return None


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="The answer with inline [n] markers")


class CompletionChoice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[CompletionChoice]
    usage: Usage
    citations: list[Citation] = Field(description="`[n]` in the content is citations[n-1]")


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: ChunkDelta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChunkChoice]
    usage: Usage | None = Field(None, description="Only with stream_options.include_usage")
    citations: list[Citation] | None = Field(None, description="Only on the final chunk")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "policy-assistant"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# --- helpers ---------------------------------------------------------------------------------


@contextlib.contextmanager
def question_field(name: str) -> Iterator[None]:
    """Report a bad question under the request field that carried it."""
    try:
        yield
    except QuestionError as error:
        if error.field != "question":
            raise
        raise QuestionError(name, error.message) from None


def split_conversation(messages: Sequence[OpenAIMessage]) -> tuple[str, list[ChatMessage]]:
    """The last user message is the question; earlier user/assistant turns are the history.
    Tool and function results are refused: no tool call is ever made, so none can answer."""
    for index, message in enumerate(messages):
        if message.role in ("tool", "function"):
            raise QuestionError(
                f"messages.{index}.role",
                f"'{message.role}' messages are not supported: this model calls no tools",
            )
    if messages[-1].role != "user":
        raise QuestionError("messages", "the last message must have role 'user'")
    history = [
        ChatMessage(role=message.role, content=message.content)
        for message in messages[:-1]
        if message.role in ("user", "assistant")
    ]
    return messages[-1].content, history


def sse(payload: BaseModel) -> str:
    return f"data: {payload.model_dump_json(exclude_none=True)}\n\n"


def usage(messages: Sequence[OpenAIMessage], answer: str) -> Usage:
    """Token counts (tiktoken): the messages sent, and the answer."""
    prompt = sum(count_tokens(message.content) for message in messages)
    completion = count_tokens(answer)
    return Usage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def completion_chunks(
    pieces: Iterator[str | AskResult], messages: Sequence[OpenAIMessage], include_usage: bool
) -> Iterator[str]:
    """OpenAI stream events: role, answer pieces, a final chunk with citations, then (when
    asked for) a chunk with no choices and the usage, and [DONE]."""
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time())}

    def chunk(
        delta: ChunkDelta,
        finish_reason: Literal["stop"] | None = None,
        citations: list[Citation] | None = None,
    ) -> str:
        choice = ChunkChoice(delta=delta, finish_reason=finish_reason)
        return sse(ChatCompletionChunk(**head, choices=[choice], citations=citations))

    yield chunk(ChunkDelta(role="assistant", content=""))
    try:
        for piece in pieces:
            if isinstance(piece, AskResult):
                yield chunk(ChunkDelta(), finish_reason="stop", citations=piece.citations)
                if include_usage:
                    counted = usage(messages, piece.answer)
                    yield sse(ChatCompletionChunk(**head, choices=[], usage=counted))
            else:
                yield chunk(ChunkDelta(content=piece))
    except Exception:  # the status line is already sent: report in-band, like OpenAI does
        logger.exception("streaming an answer failed")
        failed = OpenAIErrorDetail(type="server_error", message="answering failed")
        yield sse(OpenAIErrorResponse(error=failed))
    yield "data: [DONE]\n\n"


# --- routes ----------------------------------------------------------------------------------

router = APIRouter(dependencies=[Depends(require_token)], responses=openai_errors(401))


@router.get("/v1/models", tags=["openai"])
def models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID, created=0)])


@router.post(
    "/v1/chat/completions",
    tags=["openai"],
    response_model=ChatCompletion,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "With stream: SSE"},
        **openai_errors(*BODY_ERRORS),
    },
)
def chat_completions(
    body: ChatCompletionRequest, assistant: AssistantDep, answer: AskDep
) -> ChatCompletion | StreamingResponse:
    """OpenAI chat: the last user message is the question, earlier turns are the history."""
    if refused := body.unsupported():
        raise refused
    question, history = split_conversation(body.messages)
    check_sources(assistant, body.sources)
    where = f"messages.{len(body.messages) - 1}.content"
    if body.stream:
        with question_field(where):
            pieces = assistant.stream(question, history, **body.ask_options())
            first = next(pieces)  # a bad request fails here, before the 200 status is sent
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return StreamingResponse(
            completion_chunks(itertools.chain([first], pieces), body.messages, include_usage),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    with question_field(where):
        result = answer(question, history, **body.ask_options())
    return ChatCompletion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        choices=[CompletionChoice(message=CompletionMessage(content=result.answer))],
        usage=usage(body.messages, result.answer),
        citations=result.citations,
    )
