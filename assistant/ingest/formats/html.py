"""Web pages: the main content, block by block, without the page's navigation.

The page's main element (or its body) loses its furniture: elements whose role, class or id
names navigation ("related", "breadcrumbs", "footer", ...) and link-heavy sidebars. What is
left is walked and written as one block per heading, paragraph, list item, code block and
table row. Headings lose their anchor marks (¶, #), code keeps its line breaks, and a table
row carries its header ("Package: apt | Version: 2.2"), so a row answers a question about it
on its own. Blocks that are mostly links (menus) are dropped. trafilatura and
readability-lxml were measured against this on real pages and lost content: on the Debian
handbook they kept 9-12 and 8 of the 30 tuning evidence quotes (boxed notes and tips are
content there), this keeps all 30 (benchmarks/compare_html_extractors.py, evals/README.md).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning

from assistant.ingest.document import BlockKind, DocumentBuilder, Extracted
from assistant.ingest.formats.plain_text import decode

_HIDDEN = ("script", "style", "noscript", "template", "head", "svg", "button", "form")
_SKIPPED = (*_HIDDEN, "nav", "aside", "footer", "header")
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = {
    "p", "div", "section", "article", "main", "blockquote", "figure", "figcaption",
    "ul", "ol", "li", "dl", "dt", "dd", "pre", "table", "hr", "br", "center", "details",
    "summary", *_HEADINGS,
}  # fmt: skip
_RUBRIC_LEVEL = 7  # below every <h1>-<h6>
_ANCHOR_MARKS = {"¶", "#", "§", "🔗", "link"}
# A block whose text is mostly link text is a menu, unless it is long prose.
MAX_LINK_SHARE = 0.6
# An element named like a sidebar is a menu when a third of its text is links.
FURNITURE_LINK_SHARE = 0.3
_SPACE = re.compile(r"\s+")
_SITE_SUFFIX = re.compile(r"\s+[—–|·:-]\s+(\S.*)")  # " — Python 3.11.2 documentation"
_EXPONENT = re.compile(r"[-+−]?\d{1,4}")
_FOOTNOTE_MARK = re.compile(r"\[?\d{1,3}\]?")
_LOCAL_LINK = re.compile(r"^#")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _is_anchor_mark(tag: Tag) -> bool:
    """Permalink marks beside headings: a link reading "¶" or "#", or an element whose class
    says so. Text alone does not make one: a "#" in inline code is the hash character."""
    classes = " ".join(tag.get("class") or [])
    if "headerlink" in classes or "anchor" in classes:
        return True
    return tag.name == "a" and tag.get_text().strip() in _ANCHOR_MARKS


def _is_footnote_mark(tag: Tag) -> bool:
    """A footnote's mark in running text: docutils' and Sphinx's classed link, or a
    superscript number linking inside the page (DocBook's "<sup>[<a href=#ftn.1>1</a>]</sup>")."""
    if "footnote-reference" in (tag.get("class") or []) or tag.get("role") == "doc-noteref":
        return True
    return (
        tag.name == "sup"
        and _FOOTNOTE_MARK.fullmatch(tag.get_text().strip()) is not None
        and tag.find("a", href=_LOCAL_LINK) is not None
    )


def _labelled(label: str, text: str) -> str:
    """A description behind its term or a note behind its title: "Note: ...", "-i: ..."."""
    return f"{label} {text}" if label.endswith(":") else f"{label}: {text}"


def _inline_text(tag: Tag) -> str:
    """A cell's or a heading's text: inline elements joined as written ("os.remove(),"
    not "os.remove() ,"), block elements inside it kept apart by a space."""
    parts: list[str] = []
    for piece in tag.descendants:
        if isinstance(piece, Tag):
            parts.append(" " if piece.name in _BLOCKS else "")
        elif type(piece) is NavigableString:
            parts.append(str(piece))
    return _clean("".join(parts))


def _has_blocks(tag: Tag) -> bool:
    return any(isinstance(child, Tag) and child.name in _BLOCKS for child in tag.children)


def _link_share(tag: Tag) -> float:
    text = len(_clean(tag.get_text()))
    links = sum(len(_clean(a.get_text())) for a in tag.find_all("a"))
    return links / text if text else 0.0


def _span(cell: Tag, attribute: str) -> int:
    value = str(cell.get(attribute) or "1").strip()
    return max(1, min(int(value), 100)) if value.isdigit() else 1


def _row_cells(row: Tag, carried: dict[int, tuple[Tag, int]]) -> list[Tag]:
    """A row's cells by column: a cell spanning rows above (rowspan) fills its column
    here too, and a cell spanning columns (colspan) fills each of them. `carried` maps a
    column to the cell spanning down into it and the rows it still covers."""
    cells: list[Tag] = []

    def take_carried() -> None:
        while len(cells) in carried:
            cell, rows_left = carried.pop(len(cells))
            if rows_left > 1:
                carried[len(cells)] = (cell, rows_left - 1)
            cells.append(cell)

    for cell in row.find_all(["th", "td"], recursive=False):
        take_carried()
        rows = _span(cell, "rowspan")
        for _ in range(_span(cell, "colspan")):
            if rows > 1:
                carried[len(cells)] = (cell, rows - 1)
            cells.append(cell)
    take_carried()
    return cells


def _table_rows(table: Tag) -> Iterator[str]:
    """Each row as "Header: value | ...", the header taken from the <th> row; a cell that
    spans rows or columns counts in each of them, so every row meets its header."""
    header: list[str] = []
    carried: dict[int, tuple[Tag, int]] = {}
    for row in table.find_all("tr"):
        cells = _row_cells(row, carried)
        texts = [_inline_text(cell) for cell in cells]
        if not header and cells and all(cell.name == "th" for cell in cells):
            header = texts
            continue
        if header and len(header) == len(texts):
            yield " | ".join(
                f"{name}: {value}" if name else value for name, value in zip(header, texts)
            )
        elif any(texts):
            yield " | ".join(text for text in texts if text)


class _Walker:
    def __init__(self) -> None:
        self.builder = DocumentBuilder()
        self._inline: list[str] = []
        # A definition term or a note's title, held for the text it labels.
        self._label = ""
        self._label_kind: BlockKind = "paragraph"

    def hold_label(self, text: str, kind: BlockKind, joins_previous: bool = False) -> None:
        """Terms in a row ("-v, --verbose") are one label; any other held label stands alone."""
        if self._label and joins_previous:
            text = f"{self._label}, {text}"
        else:
            self.release_label()
        self._label, self._label_kind = text, kind

    def release_label(self) -> None:
        """A label with no prose after it (a term described by code, a table, nothing)."""
        if self._label:
            self.builder.add(self._label, self._label_kind)
            self._label = ""

    def add(self, text: str, kind: BlockKind, level: int = 0) -> None:
        self.release_label()
        self.builder.add(text, kind, level)

    def flush(self, kind: BlockKind = "paragraph", element: Tag | None = None) -> None:
        text = _clean("".join(self._inline))
        self._inline = []
        if not text:
            return
        if (
            element is not None
            and kind != "heading"
            and _link_share(element) > MAX_LINK_SHARE
            and len(text) < 200
        ):
            self.release_label()
        elif self._label:
            self.builder.add(_labelled(self._label, text), self._label_kind)
            self._label = ""
        else:
            self.builder.add(text, kind)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.strip():
                    self._inline.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIPPED or _is_anchor_mark(child):
                continue
            name = child.name
            classes = child.get("class") or []
            if name in _HEADINGS or "rubric" in classes:
                # A rubric (docutils, Sphinx: "Footnotes") is a heading outside the outline.
                self.flush(element=node)
                self.add(_inline_text(child), "heading", _HEADINGS.get(name, _RUBRIC_LEVEL))
            elif name == "pre":
                self.flush(element=node)
                self.add(child.get_text(), "code")
            elif name == "table":
                self.flush(element=node)
                for row in _table_rows(child):
                    self.add(row, "table_row")
            elif name == "dt" and not _has_blocks(child) and (term := _inline_text(child)):
                self.flush(element=node)
                previous = child.find_previous_sibling(True)
                joins = previous is not None and previous.name == "dt"
                self.hold_label(term, "list_item", joins)
            elif "admonition-title" in classes and not _has_blocks(child):
                self.flush(element=node)
                self.hold_label(_inline_text(child), "paragraph")
            elif name in ("li", "dt", "dd") and not _has_blocks(child):
                self.flush(element=node)
                self._inline.append(child.get_text())
                self.flush("list_item", child)
            elif name in _BLOCKS:
                self.flush(element=node)
                if _has_blocks(child):
                    self.walk(child)
                    self.flush(element=child)
                else:
                    self._inline.append(child.get_text())
                    self.flush(element=child)
            else:  # inline: code, em, a, span ...
                self._inline.append(child.get_text())

    def finish(self, metadata: dict[str, str]) -> Extracted:
        self.flush()
        self.release_label()
        return self.builder.build(metadata)


# Page furniture, by role or by a class or id naming it ("docnav", "breadcrumbs", "toc",
# "md-footer"...): removed with everything inside it. Names that manuals also give to
# content ("sidebar" boxes of notes, "header" rows) count only where the element reads
# like a menu: mostly links.
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "search", "menu"}
_FURNITURE = re.compile(
    r"(^|[-_ ])(nav|navbar|navigation|navheader|navfooter|docnav|menu|breadcrumbs?|toc|footer|"
    r"masthead|banner|related|pager|pagination|skip|search|searchbox|cookies?|social|share|prev|next|"
    r"sourcelink|copyright)([-_ ]|$)",
    re.IGNORECASE,
)
_MENU_LIKE = re.compile(
    r"(^|[-_ ])(sidebar|sphinxsidebar|header|aside|complementary)([-_ ]|$)", re.IGNORECASE
)


def _is_furniture(tag: Tag) -> bool:
    if tag.name in ("body", "main", "article") or tag.get("role") == "main":
        return False
    names = " ".join(
        [*(tag.get("class") or []), str(tag.get("id") or ""), str(tag.get("role") or "")]
    )
    if tag.get("role") in _FURNITURE_ROLES or _FURNITURE.search(names):
        return True
    return _MENU_LIKE.search(names) is not None and _link_share(tag) > FURNITURE_LINK_SHARE


def _main_content(page: BeautifulSoup) -> Tag:
    """The page's main element when it marks one, else its body, without page furniture."""
    root = page.find("main") or page.find(attrs={"role": "main"}) or page.body or page
    for tag in [*root.find_all(_is_furniture), *root.find_all(["a", "span"], string=True)]:
        if not tag.decomposed and (tag.name not in ("a", "span") or _is_anchor_mark(tag)):
            tag.decompose()
    for mark in root.find_all(_is_footnote_mark):
        if not mark.decomposed:
            mark.decompose()
    return root


def _mark_exponents(root: Tag) -> None:
    """A superscript number after a digit is a power: "2<sup>64</sup>" reads "2^64", not
    "264" (footnote marks and ordinals, "1<sup>st</sup>", are left as they are)."""
    for sup in root.find_all("sup"):
        before = sup.previous_sibling
        if (
            isinstance(before, NavigableString)
            and before.rstrip(" ")[-1:].isdigit()
            and _EXPONENT.fullmatch(sup.get_text().strip())
        ):
            sup.string = "^" + sup.get_text().strip()


def _page_title(page: BeautifulSoup) -> tuple[str, str]:
    """The page's <title> and the site's name, which a generator appends to every page's
    title after its first heading and a separator ("Classes — Python 3.11.2
    documentation", "Install | Docs"). Repeated in every answer and every chunk's embedding
    input, the site name says nothing about the page; it says which collection the page is
    of ("the Python 3.11 tutorial"), so it is kept apart ("" when there is none)."""
    title = _clean(page.title.get_text()) if page.title else ""
    first = page.find("h1")
    marks = "".join(mark for mark in _ANCHOR_MARKS if len(mark) == 1)  # "¶", not "link"
    heading = _inline_text(first).rstrip(marks + " ") if first else ""
    suffix = _SITE_SUFFIX.fullmatch(title[len(heading) :]) if heading else None
    if suffix and title.startswith(heading):
        return heading, suffix[1]
    return title, ""


def parse(html: str) -> BeautifulSoup:
    """The page as a browser builds it: libxml2's HTML parser closes what HTML leaves
    implied (a "<li>" ends the one before), where html.parser nested each unclosed "<li>"
    in the last (2,792 levels on one page of SQLite's manual, past Python's recursion
    limit). XHTML is read as HTML on purpose, so bs4's warning about it is not shown."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, "lxml")


def extract_html(raw: bytes) -> Extracted:
    page = parse(decode(raw))
    title, site = _page_title(page)
    for hidden in page(list(_HIDDEN)):
        hidden.decompose()
    content = _main_content(page)
    _mark_exponents(content)
    walker = _Walker()
    walker.walk(content)
    named = {"title": title, "site": site}
    return walker.finish({key: value for key, value in named.items() if value})
