"""Where a PDF's sections start, and each heading placed where the page prints it.

A PDF states its structure in one of four ways, tried in order: bookmarks (the outline
TeX, office suites and DocBook tool chains write), a printed table of contents with dotted
leaders (Apache FOP writes no outline), section names in capitals (a groff manual page), or
numbered section lines ("6.2.1. Initialization": a web page printed by a browser has no
outline at all).
Each gives (level, title) per page; `page_blocks` then finds the title among the page's
paragraphs, after its number, wrapped over lines, or read into the paragraph before.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from assistant.text.distinctive import distinctive_words

# "2.1 Installing . . . . . . . 14": a table-of-contents line, no prose.
DOT_LEADER = re.compile(r"(\.\s?){5,}\s*\d*\s*$")
Outline = dict[int, list[tuple[int, str]]]  # page index -> (level, title) in order


def bookmarks(pdf: object, page_count: int) -> Outline:
    """Bookmarks starting on each page, as (level, title), in order."""
    import pypdfium2 as pdfium

    starts: Outline = {}
    try:
        outline = list(pdf.get_toc())  # type: ignore[attr-defined]
    except pdfium.PdfiumError:  # a broken outline (a cycle, say) only costs the headings
        return {}
    for bookmark in outline:
        destination = bookmark.get_dest()
        page = destination.get_index() if destination is not None else None
        title = " ".join(bookmark.get_title().split())
        if page is not None and 0 <= page < page_count and title:
            starts.setdefault(page, []).append((bookmark.level + 1, title))
    return starts


# What a printed heading may carry before its bookmark's title: "4.3", "Chapter 2", "A.1.".
_HEADING_LABEL = (
    r"(?:(?:chapter|part|appendix|section)\s+\w{1,4}[.:)]?"
    r"|\d+(?:\.\d+)*[.)]?|[a-z](?:\.\d+)+[.)]?)\s+"
)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s")
_SECTION_NUMBER = re.compile(r"^\d+\.\d+")
# Bookmarks are often typed with straight quotes where the page prints curly ones.
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "`": "'"})
# A printed heading may wrap onto this many lines, each read as a paragraph of its own.
HEADING_MAX_LINES = 3


def _folded(text: str) -> str:
    """Case and quote style folded, one character for one (offsets stay valid)."""
    return text.translate(_QUOTES).lower()


def _printed_heading(paragraph: str, title: str) -> tuple[int, int] | None:
    """Where the paragraph prints the title of a bookmark or contents entry: after its
    number ("4.3 Title") or as "Chapter 1. Title" for "1. Title"; at the paragraph's start
    or after a sentence, since a heading line can be read into the paragraph before. A
    title numbered "4.3" or deeper can stand anywhere: such a number is no prose."""
    folded = _folded(title)
    if number := _NUMBERED.match(title):
        bare = re.escape(folded[number.end() :])
        forms = [
            re.escape(folded),
            rf"(?:chapter|part|appendix|section)\s+{re.escape(number[1])}[.)]?\s+{bare}",
        ]
    else:
        forms = [rf"(?:{_HEADING_LABEL})?{re.escape(folded)}"]
    start = r"(?<=\s)" if _SECTION_NUMBER.match(title) else r"(?<=[.!?:;]\s)"
    heading = rf"(?:^|{start})(?:{'|'.join(forms)})(?!\w)"
    found = re.search(heading, _folded(paragraph))
    return found.span() if found else None


def _find_heading(paragraphs: list[str], title: str) -> tuple[int, int, int, int] | None:
    """Where the page prints a bookmark's title: the first paragraph and how many are read
    together (a wrapped heading spans several), and the heading's span in them joined; None
    when it is not on the page."""
    for index in range(len(paragraphs)):
        joined = ""
        for count in range(1, HEADING_MAX_LINES + 1):
            if index + count > len(paragraphs) or (joined and len(joined) >= len(title)):
                break
            joined = f"{joined} {paragraphs[index + count - 1]}".strip()
            if (span := _printed_heading(joined, title)) is not None:
                return index, count, *span
    return None


def page_blocks(paragraphs: list[str], headings: list[tuple[int, str]]) -> list[tuple[str, int]]:
    """The page's paragraphs with its bookmarks' headings placed where the page prints them
    (level 0 for a paragraph); a heading not found in the text opens the rest of the page."""
    blocks: list[tuple[str, int]] = []
    rest = list(paragraphs)
    for level, title in headings:
        found = _find_heading(rest, title)
        if found is None:
            blocks.append((title, level))
            continue
        index, count, start, end = found
        joined = " ".join(rest[index : index + count])
        before, printed, after = joined[:start].strip(), joined[start:end], joined[end:].strip()
        blocks += [(paragraph, 0) for paragraph in [*rest[:index], before] if paragraph]
        blocks.append((printed, level))
        rest = ([after] if after else []) + rest[index + count :]
    return blocks + [(paragraph, 0) for paragraph in rest]


# "5.15. /var/tmp : Temporary files ... 38": an entry of the document's table of contents.
_CONTENTS_ENTRY = re.compile(r"^(?P<title>.*?[^\s.])\s*(?:\.\s?){5,}\s*(?:\d+|[ivxlc]+)?$", re.I)
# A page with at least this many dotted entries is a table-of-contents page.
CONTENTS_MIN_ENTRIES = 5


class Contents(NamedTuple):
    """The table of contents a document prints."""

    entries: list[tuple[int, str]]  # (level, title) in order; "5.15.1. Title" is level 3
    last_page: int  # the index of its last page, -1 when there is none
    lines: set[tuple[int, int]]  # (page, line) of each line read as part of an entry


def read_contents(pages: list[list[str]]) -> Contents:
    """The entries of the pages that list at least `CONTENTS_MIN_ENTRIES` dotted entries;
    a numbered entry wrapped over lines is read whole."""
    contents = Contents([], -1, set())
    for page, lines in enumerate(pages):
        if sum(bool(DOT_LEADER.search(line)) for line in lines) < CONTENTS_MIN_ENTRIES:
            continue
        contents = contents._replace(last_page=page)
        pending: list[int] = []  # the lines of an entry wrapped before its dotted line
        for number, line in enumerate(lines):
            if entry := _CONTENTS_ENTRY.match(line):
                title = " ".join([*(lines[n] for n in pending), entry["title"]])
                label = _NUMBERED.match(title)
                contents.entries.append((label[1].count(".") + 1 if label else 1, title))
                contents.lines.update((page, n) for n in [*pending, number])
                pending = []
            elif line and (pending or _NUMBERED.match(line)):
                pending.append(number)
            else:
                pending = []
    return contents


def placed_contents(
    paragraphs: list[list[str]], entries: list[tuple[int, str]], first_page: int
) -> Outline:
    """The contents' entries on the pages that print them, found in order from
    `first_page` (an entry printed nowhere is left out), like bookmarks."""
    placed: Outline = {}
    page = first_page
    for level, title in entries:
        for candidate in range(page, len(paragraphs)):
            if _find_heading(paragraphs[candidate], title) is not None:
                placed.setdefault(candidate, []).append((level, title))
                page = candidate
                break
    return placed


# What makes a line a heading rather than a table cell or a figure: prose of this many words
# after it, and enough such lines in the document to be its structure (both rules below).
HEADING_MIN_FOLLOWING_WORDS = 8
HEADINGS_MIN = 3
# A line in capitals ("OPTIONS", "SHELL GRAMMAR"), as manual pages head their sections.
_CAPITALS_HEADING = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){3})[A-Z][A-Z0-9 &,'’()/-]*$")
CAPITALS_HEADING_MAX_WORDS = 6
# Words of a heading are English words: "BASHPID" or "OPTARG" in capitals is a term being
# defined, not a section (wordfreq's Zipf scale, as `distinctive_words`).
CAPITALS_HEADING_MIN_ZIPF = 2.5
# "6.2.1. Initialization", "3.4 Results": a section number of two or more parts, a title.
_NUMBERED_HEADING = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?\s+(?=\S*[^\W\d_])(.+)$")
NUMBERED_HEADING_MAX_WORDS = 10


def _before_prose(paragraphs: list[list[str]]) -> Iterator[tuple[int, str]]:
    """Each paragraph (with its page index) that prose of HEADING_MIN_FOLLOWING_WORDS
    follows: the candidates for a heading."""
    flat = [(page, text) for page, texts in enumerate(paragraphs) for text in texts]
    for (page, text), (_, following) in itertools.pairwise(flat):
        if len(following.split()) >= HEADING_MIN_FOLLOWING_WORDS:
            yield page, text


def _structure(headings: Iterable[tuple[int, int, str]]) -> Outline:
    """(page, level, title) as an outline, or none when too few to be the document's."""
    found: Outline = {}
    for page, level, text in headings:
        found.setdefault(page, []).append((level, text))
    return found if sum(map(len, found.values())) >= HEADINGS_MIN else {}


def capitals_headings(paragraphs: list[list[str]]) -> Outline:
    """Lines in capitals followed by prose, as level-1 headings of their pages (for PDFs
    with neither bookmarks nor a printed table of contents, such as manual pages)."""
    return _structure(
        (page, 1, text)
        for page, text in _before_prose(paragraphs)
        if _CAPITALS_HEADING.match(text)
        and len(text.split()) <= CAPITALS_HEADING_MAX_WORDS
        and not distinctive_words(text, CAPITALS_HEADING_MIN_ZIPF)
    )


def _numbered(paragraphs: list[list[str]]) -> Iterator[tuple[int, int, str]]:
    last: tuple[int, ...] = ()
    for page, text in _before_prose(paragraphs):
        match = _NUMBERED_HEADING.match(text)
        if (
            match
            and len(text.split()) <= NUMBERED_HEADING_MAX_WORDS
            and not text.rstrip().endswith((".", "!", "?", ":", ";", ","))
        ):
            number = tuple(int(part) for part in match.group(1).split("."))
            if number > last:
                yield page, len(number), text
                last = number


def numbered_headings(paragraphs: list[list[str]]) -> Outline:
    """Short lines opening with a section number of two or more parts, followed by prose,
    each numbered after the one before ("3.5 million tonnes" out of order is a figure),
    as headings one level per part. Like capitals, only enough of them make a structure."""
    return _structure(_numbered(paragraphs))
