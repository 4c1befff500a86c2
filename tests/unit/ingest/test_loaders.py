"""Which identity a loaded document gets, and which files without a suffix are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import LoadLimits
from assistant.ingest.document import LoadError
from assistant.ingest.loaders import load_file
from assistant.text.document_heading import identity

LIMITS = LoadLimits(max_bytes=1_000_000, max_line_chars=10_000)


def _load(folder: Path, name: str, text: str, metadata: dict[str, str] | None = None):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return load_file(path, name, metadata or {}, LIMITS)


def test_a_salutation_is_no_title_so_the_file_name_gives_title_and_date(tmp_path: Path) -> None:
    document = _load(tmp_path, "2013-Smith-2.txt", "Dear Members:\n\nWe propose a wage of $9.\n")
    assert document.metadata["title"] == "2013 Smith 2"
    assert document.metadata["published"] == "2013"


def test_a_title_line_and_listed_metadata_come_first(tmp_path: Path) -> None:
    titled = _load(tmp_path, "minutes/2019-06-12_board.txt", "Board minutes\n\nWe met.\n")
    assert titled.metadata["title"] == "Board minutes"
    assert titled.metadata["published"] == "2019-06-12"
    listed = _load(tmp_path, "2019-x.txt", "Text.\n", {"title": "T", "published": "2020"})
    assert (listed.metadata["title"], listed.metadata["published"]) == ("T", "2020")


def test_a_file_without_a_suffix_is_read_as_text_when_it_is_text(tmp_path: Path) -> None:
    readme = _load(tmp_path, "README", "Notes on the project\n\nIt builds with make.\n")
    assert "builds with make" in readme.text
    (tmp_path / "COPYING").write_bytes(b"\x00\x01\x02 binary")
    with pytest.raises(LoadError, match="binary"):
        load_file(tmp_path / "COPYING", "COPYING", {}, LIMITS)


def test_a_version_after_the_last_dot_is_no_file_type(tmp_path: Path) -> None:
    """ "LGPL-2.1" and "Apache-2.0" are named by version: read as text, with the whole
    version in the title (they were skipped as "unsupported file type '.1'")."""
    licence = _load(tmp_path, "LGPL-2.1", "Preamble\n\nThe licenses for most software ...\n")
    assert "licenses for most software" in licence.text
    assert identity({**licence.metadata, "source": "LGPL-2.1"}).endswith("LGPL 2.1")
    with pytest.raises(LoadError, match=r"unsupported file type '\.exe'"):
        _load(tmp_path, "tool.exe", "MZ")
