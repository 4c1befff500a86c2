"""A rare word asked about may stand in its documents in another form."""

from __future__ import annotations

import pytest

from assistant.text.normalise import normalise_for_matching
from assistant.text.terms import other_form_occurs, tokenize


@pytest.mark.parametrize(
    ("word", "text", "expected"),
    [
        ("prioritises", "their top priorities were", True),
        ("prioritises", "the priority of consumption", True),
        ("earmark", "the government earmarked funds", True),
        ("chrony", "the chronicle of a year", False),
        ("zstd", "zstandard compression", False),
        ("prioritises", "the prior year", False),
        ("CVEs", "fixed CVE-2022-29154 and CVE-2022-37434", True),
        ("bus", "what they buy", False),
        ("serialise", "used as a YAML serializer", True),  # the British word, US forms
        ("licence", "the licenses granted", True),
        ("defence", "the defendant", False),
    ],
)
def test_other_form_occurs(word: str, text: str, expected: bool) -> None:
    assert other_form_occurs(word, normalise_for_matching(text)) is expected


def test_a_version_glued_to_an_acronym_is_two_terms() -> None:
    """ "GPLv3" is searched as "GPL 3", the way file names and headings write it."""
    assert sorted(tokenize("GPLv3")) == sorted(tokenize("GPL 3")) == ["3", "gpl"]
    assert tokenize("rev2") == ["2", "rev"]  # a lower-case word keeps its "v"


@pytest.mark.parametrize("text", ["Growth targets rose 5%.", "word " * 200])
def test_tokens_are_the_callers_own_whether_cached_or_not(text: str) -> None:
    """A sentence is tokenized once (cached) and a long text every time; either way a
    caller that changes its list cannot change what the next caller gets."""
    first = tokenize(text)
    expected = list(first)
    first.append("changed")
    first[0] = "changed"
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("the defence budget", "the defense budget"),
        ("Apache Licence", "Apache License"),
        ("Summarise the programme", "Summarize the program"),
        ("organisations in the city centre", "organizations in the city center"),
        ("the colour of labour", "the color of labor"),
    ],
)
def test_a_british_spelling_is_the_same_term_as_the_american(british: str, american: str) -> None:
    assert tokenize(british) == tokenize(american)
