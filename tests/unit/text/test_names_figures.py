"""Which names and figures a question commits to."""

from __future__ import annotations

import pytest

from assistant.text.names_figures import (
    acronym_definitions,
    names,
    numbers,
    occurs,
    only_as_place,
    phrase_words,
    qualifies_document,
    spells_initials,
    states_a_time,
    without_attribution,
)
from assistant.text.normalise import normalise_for_matching


def test_digits_inside_identifiers_are_not_figures() -> None:
    assert numbers("Is IPv6 on x86_64 set with utf-8 in 2024?") == ["2024"]
    assert numbers("version 1.5+nmu1 of COVID-19 data") == ["1.5"]
    expected = ["5.5", "2025", "2000", "5", "3"]
    assert numbers("grew 5.5% in 2025, 2,000 units, -5 and (3)") == expected


def test_a_clause_opening_word_is_not_a_name() -> None:
    assert names("Since Debian packages may not modify files, what do they use?") == ["Debian"]
    assert names("Unless told otherwise, which sections does deborphan read?") == []


def test_a_word_with_a_capital_inside_is_one_name() -> None:
    """ "squidGuard" is a name as a whole; its capital starts no name "Guard"."""
    found = names("After editing the squidGuard file on openSUSE Leap, restart it in New York.")
    assert found == ["squidGuard", "openSUSE Leap", "New York"]


def test_a_word_may_end_a_dotted_name_but_a_number_is_not_part_of_a_decimal() -> None:
    text = normalise_for_matching("os.getcwd() returns it; the rate was 0.5 percent.")
    assert occurs("getcwd", text)
    assert not occurs("5", text)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What figure did Mary A. Jones propose?", ["Mary A. Jones"]),
        ("What did H.W. Bush say?", ["H.W. Bush"]),
        ("What did the U.S. Treasury say?", ["U.S. Treasury"]),
        ("What did J. R. Smith write to the Bank of England?", ["J. R. Smith", "Bank of England"]),
        ("Compare what Li Qiang and Wang Yi said about the debt", ["Li Qiang", "Wang Yi"]),
        ("Summarise the main themes", []),
        ("Summarise Smith's 2024 document", ["Smith"]),
        ("What did the Global Times say on Shenzhen's GDP?", ["Global Times", "Shenzhen", "GDP"]),
        ("What did Li Qiang’s Government Work Report say?", ["Li Qiang", "Government Work Report"]),
        ("What did the People's Bank of China decide?", ["People Bank of China"]),
        ("Which city had the lowest target in March 2025?", []),
        ("Lowest growth target among provinces?", []),
        ("Main themes of the 2025 Two Sessions?", ["Two Sessions"]),
        ("And Sanya?", ["Sanya"]),
        ("My script fails and I'd like a prompt; which flag?", []),
        ("Why does it print nothing when I’ve configured Django?", ["Django"]),
        ("Which CVEs did the NGOs' report list?", ["CVE", "NGO"]),
        ("Under the LGPLv2.1 and the GPL-3.0, may I link?", ["LGPLv2.1", "GPL-3.0"]),
        ("as defined by Sections 1 through 9 of this document", []),  # a cross-reference
        ("What does Article 5 of the Treaty of Rome say?", ["Treaty of Rome"]),
    ],
)
def test_hard_names(question: str, expected: list[str]) -> None:
    """Initials are one name; months, request verbs, a common first word and the parts of a
    document a cross-reference names are none; "A and B" is two names, and so is "A's B"
    unless A is a plural ("People's")."""
    assert names(question) == expected


def test_initials_are_not_checked_words() -> None:
    assert phrase_words("Mary A. Jones") == ["Mary", "Jones"]
    assert phrase_words("H.W. Bush") == ["Bush"]
    assert phrase_words("NATO summit") == ["NATO", "summit"]


@pytest.mark.parametrize(
    ("word", "question", "text", "expected"),
    [
        (
            "Zhejiang",
            "What target did Zhejiang set?",
            "The city of Ningbo in East China's Zhejiang Province set 5.5%.",
            True,
        ),
        (
            "Zhejiang",
            "What target did Zhejiang set?",
            "Zhejiang Province set 5.5%; Ningbo in Zhejiang set 6%.",
            False,
        ),
        (
            "Beijing",
            "What did Li Qiang say in Beijing?",
            "Premier Li Qiang in Beijing said so.",
            False,
        ),
        ("Hainan", "What did Hainan plan?", "Nothing about it here.", False),
        ("China", "What did China announce?", "An increase in China's defence budget.", False),
        ("CCA", "When was the CCA article out?", "Jing Qian in a CCA preview article.", False),
    ],
)
def test_only_as_place(word: str, question: str, text: str, expected: bool) -> None:
    """A name given only as where another name is ("Ningbo in ... Zhejiang Province") is
    not what the text speaks of, unless the question also asks "in" it."""
    assert only_as_place(word, question, text) is expected


@pytest.mark.parametrize(
    ("acronym", "text", "expected"),
    [
        ("TBI", "Tony Blair Institute for Global Change", True),
        ("CCA", "Asia Society Center for China Analysis", True),
        ("IMF", "the International Monetary Fund", True),
        ("TBI", "the big idea", False),
        ("Tbi", "Tony Blair Institute", False),
        ("TBI", "Tony Institute", False),
    ],
)
def test_spells_initials(acronym: str, text: str, expected: bool) -> None:
    """A publisher's acronym matches its spelled-out capitalised name, nothing else."""
    assert spells_initials(acronym, text) is expected


@pytest.mark.parametrize(
    ("phrase", "question", "expected"),
    [
        ("GNU", "In GNU sed 4.9, which new address can the r command take?", True),
        ("GNU", "Summarise what changed in GNU's sed.", True),
        ("Hangzhou", "What target did Hangzhou set for 2025?", False),
        ("Hangzhou", "What did the Hangzhou 2025 plan say?", False),
        ("GNU", "What did GNU announce?", False),
    ],
)
def test_a_name_beside_a_documents_naming_word_qualifies_that_document(
    phrase: str, question: str, expected: bool
) -> None:
    """ "GNU" in "GNU sed 4.9" says which document is meant, with "sed" (a word of the
    quoted notes' identity): the notes need not say "GNU". A figure beside a name is no
    document's naming word."""
    assert qualifies_document(phrase, question, {"sed", "2025"}) is expected


def test_an_attribution_is_dropped_but_its_year_stays() -> None:
    """Who says it is not what is asked about, but the year of "the 2023 article" says which
    document is meant: it stays to be found in the quoted one."""
    dropped = without_attribution("According to TBI, how many provinces listed consumption?")
    assert "TBI" not in dropped and "provinces" in dropped
    kept = without_attribution("What target did Sanya set, according to the 2023 Global Times?")
    assert "Global Times" not in kept and "2023" in kept


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("GPLv3", True),  # a version glued to its name, written apart in the text
        ("GPL-3.0", True),  # and its ".0" unsaid there
        ("LGPLv2.1", True),
        ("GPLv2", False),
        ("LGPLv2", False),  # 2 is not 2.1
        ("2", True),  # "Apache-2.0"
        ("3.0", False),  # "Python 3" says nothing of 3.0
        ("10x", True),
    ],
)
def test_names_with_versions_and_whole_numbers(term: str, found: bool) -> None:
    text = normalise_for_matching("GNU GPL version 3. The LGPL-2.1, Apache-2.0, Python 3: 10x")
    assert occurs(term, text) is found


def test_a_figure_is_not_part_of_an_identifier_and_a_multiple_is_one() -> None:
    assert numbers("What does the GPL-3.0 say, and LGPLv2.1?") == []
    assert numbers("matching is typically 10x faster than in the 14th release") == ["10x"]


def test_a_text_defines_its_acronyms_by_the_words_before_them() -> None:
    text = normalise_for_matching(
        "Li Qiang's government work report (GWR) followed the Central Economic Work "
        "Conference (CEWC); the Filesystem Hierarchy Standard (FHS) and a remark (ok)."
    )
    assert acronym_definitions(text) == {
        "gwr": "government work report",
        "cewc": "central economic work conference",
        "fhs": "filesystem hierarchy standard",
    }


def test_an_attributions_version_may_be_the_collections() -> None:
    assert "3.11" not in without_attribution("According to the Python 3.11 HOWTO, what is it?")


@pytest.mark.parametrize(
    ("text", "timed"),
    [
        ("GNU GENERAL PUBLIC LICENSE Version 1, February 1989", True),
        ("Xi visited the delegation on March 5.", True),
        ("DeepSeek emerged during the Lunar New Year.", True),
        ("The board approved it after a long debate.", True),
        ("New in version 3.6.", True),
        ("No one other than the steward may publish new versions of this License.", False),
        ("You may charge a fee for the physical act of transferring a copy.", False),
        ("The release adds 3.2 new options.", False),
    ],
)
def test_a_statement_says_when_by_a_date_or_in_words(text: str, timed: bool) -> None:
    assert states_a_time(text) is timed
