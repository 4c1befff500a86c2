"""What the workspace hands out: conversations with their turns, and ratings of answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.schema import AskResult

Rating = Literal["up", "down"]


class Feedback(BaseModel):
    rating: Rating
    comment: str = ""
    rated_at: datetime


class Turn(BaseModel):
    """One question and everything needed to show, export or judge its answer again."""

    n: int = Field(description="1-based position in the conversation")
    question: str
    standalone_question: str = Field(description="The question after follow-up rewriting")
    result: AskResult
    settings: dict[str, Any] = Field(
        default_factory=dict, description="What the answer was asked with (k, mode, sources)"
    )
    asked_at: datetime
    feedback: Feedback | None = None


class ConversationInfo(BaseModel):
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    turn_count: int = Field(0, description="How many questions were asked")


class Conversation(ConversationInfo):
    turns: list[Turn] = Field(default_factory=list, description="Oldest first")


class RatedTurn(BaseModel):
    """A rated answer with its conversation, as the feedback export reads it."""

    conversation_id: str
    turn: Turn
    history: list[dict[str, str]] = Field(description="The messages before this question")
