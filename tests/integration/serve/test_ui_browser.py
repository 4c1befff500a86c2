"""The web UI in headless Chromium against a real `assistant serve` on a free port.

Screenshots go to the test's temporary folder and are copied to /tmp/ui-shots/ for review.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from ui_harness import TIMEOUT_MS, Server, Session, chromium, served

pytestmark = pytest.mark.slow

MARKUP_DOC = (
    '<b>Quillfeather</b> markup notice <img src=x onerror="window.__xss=3">\n\n'
    "The Quillfeather archive stores the snippet <script>window.__xss=1</script> as plain "
    "text for its readers.\n\n"
    'The Quillfeather catalogue also lists <img src=x onerror="window.__xss=2"> as a sample '
    "tag that must never run.\n"
)

# One chunk of short paragraphs whose quoted sentence comes last, below the card's fold.
LIGHTHOUSE_DOC = "\n\n".join(
    [
        *(f"Vellmar keepers kept rota number {n} through the winter season." for n in range(9)),
        "The Vellmar lighthouse lamp reaches 23 nautical miles on a clear night.",
    ]
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A private corpus (plus a document full of markup) indexed and served on a free port."""
    documents = {"zz_markup.txt": MARKUP_DOC, "zz_lighthouse.txt": LIGHTHOUSE_DOC}
    with served(tmp_path_factory.mktemp("ui"), documents) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def session(server: Server, browser: Browser) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    current = Session(page, server)
    page.on("request", lambda request: current.requests.append(request.url))
    page.on("pageerror", lambda error: current.errors.append(str(error)))
    current.open()
    yield current
    context.close()


def _card(page: Page, turn: int, source: str):
    return page.locator(f"#turn-{turn} .cite-card").filter(
        has=page.locator(".card-file", has_text=source)
    )


def _set_slider(page: Page, elem: str, value: int) -> None:
    """Set a Gradio slider through its range input once the component has mounted.

    The accordion mounts its children when opened, and an edit made while Svelte is still
    binding the initial value can be overwritten, so the edit is retried until it holds.
    """
    number = page.locator(f"{elem} input[type=number]")
    slider = page.locator(f"{elem} input[type=range]")
    expect(number).to_be_editable()
    for _ in range(3):
        slider.fill(str(value))
        try:
            expect(number).to_have_value(str(value), timeout=2_000)
            return
        except AssertionError:
            continue
    expect(number).to_have_value(str(value))


def _mark_in_view(page: Page) -> bool:
    """Whether the highlighted quote is inside the visible part of the document body."""
    return page.evaluate(
        """() => {
          const body = document.querySelector('#doc-viewer .doc-body');
          const mark = document.querySelector('#doc-viewer #doc-quote');
          if (!body || !mark) return false;
          const b = body.getBoundingClientRect(), m = mark.getBoundingClientRect();
          return m.top >= b.top - 1 && m.top <= b.bottom - 10 && m.height > 0;
        }"""
    )


def test_a_source_card_opens_on_its_quote_when_the_quote_is_below_the_fold(
    session: Session,
) -> None:
    session.ask("How far does the Vellmar lighthouse lamp reach?", 0)
    card = _card(session.page, 0, "zz_lighthouse.txt")
    expect(card.locator("mark").first).to_contain_text("23 nautical miles")
    placement = card.locator(".card-passage").evaluate(
        """(passage) => {
          const p = passage.getBoundingClientRect();
          const m = passage.querySelector('mark').getBoundingClientRect();
          return {scrolled: passage.scrollTop, top: m.top - p.top, bottom: p.bottom - m.bottom,
                  overflows: passage.scrollHeight > passage.clientHeight};
        }"""
    )
    assert placement["overflows"], "the passage must be taller than its box for this test"
    assert placement["scrolled"] > 0
    assert placement["top"] >= 0 and placement["bottom"] >= 0, placement


def test_ask_cite_follow_up_and_upload(session: Session) -> None:
    page = session.page
    session.shot("01-welcome")
    for link in ("Use via API", "Built with Gradio", "Settings"):  # no developer footer
        expect(page.get_by_text(link, exact=True)).to_have_count(0)

    session.ask("What GDP growth target did Ningbo set for 2025?", turn=0)
    answer = page.locator("#turn-0 .bubble.answer")
    expect(answer).to_contain_text("5.5")
    expect(answer).to_contain_text("Ningbo")
    card = _card(page, 0, "003_13730679fda5be95.txt")
    expect(card).to_have_count(1)
    expect(card.locator(".card-title")).to_contain_text(
        "Chinese localities unveil growth targets for 2025"
    )
    expect(card.locator(".card-meta")).to_have_text("Global Times · 2025-01-10")
    expect(card.locator(".card-passage mark")).to_contain_text("5.5 percent")
    expect(page.locator("#turn-0 .answer-details .timings > summary")).to_contain_text("ms")
    session.shot("02-answer")

    number = card.locator(".card-n").inner_text()
    page.locator(f"#turn-0 a.cite-ref[data-card='card-0-{number}']").first.click()
    viewer = page.locator("#doc-viewer")
    expect(viewer.locator(".doc-title")).to_contain_text("Chinese localities unveil growth")
    quote = viewer.locator("mark#doc-quote")
    expect(quote).to_contain_text("Ningbo")
    expect(quote).to_contain_text("5.5 percent")
    expect(viewer.locator(".doc-passage")).to_contain_text(quote.inner_text())
    page.wait_for_function("() => document.querySelector('#doc-viewer .doc-body') !== null")
    assert _mark_in_view(page)
    session.shot("03-citation-opened")

    session.ask("And what about Sanya?", turn=1)
    follow_up = page.locator("#turn-1 .bubble.answer")
    expect(follow_up).to_contain_text("Sanya")
    expect(follow_up).to_contain_text("6.5")
    expect(page.locator("#turn-1 .rewritten")).to_contain_text("Sanya")
    session.shot("04-follow-up")

    good = session.server.tmp / "harbour_report.md"
    filler = "\n\n".join(
        f"Paragraph {i} describes routine shipping statistics for the quarter." for i in range(60)
    )
    good.write_text(
        "# Zorvath harbour review\n\n"
        + filler
        + "\n\nThe Zorvath harbour authority approved a dredging budget of 42.7 million yuan "
        "for 2025.\n",
        encoding="utf-8",
    )
    empty = session.server.tmp / "empty_notes.txt"
    empty.write_text("  \n", encoding="utf-8")
    broken = session.server.tmp / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    unsupported = session.server.tmp / "slides.pptx"
    unsupported.write_bytes(b"PK\x03\x04 not a supported type")
    page.get_by_role("tab", name="Sources").click()
    expect(page.locator("#sources .doc-item")).to_have_count(7)
    page.locator("#upload input[type=file]").set_input_files([good, empty, broken, unsupported])
    report = page.locator("#index-report")
    expect(report).to_contain_text("Added: harbour_report.md", timeout=120_000)
    expect(report).to_contain_text("Not indexed: empty_notes.txt — empty file")
    expect(report).to_contain_text("Not indexed: broken.pdf — broken PDF")
    expect(report).to_contain_text("Not indexed: slides.pptx — unsupported file type '.pptx'")
    expect(page.locator("#sources .doc-item")).to_have_count(8)
    expect(page.locator("#sources .doc-item", has_text="harbour_report.md")).to_contain_text(
        "passages"
    )
    session.shot("05-upload-report")

    session.ask("What dredging budget did the Zorvath harbour authority approve?", turn=2)
    expect(page.locator("#turn-2 .bubble.answer")).to_contain_text("42.7")
    uploaded = _card(page, 2, "harbour_report.md")
    expect(uploaded).to_have_count(1)
    uploaded.locator("button.open-doc").click()
    expect(page.locator("#doc-viewer mark#doc-quote")).to_contain_text("42.7 million yuan")
    page.wait_for_function(
        "() => document.querySelector('#doc-viewer .doc-body').scrollTop > 200", timeout=10_000
    )
    assert _mark_in_view(page)
    session.shot("06-uploaded-document-cited")

    assert session.outbound() == []
    assert session.errors == []


def test_example_filter_abstention_and_new_chat(session: Session) -> None:
    page = session.page
    examples = page.locator(".welcome .example")
    assert examples.count() >= 2
    first = examples.first.inner_text()
    assert first.startswith("What do the documents say about ")
    examples.first.click()
    session.wait_for_turn(0)
    expect(page.locator("#turn-0 .bubble.user")).to_have_text(first)
    expect(page.locator("#turn-0 .cite-card").first).to_be_visible()

    page.locator("#settings").get_by_text("Answer settings").click()
    _set_slider(page, "#k", 3)
    page.locator("#only input").click()
    page.get_by_role("option", name="Local Two Sessions Conclude").click()
    page.locator("#k").click(position={"x": 4, "y": 4})
    expect(page.get_by_role("option")).to_have_count(0)
    expect(page.locator("#only")).to_contain_text("Local Two Sessions Conclude")
    session.shot("07-settings")

    session.ask("What GDP growth target did Ningbo set for 2025?", turn=1)
    abstained = page.locator("#turn-1 .bubble.abstained")
    expect(abstained).to_contain_text("Not answered by the documents")
    expect(page.locator("#turn-1 .cite-card")).to_have_count(0)
    session.shot("08-abstention")

    page.locator("#new-chat").click()  # the old conversation stays in the history sidebar
    expect(page.locator(".welcome")).to_be_visible()
    expect(page.locator(".turn")).to_have_count(0)
    expect(page.locator("#history li.conv")).to_have_count(1)
    assert session.errors == []


def test_markup_in_documents_and_questions_is_shown_as_text(session: Session) -> None:
    page = session.page
    session.ask("What does the Quillfeather archive store?", turn=0)
    card = _card(page, 0, "zz_markup.txt")
    expect(card).to_have_count(1)
    passage = card.locator(".card-passage")
    expect(passage).to_contain_text("<script>window.__xss=1</script>")
    expect(passage).to_contain_text('<img src=x onerror="window.__xss=3">')
    expect(card.locator(".card-title")).to_contain_text('<img src=x onerror="window.__xss=3">')
    card.locator("button.open-doc").click()
    document = page.locator("#doc-viewer .doc-body")
    expect(document).to_contain_text("<script>window.__xss=1</script>")
    expect(document).to_contain_text('<img src=x onerror="window.__xss=2">')

    session.ask("Does Quillfeather keep <img src=x onerror=window.__xss=4> tags?", turn=1)
    expect(page.locator("#turn-1 .bubble.user")).to_have_text(
        "Does Quillfeather keep <img src=x onerror=window.__xss=4> tags?"
    )
    page.get_by_role("tab", name="Sources").click()
    expect(page.locator("#sources")).to_contain_text('<img src=x onerror="window.__xss=3">')
    session.shot("09-markup-as-text")

    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("[onerror]").count() == 0
    assert not page.evaluate(
        "() => [...document.scripts].some(s => s.textContent.trim() === 'window.__xss=1')"
    )
    assert session.errors == []


_UNCITED_TEXT = """(turn) => {
    const answer = document.querySelector(`#turn-${turn} .answer-text`).cloneNode(true);
    answer.querySelectorAll('.cite-tip').forEach((tip) => tip.remove());
    answer.querySelectorAll('a.cite-ref').forEach((ref) => ref.replaceWith('\\u0001'));
    return answer.innerText.split('\\n').filter((line) => line.trim()).map((line) => {
        const parts = line.split('\\u0001');
        return {markers: parts.length - 1, after: parts[parts.length - 1].trim(),
                empty: parts.slice(0, -1).filter((part) => !part.trim()).length};
    });
}"""


def test_an_overview_and_a_list_cite_every_sentence(session: Session) -> None:
    """Analysts' questions beyond one fact: each paragraph of the answer is cited sentences,
    every one followed by its marker, none left without."""
    for turn, question in enumerate(
        [
            "Summarise the main themes of the documents.",
            "Which cities set GDP growth targets above 6 percent for 2025?",
        ]
    ):
        session.ask(question, turn=turn)
        answer = session.page.locator(f"#turn-{turn} .bubble.answer")
        expect(answer).not_to_contain_text("don't answer")
        lines = session.page.evaluate(_UNCITED_TEXT, turn)
        assert lines and all(line["markers"] >= 1 for line in lines), lines
        assert all(line["after"] == "" and line["empty"] == 0 for line in lines), lines
    expect(session.page.locator("#turn-0 a.cite-ref")).not_to_have_count(0)
    cards = session.page.locator("#turn-0 .card-title")
    assert len(set(cards.all_inner_texts())) >= 2  # an overview spans documents
    expect(session.page.locator("#turn-1 .bubble.answer")).to_contain_text("Sanya")
    session.shot("05-overview-and-list")
