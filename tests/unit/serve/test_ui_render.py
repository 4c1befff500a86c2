"""The UI's HTML: citations link to cards, quotes are highlighted, everything is escaped."""

from __future__ import annotations

import re

from assistant.ingest.document import SkippedFile
from assistant.ingest.report import IndexReport
from assistant.schema import AskResult, Citation, Claim
from assistant.serve.ui.render import (
    highlight_passage,
    render_conversation,
    render_document,
    render_index_report,
    render_result,
    render_turn,
    render_welcome,
)
from assistant.serve.ui.sources_panel import render_documents

EVIL = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
DOC = "Intro line.\n\nThe city of Ningbo set a target of 5.5 percent. Other text follows."


def citation(n: int = 1, **overrides: object) -> Citation:
    passage = "The city of Ningbo set a target of 5.5 percent. Other text follows."
    start = DOC.index(passage)
    quote = "The city of Ningbo set a target of 5.5 percent."
    fields: dict[str, object] = {
        "n": n,
        "source": "003.txt",
        "title": "Growth targets",
        "publisher": "Global Times",
        "published": "2025-01-10",
        "chunk_id": "c1",
        "start": start,
        "end": start + len(passage),
        "text": passage,
        "quote": quote,
        "quote_start": start,
        "quote_end": start + len(quote),
    }
    fields.update(overrides)
    return Citation.model_validate(fields)


def test_markers_link_to_their_cards_with_the_span_to_open() -> None:
    result = AskResult(
        answer="Ningbo aims for 5.5 percent. [1] Unknown [7].", citations=[citation()]
    )
    page = render_result(result, turn=2)
    link = re.search(r'<a class="cite-ref"[^>]*>\[1\]</a>', page)
    assert link, page
    assert 'href="#card-2-1"' in link.group(0)
    assert 'data-source="003.txt"' in link.group(0)
    assert f'data-qs="{citation().quote_start}"' in link.group(0)
    assert 'id="card-2-1"' in page
    assert "Unknown [7]" in page  # a marker without a citation stays plain text
    assert "Growth targets" in page and "Global Times · 2025-01-10" in page


def test_quote_is_highlighted_inside_its_passage() -> None:
    marked = highlight_passage(citation())
    assert marked == (
        "<mark>The city of Ningbo set a target of 5.5 percent.</mark> Other text follows."
    )
    shifted = citation(quote_start=0, quote_end=0)  # offsets unusable: fall back to the text
    assert "<mark>The city of Ningbo set a target of 5.5 percent.</mark>" in highlight_passage(
        shifted
    )
    absent = citation(quote="not there", quote_start=0, quote_end=0)
    assert "<mark>" not in highlight_passage(absent)


def test_every_quoted_sentence_of_a_passage_is_highlighted_in_its_one_card() -> None:
    second = "Other text follows."
    at = DOC.index(second)
    cited = citation(also_quoted=[{"start": at, "end": at + len(second), "text": second}])
    assert highlight_passage(cited) == (
        "<mark>The city of Ningbo set a target of 5.5 percent.</mark> <mark>Other text "
        "follows.</mark>"
    )


def test_everything_from_documents_and_users_is_escaped() -> None:
    evil = citation(
        title=EVIL,
        publisher=EVIL,
        source='bad".txt',
        text=f"{EVIL} The city of Ningbo set a target of 5.5 percent.",
        quote=EVIL,
        quote_start=0,
        quote_end=0,
    )
    result = AskResult(answer=f"{EVIL} [1]", citations=[evil], question=EVIL)
    pages = [
        render_result(result, 0),
        render_turn(0, EVIL, partial=EVIL),
        render_turn(0, EVIL, error=EVIL),
        render_document('bad".txt', EVIL * 2, {"title": EVIL, "publisher": EVIL}, (0, 10), (2, 5)),
        render_documents([{"source": EVIL, "title": EVIL, "publisher": EVIL, "chunks": 1}]),
        render_index_report(IndexReport(added=[EVIL], skipped=[SkippedFile(EVIL, EVIL)])),
        render_welcome([], [EVIL]),
    ]
    for page in pages:
        assert "<script" not in page and "<img" not in page, page
        assert "&lt;script&gt;" in page or "&lt;scr" in page, page
    assert 'data-source="bad&quot;.txt"' in pages[0]


def test_unsupported_sentences_are_marked() -> None:
    first, second = "Ningbo aims for 5.5 percent. [1]", "Ningbo aims for 9 percent. [1]"
    answer = f"{first} {second}"
    result = AskResult(
        answer=answer,
        citations=[citation(supported=False)],
        claims=[
            Claim(text=first, citations=[1], start=0, end=len(first)),
            Claim(
                text=second,
                citations=[1],
                start=len(first) + 1,
                end=len(answer),
                supported=False,
                problems=["number 9 not in the cited passage"],
            ),
        ],
    )
    page = render_result(result, 0)
    marked = re.findall(r'<span class="claim-unsupported" title="([^"]*)">(.*?)<span', page)
    assert len(marked) == 1
    assert "number 9 not in the cited passage" in marked[0][0]
    assert "9 percent" in marked[0][1] and "5.5" not in marked[0][1]
    assert "1 sentence is not supported" in page
    assert "Not supported by this passage" in page


def test_abstention_looks_different_and_has_no_cards() -> None:
    result = AskResult(answer="The documents do not mention Atlantis.", abstained=True)
    page = render_result(result, 0)
    assert 'class="bubble abstained"' in page and "Not answered by the documents" in page
    assert "cite-card" not in page and 'class="bubble answer"' not in page


def test_details_show_timings_in_plain_words_and_the_rewritten_question() -> None:
    result = AskResult(
        answer="x [1]",
        citations=[citation()],
        question="And Sanya?",
        standalone_question="What target did Sanya set?",
        timings_ms={"condense": 0.0, "retrieve": 40.0, "answer": 2.5, "verify": 0.1, "total": 43.2},
        tokens={"question": 7, "passages": 445},
    )
    page = render_result(result, 0)
    details = re.search(r"<details.*</details>", page, re.S)
    assert details, page
    assert "<summary>Details · 1 passage from 1 document</summary>" in details.group(0)
    assert "Growth targets" in details.group(0) and "Passage [1]" in details.group(0)
    timings = re.search(r'<details class="timings">.*?</details>', details.group(0), re.S)
    assert timings, details.group(0)  # folded inside
    assert "<summary>Answered in 43 ms</summary>" in timings.group(0)
    assert "<td>Finding passages</td><td>40 ms</td>" in timings.group(0)
    assert "<td>Writing the answer</td><td>2.5 ms</td>" in timings.group(0)
    # Stage names, stages that took no time and token counts are the server's business.
    for developer_words in ("condense", "verify", "0.0 ms", "0.1 ms", "tokens", "445"):
        assert developer_words not in timings.group(0)
    assert "Searched for <q>What target did Sanya set?</q>" in page


def test_document_view_marks_the_quote_inside_the_passage() -> None:
    c = citation()
    page = render_document(
        c.source, DOC, {"title": "Growth targets"}, (c.start, c.end), (c.quote_start, c.quote_end)
    )
    assert '<mark class="doc-quote" id="doc-quote">' + c.quote + "</mark>" in page
    assert '<span class="doc-passage">' in page
    assert page.count("Intro line.") == 1
    clamped = render_document("a.txt", "short", {}, (3, 999), (-5, 999))
    assert '<mark class="doc-quote" id="doc-quote">rt</mark>' in clamped
    plain = render_document("a.txt", "whole text", {})
    assert "<mark" not in plain and "whole text" in plain


def test_sources_panel_and_index_report() -> None:
    docs = [
        {"source": "a.txt", "title": "Alpha", "publisher": "P", "published": "2024", "chunks": 3},
        {"source": "b.txt", "title": "Beta", "chunks": 4, "tokens": 1200},
    ]
    panel = render_documents(docs)
    assert "2 documents · 7 passages" in panel
    assert "a.txt · 3 passages" in panel and 'data-source="a.txt"' in panel
    report = IndexReport(
        added=["new.txt"], skipped=[SkippedFile("empty.txt", "empty file")], chunks_total=9
    )
    html = render_index_report(report, rejected=[("huge.pdf", "larger than 10 MB")])
    assert "Added: <b>new.txt</b>" in html
    assert "Not indexed: <b>empty.txt</b> — empty file" in html
    assert "Not indexed: <b>huge.pdf</b> — larger than 10 MB" in html


def test_conversation_renders_turns_and_the_pending_one() -> None:
    result = AskResult(answer="Yes [1]", citations=[citation()])
    turns = [
        {"question": "First?", "result": result.model_dump()},
        {"question": "Broken?", "error": "Cannot answer: question is empty"},
    ]
    page = render_conversation(turns, "WELCOME", render_turn(2, "Third?"))
    assert "WELCOME" not in page
    assert page.index("First?") < page.index("Broken?") < page.index("Third?")
    assert 'id="card-0-1"' in page and "Searching the documents" in page
    assert "WELCOME" in render_conversation([], "WELCOME")


def test_cards_show_titles_and_known_publishers_not_file_names() -> None:
    """A file name such as 003_13730679fda5be95.txt is hidden on a card with a title, and a
    placeholder publisher such as "unknown (research report)" is not shown anywhere."""
    placeholder = citation(publisher="unknown (investment research note)")
    page = render_result(AskResult(answer="x [1]", citations=[placeholder]), 0)
    assert '<span class="card-file" hidden>003.txt</span>' in page
    assert "unknown" not in page
    untitled = render_result(AskResult(answer="x [1]", citations=[citation(title="")]), 0)
    assert '<span class="card-file">003.txt</span>' in untitled
    viewer = render_document("003.txt", DOC, {"title": "T", "publisher": "Unknown (report)"})
    assert "Unknown" not in viewer
    panel = render_documents([{"source": "a.txt", "title": "T", "publisher": "unknown (x)"}])
    assert "unknown" not in panel.split("<form")[0]  # the edit form still holds it, to fix


def test_the_first_screen_names_the_documents_and_their_topic() -> None:
    documents = [
        {
            "source": "003_13730679fda5be95.txt",
            "title": "Growth targets",
            "publisher": "GT",
            "published": "2025-01-10",
        },
        {"source": "004.txt", "title": "Signals", "publisher": "unknown (research note)"},
    ]
    page = render_welcome(documents, ["Compare Ningbo and Wuhan."], ["Two Sessions"])
    assert "2 documents on Two Sessions:" in page
    assert '<span class="welcome-title">Growth targets</span>' in page
    assert "GT · 2025-01-10" in page and "Signals" in page
    assert "003_13730679fda5be95.txt" not in page and "unknown" not in page
    assert 'data-example="Compare Ningbo and Wuhan."' in page
    many = [{"source": f"{n}.txt", "title": f"T{n}"} for n in range(11)]
    assert "and 3 more documents (see Sources)" in render_welcome(many, [])
    assert "No documents yet" in render_welcome([], [])


def test_a_blank_question_says_what_to_do() -> None:
    page = render_conversation([], "<p>welcome</p>", blank=True)
    assert '<p class="blank-note" role="alert">Type a question first' in page
    assert "blank-note" not in render_conversation([], "<p>welcome</p>")


def test_cards_citing_a_deleted_document_say_it_is_gone() -> None:
    turns = [
        {"question": "q", "result": AskResult(answer="x [1]", citations=[citation()]).model_dump()}
    ]
    gone = render_conversation(turns, "", deleted={"003.txt"})
    assert '<div class="cite-card deleted" id="card-0-1">' in gone
    assert "This document has since been deleted" in gone
    kept = render_conversation(turns, "", deleted={"other.txt"})
    assert "deleted" not in kept
