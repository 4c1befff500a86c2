"""The plain LangChain recipe the evals compare against, built in memory from the same corpus.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap) and a Chroma similarity search
for the top 4 with the project's embedding model; no lexical side, no follow-up rewriting.
Its passages go to the project's own extractive answerer, so the answer metrics measure what
the retrieval changes, not a different way of writing answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.answer.base import Answerer
from assistant.chain import AnswerChain, AnswerMode, ChainComponents
from assistant.ingest.document import LoadedDocument
from assistant.retrieve.condense import KeepQuestion
from assistant.schema import AskResult

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
_METADATA = ("title", "publisher", "published")


def split_documents(documents: Iterable[LoadedDocument]) -> list[Document]:
    """Character chunks with the metadata citations need (source, offsets, a chunk id)."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks: list[Document] = []
    for document in documents:
        meta = {key: document.metadata[key] for key in _METADATA if key in document.metadata}
        pieces = splitter.create_documents([document.text], [{"source": document.source, **meta}])
        for ordinal, piece in enumerate(pieces):
            start = int(piece.metadata.pop("start_index"))
            piece.metadata |= {
                "chunk_id": f"baseline:{document.source}:{ordinal}",
                "start": start,
                "end": start + len(piece.page_content),
            }
            chunks.append(piece)
    return chunks


class LangChainBaseline:
    """Same `ask` and `retriever` as `Assistant`, so the runner scores both alike."""

    def __init__(
        self,
        documents: Iterable[LoadedDocument],
        embeddings: Embeddings,
        answerer: Answerer,
    ) -> None:
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        # A fresh name per instance: ephemeral clients share one in-process system.
        self.store = Chroma(
            collection_name=f"baseline-{uuid.uuid4().hex[:12]}",
            embedding_function=embeddings,
            client=client,
        )
        self.store.add_documents(split_documents(documents))
        self.retriever = self.store.as_retriever(search_kwargs={"k": TOP_K})
        # The project's own chain with this retriever and no follow-up rewriting.
        self.chain = AnswerChain(
            ChainComponents(self.retriever, {"extractive": AnswerMode(KeepQuestion(), answerer)})
        )

    def ask(self, question: str, history: Sequence[object] = ()) -> AskResult:
        """Answer from the top 4 passages; the history is ignored, as in the plain recipe."""
        return self.chain.invoke({"question": question, "history": list(history)})
