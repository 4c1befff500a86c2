"""Follow-up questions become standalone queries before retrieval.

Without an LLM, a rule carries the previous question's subject forward: "And what about
Sanya?" after "What growth target did Ningbo set?" becomes "What growth target did Sanya
set?". With an LLM configured, the model rewrites the question instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.entities import names, numbers
from assistant.models import ChatMessage

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|then)\b|^\s*(what|how) about\b|^\s*what of\b|^\s*(and )?for\b"
    r"|\b(it|its|they|their|them|that|those|this|these|there|he|she|his|her)\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^\s*(and|but|also|so|then)?\s*((what|how) about|what of|for|in)?\s*(the case of\s*)?",
    re.IGNORECASE,
)


def previous_question(history: Sequence[ChatMessage]) -> str | None:
    for message in reversed(history):
        if message.role == "user" and message.content.strip():
            return message.content.strip()
    return None


def _is_acronym(phrase: str) -> bool:
    return phrase.isupper() and " " not in phrase


def rewrite_follow_up(question: str, history: Sequence[ChatMessage]) -> str:
    """The rule: swap the new subject into the previous question, or join the two."""
    previous = previous_question(history)
    if not previous or not _FOLLOW_UP.search(question) or len(question.split()) > 14:
        return question
    old_names = names(previous)
    new_names = [name for name in names(question) if name not in previous]
    if new_names:
        new = new_names[-1]
        same_kind = [n for n in old_names if _is_acronym(n) == _is_acronym(new)] or old_names
        if same_kind:
            return previous.replace(same_kind[-1], new, 1)
    new_numbers, old_numbers = numbers(question), numbers(previous)
    if new_numbers and old_numbers:
        return re.sub(
            rf"(?<![\d.]){re.escape(old_numbers[-1])}(?![\d])", new_numbers[-1], previous, count=1
        )
    rest = _LEAD_IN.sub("", question).strip(" ?")
    return f"{previous.rstrip(' ?')} — {rest}?" if rest else previous


CONDENSE_PROMPT = (
    "Rewrite the user's last question as one standalone question that can be understood "
    "without the conversation. Keep names, places, years and figures exactly. Reply with "
    "the question only."
)


def condense_with_llm(llm: BaseChatModel, question: str, history: Sequence[ChatMessage]) -> str:
    if not previous_question(history):
        return question
    transcript = "\n".join(f"{m.role}: {m.content}" for m in history[-6:])
    reply = llm.invoke(
        [
            SystemMessage(CONDENSE_PROMPT),
            HumanMessage(f"Conversation:\n{transcript}\n\nLast question: {question}"),
        ]
    )
    text = str(reply.content).strip().splitlines()[0].strip() if reply.content else ""
    return text or rewrite_follow_up(question, history)
