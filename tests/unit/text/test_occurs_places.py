"""`occurs` tries its pattern only where the term's text is: every such place counts, and a
place inside a longer word or number does not."""

from __future__ import annotations

from assistant.text.names_figures import occurs
from assistant.text.normalise import normalise_for_matching


def test_a_later_whole_word_counts_after_earlier_parts_of_words() -> None:
    text = normalise_for_matching("Ningbogang and XNingbo, then Ningbo itself.")
    assert occurs("Ningbo", text)


def test_only_inside_words_and_decimals_is_no_occurrence() -> None:
    assert not occurs("Ningbo", normalise_for_matching("Ningbogang and XNingbo"))
    assert not occurs("5", normalise_for_matching("0.5 and 15 and 5.2"))
    assert occurs("5", normalise_for_matching("0.5 and 15 and 5 cities"))


def test_the_character_before_the_place_is_seen() -> None:
    assert occurs("4.9", normalise_for_matching("released as v4.9"))
    assert not occurs("getcwd", normalise_for_matching("mygetcwd"))
    assert occurs("NEV", normalise_for_matching("sales of NEVs rose"))
