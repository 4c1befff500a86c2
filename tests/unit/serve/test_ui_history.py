"""The history sidebar and the row under each answer: escaped, labelled, showing the rating."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.schema import AskResult
from assistant.serve.ui.answer_actions import render_answer_actions
from assistant.serve.ui.history import render_history
from assistant.serve.ui.render import esc, render_conversation
from assistant.workspace.export import answer_markdown, file_stem
from assistant.workspace.models import ConversationInfo

EVIL = '<img src=x onerror="window.__xss=1">'
WHEN = datetime(2025, 1, 10, 9, 30, tzinfo=UTC)


def info(conversation_id: str, title: str, turns: int = 1) -> ConversationInfo:
    return ConversationInfo(
        id=conversation_id, title=title, created_at=WHEN, updated_at=WHEN, turn_count=turns
    )


def test_titles_are_escaped_and_the_open_conversation_is_marked() -> None:
    page = render_history([info("a1", EVIL, 2), info("b2", "Budget")], current="b2")
    assert EVIL not in page
    assert esc(EVIL) in page
    assert "10 Jan 2025 · 2 questions" in page and "1 question<" in page
    assert page.count('aria-current="true"') == 1
    assert '<li class="conv current" data-id="b2">' in page
    assert 'aria-label="Rename “Budget”"' in page and 'aria-label="Delete “Budget”"' in page


def test_a_deleted_conversation_offers_undo_and_an_empty_list_says_so() -> None:
    page = render_history([], deleted=info("a1", EVIL))
    assert f"Deleted “{esc(EVIL)}”" in page
    assert 'data-action="undo" data-id="a1"' in page
    assert "Your conversations will be listed here." in page


def test_answers_get_copy_and_stored_ones_get_ratings() -> None:
    result = AskResult(answer="Ningbo aims for 5.5 percent. [1]")
    quoting_markup = AskResult(answer=f"x {EVIL}")
    unsaved = render_answer_actions(
        {"question": "Which target?", "result": quoting_markup.model_dump()}, quoting_markup
    )
    assert "Copy" in unsaved and "rate" not in unsaved
    copied = f"**Which target?**\n\n{answer_markdown(quoting_markup)}"  # the question too
    assert f'data-copy="{esc(copied)}"' in unsaved
    assert EVIL not in unsaved

    rated = render_answer_actions(
        {"result": result.model_dump(), "n": 2, "rating": "down", "comment": EVIL}, result
    )
    assert 'data-n="2"' in rated
    assert 'data-rating="down" aria-pressed="true"' in rated
    assert 'data-rating="up" aria-pressed="false"' in rated
    assert f'value="{esc(EVIL)}"' in rated and EVIL not in rated
    assert '<form class="rate-comment">' in rated  # shown once rated

    unrated = render_answer_actions({"result": result.model_dump(), "n": 1}, result)
    assert '<form class="rate-comment" hidden>' in unrated
    assert render_answer_actions({"question": "q", "error": "Cannot answer"}, None) == ""


def test_the_actions_sit_inside_their_turn() -> None:
    result = AskResult(answer="Ningbo aims for 5.5 percent.").model_dump()
    page = render_conversation([{"question": "q", "result": result, "n": 1}], "")
    assert page.index('class="answer-actions"') < page.rindex("</div></div>")


def test_download_names_come_from_the_title() -> None:
    assert file_stem("What GDP target did Ningbo set?") == "What-GDP-target-did-Ningbo-set"
    assert file_stem('../<b>"x"</b>') == "b-x-b"
    assert file_stem("???") == "conversation"
