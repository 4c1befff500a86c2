"""Words rare in general English, which a question commits to like names."""

from __future__ import annotations

from assistant.text.distinctive import distinctive_words


def test_tool_names_are_distinctive_and_common_words_are_not() -> None:
    question = "How do I configure chrony so the clock survives a restart?"
    assert distinctive_words(question, max_zipf=2.0) == ["chrony"]


def test_compounds_are_read_by_their_parts_and_words_with_digits_are_left_to_figures() -> None:
    text = "Set zstd in /etc/fstab for libnss-ldap on IPv6 with x86_64 and fifo_file"
    assert distinctive_words(text, max_zipf=2.0) == ["zstd", "fstab", "libnss"]


def test_the_threshold_decides_how_rare() -> None:
    assert distinctive_words("cryptocurrency", max_zipf=2.0) == []
    assert distinctive_words("cryptocurrency", max_zipf=4.0) == ["cryptocurrency"]
