"""The answering chain: one typed, streaming LangChain Runnable from question to result.

question (+ history) -> condense -> retrieve -> answer -> verify -> AskResult. `stream`
yields the answer text in pieces as the answerer produces them, then the verified result;
`invoke` is the same run, keeping only the result. The CLI, the UI and the SSE endpoints
all consume this one stream. The stages come in as `ChainComponents`, so callers swap a
retriever, condenser or answerer without touching the chain.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForChainRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import BaseModel, Field, ValidationError

from assistant.answer.base import Answerer, AnswerPiece, final_result
from assistant.answer.verify import verify
from assistant.retrieve.condense import Condenser
from assistant.schema import AskResult, ChatMessage, PlainText, QuestionError
from assistant.text.question_kinds import question_kind
from assistant.text.token_count import count_tokens

AnswerModeName = Literal["extractive", "llm"]


class ChainInput(BaseModel):
    """What the chain accepts (a plain string is taken as the question)."""

    question: PlainText = Field(description="The question; follow-ups may rely on `history`")
    history: list[ChatMessage] = Field(default_factory=list, description="The conversation")
    k: int | None = Field(None, ge=1, le=50, description="Passages to use (default: top_k)")
    mode: AnswerModeName | None = Field(None, description="Answerer (default from settings)")
    sources: list[PlainText] | None = Field(None, description="Only search these documents")


@dataclass(frozen=True)
class AnswerMode:
    """How one answer mode rewrites follow-ups and writes answers."""

    condenser: Condenser
    answerer: Answerer


@dataclass(frozen=True)
class ChainComponents:
    """The stages of the chain: one retriever, and per answer mode its condenser and
    answerer (a mode that is absent, such as "llm" without a model, is refused)."""

    retriever: BaseRetriever
    modes: Mapping[str, AnswerMode]
    default_mode: str = "extractive"
    max_question_chars: int = 2000
    analyst_k: int = 20  # passages for an overview, list, timeline or comparison


def _field_of(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    return str(first["loc"][0]) if first["loc"] else "input", first["msg"]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


class AnswerChain(Runnable[ChainInput | dict[str, Any] | str, AskResult]):
    """question or `ChainInput` -> `AskResult`; streams answer text, then the result."""

    name = "policy-assistant"

    def __init__(self, components: ChainComponents) -> None:
        self.components = components

    @property
    def InputType(self) -> type[ChainInput]:
        return ChainInput

    @property
    def OutputType(self) -> type[AskResult]:
        return AskResult

    def get_input_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        return ChainInput

    def get_output_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        return AskResult

    def parse(self, inputs: ChainInput | dict[str, Any] | str) -> ChainInput:
        """The request as a `ChainInput`; a bad field raises `QuestionError` naming it."""
        if isinstance(inputs, str):
            inputs = {"question": inputs}
        if isinstance(inputs, ChainInput):
            inputs = inputs.model_dump()
        if not isinstance(inputs, dict) or not isinstance(inputs.get("question"), str):
            raise QuestionError("question", "must be a string")
        try:
            request = ChainInput.model_validate(inputs)
        except ValidationError as error:
            field, message = _field_of(error)
            if field == "history":
                message = f"each message needs a role and content ({message})"
            raise QuestionError(field, message) from error
        question = request.question.strip()
        if not question:
            raise QuestionError("question", "is empty")
        limit = self.components.max_question_chars
        if len(request.question) > limit:
            raise QuestionError(
                "question", f"is {len(request.question)} characters; the limit is {limit}"
            )
        mode = request.mode or self.components.default_mode
        if mode not in self.components.modes:
            raise QuestionError(
                "mode",
                "no LLM is configured (set ASSISTANT_LLM_BASE_URL or ASSISTANT_LLM_GGUF_PATH)",
            )
        return request.model_copy(update={"question": question, "mode": mode})

    def invoke(
        self,
        input: ChainInput | dict[str, Any] | str,
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> AskResult:
        return final_result(self.stream(input, config, **kwargs))

    def stream(
        self,
        input: ChainInput | dict[str, Any] | str,
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Iterator[AnswerPiece]:  # type: ignore[override]
        yield from self._transform_stream_with_config(iter([input]), self._run, config, **kwargs)

    def _run(
        self,
        inputs: Iterator[ChainInput | dict[str, Any] | str],
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
    ) -> Iterator[AnswerPiece]:
        """The one pipeline: every stage timed, the answer streamed as it is produced."""
        started = time.perf_counter()
        request = self.parse(next(inputs))
        assert request.mode is not None  # set by parse
        mode = self.components.modes[request.mode]
        timings: dict[str, float] = {}

        step = time.perf_counter()
        standalone = mode.condenser.condense(request.question, request.history)
        timings["condense"] = _ms(step)

        step = time.perf_counter()
        options = {
            key: value for key, value in (("k", request.k), ("sources", request.sources)) if value
        }
        if "k" not in options and question_kind(standalone).kind != "fact":
            options["k"] = self.components.analyst_k  # an overview or list spans documents
        child = {**config, "callbacks": run_manager.get_child()}
        passages: list[Document] = self.components.retriever.invoke(standalone, child, **options)
        timings["retrieve"] = _ms(step)

        step = time.perf_counter()
        result: AskResult | None = None
        for piece in mode.answerer.stream(standalone, passages):
            if isinstance(piece, AskResult):
                result = piece
            else:
                yield piece
        if result is None:
            raise RuntimeError("the answerer produced no result")
        timings["answer"] = _ms(step)

        step = time.perf_counter()
        result = verify(result)
        timings["verify"] = _ms(step)
        timings["total"] = _ms(started)
        yield result.model_copy(
            update={
                "question": request.question,
                "standalone_question": standalone,
                "mode": request.mode,
                "timings_ms": timings,
                "tokens": {
                    "question": count_tokens(standalone),
                    "passages": sum(count_tokens(p.page_content) for p in passages),
                    "answer": count_tokens(result.answer),
                },
            }
        )
