"""A collection of long documents whose file names are their only identity (issue 29, item 2).

    .venv/bin/python benchmarks/build_long_documents.py OUT_DIR [--documents 75]

Each document is about 42 KB of text (about 60 chunks, as in the collection the issue timed:
75 documents, 4,400 chunks) cut at paragraph breaks from the licences and upstream change
logs and NEWS files that Debian packages install (/usr/share/common-licenses,
/usr/share/doc/*/{NEWS,changelog}*.gz), taken in path order with exact copies dropped, so the
same machine image gives the same collection. Names are `YEAR-Author-N.txt`: no title, no
metadata file, so a question naming a year or an author is scoped by the file name alone.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path

DOCUMENT_CHARS = 42_000
AUTHORS = (
    "Okafor",
    "Lindqvist",
    "Tanaka",
    "Moreau",
    "Brennan",
    "Castellanos",
    "Novak",
    "Haddad",
    "Iversen",
    "Mbeki",
    "Petrov",
    "Quispe",
    "Rahman",
    "Szabo",
    "Whitfield",
)
# Questions for the benchmark: some name an author or a year (scoped by file name), some do
# not; all are about what such texts say.
QUESTIONS = [
    "What does the GNU General Public License say about distributing modified versions?",
    "What did Okafor write about security fixes?",
    "Which bugs were fixed in the 2013 documents?",
    "What does Lindqvist say about the license of the documentation?",
    "What changed in the handling of certificates?",
    "What did Tanaka note about memory leaks?",
    "Which release added support for IPv6?",
    "What does the Apache License say about patent grants?",
    "What did Moreau write in 2020 about deprecated options?",
    "How is the warranty disclaimed?",
    "What did Brennan report about build failures on 32-bit systems?",
    "Which translations were updated?",
    "What does Novak say about performance improvements?",
    "What did the 2008 documents say about compatibility with older versions?",
    "What is the Creative Commons CC0 waiver?",
    "What did Haddad write about the test suite?",
    "Which functions were added to the API?",
    "What did Petrov change in the configuration file format?",
    "What does the Mozilla Public License require for source code?",
    "What did Szabo write in 2017 about crashes?",
    "How many people were killed in the Zhuhai attack?",
    "What GDP growth target did Quispe set?",
]


def texts() -> Iterator[str]:
    """The source texts in path order, each once, skipping short and non-UTF-8 files."""
    seen: set[str] = set()
    doc = Path("/usr/share/doc")
    paths = [
        *sorted(p for p in Path("/usr/share/common-licenses").iterdir()),
        *sorted([*doc.glob("*/NEWS*.gz"), *doc.glob("*/changelog.gz")]),
    ]
    for path in paths:
        if path.is_symlink() or not path.is_file():
            continue
        try:
            raw = path.read_bytes()
            text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
        except (OSError, UnicodeDecodeError, gzip.BadGzipFile):
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()
        if len(text) < 8000 or digest in seen:
            continue
        seen.add(digest)
        yield text.replace("\r\n", "\n")


def documents(count: int) -> Iterator[str]:
    """Paragraphs from `texts()` packed into documents of about DOCUMENT_CHARS."""
    current: list[str] = []
    size = 0
    made = 0
    for text in texts():
        for paragraph in text.split("\n\n"):
            if not paragraph.strip():
                continue
            current.append(paragraph)
            size += len(paragraph) + 2
            if size >= DOCUMENT_CHARS:
                yield "\n\n".join(current) + "\n"
                made += 1
                if made == count:
                    return
                current, size = [], 0


def name(n: int) -> str:
    return f"{2000 + (n * 7) % 26}-{AUTHORS[n % len(AUTHORS)]}-{n}.txt"


def build(out: Path, count: int = 75) -> list[Path]:
    """Write the collection into `out` (emptied of .txt files first); returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    written = []
    for n, text in enumerate(documents(count), 1):
        path = out / name(n)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=75)
    args = parser.parse_args()
    written = build(args.out, args.documents)
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} documents, {total / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
