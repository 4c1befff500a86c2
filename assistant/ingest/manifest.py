"""The corpus as the last complete `assistant index` run saw it, kept beside a local index.

Opening Chroma costs more than half a second, so a re-run first compares the corpus (file
names, sizes and modification times, the metadata file, the pipeline signature) with what
the last complete run recorded, and opens the store only when something differs. Any doubt
means a full run: no record, another corpus, a Chroma server, or files skipped last time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from assistant.config import Settings
from assistant.ingest.embedding_input import pipeline_signature
from assistant.ingest.loaders import scan_corpus
from assistant.ingest.report import IndexReport
from assistant.ingest.sources_file import METADATA_FILE
from assistant.text.identity import IDENTITY_VERSION

MANIFEST_FILE = "corpus-manifest.json"


def _path(settings: Settings) -> Path:
    return settings.index_dir / MANIFEST_FILE


def corpus_fingerprint(settings: Settings, corpus_dir: Path) -> tuple[str, list[str]]:
    """A digest of everything that decides what the index holds, and the documents' names."""
    corpus = corpus_dir.resolve()
    files, passed_over = scan_corpus(corpus)
    sources = [path.relative_to(corpus).as_posix() for path in files]
    digest = hashlib.sha256()
    signature = pipeline_signature(settings)
    for part in (str(corpus), signature, IDENTITY_VERSION, repr(settings.load_limits)):
        digest.update(part.encode() + b"\0")
    for skipped in passed_over:  # a new FIFO or outside link must be reported by a real run
        digest.update(f"{skipped.source}\0{skipped.reason}\0".encode())
    metadata = corpus / METADATA_FILE
    for path, name in [*zip(files, sources), (metadata, METADATA_FILE)]:
        stat = path.stat() if path.is_file() else None
        state = f"{stat.st_size}:{stat.st_mtime_ns}" if stat else "absent"
        digest.update(f"{name}\0{state}\0".encode())
    return digest.hexdigest(), sources


def up_to_date(settings: Settings) -> IndexReport | None:
    """The no-op report when the last complete run saw exactly this corpus, else None."""
    if settings.chroma_host:
        return None
    try:
        recorded = json.loads(_path(settings).read_text(encoding="utf-8"))
        fingerprint, sources = corpus_fingerprint(settings, settings.corpus_dir)
        if recorded["fingerprint"] != fingerprint:
            return None
        return IndexReport(unchanged=sources, chunks_total=int(recorded["chunks"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget(settings: Settings) -> None:
    """Called before any write to the index: until a complete run records it again, the
    corpus on disk is not known to match the index."""
    if not settings.chroma_host:
        _path(settings).unlink(missing_ok=True)


def record(settings: Settings, fingerprint: str, report: IndexReport) -> None:
    """Remember a complete run over the whole corpus, as it was when the run started."""
    if not settings.chroma_host and not report.skipped:
        payload = {"fingerprint": fingerprint, "chunks": report.chunks_total}
        _path(settings).write_text(json.dumps(payload), encoding="utf-8")
