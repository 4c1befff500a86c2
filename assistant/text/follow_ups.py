"""How the follow-up rule joins a follow-up to the question before it, so the answerer can
tell what the user asked now from the earlier question that gives it context."""

from __future__ import annotations

_JOIN = " — "


def joined(previous: str, follow_up: str) -> str:
    """'How do I activate it on Linux — what if my shell is fish?'"""
    return f"{previous.rstrip(' ?')}{_JOIN}{follow_up}?"


def asked_now(question: str) -> str:
    """The part of a joined question the user asked last (all of any other question)."""
    return question.rsplit(_JOIN, 1)[-1]
