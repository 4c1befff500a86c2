"""The README's code examples run as written, against the shipped corpus."""

from __future__ import annotations

import contextlib
import io
import re
import warnings

import pytest
from conftest import REPO

from assistant.config import Settings, get_settings

pytestmark = pytest.mark.slow


def example(name: str) -> str:
    """The Python block after `<!-- example: NAME -->` in the README."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- example: {name} -->\s*```python\n(.*?)```", readme, re.DOTALL)
    assert found, f"README has no example '{name}'"
    return found.group(1)


def test_the_langchain_example_runs(
    shipped_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(shipped_index.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(shipped_index.index_dir))
    get_settings.cache_clear()
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as_tool is marked beta by langchain-core
            exec(compile(example("langchain"), "README.md", "exec"), {})
    finally:
        get_settings.cache_clear()
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("Chinese localities unveil growth targets for 2025")
    assert "Ningbo" in lines[1] and "5.5 percent" in lines[1] and "[1]" in lines[1]
    assert lines[2].startswith("[1] ")
