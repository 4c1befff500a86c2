#!/usr/bin/env python3
"""Build the third evaluation corpus from Python 3.11's Sphinx HTML documentation, reproducibly.

    .venv/bin/python evals/build_python_docs_corpus.py            # ../corpora/python-docs

What goes in: pages of the HTML documentation of Python 3.11.2 as Debian ships it (package
`python3.11-doc`, /usr/share/doc/python3.11/html), pages only (no images, CSS, JavaScript or
`_sources`), each under its own relative path (`tutorial/venv.html`):

- every page of `tutorial/`, `faq/` and `howto/`;
- the library pages of LIBRARY_PAGES (`library/json.html`, `library/asyncio-task.html`, ...).

The .deb is fetched, pinned by version, with the Debian corpus builder's functions
(`evals/build_debian_corpus.py`: `apt-get download` into the same cache folder, the pinned
version or, with a warning, the candidate when the pinned one has left the package lists),
unpacked with `dpkg-deb -x` into a temporary folder and the pages are copied into the output
folder, which is outside git. The output folder gets `.manifest.json` (the package's version
and .deb checksum, each page's origin and checksum) and `sources.toml` (each page's
publisher, release date and address on docs.python.org; pages keep their own titles, as the
HTML extractor reads them, as in the Debian corpus). A second run with
the cache only compares checksums.

Needs `apt-get` and `dpkg-deb` (Debian or a derivative with Debian's bookworm-security lists)
and, when the package lists are missing, root to run `apt-get update`. `evals/` is a data
folder; this is a plain script, not part of the `assistant` package.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# The Debian builder is a plain script beside this one, not a package: import it from its
# folder, without leaving a __pycache__ in evals/.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_debian_corpus as debian  # noqa: E402 (after the sys.path line)

REPO = debian.REPO
DEFAULT_OUT = REPO.parent / "corpora" / "python-docs"

PACKAGE = "python3.11-doc"
VERSION = "3.11.2-6+deb12u9"  # the version the golden cases were written against
HTML_ROOT = "usr/share/doc/python3.11/html"
PUBLISHER = "Python Software Foundation"
PUBLISHED = "2023-02-08"  # release date of Python 3.11.2
URL = "https://docs.python.org/3.11/"

# Folders copied whole, and the library pages copied besides them (`library/<name>.html`).
WHOLE_FOLDERS = ("tutorial", "faq", "howto")
LIBRARY_PAGES = (
    "json",
    "re",
    "datetime",
    "logging",
    "argparse",
    "sqlite3",
    "csv",
    "pathlib",
    "subprocess",
    "os.path",
    "shutil",
    "venv",
    "zipfile",
    "gzip",
    "hashlib",
    "secrets",
    "random",
    "statistics",
    "unittest",
    "timeit",
    "functools",
    "itertools",
    "collections",
    "dataclasses",
    "enum",
    "typing",
    "asyncio-task",
)
CORPUS_FOLDERS = (*WHOLE_FOLDERS, "library")

# The fetch functions look the pin up in the Debian builder's table.
debian.PINNED.setdefault(PACKAGE, VERSION)


def wanted_pages(html_root: Path) -> list[str]:
    """The pages to copy, relative to the documentation's html folder, sorted."""
    pages = {
        path.relative_to(html_root).as_posix()
        for folder in WHOLE_FOLDERS
        for path in (html_root / folder).rglob("*.html")
    }
    missing = [
        name for name in LIBRARY_PAGES if not (html_root / "library" / f"{name}.html").is_file()
    ]
    if missing:
        raise debian.BuildError(
            f"library pages not in {PACKAGE}: {', '.join(missing)} (has its layout changed?)"
        )
    pages.update(f"library/{name}.html" for name in LIBRARY_PAGES)
    if not any(page.startswith(f"{folder}/") for page in pages for folder in WHOLE_FOLDERS):
        raise debian.BuildError(f"{PACKAGE} has no pages under {', '.join(WHOLE_FOLDERS)}")
    return sorted(pages)


def sources_toml(pages: list[str]) -> str:
    """`sources.toml` for the pages."""
    lines = [
        "# Written by evals/build_python_docs_corpus.py: metadata for the Python documentation",
        f"# corpus ({PACKAGE} {VERSION}). Pages keep their own titles.",
        "",
    ]
    for page in pages:
        lines += [
            f"[{debian.toml_string(page)}]",
            f"publisher = {debian.toml_string(PUBLISHER)}",
            f'published = "{PUBLISHED}"',
            f"url = {debian.toml_string(URL + page)}",
            'language = "en"',
            "",
        ]
    return "\n".join(lines)


def build(out: Path, cache: Path) -> None:
    debian.require_tools()
    cache.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    debian.log(f"cache: {cache}")
    debian.log("packages:")
    deb = debian.fetch_deb(cache, PACKAGE, [False])

    stats = debian.Stats()
    files: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="python-docs-corpus-") as temporary:
        debian.log("extracting (dpkg-deb -x) and copying:")
        html_root = debian.extract(deb, Path(temporary)) / HTML_ROOT
        if not html_root.is_dir():
            raise debian.BuildError(f"{PACKAGE} has no {HTML_ROOT}")
        pages = wanted_pages(html_root)
        for page in pages:
            data = (html_root / page).read_bytes()
            digest = debian.place(data, out / page, stats)
            files.append(
                {
                    "path": page,
                    "package": PACKAGE,
                    "from": f"/{HTML_ROOT}/{page}",
                    "bytes": len(data),
                    "sha256": digest,
                }
            )
        for folder in CORPUS_FOLDERS:
            count = sum(page.startswith(f"{folder}/") for page in pages)
            debian.log(f"  {folder}/: {count} pages")

    debian.remove_stale(out, set(pages), stats, CORPUS_FOLDERS)
    manifest = {
        "built_by": "evals/build_python_docs_corpus.py",
        "packages": [debian.package_entry(PACKAGE, deb)],
        "files": files,
    }
    debian.finish(out, manifest, sources_toml(pages), stats, "pages")


def main(argv: list[str] | None = None) -> int:
    return debian.run_builder(__doc__.split("\n\n")[0], DEFAULT_OUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
