"""The analysts' web UI: a Gradio Blocks app around one shared `Assistant`.

The conversation, source cards, document viewer and sources list are `gr.HTML` built by
`assistant.serve.ui.render` (which escapes everything from documents and users). Clicks on
citations, examples and documents reach Python as custom events sent by small scripts
(`js_on_load`), so no document text is ever interpreted as markup or code. The scripts and
the style sheet are files in `assets/`, read once at import.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.ingest.formats import SUPPORTED_SUFFIXES
from assistant.schema import AskResult, DocumentError, QuestionError
from assistant.serve.ui.examples import example_questions, topics
from assistant.serve.ui.render import (
    render_conversation,
    render_document,
    render_document_placeholder,
    render_index_report,
    render_missing_document,
    render_turn,
    render_welcome,
)
from assistant.serve.ui.scope import render_scope_chips, scope_of
from assistant.serve.ui.sources_panel import render_documents, render_source_message
from assistant.serve.ui.wording import UPLOAD_LABEL, mode_note, upload_hint
from assistant.serve.ui.workspace import WorkspaceView
from assistant.service import Assistant
from assistant.workspace.conversations import ConversationStore
from assistant.workspace.models import ConversationInfo

log = logging.getLogger(__name__)

Turns = list[dict[str, Any]]

ASSETS = resources.files("assistant.serve.ui") / "assets"


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


CSS = _asset("app.css")  # the page's styles
CONVERSATION_JS = _asset("conversation.js")  # example chips ask, citations open their passage
ANSWER_ACTIONS_JS = _asset("answer_actions.js")  # copy an answer, rate it
HISTORY_JS = _asset("history.js")  # the sidebar: open, rename, delete, undo
WORKSPACE_CSS = _asset("workspace.css")  # the sidebar, downloads and the row under answers
VIEWER_JS = _asset("viewer.js")  # scrolls the document viewer to the highlighted quote
SOURCES_JS = _asset("sources.js")  # the sources list: open, edit details, delete
SCOPE_JS = _asset("scope.js")  # the scope chips' remove buttons narrow or clear the filter
METADATA_FIELDS = ("title", "publisher", "published")  # what the Sources tab can edit
NEW_CHAT = "new"  # the id a new chat has in the browser until its first answer is kept


def _header(assistant: Assistant) -> str:
    health = assistant.health()
    return (
        '<div class="app-header"><h1>Policy assistant</h1>'
        f"<p>Cited answers from {health['documents']} indexed documents "
        f"({health['chunks']} passages)</p></div>"
    )


def _event_int(evt: gr.EventData, name: str) -> int:
    """An offset sent by the page script; anything unparsable counts as 0 (clamped later)."""
    try:
        return int(str(getattr(evt, name, 0)))
    except ValueError:
        return 0


def build_ui(assistant: Assistant, workspace: ConversationStore) -> gr.Blocks:
    """The Blocks app; every session has its own answer settings and shows one of its owner's
    stored conversations (the browser remembers which)."""
    settings = assistant.settings
    view = WorkspaceView(workspace, settings)
    llm_ready = bool(settings.llm_base_url or settings.llm_gguf_path)
    examples_cache: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}

    def welcome(docs: list[dict[str, Any]]) -> str:
        """The documents, their topics and example questions from the indexed texts,
        recomputed only when documents change."""
        key = tuple(f"{d['source']}:{d.get('content_hash', '')}:{d.get('title')}" for d in docs)
        if key not in examples_cache:
            texts = {d["source"]: assistant.document_text(d["source"]) or "" for d in docs}
            examples_cache.clear()
            examples_cache[key] = (
                example_questions(docs, texts, settings.ui_examples),
                topics(docs, texts),
            )
        examples, about = examples_cache[key]
        return render_welcome(docs, examples, about)

    def filter_choices(docs: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(str(d.get("title") or d["source"]), d["source"]) for d in docs]

    def gone(turns: Turns, docs: list[dict[str, Any]]) -> set[str]:
        """Documents the turns cite that are no longer in the library `docs`."""
        cited = {
            str(c.get("source"))
            for turn in turns
            for c in (turn.get("result") or {}).get("citations", [])
        }
        return cited - {d["source"] for d in docs}

    def shown(
        owner: str, turns: Turns, conversation_id: str, deleted: ConversationInfo | None = None
    ) -> tuple[Any, ...]:
        """What showing a conversation updates: `opened` below."""
        docs = assistant.documents()
        intro = "" if turns else welcome(docs)
        return (
            turns,
            render_conversation(turns, intro, deleted=gone(turns, docs)),
            conversation_id,
            view.sidebar(owner, conversation_id, deleted),
            *view.downloads(owner, conversation_id),
        )

    def respond(
        question: str,
        turns: Turns,
        k: float,
        mode: str,
        only: list[str] | None,
        conversation_id: str,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the conversation, then keep it in the owner's workspace
        (the first answer of a new chat starts a conversation) and the session's turns."""
        owner = view.owner(request)
        unchanged = (gr.skip(),) * 4  # conversation id, sidebar and downloads
        question = (question or "").strip()
        docs = assistant.documents()
        intro = welcome(docs) if not turns else ""
        missing = gone(turns, docs)  # the earlier turns' cards keep saying so while streaming
        if not question:  # said where the answer would be, as nothing else would happen
            yield (
                "",
                turns,
                render_conversation(turns, intro, blank=True, deleted=missing),
                *unchanged,
            )
            return
        index = len(turns)
        scope = scope_of(only, docs)  # for "Searched 2 of 5 documents"
        pending = render_turn(index, question)
        yield "", turns, render_conversation(turns, intro, pending, deleted=missing), *unchanged
        turn: dict[str, Any] = {"question": question, "scope": scope}
        text = ""
        history = view.history(owner, conversation_id)
        try:
            for piece in assistant.stream(
                question, history, k=int(k), mode=mode, sources=only or None
            ):
                if isinstance(piece, AskResult):
                    conversation_id, turn["n"] = view.keep(
                        owner,
                        conversation_id,
                        question,
                        piece,
                        {"k": int(k), "mode": mode, "sources": only or [], "scope": scope},
                    )
                    turn["result"] = piece.model_dump()
                else:
                    text += piece
                    pending = render_turn(index, question, partial=text)
                    yield (
                        "",
                        turns,
                        render_conversation(turns, intro, pending, deleted=missing),
                        *unchanged,
                    )
        except QuestionError as error:
            turn["error"] = f"Cannot answer: {error.message}"
        except Exception:
            log.exception("answering %r failed", question)
            turn["error"] = "Something went wrong while answering; the error is in the server log."
        if "result" not in turn and "error" not in turn:
            turn["error"] = "No answer was produced."
        yield "", *shown(owner, [*turns, turn], conversation_id)

    def ask_example(
        turns: Turns,
        k: float,
        mode: str,
        only: list[str] | None,
        conversation_id: str,
        request: gr.Request,
        evt: gr.EventData,
    ) -> Iterator[tuple[Any, ...]]:
        question = str(getattr(evt, "question", ""))
        yield from respond(question, turns, k, mode, only, conversation_id, request)

    def ask_all(
        turns: Turns,
        k: float,
        mode: str,
        conversation_id: str,
        request: gr.Request,
        evt: gr.EventData,
    ) -> Iterator[tuple[Any, ...]]:
        """Ask a question refused under a filter again over all documents, clearing the filter."""
        cleared: Any = gr.Dropdown(value=[])
        question = str(getattr(evt, "question", ""))
        for update in respond(question, turns, k, mode, None, conversation_id, request):
            yield (*update, cleared)
            cleared = gr.skip()  # once is enough

    def unscope(only: list[str] | None, evt: gr.EventData) -> Any:
        """A chip's remove button: that document leaves the filter ("*": all of them do)."""
        source = str(getattr(evt, "source", ""))
        return gr.Dropdown(value=[] if source == "*" else [s for s in only or [] if s != source])

    def ask_api(
        question: str,
        history: list[dict[str, str]] | None = None,
        k: int | None = None,
        sources: list[str] | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the documents, with citations: the same JSON as
        POST /api/ask (answer, abstained, claims, citations, standalone_question, ...)."""
        try:
            result = assistant.ask(question, history or [], k=k, sources=sources or None)
        except QuestionError as error:
            raise gr.Error(f"{error.field}: {error.message}") from None
        return result.model_dump(mode="json")

    def new_chat(request: gr.Request) -> tuple[Any, ...]:
        """An empty conversation; the current one stays in the history. Its id is NEW_CHAT,
        not "": the browser keeps no empty value, so a reload would reopen the previous one."""
        return "", *shown(view.owner(request), [], NEW_CHAT)

    def open_conversation(evt: gr.EventData, request: gr.Request) -> tuple[Any, ...]:
        owner = view.owner(request)
        return shown(owner, *view.open(owner, str(getattr(evt, "id", ""))))

    def rename_conversation(
        conversation_id: str, evt: gr.EventData, request: gr.Request
    ) -> tuple[Any, ...]:
        """Rename from the sidebar; the open conversation's downloads take the new title."""
        owner = view.owner(request)
        view.rename(owner, str(getattr(evt, "id", "")), str(getattr(evt, "title", "")))
        return view.sidebar(owner, conversation_id), *view.downloads(owner, conversation_id)

    def delete_conversation(
        turns: Turns, conversation_id: str, evt: gr.EventData, request: gr.Request
    ) -> tuple[Any, ...]:
        """Delete (undoably) from the sidebar; deleting the open one starts a new chat."""
        owner = view.owner(request)
        target = str(getattr(evt, "id", ""))
        deleted = view.delete(owner, target)
        if target == conversation_id:
            turns, conversation_id = [], NEW_CHAT
        return shown(owner, turns, conversation_id, deleted)

    def undo_delete(conversation_id: str, evt: gr.EventData, request: gr.Request) -> str:
        owner = view.owner(request)
        view.restore(owner, str(getattr(evt, "id", "")))
        return view.sidebar(owner, conversation_id)

    def rate(turns: Turns, conversation_id: str, evt: gr.EventData, request: gr.Request) -> Turns:
        """A thumb or a comment under an answer: stored as the rating of that turn."""
        return view.rate(
            view.owner(request),
            conversation_id,
            turns,
            _event_int(evt, "n"),
            str(getattr(evt, "rating", "")),
            str(getattr(evt, "comment", "")),
        )

    def open_citation(evt: gr.EventData) -> tuple[str, Any, str]:
        """Show the cited document with its passage shaded and the quote highlighted, and a
        way back to the source card it was opened from; also which document is shown."""
        source = str(getattr(evt, "source", ""))
        text = assistant.document_text(source)
        if text is None:
            return render_missing_document(source), gr.Tabs(selected="document"), ""
        meta = next((d for d in assistant.documents() if d["source"] == source), {})
        if not hasattr(evt, "start"):  # a click in the sources list, not a citation
            return render_document(source, text, meta), gr.Tabs(selected="document"), source
        span = (_event_int(evt, "start"), _event_int(evt, "end"))
        quote = (_event_int(evt, "qs"), _event_int(evt, "qe"))
        where, back = str(getattr(evt, "where", "")), str(getattr(evt, "card", ""))
        page = render_document(source, text, meta, span, quote, where=where, back=back)
        return page, gr.Tabs(selected="document"), source

    def refresh(turns: Turns, only: list[str] | None = None) -> tuple[str, str, str, Any]:
        """Everything that shows the library, after it changed. Documents gone leave the
        filter `only`; on page load (no `only`) the filter is left alone, as the analyst may
        already be choosing."""
        docs = assistant.documents()
        dropdown = gr.Dropdown(choices=filter_choices(docs))
        if only is not None:
            known = {d["source"] for d in docs}
            dropdown = gr.Dropdown(
                choices=filter_choices(docs), value=[s for s in only if s in known]
            )
        return (
            _header(assistant),
            render_conversation(turns, welcome(docs), deleted=gone(turns, docs)),
            render_documents(docs),
            dropdown,
        )

    def remove_document(
        turns: Turns, only: list[str] | None, viewing: str, evt: gr.EventData
    ) -> tuple[Any, ...]:
        """Delete a document confirmed in the sources list; a refusal names the file. The
        viewer, if it shows that document, says it is gone."""
        source = str(getattr(evt, "source", ""))
        viewer_update: Any = gr.skip()
        try:
            chunks = assistant.remove_document(source)
        except DocumentError as error:
            message = render_source_message(f"Could not delete {error}", ok=False)
        else:
            message = render_source_message(
                f"Deleted {source}: its file and {chunks} passages are gone from the library."
            )
            if viewing == source:
                viewer_update = render_missing_document(source)
        return (message, *refresh(turns, only or []), viewer_update)

    def save_document(
        turns: Turns, only: list[str] | None, evt: gr.EventData
    ) -> tuple[str, str, str, str, Any]:
        """Write a document's edited title, publisher and date, then show the new values."""
        source = str(getattr(evt, "source", ""))
        fields = {name: str(getattr(evt, name, "")).strip() for name in METADATA_FIELDS}
        try:
            report = assistant.update_document_metadata(source, fields)
        except DocumentError as error:
            message = render_source_message(f"Could not save the details of {error}", ok=False)
        else:
            problems = [f"{s.source}: {s.reason}" for s in report.skipped]
            message = (
                render_source_message(f"Saved, but {'; '.join(problems)}", ok=False)
                if problems
                else render_source_message(f"Saved the details of {source}.")
            )
        return (message, *refresh(turns, only or []))

    def load(conversation_id: str, request: gr.Request) -> tuple[Any, ...]:
        """A page (re)load: the page header and sources, and the conversation the browser
        had open (if it still exists for this owner)."""
        owner = view.owner(request)
        turns, conversation_id = view.open(owner, conversation_id)
        return (
            *refresh(turns),
            turns,
            conversation_id,
            view.sidebar(owner, conversation_id),
            *view.downloads(owner, conversation_id),
        )

    def add_files(
        files: list[str] | None,
        turns: Turns,
        only: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, str, str, Any, None]:
        """Index uploaded files incrementally; bad ones are reported by name with the reason."""
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
        report = assistant.add_documents(
            accepted, on_progress=lambda done, source: progress(done, desc=f"Indexed {source}")
        )
        header, conversation, sources, dropdown = refresh(turns, only or [])
        return render_index_report(report, rejected), header, conversation, sources, dropdown, None

    docs = assistant.documents()
    mode_choices = [("Extractive: quotes the passages", "extractive")]
    if llm_ready:
        mode_choices.append((f"LLM: {settings.llm_model}", "llm"))
    with gr.Blocks(title="Policy assistant", analytics_enabled=False) as ui:
        turns = gr.State([])
        viewing = gr.State("")  # the document in the viewer, so deleting it clears the viewer
        # The open conversation's id in the browser's localStorage, so a reload or a server
        # restart reopens it. The id is no secret (it opens only for its owner); the fixed key
        # keeps it readable after a restart, which a random one per process would not.
        conversation_id = gr.BrowserState(
            "", storage_key="assistant-open-conversation", secret="assistant-conversation"
        )
        header = gr.HTML(
            _header(assistant),
            head=f"<style>{CSS}{WORKSPACE_CSS}</style>",
            js_on_load=None,
            apply_default_css=False,
        )
        with gr.Sidebar(label="Conversations", width=290, elem_id="history-sidebar"):
            gr.HTML('<h2 class="sidebar-title">Conversations</h2>', apply_default_css=False)
            history = gr.HTML(
                "",  # filled in by the page load, which knows whose conversations to list
                elem_id="history",
                js_on_load=HISTORY_JS,
                apply_default_css=False,
            )
            with gr.Column(elem_id="downloads"):
                download_md = gr.DownloadButton(
                    "Download as Markdown", visible=False, size="sm", elem_id="download-md"
                )
                download_docx = gr.DownloadButton(
                    "Download as Word", visible=False, size="sm", elem_id="download-docx"
                )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                conversation = gr.HTML(
                    render_conversation([], welcome(docs)),
                    elem_id="conversation",
                    js_on_load=CONVERSATION_JS + ANSWER_ACTIONS_JS,
                    apply_default_css=False,
                )
                scope_bar = gr.HTML(
                    "", elem_id="scope", js_on_load=SCOPE_JS, apply_default_css=False
                )
                with gr.Row(equal_height=True, elem_id="ask-row"):
                    question = gr.Textbox(
                        label="Question",
                        placeholder="Ask a question about the documents…",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        scale=6,
                        autofocus=True,
                        elem_id="question",
                    )
                    ask = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="ask")
                    new_chat_button = gr.Button(
                        "New chat", scale=0, min_width=120, elem_id="new-chat"
                    )
                with gr.Accordion("Answer settings (this session)", open=False, elem_id="settings"):
                    with gr.Row():
                        k = gr.Slider(
                            1,
                            20,
                            value=settings.top_k,
                            step=1,
                            label="Passages to read",
                            info="More passages: more recall, slower answers.",
                            elem_id="k",
                        )
                        mode = gr.Radio(
                            mode_choices,
                            value=settings.answer_mode if llm_ready else "extractive",
                            label="Answer mode",
                            info=mode_note(llm_ready),
                            elem_id="mode",
                        )
                    only = gr.Dropdown(
                        filter_choices(docs),
                        multiselect=True,
                        label="Only search these documents (empty: all)",
                        elem_id="only",
                    )
            with gr.Column(scale=2, min_width=360), gr.Tabs(selected="document") as tabs:
                with gr.Tab("Document", id="document"):
                    viewer = gr.HTML(
                        render_document_placeholder(),
                        elem_id="doc-viewer",
                        js_on_load=VIEWER_JS,
                        apply_default_css=False,
                    )
                with gr.Tab("Sources", id="sources"):
                    upload = gr.File(
                        label=UPLOAD_LABEL, file_count="multiple", height=150, elem_id="upload"
                    )
                    gr.HTML(
                        upload_hint(SUPPORTED_SUFFIXES, settings.max_upload_mb),
                        elem_id="upload-hint",
                        apply_default_css=False,
                    )
                    report = gr.HTML(elem_id="index-report", apply_default_css=False)
                    sources = gr.HTML(
                        render_documents(docs),
                        elem_id="sources",
                        js_on_load=SOURCES_JS,
                        apply_default_css=False,
                    )

        answer_inputs = [turns, k, mode, only, conversation_id]
        # Showing a conversation updates these; answering also empties the question box.
        opened = [turns, conversation, conversation_id, history, download_md, download_docx]
        answer_outputs = [question, *opened]
        # The page's own events are private: gradio_client sees only the /ask endpoint.
        internal: dict[str, Any] = {"show_progress": "hidden", "api_visibility": "private"}
        for event in (question.submit, ask.click):
            event(respond, [question, *answer_inputs], answer_outputs, **internal)
        conversation.example(ask_example, answer_inputs, answer_outputs, **internal)
        new_chat_button.click(new_chat, None, answer_outputs, **internal)
        history.open_conversation(open_conversation, None, opened, **internal)
        downloads = [download_md, download_docx]
        history.rename_conversation(
            rename_conversation, [conversation_id], [history, *downloads], **internal
        )
        history.delete_conversation(
            delete_conversation, [turns, conversation_id], opened, **internal
        )
        history.undo_delete(undo_delete, [conversation_id], [history], **internal)
        conversation.rate(rate, [turns, conversation_id], [turns], **internal)
        conversation.cite(open_citation, None, [viewer, tabs, viewing], **internal)
        sources.open(open_citation, None, [viewer, tabs, viewing], **internal)
        upload.upload(
            add_files,
            [upload, turns, only],
            [report, header, conversation, sources, only, upload],
            show_progress_on=[upload],
            api_visibility="private",
        )
        library = [report, header, conversation, sources, only]
        sources.remove_doc(remove_document, [turns, only, viewing], [*library, viewer], **internal)
        sources.save_doc(save_document, [turns, only], library, **internal)
        conversation.widen(
            ask_all, [turns, k, mode, conversation_id], [*answer_outputs, only], **internal
        )
        scope_bar.unscope(unscope, [only], [only], **internal)
        only.change(
            lambda chosen: render_scope_chips(chosen, assistant.documents()),
            [only],
            [scope_bar],
            **internal,
        )
        ui.load(
            load,
            [conversation_id],
            [header, conversation, sources, only, turns, conversation_id, history, *downloads],
            **internal,
        )
        gr.api(ask_api, api_name="ask")
    return ui
