"""The analyst's workspace in HTML: search scope, citation previews, the sources list's edit
and delete controls, and analyst wording in the document viewer; all of it escaped."""

from __future__ import annotations

import re

from test_ui_render import DOC, EVIL, citation

from assistant.schema import AskResult
from assistant.serve.ui.render import render_document, render_result
from assistant.serve.ui.scope import render_scope_chips, scope_of
from assistant.serve.ui.sources_panel import render_documents, render_source_message

DOCS = [
    {"source": "a.txt", "title": "Alpha"},
    {"source": "b.txt", "title": EVIL},
    {"source": "c.txt"},
]


def test_scope_counts_only_documents_still_in_the_library() -> None:
    assert scope_of(None, DOCS) == {"searched": 3, "total": 3}
    assert scope_of(["a.txt", "gone.txt"], DOCS) == {"searched": 1, "total": 3}
    assert scope_of(["gone.txt"], DOCS) == {"searched": 3, "total": 3}


def test_scope_chips_name_each_document_and_can_remove_it() -> None:
    assert render_scope_chips([], DOCS) == "" and render_scope_chips(["gone"], DOCS) == ""
    bar = render_scope_chips(["a.txt", "b.txt"], DOCS)
    assert "Only searching 2 of 3 documents" in bar
    assert 'data-remove="a.txt"' in bar and 'aria-label="Stop limiting the search to Alpha"' in bar
    assert "<script" not in bar and "<img" not in bar and "&lt;script&gt;" in bar
    assert "data-clear-scope" in bar


def test_answers_say_how_much_was_searched() -> None:
    result = AskResult(answer="Yes [1]", citations=[citation()], question="Q?")
    assert "Searched 1 of 5 documents" in render_result(result, 0, {"searched": 1, "total": 5})
    assert "Searched all 5 documents" in render_result(result, 0, {"searched": 5, "total": 5})
    assert "scope-note" not in render_result(result, 0)  # unknown scope: nothing claimed


def test_a_refusal_under_a_filter_offers_to_search_everything() -> None:
    refused = AskResult(answer="Not in the documents.", abstained=True, question=EVIL)
    page = render_result(refused, 0, {"searched": 2, "total": 5})
    bubble = re.search(r'<div class="bubble abstained">.*?</button></div></div>', page, re.S)
    assert bubble, page
    assert "No answer in the 2 selected documents; " in bubble.group(0)
    assert "try searching all documents" in bubble.group(0)
    assert "<script" not in page and 'data-search-all="&lt;script&gt;' in page
    assert "scope-note" not in page
    everything = render_result(refused, 0, {"searched": 5, "total": 5})
    assert "try searching" not in everything and "Searched all 5 documents" in everything


def test_markers_preview_their_quote_and_source_accessibly() -> None:
    evil = citation(title=EVIL, quote=EVIL, quote_start=0, quote_end=0)
    result = AskResult(answer="One [1]. Two [1].", citations=[evil])
    page = render_result(result, 3)
    links = re.findall(r'<a class="cite-ref" [^>]*aria-describedby="([^"]+)"', page)
    assert links == ["tip-3-1", "tip-3-2"]  # each marker its own preview id
    for tip in links:
        assert f'role="tooltip" id="{tip}"' in page
    assert "<script" not in page and "<img" not in page
    assert "“&lt;script&gt;" in page and 'class="tip-open"' in page


def test_document_view_names_section_and_page_not_offsets_and_links_back() -> None:
    c = citation()
    span, quote = (c.start, c.end), (c.quote_start, c.quote_end)
    page = render_document(c.source, DOC, {}, span, quote, where="Targets · p. 3", back="card-2-1")
    assert "characters" not in page
    assert "Cited passage highlighted (Targets · p. 3)" in page
    assert 'data-back="card-2-1"' in page and "Back to answer" in page
    sneaky = render_document(c.source, DOC, {}, span, quote, where=EVIL, back='x" onclick="1')
    assert "<script" not in sneaky and "data-back" not in sneaky


def test_sources_list_has_labelled_edit_and_confirmed_delete_controls() -> None:
    docs = [{"source": 'q".txt', "title": EVIL, "publisher": "P", "published": "2024"}]
    panel = render_documents(docs)
    assert "<script" not in panel and "<img" not in panel
    assert '<button type="button" class="doc-open" data-source="q&quot;.txt">' in panel
    assert 'data-confirm-delete="q&quot;.txt"' in panel and "hidden" in panel
    for name, label in (("title", "Title"), ("publisher", "Publisher"), ("published", "Date")):
        assert f'<label for="doc-0-{name}">{label}</label>' in panel
    assert 'name="publisher" type="text" value="P"' in panel
    message = render_source_message(f"Could not delete {EVIL}", ok=False)
    assert 'role="alert"' in message and "<script" not in message
