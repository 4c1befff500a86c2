"""The Chroma store: a collection of chunk vectors and one of indexed documents.

Embedded (`PersistentClient` under `index_dir`) by default, or a Chroma server when
`chroma_host` is set; everything above this module is the same in both modes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import GetResult
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from assistant.config import Settings
from assistant.store.embeddings import SentenceTransformerEmbeddings, embeddings_for

DOCUMENTS_SUFFIX = "_documents"
VECTORS_SUFFIX = "_vectors"
WRITE_BATCH = 256  # rows per Chroma call (benchmarks/bench_upload_asks.py measured why)
STAGING_SUFFIX = "_rebuild"
SENTENCES_KEY = "sentences"  # a unique vector's metadata: its sentences' vectors


class StoreError(Exception):
    """The store cannot be used as asked; the message says why and what to do."""


class ModelMismatchError(StoreError):
    pass


@dataclass(frozen=True)
class DocumentRecord:
    source: str
    content_hash: str
    pipeline: str
    metadata: dict[str, Any]

    @property
    def ready(self) -> bool:
        return self.metadata.get("status") == "ready"


def make_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except ValueError as error:  # chromadb's way of saying the server did not answer
            raise StoreError(
                f"Cannot reach the Chroma server at {settings.chroma_host}:"
                f"{settings.chroma_port} ({error}). Start it with `chroma run --path DIR "
                f"--port {settings.chroma_port}`, or unset ASSISTANT_CHROMA_HOST to use the "
                "embedded store."
            ) from error
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


def first_occurrence(metadata: dict[str, Any]) -> tuple[str, int]:
    """The order in which a text's occurrences are preferred: by file name, then position."""
    return (str(metadata.get("source", "")), int(metadata.get("ordinal", 0)))


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Store:
    """Reads and writes chunks and document records; refuses to mix embedding models."""

    def __init__(
        self, settings: Settings, embeddings: SentenceTransformerEmbeddings, rebuild: bool = False
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.client = make_client(settings)
        self.write_lock = threading.Lock()
        self._reopen_lock = threading.RLock()
        self._known_generation = 0
        self._seen_stamp: tuple[int, ...] | None = None
        # Chroma's binding holds the GIL for a whole call: small batches let questions run
        # between the writes of an upload (one 3,400-chunk upsert stalled the server 5 s).
        self._batch = min(WRITE_BATCH, self.client.get_max_batch_size())
        self._live_names = (
            settings.collection,
            settings.collection + DOCUMENTS_SUFFIX,
            settings.collection + VECTORS_SUFFIX,
        )
        names = self._live_names
        self.staging = rebuild
        if rebuild:
            # A rebuild fills collections beside the live ones and `publish` swaps them in,
            # so an interrupted rebuild leaves the old index whole and serving.
            names = tuple(name + STAGING_SUFFIX for name in names)
            for name in set(names) & self._existing():
                self.client.delete_collection(name)
        self.chunks, self.documents, self.unique_vectors = map(self._collection, names)
        self._known_generation = int((self.chunks.metadata or {}).get("generation", 0))

    def _existing(self) -> set[str]:
        return {collection.name for collection in self.client.list_collections()}

    def publish(self) -> None:
        """Replace the live collections with a finished rebuild (nothing to do otherwise).

        The new generation continues past the old one, so every cache built from the old
        index (a server's BM25) sees the change.
        """
        if not self.staging:
            return
        existing = self._existing()
        generation = int(self.generation)
        if self._live_names[0] in existing:
            live = self.client.get_collection(self._live_names[0])
            generation += int((live.metadata or {}).get("generation", 0))
        for name in self._live_names:
            if name in existing:
                self.client.delete_collection(name)
        for collection, name in zip(self._collections, self._live_names, strict=True):
            collection.modify(name=name)
        self._reload_collections()
        self.staging = False
        self._set_generation(generation + 1)

    @property
    def _collections(self) -> tuple[Collection, Collection, Collection]:
        return self.chunks, self.documents, self.unique_vectors

    def _reload_collections(self) -> None:
        self.chunks, self.documents, self.unique_vectors = (
            self.client.get_collection(collection.name) for collection in self._collections
        )

    @property
    def location(self) -> str:
        if self.settings.chroma_host:
            return f"chroma server {self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self.settings.index_dir)

    def _collection(self, name: str) -> Collection:
        """Open a collection, creating it (model name and dimension recorded) if missing."""
        model = self.embeddings.model_name
        try:
            collection = self.client.get_collection(name)
        except NotFoundError:
            return self.client.create_collection(
                name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={
                    "embedding_model": model,
                    "embedding_dimension": self.embeddings.dimension,
                },
                embedding_function=None,
            )
        found = collection.metadata or {}
        if found.get("embedding_model") != model:
            raise ModelMismatchError(
                f"The index at {self.location} was built with embedding model "
                f"'{found.get('embedding_model')}' (dimension {found.get('embedding_dimension')}),"
                f" but the settings ask for '{model}'. Run `assistant index --rebuild` to "
                "re-embed everything with the new model, or set ASSISTANT_EMBEDDING_MODEL back."
            )
        return collection

    # --- reading -------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Bumped by every write, so caches built from the store know when to rebuild."""
        return self.sync()

    def sync(self) -> int:
        """The current generation, reopening the embedded store when another process wrote
        it (`assistant index` beside a running server): the embedded client keeps its vector
        index in memory and does not see such writes. The database files' size and time
        tell cheaply whether anything was written since the last look."""
        with self._reopen_lock:
            stamp = self._disk_stamp()
            if stamp is not None and stamp == self._seen_stamp:
                return self._known_generation
            self.chunks = self.client.get_collection(self.chunks.name)
            generation = int((self.chunks.metadata or {}).get("generation", 0))
            if generation != self._known_generation and stamp is not None:
                self.client.close()
                self.client = make_client(self.settings)
                self._reload_collections()
            self._known_generation, self._seen_stamp = generation, stamp
            return generation

    def _disk_stamp(self) -> tuple[int, ...] | None:
        """Size and modification time of the embedded database and its write-ahead log."""
        if self.settings.chroma_host:
            return None
        stamp: list[int] = []
        for name in ("chroma.sqlite3", "chroma.sqlite3-wal"):
            path = self.settings.index_dir / name
            status = path.stat() if path.exists() else None
            stamp += [status.st_size, status.st_mtime_ns] if status else [0, 0]
        return tuple(stamp)

    def document_records(self) -> dict[str, DocumentRecord]:
        found = self.documents.get(include=["metadatas"])
        return {
            source: DocumentRecord(
                source,
                str(meta.get("content_hash", "")),
                str(meta.get("pipeline", "")),
                dict(meta),
            )
            for source, meta in zip(found["ids"], found["metadatas"] or [], strict=True)
        }

    def document_text(self, source: str) -> str | None:
        found = self.documents.get(ids=[source], include=["documents"])
        return found["documents"][0] if found["ids"] and found["documents"] else None

    def all_chunks(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Every chunk's id, text and metadata, read in pages."""
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        for page in self._pages(self.chunks, ["documents", "metadatas"]):
            ids += page["ids"]
            texts += page["documents"] or []
            metas += [dict(m) for m in page["metadatas"] or []]
        return ids, texts, metas

    def _pages(self, collection: Collection, include: list[Any]) -> Iterator[GetResult]:
        """Every row of a collection, `include`d fields only, read a batch at a time."""
        for offset in range(0, collection.count(), self._batch):
            yield collection.get(include=include, limit=self._batch, offset=offset)

    def _embeddings(
        self, collection: Collection, ids: Sequence[str], where: dict[str, Any] | None = None
    ) -> dict[str, list[float]]:
        """Stored vectors of those of these rows whose metadata matches `where`."""
        found: dict[str, list[float]] = {}
        for batch in _batches(list(ids), self._batch):
            page = collection.get(ids=list(batch), where=where, include=["embeddings"])
            embeddings = page["embeddings"] if page["embeddings"] is not None else []
            found.update({rid: list(map(float, v)) for rid, v in zip(page["ids"], embeddings)})
        return found

    def existing_embeddings(
        self, ids: Sequence[str], where: dict[str, Any]
    ) -> dict[str, list[float]]:
        """Stored vectors of those of these chunks whose metadata matches `where`."""
        return self._embeddings(self.chunks, ids, where)

    def vectors(self, vector_ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored unique vectors with these ids (a lexical hit's meaning, no search)."""
        return self._embeddings(self.unique_vectors, vector_ids)

    def sentence_vectors(self, vector_ids: Sequence[str]) -> dict[str, str]:
        """The encoded sentence vectors of these unique vectors (empty for none stored)."""
        found: dict[str, str] = {}
        for batch in _batches(list(dict.fromkeys(vector_ids)), self._batch):
            page = self.unique_vectors.get(ids=list(batch), include=["metadatas"])
            for vid, meta in zip(page["ids"], page["metadatas"] or [], strict=True):
                found[vid] = str((meta or {}).get(SENTENCES_KEY, ""))
        return found

    def chunk_ids_of_all(self, sources: Sequence[str]) -> dict[str, set[str]]:
        """The stored chunk ids of each of these documents, in one read per batch."""
        found: dict[str, set[str]] = {source: set() for source in sources}
        for batch in _batches(list(sources), self._batch):
            page = self.chunks.get(where={"source": {"$in": list(batch)}}, include=["metadatas"])
            for cid, meta in zip(page["ids"], page["metadatas"] or [], strict=True):
                found[str(meta["source"])].add(cid)
        return found

    def query(
        self, vector: Sequence[float], k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[str, str, dict[str, Any], float]]:
        """Nearest chunks as (id, text, metadata, cosine similarity), one per distinct text.

        Without a filter the search runs over the unique vectors (identical chunks are one
        vector there, so copies cannot crowd a unique passage out of the approximate
        search) and each hit is reported at its first occurrence. With a filter it runs over
        the chunks of those documents.
        """
        if not self.settings.chroma_host:  # a server is always current; nothing to reopen
            self.sync()  # reopens the embedded store if another process wrote to it
        Row = tuple[str, str, dict[str, Any], float]
        best: dict[str, Row] = {}  # one row per distinct text, by vector id
        if sources:
            where = {"source": {"$in": list(sources)}}
            for cid, text, meta, score in self._nearest(self.chunks, vector, k, where):
                vid = str(meta.get("vector_id", cid))
                if vid not in best or score > best[vid][3]:
                    best[vid] = (cid, text, meta, score)
        else:
            scores = {
                vid: score for vid, *_, score in self._nearest(self.unique_vectors, vector, k)
            }
            for cid, text, meta in self.occurrences(list(scores)):
                vid = str(meta["vector_id"])
                if vid not in best or first_occurrence(meta) < first_occurrence(best[vid][2]):
                    best[vid] = (cid, text, meta, scores[vid])
        return sorted(best.values(), key=lambda row: row[3], reverse=True)

    def _nearest(
        self,
        collection: Collection,
        vector: Sequence[float],
        k: int,
        where: dict[str, Any] | None = None,
    ) -> list[tuple[str, str, dict[str, Any], float]]:
        result = collection.query(
            query_embeddings=[list(vector)],
            n_results=max(1, k),  # fewer when fewer match: no count() per search (1.6 ms)
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (cid, text or "", dict(meta or {}), 1.0 - float(distance))
            for cid, text, meta, distance in zip(
                result["ids"][0],
                (result["documents"] or [[]])[0],
                (result["metadatas"] or [[]])[0],
                (result["distances"] or [[]])[0],
                strict=True,
            )
        ]

    def occurrences(self, vector_ids: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """Every chunk (id, text, metadata) whose text is one of these unique vectors."""
        found: list[tuple[str, str, dict[str, Any]]] = []
        for batch in _batches(list(vector_ids), self._batch):
            page = self.chunks.get(
                where={"vector_id": {"$in": list(batch)}}, include=["documents", "metadatas"]
            )
            found += [
                (cid, text, dict(meta))
                for cid, text, meta in zip(
                    page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True
                )
            ]
        return found

    # --- writing -------------------------------------------------------------------------

    def upsert_chunks(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        embeddings: Sequence[Sequence[float]],
        sentence_vectors: Sequence[str],
    ) -> None:
        """Write chunks (each with its `vector_id` in the metadata) and their unique vectors:
        a text that occurs in many chunks is one vector in the searched collection. The
        unique vectors carry no text (the chunks have it): Chroma full-text indexes every
        document it stores, which made up most of the cost of these writes. They carry
        their sentences' vectors (`sentence_vectors.py`) in their metadata instead."""
        unique: dict[str, tuple[Sequence[float], str]] = {}
        for meta, vector, sentences in zip(metadatas, embeddings, sentence_vectors, strict=True):
            unique.setdefault(str(meta["vector_id"]), (vector, sentences))
        # A chunk written again under another vector (its document's title or date changed,
        # its text did not) leaves its old vector to no chunk.
        replaced = self._vector_ids_of(ids) - set(unique)
        for start in range(0, len(ids), self._batch):
            end = start + self._batch
            self.chunks.upsert(
                ids=list(ids[start:end]),
                documents=list(texts[start:end]),
                metadatas=list(metadatas[start:end]),
                embeddings=[list(v) for v in embeddings[start:end]],
            )
        vector_ids = list(unique)
        for batch in _batches(vector_ids, self._batch):
            self.unique_vectors.upsert(
                ids=list(batch),
                embeddings=[list(unique[vid][0]) for vid in batch],
                metadatas=[{SENTENCES_KEY: unique[vid][1]} for vid in batch],
            )
        self._delete_unused_vectors(replaced)

    def delete_chunks(self, ids: Sequence[str]) -> None:
        """Delete chunks, and the unique vectors no remaining chunk has."""
        vector_ids = self._vector_ids_of(ids)
        for batch in _batches(list(ids), self._batch):
            self.chunks.delete(ids=list(batch))
        self._delete_unused_vectors(vector_ids)

    def delete_orphan_vectors(self) -> int:
        """Delete every unique vector that no chunk has, and return how many went. A store
        written before `upsert_chunks` let a rewritten chunk's old vector go still holds
        them, and each takes a place in every dense search and returns nothing."""
        used = {
            str(meta["vector_id"])
            for page in self._pages(self.chunks, ["metadatas"])
            for meta in page["metadatas"] or []
            if meta
        }
        stored = {vid for page in self._pages(self.unique_vectors, []) for vid in page["ids"]}
        orphans = sorted(stored - used)
        for batch in _batches(orphans, self._batch):
            self.unique_vectors.delete(ids=list(batch))
        return len(orphans)

    def _vector_ids_of(self, chunk_ids: Sequence[str]) -> set[str]:
        """The unique vectors these stored chunks have (none for chunks not stored)."""
        vector_ids: set[str] = set()
        for batch in _batches(list(chunk_ids), self._batch):
            page = self.chunks.get(ids=list(batch), include=["metadatas"])
            vector_ids |= {str(m["vector_id"]) for m in page["metadatas"] or [] if m}
        return vector_ids

    def _delete_unused_vectors(self, vector_ids: set[str]) -> None:
        """Delete those of these unique vectors that no stored chunk has."""
        still_used = {str(meta["vector_id"]) for _, _, meta in self.occurrences(sorted(vector_ids))}
        for batch in _batches(sorted(vector_ids - still_used), self._batch):
            self.unique_vectors.delete(ids=list(batch))

    def upsert_documents(
        self, records: Sequence[tuple[str, str, dict[str, Any], Sequence[float]]]
    ) -> None:
        """Write document records: (source, text, metadata, title vector) each."""
        for batch in _batches(list(records), self._batch):
            self.documents.upsert(
                ids=[source for source, *_ in batch],
                documents=[text for _, text, *_ in batch],
                metadatas=[metadata for *_, metadata, _ in batch],
                embeddings=[list(vector) for *_, vector in batch],
            )

    def mark_documents(self, metadata: dict[str, dict[str, Any]]) -> None:
        """Replace stored documents' metadata only (by source): their texts and title
        vectors stay (writing a text again costs a full-text re-index of it, seconds on a
        corpus of manuals)."""
        for batch in _batches(list(metadata), self._batch):
            self.documents.update(ids=list(batch), metadatas=[metadata[s] for s in batch])

    def delete_document(self, source: str) -> int:
        """Remove a document and all its chunks; returns how many chunks went."""
        ids = sorted(self.chunk_ids_of_all([source])[source])
        self.delete_chunks(ids)
        self.documents.delete(ids=[source])
        return len(ids)

    def bump_generation(self) -> None:
        self._set_generation(self.generation + 1)

    def _set_generation(self, generation: int) -> None:
        self.chunks.modify(metadata={**(self.chunks.metadata or {}), "generation": generation})
        self._known_generation = generation

    def drop_staging(self) -> list[str]:
        """Remove collections an interrupted `--rebuild` left behind; returns their names."""
        leftovers = sorted(name for name in self._existing() if name.endswith(STAGING_SUFFIX))
        for name in leftovers:
            self.client.delete_collection(name)
        return leftovers


def open_store(
    settings: Settings, rebuild: bool = False
) -> tuple[Store, SentenceTransformerEmbeddings]:
    """The store for these settings; `rebuild` fills a fresh one (any model) beside the live
    index, which `Indexer.run` swaps in when it completes."""
    embeddings = embeddings_for(settings)
    return Store(settings, embeddings, rebuild), embeddings
