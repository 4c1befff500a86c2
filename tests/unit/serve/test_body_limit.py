"""Counting the parts of a multipart body as it streams, whatever its chunks."""

from __future__ import annotations

import pytest

from assistant.serve.body_limit import PartCounter

BOUNDARY = b"----formBoundary7MA4YWxk"


def body(files: int) -> bytes:
    parts = b"".join(
        b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="files"; '
        b'filename="f%d.txt"\r\n\r\nsome text ----formBoundary\r\n' % n
        for n in range(files)
    )
    return parts + b"--" + BOUNDARY + b"--\r\n"


@pytest.mark.parametrize("size", [1, 2, 7, 25, 26, 4096])
@pytest.mark.parametrize("files", [0, 1, 3])
def test_parts_are_counted_once_however_the_body_is_cut(size: int, files: int) -> None:
    counter, data = PartCounter(BOUNDARY), body(files)
    counts = [counter.feed(data[i : i + size]) for i in range(0, len(data), size)]
    assert counts[-1] == files
    assert counts == sorted(counts)
