"""The typed result of a question: what the CLI prints, the API returns and the UI renders."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """A lone surrogate ("\\ud800" in JSON) is no character: it cannot be encoded, and would
    fail deep inside tokenizers. It is refused where the text comes in, naming the field."""
    found = _SURROGATE.search(text)
    if found:
        raise ValueError(
            f"contains a lone surrogate (U+{ord(found.group()):04X}) at character "
            f"{found.start()}; send valid Unicode text"
        )
    return text


PlainText = Annotated[str, AfterValidator(_encodable)]


class ChatMessage(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: PlainText


class Quote(BaseModel):
    """A sentence of a cited passage that the answer quotes."""

    start: int = Field(description="Character offset of the quote in the source text")
    end: int
    text: str


class Citation(BaseModel):
    """One numbered source: `[n]` in the answer refers to the citation with this `n`."""

    n: int = Field(description="The marker number used in the answer text")
    source: str = Field(description="File name relative to the corpus folder")
    title: str
    publisher: str = ""
    published: str = ""
    section: str = Field("", description='Heading path of the passage ("A › B › C")')
    page: str = Field("", description='Page or pages of the passage ("12", "12-13"), PDFs')
    chunk_id: str
    start: int = Field(description="Character offset of the passage in the source text")
    end: int
    text: str = Field(description="The cited passage")
    quote: str = Field(description="The sentence in the passage that supports the claim")
    quote_start: int = Field(description="Character offset of the quote in the source text")
    quote_end: int
    also_quoted: list[Quote] = Field(
        default_factory=list,
        description="Further sentences of the same passage the answer quotes (one citation "
        "per passage, in the order they appear)",
    )
    score: float = Field(0.0, description="Retrieval score of the passage")
    supported: bool = Field(True, description="False when verification failed for this claim")

    @property
    def page_text(self) -> str:
        """ "p. 12" or "pp. 12-13" for a passage from a PDF, else ""."""
        if not self.page:
            return ""
        return f"pp. {self.page}" if "-" in self.page else f"p. {self.page}"

    @property
    def location(self) -> str:
        """Where the passage sits, in words an analyst uses: its section and page, if known."""
        return " · ".join(part for part in (self.section, self.page_text) if part)


class Claim(BaseModel):
    """A statement of the answer, made by the answerer, with the citations that back it and
    the verification verdict. `answer[start:end]` is the claim as it stands in the answer."""

    text: str = Field(description="The statement: `answer[start:end]`")
    citations: list[int] = Field(default_factory=list)
    start: int = Field(0, description="Character offset of the claim in the answer")
    end: int = Field(0, description="Character offset where the claim ends in the answer")
    supported: bool = True
    problems: list[str] = Field(default_factory=list)


class QuestionError(ValueError):
    """A question or request field that cannot be answered; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def __reduce__(self) -> tuple[type[QuestionError], tuple[str, str]]:
        """Pickled by its two fields (it travels back from an answering worker process)."""
        return QuestionError, (self.field, self.message)


class DocumentError(ValueError):
    """A document that cannot be changed as asked: not indexed (`missing`), or a name that
    points outside the corpus folder. The API answers 404 or 422 with the message."""

    def __init__(self, source: str, message: str, missing: bool = False) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message
        self.missing = missing


class AskResult(BaseModel):
    answer: str = Field(description="Short answer with inline [n] markers")
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    question: str = ""
    standalone_question: str = Field("", description="The question after follow-up rewriting")
    mode: Literal["extractive", "llm"] = "extractive"
    timings_ms: dict[str, float] = Field(default_factory=dict)
    tokens: dict[str, int] = Field(default_factory=dict)

    @property
    def unsupported_claims(self) -> list[Claim]:
        return [claim for claim in self.claims if not claim.supported]
