"""How much of a page's content each HTML extractor keeps, and how much navigation.

    python benchmarks/compare_html_extractors.py --handbook DIR --python-docs DIR

Compares the project's extractor (`assistant/ingest/formats/html.py`) with trafilatura
(default and `favor_recall`) and readability-lxml on two real sets of pages:

- the Debian handbook's HTML (`--handbook`, from evals/build_debian_corpus.py): the share of
  the golden evidence quotes of its HTML cases (evals/golden-debian.jsonl, per part) found
  in the extracted text, and the pages that keep its navigation ("Download the ebook",
  "Prev ... Up Home ... Next");
- Python's Sphinx documentation (`--python-docs`: the `html` folder of Debian's
  `python3.11-doc`, whose `_sources` hold the reST each page was made from): the share of
  the plain prose paragraphs of the sources found in the extracted text, and the pages
  that keep Sphinx's navigation ("Previous topic", "Show Source", ...).

The libraries are not dependencies of the project. Install them into another environment
that also sees the project's packages, and run the script with its Python:

    python3 -m venv /tmp/html-venv
    /tmp/html-venv/bin/pip install trafilatura readability-lxml
    echo "$PWD/.venv/lib/python3.11/site-packages" \
        > /tmp/html-venv/lib/python3.11/site-packages/project.pth
    PYTHONPATH=. /tmp/html-venv/bin/python benchmarks/compare_html_extractors.py ...

An extractor that cannot be imported is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from assistant.evaluation.golden import case_part
from assistant.ingest.formats.html import extract_html

HANDBOOK_NAVIGATION = ("download the ebook", "prev the debian", "up home", "report a bug")
SPHINX_NAVIGATION = ("previous topic", "next topic", "report a bug", "show source", "quick search")


def normalise(text: str) -> str:
    """Lower case, single spaces, no Markdown marks or typographic quotes."""
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("“”’", '""\''))
    return " ".join(re.sub(r"[*_`#|]", " ", text).split()).lower()


def _trafilatura(recall: bool) -> Callable[[bytes], str]:
    import trafilatura

    def extract(raw: bytes) -> str:
        page = raw.decode("utf-8", "replace")
        options = {"include_tables": True, "favor_recall": recall, "output_format": "markdown"}
        return trafilatura.extract(page, **options) or ""

    return extract


def _readability() -> Callable[[bytes], str]:
    from bs4 import BeautifulSoup
    from readability import Document

    def extract(raw: bytes) -> str:
        summary = Document(raw.decode("utf-8", "replace")).summary()
        return BeautifulSoup(summary, "html.parser").get_text("\n")

    return extract


EXTRACTORS: dict[str, Callable[[], Callable[[bytes], str]]] = {
    "project (html.py)": lambda: lambda raw: extract_html(raw).text,
    "trafilatura": lambda: _trafilatura(recall=False),
    "trafilatura, favor_recall": lambda: _trafilatura(recall=True),
    "readability-lxml": _readability,
}


def source_paragraphs(path: Path) -> list[str]:
    """Paragraphs of plain prose in a reST source: no markup, no indented blocks."""
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in [*path.read_text(errors="replace").splitlines(), ""]:
        plain = not line.startswith((" ", "\t")) and not re.search(r"[`*:_|\\]|\.\.|^\W{3,}", line)
        if line.strip() and plain:
            lines.append(line.strip())
            continue
        if lines and (not line.strip() or not plain):
            paragraphs.append(" ".join(lines))
        lines = [] if not line.strip() or not plain else lines
    return [p for p in paragraphs if len(p) > 80]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handbook", type=Path, required=True)
    parser.add_argument("--python-docs", type=Path, required=True)
    parser.add_argument("--golden", type=Path, default=Path("evals/golden-debian.jsonl"))
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.golden.open() if line.strip()]
    evidence = [
        (case_part(case["id"]), Path(case["source"]).name, quote)
        for case in cases
        if case.get("source", "").endswith(".html")
        for quote in case["evidence"]
    ]
    python_pages = sorted(
        page
        for page in args.python_docs.rglob("*.html")
        if not any(part.startswith("_") for part in page.relative_to(args.python_docs).parts)
    )
    print("| extractor | handbook evidence, tuning / test | handbook pages with navigation "
          "| Python prose paragraphs | Python pages with navigation |")  # fmt: skip
    print("| --- | --- | --- | --- | --- |")
    for name, load in EXTRACTORS.items():
        try:
            extract = load()
        except ImportError as error:
            print(f"| {name} | not installed: {error} | | | |")
            continue
        handbook = {
            page.name: normalise(extract(page.read_bytes()))
            for page in sorted(args.handbook.glob("*.html"))
        }
        found = {
            part: sum(normalise(q) in handbook.get(f, "") for p, f, q in evidence if p == part)
            for part in ("tuning", "test")
        }
        totals = {part: sum(p == part for p, _, _ in evidence) for part in ("tuning", "test")}
        kept = total = sphinx_navigation = 0
        for page in python_pages:
            text = normalise(extract(page.read_bytes()))
            sphinx_navigation += any(mark in text for mark in SPHINX_NAVIGATION)
            relative = page.relative_to(args.python_docs).with_suffix("")
            source = args.python_docs / "_sources" / f"{relative}.rst.txt"
            for paragraph in source_paragraphs(source) if source.exists() else []:
                total += 1
                kept += normalise(paragraph) in text
        navigation = sum(any(m in t for m in HANDBOOK_NAVIGATION) for t in handbook.values())
        print(
            f"| {name} | {found['tuning']}/{totals['tuning']} / {found['test']}/{totals['test']}"
            f" | {navigation}/{len(handbook)} | {kept}/{total} | "
            f"{sphinx_navigation}/{len(python_pages)} |"
        )


if __name__ == "__main__":
    main()
