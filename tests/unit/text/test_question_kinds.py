"""Which shape of answer a question asks for."""

from __future__ import annotations

import pytest

from assistant.text.question_kinds import (
    asks_for_author,
    asks_for_date,
    asks_for_maker,
    asks_when,
    question_kind,
    release_verb,
    said_about,
    topic_terms,
)
from assistant.text.terms import tokenize


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Summarise the main themes", "overview"),
        ("Give me an overview of the Global Times article", "overview"),
        ("What did the government say about consumption?", "overview"),
        ("What did the Global Times report about Sanya?", "overview"),
        ("What does the handbook write on backups?", "overview"),
        ("What do the documents tell us about hukou?", "overview"),
        ("What does the MPL 2.0 say about Larger Works?", "overview"),  # a version's dot
        ("What does the Design and History FAQ say about why Python uses indentation?", "fact"),
        ("Which cities set targets above 6 percent?", "list"),
        ("List every release that fixed a crash", "list"),
        ("How did proposals for the minimum wage change over the years?", "timeline"),
        ("How did the GDP targets evolve from 2024 to 2026?", "timeline"),
        ("How did the top priority change from 2024 to 2025?", "comparison"),
        ("How did the -L option change over the releases?", "timeline"),
        ("How did suspending the editor change across releases?", "timeline"),
        ("How did checksums develop from version 3.1.3 to 3.2.7?", "timeline"),
        ("How did completion change from 7.0 to 8.0.4?", "timeline"),
        ("What changed in version 3.2.7?", "overview"),  # all that the release changed
        ("What did sed 4.9 change?", "overview"),
        ("What did sed 4.9 change about the --debug option?", "fact"),
        ("What did the October 2021 Click releases fix?", "overview"),
        ("What did nano 7.0 add?", "overview"),
        ("What was dropped in Click 8.1.0?", "overview"),
        ("In the March 2022 Click release, what was fixed?", "overview"),
        ("What's new in sed 4.8?", "overview"),
        ("What was the GDP target in 2025?", "fact"),
        ("What changed about the --debug option in sed 4.9?", "fact"),
        (
            "How did the archive's size change from the 2021 FAQ to the 2022 handbook and the "
            "2023 reference?",
            "timeline",
        ),
        ("How did the name change between the 2021 FAQ and the 2023 reference?", "comparison"),
        ("How did the 2024 target change?", "fact"),
        ("When did Xi visit Jiangsu, and how did mentions change between 2024 and 2025?", "fact"),
        ("Compare the targets of Ningbo and Sanya.", "comparison"),
        ("How many color names did nano 5.0 and nano 6.0 each add?", "comparison"),
        ("How did grep's -P option differ between grep 2.27 and grep 3.8?", "comparison"),
        ("Which cities each set a target above 6 percent?", "list"),
        ("What GDP growth target did China set for 2025?", "fact"),
        ("Which module keeps the smallest item at the front?", "fact"),
        # The noun the question word asks about says how many things are asked for.
        ("Which infinite iterators does the itertools module provide?", "list"),
        ("Which of the collections module's container types are dict subclasses?", "list"),
        ("Which subdirectories of /var does the FHS mark as optional?", "list"),
        ("In nano 6.0, which new color names were added?", "list"),
        ("Which CVEs do rsync's release notes say were fixed?", "list"),
        ("What two things must you do when object code uses a header file?", "list"),
        ("Which people did the report thank?", "list"),
        ("Which process does the kernel start first?", "fact"),
        ("Which status does the command report?", "fact"),
        ("Which command warns users that they exceed their quota?", "fact"),
        ("Which long-failed experiment for reflowing paragraphs did sed drop?", "fact"),
        ("What must reviewing courts do if the disclaimer has no effect?", "fact"),
        ("What idea about how officials should judge themselves is shared?", "fact"),
        ("Which province's Two Sessions opened the 2026 round?", "fact"),
    ],
)
def test_the_kind_of_answer_asked_for(question: str, kind: str) -> None:
    assert question_kind(question).kind == kind


def test_an_overview_of_documents_as_a_whole_names_no_subject_in_them() -> None:
    from assistant.text.question_kinds import overviews_documents

    assert overviews_documents("Give me an overview of the Gutenprint 5.2 User's Manual.")
    assert overviews_documents("What are the main themes of the 2025 Two Sessions?")
    assert not overviews_documents("What does the handbook say about scheduling tasks?")
    assert not overviews_documents("Who wrote the Gutenprint 5.2 User's Manual?")


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        ("Compare the 2025 GDP growth targets of Ningbo and Sanya.", ("Ningbo", "Sanya")),
        ("Compare Qinghai's and Tibet's growth targets for 2025.", ("Qinghai", "Tibet")),
        ("How did the top priority change from 2024 to 2025?", ("2024", "2025")),
        ("How did the defence budget in 2024 compare with 2025?", ("2024", "2025")),
        ("How does property wealth in China compare with developed economies?",
         ("China", "developed economies")),
        ("Compare the Python versions dropped by Click 7.0 and Click 8.1.0.",
         ("Click 7.0", "Click 8.1.0")),
        ("Compare the bug fixes in sed 4.7 and grep 3.3.", ("sed 4.7", "grep 3.3")),
        ("How did grep 3.7 and 3.8 differ?", ("grep 3.7", "grep 3.8")),
        ("What changed in grep between 3.7 and 3.8?", ("3.7", "3.8")),
        ("How do Ningbo and Sanya differ in their targets?", ("Ningbo", "Sanya")),
        ("How do the FHS and the Debian FAQ differ on /usr/local?", ("FHS", "Debian FAQ")),
        ("How do the GPL 2 and the GPL 3 differ on patents?", ("GPL 2", "GPL 3")),
        ("Compare Debian 11 and Debian 12.", ("Debian 11", "Debian 12")),
        ("How do the Mozilla Public License 1.1 and the Mozilla Public License 2.0 differ?",
         ("Mozilla Public License 1.1", "Mozilla Public License 2.0")),
        ("Compare shutil.copy() and shutil.copy2().", ("shutil.copy()", "shutil.copy2()")),
        # Two versions of one thing, the second by its version alone.
        ("How does the GPL version 3 compare with version 2?", ("GPL 3", "GPL 2")),
        ("How does the MPL 2.0 compare to version 1.1 on termination?", ("MPL 2.0", "MPL 1.1")),
        ("What is the difference between match() and search()?", ("match()", "search()")),
    ],
)  # fmt: skip
def test_the_sides_of_a_comparison(question: str, sides: tuple[str, ...]) -> None:
    assert question_kind(question).sides == sides


def test_a_comparison_is_quoted_on_its_subject_not_on_its_request() -> None:
    from assistant.text.question_kinds import compared_on

    asked = compared_on("How do the GPL 2 and the GPL 3 differ on patents?")
    assert "differ" not in asked and "patents" in asked and "GPL 3" in asked


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Summarise Truman's 1949 speech.", []),
        ("Summarise the nano 6.0 release.", ["nano"]),
        ("Summarise what the 1954 address says about highways.", ["highway"]),
        # "releases", like "reports", says which documents, not what about them.
        ("Which releases after 2020 added colour options?", ["add", "color", "option"]),
        ("What did the October 2021 Click releases fix?", ["octob"]),  # "fix" is the request
        ("What was fixed in the October 2021 Click releases?", ["octob"]),
        # "license" says which document "BSD" names, not what it is about.
        (
            "Give an overview of what the BSD license requires and disclaims.",
            ["requir", "disclaim"],
        ),
        ("What does the 2025 report say about talent?", ["talent"]),
        (
            "What do the Python docs say about the global interpreter lock?",
            ["global", "interpret", "lock"],
        ),
        ("What does the Debian handbook say about scheduling tasks?", ["schedul", "task"]),
    ],
)
def test_the_noun_a_year_or_version_qualifies_is_no_topic(question: str, topic: list[str]) -> None:
    """ "The 1949 speech" is the document, not what it is about, and so are "the docs" and
    "the handbook"."""
    assert topic_terms(question) == topic


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Who wrote the Sorting HOWTO?", True),
        ("Who is the author of the Logging HOWTO?", True),
        ("Under the MPL, may wording be read against the Contributor who drafted it?", False),
        ("Who proposed a highway programme?", False),
        ("When was the GPL version 3 published — Who wrote it?", True),  # asked now
    ],
)
def test_a_question_on_who_wrote_a_document(question: str, asks: bool) -> None:
    assert asks_for_author(question) is asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Who wrote the Sorting HOWTO?", True),  # the author's question is one
        ("Who maintains the logging package?", True),
        ("Who is the editor of the Debian Reference?", True),
        ("Who published the GPL?", True),
        ("Who may add a geographical distribution limitation?", False),  # a role answers
        ("Who proposed a highway programme?", False),
    ],
)
def test_a_question_on_who_made_or_keeps_something(question: str, asks: bool) -> None:
    assert asks_for_maker(question) is asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("When was the GPL version 3 published?", True),
        ("When did nano 7.0 come out?", True),
        ("When was version 1 of the GNU General Public License issued?", True),
        ("When did Guido van Rossum start writing Python?", False),
        ("When did the CPPCC meet in 2024?", False),
    ],
)
def test_a_question_on_when_a_document_appeared(question: str, asks: bool) -> None:
    assert asks_for_date(question) is asks


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("What did Click 8.1.0 remove?", "remove"),
        ("What did the October 2021 Click releases fix?", "fix"),
        ("What did sed 4.9 change?", None),  # all a release does is a change
        ("What did sed 4.9 fix about --debug?", None),  # one thing, asked as a fact
        ("What was dropped in Click 8.1.0?", "drop"),
        ("In the March 2022 Click release, what was added?", "add"),
        ("What has been removed from nano 5.0?", "remove"),
        ("What's new in sed 4.8?", None),
    ],
)
def test_the_kind_of_change_asked_of_releases(question: str, verb: str | None) -> None:
    assert release_verb(question) == verb


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("What does the Global Times article say about innovation?", {"innovation"}),
        ("What did the 2024 report say on housing and debt?", {"housing", "debt"}),
        ("Which documents wrote about the hukou reform?", {"hukou", "reform"}),
        ("Summarise the article on consumption and innovation.", set()),  # names it
        ("What target did Ningbo set?", set()),
    ],
)
def test_what_a_document_is_asked_to_have_said_about(question: str, subject: set[str]) -> None:
    assert said_about(question) == {term for word in subject for term in tokenize(word)}


@pytest.mark.parametrize(
    ("question", "when"),
    [
        ("When was the Mozilla Public License 2.0 published?", True),
        ("When did Xi visit the Jiangsu delegation?", True),
        ("In what year did Truman recommend a higher minimum wage?", True),
        ("And when did the board approve it?", True),
        ("When a maintainer gives up a package, who should be set as its maintainer?", False),
        ("When IGNOREEOF has no value, how many end-of-file characters are read?", False),
        ("What growth target did Ningbo set for 2025?", False),
    ],
)
def test_a_question_asks_when(question: str, when: bool) -> None:
    assert asks_when(question) is when


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("Summarise the main themes", []),
        ("What are the key points of the 2024 article?", []),
        ("What do the docs say about key functions?", ["key", "function"]),
        ("Which major cities set targets?", ["major", "citi", "set", "target"]),
        ("What were the central messages on consumption?", ["consumpt"]),
    ],
)
def test_a_ranking_word_is_a_request_only_before_what_is_requested(
    question: str, terms: list[str]
) -> None:
    """ "the key points" asks for a summary; "key functions" is the subject."""
    assert topic_terms(question) == terms
