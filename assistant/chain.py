"""The answering chain, composed with LCEL from one small step per stage.

state -> condense -> retrieve -> answer -> verify -> AskResult. Each step reads the stage
object from the `Assistant` (retriever, answerers, chat model), so callers swap a stage by
replacing that attribute, not by editing the chain.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.condense import condense_with_llm, rewrite_follow_up
from assistant.models import AskResult, ChatMessage
from assistant.tokens import count_tokens
from assistant.verify import verify

if TYPE_CHECKING:
    from assistant.service import Assistant

State = dict[str, Any]


def _timed(stage: str, step: Callable[[State], State]) -> Runnable:
    def run(state: State) -> State:
        started = time.perf_counter()
        state = step(state)
        state["timings"][stage] = round((time.perf_counter() - started) * 1000, 2)
        return state

    return RunnableLambda(run, name=stage)


def prepare(assistant: Assistant, inputs: dict[str, Any]) -> State:
    """Validate the request and normalise it into the chain's state."""
    from assistant.service import QuestionError

    question = assistant.validate_question(inputs.get("question"))
    try:
        history = [ChatMessage.model_validate(m) for m in inputs.get("history") or []]
    except ValueError as error:
        raise QuestionError(
            "history", f"each message needs a role and content ({error})"
        ) from error
    mode = inputs.get("mode") or assistant.settings.answer_mode
    if mode not in ("extractive", "llm"):
        raise QuestionError("mode", "must be 'extractive' or 'llm'")
    if mode == "llm" and assistant.chat_model is None:
        raise QuestionError(
            "mode", "no LLM is configured (set ASSISTANT_LLM_BASE_URL or ASSISTANT_LLM_GGUF_PATH)"
        )
    k = inputs.get("k")
    if k is not None and (not isinstance(k, int) or not 1 <= k <= 50):
        raise QuestionError("k", "must be an integer from 1 to 50")
    return {
        "question": question,
        "history": history,
        "mode": mode,
        "k": k,
        "sources": inputs.get("sources") or None,
        "timings": {},
        "started": time.perf_counter(),
    }


def condense(assistant: Assistant, state: State) -> State:
    question, history = state["question"], state["history"]
    if history and state["mode"] == "llm":
        state["standalone"] = condense_with_llm(assistant.chat_model, question, history)
    else:
        state["standalone"] = rewrite_follow_up(question, history)
    return state


def retrieve(assistant: Assistant, state: State) -> State:
    state["passages"] = assistant.retrieve(
        state["standalone"], k=state["k"], sources=state["sources"]
    )
    return state


def answer(assistant: Assistant, state: State) -> State:
    if state["mode"] == "llm":
        answerer = assistant.llm_answerer
        text = "".join(answerer.stream(state["standalone"], state["passages"]))
        state["result"] = answerer.result(state["standalone"], state["passages"], text)
    else:
        state["result"] = assistant.extractive.answer(state["standalone"], state["passages"])
    return state


def check(state: State) -> State:
    state["result"] = verify(state["result"])
    return state


def finish(state: State) -> AskResult:
    """Attach the request, timings and token counts to the result."""
    timings = dict(state["timings"])
    timings["total"] = round((time.perf_counter() - state["started"]) * 1000, 2)
    result: AskResult = state["result"]
    return result.model_copy(
        update={
            "question": state["question"],
            "standalone_question": state["standalone"],
            "mode": state["mode"],
            "timings_ms": timings,
            "tokens": {
                "question": count_tokens(state["standalone"]),
                "passages": sum(count_tokens(p.page_content) for p in state["passages"]),
                "answer": count_tokens(result.answer),
            },
        }
    )


def build_chain(assistant: Assistant) -> Runnable:
    return (
        RunnableLambda(lambda inputs: prepare(assistant, inputs), name="prepare")
        | _timed("condense", lambda s: condense(assistant, s))
        | _timed("retrieve", lambda s: retrieve(assistant, s))
        | _timed("answer", lambda s: answer(assistant, s))
        | _timed("verify", check)
        | RunnableLambda(finish, name="finish")
    ).with_config(run_name="policy-assistant")


def stream_answer(assistant: Assistant, inputs: dict[str, Any]) -> Iterator[str | AskResult]:
    """The same stages, but the answer text is yielded as it is produced."""
    state = prepare(assistant, inputs)
    state = _timed("condense", lambda s: condense(assistant, s)).invoke(state)
    state = _timed("retrieve", lambda s: retrieve(assistant, s)).invoke(state)
    started = time.perf_counter()  # the answer stage yields as it goes, so it is timed here
    if state["mode"] == "llm":
        pieces = []
        for piece in assistant.llm_answerer.stream(state["standalone"], state["passages"]):
            pieces.append(piece)
            yield piece
        state["result"] = assistant.llm_answerer.result(
            state["standalone"], state["passages"], "".join(pieces)
        )
    else:
        state["result"] = assistant.extractive.answer(state["standalone"], state["passages"])
        for n, claim in enumerate(state["result"].claims or [], 1):
            yield ("" if n == 1 else " ") + f"{claim.text} [{n}]"
        if state["result"].abstained:
            yield state["result"].answer
    state["timings"]["answer"] = round((time.perf_counter() - started) * 1000, 2)
    state = _timed("verify", check).invoke(state)
    yield finish(state)
