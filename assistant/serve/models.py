"""Request and response bodies of the /api routes (`AskOptions` is shared with /v1)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.schema import AskResult, ChatMessage, PlainText
from assistant.workspace.models import ConversationInfo, Rating


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
    history: list[ChatMessage] | None = Field(
        None,
        max_length=200,
        description="The conversation so far; when absent, that of `conversation_id` (if any)",
    )
    conversation_id: str | None = Field(
        None,
        max_length=64,
        description="Store this turn in the conversation (see /api/conversations)",
    )


class AskResponse(AskResult):
    conversation_id: str | None = Field(None, description="Where the turn was stored, if asked")
    turn: int | None = Field(None, description="The turn's 1-based number in that conversation")


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    index: str = Field(description="Where the store lives: a folder or a Chroma server")
    documents: int
    chunks: int
    embedding_model: str
    model_loaded: bool = Field(description="Whether the embedding model is in memory")
    answer_mode: str
    answering_processes: list[int] = Field(
        default_factory=list,
        description="Process ids of the workers that answer questions (`ASSISTANT_WORKERS`); "
        "empty: the server process answers them itself",
    )


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


class DocumentMetadataUpdate(BaseModel):
    """The fields to change; an empty string removes the field from `sources.toml`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: PlainText | None = Field(None, max_length=500)
    publisher: PlainText | None = Field(None, max_length=500)
    published: PlainText | None = Field(None, max_length=50, description="A date, as written")

    def fields(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class DocumentRemoved(BaseModel):
    source: str
    chunks_removed: int


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    title: PlainText = Field("", max_length=200, description="Empty: named by its first question")


class ConversationRename(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    title: PlainText = Field(min_length=1, max_length=200)


class ConversationList(BaseModel):
    conversations: list[ConversationInfo] = Field(
        description="Most recently used first; the page `offset` and `limit` asked for"
    )
    total: int = Field(description="How many conversations the caller has in all")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    conversation_id: str = Field(max_length=64)
    turn: int = Field(ge=1, description="1-based number of the rated answer")
    rating: Rating
    comment: PlainText = Field("", max_length=5000)
