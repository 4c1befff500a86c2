"""Conversations, their turns and ratings (SQLAlchemy: SQLite by default, or any database such
as the PostgreSQL that replicas share), kept per owner.

An owner is an opaque string the server derives from the browser's cookie or the API token;
one owner never sees another's conversations, and keeps at most `max_conversations`.
Deleting a conversation only hides it, so the UI can offer "Undo"; a conversation hidden for
longer than `UNDO_WINDOW` can no longer be restored and is purged by the next write.

Several processes may share the database (two servers on one data folder, replicas on one
PostgreSQL): a turn's number is read and used under a lock the database holds for the
writing transaction (`database.py` says which), so no two answers get the same one.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from assistant.config import Settings
from assistant.schema import AskResult
from assistant.workspace.database import migrate, open_engines
from assistant.workspace.models import (
    Conversation,
    ConversationInfo,
    Feedback,
    RatedTurn,
    Rating,
    Turn,
)

DATABASE_FILE = "workspace.sqlite3"  # in the data folder, unless a database URL is set
NEW_TITLE = "New conversation"
TITLE_CHARS = 80
UNDO_WINDOW = timedelta(days=1)

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class _Base(DeclarativeBase):
    """The schema as the code reads it; `migrations/` brings a database to it."""


class _ConversationRow(_Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    turns: Mapped[list[_TurnRow]] = relationship(
        back_populates="conversation",
        order_by="_TurnRow.n",
        cascade="all, delete-orphan",
    )


class _TurnRow(_Base):
    __tablename__ = "turns"

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    standalone_question: Mapped[str] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rating: Mapped[str | None] = mapped_column(String(8), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    conversation: Mapped[_ConversationRow] = relationship(back_populates="turns")


class WorkspaceError(LookupError):
    """A conversation or turn that does not exist for this owner (the API's 404)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class WorkspaceFull(Exception):
    """The owner already keeps the most conversations allowed (the API's 409)."""

    def __init__(self, limit: int) -> None:
        self.message = (
            f"you keep {limit} conversations, the most allowed (ASSISTANT_MAX_CONVERSATIONS); "
            "delete some to start another"
        )
        super().__init__(self.message)


def _utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored one is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _turn(row: _TurnRow) -> Turn:
    feedback = None
    if row.rating:
        feedback = Feedback(
            rating=row.rating,  # type: ignore[arg-type]
            comment=row.comment,
            rated_at=_utc(row.rated_at or row.asked_at),
        )
    return Turn(
        n=row.n,
        question=row.question,
        standalone_question=row.standalone_question,
        result=AskResult.model_validate(row.result),
        settings=row.settings,
        asked_at=_utc(row.asked_at),
        feedback=feedback,
    )


def _info(row: _ConversationRow, turn_count: int) -> ConversationInfo:
    return ConversationInfo(
        id=row.id,
        title=row.title,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
        turn_count=turn_count,
    )


def _messages(turns: list[_TurnRow]) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for row in turns:
        messages += [
            {"role": "user", "content": row.question},
            {"role": "assistant", "content": str(row.result.get("answer", ""))},
        ]
    return messages


def short_title(question: str) -> str:
    """A conversation's automatic title: its first question, cut at a word."""
    words = " ".join(question.split())
    if len(words) <= TITLE_CHARS:
        return words
    return words[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


class ConversationStore:
    """The workspace database. Safe to share between threads (one session per call) and
    between processes (see `database.py` for the locks)."""

    def __init__(
        self,
        data_dir: Path,
        max_conversations: int | None = None,
        database_url: str | None = None,
    ) -> None:
        """Open (and migrate) the database at `database_url`, by default the SQLite file
        DATABASE_FILE in `data_dir`."""
        if database_url is None:
            data_dir.mkdir(parents=True, exist_ok=True)
            database_url = f"sqlite:///{data_dir / DATABASE_FILE}"
        self.max_conversations = max_conversations
        self._engine, self._writer = open_engines(database_url)
        self.url = self._engine.url
        self._removed: list[Callable[[str], None]] = []
        migrate(self._writer)
        with self._writer.begin() as connection:
            connection.execute(delete(_ConversationRow).where(_expired()))

    @classmethod
    def open(cls, settings: Settings) -> ConversationStore:
        """The workspace the settings name (ASSISTANT_DATABASE_URL, else ASSISTANT_DATA_DIR)."""
        url = settings.database_url.get_secret_value() if settings.database_url else None
        return cls(settings.data_dir, settings.max_conversations, url)

    def on_removed(self, listener: Callable[[str], None]) -> None:
        """Call `listener(conversation_id)` once a conversation is deleted or purged, so what
        is kept beside it (the UI's export files) goes with it."""
        self._removed.append(listener)

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    def _write(self) -> Session:
        """A session for writes: on SQLite its transaction holds the file's write lock from
        its start (other databases lock the rows a write names, see `_row`)."""
        return Session(self._writer, expire_on_commit=False)

    def _row(
        self, session: Session, owner: str, conversation_id: str, lock: bool = False
    ) -> _ConversationRow:
        """The owner's conversation; with `lock`, its row stays locked until the transaction
        ends (FOR UPDATE, where the database has row locks; SQLite's write lock is held
        already)."""
        row = session.get(_ConversationRow, conversation_id, with_for_update=lock)
        if row is None or row.owner != owner or row.deleted_at is not None:
            raise WorkspaceError("conversation_id", f"no conversation '{conversation_id}'")
        return row

    def _purge(self, session: Session) -> list[str]:
        """Delete what was deleted longer ago than UNDO_WINDOW; returns their ids."""
        gone = list(session.scalars(select(_ConversationRow.id).where(_expired())))
        if gone:
            session.execute(delete(_ConversationRow).where(_ConversationRow.id.in_(gone)))
        return gone

    def _announce(self, removed: list[str]) -> None:
        for conversation_id in removed:
            for listener in self._removed:
                try:
                    listener(conversation_id)
                except Exception:
                    log.exception("cleaning up after conversation %s failed", conversation_id)

    # --- conversations -----------------------------------------------------------------

    def create(self, owner: str, title: str = "") -> ConversationInfo:
        """A new conversation, unless the owner keeps `max_conversations` already (deleted
        ones count until they are purged, so deleting cannot make room without limit)."""
        now = _now()
        row = _ConversationRow(
            id=secrets.token_hex(8),
            owner=owner,
            title=title.strip()[:200] or NEW_TITLE,
            created_at=now,
            updated_at=now,
        )
        with self._write() as session, session.begin():
            purged = self._purge(session)
            if self.max_conversations is not None:
                kept = session.scalar(select(func.count()).where(_ConversationRow.owner == owner))
                if (kept or 0) >= self.max_conversations:
                    raise WorkspaceFull(self.max_conversations)
            session.add(row)
        self._announce(purged)
        return _info(row, 0)

    def list(self, owner: str, limit: int | None = None, offset: int = 0) -> list[ConversationInfo]:
        """The owner's conversations, the one most recently used first; `limit` from
        `offset` for one page of them."""
        counts = (
            select(_TurnRow.conversation_id, func.count().label("turns"))
            .group_by(_TurnRow.conversation_id)
            .subquery()
        )
        query = (
            select(_ConversationRow, func.coalesce(counts.c.turns, 0))
            .outerjoin(counts, counts.c.conversation_id == _ConversationRow.id)
            .where(_ConversationRow.owner == owner, _ConversationRow.deleted_at.is_(None))
            .order_by(_ConversationRow.updated_at.desc(), _ConversationRow.created_at.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._session() as session:
            return [_info(row, count) for row, count in session.execute(query)]

    def count(self, owner: str) -> int:
        """How many conversations the owner has (not counting deleted ones)."""
        query = select(func.count()).where(
            _ConversationRow.owner == owner, _ConversationRow.deleted_at.is_(None)
        )
        with self._session() as session:
            return session.scalar(query) or 0

    def get(self, owner: str, conversation_id: str) -> Conversation:
        with self._session() as session:
            row = self._row(session, owner, conversation_id)
            info = _info(row, len(row.turns))
            return Conversation(**info.model_dump(), turns=[_turn(t) for t in row.turns])

    def rename(self, owner: str, conversation_id: str, title: str) -> ConversationInfo:
        with self._write() as session, session.begin():
            row = self._row(session, owner, conversation_id)
            row.title = title.strip()[:200] or NEW_TITLE
            return _info(row, len(row.turns))

    def delete(self, owner: str, conversation_id: str) -> None:
        """Hide the conversation; `restore` brings it back within UNDO_WINDOW."""
        with self._write() as session, session.begin():
            purged = self._purge(session)
            self._row(session, owner, conversation_id).deleted_at = _now()
        self._announce([*purged, conversation_id])

    def restore(self, owner: str, conversation_id: str) -> ConversationInfo:
        """Undo a delete made less than UNDO_WINDOW ago (later ones are purged first)."""
        with self._write() as session, session.begin():
            purged = self._purge(session)
            row = session.get(_ConversationRow, conversation_id)
            if row is None or row.owner != owner:
                raise WorkspaceError("conversation_id", f"no conversation '{conversation_id}'")
            row.deleted_at = None
            info = _info(row, len(row.turns))
        self._announce(purged)
        return info

    # --- turns ---------------------------------------------------------------------------

    def history(self, owner: str, conversation_id: str) -> list[dict[str, str]]:
        """The conversation as chat messages (question, answer, ...) for the next question."""
        with self._session() as session:
            return _messages(self._row(session, owner, conversation_id).turns)

    def add_turn(
        self,
        owner: str,
        conversation_id: str,
        question: str,
        result: AskResult,
        settings: dict[str, Any],
    ) -> Turn:
        """Keep one answered question; the first one names an untitled conversation. Its
        number is read and used while the conversation is locked, so it is unique across
        processes and replicas."""
        now = _now()
        with self._write() as session, session.begin():
            row = self._row(session, owner, conversation_id, lock=True)
            last = session.scalar(
                select(func.max(_TurnRow.n)).where(_TurnRow.conversation_id == conversation_id)
            )
            turn = _TurnRow(
                n=(last or 0) + 1,
                question=question,
                standalone_question=result.standalone_question or question,
                result=result.model_dump(mode="json"),
                settings=settings,
                asked_at=now,
                comment="",
            )
            row.turns.append(turn)
            row.updated_at = now
            if row.title == NEW_TITLE and turn.n == 1:
                row.title = short_title(question)
        return _turn(turn)

    def rate(
        self, owner: str, conversation_id: str, n: int, rating: Rating, comment: str = ""
    ) -> Turn:
        """Record (or replace) the owner's rating of one answer."""
        with self._write() as session, session.begin():
            row = self._row(session, owner, conversation_id)
            if not 1 <= n <= len(row.turns):
                raise WorkspaceError(
                    "turn", f"conversation '{conversation_id}' has {len(row.turns)} turns, not {n}"
                )
            turn = row.turns[n - 1]
            turn.rating, turn.comment, turn.rated_at = rating, comment.strip(), _now()
        return _turn(turn)

    def rated_turns(self) -> Iterator[RatedTurn]:
        """Every rated answer of every owner, oldest first (for `assistant feedback export`)."""
        query = (
            select(_TurnRow)
            .join(_ConversationRow)
            .where(_TurnRow.rating.is_not(None), _ConversationRow.deleted_at.is_(None))
            .order_by(_TurnRow.rated_at, _TurnRow.conversation_id, _TurnRow.n)
        )
        with self._session() as session:
            for row in session.scalars(query):
                earlier = [t for t in row.conversation.turns if t.n < row.n]
                yield RatedTurn(
                    conversation_id=row.conversation_id,
                    turn=_turn(row),
                    history=_messages(earlier),
                )


def _expired() -> Any:
    return _ConversationRow.deleted_at < _now() - UNDO_WINDOW
