"""The no-LLM follow-up rule: swap an elliptical subject in, or keep what is referred to."""

from __future__ import annotations

import pytest

from assistant.retrieve.condense import Rarity, rewrite_follow_up
from assistant.schema import ChatMessage


def history(question: str) -> list[ChatMessage]:
    return [ChatMessage(role="user", content=question), ChatMessage(role="assistant", content="…")]


NINGBO = history("What GDP growth target did Ningbo set for 2025?")


@pytest.mark.parametrize(
    ("follow_up", "standalone"),
    [
        ("And what about Sanya?", "What GDP growth target did Sanya set for 2025?"),
        ("And in 2026?", "What GDP growth target did Ningbo set for 2026?"),
        ("And Sanya in 2026?", "What GDP growth target did Sanya set for 2026?"),
        (
            "How does that compare with Sanya?",
            "What GDP growth target did Ningbo set for 2025 — How does that compare with Sanya?",
        ),
    ],
)
def test_an_elliptical_follow_up_swaps_and_a_fuller_one_is_joined(
    follow_up: str, standalone: str
) -> None:
    assert rewrite_follow_up(follow_up, NINGBO) == standalone


def test_those_keeps_what_it_refers_to() -> None:
    standalone = rewrite_follow_up(
        "Which of those carried over into 2025?", history("What did the 2024 Two Sessions achieve?")
    )
    assert "2024 Two Sessions achieve" in standalone and "carried over into 2025" in standalone


def test_a_standalone_question_is_left_alone() -> None:
    assert rewrite_follow_up("What is the Made in China 2025 plan?", NINGBO) == (
        "What is the Made in China 2025 plan?"
    )


def test_a_follow_up_of_a_follow_up_builds_on_the_question_searched() -> None:
    """ "What about Eisenhower?" after "And in 1949?" swaps into "What minimum wage did
    Truman recommend in 1949?", not into the fragment "And in 1949?"."""
    turns = [
        *history("What minimum wage did Truman recommend in 1947?"),
        *history("And in 1949?"),
    ]
    assert rewrite_follow_up("What about Eisenhower?", turns) == (
        "What minimum wage did Eisenhower recommend in 1949?"
    )


def test_a_long_conversation_is_replayed_from_its_last_standalone_question() -> None:
    """Only the follow-ups since the last question that stood alone are replayed: a
    conversation of 800 questions is no deeper to resolve than its last one."""
    turns = [turn for _ in range(800) for turn in history("What did Ningbo set for 2025?")]
    assert rewrite_follow_up("And Sanya?", turns) == "What did Sanya set for 2025?"


def exchange(question: str, answer: str) -> list[ChatMessage]:
    return [
        ChatMessage(role="user", content=question),
        ChatMessage(role="assistant", content=answer),
    ]


FTP = exchange(
    "Which FTP server did the Falcot Corp administrators pick?",
    "The Falcot Corp administrators picked vsftpd, because they only use the FTP server to "
    "distribute a few files (including a Debian package repository). [1]",
)
TIMEIT = exchange(
    "How do I time a small snippet of Python code?",
    "Functional HOWTO (2023-02-08): Use the timeit module: timeit.timeit(stmt) runs it. [1]",
)


@pytest.mark.parametrize(
    ("follow_up", "turns", "standalone"),
    [
        # "It" is what the answer named that the question did not; the result stands alone.
        (
            "Which directory does it make available to anonymous users?",
            FTP,
            "Which directory does vsftpd make available to anonymous users?",
        ),
        ("And what are its defaults?", FTP, "And what are vsftpd's defaults?"),
        # A label says which document, not what "it" is ("Functional HOWTO").
        (
            "How many times does it run the statement?",
            TIMEIT,
            "How many times does timeit run the statement?",
        ),
        # A name in common words ("Command-Line Interface") is no program "it" can be.
        (
            "How many times does it run the statement?",
            exchange(
                "How do I time a small snippet of Python code?",
                "This module provides a simple way to time small bits of Python code. It has "
                "both a Command-Line Interface as well as a callable one. [1]",
            ),
            "How do I time a small snippet of Python code — How many times does it run the "
            "statement?",
        ),
        (
            "Should I use it for tokens?",
            exchange("Which generator does random use?", "The Mersenne Twister. [1]"),
            "Should I use Mersenne Twister for tokens?",
        ),
        # A question for a date asks for no thing: "it" is still the document asked about.
        (
            "Who wrote it?",
            exchange(
                "When was the GPL version 3 published?",
                "2007-06-29: GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007 [1]",
            ),
            "When was the GPL version 3 published — Who wrote it?",
        ),
        # An answer that names nothing new leaves "it" to the question's own subject.
        (
            "What did it say about consumption?",
            exchange("What target did Ningbo set?", "Ningbo set more than 5.5 percent. [1]"),
            "What target did Ningbo set — What did it say about consumption?",
        ),
    ],
)
def test_it_is_the_thing_the_last_answer_named(
    follow_up: str, turns: list[ChatMessage], standalone: str
) -> None:
    assert rewrite_follow_up(follow_up, turns, rarity=Rarity(word=1.5, name=4.0)) == standalone


def test_a_question_whose_pronoun_follows_a_code_name_of_its_own_stands_alone() -> None:
    """ "it" in "... does functools.lru_cache keep when I don't give it a maxsize?" is
    functools.lru_cache, not what the last answer named ("Attribute" of a table row)."""
    turns = [
        ChatMessage(role="user", content="What is the difference between match() and search()?"),
        ChatMessage(
            role="assistant",
            content="match(): Method/Attribute: match() | Purpose: "
            "Determine if the RE matches at the beginning of the string. [1]",
        ),
    ]
    own = "How many results does functools.lru_cache keep when I don't give it a maxsize?"
    assert rewrite_follow_up(own, turns, rarity=Rarity(word=1.5, name=4.0)) == own
    # A code name the conversation already named, or one after the pronoun, is no subject
    # of the question's own; nor does "And ..." stand alone.
    for follow_up in [
        "How does it compare with re.fullmatch?",
        "And does re.search take it?",
        "What did the U.S. say about it?",  # initials are no code name
    ]:
        assert rewrite_follow_up(follow_up, turns) != follow_up
