"""The search scope shown beside the question box, so a filter set in the answer settings
is never forgotten: one removable chip per selected document.

Pure functions (no Gradio); every title and file name is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.serve.ui.render import esc


def scope_of(
    selected: Sequence[str] | None, documents: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """How many documents a question searches and how many the library holds right now
    (kept with the turn, so its answer can say "Searched 2 of 5 documents")."""
    known = {d["source"] for d in documents}
    chosen = known.intersection(selected or ())
    return {"searched": len(chosen) if chosen else len(known), "total": len(known)}


def render_scope_chips(
    selected: Sequence[str] | None, documents: Sequence[Mapping[str, Any]]
) -> str:
    """Chips naming the documents the next question is limited to, each with a button that
    removes it from the filter, plus one that clears the filter; "" when all are searched."""
    titles = {d["source"]: str(d.get("title") or d["source"]) for d in documents}
    chosen = [source for source in selected or () if source in titles]
    if not chosen:
        return ""
    chips = "".join(
        f'<li class="scope-chip"><span class="chip-title" title="{esc(titles[source])}">'
        f"{esc(titles[source])}</span>"
        f'<button type="button" class="chip-remove" data-remove="{esc(source)}" '
        f'aria-label="Stop limiting the search to {esc(titles[source])}">&times;</button></li>'
        for source in chosen
    )
    count = len(chosen)
    return (
        f'<div class="scope-bar" role="group" aria-label="Search scope">'
        f'<span class="scope-label">Only searching {count} of {len(titles)} '
        f"document{'' if len(titles) == 1 else 's'}:</span>"
        f'<ul class="scope-chips">{chips}</ul>'
        '<button type="button" class="scope-clear" data-clear-scope="1">Search all</button></div>'
    )
