"""Incremental indexing: content hashes decide what is embedded, written per group.

New chunks of several documents are embedded in one model call, so the model batches texts
of similar length, and written together, in an order that keeps the previous index usable
if a run is interrupted: the group's records are first marked pending, new chunks are
upserted, stale chunks are deleted, and only then are the records marked ready with their
new hashes. A rerun redoes any document that is not ready. (Chroma calls cost per call as
well as per row: one document at a time, the writes took a fifth of an indexing run.)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.config import Settings
from assistant.ingest import manifest
from assistant.ingest.chunking import Chunk, ChunkSizes, chunk_text
from assistant.ingest.document import LoadedDocument, SkippedFile
from assistant.ingest.embedding_input import embedding_input, pipeline_signature, vector_id
from assistant.ingest.loaders import load_corpus
from assistant.ingest.report import IndexReport
from assistant.ingest.site_furniture import drop_site_furniture
from assistant.store.chroma import Store
from assistant.store.embeddings import SentenceTransformerEmbeddings
from assistant.store.sentence_vectors import encode_sentence_vectors
from assistant.text.document_heading import IDENTITY_FIELDS
from assistant.text.sentences import Span, decode_spans, encode_spans, passage_sentences


def chunk_metadata(document: LoadedDocument, chunk: Chunk, pipeline: str) -> dict[str, str | int]:
    return {
        "source": chunk.source,
        "vector_id": vector_id(embedding_input(document, chunk)),
        "section": chunk.section,
        "kind": chunk.kind,
        "page": chunk.pages[0] if chunk.pages else 0,
        "page_end": chunk.pages[1] if chunk.pages else 0,
        "paragraphs": encode_spans(chunk.paragraphs),
        "block_kinds": ",".join(chunk.block_kinds),
        "pipeline": pipeline,
        "title": document.title,
        "author": document.metadata.get("author", ""),
        "publisher": document.metadata.get("publisher", ""),
        "published": document.metadata.get("published", ""),
        "site": document.metadata.get("site", ""),
        "ordinal": chunk.ordinal,
        "start": chunk.start,
        "end": chunk.end,
        "tokens": chunk.tokens,
    }


def sentence_spans_of(chunk: Chunk) -> list[Span]:
    """The chunk's sentences as the answerer will split them: read from the paragraphs and
    block kinds as they are stored, so both sides see the same spans."""
    paragraphs = decode_spans(encode_spans(chunk.paragraphs))
    kinds = ",".join(chunk.block_kinds).split(",")
    return [span for span, _ in passage_sentences(chunk.text, paragraphs, kinds, chunk.kind)]


@dataclass(frozen=True)
class _Vectors:
    """An embedding input's vector and its sentences' vectors (encoded for the store)."""

    vector: list[float]
    sentences: str


@dataclass
class _Embedded:
    """One document ready to write: its chunks, which of them are new, and all vectors."""

    document: LoadedDocument
    chunks: list[Chunk]
    existed: bool
    fresh: list[Chunk]
    vectors: dict[str, _Vectors]  # by chunk id
    title_vector: list[float]


class Indexer:
    """Brings the store in line with a folder of documents."""

    # Chunks per embedding call. The model sorts a call's texts by length, so a larger call
    # pads its batches less: at 512 the model took 106.9 s inside the pipeline against 91.6 s
    # alone on the same Debian texts (pipeline 80-84% of the model); at 2048, 90.4 s against
    # 90.4 s (92%). A group's texts and vectors are a few MB, and a group is the work an
    # interrupted run redoes.
    embed_group_chunks = 2048

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
        """Index the corpus; with `paths`, only those files are looked at and none removed.

        Over the whole corpus, the manifest's survey (a stat per file) decides which files
        are read at all; a file known as recorded and stored whole is unchanged unread."""
        started = time.perf_counter()
        corpus = corpus_dir or self.settings.corpus_dir
        report = IndexReport()
        with self.store.write_lock:
            # Taken before any file is read, so an edit made during the run shows next time.
            surveyed = manifest.survey(self.settings, corpus) if paths is None else None
            manifest.forget(self.settings)
            if not self.store.staging:
                report.staging_dropped = self.store.drop_staging()
            records = self.store.document_records()
            pipeline = pipeline_signature(self.settings)
            states: dict[str, manifest.FileState] = {}
            files = paths or []
            if surveyed is not None:
                stored = {
                    source: record.content_hash
                    for source, record in records.items()
                    if record.ready and record.pipeline == pipeline
                }
                files = surveyed.to_extract(stored)
                report.skipped += surveyed.passed_over
                read = {path.relative_to(corpus).as_posix() for path in files}
                states = {s: st for s, st in surveyed.known.items() if s not in read}
                for source, state in states.items():
                    if state.skipped:
                        report.skipped.append(SkippedFile(source, state.skipped))
                    else:
                        report.unchanged.append(source)
            pending: list[tuple[LoadedDocument, list[Chunk], bool]] = []
            repipelined = False  # some file is written again under a new pipeline
            loaded = tqdm(
                load_corpus(corpus, self.settings.load_limits, files),
                total=len(files),
                desc="Files",
                unit="file",
                disable=not self.progress,
            )
            for item in drop_site_furniture(list(loaded)):
                if surveyed and (state := surveyed.outcome(item)):
                    states[item.source] = state
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
                repipelined |= record is not None and record.pipeline != pipeline
                pending.append(
                    (
                        item,
                        chunk_text(item.source, item.text, self.sizes, item.blocks or None),
                        bool(record),
                    )
                )
            gone = sorted(set(records) - set(surveyed.sources)) if surveyed else []
            if pending or gone:  # moved before writing too: no cache outlives a run cut short
                self.store.bump_generation()
            self._write(pending, pipeline, report, on_progress)
            for source in gone:
                report.chunks_removed += self.store.delete_document(source)
                report.removed.append(source)
            if repipelined:
                # Once per pipeline change, when every file is written again anyway: a store
                # from before chunks rewritten under a new vector let their old one go.
                self.store.delete_orphan_vectors()
            if report.changed:
                self.store.bump_generation()
            self.store.publish()
            report.chunks_total = self.store.chunks.count()
            if surveyed is not None:
                manifest.record(self.settings, surveyed, states, report.chunks_total)
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, source: str) -> int:
        """Take one document and its chunks out of the index; returns how many chunks went."""
        with self.store.write_lock:
            manifest.forget(self.settings)
            self.store.bump_generation()  # before and after, as in `run`
            removed = self.store.delete_document(source)
            self.store.bump_generation()
        return removed

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
        inputs = Counter(
            text
            for document, chunks, _ in pending
            for text in [document.title, *(embedding_input(document, c) for c in chunks)]
        )
        repeated: dict[str, _Vectors | None] = {
            text: None for text, count in inputs.items() if count > 1
        }
        for group in _groups(pending, self.embed_group_chunks):
            embedded = self._embed(group, pipeline, repeated)
            base = {
                item.document.source: {
                    **item.document.metadata,
                    "content_hash": item.document.content_hash,
                }
                for item in embedded
            }
            self.store.upsert_documents(
                [
                    (
                        item.document.source,
                        item.document.text,
                        {**base[item.document.source], "status": "pending"},
                        item.title_vector,
                    )
                    for item in embedded
                ]
            )
            chunks = [(item.document, chunk) for item in embedded for chunk in item.chunks]
            self.store.upsert_chunks(
                [chunk.id for _, chunk in chunks],
                [chunk.text for _, chunk in chunks],
                [chunk_metadata(document, chunk, pipeline) for document, chunk in chunks],
                [item.vectors[chunk.id].vector for item in embedded for chunk in item.chunks],
                [item.vectors[chunk.id].sentences for item in embedded for chunk in item.chunks],
            )
            stored = self.store.chunk_ids_of_all(list(base))
            stale = {
                item.document.source: stored[item.document.source]
                - {chunk.id for chunk in item.chunks}
                for item in embedded
            }
            self.store.delete_chunks(sorted(set().union(*stale.values())))
            self.store.mark_documents(
                {
                    item.document.source: {
                        **base[item.document.source],
                        "pipeline": pipeline,
                        "status": "ready",
                        "chunks": len(item.chunks),
                        "tokens": sum(chunk.tokens for chunk in item.chunks),
                    }
                    for item in embedded
                }
            )
            for item in embedded:
                source = item.document.source
                (report.updated if item.existed else report.added).append(source)
                report.chunks_embedded += len(item.fresh)
                report.chunks_removed += len(stale[source])
                report.tokens_embedded += sum(chunk.tokens for chunk in item.fresh)
                done += len(item.chunks)
                bar.update(len(item.chunks))
                if on_progress and total:
                    on_progress(done / total, source)
        bar.close()

    def _embed(
        self,
        group: list[tuple[LoadedDocument, list[Chunk], bool]],
        pipeline: str,
        repeated: dict[str, _Vectors | None],
    ) -> list[_Embedded]:
        """Vectors for a group of documents from one model call (titles and new chunks),
        with each new chunk's sentence vectors from the same forward pass.

        One call over many documents lets the model batch texts of similar length together;
        embedding each document on its own padded every batch to that document's longest
        chunk and made the pipeline about 1.5x slower than the model on the same texts.
        Chunks already in the store (unchanged text, same id) keep their stored vectors, and
        an input that occurs more than once in the run (copied files, boilerplate) is
        embedded once: `repeated` holds its vectors after the first time.
        """
        texts: list[str] = []
        sentences: dict[str, list[Span]] = {}  # by embedding input, offsets in the input
        headers: dict[str, int] = {}  # by embedding input: where its chunk text starts
        plans = []
        for document, chunks, existed in group:
            # a stored vector is reused only if it was embedded from the same input
            same_input = {
                "$and": [
                    *({key: document.metadata.get(key, "")} for key in IDENTITY_FIELDS),
                    {"pipeline": pipeline},
                ]
            }
            reused = self.store.existing_embeddings([c.id for c in chunks], same_input)
            reused_ids = {
                c.id: vector_id(embedding_input(document, c)) for c in chunks if c.id in reused
            }
            reused_sentences = self.store.sentence_vectors(list(reused_ids.values()))
            kept = {
                cid: _Vectors(reused[cid], reused_sentences.get(vid, ""))
                for cid, vid in reused_ids.items()
            }
            fresh = [chunk for chunk in chunks if chunk.id not in reused]
            plans.append((document, chunks, existed, kept, fresh, len(texts)))
            texts.append(document.title)
            for chunk in fresh:
                text = embedding_input(document, chunk)
                header = headers[text] = len(text) - len(chunk.text)
                sentences[text] = [
                    Span(span.start + header, span.end + header)
                    for span in sentence_spans_of(chunk)
                ]
                texts.append(text)
        unique = [text for text in dict.fromkeys(texts) if not repeated.get(text)]
        encoded = self.embeddings.encode_with_sentences(
            unique, [sentences.get(text, []) for text in unique]
        )
        by_text = {
            text: _Vectors(vector, _stored_sentences(headers.get(text, 0), spans, pooled))
            for text, (vector, spans, pooled) in zip(unique, encoded, strict=True)
        }
        repeated.update({text: by_text[text] for text in unique if text in repeated})
        embedded = [by_text.get(text) or repeated[text] for text in texts]
        assert all(embedded)  # every input was embedded in this call or an earlier one
        return [
            _Embedded(
                document,
                chunks,
                existed,
                fresh,
                {**kept, **dict(zip([c.id for c in fresh], new, strict=True))},
                title.vector,
            )
            for document, chunks, existed, kept, fresh, at in plans
            for title, new in [(embedded[at], embedded[at + 1 : at + 1 + len(fresh)])]
        ]


def _stored_sentences(header: int, spans: list[Span], pooled: np.ndarray) -> str:
    """Sentence vectors for the store, their spans moved from the embedding input (title
    and section header first) to the chunk text, which is what the answerer splits."""
    if not spans:
        return ""
    return encode_sentence_vectors(
        [Span(span.start - header, span.end - header) for span in spans], pooled
    )


def _groups(
    pending: list[tuple[LoadedDocument, list[Chunk], bool]], size: int
) -> Iterator[list[tuple[LoadedDocument, list[Chunk], bool]]]:
    """Consecutive documents with about `size` chunks in all (a large one goes alone)."""
    group: list[tuple[LoadedDocument, list[Chunk], bool]] = []
    count = 0
    for item in pending:
        group.append(item)
        count += len(item[1])
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group
