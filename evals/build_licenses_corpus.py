#!/usr/bin/env python3
"""Build the fifth evaluation corpus, legal texts (free-software licenses), reproducibly.

    .venv/bin/python evals/build_licenses_corpus.py               # ../corpora/licenses

What goes in: every license text that Debian's `base-files` package ships in
/usr/share/common-licenses (Apache-2.0, Artistic, BSD, CC0-1.0, GFDL-1.2, GFDL-1.3, GPL-1,
GPL-2, GPL-3, LGPL-2, LGPL-2.1, LGPL-3, MPL-1.1, MPL-2.0), each copied byte for byte under
its own file name, at the top of the output folder. The package also ships GFDL, GPL and
LGPL as symbolic links to the latest version (GFDL-1.3, GPL-3, LGPL-3); they are resolved
and written as ordinary files with the target's content, as the copies in users' folders
are, so the corpus holds each of those texts twice under two names.

The texts are left as they are: hard wraps, the FSF's address, the "END OF TERMS AND
CONDITIONS" trailers. No `sources.toml` is written, on purpose (as for the release notes):
a license's title and version are in its own text and in its file name only, and finding
them there is what this corpus tests.

The .deb is fetched, pinned by version, with the Debian corpus builder's functions
(`evals/build_debian_corpus.py`: `apt-get download` into the same cache folder, the pinned
version or, with a warning, the candidate when the pinned one has left the package lists),
unpacked with `dpkg-deb -x` into a temporary folder, and the texts are written into the
output folder, which is outside git. The output folder gets `.manifest.json` (the package's
version and .deb checksum; each file's origin, the link it was resolved from, and checksum).
A second run with the cache only compares checksums.

Needs `apt-get` and `dpkg-deb` (Debian or a derivative with Debian's bookworm lists) and,
when the package lists are missing, root to run `apt-get update`. `evals/` is a data
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
DEFAULT_OUT = REPO.parent / "corpora" / "licenses"

PACKAGE = "base-files"
VERSION = "12.4+deb12u15"  # the version the golden cases were written against
FOLDER = "usr/share/common-licenses"
# What the folder must hold, as a check that the package's layout has not changed: the
# texts, and the links to the latest versions (name -> target).
EXPECTED_FILES = (
    "Apache-2.0",
    "Artistic",
    "BSD",
    "CC0-1.0",
    "GFDL-1.2",
    "GFDL-1.3",
    "GPL-1",
    "GPL-2",
    "GPL-3",
    "LGPL-2",
    "LGPL-2.1",
    "LGPL-3",
    "MPL-1.1",
    "MPL-2.0",
)
EXPECTED_LINKS = {"GFDL": "GFDL-1.3", "GPL": "GPL-3", "LGPL": "LGPL-3"}

debian.PINNED.setdefault(PACKAGE, VERSION)


def licenses(root: Path) -> list[tuple[str, Path, str | None]]:
    """Each entry of the package's common-licenses folder as (name, file to copy, the link
    target it was resolved to or None), in name order; BuildError if the folder's layout is
    not the expected one (a text or link missing, a link to something else)."""
    folder = root / FOLDER
    if not folder.is_dir():
        raise debian.BuildError(f"/{FOLDER} is not in {PACKAGE} (has its layout changed?)")
    entries: list[tuple[str, Path, str | None]] = []
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            resolved = path.resolve()
            if resolved.parent != folder.resolve() or not resolved.is_file():
                raise debian.BuildError(f"/{FOLDER}/{path.name} links outside the folder")
            entries.append((path.name, resolved, resolved.name))
        elif path.is_file():
            entries.append((path.name, path, None))
        else:
            raise debian.BuildError(f"/{FOLDER}/{path.name} is not a file")
    files = {name for name, _, target in entries if target is None}
    links = {name: target for name, _, target in entries if target is not None}
    if missing := sorted(set(EXPECTED_FILES) - files):
        raise debian.BuildError(f"{PACKAGE} no longer ships {', '.join(missing)}")
    if links != EXPECTED_LINKS:
        raise debian.BuildError(
            f"{PACKAGE}'s links are {links}, expected {EXPECTED_LINKS} "
            "(a new latest version? re-check the golden cases)"
        )
    if extra := sorted(files - set(EXPECTED_FILES)):
        debian.log(f"  note: {PACKAGE} ships texts not listed here: {', '.join(extra)}")
    return entries


def build(out: Path, cache: Path) -> None:
    debian.require_tools()
    cache.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    debian.log(f"cache: {cache}")
    debian.log("packages:")
    deb = debian.fetch_deb(cache, PACKAGE, [False])

    stats = debian.Stats()
    files: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="licenses-corpus-") as temporary:
        debian.log("extracting (dpkg-deb -x) and copying:")
        root = debian.extract(deb, Path(temporary))
        for name, path, target in licenses(root):
            data = path.read_bytes()
            if not data.strip():
                raise debian.BuildError(f"/{FOLDER}/{name} is empty")
            digest = debian.place(data, out / name, stats)
            entry: dict[str, object] = {
                "path": name,
                "package": PACKAGE,
                "from": f"/{FOLDER}/{name}",
                "bytes": len(data),
                "sha256": digest,
            }
            if target is not None:
                entry["link_to"] = target
            files.append(entry)
            note = f" (link to {target}, copied as a file)" if target else ""
            debian.log(f"  {name}: {len(data):,} bytes{note}")

    keep = {str(entry["path"]) for entry in files}
    for path in sorted(out.iterdir()):
        # Only top-level files this builder writes: its manifest and the texts.
        if path.is_file() and not path.name.startswith(".") and path.name not in keep:
            path.unlink()
            stats.removed += 1
            debian.log(f"  removed stale {path.name}")
    manifest = {
        "built_by": "evals/build_licenses_corpus.py",
        "packages": [debian.package_entry(PACKAGE, deb)],
        "files": files,
    }
    debian.finish(out, manifest, None, stats, "license texts")


def main(argv: list[str] | None = None) -> int:
    return debian.run_builder(__doc__.split("\n\n")[0], DEFAULT_OUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
