"""The conversation store on a real SQLite file and a real PostgreSQL database: owners, order,
undo, ratings, turn numbers under concurrency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import delete_long_ago
from sqlalchemy import create_engine, text

from assistant.schema import AskResult, Citation
from assistant.workspace.conversations import (
    UNDO_WINDOW,
    ConversationStore,
    WorkspaceError,
    WorkspaceFull,
    short_title,
)
from assistant.workspace.export import answer_markdown, conversation_markdown
from assistant.workspace.feedback import candidate_case

OpenStore = Callable[..., ConversationStore]


@pytest.fixture
def open_store(tmp_path: Path, database_url: str | None) -> OpenStore:
    """Stores on one database, SQLite or PostgreSQL (each test runs on both)."""
    return lambda **options: ConversationStore(tmp_path, database_url=database_url, **options)


def result(answer: str = "Around 5% [1].", quote: str = "Ningbo targets around 5%.") -> AskResult:
    citation = Citation(
        n=1,
        source="a.txt",
        title="Growth [targets] *2025*",
        publisher="Global Times",
        published="2025-01",
        page="3",
        chunk_id="c1",
        start=0,
        end=40,
        text=quote,
        quote=quote,
        quote_start=0,
        quote_end=len(quote),
    )
    return AskResult(answer=answer, citations=[citation], standalone_question="q")


def test_conversations_belong_to_their_owner(open_store: OpenStore) -> None:
    store = open_store()
    mine = store.create("alice")
    assert store.list("bob") == []
    for attempt in (
        lambda: store.get("bob", mine.id),
        lambda: store.rename("bob", mine.id, "x"),
        lambda: store.delete("bob", mine.id),
        lambda: store.add_turn("bob", mine.id, "q", result(), {}),
        lambda: store.restore("bob", mine.id),
    ):
        with pytest.raises(WorkspaceError):
            attempt()
    assert store.get("alice", mine.id).title == "New conversation"


def test_turns_name_the_conversation_and_make_the_history(open_store: OpenStore) -> None:
    store = open_store()
    conversation = store.create("alice")
    store.add_turn("alice", conversation.id, "What did Ningbo target?", result(), {"k": 3})
    store.add_turn("alice", conversation.id, "And Sanya?", result("No figure."), {})
    assert store.get("alice", conversation.id).title == "What did Ningbo target?"
    assert store.history("alice", conversation.id) == [
        {"role": "user", "content": "What did Ningbo target?"},
        {"role": "assistant", "content": "Around 5% [1]."},
        {"role": "user", "content": "And Sanya?"},
        {"role": "assistant", "content": "No figure."},
    ]
    titled = store.create("alice", "Kept title")
    store.add_turn("alice", titled.id, "Another question", result(), {})
    assert store.get("alice", titled.id).title == "Kept title"
    assert [c.id for c in store.list("alice")] == [titled.id, conversation.id]


def test_long_first_questions_are_cut_at_a_word() -> None:
    title = short_title("word " * 40)
    assert title.endswith("…") and len(title) <= 81 and "wor…" not in title


def test_a_deleted_conversation_can_be_restored_until_purged(open_store: OpenStore) -> None:
    store = open_store()
    kept, purged = store.create("alice", "kept"), store.create("alice", "purged")
    store.delete("alice", kept.id)
    store.delete("alice", purged.id)
    delete_long_ago(store, purged.id, UNDO_WINDOW * 2)
    reopened = open_store()
    assert reopened.restore("alice", kept.id).title == "kept"
    with pytest.raises(WorkspaceError):
        reopened.restore("alice", purged.id)


def test_ratings_replace_each_other_and_check_the_turn(open_store: OpenStore) -> None:
    store = open_store()
    conversation = store.create("alice")
    store.add_turn("alice", conversation.id, "q1", result(), {})
    store.rate("alice", conversation.id, 1, "down", "wrong city")
    store.rate("alice", conversation.id, 1, "up", " fine ")
    with pytest.raises(WorkspaceError, match="has 1 turns, not 2"):
        store.rate("alice", conversation.id, 2, "up")
    [rated] = store.rated_turns()
    assert rated.turn.feedback is not None
    assert (rated.turn.feedback.rating, rated.turn.feedback.comment) == ("up", "fine")


def test_markdown_export_keeps_markers_and_escapes_document_text(open_store: OpenStore) -> None:
    store = open_store()
    conversation = store.create("alice", "Growth <b>targets</b>")
    store.add_turn("alice", conversation.id, "What did Ningbo target?", result(), {})
    text = conversation_markdown(store.get("alice", conversation.id))
    assert text.startswith("# Growth \\<b\\>targets\\</b\\>")
    assert "Around 5% [1]." in text
    assert "1. Growth \\[targets\\] \\*2025\\*. Global Times, 2025-01, p. 3." in text
    assert '   > "Ningbo targets around 5%."' in text
    assert answer_markdown(AskResult(answer="No answer.")) == "No answer."
    quoted_markup = AskResult(answer="It stores <script>x</script> as text [1].")
    assert answer_markdown(quoted_markup) == "It stores \\<script\\>x\\</script\\> as text [1]."


def test_rated_turns_become_candidate_cases(open_store: OpenStore) -> None:
    store = open_store()
    conversation = store.create("alice")
    store.add_turn("alice", conversation.id, "What did Ningbo target?", result(), {})
    refusal = AskResult(answer="The documents don't answer this.", abstained=True)
    store.add_turn("alice", conversation.id, "And Mars?", refusal, {})
    store.rate("alice", conversation.id, 1, "up")
    store.rate("alice", conversation.id, 2, "down", "it should have said no")
    first, second = (candidate_case(r) for r in store.rated_turns())
    assert first["kind"] == "answerable" and first["source"] == "a.txt"
    assert first["evidence"] == ["Ningbo targets around 5%."] and first["facts"] == []
    assert second["kind"] == "followup" and second["history"][0]["content"] == (
        "What did Ningbo target?"
    )
    assert second["feedback"]["comment"] == "it should have said no"
    assert "rated down" in second["feedback"]["review"]


def test_turns_added_at_once_from_threads_are_numbered_once_each(open_store: OpenStore) -> None:
    """The server answers in a thread pool: two answers landing together must not share n."""
    from concurrent.futures import ThreadPoolExecutor

    store = open_store()
    conversation = store.create("alice")
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(
            pool.map(
                lambda i: store.add_turn("alice", conversation.id, f"q{i}", result(), {}).n,
                range(24),
            )
        )
    assert sorted(numbers) == list(range(1, 25))
    assert len(store.get("alice", conversation.id).turns) == 24


def test_two_stores_on_one_file_number_every_turn_once(open_store: OpenStore) -> None:
    """Two server processes on one data folder: turn numbers come from the database, not
    from a lock of one process, so no answer is lost to a clash."""
    from concurrent.futures import ThreadPoolExecutor

    stores = [open_store(), open_store()]
    conversation = stores[0].create("alice")

    def append(i: int) -> int:
        return stores[i % 2].add_turn("alice", conversation.id, f"q{i}", result(), {}).n

    with ThreadPoolExecutor(max_workers=12) as pool:
        numbers = list(pool.map(append, range(60)))
    assert sorted(numbers) == list(range(1, 61))
    turns = stores[1].get("alice", conversation.id).turns
    assert [t.n for t in turns] == list(range(1, 61))
    assert sorted(t.question for t in turns) == sorted(f"q{i}" for i in range(60))


def test_restore_checks_the_window_on_a_running_store(open_store: OpenStore) -> None:
    store = open_store()
    late, other = store.create("alice", "late"), store.create("alice", "other")
    store.delete("alice", late.id)
    delete_long_ago(store, late.id, UNDO_WINDOW + timedelta(minutes=1))
    with pytest.raises(WorkspaceError):
        store.restore("alice", late.id)
    store.delete("alice", other.id)  # a later delete purges what is past the window
    engine = create_engine(store.url)
    with engine.connect() as db:
        assert set(db.scalars(text("SELECT id FROM conversations"))) == {other.id}
    engine.dispose()


def test_an_owner_keeps_at_most_the_cap_and_lists_them_by_page(open_store: OpenStore) -> None:
    store = open_store(max_conversations=3)
    made = [store.create("alice", f"c{i}") for i in range(3)]
    with pytest.raises(WorkspaceFull, match="3 conversations"):
        store.create("alice")
    store.create("bob")  # the cap is per owner
    store.delete("alice", made[0].id)
    with pytest.raises(WorkspaceFull):  # a deleted one counts until it is purged
        store.create("alice")
    assert store.count("alice") == 2
    assert [c.title for c in store.list("alice")] == ["c2", "c1"]
    assert [c.title for c in store.list("alice", limit=1)] == ["c2"]
    assert [c.title for c in store.list("alice", limit=1, offset=1)] == ["c1"]
    assert store.list("alice", offset=5) == []


def test_listeners_hear_of_deleted_and_purged_conversations(open_store: OpenStore) -> None:
    store = open_store()
    heard: list[str] = []
    store.on_removed(heard.append)
    first, second = store.create("alice"), store.create("alice")
    store.delete("alice", first.id)
    assert heard == [first.id]
    delete_long_ago(store, first.id, UNDO_WINDOW * 2)
    store.delete("alice", second.id)
    assert sorted(heard[1:]) == sorted([first.id, second.id])  # the first one purged
