"""What a chunk's vector depends on besides its text: the embedding input and the settings.

Kept apart from the indexer (which opens Chroma) so that a quick freshness check can tell
whether the index is stale without loading the store.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from assistant.ingest.document import EXTRACTION_VERSION
from assistant.text.document_heading import SECTION_SEPARATOR, identity

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.ingest.chunking import Chunk
    from assistant.ingest.document import LoadedDocument

# Chunks are embedded with their document's identity in front (a contextual header), so a
# passage that never names its subject ("this year's target"), author or year still embeds
# near it.
EMBEDDING_INPUT_VERSION = "identity-section-header-3"
# Chunks carry the id of their unique vector (layout 2), their paragraphs (layout 3), and
# the kind of each paragraph, as chunks now mix prose, code and tables (layout 4), and
# their sentences' vectors (layout 5), split without cuts at quoted full stops or before
# bracketed remarks (layout 6).
STORE_LAYOUT_VERSION = "unique-vectors-paragraphs-kinds-sentences-6"


def document_identity(document: LoadedDocument) -> str:
    """`document_heading.identity` of a loaded document: title, author, publisher, date and
    the file name's words."""
    return identity({**document.metadata, "source": document.source})


def embedding_input(document: LoadedDocument, chunk: Chunk) -> str:
    """The chunk under its document's identity and section path, as it is embedded."""
    parts = (document_identity(document), chunk.section)
    header = SECTION_SEPARATOR.join(part for part in parts if part)
    return f"{header}\n\n{chunk.text}"


def vector_id(text: str) -> str:
    """The id of the one stored vector for this embedding input, whichever chunks share it."""
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def pipeline_signature(settings: Settings) -> str:
    """Changes when chunking or the model changes, so such a change re-indexes every file."""
    parts = (
        EXTRACTION_VERSION,
        EMBEDDING_INPUT_VERSION,
        STORE_LAYOUT_VERSION,
        settings.embedding_model,
        settings.chunk_tokens,
        settings.chunk_overlap_tokens,
        settings.min_chunk_tokens,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
