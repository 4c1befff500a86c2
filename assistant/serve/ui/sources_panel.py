"""The Sources tab's document list: open a document, edit its title, publisher and date,
or delete it after a confirmation step. Pure functions (no Gradio), everything escaped.

Every control is a real <button> or form field with a label, so the list works from the
keyboard; `assets/sources.js` turns their clicks and submissions into custom events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.serve.ui.render import esc
from assistant.workspace.export import known_publisher


def _meta(*parts: object) -> str:
    return " · ".join(esc(part) for part in parts if part)


def _field(key: int, name: str, label: str, value: object, hint: str = "") -> str:
    placeholder = f' placeholder="{esc(hint)}"' if hint else ""
    return (
        f'<label for="doc-{key}-{name}">{label}</label>'
        f'<input id="doc-{key}-{name}" name="{name}" type="text" value="{esc(value or "")}"'
        f"{placeholder}>"
    )


def _item(key: int, doc: Mapping[str, Any]) -> str:
    """One document: an open button, Edit details and Delete, and their hidden panels."""
    source = esc(doc["source"])
    title = esc(doc.get("title") or doc["source"])
    chunks = int(doc.get("chunks") or 0)
    meta = _meta(known_publisher(doc.get("publisher")), doc.get("published"))
    return (
        f'<li class="doc-item" data-item="{source}">'
        f'<button type="button" class="doc-open" data-source="{source}">'
        f'<span class="doc-item-title">{title}</span>'
        f'<span class="doc-item-meta">{meta}</span>'
        f'<span class="doc-item-meta">{source} · {chunks} passage{"" if chunks == 1 else "s"}'
        "</span></button>"
        '<div class="doc-actions">'
        f'<button type="button" class="doc-edit" aria-expanded="false" '
        f'aria-controls="doc-{key}-form" aria-label="Edit details of {title}">Edit details</button>'
        f'<button type="button" class="doc-delete" aria-expanded="false" '
        f'aria-controls="doc-{key}-confirm" aria-label="Delete {title}">Delete</button></div>'
        f'<div class="doc-confirm" id="doc-{key}-confirm" role="group" '
        f'aria-label="Confirm deleting {source}" hidden>'
        f"<p>Delete <b>{source}</b>? Its file is removed from the corpus folder and its "
        "passages from the library; answers can no longer cite it.</p>"
        f'<button type="button" class="danger" data-confirm-delete="{source}">'
        "Delete the document</button>"
        '<button type="button" class="doc-cancel">Cancel</button></div>'
        f'<form class="doc-form" id="doc-{key}-form" data-edit="{source}" '
        f'aria-label="Details of {source}" hidden>'
        + _field(key, "title", "Title", doc.get("title"))
        + _field(key, "publisher", "Publisher", doc.get("publisher"))
        + _field(key, "published", "Date", doc.get("published"), "e.g. 2025-03-20")
        + '<div class="form-buttons"><button type="submit" class="primary">Save</button>'
        '<button type="button" class="doc-cancel">Cancel</button></div></form></li>'
    )


def render_documents(documents: Sequence[Mapping[str, Any]]) -> str:
    """The sources panel: each indexed document with its metadata, passage count and actions."""
    if not documents:
        return '<p class="muted">No documents are indexed yet. Upload some above.</p>'
    total = sum(int(d.get("chunks") or 0) for d in documents)
    rows = "".join(_item(key, doc) for key, doc in enumerate(documents))
    return (
        f'<p class="muted">{len(documents)} document{"" if len(documents) == 1 else "s"} · '
        f"{total} passages. Open one to read it.</p>"
        f'<ul class="doc-list" aria-label="Indexed documents">{rows}</ul>'
    )


def render_source_message(text: str, ok: bool = True) -> str:
    """The outcome of a delete or an edit, announced to screen readers; `text` is escaped."""
    role, css = ("status", "ok") if ok else ("alert", "bad")
    return f'<div class="source-message {css}" role="{role}">{esc(text)}</div>'
