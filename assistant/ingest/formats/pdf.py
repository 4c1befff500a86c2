"""PDFs with a text layer, from any tool chain (TeX, office suites, FOP, Ghostscript).

The text comes from poppler's `pdftotext` when it is installed (Debian's poppler-utils; the
Makefile installs it): it keeps word spacing where other extractors glue words together
(measured on five Debian manuals: 94-99 % of pdftotext's word sequence for PDFium, 25-99 %
for pypdf, which read xdvipdfmx output as one long word). Without it, PDFium (pypdfium2)
reads the text. Bookmarks come from PDFium either way.

Each page's lines are joined into paragraphs (a short line that ends a sentence closes
one; a word hyphenated across lines is joined), running headers and footers (among the
top or bottom three lines of most pages, or of a neighbouring page, digits aside) are
dropped, every block remembers its page, and the sections come from `pdf_sections`
(bookmarks, else the printed contents, else lines in capitals, else numbered section lines).
A paragraph that a page break cuts mid-sentence is joined again. A PDF without a text layer
is refused by name: OCR is not supported.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

from assistant.ingest.document import DocumentBuilder, Extracted, LoadError
from assistant.ingest.formats.pdf_sections import (
    DOT_LEADER,
    bookmarks,
    capitals_headings,
    numbered_headings,
    page_blocks,
    placed_contents,
    read_contents,
)

# A line that starts or ends a page on at least this share of the pages is a running
# header or footer (digits ignored, so "Page 3" and "Page 4" are the same line).
RUNNING_LINE_SHARE = 0.5
# How many lines at the top and at the bottom of a page can be its header or footer (a
# footer of the title, the date and the page number is three).
EDGE_LINES = 3
# A line shorter than this share of the page's usual line, ending a sentence, ends a
# paragraph.
SHORT_LINE_SHARE = 0.8
_DIGITS = re.compile(r"\d+")
_PUNCTUATION_ONLY = {"}", "{", ")", "(", "]", "[", ";", "};", "*", "-", "."}
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
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


def _edge_lines(lines: list[str]) -> dict[int, str]:
    """The first and last `EDGE_LINES` non-blank lines of a page, by index, digits ignored
    ("Page 3" and "Page 4" read alike)."""
    content = [n for n, line in enumerate(lines) if line]
    return {n: _DIGITS.sub("#", lines[n]) for n in content[:EDGE_LINES] + content[-EDGE_LINES:]}


def _running_lines(pages: list[list[str]]) -> list[set[int]]:
    """Each page's running header and footer lines (by index): lines at its top or bottom
    that, digits ignored, stand at the top or bottom of most pages ("Page 3", the title)
    or of a page next to it (a chapter's name, a page number)."""
    edges = [_edge_lines(lines) for lines in pages]
    keys = [set(found.values()) - _PUNCTUATION_ONLY for found in edges]
    counts = Counter(key for found in keys for key in found)
    common = {key for key, count in counts.items() if count >= RUNNING_LINE_SHARE * len(pages)}
    running: list[set[int]] = []
    for page, found in enumerate(edges):
        near = common if len(pages) >= 3 else set()
        near = near | set().union(*keys[max(page - 1, 0) : page], *keys[page + 1 : page + 2])
        running.append({n for n, key in found.items() if key in near})
    return running


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
        sections = bookmarks(pdf, len(pages))
    finally:
        pdf.close()
    if not any(line for lines in pages for line in lines):
        raise LoadError("no text layer (a scanned PDF?); OCR is not supported")
    contents = read_contents(pages)
    pages = [
        [
            "" if DOT_LEADER.search(line) or (page, n) in contents.lines else line
            for n, line in enumerate(lines)
        ]
        for page, lines in enumerate(pages)
    ]
    running = _running_lines(pages)
    paragraphs = [
        _paragraphs([line for n, line in enumerate(lines) if n not in running[page]])
        for page, lines in enumerate(pages)
    ]
    # Without bookmarks, the table of contents the document prints gives its sections, and
    # without either, lines in capitals, else numbered section lines.
    sections = (
        sections
        or placed_contents(paragraphs, contents.entries, contents.last_page + 1)
        or capitals_headings(paragraphs)
        or numbered_headings(paragraphs)
    )
    blocks = [
        (text, level, number)
        for number, page in enumerate(paragraphs, 1)
        for text, level in page_blocks(page, sections.get(number - 1, []))
    ]
    builder = DocumentBuilder()
    for text, level, number in _across_pages(blocks):
        builder.add(text, "heading" if level else "paragraph", level, page=number)
    return builder.build({"title": title} if title else {})


def _across_pages(blocks: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Paragraphs (text, heading level, page) with a paragraph that a page break cuts in
    the middle of a sentence joined again: its page ends without closing the sentence and
    the next page goes on in lower case. It keeps the page it starts on."""
    joined: list[tuple[str, int, int]] = []
    last_page = 0  # the page the last paragraph of `joined` ends on
    for text, level, page in blocks:
        before = joined[-1] if joined else ("", 1, 0)
        if (
            page == last_page + 1
            and not before[1]
            and not level
            and not before[0].rstrip().endswith(_SENTENCE_END)
            and text[:1].islower()
        ):
            # A hyphen at a page's end stays ("non-existent"), as pdftotext keeps it.
            space = "" if before[0].endswith("-") else " "
            joined[-1] = (before[0] + space + text, 0, before[2])
        else:
            joined.append((text, level, page))
        last_page = page
    return joined
