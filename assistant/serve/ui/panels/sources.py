"""The sources tab and the document viewer: open a cited or listed document, upload, edit a
document's details, delete one. A change to the library refreshes everything that shows
it: the header, the conversation (its welcome and cards), the list and the filter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.schema import DocumentError
from assistant.serve.ui.panels.common import Turns, event_int, event_str
from assistant.serve.ui.panels.conversation import ConversationPanel
from assistant.serve.ui.render import render_document, render_index_report, render_missing_document
from assistant.serve.ui.sources_panel import render_documents, render_source_message
from assistant.service import Assistant

METADATA_FIELDS = ("title", "publisher", "published")  # what the Sources tab can edit


def render_header(assistant: Assistant) -> str:
    health = assistant.health()
    return (
        '<div class="app-header"><h1>Policy assistant</h1>'
        f"<p>Cited answers from {health['documents']} indexed documents "
        f"({health['chunks']} passages)</p></div>"
    )


def filter_choices(docs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(d.get("title") or d["source"]), d["source"]) for d in docs]


class SourcesPanel:
    def __init__(self, assistant: Assistant, conversation: ConversationPanel) -> None:
        self.assistant = assistant
        self.conversation = conversation

    def open_citation(self, evt: gr.EventData) -> tuple[str, Any, str]:
        """Show the cited document with its passage shaded and the quote highlighted, and a
        way back to the source card it was opened from; also which document is shown."""
        source = event_str(evt, "source")
        text = self.assistant.document_text(source)
        if text is None:
            return render_missing_document(source), gr.Tabs(selected="document"), ""
        meta = next((d for d in self.assistant.documents() if d["source"] == source), {})
        if not hasattr(evt, "start"):  # a click in the sources list, not a citation
            return render_document(source, text, meta), gr.Tabs(selected="document"), source
        span = (event_int(evt, "start"), event_int(evt, "end"))
        quote = (event_int(evt, "qs"), event_int(evt, "qe"))
        where, back = event_str(evt, "where"), event_str(evt, "card")
        page = render_document(source, text, meta, span, quote, where=where, back=back)
        return page, gr.Tabs(selected="document"), source

    def refresh(self, turns: Turns, only: list[str] | None = None) -> tuple[str, str, str, Any]:
        """Everything that shows the library, after it changed. Documents gone leave the
        filter `only`; on page load (no `only`) the filter is left alone, as the analyst may
        already be choosing."""
        docs = self.assistant.documents()
        dropdown = gr.Dropdown(choices=filter_choices(docs))
        if only is not None:
            known = {d["source"] for d in docs}
            dropdown = gr.Dropdown(
                choices=filter_choices(docs), value=[s for s in only if s in known]
            )
        return (
            render_header(self.assistant),
            self.conversation.render(turns, docs),
            render_documents(docs),
            dropdown,
        )

    def remove_document(
        self, turns: Turns, only: list[str] | None, viewing: str, evt: gr.EventData
    ) -> tuple[Any, ...]:
        """Delete a document confirmed in the sources list; a refusal names the file. The
        viewer, if it shows that document, says it is gone."""
        source = event_str(evt, "source")
        viewer_update: Any = gr.skip()
        try:
            chunks = self.assistant.remove_document(source)
        except DocumentError as error:
            message = render_source_message(f"Could not delete {error}", ok=False)
        else:
            message = render_source_message(
                f"Deleted {source}: its file and {chunks} passages are gone from the library."
            )
            if viewing == source:
                viewer_update = render_missing_document(source)
        return (message, *self.refresh(turns, only or []), viewer_update)

    def save_document(
        self, turns: Turns, only: list[str] | None, evt: gr.EventData
    ) -> tuple[str, str, str, str, Any]:
        """Write a document's edited title, publisher and date, then show the new values."""
        source = event_str(evt, "source")
        fields = {name: event_str(evt, name).strip() for name in METADATA_FIELDS}
        try:
            report = self.assistant.update_document_metadata(source, fields)
        except DocumentError as error:
            message = render_source_message(f"Could not save the details of {error}", ok=False)
        else:
            problems = [f"{s.source}: {s.reason}" for s in report.skipped]
            message = (
                render_source_message(f"Saved, but {'; '.join(problems)}", ok=False)
                if problems
                else render_source_message(f"Saved the details of {source}.")
            )
        return (message, *self.refresh(turns, only or []))

    def add_files(
        self,
        files: list[str] | None,
        turns: Turns,
        only: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, str, str, Any, None]:
        """Index uploaded files incrementally; bad ones are reported by name with the reason."""
        settings = self.assistant.settings
        paths = [Path(f) for f in files or []]
        limit = settings.max_upload_mb * 1024 * 1024
        rejected = [
            (p.name, "too many files in one upload") for p in paths[settings.max_upload_files :]
        ]
        accepted: list[Path] = []
        for path in paths[: settings.max_upload_files]:
            if path.stat().st_size > limit:
                rejected.append((path.name, f"larger than {settings.max_upload_mb:g} MB"))
            else:
                accepted.append(path)
        progress(0.0, desc=f"Reading and embedding {len(accepted)} file(s)")
        report = self.assistant.add_documents(
            accepted, on_progress=lambda done, source: progress(done, desc=f"Indexed {source}")
        )
        head, conversation, sources, dropdown = self.refresh(turns, only or [])
        return render_index_report(report, rejected), head, conversation, sources, dropdown, None
