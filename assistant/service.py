"""`Assistant`: the one object the CLI, the UI, the HTTP API and Python callers share.

It builds the stages from the settings (store, retriever, answerers), hands them to the
chain as `ChainComponents`, and manages documents. It holds no answering logic itself.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document

from assistant.answer.base import AnswerPiece
from assistant.answer.extractive.answerer import ExtractiveAnswerer
from assistant.answer.extractive.sentence_model import SentenceModel
from assistant.chain import AnswerChain, AnswerMode, ChainComponents
from assistant.config import Settings, get_settings
from assistant.ingest.document import LoadError, SkippedFile
from assistant.ingest.loaders import load_file
from assistant.ingest.report import IndexReport
from assistant.ingest.sources_file import (
    MetadataFileError,
    forget_document_metadata,
    read_corpus_metadata,
    write_document_metadata,
)
from assistant.retrieve.condense import LLMCondenser, Rarity, RuleCondenser
from assistant.retrieve.hybrid import HybridRetriever
from assistant.schema import AskResult, ChatMessage, DocumentError
from assistant.store.bm25 import LexicalIndex
from assistant.store.chroma import open_store
from assistant.store.embeddings import SentenceTransformerEmbeddings

if TYPE_CHECKING:
    from assistant.ingest.indexer import Indexer

History = Sequence[ChatMessage | dict[str, str]]


def _chain_input(
    question: str,
    history: History,
    k: int | None,
    mode: str | None,
    sources: Sequence[str] | None,
) -> dict[str, Any]:
    """The chain's input, the same for a one-shot answer and a streamed one."""
    return {
        "question": question,
        "history": list(history),
        "k": k,
        "mode": mode,
        "sources": list(sources) if sources else None,
    }


def place_file(source: Path, target: Path) -> None:
    """Copy `source` to `target` through a temporary file and a rename, so a symlink at
    `target` is replaced, never written through (its target may be outside the corpus)."""
    if source.resolve() == target.resolve() and not target.is_symlink():
        return
    handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as data:
            shutil.copyfileobj(data, out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Assistant:
    """Ask questions with citations, list and add documents. Safe to share between threads."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._upload_lock = threading.Lock()
        self.store, self.embeddings = open_store(self.settings)
        self.lexical = LexicalIndex(self.store)
        self.retriever = HybridRetriever(
            store=self.store,
            embeddings=self.embeddings,
            lexical=self.lexical,
            settings=self.settings,
        )
        weights = self.settings.answerer
        models = self.settings.sentence_model_file, self.settings.answerability_model_file
        self.extractive = ExtractiveAnswerer(
            self.lexical,
            self.settings.max_answer_sentences,
            weights,
            *(
                SentenceModel.from_json(path.read_text(encoding="utf-8")) if path else None
                for path in models
            ),
        )
        rarity = Rarity(weights.distinctive_max_zipf, weights.naming_word_max_zipf)
        rules = RuleCondenser(weights.max_follow_up_words, rarity)
        modes = {"extractive": AnswerMode(rules, self.extractive)}
        if self.settings.llm_base_url or self.settings.llm_gguf_path:
            # Imported only when configured: langchain's chat-model modules are a cold
            # `ask`'s largest import after the model's and Chroma's.
            from assistant.answer.llm import LLMAnswerer

            self.llm_answerer = LLMAnswerer(self.settings)
            condenser = LLMCondenser(
                lambda: self.llm_answerer.llm, rules, weights.condense_history_messages
            )
            modes["llm"] = AnswerMode(condenser, self.llm_answerer)
        self.chain = AnswerChain(
            ChainComponents(
                retriever=self.retriever,
                modes=modes,
                default_mode=self.settings.answer_mode,
                max_question_chars=self.settings.max_question_chars,
                analyst_k=self.settings.analyst_top_k,
            )
        )

    def _indexer(self) -> Indexer:
        """The indexer for uploads and removals (imported on first use, as asking needs
        none of indexing's modules)."""
        from assistant.ingest.indexer import Indexer

        return Indexer(self.settings, self.store, self._indexing_model, progress=False)

    @cached_property
    def _indexing_model(self) -> SentenceTransformerEmbeddings:
        """A model instance of its own for uploads: embedding a large file holds its
        instance's lock for the whole batch, and questions must not wait for that."""
        return SentenceTransformerEmbeddings(
            self.settings.embedding_model,
            self.settings.embedding_batch_size,
            backend=self.settings.embedding_backend,
            onnx_cache_dir=self.settings.onnx_export_dir,
        )

    @property
    def llm_configured(self) -> bool:
        return "llm" in self.chain.components.modes

    def retrieve(
        self, query: str, k: int | None = None, sources: Sequence[str] | None = None
    ) -> list[Document]:
        """Ranked passages for a query (no answering); metadata carries ids, offsets, scores."""
        return self.retriever.invoke(query, k=k, sources=list(sources) if sources else None)

    # --- asking --------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: History = (),
        k: int | None = None,
        mode: str | None = None,
        sources: Sequence[str] | None = None,
    ) -> AskResult:
        """Answer one question (with the conversation so far) with citations, or abstain."""
        return self.chain.invoke(_chain_input(question, history, k, mode, sources))

    def stream(
        self,
        question: str,
        history: History = (),
        k: int | None = None,
        mode: str | None = None,
        sources: Sequence[str] | None = None,
    ) -> Iterator[AnswerPiece]:
        """Yield the answer text in pieces (str) as it is produced, then the final AskResult."""
        return self.chain.stream(_chain_input(question, history, k, mode, sources))

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
        metadata, _ = read_corpus_metadata(corpus)  # its problems are reported by indexing
        rejected: list[SkippedFile] = []
        targets: list[tuple[Path, Path]] = []
        for file in map(Path, files):
            try:  # check before copying, so a bad upload never replaces a good file
                load_file(file, file.name, metadata.get(file.name, {}), self.settings.load_limits)
            except LoadError as error:
                rejected.append(SkippedFile(file.name, str(error)))
                continue
            targets.append((file, corpus / file.name))
        with self._upload_lock:  # uploads apply in order, each reported as it was indexed
            for file, target in targets:
                place_file(file, target)
            report = self._indexer().run(
                paths=[target for _, target in targets], on_progress=on_progress
            )
        report.skipped = rejected + report.skipped
        return report

    def _corpus_file(self, source: str) -> Path:
        """The corpus file of an indexed document; anything else (an unknown name, a path
        leading out of the corpus folder) is a DocumentError, checked before any change."""
        corpus = self.settings.corpus_dir.resolve()
        target = corpus / source
        if Path(source).is_absolute() or ".." in Path(source).parts or not source.strip():
            raise DocumentError(source, "not a path inside the corpus folder")
        if not target.parent.resolve().is_relative_to(corpus):
            raise DocumentError(source, "not a path inside the corpus folder")
        if source not in self.store.document_records():
            raise DocumentError(source, "no indexed document of that name", missing=True)
        return target

    def remove_document(self, source: str) -> int:
        """Delete a document's file from the corpus folder (a link, not what it points to),
        its metadata entry and its chunks; returns how many chunks went."""
        target = self._corpus_file(source)
        with self._upload_lock:
            if target.is_symlink() or target.is_file():
                target.unlink()
            forget_document_metadata(self.settings.corpus_dir, source)
            return self._indexer().remove(source)

    def update_document_metadata(self, source: str, fields: dict[str, str]) -> IndexReport:
        """Write title, publisher or date to `sources.toml` and re-index the document."""
        target = self._corpus_file(source)
        if not target.is_file():
            raise DocumentError(source, "its file is no longer in the corpus folder", missing=True)
        with self._upload_lock:
            try:
                write_document_metadata(self.settings.corpus_dir, source, fields)
            except MetadataFileError as error:
                raise DocumentError(source, str(error)) from None
            return self._indexer().run(paths=[target])

    def health(self) -> dict[str, Any]:
        records = self.store.document_records()
        return {
            "index": self.store.location,
            "documents": len(records),
            "chunks": self.store.chunks.count(),
            "embedding_model": self.settings.embedding_model,
            "answer_mode": self.settings.answer_mode,
        }
