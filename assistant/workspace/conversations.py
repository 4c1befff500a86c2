"""Conversations, their turns and ratings in SQLite (SQLAlchemy), kept per owner.

An owner is an opaque string the server derives from the browser's cookie or the API token;
one owner never sees another's conversations. Deleting a conversation only hides it, so the
UI can offer "Undo"; a conversation hidden for longer than `UNDO_WINDOW` is purged when the
store is next opened.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
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
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from assistant.schema import AskResult
from assistant.workspace.models import (
    Conversation,
    ConversationInfo,
    Feedback,
    RatedTurn,
    Rating,
    Turn,
)

DATABASE_FILE = "workspace.sqlite3"
SCHEMA_VERSION = 1  # PRAGMA user_version; a store written by a newer schema is refused
NEW_TITLE = "New conversation"
TITLE_CHARS = 80
UNDO_WINDOW = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(UTC)


class _Base(DeclarativeBase):
    pass


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
    """The workspace database. Safe to share between threads (one session per call)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DATABASE_FILE
        self._engine = create_engine(f"sqlite:///{self.path}")
        event.listen(self._engine, "connect", _sqlite_pragmas)
        self._write_lock = threading.Lock()
        with self._engine.begin() as connection:
            version = connection.exec_driver_sql("PRAGMA user_version").scalar() or 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: written by a newer version (schema {version}); "
                    f"this one reads schema {SCHEMA_VERSION}"
                )
            _Base.metadata.create_all(connection)
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute(
                delete(_ConversationRow).where(_ConversationRow.deleted_at < _now() - UNDO_WINDOW)
            )

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    def _row(self, session: Session, owner: str, conversation_id: str) -> _ConversationRow:
        row = session.get(_ConversationRow, conversation_id)
        if row is None or row.owner != owner or row.deleted_at is not None:
            raise WorkspaceError("conversation_id", f"no conversation '{conversation_id}'")
        return row

    # --- conversations -----------------------------------------------------------------

    def create(self, owner: str, title: str = "") -> ConversationInfo:
        now = _now()
        row = _ConversationRow(
            id=secrets.token_hex(8),
            owner=owner,
            title=title.strip()[:200] or NEW_TITLE,
            created_at=now,
            updated_at=now,
        )
        with self._write_lock, self._session() as session, session.begin():
            session.add(row)
        return _info(row, 0)

    def list(self, owner: str) -> list[ConversationInfo]:
        """The owner's conversations, the one most recently used first."""
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
        )
        with self._session() as session:
            return [_info(row, count) for row, count in session.execute(query)]

    def get(self, owner: str, conversation_id: str) -> Conversation:
        with self._session() as session:
            row = self._row(session, owner, conversation_id)
            info = _info(row, len(row.turns))
            return Conversation(**info.model_dump(), turns=[_turn(t) for t in row.turns])

    def rename(self, owner: str, conversation_id: str, title: str) -> ConversationInfo:
        with self._write_lock, self._session() as session, session.begin():
            row = self._row(session, owner, conversation_id)
            row.title = title.strip()[:200] or NEW_TITLE
            return _info(row, len(row.turns))

    def delete(self, owner: str, conversation_id: str) -> None:
        """Hide the conversation; `restore` brings it back within UNDO_WINDOW."""
        with self._write_lock, self._session() as session, session.begin():
            self._row(session, owner, conversation_id).deleted_at = _now()

    def restore(self, owner: str, conversation_id: str) -> ConversationInfo:
        with self._write_lock, self._session() as session, session.begin():
            row = session.get(_ConversationRow, conversation_id)
            if row is None or row.owner != owner:
                raise WorkspaceError("conversation_id", f"no conversation '{conversation_id}'")
            row.deleted_at = None
            return _info(row, len(row.turns))

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
        """Keep one answered question; the first one names an untitled conversation."""
        now = _now()
        with self._write_lock, self._session() as session, session.begin():
            row = self._row(session, owner, conversation_id)
            turn = _TurnRow(
                n=len(row.turns) + 1,
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
        with self._write_lock, self._session() as session, session.begin():
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


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Foreign keys on (turns go with their conversation); WAL so readers never block."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
