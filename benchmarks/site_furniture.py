"""What the site-furniture rule drops from real documentation sites, at several shares.

    python benchmarks/site_furniture.py FOLDER [FOLDER ...] [--shares 0.3 0.5 0.7]

Each folder is read as a corpus (`assistant/ingest/loaders.py`); for each of its sites (top
folders of at least `MIN_SITE_PAGES` web pages) it prints the pages, and at each share the
blocks that stand on at least that share of the pages: what `site_furniture.py` would drop
at that share. A good share drops template text only (taglines, build dates, "Part of the
... suite") and no content. The folders used for evals/README.md are the Debian eval
corpora and the HTML of six Debian documentation packages, unpacked with `apt-get download`
and `dpkg-deb -x`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.config import Settings
from assistant.ingest.loaders import load_corpus
from assistant.ingest.site_furniture import pages_holding, sites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--shares", nargs="+", type=float, default=[0.3, 0.5, 0.7])
    parser.add_argument("--show", type=int, default=6, help="blocks shown per site and share")
    args = parser.parse_args()
    limits = Settings().load_limits
    for folder in args.folders:
        for site, pages in sorted(sites(list(load_corpus(folder, limits))).items()):
            counts = pages_holding(pages)
            print(f"{folder}/{site}: {len(pages)} pages")
            for share in args.shares:
                found = [text for text, n in counts.most_common() if n >= share * len(pages)]
                shown = ", ".join(repr(text[:60]) for text in found[: args.show])
                print(f"  share >= {share}: {len(found)} blocks {shown}")


if __name__ == "__main__":
    main()
