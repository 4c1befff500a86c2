"""Checks on uploaded files (count, name, type, size) and saving them for the indexer."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from fastapi import UploadFile

from assistant.config import Settings
from assistant.ingest.formats import SUPPORTED_SUFFIXES, extractor_for
from assistant.serve.errors import ApiError


def upload_name(upload: UploadFile, max_bytes: int) -> str:
    """The bare file name of an upload, or an error naming it when its type or size is wrong."""
    raw = upload.filename or ""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    if not name or name.startswith("."):
        raise ApiError(422, f"'{raw}': not a usable file name", field="files")
    if extractor_for(name) is None:
        raise ApiError(
            415,
            f"{name}: unsupported file type '{Path(name).suffix.lower()}'; "
            f"supported: {' '.join(SUPPORTED_SUFFIXES)}",
            field="files",
        )
    if (upload.size or 0) > max_bytes:
        raise ApiError(
            413,
            f"{name}: {upload.size / 1048576:.1f} MB is over the "
            f"{max_bytes / 1048576:.1f} MB upload limit",
            field="files",
        )
    return name


def upload_names(files: Sequence[UploadFile], settings: Settings) -> list[str]:
    """The files' bare names, or an error for too many files, a bad one or a repeated name."""
    if len(files) > settings.max_upload_files:
        raise ApiError(413, f"at most {settings.max_upload_files} files per upload", "files")
    names = [upload_name(upload, settings.max_upload_bytes) for upload in files]
    if len(set(names)) < len(names):
        raise ApiError(422, "two uploaded files have the same name", field="files")
    return names


@contextlib.contextmanager
def saved_uploads(files: Sequence[UploadFile], names: Sequence[str]) -> Iterator[list[Path]]:
    """The uploads written under their names to a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        paths = [Path(folder) / name for name in names]
        for upload, path in zip(files, paths, strict=True):
            with path.open("wb") as target:
                shutil.copyfileobj(upload.file, target)
        yield paths
