"""Site furniture: text a site's template repeats on most of its pages, found by repetition.

The HTML extractor drops what the markup names as furniture (navigation, footers,
sidebars). A template also adds text it does not name: SQLite's manual has "Small. Fast.
Reliable." and "Choose any three." on 119 of 120 pages, and git's manual pages end with
"Part of the git(1) suite" on 97 of 120. That text answers nothing and crowds the passages
of every question about the site. So a block that stands on at least half the web pages of
one folder (of at least eight pages) is dropped from each of them. Headings stay ("SYNOPSIS"
on every manual page is structure). On the Debian handbook and Python's pages nothing
reaches the share: nothing is dropped there.

A page's text then depends on its neighbours, so its content hash includes what was
dropped: when the site's furniture changes, the page is indexed again.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeGuard

from assistant.ingest.document import DocumentBuilder, LoadedDocument, SkippedFile

WEB_PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".mhtml", ".mht")
# A folder of fewer pages has no template to tell from its content.
MIN_SITE_PAGES = 8
# The share of a site's pages a block must stand on to be furniture. At 0.5 the pages of
# six documentation generators lose only template text (evals/README.md); at
# 0.3 Python's library pages would lose "New in version 3.2." and "See also".
MIN_PAGE_SHARE = 0.5


def site_of(source: str) -> str:
    """A page's site: the top folder it stands in ("" for a page at the corpus root)."""
    head, separator, _ = source.partition("/")
    return head if separator else ""


def is_web_page_name(source: str) -> bool:
    return source.lower().endswith(WEB_PAGE_SUFFIXES)


def is_web_page(item: LoadedDocument | SkippedFile) -> TypeGuard[LoadedDocument]:
    return isinstance(item, LoadedDocument) and is_web_page_name(item.source)


def _texts(document: LoadedDocument) -> set[str]:
    """The page's blocks that could be furniture: every one but its headings."""
    return {document.text[b.start : b.end] for b in document.blocks if b.kind != "heading"}


def sites(items: Sequence[LoadedDocument | SkippedFile]) -> dict[str, list[LoadedDocument]]:
    """The web pages by site, each site of at least MIN_SITE_PAGES pages."""
    pages: dict[str, list[LoadedDocument]] = defaultdict(list)
    for item in items:
        if is_web_page(item):
            pages[site_of(item.source)].append(item)
    return {site: found for site, found in pages.items() if len(found) >= MIN_SITE_PAGES}


def pages_holding(pages: Sequence[LoadedDocument]) -> Counter[str]:
    """How many of the pages each non-heading block stands on."""
    return Counter(text for page in pages for text in _texts(page))


def site_furniture(items: Sequence[LoadedDocument | SkippedFile]) -> dict[str, frozenset[str]]:
    """Each site's furniture: the non-heading blocks on at least MIN_PAGE_SHARE of its pages."""
    furniture: dict[str, frozenset[str]] = {}
    for site, pages in sites(items).items():
        least = MIN_PAGE_SHARE * len(pages)
        furniture[site] = frozenset(
            text for text, count in pages_holding(pages).items() if count >= least
        )
    return furniture


def without_furniture(document: LoadedDocument, furniture: frozenset[str]) -> LoadedDocument:
    """The page without its site's furniture (a page of nothing else keeps it all)."""
    kept = [
        b
        for b in document.blocks
        if b.kind == "heading" or document.text[b.start : b.end] not in furniture
    ]
    if len(kept) == len(document.blocks) or all(b.kind == "heading" for b in kept):
        return document
    builder = DocumentBuilder()
    for block in kept:
        builder.add(document.text[block.start : block.end], block.kind, block.level, block.page)
    rebuilt = builder.build()
    digest = hashlib.sha256(document.content_hash.encode())
    for text in sorted(_texts(document) & furniture):
        digest.update(b"\x00" + text.encode())
    return replace(
        document, text=rebuilt.text, blocks=rebuilt.blocks, content_hash=digest.hexdigest()
    )


def drop_site_furniture(
    items: Sequence[LoadedDocument | SkippedFile],
) -> list[LoadedDocument | SkippedFile]:
    """The loaded corpus with each web page's site furniture taken out; the rest as it was."""
    furniture = site_furniture(items)
    return [
        without_furniture(item, furniture[site_of(item.source)])
        if is_web_page(item) and site_of(item.source) in furniture
        else item
        for item in items
    ]
