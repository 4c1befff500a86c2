"""Follow-up questions become standalone queries before retrieval.

Without an LLM, a rule carries the previous question's subject forward: "And what about
Sanya?" after "What growth target did Ningbo set?" becomes "What growth target did Sanya
set?". With an LLM configured, the model rewrites the question instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.schema import ChatMessage
from assistant.text.distinctive import distinctive_words, english_zipf
from assistant.text.follow_ups import joined
from assistant.text.names_figures import CODE_NAME, COMMAND_OPTION, FILE_PATH, names, numbers
from assistant.text.terms import tokenize

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|then)\b|^\s*(what|how) about\b|^\s*what of\b|^\s*(and )?for\b"
    r"|\b(it|its|they|their|them|that|those|this|these|there|he|she|his|her)\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^\s*(and|but|also|so|then)?\s*((what|how) about|what of|for|in)?\s*(the case of\s*)?",
    re.IGNORECASE,
)


# "it" and "its" stand for one thing: the one the previous answer named, when it named one.
_IT = re.compile(r"\b(it|its)\b", re.IGNORECASE)
_CITATION_MARK = re.compile(r"\[\d+\]")
# A question whose answer is a thing (a program, a module, a person), which "it" may then
# stand for; a date's, a figure's or a reason's answer leaves "it" the question's subject.
_ASKS_FOR_A_THING = re.compile(
    r"^\W*(?:which|what|who|how\s+(?:do|can|should|would|could)\s+(?:i|we|you|one))\b",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_]+")
# An answer's document label before its quotes: "Title (2025-01-10): ", "2024-03: ".
_DATED_LABEL = re.compile(
    r"^(?:[^\n]{1,200}? \(\d{4}[^)\n]*\)|\d{4}(?:-\d\d){0,2}): ", re.MULTILINE
)


def _questions(history: Sequence[ChatMessage]) -> list[str]:
    """The user's questions so far, in order."""
    return [m.content.strip() for m in history if m.role == "user" and m.content.strip()]


def previous_question(history: Sequence[ChatMessage]) -> str | None:
    asked = _questions(history)
    return asked[-1] if asked else None


def _is_acronym(phrase: str) -> bool:
    return phrase.isupper() and " " not in phrase


def _is_follow_up(question: str, max_words: int) -> bool:
    return _FOLLOW_UP.search(question) is not None and len(question.split()) <= max_words


@dataclass(frozen=True)
class Rarity:
    """How rare in English (wordfreq's Zipf scale) what an answer names must be to be the
    thing "it" stands for: a word alone below `word` (a program's, a module's: "vsftpd"),
    a capitalised name with one word below `name` ("Mersenne Twister", not "Command-Line
    Interface")."""

    word: float
    name: float


def answered_thing(history: Sequence[ChatMessage], rarity: Rarity) -> str | None:
    """What the last answer named that its question did not: "vsftpd" in "They picked
    vsftpd, because ..." after "Which FTP server did the administrators pick?", "timeit" in
    "Use the timeit module ..." after "How do I time a snippet of code?". A rare name or
    word, whichever the answer says first; none when the answer names nothing new (then
    "it" is the question's own subject) or only in common words, or when the question asked
    for no thing (when, how many, why)."""
    if len(history) < 2 or history[-1].role != "assistant" or history[-2].role != "user":
        return None
    if not _ASKS_FOR_A_THING.match(history[-2].content):
        return None  # "When was the GPL 3 published?": "it" is still the GPL 3
    asked = set(tokenize(history[-2].content))
    answer = _CITATION_MARK.sub(" ", _DATED_LABEL.sub("", history[-1].content))

    def rare_name(name: str) -> bool:
        return any(english_zipf(w.lower()) < rarity.name for w in _LETTERS.findall(name))

    found = [*filter(rare_name, names(answer)), *distinctive_words(answer, rarity.word)]
    new = [thing for thing in found if not set(tokenize(thing)) <= asked]
    return min(new, key=answer.find, default=None)


def rewrite_follow_up(
    question: str,
    history: Sequence[ChatMessage],
    max_words: int = 14,
    rarity: Rarity | None = None,
) -> str:
    """The rule: an elliptical follow-up ("And Sanya?", "And in 2026?") swaps its new
    subject into the previous question; one that says more ("Which of those carried over
    into 2025?", "How does that compare with Sanya?") is joined to it, so what "those" and
    "that" refer to stays in the query. The previous question is taken as it was searched:
    a follow-up of a follow-up ("What about Eisenhower?" after "And in 1949?") builds on
    "What minimum wage did Truman recommend in 1949?", not on the fragment "And in 1949?".
    Only the run of follow-ups since the last question that stood alone is replayed.

    "It" in a follow-up that says more is the thing the last answer named, when it named
    one (`answered_thing`, rare as `rarity` says): "Which directory does it make
    available?" after an answer naming vsftpd is "Which directory does vsftpd make
    available?", a question of its own; joined to the earlier one, its answer would be
    quoted again."""
    if not _is_follow_up(question, max_words) or _names_own_subject(question, history):
        return question
    thing = answered_thing(history, rarity) if rarity is not None else None
    if thing and _IT.search(question):
        return _IT.sub(lambda m: thing if m[1].lower() == "it" else f"{thing}'s", question)
    asked = _questions(history)
    start = max(
        (at for at, earlier in enumerate(asked) if not _is_follow_up(earlier, max_words)),
        default=0,
    )
    searched, *follow_ups = [*asked[start:], question]
    for follow_up in follow_ups:
        searched = _swapped_in(follow_up, searched)
    return searched


def _names_own_subject(question: str, history: Sequence[ChatMessage]) -> bool:
    """Whether a question's pronoun follows a code name, path or option of its own, which
    the conversation has not named: "How many results does functools.lru_cache keep when I
    don't give it a maxsize?" stands alone, whatever the answer before it named."""
    pronoun = _FOLLOW_UP.search(question)
    if pronoun is None or _LEAD_IN.match(question)[0].strip():  # type: ignore[index]
        return False  # "And ...", "What about ...": a follow-up however it goes on
    said = " ".join(m.content for m in history)
    return any(
        match.start() < pronoun.start() and match.group() not in said
        for pattern in (CODE_NAME, FILE_PATH, COMMAND_OPTION)
        for match in pattern.finditer(question)
    )


def _swapped_in(question: str, previous: str) -> str:
    """A follow-up made standalone with the question before it, as that was searched."""
    rest = _LEAD_IN.sub("", question).strip(" ?")
    new_names = [name for name in names(question) if name not in previous]
    new_numbers, old_numbers = numbers(question), numbers(previous)
    if not _says_more(rest, new_names, new_numbers):
        # Both may change at once: "And Roosevelt in 1934?"
        rewritten, old_names = previous, names(previous)
        if new_names:
            new = new_names[-1]
            same_kind = [n for n in old_names if _is_acronym(n) == _is_acronym(new)] or old_names
            if same_kind:
                rewritten = rewritten.replace(same_kind[-1], new, 1)
        if new_numbers and old_numbers:
            old = rf"(?<![\d.]){re.escape(old_numbers[-1])}(?![\d])"
            rewritten = re.sub(old, new_numbers[-1], rewritten, count=1)
        if rewritten != previous:
            return rewritten
    return joined(previous, rest) if rest else previous


def _says_more(rest: str, new_names: list[str], new_numbers: list[str]) -> bool:
    """Whether a follow-up has words of its own besides the new names and figures."""
    for term in [*new_names, *new_numbers]:
        rest = rest.replace(term, " ")
    return bool(tokenize(rest))


CONDENSE_PROMPT = (
    "Rewrite the user's last question as one standalone question that can be understood "
    "without the conversation. Keep names, places, years and figures exactly. Reply with "
    "the question only."
)


class Condenser(Protocol):
    """Turns a follow-up and the conversation so far into a standalone query."""

    def condense(self, question: str, history: Sequence[ChatMessage]) -> str: ...


class KeepQuestion:
    """No rewriting: the question is searched as asked (the plain recipe's behaviour)."""

    def condense(self, question: str, history: Sequence[ChatMessage]) -> str:
        del history
        return question


class RuleCondenser:
    """The no-LLM rule of `rewrite_follow_up`."""

    def __init__(self, max_words: int = 14, rarity: Rarity | None = None) -> None:
        self.max_words = max_words
        self.rarity = rarity

    def condense(self, question: str, history: Sequence[ChatMessage]) -> str:
        return rewrite_follow_up(question, history, self.max_words, self.rarity)


class LLMCondenser:
    """The chat model rewrites the follow-up; the rule answers when it replies nothing."""

    def __init__(
        self,
        chat_model: Callable[[], BaseChatModel],
        fallback: RuleCondenser,
        history_messages: int = 6,
    ) -> None:
        self.chat_model = chat_model  # called on first use: loading a model takes seconds
        self.fallback = fallback
        self.history_messages = history_messages

    def condense(self, question: str, history: Sequence[ChatMessage]) -> str:
        if not previous_question(history):
            return question
        # Imported here: a cold `ask` without an LLM does without langchain's chat modules.
        from langchain_core.messages import HumanMessage, SystemMessage

        recent = history[-self.history_messages :]
        transcript = "\n".join(f"{m.role}: {m.content}" for m in recent)
        reply = self.chat_model().invoke(
            [
                SystemMessage(CONDENSE_PROMPT),
                HumanMessage(f"Conversation:\n{transcript}\n\nLast question: {question}"),
            ]
        )
        text = str(reply.content).strip().splitlines()[0].strip() if reply.content else ""
        return text or self.fallback.condense(question, history)
