"""Site furniture: blocks repeated on most pages of one folder of web pages."""

from __future__ import annotations

from assistant.ingest.document import DocumentBuilder, LoadedDocument, SkippedFile
from assistant.ingest.site_furniture import MIN_SITE_PAGES, drop_site_furniture

TAGLINE = "Small. Fast. Reliable."


def page(source: str, *blocks: tuple[str, str]) -> LoadedDocument:
    builder = DocumentBuilder()
    for kind, text in blocks:
        builder.add(text, kind, 1 if kind == "heading" else 0)  # type: ignore[arg-type]
    built = builder.build()
    return LoadedDocument(source, built.text, f"hash-{source}", {}, built.blocks)


def manual_page(n: int, tagline: bool = True) -> LoadedDocument:
    blocks = [("heading", "SYNOPSIS"), ("paragraph", f"Command {n} copies file {n}.")]
    return page(f"manual/cmd{n}.html", *blocks, *([("paragraph", TAGLINE)] if tagline else []))


def texts(document: LoadedDocument) -> list[str]:
    return [document.text[b.start : b.end] for b in document.blocks]


def test_a_block_on_most_pages_of_a_site_is_dropped_and_headings_stay() -> None:
    pages = [manual_page(n) for n in range(MIN_SITE_PAGES)]
    cleaned = drop_site_furniture(pages)
    assert texts(cleaned[3]) == ["SYNOPSIS", "Command 3 copies file 3."]
    assert cleaned[3].text == "SYNOPSIS\n\nCommand 3 copies file 3."
    assert cleaned[3].content_hash != pages[3].content_hash, "what was dropped is in the hash"


def test_rare_blocks_small_sites_and_other_formats_are_left_alone() -> None:
    share = [manual_page(n, tagline=n % 3 == 0) for n in range(MIN_SITE_PAGES + 1)]  # a third
    small = [page(f"notes/n{n}.html", ("paragraph", TAGLINE)) for n in range(3)]
    text_files = [page(f"manual/read{n}.txt", ("paragraph", TAGLINE)) for n in range(20)]
    skipped = SkippedFile("manual/broken.html", "empty file")
    items = [*share, *small, *text_files, skipped]
    assert drop_site_furniture(items) == items


def test_a_page_of_nothing_but_furniture_keeps_it() -> None:
    pages = [manual_page(n) for n in range(MIN_SITE_PAGES)]
    bare = page("manual/about.html", ("heading", "ABOUT"), ("paragraph", TAGLINE))
    assert drop_site_furniture([*pages, bare])[-1] == bare
