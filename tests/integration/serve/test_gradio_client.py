"""gradio_client against a live `assistant serve`: one named endpoint, /ask, and nothing else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import build_index, copy_corpus, make_settings, serve_in_thread
from gradio_client import Client
from gradio_client.exceptions import AppError

from assistant.serve.app import create_app

pytestmark = pytest.mark.slow
NINGBO = "What GDP growth target did Ningbo set for 2025?"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    tmp = tmp_path_factory.mktemp("gradio-client")
    copy_corpus(tmp / "corpus")
    settings = make_settings(tmp)
    build_index(settings)
    with serve_in_thread(create_app(settings)) as base:
        yield Client(base, verbose=False)


def test_ask_returns_the_structured_result(client: Client) -> None:
    result = client.predict(NINGBO, api_name="/ask")
    assert not result["abstained"] and "5.5 percent" in result["answer"]
    assert result["citations"][0]["n"] == 1 and "Ningbo" in result["citations"][0]["quote"]
    assert result["claims"][0]["citations"] == [1]
    follow_up = client.predict(
        "And what about Sanya?",
        [{"role": "user", "content": NINGBO}, {"role": "assistant", "content": result["answer"]}],
        3,
        None,
        api_name="/ask",
    )
    assert "Sanya" in follow_up["standalone_question"] and "6.5" in follow_up["answer"]


def test_only_ask_is_listed_and_a_bad_question_is_a_clear_error(client: Client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")
    assert list(endpoints["named_endpoints"]) == ["/ask"]
    assert endpoints["unnamed_endpoints"] == {}
    with pytest.raises(AppError, match="question: "):
        client.predict("   ", api_name="/ask")
