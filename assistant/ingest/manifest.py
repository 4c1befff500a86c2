"""The corpus as the last `assistant index` run left it, file by file, kept beside a local
index, so that a re-run costs a stat per unchanged file.

Each file's entry holds its size, modification and change times, the SHA-256 of its bytes,
its `sources.toml` entry (as a digest) and what came of it: the content hash the index holds
for it, or why it was skipped. A file whose stat is as recorded is taken as it was; one whose
stat moved is hashed; only a file whose bytes or listing changed is read by its extractor,
and a web page also when a page of its site changed (its site furniture may have,
`site_furniture.py`). When the last complete run saw exactly this corpus, `assistant index`
answers without opening the store (opening Chroma costs more than half a second). Any doubt
means the store is asked: no record, another corpus or other settings, a Chroma server, or a
run that did not complete.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.ingest.document import LoadedDocument, SkippedFile
from assistant.ingest.embedding_input import pipeline_signature
from assistant.ingest.loaders import scan_corpus
from assistant.ingest.report import IndexReport
from assistant.ingest.site_furniture import is_web_page_name, site_of
from assistant.ingest.sources_file import read_corpus_metadata
from assistant.text.identity import IDENTITY_VERSION

MANIFEST_FILE = "corpus-manifest.json"
MANIFEST_VERSION = 2
# File times come from a coarse clock (a kernel tick on ext4, 2 s on FAT): a file changed
# this close to the moment its stat was recorded could change again without its stat
# moving, so its entry is checked by its hash on the next run.
TIMESTAMP_SLACK_NS = 2_000_000_000


@dataclass(frozen=True)
class FileState:
    """One file as a run left it. The change time is kept beside the modification time as
    it moves with every write, a `touch -d` or a `chmod` (a file skipped as unreadable)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    file_hash: str = ""  # SHA-256 of its bytes; "" when it was skipped
    listed: str = ""  # digest of its `sources.toml` entry
    content_hash: str = ""  # the indexed document's content hash; "" when it was skipped
    skipped: str = ""  # why it was skipped

    @classmethod
    def of(cls, status: os.stat_result) -> FileState:
        return cls(status.st_size, status.st_mtime_ns, status.st_ctime_ns)

    def same_stat(self, other: FileState) -> bool:
        return (self.size, self.mtime_ns, self.ctime_ns) == (
            other.size,
            other.mtime_ns,
            other.ctime_ns,
        )

    def with_stat(self, now: FileState) -> FileState:
        return dataclasses.replace(
            self, size=now.size, mtime_ns=now.mtime_ns, ctime_ns=now.ctime_ns
        )


@dataclass(frozen=True)
class _Record:
    key: str
    complete: bool
    scanned_ns: int
    chunks: int
    files: dict[str, FileState]


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, as `load_file` gives it (`LoadedDocument.file_hash`)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _listed(metadata: dict[str, str]) -> str:
    return hashlib.sha256(repr(sorted(metadata.items())).encode()).hexdigest()[:16]


def _path(settings: Settings) -> Path:
    return settings.index_dir / MANIFEST_FILE


def _key(settings: Settings, corpus: Path) -> str:
    """What decides the index besides the files: the corpus folder and every setting or
    version that changes what a file's text, chunks or vectors are."""
    parts = (
        MANIFEST_VERSION,
        str(corpus.resolve()),
        pipeline_signature(settings),
        IDENTITY_VERSION,
        repr(settings.load_limits),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _read(settings: Settings) -> _Record | None:
    try:
        raw = json.loads(_path(settings).read_text(encoding="utf-8"))
        return _Record(
            str(raw["key"]),
            bool(raw["complete"]),
            int(raw["scanned_ns"]),
            int(raw["chunks"]),
            {source: FileState(**state) for source, state in raw["files"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(settings: Settings, record: _Record) -> None:
    """Replace the manifest whole (a reader never sees half of it)."""
    payload = dataclasses.asdict(record)
    handle, temporary = tempfile.mkstemp(prefix=".manifest-", dir=settings.index_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out, separators=(",", ":"))
        os.replace(temporary, _path(settings))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class Survey:
    """The corpus now, against the last run's manifest: each file's stat, and which files
    are known to be as recorded (their stat, or else their hash, and their listing)."""

    key: str
    scanned_ns: int
    files: list[Path]
    sources: list[str]
    passed_over: list[SkippedFile]
    metadata: dict[str, dict[str, str]]
    metadata_problems: list[SkippedFile]
    stats: dict[str, FileState]  # by source: the stat now
    known: dict[str, FileState]  # by source: the recorded entry, with the stat now
    recorded: frozenset[str]  # the sources the manifest holds
    complete: bool  # the manifest is of a complete run with these settings
    chunks: int
    hashed: list[str]  # sources whose stat moved (or was too recent) and that were hashed

    @property
    def unchanged(self) -> bool:
        """Whether the last complete run saw exactly this corpus: nothing to do."""
        return self.complete and self.recorded == set(self.sources) == set(self.known)

    def to_extract(self, indexed: Mapping[str, str]) -> list[Path]:
        """The files to read: those not known as recorded, or whose recorded content is
        not what the store holds (`indexed`: the content hash of each document stored
        whole under the current pipeline), and every page of a site where a page changed,
        came or went."""
        current = {
            source
            for source, state in self.known.items()
            if state.skipped or indexed.get(source) == state.content_hash
        }
        moved = (set(self.sources) ^ self.recorded) | (set(self.sources) - current)
        sites = {site_of(source) for source in moved if is_web_page_name(source)}
        return [
            path
            for path, source in zip(self.files, self.sources, strict=True)
            if source not in current or (is_web_page_name(source) and site_of(source) in sites)
        ]

    def outcome(self, item: LoadedDocument | SkippedFile) -> FileState | None:
        """The entry to record for a file read in this run (None: not a surveyed file)."""
        stat = self.stats.get(item.source)
        if stat is None:
            return None
        listed = _listed(self.metadata.get(item.source, {}))
        if isinstance(item, SkippedFile):
            return dataclasses.replace(stat, listed=listed, skipped=item.reason)
        return dataclasses.replace(
            stat, file_hash=item.file_hash, listed=listed, content_hash=item.content_hash
        )

    def unchanged_report(self) -> IndexReport:
        """What a run would report when nothing changed, from the manifest alone."""
        states = [(source, self.known[source]) for source in self.sources]
        return IndexReport(
            unchanged=[source for source, state in states if not state.skipped],
            skipped=[
                *self.passed_over,
                *self.metadata_problems,
                *(SkippedFile(source, state.skipped) for source, state in states if state.skipped),
            ],
            chunks_total=self.chunks,
        )


def survey(settings: Settings, corpus_dir: Path) -> Survey:
    """Stat every file of the corpus and compare it with the manifest; a file whose stat
    moved (or was recorded too soon after a change to be trusted) is hashed, never read by
    its extractor."""
    scanned_ns = time.time_ns()
    key = _key(settings, corpus_dir)
    record = _read(settings)
    if record is None or record.key != key:
        record = _Record(key, False, 0, 0, {})
    files, passed_over = scan_corpus(corpus_dir)
    metadata, problems = read_corpus_metadata(corpus_dir)
    sources = [path.relative_to(corpus_dir).as_posix() for path in files]
    stats: dict[str, FileState] = {}
    known: dict[str, FileState] = {}
    hashed: list[str] = []
    for path, source in zip(files, sources, strict=True):
        try:
            now = stats[source] = FileState.of(path.stat())
        except OSError:
            continue  # gone or unreadable: a run reads it and reports why
        then = record.files.get(source)
        if then is None or then.listed != _listed(metadata.get(source, {})):
            continue
        if then.same_stat(now) and then.ctime_ns < record.scanned_ns - TIMESTAMP_SLACK_NS:
            known[source] = then
        elif then.file_hash:  # a skipped file has no hash: it is read again
            hashed.append(source)
            try:
                if file_hash(path) == then.file_hash:
                    known[source] = then.with_stat(now)
            except OSError:
                continue
    return Survey(
        key,
        scanned_ns,
        files,
        sources,
        passed_over,
        metadata,
        problems,
        stats,
        known,
        frozenset(record.files),
        record.complete,
        record.chunks,
        hashed,
    )


def up_to_date(settings: Settings) -> IndexReport | None:
    """The no-op report when the last complete run saw exactly this corpus, else None.
    Files that were only touched are hashed once; their new stat is recorded."""
    if settings.chroma_host:
        return None
    found = survey(settings, settings.corpus_dir)
    if not found.unchanged:
        return None
    if found.hashed:
        record(settings, found, found.known, found.chunks)
    return found.unchanged_report()


def forget(settings: Settings) -> None:
    """Called before any write to the index: until a complete run records it again, the
    corpus on disk is not known to match the index. The file entries stay (what a file's
    bytes hash to does not depend on the index)."""
    if settings.chroma_host:
        return
    found = _read(settings)
    if found is not None and found.complete:
        _write(settings, dataclasses.replace(found, complete=False))


def record(settings: Settings, surveyed: Survey, files: dict[str, FileState], chunks: int) -> None:
    """Remember each file as a complete run over the corpus left it, with the stats the
    survey took before any file was read (an edit made during the run shows next time)."""
    if not settings.chroma_host:
        _write(settings, _Record(surveyed.key, True, surveyed.scanned_ns, chunks, files))
