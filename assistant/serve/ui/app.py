"""The analysts' web UI: a Gradio Blocks app around one shared `Assistant`.

The conversation, source cards, document viewer and sources list are `gr.HTML` built by
`assistant.serve.ui.render` (which escapes everything from documents and users). Clicks on
citations, examples and documents reach Python as custom events sent by small scripts
(`js_on_load`), so no document text is ever interpreted as markup or code. The scripts and
the style sheet are files in `assets/`, read once at import. The handlers live with their
panel in `panels/` (conversation, history, sources); this module lays the page out and
wires the events.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import gradio as gr

from assistant.ingest.formats import SUPPORTED_SUFFIXES
from assistant.schema import QuestionError
from assistant.serve.ui.panels.conversation import ConversationPanel
from assistant.serve.ui.panels.history import HistoryPanel
from assistant.serve.ui.panels.sources import SourcesPanel, filter_choices, render_header
from assistant.serve.ui.render import render_conversation, render_document_placeholder
from assistant.serve.ui.scope import render_scope_chips
from assistant.serve.ui.sources_panel import render_documents
from assistant.serve.ui.wording import UPLOAD_LABEL, mode_note, upload_hint
from assistant.serve.ui.workspace import WorkspaceView
from assistant.service import Assistant
from assistant.workspace.conversations import ConversationStore

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


def build_ui(assistant: Assistant, workspace: ConversationStore) -> gr.Blocks:
    """The Blocks app; every session has its own answer settings and shows one of its owner's
    stored conversations (the browser remembers which)."""
    settings = assistant.settings
    view = WorkspaceView(workspace, settings)
    llm_ready = bool(settings.llm_base_url or settings.llm_gguf_path)
    chat = ConversationPanel(assistant, view)
    past = HistoryPanel(view, chat)
    sources_tab = SourcesPanel(assistant, chat)

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

    def load(conversation_id: str, request: gr.Request) -> tuple[Any, ...]:
        """A page (re)load: the page header and sources, and the conversation the browser
        had open (if it still exists for this owner)."""
        owner = view.owner(request)
        turns, conversation_id = view.open(owner, conversation_id)
        return (
            *sources_tab.refresh(turns),
            turns,
            conversation_id,
            view.sidebar(owner, conversation_id),
            *view.downloads(owner, conversation_id),
        )

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
            render_header(assistant),
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
                    render_conversation([], chat.welcome(docs)),
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
            event(chat.respond, [question, *answer_inputs], answer_outputs, **internal)
        conversation.example(chat.ask_example, answer_inputs, answer_outputs, **internal)
        new_chat_button.click(chat.new_chat, None, answer_outputs, **internal)
        history.open_conversation(past.open_conversation, None, opened, **internal)
        downloads = [download_md, download_docx]
        history.rename_conversation(
            past.rename_conversation, [conversation_id], [history, *downloads], **internal
        )
        history.delete_conversation(
            past.delete_conversation, [turns, conversation_id], opened, **internal
        )
        history.undo_delete(past.undo_delete, [conversation_id], [history], **internal)
        conversation.rate(chat.rate, [turns, conversation_id], [turns], **internal)
        conversation.cite(sources_tab.open_citation, None, [viewer, tabs, viewing], **internal)
        sources.open(sources_tab.open_citation, None, [viewer, tabs, viewing], **internal)
        upload.upload(
            sources_tab.add_files,
            [upload, turns, only],
            [report, header, conversation, sources, only, upload],
            show_progress_on=[upload],
            api_visibility="private",
        )
        library = [report, header, conversation, sources, only]
        sources.remove_doc(
            sources_tab.remove_document, [turns, only, viewing], [*library, viewer], **internal
        )
        sources.save_doc(sources_tab.save_document, [turns, only], library, **internal)
        conversation.widen(
            chat.ask_all, [turns, k, mode, conversation_id], [*answer_outputs, only], **internal
        )
        scope_bar.unscope(chat.unscope, [only], [only], **internal)
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
