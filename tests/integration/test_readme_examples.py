"""The README's code examples run as written, against the shipped corpus."""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Iterator

import pytest
from conftest import REPO, serve_in_thread

from assistant.config import Settings, get_settings
from assistant.serve.app import create_app

pytestmark = pytest.mark.slow


def example(name: str) -> str:
    """The Python block after `<!-- example: NAME -->` in the README."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- example: {name} -->\s*```python\n(.*?)```", readme, re.DOTALL)
    assert found, f"README has no example '{name}'"
    return found.group(1)


README_URL = "http://127.0.0.1:7860"


def run_example(name: str, base_url: str = README_URL) -> list[str]:
    """Run a README example against `base_url` instead of the default port; its printout."""
    printed = io.StringIO()
    code = example(name).replace(README_URL, base_url)
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as_tool is marked beta by langchain-core
        exec(compile(code, "README.md", "exec"), {})
    return printed.getvalue().splitlines()


@pytest.fixture(scope="module")
def live(shipped_index: Settings) -> Iterator[str]:
    """`assistant serve` on the shipped index, without a token (as the examples assume)."""
    with serve_in_thread(create_app(shipped_index)) as base:
        yield base


def test_the_openai_example_runs(live: str) -> None:
    lines = run_example("openai", live)
    assert "5.5 percent" in lines[0] and "[1]" in lines[0]
    assert lines[1].startswith("1 003_") and "Ningbo" in lines[1]


def test_the_gradio_client_example_runs(live: str) -> None:
    lines = run_example("gradio_client", live)  # gradio_client may print "Loaded as API"
    assert any("5.5 percent" in line and "Ningbo" in line for line in lines), lines


def test_the_mcp_example_runs(live: str) -> None:
    (line,) = run_example("mcp", live)
    assert "5.5 percent" in line and "[1]" in line


def test_the_langchain_example_runs(
    shipped_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(shipped_index.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(shipped_index.index_dir))
    get_settings.cache_clear()
    try:
        lines = run_example("langchain")
    finally:
        get_settings.cache_clear()
    assert lines[0].startswith("Chinese localities unveil growth targets for 2025")
    assert "Ningbo" in lines[1] and "5.5 percent" in lines[1] and "[1]" in lines[1]
    assert lines[2].startswith("[1] ")
