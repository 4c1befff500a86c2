#!/usr/bin/env python3
"""Build the second evaluation corpus from Debian packages, reproducibly.

    .venv/bin/python evals/build_debian_corpus.py                # ../corpora/debian
    .venv/bin/python evals/build_debian_corpus.py --subset       # ../corpora/debian-subset

What goes in (see PACKAGES below):

- `debian-handbook/*.html`: the English HTML of the Debian Administrator's Handbook
  (package `debian-handbook`, /usr/share/doc/debian-handbook/html/en-US), pages only: no
  images, CSS or JavaScript.
- `pdf/*.pdf`: five text PDFs from other Debian packages, each made by another tool chain
  (DBLaTeX + xdvipdfmx, Sphinx + pdfTeX, LibreOffice Writer, Apache FOP, groff + Ghostscript).

The .deb files are fetched with `apt-get download` into a cache folder, pinned by package
name and version (the version the golden cases were written against; another version is
used, with a warning, only when that one is no longer in the package lists), unpacked with
`dpkg-deb -x` into a temporary folder and copied into the output folder, which is outside
git. The output folder gets `.manifest.json` (each package's version and .deb checksum, each
file's origin, checksum and, for a PDF, producer and page count) and `sources.toml` (the
corpus metadata the assistant reads). A second run with the cache only compares checksums.

`--subset` writes the small corpus CI indexes: the PDFs and the handbook pages that the CI
golden cases (`evals/golden-debian-ci.jsonl`) cite, plus a few unrelated pages so retrieval
has something to get wrong.

Needs `apt-get` and `dpkg-deb` (Debian or a derivative with Debian's bookworm lists) and,
when the package lists are missing, root to run `apt-get update`. `evals/` is a data
folder; this is a plain script, not part of the `assistant` package.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO.parent / "corpora" / "debian"
DEFAULT_SUBSET_OUT = REPO.parent / "corpora" / "debian-subset"
DEFAULT_CACHE = Path.home() / ".cache" / "policy-assistant" / "debs"
CI_GOLDEN = REPO / "evals" / "golden-debian-ci.jsonl"
# Hidden, so that indexing the folder passes over it without reporting it as skipped.
MANIFEST = ".manifest.json"

HANDBOOK_PACKAGE = "debian-handbook"
HANDBOOK_HTML = "usr/share/doc/debian-handbook/html/en-US"
HANDBOOK_DIR = "debian-handbook"
HANDBOOK_URL = "https://debian-handbook.info/browse/stable/"
HANDBOOK_PUBLISHED = "2022"  # version 11.20220922, for Debian 11 bullseye

# Handbook pages the subset keeps besides the ones the CI cases cite: neighbours of the
# cited topics, so that retrieval in CI has plausible wrong pages to choose from.
SUBSET_EXTRA_PAGES = (
    "sect.apparmor.html",
    "sect.apt-cache.html",
    "sect.apt-frontends.html",
    "sect.asynchronous-task-scheduling-anacron.html",
    "sect.domain-name-servers.html",
    "sect.firewall-packet-filtering.html",
    "sect.http-web-server.html",
    "sect.kernel-compilation.html",
    "sect.network-config.html",
    "sect.remote-login.html",
    "sect.syslog.html",
    "sect.user-group-databases.html",
    "sect.virtual-private-network.html",
    "sect.windows-file-server-with-samba.html",
)


@dataclass(frozen=True)
class Pdf:
    package: str
    version: str  # the version the golden cases were written against
    member: str  # path inside the .deb (a .gz is decompressed)
    name: str  # path in the corpus folder
    toolchain: str  # what made it, checked against the PDF's Producer
    producer_has: str
    title: str
    publisher: str
    published: str
    url: str = ""


PDFS = (
    Pdf(
        "debian-faq",
        "11.1",
        "usr/share/doc/debian/FAQ/debian-faq.en.pdf.gz",
        "pdf/debian-faq.pdf",
        "DocBook + DBLaTeX + XeTeX (xdvipdfmx)",
        "xdvipdfmx",
        "The Debian GNU/Linux FAQ",
        "Debian",
        "2021-01",  # "Published January 2021" (the PDF was built in May 2022)
        "https://www.debian.org/doc/manuals/debian-faq/",
    ),
    Pdf(
        "developers-reference",
        "12.18",
        "usr/share/developers-reference/developers-reference.pdf",
        "pdf/developers-reference.pdf",
        "Sphinx + LaTeX (pdfTeX)",
        "pdfTeX",
        "Debian Developer's Reference",
        "Debian",
        "2023-03-06",  # "version 12.18, released on 2023-03-06"
        "https://www.debian.org/doc/manuals/developers-reference/",
    ),
    Pdf(
        "gutenprint-doc",
        "5.3.4.20220624T01008808d602-1",
        "usr/share/doc/gutenprint-doc/gutenprint-users-manual.pdf",
        "pdf/gutenprint-users-manual.pdf",
        "LibreOffice Writer",
        "LibreOffice",
        "Gutenprint 5.2 User's Manual",  # its PDF metadata says 5.0; the text is 5.2
        "The Gutenprint project",
        "2016",
        "https://gimp-print.sourceforge.io/",
    ),
    Pdf(
        "debian-policy",
        "4.6.2.0",
        "usr/share/doc/debian-policy/fhs/fhs-3.0.pdf.gz",
        "pdf/fhs-3.0.pdf",
        "DocBook + Apache FOP",
        "Apache FOP",
        "Filesystem Hierarchy Standard 3.0",
        "The Linux Foundation",
        "2015",
        "https://refspecs.linuxfoundation.org/FHS_3.0/",
    ),
    Pdf(
        "bash-doc",
        "5.2.15-2",
        "usr/share/doc/bash/bash.pdf",
        "pdf/bash.pdf",
        "groff + Ghostscript (ps2pdf)",
        "Ghostscript",
        "BASH(1) manual page (GNU Bash 5.2)",
        "Free Software Foundation",
        "2022",
        "https://www.gnu.org/software/bash/manual/",
    ),
)

PINNED = {HANDBOOK_PACKAGE: "11.20220922", **{pdf.package: pdf.version for pdf in PDFS}}


class BuildError(RuntimeError):
    """Something the user has to fix; the message says what."""


def log(message: str) -> None:
    print(message, flush=True)


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_tools() -> None:
    missing = [tool for tool in ("apt-get", "apt-cache", "dpkg-deb") if not shutil.which(tool)]
    if missing:
        raise BuildError(
            f"{', '.join(missing)} not found: this script needs a Debian system "
            "(apt-get download, dpkg-deb -x)"
        )


# --- apt ---------------------------------------------------------------------------------


def available_versions(package: str) -> list[str]:
    """The versions of `package` in the local package lists (none when lists are missing)."""
    result = run(["apt-cache", "madison", package])
    return [
        parts[1].strip()
        for line in result.stdout.splitlines()
        if len(parts := line.split("|")) >= 3 and parts[0].strip() == package
    ]


def apt_update() -> None:
    if os.geteuid() != 0:
        raise BuildError(
            "the Debian package lists do not know the corpus packages and updating them "
            "needs root: run `sudo apt-get update` (or this script as root) and try again"
        )
    log("  package lists missing or stale: apt-get update")
    result = run(["apt-get", "update"])
    if result.returncode != 0:
        raise BuildError(f"apt-get update failed:\n{result.stderr.strip()}")


def choose_version(package: str, updated: list[bool]) -> str:
    """The pinned version when the lists have it, else the candidate (with a warning)."""
    versions = available_versions(package)
    if not versions and not updated[0]:
        apt_update()
        updated[0] = True
        versions = available_versions(package)
    if not versions:
        raise BuildError(f"package {package!r} is not in the Debian package lists")
    pinned = PINNED[package]
    if pinned in versions:
        return pinned
    log(
        f"  WARNING: {package} {pinned} is no longer available; using {versions[0]} "
        "(quotes in the golden cases may have moved: re-check them)"
    )
    return versions[0]


def deb_fields(path: Path) -> tuple[str, str, str]:
    result = run(["dpkg-deb", "-f", str(path), "Package", "Version", "Architecture"])
    fields = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    return fields.get("Package", ""), fields.get("Version", ""), fields.get("Architecture", "")


def cached_deb(cache: Path, package: str, version: str) -> Path | None:
    for path in sorted(cache.glob(f"{package}_*.deb")):
        name, found, _ = deb_fields(path)
        if name == package and found == version:
            return path
    return None


def fetch_deb(cache: Path, package: str, updated: list[bool]) -> Path:
    version = choose_version(package, updated)
    path = cached_deb(cache, package, version)
    if path is not None:
        log(f"  {package} {version}: cached {path.name}")
        return path
    started = time.monotonic()
    # As root, apt cannot drop to its sandbox user in a folder that user cannot write to;
    # it then downloads as root after a warning, which is what we want here.
    result = run(["apt-get", "download", "-q", f"{package}={version}"], cwd=cache)
    if result.returncode != 0 and not updated[0]:
        apt_update()
        updated[0] = True
        result = run(["apt-get", "download", "-q", f"{package}={version}"], cwd=cache)
    if result.returncode != 0:
        raise BuildError(f"apt-get download {package}={version} failed:\n{result.stderr.strip()}")
    path = cached_deb(cache, package, version)
    if path is None:
        raise BuildError(f"apt-get download {package}={version} left no .deb in {cache}")
    size, seconds = path.stat().st_size / 1e6, time.monotonic() - started
    log(f"  {package} {version}: downloaded {path.name} ({size:.1f} MB, {seconds:.1f} s)")
    return path


def extract(deb: Path, into: Path) -> Path:
    folder = into / deb.stem
    folder.mkdir(parents=True, exist_ok=True)
    result = run(["dpkg-deb", "-x", str(deb), str(folder)])
    if result.returncode != 0:
        raise BuildError(f"dpkg-deb -x {deb.name} failed:\n{result.stderr.strip()}")
    return folder


# --- PDFs --------------------------------------------------------------------------------


def pdf_info(path: Path) -> dict[str, object]:
    """Producer, creator, title and page count, by pypdf (else poppler's pdfinfo)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return pdfinfo_fields(path)
    reader = PdfReader(str(path))
    meta = reader.metadata or {}
    return {
        "producer": str(meta.get("/Producer", "") or ""),
        "creator": str(meta.get("/Creator", "") or ""),
        "title": str(meta.get("/Title", "") or ""),
        "pages": len(reader.pages),
    }


def pdfinfo_fields(path: Path) -> dict[str, object]:
    if not shutil.which("pdfinfo"):
        return {
            "producer": "unknown (no pypdf, no pdfinfo)",
            "creator": "",
            "title": "",
            "pages": 0,
        }
    result = run(["pdfinfo", str(path)])
    fields = {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in result.stdout.splitlines())
    }
    return {
        "producer": fields.get("Producer", ""),
        "creator": fields.get("Creator", ""),
        "title": fields.get("Title", ""),
        "pages": int(fields.get("Pages", "0") or 0),
    }


# --- copying -----------------------------------------------------------------------------


@dataclass
class Stats:
    copied: int = 0
    unchanged: int = 0
    removed: int = 0


def place(data: bytes, target: Path, stats: Stats) -> str:
    """Write `data` to `target` unless it already holds exactly that; its sha256."""
    digest = hashlib.sha256(data).hexdigest()
    if target.is_file() and sha256(target) == digest:
        stats.unchanged += 1
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)
    stats.copied += 1
    return digest


def read_member(root: Path, member: str) -> bytes:
    path = root / member
    if not path.is_file():
        raise BuildError(f"{member} is not in the package (has its layout changed?)")
    data = path.read_bytes()
    return gzip.decompress(data) if member.endswith(".gz") else data


def remove_stale(out: Path, keep: set[str], stats: Stats, folders: Iterable[str]) -> None:
    """Delete files a builder wrote before but does not write now (only in its folders)."""
    for folder in (out / name for name in folders):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(out).as_posix() not in keep:
                path.unlink()
                stats.removed += 1
                log(f"  removed stale {path.relative_to(out)}")


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def sources_toml(handbook: list[tuple[str, str]]) -> str:
    lines = [
        "# Written by evals/build_debian_corpus.py: metadata for the Debian evaluation corpus.",
        "# Handbook pages keep their own <title>; only publisher, date and address are given.",
        "",
    ]
    for pdf in PDFS:
        lines += [
            f"[{toml_string(pdf.name)}]",
            f"title = {toml_string(pdf.title)}",
            f"publisher = {toml_string(pdf.publisher)}",
            f'published = "{pdf.published}"',
            *([f"url = {toml_string(pdf.url)}"] if pdf.url else []),
            'language = "en"',
            "",
        ]
    for name, page in handbook:
        lines += [
            f"[{toml_string(name)}]",
            'author = "Raphaël Hertzog and Roland Mas"',
            'publisher = "Freexian"',
            f'published = "{HANDBOOK_PUBLISHED}"',
            f"url = {toml_string(HANDBOOK_URL + page)}",
            'language = "en"',
            "",
        ]
    return "\n".join(lines)


def subset_pages(golden: Path) -> set[str]:
    """Handbook pages the CI golden cases cite, plus SUBSET_EXTRA_PAGES."""
    if not golden.is_file():
        raise BuildError(f"--subset needs {golden} (the CI golden cases) to choose its pages")
    pages = set(SUBSET_EXTRA_PAGES)
    for line in golden.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        source = json.loads(line).get("source") or []
        for name in [source] if isinstance(source, str) else source:
            if name.startswith(HANDBOOK_DIR + "/"):
                pages.add(name.removeprefix(HANDBOOK_DIR + "/"))
    return pages


def build(out: Path, cache: Path, pages_wanted: set[str] | None) -> None:
    require_tools()
    cache.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    log(f"cache: {cache}")
    log("packages:")
    updated = [False]
    debs = {package: fetch_deb(cache, package, updated) for package in PINNED}

    stats = Stats()
    files: list[dict[str, object]] = []
    keep: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="debian-corpus-") as temporary:
        log("extracting (dpkg-deb -x) and copying:")
        roots = {package: extract(deb, Path(temporary)) for package, deb in debs.items()}

        html_root = roots[HANDBOOK_PACKAGE] / HANDBOOK_HTML
        if not html_root.is_dir():
            raise BuildError(f"{HANDBOOK_PACKAGE} has no {HANDBOOK_HTML}")
        pages = sorted(p.relative_to(html_root).as_posix() for p in html_root.rglob("*.html"))
        if pages_wanted is not None:
            unknown = sorted(pages_wanted - set(pages))
            if unknown:
                raise BuildError(f"subset pages not in the handbook: {', '.join(unknown)}")
            pages = [page for page in pages if page in pages_wanted]
        handbook: list[tuple[str, str]] = []
        for page in pages:
            name = f"{HANDBOOK_DIR}/{page}"
            data = (html_root / page).read_bytes()
            digest = place(data, out / name, stats)
            keep.add(name)
            handbook.append((name, page))
            files.append(
                {
                    "path": name,
                    "package": HANDBOOK_PACKAGE,
                    "from": f"/{HANDBOOK_HTML}/{page}",
                    "bytes": len(data),
                    "sha256": digest,
                }
            )
        log(f"  {HANDBOOK_PACKAGE}: {len(pages)} English HTML pages -> {out / HANDBOOK_DIR}")

        for pdf in PDFS:
            data = read_member(roots[pdf.package], pdf.member)
            digest = place(data, out / pdf.name, stats)
            keep.add(pdf.name)
            info = pdf_info(out / pdf.name)
            if pdf.producer_has.lower() not in str(info["producer"]).lower():
                log(
                    f"  WARNING: {pdf.name} was made by {info['producer']!r}, "
                    f"expected {pdf.producer_has} ({pdf.toolchain})"
                )
            log(
                f"  {pdf.package}: {pdf.name} ({len(data) / 1e6:.2f} MB, {info['pages']} pages, "
                f"producer {info['producer']!r})"
            )
            files.append(
                {
                    "path": pdf.name,
                    "package": pdf.package,
                    "from": "/" + pdf.member,
                    "bytes": len(data),
                    "sha256": digest,
                    "toolchain": pdf.toolchain,
                    **info,
                }
            )

    remove_stale(out, keep, stats, (HANDBOOK_DIR, "pdf"))
    manifest = {
        "built_by": "evals/build_debian_corpus.py",
        "subset": pages_wanted is not None,
        "packages": [package_entry(package, deb) for package, deb in debs.items()],
        "files": files,
    }
    finish(out, manifest, sources_toml(handbook), stats, "documents")


def package_entry(package: str, deb: Path) -> dict[str, object]:
    """A package's line in the manifest: its version, architecture and .deb checksum."""
    _, version, architecture = deb_fields(deb)
    return {
        "package": package,
        "version": version,
        "architecture": architecture,
        "deb": deb.name,
        "deb_sha256": sha256(deb),
    }


def finish(
    out: Path, manifest: dict[str, Any], sources: str | None, stats: Stats, what: str
) -> None:
    """Write the manifest and sources.toml (none when `sources` is None), then say what the
    folder now holds."""
    metadata = {MANIFEST: json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"}
    if sources is not None:
        metadata["sources.toml"] = sources
    for name, text in metadata.items():
        place(text.encode("utf-8"), out / name, stats)
    files = manifest["files"]
    total = sum(int(str(f["bytes"])) for f in files) / 1e6
    log(f"manifest: {out / MANIFEST}")
    log(
        f"done: {out} holds {len(files)} {what} ({total:.1f} MB): "
        f"{stats.copied} files written, {stats.unchanged} unchanged, {stats.removed} removed"
    )


def run_builder(
    description: str,
    default_out: Path,
    build_into: Callable[[Path, Path], None],
    argv: list[str] | None = None,
) -> int:
    """The command line of a builder that reads only `--out` and `--cache` (the Python
    documentation and release-notes corpora): build, time and report, or say why not."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, help=f"output folder (default {default_out})")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"where .deb files are kept ({DEFAULT_CACHE})",
    )
    args = parser.parse_args(argv)
    out = (args.out or default_out).expanduser().resolve()
    if out == REPO or REPO in out.parents:
        log(f"note: {out} is inside the repository; the corpus is meant to stay outside git")
    started = time.monotonic()
    try:
        build_into(out, args.cache.expanduser().resolve())
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    log(f"took {time.monotonic() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument(
        "--subset",
        action="store_true",
        help=f"build the small CI corpus instead (default folder {DEFAULT_SUBSET_OUT})",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"where .deb files are kept ({DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--golden-ci",
        type=Path,
        default=CI_GOLDEN,
        help="the CI golden cases whose handbook pages the subset keeps",
    )
    args = parser.parse_args(argv)
    out = args.out or (DEFAULT_SUBSET_OUT if args.subset else DEFAULT_OUT)
    out = out.expanduser().resolve()
    if out == REPO or REPO in out.parents:
        log(f"note: {out} is inside the repository; the corpus is meant to stay outside git")
    started = time.monotonic()
    try:
        build(
            out,
            args.cache.expanduser().resolve(),
            subset_pages(args.golden_ci) if args.subset else None,
        )
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    log(f"took {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
