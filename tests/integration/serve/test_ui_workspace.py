"""The analyst's workspace in the web UI, in headless Chromium against a real `assistant serve`:
conversations kept across reloads and restarts, the history sidebar, downloads, copy and
ratings. What the page shows is checked against the server's own database.

Screenshots are copied to /tmp/ui-shots/ for review, at desktop (1400x900) and phone
(390x844) sizes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from conftest import DATABASES, database_for
from playwright.sync_api import Browser, BrowserContext, Page, expect
from ui_harness import TIMEOUT_MS, Server, Session, chromium, served

from assistant.serve.owner import OWNER_COOKIE
from assistant.workspace.conversations import ConversationStore
from assistant.workspace.export import answer_markdown
from assistant.workspace.models import Conversation

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
NINGBO = "What GDP growth target did Ningbo set for 2025?"
NINGBO_TITLE = "Chinese localities unveil growth targets for 2025"


@pytest.fixture(scope="module", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The server with its workspace on SQLite, then on PostgreSQL."""
    with served(tmp_path_factory.mktemp("workspace"), database_url=database_for(request)) as up:
        yield up


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def open_session(server: Server, browser: Browser) -> Iterator[Callable[..., Session]]:
    """Sessions in fresh browser contexts (each a new owner), closed after the test."""
    contexts: list[BrowserContext] = []

    def start(viewport: dict[str, int] = DESKTOP) -> Session:
        context = browser.new_context(viewport=viewport)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        session = Session(page, server)
        page.on("pageerror", lambda error: session.errors.append(str(error)))
        page.goto(server.url)
        _ready(page)
        return session

    yield start
    for context in contexts:
        context.close()


def _ready(page: Page) -> None:
    """The page has loaded and run its load event (the sidebar list is filled in by it)."""
    page.locator("#history .history").wait_for()
    page.locator("#conversation .conversation").wait_for()


def _owner(page: Page) -> str:
    cookie = next(c for c in page.context.cookies() if c["name"] == OWNER_COOKIE)
    return f"browser:{cookie['value']}"


def _store(server: Server) -> ConversationStore:
    """The server's own workspace, read directly."""
    url = server.env.get("ASSISTANT_DATABASE_URL")
    return ConversationStore(server.tmp / "data", database_url=url)


def _stored(session: Session) -> list[Conversation]:
    store = _store(session.server)
    owner = _owner(session.page)
    return [store.get(owner, info.id) for info in store.list(owner)]


def _eventually(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the server did not store it in time"
        time.sleep(0.2)


def _items(page: Page):
    return page.locator("#history li.conv")


def _titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#history .conv-title").all_inner_texts()]


def test_a_conversation_survives_reload_and_restart(
    server: Server, open_session: Callable[..., Session]
) -> None:
    session = open_session()
    page = session.page
    expect(page.locator("#history")).to_contain_text("Your conversations will be listed here.")
    session.ask(NINGBO, turn=0)
    expect(_items(page)).to_have_count(1)
    expect(page.locator("#history li.conv.current .conv-title")).to_have_text(NINGBO)
    expect(page.locator("#history li.conv.current")).to_contain_text("1 question")
    [stored] = _stored(session)
    assert [t.question for t in stored.turns] == [NINGBO]
    assert stored.turns[0].settings == {
        "k": 5,
        "mode": "extractive",
        "sources": [],
        "scope": {"searched": 5, "total": 5},
    }
    answer = page.locator("#turn-0 .answer-text").text_content()
    session.shot("20-workspace-answer")

    page.reload()
    _ready(page)
    expect(page.locator("#turn-0 .bubble.user")).to_have_text(NINGBO)
    expect(page.locator("#turn-0")).to_contain_text("Searched all 5 documents")
    expect(page.locator("#turn-0 .answer-text")).to_have_text(answer)
    expect(page.locator("#turn-0 .cite-card .card-title").first).to_contain_text(NINGBO_TITLE)

    server.restart()
    page.reload()
    _ready(page)
    expect(page.locator("#turn-0 .answer-text")).to_have_text(answer)
    expect(_items(page)).to_have_count(1)
    # A follow-up after the restart is read with the stored question before it.
    session.ask("And what about Sanya?", turn=1)
    expect(page.locator("#turn-1 .rewritten")).to_contain_text("Sanya")
    expect(page.locator("#turn-1 .bubble.answer")).to_contain_text("6.5")
    expect(page.locator("#history li.conv.current")).to_contain_text("2 questions")

    # New chat keeps the conversation in the history; a click (or Enter) opens it again.
    page.locator("#new-chat").click()
    expect(page.locator(".welcome")).to_be_visible()
    expect(page.locator("#history li.conv.current")).to_have_count(0)
    expect(_items(page)).to_have_count(1)
    page.locator("#history .conv-open").first.click()
    expect(page.locator("#turn-1 .bubble.answer")).to_contain_text("6.5")
    page.locator("#new-chat").click()
    expect(page.locator(".welcome")).to_be_visible()
    page.locator("#history .conv-open").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#turn-0 .answer-text")).to_have_text(answer)
    expect(page.locator("#history .conv-open[aria-current=true]")).to_have_count(1)
    assert session.errors == []


def test_rename_delete_and_undo(open_session: Callable[..., Session]) -> None:
    session = open_session()
    page = session.page
    session.ask(NINGBO, turn=0)
    page.locator("#new-chat").click()
    expect(page.locator(".welcome")).to_be_visible()  # the question box is emptied too
    session.ask("What did the Shanghai Two Sessions discuss?", turn=0)
    expect(_items(page)).to_have_count(2)
    assert _titles(page) == ["What did the Shanghai Two Sessions discuss?", NINGBO]

    # Rename in place; the new title is user text and is shown as text.
    markup = 'Ningbo <img src=x onerror="window.__xss=5"> targets'
    page.locator("#history li.conv").nth(1).get_by_role("button", name="Rename").click()
    field = page.get_by_role("textbox", name="New name for this conversation")
    expect(field).to_be_focused()
    session.shot("21-workspace-rename")
    field.fill(markup)
    field.press("Enter")
    expect(page.locator("#history .conv-title").nth(1)).to_have_text(markup)
    _eventually(lambda: {c.title for c in _stored(session)} >= {markup})
    page.reload()
    _ready(page)
    expect(page.locator("#history .conv-title").nth(1)).to_have_text(markup)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#history img").count() == 0

    # Escape cancels a rename.
    page.locator("#history li.conv").first.get_by_role("button", name="Rename").click()
    field.fill("Not kept")
    field.press("Escape")
    expect(page.locator("#history .conv-title").first).to_have_text(
        "What did the Shanghai Two Sessions discuss?"
    )

    # Delete the open conversation: a new chat opens, the list offers Undo.
    expect(page.locator("#history li.conv.current .conv-title")).to_have_text(
        "What did the Shanghai Two Sessions discuss?"
    )
    page.locator("#history li.conv.current").get_by_role("button", name="Delete").click()
    expect(page.locator(".welcome")).to_be_visible()
    expect(_items(page)).to_have_count(1)
    notice = page.locator("#history .undo-notice")
    expect(notice).to_contain_text("Deleted “What did the Shanghai Two Sessions discuss?”")
    session.shot("22-workspace-deleted-undo")
    assert len(_stored(session)) == 1
    notice.get_by_role("button", name="Undo").click()
    expect(_items(page)).to_have_count(2)
    expect(page.locator("#history .undo-notice")).to_have_count(0)
    assert len(_stored(session)) == 2

    # Another browser (another owner) sees none of these conversations.
    other = open_session()
    expect(other.page.locator("#history")).to_contain_text("Your conversations will be listed")
    assert session.errors == [] and other.errors == []


def test_copy_and_downloads_have_answers_and_references(
    open_session: Callable[..., Session], tmp_path: Path
) -> None:
    session = open_session()
    page = session.page
    expect(page.locator("#download-md")).to_be_hidden()
    session.ask(NINGBO, turn=0)
    [stored] = _stored(session)
    result = stored.turns[0].result
    citation = result.citations[0]
    assert citation.title.startswith(NINGBO_TITLE)

    page.locator("#turn-0").get_by_role("button", name="Copy the question and answer").click()
    expect(page.locator("#turn-0 .act-status")).to_have_text("Copied with its references")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"**{NINGBO}**\n\n{answer_markdown(result)}"

    with page.expect_download() as download_md:
        page.locator("#download-md").click()
    markdown_file = tmp_path / download_md.value.suggested_filename
    download_md.value.save_as(markdown_file)
    assert markdown_file.suffix == ".md"
    markdown = markdown_file.read_text(encoding="utf-8")
    assert f"## 1. {NINGBO}" in markdown
    assert "[1]" in markdown
    assert f"1. {NINGBO_TITLE}" in markdown
    assert f'> "{" ".join(citation.quote.split())}"' in markdown

    with page.expect_download() as download_docx:
        page.locator("#download-docx").click()
    word_file = tmp_path / download_docx.value.suggested_filename
    download_docx.value.save_as(word_file)
    assert word_file.suffix == ".docx"
    text = "\n".join(p.text for p in docx.Document(str(word_file)).paragraphs)
    assert result.answer.strip() in text
    assert f"[1] {NINGBO_TITLE}" in text
    assert citation.quote in text
    headings = [
        p.text for p in docx.Document(str(word_file)).paragraphs if p.style.name[:7] == "Heading"
    ]
    assert "References" in headings
    assert session.errors == []


def test_a_conversation_holding_control_characters_opens_and_exports_both_formats(
    server: Server, open_session: Callable[..., Session], tmp_path: Path
) -> None:
    """A form feed from a PDF page break and control characters in a title and a question:
    the conversation still opens (from the list and as the browser's open one after a
    reload), and both downloads hold its text, minus what XML cannot."""
    session = open_session()
    page = session.page
    session.ask(NINGBO, turn=0)
    result = _stored(session)[0].turns[0].result
    paged = result.model_copy(update={"answer": "Page one ends.\fPage two: 5.5 percent [1]."})
    store, owner = _store(server), _owner(page)
    made = store.create(owner, "Form\ffeed\x01 targets")
    store.add_turn(owner, made.id, "And\x0b the page break?", paged, {})
    page.reload()
    _ready(page)
    page.locator("#history li.conv", has_text="targets").locator(".conv-open").click()
    expect(page.locator("#turn-0 .answer-text")).to_contain_text("Page two: 5.5 percent")
    expect(page.locator("#download-docx")).to_be_visible()
    session.shot("26-workspace-form-feed")

    files = {}
    for button in ("#download-md", "#download-docx"):
        with page.expect_download() as download:
            page.locator(button).click()
        files[button] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[button])
    assert "Page two: 5.5 percent" in files["#download-md"].read_text(encoding="utf-8")
    paragraphs = [p.text for p in docx.Document(str(files["#download-docx"])).paragraphs]
    assert paragraphs[0] == "Form feed targets"
    assert "Page one ends. Page two: 5.5 percent [1]." in paragraphs

    page.reload()  # the open conversation is reopened by the page load itself
    _ready(page)
    expect(page.locator("#turn-0 .answer-text")).to_contain_text("Page two: 5.5 percent")
    expect(page.locator("#download-md")).to_be_visible()
    assert session.errors == []


def test_ratings_are_stored_and_shown_after_reload(open_session: Callable[..., Session]) -> None:
    session = open_session()
    page = session.page
    session.ask(NINGBO, turn=0)
    session.ask("And what about Sanya?", turn=1)
    actions = page.locator("#turn-1 .answer-actions")
    down = actions.get_by_role("button", name="Poor answer")
    up = actions.get_by_role("button", name="Good answer")
    expect(actions.get_by_role("textbox")).to_be_hidden()
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    comment = actions.get_by_role("textbox", name="Comment on your rating (optional)")
    comment.fill("Should also give the <b>Hainan</b> figure")
    actions.get_by_role("button", name="Save comment").click()
    expect(actions.locator(".act-status")).to_have_text("Comment saved")
    session.shot("23-workspace-rated")

    def rated(rating: str) -> bool:
        feedback = _stored(session)[0].turns[1].feedback
        return bool(feedback and feedback.rating == rating and "Hainan" in feedback.comment)

    _eventually(lambda: rated("down"))
    assert _stored(session)[0].turns[0].feedback is None

    page.reload()
    _ready(page)
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(comment).to_have_value("Should also give the <b>Hainan</b> figure")
    expect(page.locator("#turn-0 .answer-actions button[aria-pressed=true]")).to_have_count(0)
    up.click()
    _eventually(lambda: rated("up"))
    assert session.errors == []


def test_on_a_phone_the_sidebar_opens_on_demand(open_session: Callable[..., Session]) -> None:
    """At 390 px the sidebar would cover the conversation: it starts closed, opens with its
    toggle, and closes again once a conversation is picked."""
    session = open_session(PHONE)
    page = session.page
    first = page.locator("#history .conv-open").first
    session.ask(NINGBO, turn=0)
    expect(first).not_to_be_in_viewport()
    session.shot("24-workspace-phone")
    page.locator("#new-chat").click()
    expect(page.locator(".welcome")).to_be_visible()
    page.get_by_role("button", name="Toggle Sidebar").click()
    expect(first).to_be_in_viewport()
    page.wait_for_timeout(400)  # the sidebar slides in
    session.shot("25-workspace-phone-sidebar")
    first.click()
    expect(page.locator("#turn-0 .bubble.user")).to_have_text(NINGBO)
    expect(first).not_to_be_in_viewport()
    assert session.errors == []


def test_first_screen_names_the_documents_with_varied_examples(
    open_session: Callable[..., Session],
) -> None:
    """The empty chat names the documents and their topic and offers examples of different
    kinds; a blank question says what to do; an answer's card and Details speak the
    analyst's language (no file names under a title, no placeholder publisher, no stage
    names), and neither the settings nor the upload box talk like a server."""
    session = open_session()
    page = session.page
    welcome = page.locator(".welcome")
    expect(welcome).to_contain_text("5 documents on Two Sessions:")
    expect(welcome.locator(".welcome-title")).to_have_count(5)
    expect(welcome.locator(".welcome-title").first).not_to_have_text("")
    assert ".txt" not in welcome.inner_text()
    chips = [c.strip() for c in welcome.locator("button.example").all_inner_texts()]
    assert len(chips) >= 3, chips
    assert len({" ".join(chip.split()[:2]) for chip in chips}) == len(chips), chips
    session.shot("26-first-screen")

    page.locator("#ask").click()
    expect(page.locator(".blank-note")).to_have_text(
        "Type a question first, or pick one of the examples."
    )
    session.ask(NINGBO, turn=0)
    expect(page.locator(".blank-note")).to_have_count(0)
    card = page.locator("#turn-0 .cite-card").first
    expect(card.locator(".card-file")).to_be_hidden()
    expect(page.locator("#turn-0 .timings > summary")).to_contain_text("Answered in")
    assert "unknown (" not in page.locator("#turn-0").inner_text()
    page.locator("#settings").get_by_text("Answer settings").click()
    expect(page.locator("#mode")).not_to_contain_text("LLM answers are not set up")
    page.get_by_role("tab", name="Sources").click()
    expect(page.locator("#upload-hint")).to_contain_text("PDF or Word files, up to")
    assert ".docx" not in page.locator("#upload").inner_text()
    assert session.errors == []


def test_on_a_phone_the_sidebar_toggle_is_on_screen_and_clear_of_the_title(
    open_session: Callable[..., Session],
) -> None:
    session = open_session(PHONE)
    page = session.page
    page.evaluate("window.scrollTo(0, 0)")  # the question box's autofocus scrolls down
    page.wait_for_timeout(300)
    toggle = page.get_by_role("button", name="Toggle Sidebar")
    expect(toggle).to_be_visible()
    box, title = toggle.bounding_box(), page.locator(".app-header h1").bounding_box()
    assert box and title
    assert box["x"] >= 4 and box["x"] + box["width"] <= PHONE["width"], box  # not at the edge
    overlaps = box["x"] < title["x"] + title["width"] and title["x"] < box["x"] + box["width"]
    overlaps &= box["y"] < title["y"] + title["height"] and title["y"] < box["y"] + box["height"]
    assert not overlaps, (box, title)
    session.shot("27-phone-toggle")
    assert session.errors == []


def test_after_new_chat_a_reload_keeps_the_empty_chat(open_session: Callable[..., Session]) -> None:
    session = open_session()
    page = session.page
    session.ask(NINGBO, turn=0)
    page.locator("#new-chat").click()
    expect(page.locator(".welcome")).to_be_visible()
    page.wait_for_timeout(500)  # the browser stores the open conversation's id
    page.reload()
    _ready(page)
    expect(page.locator(".welcome")).to_be_visible()
    expect(page.locator("#turn-0")).to_have_count(0)
    expect(page.locator("#history .conv.current")).to_have_count(0)
    session.ask("And Sanya?", turn=0)  # a new conversation, not a follow-up of the old one
    assert len(_stored(session)) == 2
    assert session.errors == []
