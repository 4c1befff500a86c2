"""Turn files into text plus metadata, or into a clear reason why a file was skipped.

Offsets of chunks and citations are character offsets into the text returned here: for
`.txt`/`.md` that is the decoded file exactly; for `.html` and `.pdf` the extracted text,
which the index keeps so a citation can always be shown in place.
"""

from __future__ import annotations

import hashlib
import io
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
METADATA_FILE = "sources.toml"
METADATA_FIELDS = ("title", "publisher", "published", "author", "language", "url")


class LoadError(Exception):
    """A file that cannot be indexed; the message is the reason shown to the user."""


@dataclass(frozen=True)
class LoadedDocument:
    source: str  # file name relative to the corpus folder, with forward slashes
    text: str
    content_hash: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.metadata.get("title", self.source)


@dataclass(frozen=True)
class SkippedFile:
    source: str
    reason: str


def read_corpus_metadata(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """Per-file metadata from `sources.toml` (one table per file name)."""
    path = corpus_dir / METADATA_FILE
    if not path.exists():
        return {}
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LoadError(f"{path}: invalid TOML ({error})") from error
    return {
        name: {key: str(value) for key, value in table.items() if key in METADATA_FIELDS}
        for name, table in tables.items()
        if isinstance(table, dict)
    }


def list_corpus_files(corpus_dir: Path) -> list[Path]:
    """Every regular file under the corpus folder except metadata and hidden files."""
    return sorted(
        path
        for path in corpus_dir.rglob("*")
        if path.is_file()
        and path.name != METADATA_FILE
        and not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts)
    )


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise LoadError("binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})"
        ) from error


def _html_text(raw: bytes) -> tuple[str, dict[str, str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(raw), "html.parser")
    title = soup.title.get_text().strip() if soup.title else ""
    for hidden in soup(["head", "script", "style", "noscript", "template"]):
        hidden.decompose()
    return soup.get_text(), ({"title": title} if title else {})


def _pdf_text(raw: bytes) -> tuple[str, dict[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title or "").strip() if reader.metadata else ""
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise LoadError(f"broken PDF ({type(error).__name__}: {error})") from error
    return "\n\n".join(pages), ({"title": title} if title else {})


def _first_line(text: str, limit: int = 120) -> str:
    """The first non-blank line, without Markdown heading marks, as a fallback title."""
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:limit]
    return ""


def load_file(path: Path, source: str, metadata: dict[str, str], max_bytes: int) -> LoadedDocument:
    """Read one file; raise LoadError with the reason when it cannot be indexed."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type '{suffix or 'none'}'")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"too large ({size / 1048576:.1f} MB > {max_bytes / 1048576:.1f} MB)")
    raw = path.read_bytes()
    if not raw.strip():
        raise LoadError("empty file")
    if suffix == ".pdf":
        text, found = _pdf_text(raw)
    elif suffix in (".html", ".htm"):
        text, found = _html_text(raw)
    else:
        text, found = _decode(raw), {}
    if not text.strip():
        raise LoadError("no text could be extracted")
    merged = {"title": _first_line(text) or source, **found, **metadata}
    digest = hashlib.sha256(raw)
    digest.update(repr(sorted(merged.items())).encode())
    return LoadedDocument(source, text, digest.hexdigest(), merged)


def load_corpus(
    corpus_dir: Path, max_bytes: int, paths: Iterable[Path] | None = None
) -> Iterable[LoadedDocument | SkippedFile]:
    """Load each corpus file in turn, yielding a document or the reason it was skipped."""
    metadata = read_corpus_metadata(corpus_dir)
    for path in paths if paths is not None else list_corpus_files(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        try:
            yield load_file(path, source, metadata.get(source, {}), max_bytes)
        except LoadError as error:
            yield SkippedFile(source, str(error))
        except OSError as error:
            yield SkippedFile(source, f"unreadable ({error.strerror or error})")
