"""The corpus folder: which files it holds, their metadata, and each file loaded as a
document (by the extractor of its format) or the reason it was skipped.

Offsets of chunks and citations are character offsets into the text the extractor returns:
for plain text and Markdown that is the decoded file exactly; for the other formats the
extracted text, which the index keeps so a citation can always be shown in place.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from assistant.config import LoadLimits
from assistant.ingest.document import LoadedDocument, LoadError, SkippedFile
from assistant.ingest.sources_file import METADATA_FILE, read_corpus_metadata
from assistant.text.identity import (
    date_from_path,
    file_suffix,
    stated_author,
    stated_date,
    stated_publisher,
    title_from_path,
    usable_title,
)


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _file_kind(path: Path) -> str:
    mode = path.lstat().st_mode
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"


def scan_corpus(corpus_dir: Path) -> tuple[list[Path], list[SkippedFile]]:
    """Every document under the corpus folder (not metadata or hidden files), and what was
    passed over with the reason: links that lead out of the folder, link loops, FIFOs,
    sockets and devices are named, never opened (reading a FIFO would hang)."""
    root = corpus_dir.resolve()
    files: list[Path] = []
    skipped: list[SkippedFile] = []

    def visit(folder: Path) -> None:
        for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
            path = Path(entry.path)
            name = path.relative_to(corpus_dir).as_posix()
            if entry.name.startswith(".") or name == METADATA_FILE:
                continue
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    skipped.append(SkippedFile(name, "broken symlink or symlink loop"))
                    continue
                if not _is_inside(target, root):
                    skipped.append(SkippedFile(name, "symlink outside the corpus"))
                elif target.is_file():
                    files.append(path)
                else:
                    skipped.append(SkippedFile(name, "symlink to a folder or special file"))
            elif entry.is_dir(follow_symlinks=False):
                visit(path)
            elif entry.is_file(follow_symlinks=False):
                files.append(path)
            else:
                skipped.append(SkippedFile(name, f"not a regular file ({_file_kind(path)})"))

    visit(corpus_dir)
    return files, skipped


def _first_line(text: str, limit: int = 120) -> str:
    """The first non-blank line, without Markdown heading marks."""
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:limit]
    return ""


def document_metadata(
    source: str, text: str, extracted: dict[str, str], listed: dict[str, str]
) -> dict[str, str]:
    """A document's identity, each field from the best place that has it: `sources.toml`,
    then what the format states (an HTML <title>, a PDF's title), then the text (its first
    line when it can be a title, an "Author:" field or a copyright line among its first
    lines), then the file name and folders, which are also where a date is read when nothing
    else gives one, and last a date the header's first lines write out ("Version 3, 29 June
    2007")."""
    merged = {**extracted, **listed}
    if not merged.get("author") and (author := stated_author(text)):
        merged["author"] = author
    if not merged.get("publisher") and (holder := stated_publisher(text)):
        merged["publisher"] = holder
    if not merged.get("title"):
        first = _first_line(text)
        merged["title"] = first if usable_title(first) else title_from_path(source)
    if not merged.get("published") and (date := date_from_path(source) or stated_date(text)):
        merged["published"] = date
    return merged


def load_file(
    path: Path, source: str, metadata: dict[str, str], limits: LoadLimits
) -> LoadedDocument:
    """Read one file; raise LoadError with the reason when it cannot be indexed."""
    # Imported here: the format libraries (bs4, lxml, PDFium, wordfreq) take 0.27 s to
    # import, which a run that reads no file (a no-op `assistant index`) does not pay.
    from assistant.ingest.formats import PLAIN_TEXT_SUFFIXES, extractor_for

    suffix = file_suffix(path.name)
    extractor = extractor_for(path.name)
    if extractor is None:
        raise LoadError(f"unsupported file type '{suffix}'")
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        raise LoadError(f"not a regular file ({_file_kind(path)})")
    size, max_bytes = status.st_size, limits.max_bytes
    if size > max_bytes:
        raise LoadError(f"too large ({size / 1048576:.1f} MB > {max_bytes / 1048576:.1f} MB)")
    raw = path.read_bytes()
    if not raw.strip():
        raise LoadError("empty file")
    try:
        extracted = extractor(raw)
    except LoadError:
        raise
    except RecursionError:
        raise LoadError("its markup is nested too deeply to read") from None
    except Exception as error:  # a library failing on a malformed file stops no run
        raise LoadError(f"could not be read ({type(error).__name__}: {error})") from error
    text = extracted.text
    if suffix in PLAIN_TEXT_SUFFIXES:
        longest = max(map(len, text.splitlines()), default=0)
        if longest > limits.max_line_chars:
            raise LoadError(
                f"a line of {longest:,} characters (the limit is {limits.max_line_chars:,}): "
                "not prose; split it into paragraphs to index it"
            )
    if not text.strip():
        raise LoadError("no text could be extracted")
    merged = document_metadata(source, text, extracted.metadata, metadata)
    digest = hashlib.sha256(raw)
    file_hash = digest.hexdigest()
    digest.update(repr(sorted(merged.items())).encode())
    return LoadedDocument(source, text, digest.hexdigest(), merged, extracted.blocks, file_hash)


def load_corpus(
    corpus_dir: Path, limits: LoadLimits, paths: Iterable[Path] | None = None
) -> Iterable[LoadedDocument | SkippedFile]:
    """Load each corpus file in turn, yielding a document or the reason it was skipped
    (problems with `sources.toml` come first; the metadata that could be read is used)."""
    metadata, problems = read_corpus_metadata(corpus_dir)
    yield from problems
    if paths is None:
        paths, passed_over = scan_corpus(corpus_dir)
        yield from passed_over
    for path in paths:
        source = path.relative_to(corpus_dir).as_posix()
        try:
            yield load_file(path, source, metadata.get(source, {}), limits)
        except LoadError as error:
            yield SkippedFile(source, str(error))
        except OSError as error:
            yield SkippedFile(source, f"unreadable ({error.strerror or error})")
