"""Markdown's inline syntax read as the rendered text."""

from __future__ import annotations

import pytest

from assistant.text.markdown_inline import is_markdown, rendered_inline


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Added [`--mkpath`](rsync.1#opt) option", "Added --mkpath option"),
        ("Add _build_ dependency for _either_ one", "Add build dependency for either one"),
        ("Use **bold**, *it* and `code`", "Use bold, it and code"),
        ("See ![the diagram](d.png) and <https://rsync.samba.org>",
         "See the diagram and https://rsync.samba.org"),
        ("snake_case_name stays; 5 * 3 = 15", "snake_case_name stays; 5 * 3 = 15"),
        ("AT&amp;T and <b>bold</b>", "AT&T and bold"),
        ("one\nline", "one line"),
    ],
)  # fmt: skip
def test_inline_syntax_is_read_as_the_text_it_renders(written: str, shown: str) -> None:
    assert rendered_inline(written) == shown


def test_markdown_is_known_by_its_file_name() -> None:
    assert is_markdown("rsync/2020-08-06_v3.2.3.md") and is_markdown("docs/README.markdown")
    assert not is_markdown("nano/2020-10-07_v5.3.txt") and not is_markdown("GPL-3")
