#!/usr/bin/env python3
"""Build the fourth evaluation corpus, release notes split per release, reproducibly.

    .venv/bin/python evals/build_release_notes_corpus.py          # ../corpora/release-notes

What goes in: the release notes (NEWS, changelog) that five Debian packages ship under
/usr/share/doc, one file per release, in one folder per project (PROJECTS below):

- `sed/`, `grep/`: GNU NEWS files ("* Noteworthy changes in release 4.9 (2022-11-06)
  [stable]", then `**` sections of indented paragraphs);
- `nano/`: nano's NEWS ("2023.01.18 - GNU nano 7.2 "<nickname>"", then one bullet a line);
- `rsync/`: rsync's NEWS.md ("# NEWS for rsync 3.2.7 (20 Oct 2022)", Markdown sections);
- `click/`: Click's CHANGES.rst ("Version 8.1.3", an underline, "Released 2022-04-28").

Each release is written to `<project>/<date>_v<version>.txt` (`.md` for rsync's Markdown),
e.g. `nano/2021-03-03_v5.6.1.txt`. The heading lines that state the version and date (and
rsync's separator rule between releases) are left out, so a document's project, version
and date are in its path only; the rest is the project's text as written, hard wraps and
bullets included. No `sources.toml` is written, on purpose: nothing but the path says which
release a file is. Releases older than each project's FIRST are left out (older entries of
sed, grep and nano use other heading styles; Click's and rsync's would make the corpus
mostly 2000s history).

The .debs are fetched, pinned by version, with the Debian corpus builder's functions
(`evals/build_debian_corpus.py`: `apt-get download` into the same cache folder, the pinned
version or, with a warning, the candidate when the pinned one has left the package lists),
unpacked with `dpkg-deb -x` into a temporary folder, and the split files are written into
the output folder, which is outside git. The output folder gets `.manifest.json` (each
package's version and .deb checksum; each file's origin, release, date, the heading lines
left out, its line range in the decompressed notes, and checksum). A second run with the
cache only compares checksums.

Needs `apt-get` and `dpkg-deb` (Debian or a derivative with Debian's bookworm lists) and,
when the package lists are missing, root to run `apt-get update`. `evals/` is a data
folder; this is a plain script, not part of the `assistant` package.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# The Debian builder is a plain script beside this one, not a package: import it from its
# folder, without leaving a __pycache__ in evals/.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_debian_corpus as debian  # noqa: E402 (after the sys.path line)

REPO = debian.REPO
DEFAULT_OUT = REPO.parent / "corpora" / "release-notes"


@dataclass(frozen=True)
class Style:
    """How one project's notes head a release.

    `heading` matches every release's heading from the start of its line (groups `version`
    and `date`); what it matches is left out of the release's file. `clean` is the whole
    heading line of a release that is kept (a kept release whose heading runs on into prose
    is an error, as the split would then cut a sentence). `date_formats` read `date` for
    `datetime.strptime`. `end` marks where the last release's text stops (a trailing
    table), and `trailer` is a line that closes every release (a separator rule)."""

    heading: str
    clean: str
    date_formats: tuple[str, ...]
    end: str | None = None
    trailer: str | None = None


GNU_NEWS = Style(
    heading=r"^\* Noteworthy changes in release (?P<version>\S+) \((?P<date>[\d-]+)\).*\n",
    clean=r"\* Noteworthy changes in release \S+ \([\d-]+\) \[stable\]\n",
    date_formats=("%Y-%m-%d",),
)
NANO_NEWS = Style(
    heading=r"^(?P<date>\d{4}\.\d{2}\.\d{2}) - (?:GNU )?nano (?P<version>[\w.]+).*\n",
    clean=r"\d{4}\.\d{2}\.\d{2} - GNU nano [\w.]+ \"[^\"\n]*\"\n",
    date_formats=("%Y.%m.%d",),
)
RSYNC_NEWS = Style(
    heading=r"^# NEWS for rsync (?P<version>[\w.]+)(?:,[^(\n]*)? \((?P<date>[^)\n]+)\)\n",
    clean=r"# NEWS for rsync [\w.]+ \([^)\n]+\)\n",
    date_formats=("%d %b %Y", "%d %B %Y"),
    end=r"^## Partial Protocol History",
    trailer=r"-{40,}",
)
PALLETS_CHANGES = Style(
    heading=(
        r"^Version (?P<version>[\w.]+)\n-{3,}\n\n"
        r"(?:Released (?P<date>\d{4}-\d{2}-\d{2})|Unreleased)(?:, codename \"[^\"\n]*\")?\n"
    ),
    clean=r"Version [\w.]+\n-{3,}\n\nReleased \d{4}-\d{2}-\d{2}(?:, codename \"[^\"\n]*\")?\n",
    date_formats=("%Y-%m-%d",),
)


@dataclass(frozen=True)
class Project:
    folder: str  # the project's folder in the corpus
    package: str
    version: str  # the version the golden cases were written against
    member: str  # the notes' path inside the .deb (a .gz is decompressed)
    style: Style
    first: str  # the oldest release kept (the notes list the newest first)
    suffix: str = ".txt"


PROJECTS = (
    Project("sed", "sed", "4.9-1+deb12u1", "usr/share/doc/sed/NEWS.gz", GNU_NEWS, "4.3"),
    Project("grep", "grep", "3.8-5", "usr/share/doc/grep/NEWS.gz", GNU_NEWS, "2.23"),
    Project("nano", "nano", "7.2-1+deb12u1", "usr/share/doc/nano/NEWS.gz", NANO_NEWS, "4.0"),
    Project(
        "rsync",
        "rsync",
        "3.2.7-1+deb12u6",
        "usr/share/doc/rsync/NEWS.md.gz",
        RSYNC_NEWS,
        "3.1.0",
        ".md",
    ),
    Project(
        "click",
        "python3-click",
        "8.1.3-2",
        "usr/share/doc/python3-click/changelog.gz",
        PALLETS_CHANGES,
        "6.0",
    ),
)

# The fetch functions look the pins up in the Debian builder's table.
for _project in PROJECTS:
    debian.PINNED.setdefault(_project.package, _project.version)


@dataclass(frozen=True)
class Release:
    version: str
    date: str | None  # ISO (YYYY-MM-DD), None when the notes give none
    heading: str  # the lines left out
    text: str
    first_line: int  # 1-based, in the decompressed notes
    last_line: int

    def name(self, project: Project) -> str:
        stem = f"{self.date}_v{self.version}" if self.date else f"{project.folder}-{self.version}"
        return f"{project.folder}/{stem}{project.suffix}"


def iso_date(value: str, formats: tuple[str, ...]) -> str:
    for date_format in formats:
        try:
            return datetime.strptime(value, date_format).date().isoformat()
        except ValueError:
            continue
    raise debian.BuildError(f"cannot read the release date {value!r}")


def body(text: str, style: Style) -> str:
    """A release's text without blank lines around it and without its closing rule."""
    lines = text.strip("\n").splitlines()
    if style.trailer and lines and re.fullmatch(style.trailer, lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip("\n").rstrip() + "\n"


def split_releases(notes: str, project: Project) -> list[Release]:
    """The releases of `notes` from the newest down to `project.first`, newest first."""
    style = project.style
    if style.end and (stop := re.search(style.end, notes, re.MULTILINE)):
        notes = notes[: stop.start()]
    headings = list(re.finditer(style.heading, notes, re.MULTILINE))
    releases: list[Release] = []
    for number, heading in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(notes)
        version = heading["version"]
        if not re.fullmatch(style.clean, heading[0]):
            raise debian.BuildError(
                f"{project.package}: the heading of {version} is not a heading line alone: "
                f"{heading[0].strip()!r} (has the notes' layout changed?)"
            )
        text = body(notes[heading.end() : end], style)
        if not text.strip():
            raise debian.BuildError(f"{project.package}: release {version} has no text")
        releases.append(
            Release(
                version=version,
                date=iso_date(heading["date"], style.date_formats) if heading["date"] else None,
                heading=heading[0].rstrip("\n"),
                text=text,
                first_line=notes.count("\n", 0, heading.start()) + 1,
                last_line=notes.count("\n", 0, end),
            )
        )
        if version == project.first:
            return releases
    raise debian.BuildError(
        f"{project.package}: release {project.first} not found in /{project.member} "
        "(has the notes' layout changed?)"
    )


def build(out: Path, cache: Path) -> None:
    debian.require_tools()
    cache.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    debian.log(f"cache: {cache}")
    debian.log("packages:")
    updated = [False]
    debs = {
        project.package: debian.fetch_deb(cache, project.package, updated) for project in PROJECTS
    }

    stats = debian.Stats()
    files: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="release-notes-corpus-") as temporary:
        debian.log("extracting (dpkg-deb -x) and splitting:")
        for project in PROJECTS:
            root = debian.extract(debs[project.package], Path(temporary))
            notes = debian.read_member(root, project.member).decode("utf-8")
            releases = split_releases(notes, project)
            names = [release.name(project) for release in releases]
            if len(set(names)) != len(names):
                raise debian.BuildError(f"{project.package}: two releases share a file name")
            for release, name in zip(releases, names, strict=True):
                data = release.text.encode("utf-8")
                digest = debian.place(data, out / name, stats)
                files.append(
                    {
                        "path": name,
                        "package": project.package,
                        "from": f"/{project.member}",
                        "lines": [release.first_line, release.last_line],
                        "release": release.version,
                        "date": release.date,
                        "heading": release.heading,
                        "bytes": len(data),
                        "sha256": digest,
                    }
                )
            sizes = sorted(len(release.text) for release in releases)
            debian.log(
                f"  {project.folder}/: {len(releases)} releases, {releases[-1].version} "
                f"({releases[-1].date}) to {releases[0].version} ({releases[0].date}), "
                f"{sizes[0]:,}-{sizes[-1]:,} characters (median {sizes[len(sizes) // 2]:,})"
            )

    debian.remove_stale(
        out, {str(entry["path"]) for entry in files}, stats, (p.folder for p in PROJECTS)
    )
    manifest = {
        "built_by": "evals/build_release_notes_corpus.py",
        "packages": [
            debian.package_entry(project.package, debs[project.package]) for project in PROJECTS
        ],
        "files": files,
    }
    debian.finish(out, manifest, None, stats, "release notes")


def main(argv: list[str] | None = None) -> int:
    return debian.run_builder(__doc__.split("\n\n")[0], DEFAULT_OUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
