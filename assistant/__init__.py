"""Cited question answering over policy documents: `from assistant import Assistant`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.schema import AskResult, Citation
    from assistant.service import Assistant

__all__ = ["AskResult", "Assistant", "Citation"]


def __getattr__(name: str):
    """Import lazily so `assistant --help` and a no-op index run start fast."""
    if name == "Assistant":
        from assistant.service import Assistant

        return Assistant
    if name in ("AskResult", "Citation"):
        from assistant import schema

        return getattr(schema, name)
    raise AttributeError(name)
