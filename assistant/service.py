"""`Assistant`: the one object the CLI, the UI, the HTTP API and Python callers share."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document

from assistant.answering import ExtractiveAnswerer
from assistant.index_report import IndexReport
from assistant.indexer import Indexer, open_store
from assistant.lexical import LexicalIndex
from assistant.loaders import LoadError, SkippedFile, load_file, read_corpus_metadata
from assistant.models import AskResult, ChatMessage
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.llm import LLMAnswerer


class QuestionError(ValueError):
    """A question or request field that cannot be answered; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _chain_input(
    question: str,
    history: Sequence[ChatMessage | dict[str, str]],
    k: int | None,
    mode: str | None,
    sources: Sequence[str] | None,
) -> dict[str, Any]:
    """The chain's input dict, the same for a one-shot answer and a streamed one."""
    return {
        "question": question,
        "history": list(history),
        "k": k,
        "mode": mode,
        "sources": list(sources) if sources else None,
    }


class Assistant:
    """Ask questions with citations, list and add documents. Safe to share between threads."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.store, self.embeddings = open_store(self.settings)
        self.lexical = LexicalIndex(self.store)
        self.retriever = HybridRetriever(
            store=self.store,
            embeddings=self.embeddings,
            lexical=self.lexical,
            settings=self.settings,
        )
        self.extractive = ExtractiveAnswerer(self.lexical, self.settings.max_answer_sentences)
        self._chain: Any = None

    @cached_property
    def chat_model(self) -> BaseChatModel | None:
        """The configured LLM (loaded on first use), or None."""
        from assistant.llm import make_chat_model

        return make_chat_model(self.settings)

    @cached_property
    def llm_answerer(self) -> LLMAnswerer:
        from assistant.llm import LLMAnswerer

        if self.chat_model is None:
            raise QuestionError("mode", "no LLM is configured")
        return LLMAnswerer(self.chat_model, self.settings)

    def retrieve(
        self, query: str, k: int | None = None, sources: Sequence[str] | None = None
    ) -> list[Document]:
        """Ranked passages for a query (no answering); metadata carries ids, offsets, scores."""
        return self.retriever.invoke(query, k=k, sources=list(sources) if sources else None)

    # --- asking --------------------------------------------------------------------------

    @property
    def chain(self):
        """The LCEL Runnable: {"question", "history"?, "k"?, "mode"?, "sources"?} -> AskResult."""
        if self._chain is None:
            from assistant.chain import build_chain

            self._chain = build_chain(self)
        return self._chain

    def validate_question(self, question: object) -> str:
        if not isinstance(question, str):
            raise QuestionError("question", "must be a string")
        if not question.strip():
            raise QuestionError("question", "is empty")
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(
                "question",
                f"is {len(question)} characters; the limit is {self.settings.max_question_chars}",
            )
        return question.strip()

    def ask(
        self,
        question: str,
        history: Sequence[ChatMessage | dict[str, str]] = (),
        k: int | None = None,
        mode: str | None = None,
        sources: Sequence[str] | None = None,
    ) -> AskResult:
        """Answer one question (with the conversation so far) with citations, or abstain."""
        return self.chain.invoke(_chain_input(question, history, k, mode, sources))

    def stream(
        self,
        question: str,
        history: Sequence[ChatMessage | dict[str, str]] = (),
        k: int | None = None,
        mode: str | None = None,
        sources: Sequence[str] | None = None,
    ) -> Iterator[str | AskResult]:
        """Yield the answer text in pieces (str) as it is produced, then the final AskResult."""
        from assistant.chain import stream_answer

        yield from stream_answer(self, _chain_input(question, history, k, mode, sources))

    # --- documents -----------------------------------------------------------------------

    def documents(self) -> list[dict[str, Any]]:
        """Indexed documents: source, title, publisher, published, chunks, tokens."""
        records = self.store.document_records()
        return [
            {"source": source, **{k: v for k, v in record.metadata.items() if k != "pipeline"}}
            for source, record in sorted(records.items())
        ]

    def document_text(self, source: str) -> str | None:
        return self.store.document_text(source)

    def add_documents(
        self,
        files: Sequence[Path],
        on_progress: Callable[[float, str], None] | None = None,
    ) -> IndexReport:
        """Copy files into the corpus folder and index just those; bad files are reported."""
        corpus = self.settings.corpus_dir
        corpus.mkdir(parents=True, exist_ok=True)
        metadata = read_corpus_metadata(corpus)
        rejected: list[SkippedFile] = []
        targets: list[Path] = []
        for file in map(Path, files):
            try:  # check before copying, so a bad upload never replaces a good file
                load_file(
                    file, file.name, metadata.get(file.name, {}), self.settings.max_file_bytes
                )
            except LoadError as error:
                rejected.append(SkippedFile(file.name, str(error)))
                continue
            target = corpus / file.name
            if file.resolve() != target.resolve():
                shutil.copyfile(file, target)
            targets.append(target)
        indexer = Indexer(self.settings, self.store, self.embeddings, progress=False)
        report = indexer.run(paths=targets, on_progress=on_progress)
        report.skipped = rejected + report.skipped
        return report

    def health(self) -> dict[str, Any]:
        records = self.store.document_records()
        return {
            "index": self.store.location,
            "documents": len(records),
            "chunks": self.store.chunks.count(),
            "embedding_model": self.settings.embedding_model,
            "answer_mode": self.settings.answer_mode,
        }
