"""The conversation panel: the first screen, asking (streamed), example chips, asking again
over all documents, the scope chips, New chat and ratings; and what showing any
conversation updates, which the history panel uses too."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.schema import AskResult, QuestionError
from assistant.serve.ui.examples import example_questions, topics
from assistant.serve.ui.panels.common import Turns, event_int, event_str
from assistant.serve.ui.render import render_conversation, render_turn, render_welcome
from assistant.serve.ui.scope import scope_of
from assistant.serve.ui.workspace import WorkspaceView
from assistant.service import Assistant
from assistant.workspace.models import ConversationInfo

log = logging.getLogger(__name__)

NEW_CHAT = "new"  # the id a new chat has in the browser until its first answer is kept


class ConversationPanel:
    """Handlers of the conversation column, for one shared `Assistant` and workspace."""

    def __init__(self, assistant: Assistant, view: WorkspaceView) -> None:
        self.assistant = assistant
        self.view = view
        self._examples: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}

    def welcome(self, docs: list[dict[str, Any]]) -> str:
        """The documents, their topics and example questions from the indexed texts,
        recomputed only when documents change."""
        key = tuple(f"{d['source']}:{d.get('content_hash', '')}:{d.get('title')}" for d in docs)
        if key not in self._examples:
            texts = {d["source"]: self.assistant.document_text(d["source"]) or "" for d in docs}
            self._examples.clear()
            self._examples[key] = (
                example_questions(docs, texts, self.assistant.settings.ui_examples),
                topics(docs, texts),
            )
        examples, about = self._examples[key]
        return render_welcome(docs, examples, about)

    @staticmethod
    def gone(turns: Turns, docs: list[dict[str, Any]]) -> set[str]:
        """Documents the turns cite that are no longer in the library `docs`."""
        cited = {
            str(c.get("source"))
            for turn in turns
            for c in (turn.get("result") or {}).get("citations", [])
        }
        return cited - {d["source"] for d in docs}

    def render(self, turns: Turns, docs: list[dict[str, Any]]) -> str:
        """The conversation as the library `docs` stands now."""
        intro = "" if turns else self.welcome(docs)
        return render_conversation(turns, intro, deleted=self.gone(turns, docs))

    def shown(
        self,
        owner: str,
        turns: Turns,
        conversation_id: str,
        deleted: ConversationInfo | None = None,
    ) -> tuple[Any, ...]:
        """What showing a conversation updates: turns, conversation, its id, the history
        sidebar and both downloads (`opened` in `build_ui`)."""
        return (
            turns,
            self.render(turns, self.assistant.documents()),
            conversation_id,
            self.view.sidebar(owner, conversation_id, deleted),
            *self.view.downloads(owner, conversation_id),
        )

    def respond(
        self,
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
        view = self.view
        owner = view.owner(request)
        unchanged = (gr.skip(),) * 4  # conversation id, sidebar and downloads
        question = (question or "").strip()
        docs = self.assistant.documents()
        intro = self.welcome(docs) if not turns else ""
        missing = self.gone(turns, docs)  # the earlier turns' cards keep saying so meanwhile
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
            for piece in self.assistant.stream(
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
        yield "", *self.shown(owner, [*turns, turn], conversation_id)

    def ask_example(
        self,
        turns: Turns,
        k: float,
        mode: str,
        only: list[str] | None,
        conversation_id: str,
        request: gr.Request,
        evt: gr.EventData,
    ) -> Iterator[tuple[Any, ...]]:
        question = event_str(evt, "question")
        yield from self.respond(question, turns, k, mode, only, conversation_id, request)

    def ask_all(
        self,
        turns: Turns,
        k: float,
        mode: str,
        conversation_id: str,
        request: gr.Request,
        evt: gr.EventData,
    ) -> Iterator[tuple[Any, ...]]:
        """Ask a question refused under a filter again over all documents, clearing the filter."""
        cleared: Any = gr.Dropdown(value=[])
        question = event_str(evt, "question")
        for update in self.respond(question, turns, k, mode, None, conversation_id, request):
            yield (*update, cleared)
            cleared = gr.skip()  # once is enough

    @staticmethod
    def unscope(only: list[str] | None, evt: gr.EventData) -> Any:
        """A chip's remove button: that document leaves the filter ("*": all of them do)."""
        source = event_str(evt, "source")
        return gr.Dropdown(value=[] if source == "*" else [s for s in only or [] if s != source])

    def new_chat(self, request: gr.Request) -> tuple[Any, ...]:
        """An empty conversation; the current one stays in the history. Its id is NEW_CHAT,
        not "": the browser keeps no empty value, so a reload would reopen the previous one."""
        return "", *self.shown(self.view.owner(request), [], NEW_CHAT)

    def rate(
        self, turns: Turns, conversation_id: str, evt: gr.EventData, request: gr.Request
    ) -> Turns:
        """A thumb or a comment under an answer: stored as the rating of that turn."""
        return self.view.rate(
            self.view.owner(request),
            conversation_id,
            turns,
            event_int(evt, "n"),
            event_str(evt, "rating"),
            event_str(evt, "comment"),
        )
