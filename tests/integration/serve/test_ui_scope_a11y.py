"""The analyst's workspace in headless Chromium against a real `assistant serve`: the search
scope beside the question box, citation previews (hover, focus, tap on a phone), deleting
and editing documents in the Sources tab, and an axe-core accessibility check.

Uses its own server and corpus copy, since it deletes and edits documents. Screenshots are
copied to /tmp/ui-shots/ with the prefix `scope-`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from ui_harness import TIMEOUT_MS, Server, Session, chromium, served

pytestmark = pytest.mark.slow

NINGBO = "What GDP growth target did Ningbo set for 2025?"
FERRY_DOC = "zz_ferry_berths.txt"
FERRY = (
    "# Brindlewick ferry review\n\n"
    "The Brindlewick harbour council approved 17 new ferry berths for the 2026 season.\n"
)
FERRY_QUESTION = "How many new ferry berths did the Brindlewick harbour council approve?"
EDIT_DOC = "zz_lantern_notes.txt"
EDIT = "Lantern notes\n\nThe Quorvale lantern festival drew 12,400 visitors in 2024.\n"
GONE_DOC = "zz_vanishing.txt"
GONE = "Vanishing memo\n\nThe Ostrelund depot closed its west gate in 2023.\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shipped corpus plus three small documents to delete and edit, served on a port."""
    extra = {FERRY_DOC: FERRY, EDIT_DOC: EDIT, GONE_DOC: GONE}
    with served(tmp_path_factory.mktemp("ui-scope"), extra) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _open(server: Server, browser: Browser, phone: bool = False) -> Iterator[Session]:
    """A fresh page at 1400x900, or a touch phone at 390x844, with its errors collected."""
    size = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 900}
    context = browser.new_context(viewport=size, has_touch=phone, is_mobile=phone)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    current = Session(page, server)
    page.on("pageerror", lambda error: current.errors.append(str(error)))
    current.open()
    yield current
    context.close()


@pytest.fixture
def session(server: Server, browser: Browser) -> Iterator[Session]:
    yield from _open(server, browser)


@pytest.fixture
def phone(server: Server, browser: Browser) -> Iterator[Session]:
    yield from _open(server, browser, phone=True)


def _only(page: Page, title: str) -> None:
    """Limit the search to one document through the answer settings' filter."""
    settings = page.locator("#settings")
    if not page.locator("#only input").is_visible():
        settings.get_by_text("Answer settings").click()
    page.locator("#only input").click()
    page.get_by_role("option", name=title).click()
    page.locator("#k").click(position={"x": 4, "y": 4})
    expect(page.get_by_role("option")).to_have_count(0)


def _axe_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )


def test_scope_chips_counts_and_a_refusal_under_a_filter(session: Session) -> None:
    page = session.page
    _only(page, "Chinese localities unveil growth targets")
    chips = page.locator("#scope .scope-chip")
    expect(chips).to_have_count(1)
    expect(chips).to_contain_text("Chinese localities unveil growth targets")
    expect(page.locator("#scope")).to_contain_text(re.compile(r"Only searching 1 of \d+ documents"))
    expect(page.get_by_role("button", name=re.compile("^Remove Chinese localities"))).to_have_count(
        1
    )  # the dropdown's own remove button is named after its document, not "Remove 3"
    session.ask(NINGBO, turn=0)
    expect(page.locator("#turn-0 .bubble.answer")).to_contain_text("5.5")
    expect(page.locator("#turn-0 .scope-note")).to_have_text(
        re.compile(r"^Searched 1 of \d+ documents$")
    )

    chips.get_by_role("button", name=re.compile("Stop limiting the search to Chinese")).click()
    expect(chips).to_have_count(0)
    expect(page.locator("#only .token")).to_have_count(0)  # the filter itself was updated

    _only(page, "Local Two Sessions Conclude")
    expect(chips).to_contain_text("Local Two Sessions Conclude")
    session.ask(NINGBO, turn=1)
    refusal = page.locator("#turn-1 .bubble.abstained")
    expect(refusal).to_contain_text("Not answered by the documents")
    expect(refusal).to_contain_text(
        "No answer in the 1 selected document; try searching all documents"
    )
    session.shot("scope-01-refusal-under-filter")

    refusal.get_by_role("button", name="try searching all documents").click()
    session.wait_for_turn(2)
    expect(page.locator("#turn-2 .bubble.answer")).to_contain_text("5.5")
    expect(page.locator("#turn-2 .scope-note")).to_have_text(
        re.compile(r"^Searched all \d+ documents$")
    )
    expect(chips).to_have_count(0)
    expect(page.locator("#only .token")).to_have_count(0)
    session.shot("scope-02-searched-all")
    assert session.errors == []


def test_citation_preview_on_hover_and_keyboard_focus(session: Session) -> None:
    page = session.page
    session.ask(NINGBO, turn=0)
    marker = page.locator("#turn-0 a.cite-ref").first
    tip = page.locator("#turn-0 .cite-tip").first
    expect(tip).to_be_hidden()
    marker.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("5.5 percent")
    expect(tip).to_contain_text("Chinese localities unveil growth targets")
    expect(tip).to_contain_text("Global Times · 2025-01-10")
    tooltip_id = marker.get_attribute("aria-describedby")
    described = page.locator(f"[id='{tooltip_id}']")
    expect(described).to_have_attribute("role", "tooltip")
    expect(described).to_contain_text("5.5 percent")
    session.shot("scope-03-citation-preview-hover")

    page.mouse.move(5, 5)
    expect(tip).to_be_hidden()
    page.locator("#question textarea").focus()
    marker.focus()  # as reached with Tab
    expect(tip).to_be_visible()
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    page.keyboard.press("Enter")  # the marker still opens its passage
    expect(page.locator("#doc-viewer mark#doc-quote")).to_contain_text("5.5 percent")
    viewer = page.locator("#doc-viewer")
    expect(viewer).not_to_contain_text("characters")
    expect(viewer.get_by_role("button", name="Back to answer")).to_be_visible()

    page.locator("#turn-0 .answer-details > summary").click()
    used = page.locator("#turn-0 .used-docs")
    expect(used).to_contain_text("Chinese localities unveil growth targets")
    expect(used).to_contain_text("Passage [1]")
    expect(page.locator("#turn-0 .timings table")).to_be_hidden()  # folded away
    expect(page.locator("#turn-0 .timings > summary")).to_contain_text("ms")
    session.shot("scope-12-details-and-viewer")
    assert session.errors == []


def test_phone_tap_previews_then_opens_and_comes_back(phone: Session) -> None:
    page = phone.page
    phone.shot("scope-04-phone-welcome")
    assert _no_horizontal_scroll(page)
    phone.ask(NINGBO, turn=0)
    # the chat scrolls with the page, not inside a fixed-height box
    assert page.evaluate(
        "() => { const c = document.querySelector('#conversation');"
        " return c.scrollHeight <= c.clientHeight + 1; }"
    )
    marker = page.locator("#turn-0 a.cite-ref").first
    marker.scroll_into_view_if_needed()
    marker.tap()
    tip = page.locator("#turn-0 .cite-tip").first
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("5.5 percent")
    expect(page.locator("#doc-viewer .doc-body")).to_have_count(0)  # did not jump away
    assert _no_horizontal_scroll(page)
    phone.shot("scope-05-phone-tap-preview")
    assert _axe_problems(page) == []
    tip.get_by_role("button", name="Close").tap()
    expect(tip).to_be_hidden()
    marker.tap()
    expect(tip).to_be_visible()

    tip.get_by_role("button", name="Open the passage").tap()
    expect(page.locator("#doc-viewer mark#doc-quote")).to_contain_text("5.5 percent")
    expect(tip).to_be_hidden()
    page.wait_for_timeout(600)  # the viewer scrolls itself into view
    phone.shot("scope-06-phone-passage")
    page.locator("#doc-viewer").get_by_role("button", name="Back to answer").tap()
    page.wait_for_function(
        "() => { const r = document.querySelector('#card-0-1').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }"
    )
    assert _no_horizontal_scroll(page)
    phone.shot("scope-07-phone-back-to-answer")

    page.get_by_role("tab", name="Sources").tap()
    expect(page.locator("#sources .doc-item").first).to_be_visible()
    assert _no_horizontal_scroll(page)
    assert phone.errors == []


def test_accessibility_check_after_an_answer_and_in_sources(session: Session) -> None:
    page = session.page
    expect(page.get_by_role("textbox", name="Question")).to_have_count(1)
    session.ask(NINGBO, turn=0)
    assert _axe_problems(page) == []
    page.get_by_role("tab", name="Sources").click()
    expect(page.locator("#sources .doc-item").first).to_be_visible()
    items = page.locator("#sources .doc-item")
    items.nth(0).get_by_role("button", name=re.compile("^Edit")).click()
    items.nth(1).get_by_role("button", name=re.compile("^Delete")).click()
    expect(items.nth(1).locator(".doc-confirm")).to_be_visible()
    assert _axe_problems(page) == []
    session.shot("scope-08-sources-edit-form")


def test_delete_a_document_after_confirming(session: Session, server: Server) -> None:
    page = session.page
    session.ask(FERRY_QUESTION, turn=0)
    expect(page.locator("#turn-0 .bubble.answer")).to_contain_text("17")
    expect(page.locator(f"#turn-0 .card-file:text-is('{FERRY_DOC}')")).to_have_count(1)
    page.locator("#turn-0 button.open-doc").first.click()
    expect(page.locator("#doc-viewer .doc-title")).to_have_text("Brindlewick ferry review")

    page.get_by_role("tab", name="Sources").click()
    item = page.locator("#sources .doc-item", has_text=FERRY_DOC)
    count = page.locator("#sources .doc-item").count()
    item.get_by_role("button", name=re.compile("^Delete")).click()
    confirm = item.locator(".doc-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(f"Delete {FERRY_DOC}?")
    session.shot("scope-09-delete-confirm")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    item.get_by_role("button", name=re.compile("^Delete")).click()
    confirm.get_by_role("button", name="Delete the document").click()
    expect(page.locator("#index-report")).to_contain_text(f"Deleted {FERRY_DOC}")
    expect(page.locator("#sources .doc-item")).to_have_count(count - 1)
    expect(page.locator("#sources .doc-item", has_text=FERRY_DOC)).to_have_count(0)
    # The answer given before stays, its card saying the document is gone.
    gone = page.locator("#turn-0 .cite-card.deleted")
    expect(gone).to_contain_text("This document has since been deleted")
    assert not (server.tmp / "corpus" / FERRY_DOC).exists()
    session.shot("scope-10-deleted")
    page.get_by_role("tab", name="Document").click()
    expect(page.locator("#doc-viewer")).to_contain_text(f"{FERRY_DOC} is no longer indexed")

    session.ask(FERRY_QUESTION, turn=1)
    expect(page.locator(f"#turn-1 .card-file:text-is('{FERRY_DOC}')")).to_have_count(0)
    expect(page.locator("#turn-1")).not_to_contain_text("17 new ferry berths")
    assert session.errors == []


def test_edit_details_and_errors_name_the_file(session: Session, server: Server) -> None:
    page = session.page
    page.get_by_role("tab", name="Sources").click()
    item = page.locator("#sources .doc-item", has_text=EDIT_DOC)
    item.get_by_role("button", name=re.compile("^Edit details")).click()
    form = item.locator("form.doc-form")
    expect(form).to_be_visible()
    form.get_by_label("Title").fill("Quorvale lantern festival <b>review</b>")
    form.get_by_label("Publisher").fill("Quorvale Tourism Office")
    form.get_by_label("Date").fill("2024-11-02")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#index-report")).to_contain_text(f"Saved the details of {EDIT_DOC}")
    edited = page.locator("#sources .doc-item", has_text=EDIT_DOC)
    expect(edited.locator(".doc-item-title")).to_have_text(
        "Quorvale lantern festival <b>review</b>"
    )
    expect(edited).to_contain_text("Quorvale Tourism Office · 2024-11-02")
    entry = tomllib.loads((server.tmp / "corpus" / "sources.toml").read_text())[EDIT_DOC]
    assert entry["title"] == "Quorvale lantern festival <b>review</b>"
    assert entry["publisher"] == "Quorvale Tourism Office" and entry["published"] == "2024-11-02"
    session.shot("scope-11-edited")

    edited.get_by_role("button", name=re.compile("^Quorvale lantern")).focus()
    page.keyboard.press("Enter")  # the list works from the keyboard
    expect(page.locator("#doc-viewer .doc-title")).to_have_text(
        "Quorvale lantern festival <b>review</b>"
    )

    page.get_by_role("tab", name="Sources").click()
    (server.tmp / "corpus" / GONE_DOC).unlink()  # removed behind the UI's back
    vanished = page.locator("#sources .doc-item", has_text=GONE_DOC)
    vanished.get_by_role("button", name=re.compile("^Edit details")).click()
    vanished.get_by_label("Title").fill("Anything")
    vanished.get_by_role("button", name="Save").click()
    message = page.locator("#index-report .source-message.bad")
    expect(message).to_contain_text(f"Could not save the details of {GONE_DOC}")
    expect(message).to_contain_text("no longer in the corpus folder")
    assert page.locator("[onerror], b:text-is('review')").count() == 0
    assert session.errors == []
