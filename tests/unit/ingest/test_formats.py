"""Each format's extractor on small files made here: the blocks it finds, and what it drops."""

from __future__ import annotations

import io
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from assistant.ingest.chunking import ChunkSizes, chunk_text
from assistant.ingest.document import Block, Extracted, LoadError
from assistant.ingest.formats.docx import extract_docx
from assistant.ingest.formats.html import extract_html
from assistant.ingest.formats.mhtml import extract_mhtml
from assistant.ingest.formats.pdf import extract_pdf
from assistant.ingest.formats.plain_text import extract_markdown, extract_plain_text

SPHINX_PAGE = """<!DOCTYPE html><html><head><title>Configuring DHCP &#8212; Handbook 1.0</title>
<script>var x = 1;</script></head><body>
<div class="related" role="navigation"><ul><li><a href="index.html">index</a></li>
<li><a href="next.html">next</a> |</li><li><a href="prev.html">previous</a> |</li></ul></div>
<div class="document"><div class="documentwrapper"><div class="bodywrapper"><div class="body">
<div role="navigation" aria-label="breadcrumbs"><a href="index.html">Handbook</a> &raquo;
<a href="net.html">Networking</a> &raquo; Configuring DHCP</div>
<section id="dhcp"><h1>Configuring DHCP<a class="headerlink" href="#dhcp">¶</a></h1>
<p>The DHCP server hands out addresses from a pool
that the administrator defines in
Its configuration file, which is read at start-up.</p>
<section id="leases"><h2>Lease times<a class="headerlink" href="#leases">¶</a></h2>
<p>Leases last <code>86400</code> seconds by default. Shorter leases suit busy nets.</p>
<div class="highlight"><pre>&gt;&gt;&gt; config.DEFAULT_LEASE = 600
# seconds</pre></div>
<table><thead><tr><th>Option</th><th>Default</th></tr></thead>
<tbody><tr><td>max-lease-time</td><td>7200</td></tr></tbody></table>
</section></section></div></div></div>
<div class="sphinxsidebar" role="navigation"><h3>Table of Contents</h3><ul>
<li><a href="#dhcp">Configuring DHCP</a></li><li><a href="#leases">Lease times</a></li></ul>
<div id="searchbox"><form><input type="text"/></form></div></div></div>
<div class="footer">&copy; Copyright 2025. Created using Sphinx.
<a href="_sources/x.txt">Show Source</a></div>
</body></html>"""


def blocks(extracted: Extracted) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, extracted.text[b.start : b.end]) for b in extracted.blocks]


def test_a_documentation_page_keeps_its_content_and_drops_its_furniture() -> None:
    page = extract_html(SPHINX_PAGE.encode())
    assert page.metadata["title"] == "Configuring DHCP", "the site name is dropped"
    assert page.metadata["site"] == "Handbook 1.0", "and kept apart"
    assert blocks(page) == [
        ("heading", 1, "Configuring DHCP"),
        (
            "paragraph",
            0,
            "The DHCP server hands out addresses from a pool that the administrator defines "
            "in Its configuration file, which is read at start-up.",
        ),
        ("heading", 2, "Lease times"),
        (
            "paragraph",
            0,
            "Leases last 86400 seconds by default. Shorter leases suit busy nets.",
        ),
        ("code", 0, ">>> config.DEFAULT_LEASE = 600\n# seconds"),
        ("table_row", 0, "Option: max-lease-time | Default: 7200"),
    ]
    for furniture in ("previous", "Show Source", "Table of Contents", "Copyright", "¶", "»"):
        assert furniture not in page.text


def test_docbook_navigation_tables_above_and_below_the_page_are_furniture() -> None:
    nav = (
        "<table summary='Navigation {0}'><tr><td><a href='a.html'>Prev</a></td><td>"
        "<a href='b.html'>Up</a></td><td><a href='c.html'>Next</a></td></tr></table>"
    )
    page = extract_html(
        f"<html><body><div class='navheader'>{nav.format('header')}</div><h1>SELECT</h1>"
        f"<p>SELECT retrieves rows.</p><div class='navfooter'>{nav.format('footer')}</div>"
        "</body></html>".encode()
    )
    assert blocks(page) == [("heading", 1, "SELECT"), ("paragraph", 0, "SELECT retrieves rows.")]


def test_a_hash_in_inline_code_is_text_and_a_hash_link_is_an_anchor_mark() -> None:
    page = extract_html(
        b"<html><body><h2>Comments<a href='#c'>#</a></h2><p>Comments start with the hash "
        b"character, <code><span class='pre'>#</span></code>, and end the line.</p></body></html>"
    )
    assert blocks(page) == [
        ("heading", 2, "Comments"),
        ("paragraph", 0, "Comments start with the hash character, #, and end the line."),
    ]


def test_inline_markup_in_cells_and_headings_adds_no_space_before_punctuation() -> None:
    page = extract_html(
        b"<html><body><h2>Frontends: <code>aptitude</code>, <code>synaptic</code></h2>"
        b"<table><tr><th>os</th><th>pathlib</th></tr><tr><td><code>os.remove()</code>, "
        b"<code>os.unlink()</code></td><td><p>Path.unlink()</p><p>See below.</p></td></tr>"
        b"</table></body></html>"
    )
    assert blocks(page) == [
        ("heading", 2, "Frontends: aptitude, synaptic"),
        ("table_row", 0, "os: os.remove(), os.unlink() | pathlib: Path.unlink() See below."),
    ]


def test_a_cell_spanning_rows_or_columns_counts_in_each_so_every_row_meets_its_header() -> None:
    page = extract_html(
        b"<html><body><table><tr><th>Platform</th><th>Shell</th><th>Command</th></tr>"
        b"<tr><td rowspan='2'>POSIX</td><td>bash</td><td>source activate</td></tr>"
        b"<tr><td>fish</td><td>source activate.fish</td></tr>"
        b"<tr><td>Windows</td><td colspan='2'>see below</td></tr></table></body></html>"
    )
    assert [text for kind, _, text in blocks(page) if kind == "table_row"] == [
        "Platform: POSIX | Shell: bash | Command: source activate",
        "Platform: POSIX | Shell: fish | Command: source activate.fish",
        "Platform: Windows | Shell: see below | Command: see below",
    ]


def test_unclosed_list_items_end_each_other_as_in_a_browser() -> None:
    # SQLite's manual leaves every <li> open: nested one in another, 2,792 of them passed
    # Python's recursion limit and the page could not be read.
    items = "".join(f"<li>Function number {n}" for n in range(3000))
    page = extract_html(
        f"<html><body><ul>{items}</ul><p>After the list.</p></body></html>".encode()
    )
    assert len(page.blocks) == 3001
    assert blocks(page)[2999] == ("list_item", 0, "Function number 2999")
    assert blocks(page)[3000] == ("paragraph", 0, "After the list.")


def test_a_title_keeps_what_is_not_its_first_heading_and_a_site_name() -> None:
    def title(head: str, body: str) -> str:
        html = f"<html><head><title>{head}</title></head><body>{body}<p>Text.</p></body></html>"
        return extract_html(html.encode()).metadata["title"]

    assert title("Install | Docs", "<h1>Install</h1>") == "Install"
    assert title("Release notes 2025", "<h1>Release notes</h1>") == "Release notes 2025"
    assert title("Budget — a review", "<h1>Spending</h1>") == "Budget — a review"


def test_a_rubric_is_a_heading_below_the_others() -> None:
    page = extract_html(
        b"<html><body><h2>Reading files</h2><p>Use the reader.</p>"
        b"<p class='rubric'>Footnotes</p><p>The reader is lazy.</p></body></html>"
    )
    assert blocks(page) == [
        ("heading", 2, "Reading files"),
        ("paragraph", 0, "Use the reader."),
        ("heading", 7, "Footnotes"),
        ("paragraph", 0, "The reader is lazy."),
    ]


def test_a_superscript_number_after_a_digit_is_written_as_a_power() -> None:
    page = extract_html(
        b"<html><body><p>A subnet has 2<sup>64</sup> addresses, 10<sup>-3</sup> of them "
        b"used; see the 1<sup>st</sup> note.<sup>[<a href='#n1'>1</a>]</sup></p></body></html>"
    )
    assert page.text == "A subnet has 2^64 addresses, 10^-3 of them used; see the 1st note."


def test_footnote_marks_are_dropped_so_a_quote_never_shows_a_false_citation() -> None:
    page = extract_html(
        b"<html><body><p>Open it with newline=''<a class='footnote-reference brackets' "
        b"href='#id3' role='doc-noteref'><span class='fn-bracket'>[</span>1<span "
        b"class='fn-bracket'>]</span></a>. Reading is lazy.<sup>[<a href='#ftn.2'>2</a>]</sup> "
        b"A [3] in prose stays.</p></body></html>"
    )
    assert page.text == "Open it with newline=''. Reading is lazy. A [3] in prose stays."


def test_a_definition_term_leads_its_description_and_a_note_title_its_text() -> None:
    page = extract_html(
        b"<html><body><p>A package whose priority is</p><dl><dt><span class='term'>&lt; 0"
        b"</span></dt><dd><div class='para'>will never be installed,</div></dd>"
        b"<dt>-v</dt><dt>--verbose</dt><dd><p>Print more.</p><p>Repeat for even more.</p></dd>"
        b"<dt class='field-odd'>Returns<span class='colon'>:</span></dt><dd><p>a path</p></dd>"
        b"<dt id='os.getcwd'>os.getcwd()<a class='headerlink' href='#os.getcwd'>&#182;</a></dt>"
        b"<dd><pre>&gt;&gt;&gt; os.getcwd()</pre></dd></dl>"
        b"<div class='admonition note'><p class='admonition-title'>Note</p>"
        b"<p>Paths are strings.</p></div></body></html>"
    )
    assert blocks(page) == [
        ("paragraph", 0, "A package whose priority is"),
        ("list_item", 0, "< 0: will never be installed,"),
        ("list_item", 0, "-v, --verbose: Print more."),
        ("paragraph", 0, "Repeat for even more."),
        ("list_item", 0, "Returns: a path"),
        ("list_item", 0, "os.getcwd()"),  # described by code alone: the term stands apart
        ("code", 0, ">>> os.getcwd()"),
        ("paragraph", 0, "Note: Paths are strings."),
    ]


def test_sections_follow_the_headings_and_each_block_keeps_its_kind() -> None:
    page = extract_html(SPHINX_PAGE.encode())
    chunks = chunk_text("dhcp.html", page.text, ChunkSizes(180, 30, 10), page.blocks)
    assert [(c.section, c.block_kinds) for c in chunks] == [
        ("Configuring DHCP", ("prose",)),
        ("Configuring DHCP › Lease times", ("prose", "code")),  # prose keeps its example
        ("Configuring DHCP › Lease times", ("table",)),  # a table stands alone
    ]
    assert all(page.text[c.start : c.end] == c.text for c in chunks)
    assert "Lease times" not in chunks[1].text, "a heading names its section, it is no text"
    lease = chunks[1]
    assert [lease.text[p.start : p.end] for p in lease.paragraphs][1] == (
        ">>> config.DEFAULT_LEASE = 600\n# seconds"
    )
    assert [c.kind for c in chunks] == ["prose", "prose", "table"], "the kind of most text"


def test_a_code_block_larger_than_a_chunk_is_cut_into_windows_that_keep_its_kind() -> None:
    code = "\n".join(f"value_{n} = compute({n})" for n in range(60))
    text = f"For example:\n\n{code}\n\nThat is all."
    blocks = [
        Block(0, 12, "paragraph"),
        Block(14, 14 + len(code), "code"),
        Block(16 + len(code), len(text), "paragraph"),
    ]
    chunks = chunk_text("example.md", text, ChunkSizes(180, 30, 10), blocks)
    assert all(c.tokens <= 180 for c in chunks)
    assert {c.block_kinds for c in chunks if "compute(30)" in c.text} == {("code",)}
    assert chunks[0].text.startswith("For example:") and chunks[-1].text.endswith("That is all.")


def test_markdown_headings_code_and_wrapped_paragraphs() -> None:
    text = (
        "# Guide\n\nThe tool reads its settings from a configuration file in the home folder\n"
        "That the installer writes once, the first time the tool starts on a machine.\n\n"
        "## Usage\n\n- first item\n- second item\n\n```sh\n$ tool --help\n```\n"
    )
    found = blocks(extract_markdown(text.encode()))
    assert found == [
        ("heading", 1, "Guide"),
        (
            "paragraph",
            0,
            "The tool reads its settings from a configuration file in the home folder\n"
            "That the installer writes once, the first time the tool starts on a machine.",
        ),
        ("heading", 2, "Usage"),
        ("list_item", 0, "- first item"),
        ("list_item", 0, "- second item"),
        ("code", 0, "$ tool --help\n"),
    ]


def test_plain_text_is_the_file_itself() -> None:
    raw = b"Title line\n\nA paragraph that is long enough.\n"
    extracted = extract_plain_text(raw)
    assert extracted.text == raw.decode()
    assert [b.kind for b in extracted.blocks] == ["paragraph", "paragraph"]


def test_word_documents_keep_headings_lists_and_table_headers() -> None:
    from docx import Document

    document = Document()
    document.core_properties.title = "Port plan"
    document.add_heading("Berths", level=1)
    document.add_paragraph("The port adds two berths in 2026.")
    document.add_paragraph("dredge the channel", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Berth", "Depth"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "B7", "16 m"
    out = io.BytesIO()
    document.save(out)

    extracted = extract_docx(out.getvalue())
    assert extracted.metadata == {"title": "Port plan"}
    assert blocks(extracted) == [
        ("heading", 1, "Berths"),
        ("paragraph", 0, "The port adds two berths in 2026."),
        ("list_item", 0, "dredge the channel"),
        ("table_row", 0, "Berth: B7 | Depth: 16 m"),
    ]


def _pdf(
    pages: list[list[str | tuple[int, str, str]]],
    headers: list[str] | None = None,
    footer: tuple[str, ...] = ("Page {number}",),
) -> bytes:
    """A PDF of the given lines; a (level, bookmark, printed) line is a heading with a
    bookmark in the outline, and an empty line is a gap between paragraphs. Each page has a
    header line (`headers`, one per page) and the footer lines."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=11)
    for number, lines in enumerate(pages, 1):
        pdf.add_page()
        header = headers[number - 1] if headers else "Harbour Handbook - internal"
        pdf.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            if line == "":
                pdf.ln(10)
                continue
            if isinstance(line, tuple):
                level, bookmark, line = line
                pdf.start_section(bookmark, level=level)
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-10 - 6 * len(footer))
        for line in footer:
            pdf.cell(0, 6, line.format(number=number), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_footers_of_several_lines_chapter_headers_and_sentences_over_page_breaks() -> None:
    """A footer of title, date and page number goes, and so does a header naming the
    chapter (it changes every few pages); a sentence that page breaks cut is one paragraph,
    cited at the page it starts on."""
    pages: list[list[str | tuple[int, str, str]]] = [
        ["Berths are assigned by the harbour master.", "", "The pilots meet every vessel at"],
        ["the outer buoy and guide it to its"],
        ["berth at any hour.", "", "Tugs are on call at all hours."],
        ["Ferries leave from the east pier.", "", "The customs office closes at noon."],
        ["Reefer plugs are on the north quay.", "", "Grain goes to the silo terminal."],
        ["Scrap metal leaves from berth nine.", "", "Cars are parked on the west apron."],
    ]
    chapters = [f"Chapter {n // 2 + 1}. {name}" for n, name in enumerate("AABBCC")]
    extracted = extract_pdf(
        _pdf(pages, headers=chapters, footer=("Harbour Handbook 2.1", "2026 March 4", "{number}"))
    )
    texts = [(b.page, extracted.text[b.start : b.end]) for b in extracted.blocks]
    sentence = (
        "The pilots meet every vessel at the outer buoy and guide it to its berth at any hour."
    )
    assert (1, sentence) in texts
    for furniture in ("Chapter", "Harbour Handbook", "March"):
        assert furniture not in extracted.text
    assert not any(text.isdigit() for _, text in texts)
    assert len(texts) == 9


def test_pdf_pages_running_lines_and_hyphenation() -> None:
    body = [
        "The harbour master assigns berths to incoming vessels according",
        "to their draught and the tide tables published each week by the",
        "port authority. Pilots board two miles off-",
        "shore.",
        "Cranes unload containers day and night.",
    ]
    second = ["Tugs are on call at all hours.", "The fuel quay opens at six."]
    third = ["Ferries leave from the east pier.", "The customs office closes at noon."]
    extracted = extract_pdf(_pdf([body, second, third]))
    texts = [(b.page, extracted.text[b.start : b.end]) for b in extracted.blocks]
    assert texts[0] == (
        1,
        "The harbour master assigns berths to incoming vessels according to their draught and "
        "the tide tables published each week by the port authority. Pilots board two miles "
        "offshore.",
    )
    assert {page for page, _ in texts} == {1, 2, 3}
    assert "Harbour Handbook - internal" not in extracted.text
    assert "Page 2" not in extracted.text


def test_pdf_bookmarks_become_headings_where_the_page_prints_them() -> None:
    first = [
        "Every vessel reports to the harbour master before it enters the port.",
        (0, "Configuring DHCP", "2 Configuring DHCP"),
        "The DHCP server hands out addresses to the quay terminals.",
    ]
    second = [(1, "Leases", "2.1 Leases"), "A lease lasts one day."]
    third = ["The customs office closes at noon."]
    extracted = extract_pdf(_pdf([first, second, third]))
    assert [(b.kind, b.level, b.page, extracted.text[b.start : b.end]) for b in extracted.blocks][
        :5
    ] == [
        ("paragraph", 0, 1, first[0]),
        ("heading", 1, 1, "2 Configuring DHCP"),
        ("paragraph", 0, 1, first[2]),
        ("heading", 2, 2, "2.1 Leases"),
        ("paragraph", 0, 2, "A lease lasts one day."),
    ]


def test_a_bookmark_finds_its_heading_wrapped_over_lines_or_typed_with_other_quotes() -> None:
    from assistant.ingest.formats.pdf_sections import page_blocks

    paragraphs = [
        "1.6",
        "How does the project fit in with the Free",
        "Software Foundation’s GNU project?",
        "It builds on the ideals of free software.",
    ]
    title = "How does the project fit in with the Free Software Foundation's GNU project?"
    assert page_blocks(paragraphs, [(2, title), (2, "Not printed here")]) == [
        ("1.6 How does the project fit in with the Free Software Foundation’s GNU project?", 2),
        ("Not printed here", 2),
        ("It builds on the ideals of free software.", 0),
    ]


def test_without_bookmarks_the_printed_table_of_contents_gives_the_sections() -> None:
    contents = [
        "Contents",
        "1. Introduction ........................ 2",
        "1.1. Purpose ........................... 2",
        "2. Berths .............................. 3",
        "2.1. Depth of the berths and of the",
        "approach channel ...................... 3",
        "2.2. Tides ............................. 3",
    ]
    introduction = ["Chapter 1. Introduction", "1.1. Purpose", "This handbook describes the port."]
    berths = [
        "2. Berths",
        "2.1. Depth of the berths and of the approach channel",
        "Berths are dredged to 16 m.",
        "2.2. Tides",
        "Tide tables are published weekly.",
    ]
    extracted = extract_pdf(_pdf([contents, introduction, berths]))
    headings = [
        (b.level, b.page, extracted.text[b.start : b.end])
        for b in extracted.blocks
        if b.kind == "heading"
    ]
    assert headings == [
        (1, 2, "Chapter 1. Introduction"),
        (2, 2, "1.1. Purpose"),
        (1, 3, "2. Berths"),
        (2, 3, "2.1. Depth of the berths and of the approach channel"),
        (2, 3, "2.2. Tides"),
    ]
    assert "........" not in extracted.text


def test_without_bookmarks_or_contents_lines_in_capitals_before_prose_are_headings() -> None:
    """Section names in capitals head a manual page; a term being defined ("SHELLPID") and
    a table's cells ("ASCII") do not."""
    manual = [
        "OPTIONS",
        "All of the single-letter options can be given when the shell is invoked here.",
        "",
        "SHELLPID",
        "Expands to the process identifier of the current shell, in every subshell too.",
        "",
        "SHELL GRAMMAR",
        "A simple command is a sequence of words separated by blanks and ended by a newline.",
        "",
        "ASCII",
        "ISO 646",
        "",
        "EXIT STATUS",
        "The exit status of a command is the value returned by the waitpid system call.",
    ]
    extracted = extract_pdf(_pdf([manual]))
    headings = [extracted.text[b.start : b.end] for b in extracted.blocks if b.kind == "heading"]
    assert headings == ["OPTIONS", "SHELL GRAMMAR", "EXIT STATUS"]


def test_without_any_other_outline_numbered_section_lines_are_headings() -> None:
    """A web page printed by a browser has no outline: its numbered section lines head it,
    one level per part; a figure out of the numbering's order ("3.5 million") does not."""
    first_page: list[str | tuple[int, str, str]] = [
        "6.2. Package Commands",
        "APT is a vast project, whose original plans included a graphical interface.",
        "",
        "6.2.1. Initialization",
        "For any work with APT, the list of available packages needs to be updated first.",
    ]
    second_page: list[str | tuple[int, str, str]] = [
        "3.5 million packages",
        "were downloaded from the mirrors last year according to the project statistics.",
        "",
        "6.2.2. Installing and Removing",
        "With APT, packages can be added or removed from the system with one command.",
    ]
    extracted = extract_pdf(_pdf([first_page, second_page]))
    headings = [
        (b.level, extracted.text[b.start : b.end]) for b in extracted.blocks if b.kind == "heading"
    ]
    assert headings == [
        (2, "6.2. Package Commands"),
        (3, "6.2.1. Initialization"),
        (3, "6.2.2. Installing and Removing"),
    ]


def test_a_pdf_without_text_is_named_as_such() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    try:
        extract_pdf(bytes(pdf.output()))
    except Exception as error:
        assert "no text layer" in str(error) and "OCR is not supported" in str(error)
    else:
        raise AssertionError("a PDF without text must be refused")


def test_a_page_saved_as_one_mhtml_file_is_read_from_its_html_part() -> None:
    saved = MIMEMultipart("related")
    html = (
        "<html><head><title>Café prices</title></head><body><nav><a href='/'>Home</a></nav>"
        "<h1>Prices</h1><p>A café au lait costs 3 € in the old town.</p></body></html>"
    )
    saved.attach(MIMEText(html, "html", "windows-1252"))  # sent quoted-printable
    saved.attach(MIMEImage(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif"))
    page = extract_mhtml(saved.as_bytes())
    assert page.metadata["title"] == "Café prices"
    assert blocks(page) == [
        ("heading", 1, "Prices"),
        ("paragraph", 0, "A café au lait costs 3 € in the old town."),
    ]
    with pytest.raises(LoadError, match="no HTML page inside"):
        extract_mhtml(MIMEText("just text", "plain").as_bytes())
