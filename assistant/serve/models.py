"""Request and response bodies of the /api routes (`AskOptions` is shared with /v1)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.schema import ChatMessage, PlainText


class AskOptions(BaseModel):
    """Strict: JSON of the wrong type ("5" for 5, "yes" for true) is refused, not guessed."""

    model_config = ConfigDict(strict=True)

    k: int | None = Field(None, ge=1, le=50, description="Passages to use (default: top_k)")
    mode: Literal["extractive", "llm"] | None = Field(None, description="Answerer to use")
    sources: list[PlainText] | None = Field(
        None, max_length=1000, description="Only search these documents (see /api/documents)"
    )

    def ask_options(self) -> dict[str, Any]:
        """The keyword arguments of `Assistant.ask` and `Assistant.stream` this request sets."""
        return self.model_dump(include=set(AskOptions.model_fields))


class AskRequest(AskOptions):
    model_config = ConfigDict(extra="forbid")

    question: PlainText = Field(description="The question; follow-ups may rely on `history`")
    history: list[ChatMessage] = Field(
        default_factory=list, max_length=200, description="The conversation so far"
    )


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    index: str = Field(description="Where the store lives: a folder or a Chroma server")
    documents: int
    chunks: int
    embedding_model: str
    model_loaded: bool = Field(description="Whether the embedding model is in memory")
    answer_mode: str


class DocumentInfo(BaseModel):
    source: str = Field(description="File name relative to the corpus folder")
    title: str = ""
    publisher: str = ""
    published: str = ""
    author: str = ""
    url: str = ""
    language: str = ""
    chunks: int = 0
    tokens: int = 0
    status: str = ""
    content_hash: str = ""


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


class DocumentText(BaseModel):
    source: str
    text: str = Field(description="The indexed text; citation offsets index into it")


class SkippedItem(BaseModel):
    source: str
    reason: str


class UploadReport(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    skipped: list[SkippedItem] = Field(description="Files not indexed, with the reason")
    chunks_total: int
    chunks_embedded: int
    seconds: float
