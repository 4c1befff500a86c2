"""The workspace's schema through Alembic: a database of the version before migrations keeps
its conversations, the migrated schema is the one the code reads, a database of a newer
version is refused, and processes opening a new database together migrate it once."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from assistant.schema import AskResult
from assistant.workspace.conversations import DATABASE_FILE, ConversationStore, _Base

# The schema as `metadata.create_all` wrote it before migrations, with PRAGMA user_version 1
# (sqlite_master of a store made by that version).
SCHEMA_V1 = """
CREATE TABLE conversations (
    id VARCHAR(32) NOT NULL, owner VARCHAR(64) NOT NULL, title VARCHAR(200) NOT NULL,
    created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_conversations_owner ON conversations (owner);
CREATE TABLE turns (
    conversation_id VARCHAR(32) NOT NULL, n INTEGER NOT NULL, question TEXT NOT NULL,
    standalone_question TEXT NOT NULL, result JSON NOT NULL, settings JSON NOT NULL,
    asked_at DATETIME NOT NULL, rating VARCHAR(8), comment TEXT NOT NULL, rated_at DATETIME,
    PRIMARY KEY (conversation_id, n),
    FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE CASCADE
);
PRAGMA user_version = 1;
"""


def test_a_database_from_before_migrations_keeps_its_conversations(tmp_path: Path) -> None:
    asked = datetime(2026, 11, 2, 9, 30, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        db.executescript(SCHEMA_V1)
        db.execute(
            "INSERT INTO conversations VALUES ('c0ffee', 'browser:x', 'Ningbo', ?, ?, NULL)",
            (asked, asked),
        )
        db.execute(
            "INSERT INTO turns VALUES ('c0ffee', 1, 'What did Ningbo target?', 'q', ?, '{}', ?,"
            " 'up', 'exact', ?)",
            (AskResult(answer="Around 5% [1].").model_dump_json(), asked, asked),
        )
    store = ConversationStore(tmp_path)
    kept = store.get("browser:x", "c0ffee")
    assert (kept.title, kept.created_at) == ("Ningbo", datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    [turn] = kept.turns
    assert (turn.question, turn.result.answer) == ("What did Ningbo target?", "Around 5% [1].")
    assert turn.feedback is not None and turn.feedback.comment == "exact"
    assert store.add_turn("browser:x", "c0ffee", "And Sanya?", AskResult(answer="-"), {}).n == 2
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]


def test_the_migrated_schema_is_the_one_the_code_reads(
    tmp_path: Path, database_url: str | None
) -> None:
    store = ConversationStore(tmp_path, database_url=database_url)
    engine = create_engine(store.url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), _Base.metadata) == []
    engine.dispose()


def test_a_database_of_a_newer_version_is_refused(tmp_path: Path, database_url: str | None) -> None:
    store = ConversationStore(tmp_path, database_url=database_url)
    engine = create_engine(store.url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(RuntimeError, match="newer version \\(schema revision 9999\\)"):
        ConversationStore(tmp_path, database_url=database_url)


def test_stores_opening_a_new_database_together_migrate_it_once(
    tmp_path: Path, database_url: str | None
) -> None:
    """Replicas starting at once: each waits for the first one's migration (without the lock
    they deadlock on PostgreSQL, hence the timeout rather than a wait without end)."""
    pool = ThreadPoolExecutor(max_workers=4)
    opening = [
        pool.submit(ConversationStore, tmp_path, database_url=database_url) for _ in range(4)
    ]
    stores = [future.result(timeout=60) for future in opening]
    pool.shutdown()
    made = stores[0].create("alice", "shared")
    assert [c.id for c in stores[3].list("alice")] == [made.id]
