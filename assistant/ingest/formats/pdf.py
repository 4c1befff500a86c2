"""PDFs with a text layer, from any tool chain (TeX, office suites, FOP, Ghostscript).

The text comes from poppler's `pdftotext` when it is installed (Debian's poppler-utils; the
Makefile installs it): it keeps word spacing where other extractors glue words together
(measured on five Debian manuals: 94-99 % of pdftotext's word sequence for PDFium, 25-99 %
for pypdf, which read xdvipdfmx output as one long word). Without it, PDFium (pypdfium2)
reads the text. Bookmarks come from PDFium either way.

Each page's lines are joined into paragraphs (a short line that ends a sentence closes
one; a word hyphenated across lines is joined), running headers and footers (a line at the
top or bottom of most pages, page numbers aside) are dropped, every block remembers its
page, and the PDF's bookmarks give the section headings. A PDF without a text layer is
refused by name: OCR is not supported.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections import Counter
from typing import NamedTuple

from assistant.ingest.document import DocumentBuilder, Extracted, LoadError
from assistant.text.distinctive import distinctive_words

# A line that starts or ends a page on at least this share of the pages is a running
# header or footer (digits ignored, so "Page 3" and "Page 4" are the same line).
RUNNING_LINE_SHARE = 0.5
# A line shorter than this share of the page's usual line, ending a sentence, ends a
# paragraph.
SHORT_LINE_SHARE = 0.8
_DIGITS = re.compile(r"\d+")
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
# "2.1 Installing . . . . . . . 14": a table-of-contents line, no prose.
_DOT_LEADER = re.compile(r"(\.\s?){5,}\s*\d*\s*$")
# A line this much shorter than the page's usual line, followed by one that starts with a
# capital, is a heading or a list entry, not the middle of a paragraph.
HEADING_LINE_SHARE = 0.6
_BULLET = re.compile(r"^(?:[-–•●▪◦*]|\(?\d{1,3}[.)]|[a-z][.)])\s")
_SENTENCE_END = tuple('.!?:;"”')


def _lines(text: str) -> list[str]:
    """The page's lines, spaces folded, ligatures spelled out ("ﬁ" -> "fi", so words match
    what people type)."""
    # PDFium joins a word hyphenated at a line end itself, marking the hyphen with U+0002.
    text = text.replace("\x02", "").translate(_LIGATURES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(line.split()) for line in text.split("\n")]


def _pdftotext_pages(raw: bytes) -> list[str] | None:
    """Each page's text from poppler's pdftotext, or None when it is not installed."""
    command = shutil.which("pdftotext")
    if command is None:
        return None
    done = subprocess.run(
        [command, "-enc", "UTF-8", "-", "-"], input=raw, capture_output=True, timeout=300
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise LoadError(f"broken PDF ({message[-1] if message else 'pdftotext failed'})")
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _pdfium_page_text(page: object) -> str:
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        return textpage.get_text_bounded()
    finally:
        textpage.close()


def _running_lines(pages: list[list[str]]) -> set[str]:
    """The digit-blind forms of lines that head or foot most pages."""
    if len(pages) < 3:
        return set()
    edges: Counter[str] = Counter()
    for lines in pages:
        content = [line for line in lines if line]
        edges.update({_DIGITS.sub("#", line) for line in content[:2] + content[-2:]})
    return {line for line, count in edges.items() if count >= RUNNING_LINE_SHARE * len(pages)}


def _paragraphs(lines: list[str]) -> list[str]:
    lengths = sorted(len(line) for line in lines if line)
    usual = lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0
    paragraphs: list[str] = []
    current = ""
    last_line = ""

    def closes(paragraph: str) -> bool:
        """Whether the last line of the paragraph so far reads like a heading or entry."""
        return len(last_line) < HEADING_LINE_SHARE * usual and not paragraph.endswith(",")

    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and (_BULLET.match(line) or (line[0].isupper() and closes(current))):
            paragraphs.append(current)
            current = ""
        if current.endswith("-") and line[:1].islower() and current[-2:-1].isalpha():
            current = current[:-1] + line  # a word hyphenated across the line break
        else:
            current = f"{current} {line}" if current else line
        last_line = line
        if line.endswith(_SENTENCE_END) and len(line) < SHORT_LINE_SHARE * usual:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _sections(pdf: object, page_count: int) -> dict[int, list[tuple[int, str]]]:
    """Bookmarks starting on each page, as (level, title), in order."""
    import pypdfium2 as pdfium

    starts: dict[int, list[tuple[int, str]]] = {}
    try:
        bookmarks = list(pdf.get_toc())  # type: ignore[attr-defined]
    except pdfium.PdfiumError:  # a broken outline (a cycle, say) only costs the headings
        return {}
    for bookmark in bookmarks:
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


def _page_blocks(paragraphs: list[str], headings: list[tuple[int, str]]) -> list[tuple[str, int]]:
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


def _contents(pages: list[list[str]]) -> Contents:
    """The entries of the pages that list at least `CONTENTS_MIN_ENTRIES` dotted entries;
    a numbered entry wrapped over lines is read whole."""
    contents = Contents([], -1, set())
    for page, lines in enumerate(pages):
        if sum(bool(_DOT_LEADER.search(line)) for line in lines) < CONTENTS_MIN_ENTRIES:
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


def _placed_contents(
    paragraphs: list[list[str]], entries: list[tuple[int, str]], first_page: int
) -> dict[int, list[tuple[int, str]]]:
    """The contents' entries on the pages that print them, found in order from
    `first_page` (an entry printed nowhere is left out), like bookmarks."""
    placed: dict[int, list[tuple[int, str]]] = {}
    page = first_page
    for level, title in entries:
        for candidate in range(page, len(paragraphs)):
            if _find_heading(paragraphs[candidate], title) is not None:
                placed.setdefault(candidate, []).append((level, title))
                page = candidate
                break
    return placed


# A line in capitals ("OPTIONS", "SHELL GRAMMAR"), as manual pages head their sections.
_CAPITALS_HEADING = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){3})[A-Z][A-Z0-9 &,'’()/-]*$")
CAPITALS_HEADING_MAX_WORDS = 6
# What makes capitals a heading rather than a table cell: prose of this many words after it,
# and enough such lines in the document to be its structure.
CAPITALS_HEADING_MIN_FOLLOWING_WORDS = 8
CAPITALS_HEADINGS_MIN = 3
# Words of a heading are English words: "BASHPID" or "OPTARG" in capitals is a term being
# defined, not a section (wordfreq's Zipf scale, as `distinctive_words`).
CAPITALS_HEADING_MIN_ZIPF = 2.5


def _capitals_headings(paragraphs: list[list[str]]) -> dict[int, list[tuple[int, str]]]:
    """Lines in capitals followed by prose, as level-1 headings of their pages (for PDFs
    with neither bookmarks nor a printed table of contents, such as manual pages)."""
    flat = [(page, text) for page, texts in enumerate(paragraphs) for text in texts]
    found: dict[int, list[tuple[int, str]]] = {}
    for (page, text), (_, following) in itertools.pairwise(flat):
        if (
            _CAPITALS_HEADING.match(text)
            and len(text.split()) <= CAPITALS_HEADING_MAX_WORDS
            and not distinctive_words(text, CAPITALS_HEADING_MIN_ZIPF)
            and len(following.split()) >= CAPITALS_HEADING_MIN_FOLLOWING_WORDS
        ):
            found.setdefault(page, []).append((1, text))
    return found if sum(map(len, found.values())) >= CAPITALS_HEADINGS_MIN else {}


def extract_pdf(raw: bytes) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as error:
        raise LoadError(f"broken PDF ({error})") from error
    try:
        texts = _pdftotext_pages(raw) or [_pdfium_page_text(page) for page in pdf]
        pages = [_lines(text) for text in texts]
        title = str((pdf.get_metadata_dict() or {}).get("Title") or "").strip()
        sections = _sections(pdf, len(pages))
    finally:
        pdf.close()
    if not any(line for lines in pages for line in lines):
        raise LoadError("no text layer (a scanned PDF?); OCR is not supported")
    contents = _contents(pages)
    pages = [
        [
            "" if _DOT_LEADER.search(line) or (page, n) in contents.lines else line
            for n, line in enumerate(lines)
        ]
        for page, lines in enumerate(pages)
    ]
    running = _running_lines(pages)
    paragraphs = [
        _paragraphs([line for line in lines if _DIGITS.sub("#", line) not in running])
        for lines in pages
    ]
    # Without bookmarks, the table of contents the document prints gives its sections, and
    # without either, lines in capitals.
    sections = (
        sections
        or _placed_contents(paragraphs, contents.entries, contents.last_page + 1)
        or _capitals_headings(paragraphs)
    )
    builder = DocumentBuilder()
    for number, page in enumerate(paragraphs, 1):
        for text, level in _page_blocks(page, sections.get(number - 1, [])):
            builder.add(text, "heading" if level else "paragraph", level, page=number)
    return builder.build({"title": title} if title else {})
