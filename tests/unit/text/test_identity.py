"""A document's identity from the way its owners named the file."""

from __future__ import annotations

import pytest

from assistant.text.document_heading import heading, identity
from assistant.text.identity import (
    acronyms,
    date_from_path,
    identity_tokens,
    path_words,
    stated_author,
    stated_date,
    stated_publisher,
    title_from_path,
    usable_title,
)


@pytest.mark.parametrize(
    ("source", "title", "date"),
    [
        ("2019-06-12_board-minutes.txt", "2019-06-12 board minutes", "2019-06-12"),
        ("minutes/2019_06_12_board.txt", "minutes › 2019-06-12 board", "2019-06-12"),
        ("2013-Smith-2.txt", "2013 Smith 2", "2013"),
        ("20190612-report.pdf", "2019-06-12 report", "2019-06-12"),
        ("GPL-3.0.txt", "GPL 3.0", ""),
        ("curl/2021-03_v7.76.0.md", "curl › 2021-03 v7.76.0", "2021-03"),
        ("NOTES", "NOTES", ""),
        # A date spread over folders is one date, not a year and two serial numbers.
        ("minutes/2019/06/12.txt", "minutes › 2019-06-12", "2019-06-12"),
        ("archive/2019/06/board-minutes.txt", "archive › 2019-06 › board minutes", "2019-06"),
        ("reports/2019/13/q4.txt", "reports › 2019 › 13 › q4", "2019"),
    ],
)
def test_a_file_name_gives_a_title_and_a_date(source: str, title: str, date: str) -> None:
    assert title_from_path(source) == title
    assert date_from_path(source) == date


def test_hashes_and_serial_numbers_say_nothing() -> None:
    assert path_words("003_13730679fda5be95.txt") == []
    assert title_from_path("003_13730679fda5be95.txt") == "003_13730679fda5be95.txt"


@pytest.mark.parametrize(
    "line",
    [
        "Dear Shareholders:",
        "To the Shareholders of Berkshire Hathaway Inc.:",
        "Memorandum for the Secretary of Labor",
        "March 3, 2013",
        "12 June 2019",
        "Members of the Board,",
        "Mr. President, Mr. Speaker, Members of the Congress:",
        "My fellow Americans:",
        "Copyright (c) The Regents of the University of California.",
        "© 2019 Example Corp",
        "This first paragraph runs on for many more words than any title would use in a report.",
    ],
)
def test_salutations_dates_and_sentences_are_no_titles(line: str) -> None:
    assert not usable_title(line)


@pytest.mark.parametrize(
    "line", ["GNU GENERAL PUBLIC LICENSE", "Chinese localities unveil growth targets for 2025"]
)
def test_a_short_first_line_is_a_title(line: str) -> None:
    assert usable_title(line)


def test_the_identity_carries_metadata_and_the_file_names_words_once() -> None:
    metadata = {"title": "Letter to members", "author": "J. Smith", "source": "2013-Smith-2.txt"}
    assert identity(metadata) == "Letter to members · J. Smith · 2013 2"
    assert heading({**metadata, "section": "Wages"}).endswith(" › Wages")


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("LGPL-2.1", ["LGPL", "2.1"]),
        ("Apache-2.0", ["Apache", "2.0"]),
        ("gpl-3.0.txt", ["gpl", "3.0"]),
        ("notes/README", ["notes", "README"]),
    ],
)
def test_a_version_is_no_extension(source: str, words: list[str]) -> None:
    assert path_words(source) == words


@pytest.mark.parametrize(
    ("text", "author"),
    [
        (
            "Sorting HOW TO\nAuthor: Andrew Dalke and Raymond Hettinger\nRelease: 0.1\n",
            "Andrew Dalke and Raymond Hettinger",
        ),
        ("Logging HOWTO\n\nAuthor: Vinay Sajip <vinay_sajip at red-dove dot com>\n", "Vinay Sajip"),
        ("Authors: A.M. Kuchling, Eric S. Raymond\n", "A.M. Kuchling, Eric S. Raymond"),
        ("Memo\nWritten by Gordon McMillan (gmcm at example dot org)\n", "Gordon McMillan"),
        ("Author: see the list of contributors below.\n", ""),  # no name, a sentence
        ("The authors: many people\n", ""),
        ("line\n" * 12 + "Author: Late Person\n", ""),  # past the opening lines
    ],
)
def test_an_author_field_among_the_first_lines_is_the_author(text: str, author: str) -> None:
    assert stated_author(text) == author


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (
            "GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007\n\nCopyright (C) 2007 FSF",
            "2007-06-29",
        ),
        ("Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/", "2004-01"),
        ("March 3, 2013\n\nDear Members,\n\nI write to propose ...", "2013-03-03"),
        ("Memorandum\nDate: 2019-06-12\nTo: the board", "2019-06-12"),
        # A bare year (a copyright line's) says less; a long line is the text's own prose.
        ("Copyright (c) 1998 The Regents\n\nRedistribution is permitted.", ""),
        (
            "The colonies declared their independence from Britain on 4 July 1776 and then fought.",
            "",
        ),
    ],
)
def test_a_date_the_header_states_is_read(text: str, date: str) -> None:
    assert stated_date(text) == date


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        (
            "GNU GPL\n Copyright (C) 1989, 1991 Free Software Foundation, Inc.\n",
            "Free Software Foundation, Inc",
        ),
        ("© 2023 Brookings Institution. All rights reserved.\nReport", "Brookings Institution"),
        (
            "Copyright (c) The Regents of the University of California.\n",
            "The Regents of the University of California",
        ),
        # A template's placeholders name no one; a sentence on copyright is no copyright line.
        ("Copyright (c) <year> <copyright holders>\n", ""),
        ("    Copyright (c)  YEAR  YOUR NAME.\n", ""),
        ("Copyright notices must be kept in every copy of the work.", ""),
    ],
)
def test_a_copyright_line_says_whose_the_document_is(text: str, holder: str) -> None:
    assert stated_publisher(text) == holder


@pytest.mark.parametrize(
    ("name", "spelled", "not_spelled"),
    [
        ("Tony Blair Institute for Global Change", {"TBI", "TBIGC"}, {"BIG", "TB"}),
        ("Asia Society Center for China Analysis", {"CCA", "ASCCA"}, {"AS"}),
        ("Free Software Foundation", {"FSF"}, set()),
        ("Global Times", {"GT"}, set()),
        ("unknown (research report)", set(), {"RR"}),
    ],
)
def test_a_makers_name_goes_by_its_initials(
    name: str, spelled: set[str], not_spelled: set[str]
) -> None:
    """Initials of three letters or more of any run of its capitalised words; never a
    common English word ("BIG"), and of two letters only a two-word name's."""
    found = set(acronyms(name))
    assert spelled <= found and not (not_spelled & found), found


def test_the_identity_carries_its_makers_acronyms_not_its_titles() -> None:
    """ "the TBI article" names the Tony Blair Institute's; "GPL" spells part of "GNU
    Lesser General Public License" too, so a title's initials name nothing."""
    terms = identity_tokens(
        "GNU Lesser General Public License · Tony Blair Institute for Global Change",
        ["Tony Blair Institute for Global Change"],
    )
    assert "tbi" in terms and "gpl" not in terms and "lgpl" not in terms
