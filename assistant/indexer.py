"""Incremental indexing: content hashes decide what is embedded, written per document.

Each document is written in an order that keeps the previous index usable if a run is
interrupted: its record is first marked pending, new chunks are upserted, stale chunks are
deleted, and only then is the record marked ready with the new hash. A rerun redoes any
document that is not ready.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.chunking import Chunk, ChunkSizes, chunk_text
from assistant.embeddings import SentenceTransformerEmbeddings, get_embeddings
from assistant.loaders import LoadedDocument, SkippedFile, list_corpus_files, load_corpus
from assistant.settings import Settings
from assistant.store import Store


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_removed: int = 0
    tokens_embedded: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        lines = [
            f"Indexed in {self.seconds:.1f} s: {len(self.added)} added, {len(self.updated)} "
            f"updated, {len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.skipped)} skipped.",
            f"Chunks: {self.chunks_total} in the index, {self.chunks_embedded} embedded "
            f"({self.tokens_embedded} tokens), {self.chunks_removed} removed.",
        ]
        if not self.changed and not self.skipped:
            lines.append("Nothing to do: the index is up to date.")
        lines += [f"Skipped {s.source}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)


def pipeline_signature(settings: Settings) -> str:
    """Changes when chunking or the model changes, so such a change re-indexes every file."""
    parts = (
        settings.embedding_model,
        settings.chunk_tokens,
        settings.chunk_overlap_tokens,
        settings.min_chunk_tokens,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def chunk_metadata(document: LoadedDocument, chunk: Chunk) -> dict[str, str | int]:
    return {
        "source": chunk.source,
        "title": document.title,
        "publisher": document.metadata.get("publisher", ""),
        "published": document.metadata.get("published", ""),
        "ordinal": chunk.ordinal,
        "start": chunk.start,
        "end": chunk.end,
        "tokens": chunk.tokens,
    }


def open_store(
    settings: Settings, rebuild: bool = False
) -> tuple[Store, SentenceTransformerEmbeddings]:
    """The store for these settings; `rebuild` empties it first (and allows a model change)."""
    embeddings = get_embeddings(settings.embedding_model, settings.embedding_batch_size)
    return Store(settings, embeddings, rebuild), embeddings


class Indexer:
    """Brings the store in line with a folder of documents."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        embeddings: SentenceTransformerEmbeddings,
        progress: bool = True,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embeddings = embeddings
        self.progress = progress
        self.sizes = ChunkSizes(
            settings.chunk_tokens, settings.chunk_overlap_tokens, settings.min_chunk_tokens
        )

    def run(
        self,
        corpus_dir: Path | None = None,
        paths: list[Path] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
    ) -> IndexReport:
        """Index the corpus; with `paths`, only those files are looked at and none removed."""
        started = time.perf_counter()
        corpus = corpus_dir or self.settings.corpus_dir
        report = IndexReport()
        with self.store.write_lock:
            files = paths if paths is not None else list_corpus_files(corpus)
            records = self.store.document_records()
            pipeline = pipeline_signature(self.settings)
            pending: list[tuple[LoadedDocument, list[Chunk], bool]] = []
            loaded = load_corpus(corpus, self.settings.max_file_bytes, files)
            for item in tqdm(
                loaded, total=len(files), desc="Files", unit="file", disable=not self.progress
            ):
                if isinstance(item, SkippedFile):
                    report.skipped.append(item)
                    continue
                record = records.get(item.source)
                if (
                    record
                    and record.ready
                    and (record.content_hash, record.pipeline) == (item.content_hash, pipeline)
                ):
                    report.unchanged.append(item.source)
                    continue
                pending.append((item, chunk_text(item.source, item.text, self.sizes), bool(record)))
            self._write(pending, pipeline, report, on_progress)
            if paths is None:
                on_disk = {path.relative_to(corpus).as_posix() for path in files}
                for source in sorted(set(records) - on_disk):
                    report.chunks_removed += self.store.delete_document(source)
                    report.removed.append(source)
            if report.changed:
                self.store.bump_generation()
            report.chunks_total = self.store.chunks.count()
        report.seconds = time.perf_counter() - started
        return report

    def _write(
        self,
        pending: list[tuple[LoadedDocument, list[Chunk], bool]],
        pipeline: str,
        report: IndexReport,
        on_progress: Callable[[float, str], None] | None,
    ) -> None:
        total = sum(len(chunks) for _, chunks, _ in pending)
        bar = tqdm(total=total, desc="Chunks", unit="chunk", disable=not self.progress)
        done = 0
        for document, chunks, existed in pending:
            ids = [chunk.id for chunk in chunks]
            reused = self.store.existing_embeddings(ids)
            fresh = [chunk for chunk in chunks if chunk.id not in reused]
            title_vector, *fresh_vectors = self.embeddings.embed_documents(
                [document.title] + [chunk.text for chunk in fresh]
            )
            vectors = {**reused, **dict(zip([c.id for c in fresh], fresh_vectors, strict=True))}
            base = {**document.metadata, "content_hash": document.content_hash}
            self.store.upsert_document(
                document.source, document.text, {**base, "status": "pending"}, title_vector
            )
            self.store.upsert_chunks(
                ids,
                [chunk.text for chunk in chunks],
                [chunk_metadata(document, chunk) for chunk in chunks],
                [vectors[cid] for cid in ids],
            )
            stale = set(self.store.chunk_ids_of(document.source)) - set(ids)
            self.store.delete_chunks(sorted(stale))
            self.store.upsert_document(
                document.source,
                document.text,
                {
                    **base,
                    "pipeline": pipeline,
                    "status": "ready",
                    "chunks": len(chunks),
                    "tokens": sum(chunk.tokens for chunk in chunks),
                },
                title_vector,
            )
            (report.updated if existed else report.added).append(document.source)
            report.chunks_embedded += len(fresh)
            report.chunks_removed += len(stale)
            report.tokens_embedded += sum(chunk.tokens for chunk in fresh)
            done += len(chunks)
            bar.update(len(chunks))
            if on_progress and total:
                on_progress(done / total, document.source)
        bar.close()
