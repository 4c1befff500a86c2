"""`sources.toml`: each corpus file's title, publisher and date, read leniently and edited
in place (tomlkit keeps the maintainers' comments and layout)."""

from __future__ import annotations

import itertools
import os
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

import tomlkit

from assistant.ingest.document import SkippedFile

METADATA_FILE = "sources.toml"
METADATA_FIELDS = ("title", "publisher", "published", "author", "language", "url")


def _metadata_tables(text: str) -> tuple[dict[str, object], list[str]]:
    """The TOML tables that parse. A file with an error is read table by table, so one
    broken entry costs only that entry; each error is reported with its line."""
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as error:
        whole_error = str(error)
    tables: dict[str, object] = {}
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("[")]
    problems = []
    for start, end in itertools.pairwise([0, *starts, len(lines)]):
        try:
            tables.update(tomllib.loads("\n".join(lines[start:end])))
        except tomllib.TOMLDecodeError as error:
            problems.append(f"line {start + 1}: {error}")
    return tables, problems or [whole_error]


def read_corpus_metadata(
    corpus_dir: Path,
) -> tuple[dict[str, dict[str, str]], list[SkippedFile]]:
    """Per-file metadata from `sources.toml` (one table per file name), and what in that
    file could not be read (named by line, with the reason); the rest is used."""
    path = corpus_dir / METADATA_FILE
    if not path.is_file():
        return {}, []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return {}, [SkippedFile(METADATA_FILE, f"unreadable, no metadata used ({error})")]
    tables, problems = _metadata_tables(text)
    metadata = {
        name: {key: str(value) for key, value in table.items() if key in METADATA_FIELDS}
        for name, table in tables.items()
        if isinstance(table, dict)
    }
    return metadata, [
        SkippedFile(METADATA_FILE, f"invalid TOML at {problem}; the other entries are used")
        for problem in problems
    ]


class MetadataFileError(ValueError):
    """`sources.toml` cannot be edited safely (it does not parse); the message says where."""


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".sources-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _edit(corpus_dir: Path, change: Callable[[tomlkit.TOMLDocument], None]) -> None:
    path = corpus_dir / METADATA_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        raise MetadataFileError(f"{METADATA_FILE}: {error}; fix the file first") from None
    change(document)
    _write_atomically(path, tomlkit.dumps(document))


def write_document_metadata(corpus_dir: Path, source: str, fields: Mapping[str, str]) -> None:
    """Set some of a document's METADATA_FIELDS (an empty value removes the field)."""
    unknown = sorted(set(fields) - set(METADATA_FIELDS))
    if unknown:
        raise MetadataFileError(f"not a metadata field: {', '.join(unknown)}")

    def change(document: tomlkit.TOMLDocument) -> None:
        table = document.get(source)
        if table is None:
            table = tomlkit.table()
            document[source] = table
        for key, value in fields.items():
            if value.strip():
                table[key] = value.strip()
            elif key in table:
                del table[key]

    _edit(corpus_dir, change)


def forget_document_metadata(corpus_dir: Path, source: str) -> None:
    """Drop a removed document's entry, if it has one."""
    if not (corpus_dir / METADATA_FILE).is_file():
        return

    def change(document: tomlkit.TOMLDocument) -> None:
        document.pop(source, None)

    _edit(corpus_dir, change)
