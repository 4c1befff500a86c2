"""The analysts' web UI: a Gradio Blocks app around one shared `Assistant`.

The conversation, source cards, document viewer and sources list are `gr.HTML` built by
`assistant.serve.ui.render` (which escapes everything from documents and users). Clicks on
citations, examples and documents reach Python as custom events sent by small scripts
(`js_on_load`), so no document text is ever interpreted as markup or code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.ingest.loaders import SUPPORTED_SUFFIXES
from assistant.schema import AskResult, QuestionError
from assistant.serve.ui.render import (
    example_questions,
    render_conversation,
    render_document,
    render_document_placeholder,
    render_documents,
    render_index_report,
    render_missing_document,
    render_turn,
    render_welcome,
)
from assistant.service import Assistant

log = logging.getLogger(__name__)

Turns = list[dict[str, Any]]

# Clicks inside the conversation: example chips ask, citations open their passage.
CONVERSATION_JS = """
const scroller = () => element.closest('#conversation') || element;
element.addEventListener('click', (event) => {
  const example = event.target.closest('[data-example]');
  if (example) {
    trigger('example', {question: example.dataset.example});
    return;
  }
  const cite = event.target.closest('[data-source]');
  if (!cite) return;
  event.preventDefault();
  const card = document.getElementById(cite.dataset.card);
  if (card && cite.classList.contains('cite-ref')) {
    card.scrollIntoView({block: 'nearest'});
    card.classList.remove('flash');
    void card.offsetWidth;
    card.classList.add('flash');
  }
  trigger('cite', {
    source: cite.dataset.source,
    start: cite.dataset.start, end: cite.dataset.end,
    qs: cite.dataset.qs, qe: cite.dataset.qe,
  });
});
watch('value', () => {
  const box = scroller();
  const turns = element.querySelectorAll('.turn');
  const last = turns[turns.length - 1];
  if (!last) return;
  const top = last.getBoundingClientRect().top - box.getBoundingClientRect().top;
  box.scrollTop += Math.max(0, Math.min(top - 8, box.scrollHeight));
});
"""

# After the viewer gets a document, scroll its body so the highlighted quote is in view.
VIEWER_JS = """
const reveal = () => {
  const body = element.querySelector('.doc-body');
  const mark = element.querySelector('#doc-quote');
  if (!body) return;
  if (!mark) { body.scrollTop = 0; return; }
  body.scrollTop = mark.offsetTop - body.clientHeight / 3;
  const rect = element.getBoundingClientRect();
  if (rect.top < 0 || rect.top > window.innerHeight - 120) element.scrollIntoView({block: 'start'});
};
watch('value', () => { reveal(); setTimeout(reveal, 120); setTimeout(reveal, 400); });
"""

# A click on a document in the sources list opens it in the viewer.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const item = event.target.closest('[data-source]');
  if (item) trigger('open', {source: item.dataset.source});
});
"""

# Gradio's bundled Source Sans Pro SemiBold (600) is a 55-glyph subset, so bold text mixes
# fonts; a full Bold (700) face is registered and used for all emphasis instead.
CSS = """
@font-face { font-family: 'Source Sans Pro'; font-weight: 700; font-style: normal;
  src: url('static/fonts/SourceSansPro/SourceSansPro-Bold.woff2') format('woff2'); }
#ask, #clear { white-space: nowrap; font-weight: 700; }
.app-header { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap;
  padding: 4px 2px 10px; border-bottom: 1px solid var(--border-color-primary); }
.app-header h1 { font-size: 1.45rem; margin: 0; font-weight: 700; }
.app-header p { margin: 0; color: var(--body-text-color-subdued); }
#conversation { height: calc(100vh - 300px); min-height: 380px; overflow-y: auto !important;
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  background: var(--background-fill-secondary); }
.conversation { padding: 16px 18px 24px; display: flex; flex-direction: column; gap: 18px; }
.turn { display: flex; flex-direction: column; gap: 10px; }
.bubble { border-radius: 14px; padding: 10px 14px; line-height: 1.55; max-width: 100%;
  overflow-wrap: anywhere; white-space: pre-wrap; }
.bubble.user { align-self: flex-end; max-width: 85%; background: var(--color-accent);
  color: white; border-bottom-right-radius: 4px; }
.bubble.answer { align-self: flex-start; background: var(--background-fill-primary);
  border: 1px solid var(--border-color-primary); border-bottom-left-radius: 4px; }
.bubble.abstained { align-self: flex-start; background: var(--background-fill-primary);
  border: 1px dashed #b7791f; border-left: 4px solid #d69e2e; }
.abstain-head { font-weight: 700; color: #b7791f; margin-bottom: 4px; white-space: normal; }
.bubble.error { align-self: flex-start; border: 1px solid #e53e3e; color: #c53030;
  background: rgba(229, 62, 62, 0.06); }
.thinking { color: var(--body-text-color-subdued); font-style: italic; }
.streaming .cursor { display: inline-block; width: 7px; height: 1em; margin-left: 2px;
  vertical-align: text-bottom; background: var(--color-accent);
  animation: blink 1s steps(1) infinite; }
@keyframes blink { 50% { opacity: 0; } }
a.cite-ref { display: inline-block; min-width: 1.6em; padding: 0 5px; margin: 0 1px;
  border-radius: 6px; font-size: 0.8em; font-weight: 700; text-align: center;
  line-height: 1.5; text-decoration: none; vertical-align: 1px; cursor: pointer;
  color: var(--color-accent); background: var(--color-accent-soft);
  border: 1px solid var(--color-accent); }
a.cite-ref:hover { background: var(--color-accent); color: white; }
a.cite-ref.unsupported { color: #c53030; border-color: #c53030; background: rgba(229,62,62,.08); }
.claim-unsupported { background: rgba(229, 62, 62, 0.10); text-decoration: underline wavy #e53e3e;
  text-underline-offset: 3px; border-radius: 3px; }
.claim-unsupported .flag { font-size: 0.72em; font-weight: 700; text-transform: uppercase;
  color: #c53030; margin-left: 4px; letter-spacing: 0.03em; text-decoration: none; }
.verify-note { margin-top: 8px; font-size: 0.88em; color: #c53030; white-space: normal; }
.cards { display: flex; flex-direction: column; gap: 8px; }
.cards-label { font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.06em;
  color: var(--body-text-color-subdued); font-weight: 700; }
.cite-card { background: var(--background-fill-primary);
  border: 1px solid var(--border-color-primary); border-left: 4px solid var(--color-accent);
  border-radius: 10px; padding: 10px 12px; transition: box-shadow 0.3s; }
.cite-card.unsupported { border-left-color: #e53e3e; }
.cite-card.flash { animation: flash 1.6s ease-out; }
@keyframes flash { 0%, 40% { box-shadow: 0 0 0 3px var(--color-accent); }
  100% { box-shadow: none; } }
.card-head { display: flex; gap: 10px; align-items: flex-start; }
.card-n { flex: none; width: 1.7em; height: 1.7em; border-radius: 50%; display: grid;
  place-items: center; font-size: 0.8em; font-weight: 700; color: white;
  background: var(--color-accent); }
.unsupported .card-n { background: #e53e3e; }
.card-title { font-weight: 700; line-height: 1.35; }
.card-meta, .card-file, .doc-meta, .doc-item-meta, .muted { color: var(--body-text-color-subdued);
  font-size: 0.85em; }
.card-passage { margin: 8px 0 6px; padding: 8px 10px; font-size: 0.9em; line-height: 1.55;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 13em; overflow-y: auto;
  border-radius: 6px; background: var(--background-fill-secondary);
  color: var(--body-text-color-subdued); }
mark { background: rgba(250, 204, 21, 0.45); color: var(--body-text-color);
  border-radius: 3px; padding: 0 1px; }
.card-foot { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.card-file { font-family: var(--font-mono); font-size: 0.78em; }
.badge.bad { font-size: 0.78em; font-weight: 700; color: #c53030; border: 1px solid #e53e3e;
  border-radius: 999px; padding: 0 8px; }
button.open-doc { margin-left: auto; font-size: 0.85em; font-weight: 700; cursor: pointer;
  color: var(--color-accent); background: none; border: none; padding: 2px 4px; }
button.open-doc:hover { text-decoration: underline; }
.answer-details { font-size: 0.85em; color: var(--body-text-color-subdued); }
.answer-details summary { cursor: pointer; }
.answer-details table.kv { margin-top: 6px; border-collapse: collapse; }
.answer-details td { padding: 1px 14px 1px 0; }
.answer-details td:last-child { text-align: right; font-variant-numeric: tabular-nums; }
.rewritten { font-size: 0.82em; color: var(--body-text-color-subdued); margin-bottom: -4px; }
.welcome { margin: auto; max-width: 640px; padding: 28px 8px; text-align: center; }
.welcome h3 { margin: 0 0 8px; font-size: 1.2rem; font-weight: 700; }
.welcome p { color: var(--body-text-color-subdued); line-height: 1.55; }
.examples { display: flex; flex-wrap: wrap; gap: 8px; justify-content: center; margin-top: 14px; }
.examples > span { width: 100%; font-size: 0.85em; color: var(--body-text-color-subdued); }
button.example { cursor: pointer; border: 1px solid var(--border-color-primary);
  background: var(--background-fill-primary); color: var(--body-text-color);
  border-radius: 999px; padding: 6px 14px; font-size: 0.9em; text-align: left; }
button.example:hover { border-color: var(--color-accent); color: var(--color-accent); }
.doc-view { display: flex; flex-direction: column; gap: 8px; }
.doc-view.empty { display: block; color: var(--body-text-color-subdued); padding: 24px 6px;
  line-height: 1.6; }
.doc-title { font-weight: 700; font-size: 1.05rem; line-height: 1.35; }
.doc-body { position: relative; height: calc(100vh - 330px); min-height: 320px; overflow-y: auto;
  white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.6; font-size: 0.93em;
  padding: 12px 14px; border: 1px solid var(--border-color-primary); border-radius: 10px;
  background: var(--background-fill-secondary); }
.doc-passage { background: rgba(59, 130, 246, 0.10); border-radius: 3px; }
mark.doc-quote { outline: 2px solid rgba(217, 119, 6, 0.55); }
#sources { max-height: calc(100vh - 360px); overflow-y: auto !important; }
.doc-list { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column;
  gap: 6px; }
.doc-item { cursor: pointer; padding: 8px 10px; border-radius: 8px;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-primary); }
.doc-item:hover { border-color: var(--color-accent); }
.doc-item-title { font-weight: 700; line-height: 1.35; }
.index-report ul { margin: 4px 0 0; padding-left: 18px; }
.index-report li.ok { color: #2f855a; }
.index-report li.bad { color: #c53030; }
.index-report li.muted { color: var(--body-text-color-subdued); }
"""


def _header(assistant: Assistant) -> str:
    health = assistant.health()
    return (
        '<div class="app-header"><h1>Policy assistant</h1>'
        f"<p>Cited answers from {health['documents']} indexed documents "
        f"({health['chunks']} passages)</p></div>"
    )


def _history(turns: Turns) -> list[dict[str, str]]:
    """The conversation so far as chat messages; failed turns are left out."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        if turn.get("result"):
            messages += [
                {"role": "user", "content": turn["question"]},
                {"role": "assistant", "content": turn["result"]["answer"]},
            ]
    return messages


def _event_int(evt: gr.EventData, name: str) -> int:
    """An offset sent by the page script; anything unparsable counts as 0 (clamped later)."""
    try:
        return int(str(getattr(evt, name, 0)))
    except ValueError:
        return 0


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The Blocks app; every session has its own conversation and answer settings."""
    settings = assistant.settings
    llm_ready = bool(settings.llm_base_url or settings.llm_gguf_path)
    examples_cache: dict[tuple[str, ...], list[str]] = {}

    def welcome(docs: list[dict[str, Any]]) -> str:
        """Example questions from the indexed texts, recomputed only when documents change."""
        key = tuple(f"{d['source']}:{d.get('content_hash', '')}" for d in docs)
        if key not in examples_cache:
            texts = {d["source"]: assistant.document_text(d["source"]) or "" for d in docs}
            examples_cache.clear()
            examples_cache[key] = example_questions(docs, texts, settings.ui_examples)
        return render_welcome(docs, examples_cache[key])

    def filter_choices(docs: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(str(d.get("title") or d["source"]), d["source"]) for d in docs]

    def respond(
        question: str, turns: Turns, k: float, mode: str, only: list[str] | None
    ) -> Iterator[tuple[str, Turns, str]]:
        """Stream one answer into the conversation, then keep it in the session's turns."""
        question = (question or "").strip()
        intro = welcome(assistant.documents()) if not turns else ""
        if not question:
            yield "", turns, render_conversation(turns, intro)
            return
        index = len(turns)
        yield "", turns, render_conversation(turns, intro, render_turn(index, question))
        turn: dict[str, Any] = {"question": question}
        text = ""
        try:
            for piece in assistant.stream(
                question, _history(turns), k=int(k), mode=mode, sources=only or None
            ):
                if isinstance(piece, AskResult):
                    turn["result"] = piece.model_dump()
                else:
                    text += piece
                    pending = render_turn(index, question, partial=text)
                    yield "", turns, render_conversation(turns, intro, pending)
        except QuestionError as error:
            turn["error"] = f"Cannot answer: {error.message}"
        except Exception:
            log.exception("answering %r failed", question)
            turn["error"] = "Something went wrong while answering; the error is in the server log."
        if "result" not in turn and "error" not in turn:
            turn["error"] = "No answer was produced."
        turns = [*turns, turn]
        yield "", turns, render_conversation(turns, intro)

    def ask_example(
        turns: Turns, k: float, mode: str, only: list[str] | None, evt: gr.EventData
    ) -> Iterator[tuple[str, Turns, str]]:
        yield from respond(str(getattr(evt, "question", "")), turns, k, mode, only)

    def clear() -> tuple[str, Turns, str]:
        return "", [], render_conversation([], welcome(assistant.documents()))

    def open_citation(evt: gr.EventData) -> tuple[str, Any]:
        """Show the cited document with its passage shaded and the quote highlighted."""
        source = str(getattr(evt, "source", ""))
        text = assistant.document_text(source)
        if text is None:
            return render_missing_document(source), gr.Tabs(selected="document")
        meta = next((d for d in assistant.documents() if d["source"] == source), {})
        span = quote = None
        if hasattr(evt, "start"):  # a citation, not a click in the sources list
            span = (_event_int(evt, "start"), _event_int(evt, "end"))
            quote = (_event_int(evt, "qs"), _event_int(evt, "qe"))
        return render_document(source, text, meta, span, quote), gr.Tabs(selected="document")

    def refresh(turns: Turns) -> tuple[str, str, str, Any]:
        docs = assistant.documents()
        return (
            _header(assistant),
            render_conversation(turns, welcome(docs)),
            render_documents(docs),
            gr.Dropdown(choices=filter_choices(docs)),
        )

    def add_files(
        files: list[str] | None,
        turns: Turns,
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
        header, conversation, sources, dropdown = refresh(turns)
        return render_index_report(report, rejected), header, conversation, sources, dropdown, None

    docs = assistant.documents()
    mode_choices = [("Extractive: quotes the passages", "extractive")]
    if llm_ready:
        mode_choices.append((f"LLM: {settings.llm_model}", "llm"))
    with gr.Blocks(title="Policy assistant", analytics_enabled=False) as ui:
        turns = gr.State([])
        header = gr.HTML(
            _header(assistant),
            head=f"<style>{CSS}</style>",
            js_on_load=None,
            apply_default_css=False,
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                conversation = gr.HTML(
                    render_conversation([], welcome(docs)),
                    elem_id="conversation",
                    js_on_load=CONVERSATION_JS,
                    apply_default_css=False,
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        placeholder="Ask a question about the documents…",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        scale=6,
                        autofocus=True,
                        elem_id="question",
                    )
                    ask = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="ask")
                    clear_button = gr.Button("Clear chat", scale=0, min_width=120, elem_id="clear")
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
                            info=None
                            if llm_ready
                            else "LLM answers need ASSISTANT_LLM_BASE_URL or "
                            "ASSISTANT_LLM_GGUF_PATH on the server.",
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
                        label="Add documents: "
                        + ", ".join(SUPPORTED_SUFFIXES)
                        + f", up to {settings.max_upload_mb:g} MB each",
                        file_count="multiple",
                        height=150,
                        elem_id="upload",
                    )
                    report = gr.HTML(elem_id="index-report", apply_default_css=False)
                    sources = gr.HTML(
                        render_documents(docs),
                        elem_id="sources",
                        js_on_load=SOURCES_JS,
                        apply_default_css=False,
                    )

        answer_inputs = [turns, k, mode, only]
        answer_outputs = [question, turns, conversation]
        for event in (question.submit, ask.click):
            event(respond, [question, *answer_inputs], answer_outputs, show_progress="hidden")
        conversation.example(ask_example, answer_inputs, answer_outputs, show_progress="hidden")
        clear_button.click(clear, None, answer_outputs, show_progress="hidden")
        conversation.cite(open_citation, None, [viewer, tabs], show_progress="hidden")
        sources.open(open_citation, None, [viewer, tabs], show_progress="hidden")
        upload.upload(
            add_files,
            [upload, turns],
            [report, header, conversation, sources, only, upload],
            show_progress_on=[upload],
        )
        ui.load(refresh, [turns], [header, conversation, sources, only], show_progress="hidden")
    return ui
