"""What the panels share: reading the page scripts' custom events."""

from __future__ import annotations

from typing import Any

import gradio as gr

Turns = list[dict[str, Any]]


def event_int(evt: gr.EventData, name: str) -> int:
    """An offset sent by the page script; anything unparsable counts as 0 (clamped later)."""
    try:
        return int(str(getattr(evt, name, 0)))
    except ValueError:
        return 0


def event_str(evt: gr.EventData, name: str) -> str:
    return str(getattr(evt, name, ""))
