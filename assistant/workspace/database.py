"""The workspace's database: an engine for any SQLAlchemy URL, and its schema brought up to
date by the Alembic migrations in `migrations/` every time a store opens it.

Several processes may share one database (two servers on one data folder, or replicas on one
PostgreSQL), so whatever must not interleave holds a lock the database gives:
- SQLite: every write runs in an IMMEDIATE transaction, which holds the file's write lock
  from its first statement (WAL, so readers never wait).
- PostgreSQL: a write that numbers a turn locks its conversation's row first
  (SELECT ... FOR UPDATE, see `ConversationStore.add_turn`); migrations hold an advisory lock,
  so replicas starting together migrate once.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")
# The schema as it was before migrations (SQLite, PRAGMA user_version 1): a database that has
# its tables but no Alembic revision is stamped with this one, its rows kept.
FIRST_REVISION = "0001"
BUSY_TIMEOUT_S = 30  # how long an SQLite write waits for another process's write to finish
WAL_RETRY_S = 0.05  # between tries to switch a new SQLite file to WAL
MIGRATION_LOCK = 7_360_112  # PostgreSQL advisory lock held while migrating ("wsp" as digits)


def open_engines(url: str) -> tuple[Engine, Engine]:
    """(reader, writer) engines on one pool: the writer's transactions take the database's
    write lock at once on SQLite (elsewhere the two are the same)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, pool_pre_ping=True)
        return engine, engine
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine, engine.execution_options(sqlite_immediate=True)


def migrate(writer: Engine) -> None:
    """Apply every migration the database lacks, in one locked transaction. A database
    written by a newer version (a revision this one does not know) is refused, untouched."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    with writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        current = MigrationContext.configure(connection).get_current_revision()
        known = {revision.revision for revision in script.walk_revisions()}
        if current is not None and current not in known:
            raise RuntimeError(
                f"{writer.url.render_as_string(hide_password=True)}: written by a newer version "
                f"(schema revision {current}); this one reads up to {script.get_current_head()}"
            )
        config.attributes["connection"] = connection  # what migrations/env.py runs on
        if current is None and inspect(connection).has_table("conversations"):
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, "head")


def _sqlite_connect(connection: Any, _record: Any) -> None:
    """Foreign keys on (turns go with their conversation); WAL so readers never block; and
    transactions begun by `_sqlite_begin`, not by the sqlite3 module (SQLAlchemy's recipe:
    the module would begin them only at the first write, too late to hold the lock)."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    _use_wal(cursor)
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL unless it is already. Switching needs the file to itself for a
    moment, and SQLite answers "locked" at once, without its busy timeout, when another
    connection holds it (stores opening a new file together): retried for BUSY_TIMEOUT_S."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_S)


def _sqlite_begin(connection: Connection) -> None:
    """Writes begin IMMEDIATE (the write lock at once, waiting up to BUSY_TIMEOUT_S for
    another writer); reads begin DEFERRED and never wait."""
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
