"""Documents named the way their owners name them, on the real stack (the embedding model,
Chroma, BM25): letters whose file names alone give their year and author, and licences
asked about by their short names and versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_index, make_settings

from assistant.schema import ChatMessage
from assistant.service import Assistant

ADDRESS = "Mr. President, Mr. Speaker, Members of the Congress:\n\n"
LETTERS = {
    "1934-Roosevelt-1.txt": "To the Congress of the United States:\n\n"
    "I propose that the Congress appropriate 950 million dollars for relief in the coming "
    "fiscal year. We must also build 400 new schools in the rural districts.",
    "1947-Truman-1.txt": ADDRESS + "The housing shortage remains our most urgent problem. "
    "The minimum wage should be raised from 40 cents to 65 cents an hour.",
    "1949-Truman-2.txt": ADDRESS + "I recommend that the minimum wage be raised to 75 cents "
    "an hour. The budget for the coming year is 41.9 billion dollars.",
    "1954-Eisenhower-1.txt": ADDRESS + "I propose a highway programme of 50 billion dollars "
    "over ten years, to be built with the States.",
}
LICENSES = {
    "GPL-2": "GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n\n"
    " Copyright (C) 1989, 1991 Free Software Foundation, Inc.\n\n"
    'You may charge a fee for the physical act of transferring a copy. The "Program" '
    "refers to any program or work which contains such a notice. If the distribution "
    "and/or use of the Program is restricted in certain countries either by patents or by "
    "copyrighted interfaces, the original copyright holder who places the Program under this "
    "License may add an explicit geographical distribution limitation.",
    "GPL-3": "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n\n"
    " Copyright (C) 2007 Free Software Foundation, Inc.\n\n"
    'A "User Product" is either a consumer product or anything designed or sold for '
    "incorporation into a dwelling.",
    "Apache-2.0": "Apache License\nVersion 2.0, January 2004\n\n"
    "You must cause any modified files to carry prominent notices stating that You changed "
    'the files. "Contribution" shall mean any work of authorship submitted to the Licensor. '
    "If You institute patent litigation alleging that a Contribution infringes a patent, "
    "the patent licenses granted to You terminate.",
}

# Library pages on neighbouring subjects, each named by a common English word.
PAGES = {
    "library/secrets.txt": "secrets — Generate secure random numbers\n\n"
    "This module generates cryptographically strong random numbers for managing passwords "
    "and security tokens. It provides the most secure source of randomness that your "
    "operating system provides.",
    "library/random.txt": "random — Generate pseudo-random numbers\n\n"
    "This module implements pseudo-random number generators for various distributions. "
    "Its generators should not be used for security purposes such as passwords or tokens.",
    "library/statistics.txt": "statistics — Mathematical statistics functions\n\n"
    "This module provides functions for calculating statistics of numeric data, such as "
    "the mean and the mode.",
    "library/threading.txt": "threading — Thread-based parallelism\n\n"
    "In CPython, because of the global interpreter lock, only one thread can execute Python "
    "code at once. Use multiprocessing to make better use of several cores.",
    "servers/ftp.txt": "FTP servers\n\n"
    "The administrators picked vsftpd, because they only use the FTP server to distribute a "
    "few files. Out of the box, vsftpd makes the /srv/ftp directory available to anonymous "
    "users.",
    "tutorial/classes.txt": "Classes\n\n"
    "The global namespace for a module is created when the module definition is read in and "
    "normally lasts until the interpreter quits.",
}

# A manual's pages share the date of its build (their folder's); one FAQ has its own.
MANUAL = {
    "2022-12-01/bash.txt": "Shell variables\n\nMAILCHECK specifies how often bash checks for "
    "mail. The default is 60 seconds.",
    "2022-12-01/history.txt": "History\n\nHISTSIZE is the number of commands to remember. The "
    "default value is 500 commands.",
    "2022-12-01/cron.txt": "Cron\n\nThe cron daemon checks the crontab files every minute.",
    "2021-01-05_faq.txt": "FAQ\n\nThe archives are updated twice a day, at 8 and 20 o'clock.",
}

# Release notes whose version and date only their file names give.
RELEASES = {
    "click/2015-11-24_v6.0.txt": "Changes\n\n- Click used to return byte strings on Python 2 "
    "in some unit-testing situations. This has been fixed.",
    "click/2016-04-04_v6.6.txt": "Changes\n\n- Fix bug in click.Path where it would crash when "
    "passed a dash.",
    "click/2018-09-25_v7.0.txt": "Changes\n\n- Added support for bash completion of Choice "
    "types for options and arguments.",
}


# Two programs' releases that share a version number.
SHARED_VERSIONS = {
    "sed/2022-11-06_v4.9.txt": "Noteworthy changes\n\n* 'sed --follow-symlinks -i' no longer "
    "loops forever when its operand is a symbolic link cycle.\n* The 'r' command now accepts "
    "address 0, allowing inserting a file before the first line.",
    "nano/2020-03-24_v4.9.txt": "Bug fixes\n\n* Trying to justify an empty selection does not "
    "crash.\n* The cursor is no longer misplaced after a paste.",
    "nano/2020-03-31_v4.9.1.txt": "Bug fixes\n\n* Two bugs introduced in version 4.9 are "
    "fixed: the cursor getting misplaced, and a crash when undoing.",
    "grep/2022-09-02_v3.8.txt": "Noteworthy changes\n\n* The egrep and fgrep commands now "
    "warn that they are obsolescent.",
}


def _assistant(tmp: Path, files: dict[str, str]) -> Assistant:
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    settings = make_settings(tmp, corpus=corpus)
    build_index(settings)
    return Assistant(settings)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory.mktemp("letters"), LETTERS)


@pytest.fixture(scope="module")
def licenses(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory.mktemp("licenses"), LICENSES)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory.mktemp("pages"), PAGES)


def test_a_page_named_by_a_common_word_before_its_kind_is_the_one_summarised(pages) -> None:
    """ "secrets" is common English; "the secrets module" says which page is meant, so its
    overview quotes that page alone, not the random module's page on the same subject."""
    result = pages.ask("Give me an overview of the secrets module.")
    assert not result.abstained
    assert {c.source for c in result.citations} == {"library/secrets.txt"}


def test_an_overview_of_a_subject_of_several_words_quotes_what_says_them_all(pages) -> None:
    """A sentence on the global namespace says "global" and "interpreter" but is not about
    the global interpreter lock."""
    result = pages.ask("What do the documents say about the global interpreter lock?")
    assert not result.abstained
    assert {c.source for c in result.citations} == {"library/threading.txt"}


def test_it_in_a_follow_up_is_the_program_the_last_answer_named(pages) -> None:
    """ "It" is vsftpd, which the first answer named: the follow-up is answered with the
    directory, not with the first answer's sentence again."""
    first_question = "Which FTP server did the administrators pick?"
    first = pages.ask(first_question)
    assert "vsftpd" in first.answer
    history = [
        ChatMessage(role="user", content=first_question),
        ChatMessage(role="assistant", content=first.answer),
    ]
    result = pages.ask("Which directory does it make available to anonymous users?", history)
    assert (
        result.standalone_question
        == "Which directory does vsftpd make available to anonymous users?"
    )
    assert "/srv/ftp" in result.answer and "picked vsftpd" not in result.answer
    # A question whose "it" follows a code name of its own stands alone.
    own = "What does statistics.mean compute when I give it numeric data?"
    assert pages.ask(own, history).standalone_question == own


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory.mktemp("manual"), MANUAL)


def test_a_figure_is_dated_only_by_a_date_that_tells_its_document_apart(manual) -> None:
    """The build date every manual page shares dates nothing; the FAQ's own date does."""
    shared = manual.ask("How often does bash check for mail by default?")
    assert shared.answer.startswith("MAILCHECK specifies how often bash checks for mail.")
    own = manual.ask("How often are the archives updated?")
    assert own.answer.startswith("2021-01-05: The archives are updated twice a day")


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory.mktemp("releases"), RELEASES)


def test_what_a_release_changed_is_summarised_from_that_programs_release(tmp_path) -> None:
    """A summary of what sed 4.9 changed quotes sed's notes alone: nano's 4.9 shares the
    version, not the program. "What did sed 4.9 change?" asks for the same summary."""
    assistant = _assistant(tmp_path, SHARED_VERSIONS)
    for question in ["Summarise what changed in sed 4.9.", "What did sed 4.9 change?"]:
        result = assistant.ask(question)
        assert not result.abstained, result.answer
        assert "symbolic link cycle" in result.answer and "address 0" in result.answer
        assert {c.source for c in result.citations} == {"sed/2022-11-06_v4.9.txt"}


def test_what_the_releases_of_a_month_fixed_is_read_from_their_file_names_dates(
    tmp_path: Path,
) -> None:
    """ "What did the March 2020 nano releases fix?" asks for all both releases fixed; only
    their file names date them, so "March" is no subject their texts must say. sed had no
    release in 2020: its question is refused, and not as if nano's 2020 releases were the
    ones it names."""
    assistant = _assistant(tmp_path, SHARED_VERSIONS)
    result = assistant.ask("What did the March 2020 nano releases fix?")
    assert not result.abstained, result.answer
    assert "justify an empty selection" in result.answer and "undoing" in result.answer
    assert {c.source for c in result.citations} == {
        "nano/2020-03-24_v4.9.txt",
        "nano/2020-03-31_v4.9.1.txt",
    }
    near_miss = assistant.ask("What did GNU sed's 2020 release fix?")
    assert near_miss.abstained, near_miss.answer
    assert "which it names" not in near_miss.answer


def test_what_a_release_removed_is_its_removals_not_all_it_changed(tmp_path: Path) -> None:
    """ "What did Click 8.1.0 remove?" quotes what its notes say it removed, of the release
    named (not the removals of another), and not what it added or fixed."""
    notes = {
        "click/2022-03-28_v8.1.0.txt": "Version 8.1.0\n\n- get_os_args is removed, use "
        "sys.argv instead.\n- Added a shell_complete method to the Command class.\n- The "
        "progress bar is rendered correctly on narrow terminals.\n- Remove the deprecated "
        "result_callback alias.",
        "click/2021-05-11_v8.0.0.txt": "Version 8.0.0\n\n- Drop support for Python 2.\n- The "
        "autocompletion parameter is removed in favour of shell_complete.",
    }
    assistant = _assistant(tmp_path, notes)
    result = assistant.ask("What did Click 8.1.0 remove?")
    assert not result.abstained, result.answer
    assert "get_os_args is removed" in result.answer and "result_callback" in result.answer
    assert "Added a shell_complete" not in result.answer and "progress bar" not in result.answer
    assert {c.source for c in result.citations} == {"click/2022-03-28_v8.1.0.txt"}
    # Asked in the passive, as analysts also ask it: the same answer, not a refusal.
    passive = assistant.ask("In the March 2022 Click release, what was removed?")
    assert passive.answer == result.answer


def test_an_answer_from_markdown_notes_reads_as_the_rendered_page(tmp_path: Path) -> None:
    """Release notes in Markdown: the answer shows "Added --mkpath option", not the link
    syntax around it, its claim checks out against the cited passage, and the citation's
    quote is the file's own text, which the UI highlights."""
    notes = {
        "rsync/2020-07-04_v3.2.2.md": "# NEWS for rsync 3.2.2\n\n- Prepared the checksum code "
        "for an upcoming [xxHash](https://xxhash.com) release.\n",
        "rsync/2020-08-06_v3.2.3.md": "# NEWS for rsync 3.2.3\n\n- Added "
        "[`--mkpath`](rsync.1#opt) option to tell rsync that it should create a\n  "
        "non-existing path component of the destination arg.\n",
    }
    assistant = _assistant(tmp_path, notes)
    result = assistant.ask("Which option did rsync 3.2.3 add to create a destination path?")
    assert not result.abstained, result.answer
    assert "Added --mkpath option to tell rsync" in result.answer
    assert "](" not in result.answer and "`" not in result.answer
    assert all(claim.supported for claim in result.claims)
    assert "[`--mkpath`](rsync.1#opt)" in result.citations[0].text


def test_what_a_document_is_asked_about_is_quoted_though_its_title_says_it(tmp_path) -> None:
    """The article's title carries "innovation"; asked what it says about innovation, its
    sentences on innovation are quoted, not its growth targets."""
    assistant = _assistant(
        tmp_path,
        {
            "localities.txt": "Localities unveil growth targets with focus on consumption and "
            "innovation\n\nNingbo set a target for GDP growth of more than 5.5 percent. Wuhan "
            "anticipated a GDP growth rate of around 6 percent. Dalian will boost consumption "
            "of services. Shenzhen will raise spending on basic research to build its "
            "innovation capabilities. Hefei plans new laboratories for quantum technology.",
            "budget.txt": "The national budget\n\nThe deficit ratio was set at 4 percent. "
            "Special bonds will fund infrastructure.",
        },
    )
    result = assistant.ask("What does the localities article say about innovation?")
    assert not result.abstained, result.answer
    assert result.citations and all("innovation" in c.quote for c in result.citations), [
        c.quote for c in result.citations
    ]


def test_what_a_speaker_said_about_a_subject_is_quoted_from_what_is_on_it(tmp_path) -> None:
    """Asked what a named speaker said about a subject, his sentence on that subject is
    quoted, not his sentences on other things."""
    assistant = _assistant(
        tmp_path,
        {
            "report.txt": "The work report\n\nPremier Li Qiang announced a 7.2 percent "
            "increase in the defense budget. Li Qiang also promised support for foreign "
            "policy goals. Premier Li called for faster growth in rural incomes.",
            "industry.txt": "Industrial policy\n\nThe plan directs funding toward artificial "
            "intelligence, semiconductors and quantum computing. Subsidies for electric "
            "vehicles will taper off.",
        },
    )
    result = assistant.ask("What did Li Qiang say about the defense budget?")
    assert not result.abstained, result.answer
    assert "7.2 percent" in result.answer, result.answer
    assert "foreign policy" not in result.answer and "rural" not in result.answer


def test_each_part_of_a_compound_question_names_its_own_documents(tmp_path) -> None:
    """One part names a publisher by its initials and a year, the other another year: both
    documents are searched and lifted, not only the one the whole question's terms match
    best, and each part is answered from its own."""
    notes = {
        f"note-{n}.txt": f"Market note {n}\n\nCopper prices moved {n} percent in the week. "
        "Traders watched the port data."
        for n in range(1, 9)
    }
    assistant = _assistant(
        tmp_path,
        {
            **notes,
            "2025_survey.txt": "Provincial survey\n\nBy the Tony Blair Institute for Global Change."
            "\n\nNineteen of 31 provinces made domestic demand their top priority.",
            "2026-01_outlook.txt": "Outlook\n\nIn 2026 Guangdong moved consumption down its "
            "list of tasks.",
        },
    )
    question = (
        "How many provinces made domestic demand their top 2025 priority according to TBI, "
        "and what did Guangdong do with consumption in its 2026 report?"
    )
    result = assistant.ask(question)
    assert not result.abstained, result.answer
    assert "Nineteen of 31" in result.answer and "moved consumption down" in result.answer


def test_what_an_author_wrote_about_a_subject_his_document_says_is_quoted(tmp_path) -> None:
    """The question's words are mostly the author's name, so it is far in meaning from any
    passage; his HOWTO says "key functions" in so many words, and that is quoted."""
    assistant = _assistant(
        tmp_path,
        {
            "howto/sorting.txt": "Sorting HOWTO\n\nAuthor: Andrew Dalke and Raymond Hettinger"
            "\n\nBoth list.sort() and sorted() have a key parameter to specify a function to "
            "be called on each list element prior to making comparisons. Key functions need "
            "not depend directly on the objects being sorted.",
            "howto/logging.txt": "Logging HOWTO\n\nAuthor: Vinay Sajip\n\nLogging is a "
            "means of tracking events that happen when some software runs.",
            "library/functools.txt": "functools\n\nThe functools module is for higher-order "
            "functions: functions that act on or return other functions.",
        },
    )
    result = assistant.ask("What did Raymond Hettinger write about key functions?")
    assert not result.abstained, result.answer
    assert {c.source for c in result.citations} == {"howto/sorting.txt"}, result.answer
    assert "Key functions need not depend" in result.answer


def test_an_overview_of_a_whole_manual_reads_its_introduction(tmp_path: Path) -> None:
    """ "Give me an overview of the Gutenprint 5.2 User's Manual": no word of the request is
    the introduction's, and the option pages repeat the manual's name, so the overview also
    reads the manual's first chunks, where it says what it is."""
    intro = (
        "Gutenprint, formerly named Gimp-Print, is a suite of printer drivers that may be "
        "used with most common UNIX and Linux print spooling systems."
    )
    options = "\n\n".join(
        f"Option {n}\n\nThe Gutenprint 5.2 User's Manual describes option {n} here. In the "
        f"Gutenprint 5.2 User's Manual, option {n} sets value {n} of the driver's settings."
        for n in range(1, 40)
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gutenprint-manual.txt").write_text(
        f"Gutenprint 5.2 User's Manual\n\nRobert Krawitz\n\n{intro}\n\n{options}\n",
        encoding="utf-8",
    )
    (corpus / "other.txt").write_text("Printing\n\nCUPS manages print queues.\n")
    question = "Give me an overview of the Gutenprint 5.2 User's Manual."
    read = {}
    for chunks in (0, 3):
        settings = make_settings(
            tmp_path / str(chunks), corpus=corpus, overview_opening_chunks=chunks
        )
        build_index(settings)
        passages = Assistant(settings).retrieve(question, k=5)
        read[chunks] = " ".join(p.page_content for p in passages)
        assert all(p.metadata["dense_score"] is not None for p in passages)
    assert "suite of printer drivers" in read[3]
    assert "suite of printer drivers" not in read[0]
    # The opening read for "Who wrote ...?" is scored in meaning like every passage.
    passages = Assistant(settings).retrieve("Who wrote the Gutenprint 5.2 User's Manual?", k=5)
    assert "Robert Krawitz" in " ".join(p.page_content for p in passages)
    assert all(p.metadata["dense_score"] is not None for p in passages)


def test_a_summary_of_a_part_no_document_is_titled_reads_what_says_it(tmp_path) -> None:
    """ "Summarise the Debian Social Contract.": the pages are all "Debian Handbook", none is
    titled by the Social Contract, so the summary is of what says it, not of every page's
    opening chunks."""
    pages = {
        f"handbook/{topic.lower()}.txt": f"Debian Handbook: {topic}\n\n"
        + " ".join(f"The {topic.lower()} chapter explains step {n} in detail." for n in range(8))
        for topic in ("Installation", "Networking", "Printing", "Packaging")
    }
    pages["handbook/foundations.txt"] = (
        "Debian Handbook: Foundations\n\n"
        + " ".join(f"The project was founded in 199{n}." for n in range(3, 8))
        + " The Social Contract states that Debian will remain 100% free. "
        "The Social Contract also promises to give back to the free software community."
    )
    assistant = _assistant(tmp_path, pages)
    result = assistant.ask("Summarise the Debian Social Contract.")
    assert not result.abstained, result.answer
    assert "remain 100% free" in result.answer
    assert "explains step" not in result.answer


def test_a_summary_of_a_release_no_file_is_of_is_refused(releases) -> None:
    """No file is Click 6.5: its summary is not made of 6.0's, 6.6's and 7.0's notes."""
    missing = releases.ask("Summarise the Click 6.5 release.")
    assert missing.abstained and "Click 6.5" in missing.answer
    present = releases.ask("Summarise the Click 6.6 release.")
    assert not present.abstained
    assert {c.source for c in present.citations} == {"click/2016-04-04_v6.6.txt"}


def test_who_maintains_a_program_whose_notes_name_no_one_is_not_answered(tmp_path) -> None:
    """Release notes without a byline do not say who maintains the program: the answer
    says so first, not "'sed --follow-symlinks -i' no longer loops ..." as if that were
    who."""
    assistant = _assistant(tmp_path, SHARED_VERSIONS)
    result = assistant.ask("Who maintains sed?")
    assert result.answer.startswith("The documents don't name the person"), result.answer


@pytest.mark.parametrize(
    ("files", "unnamed", "named", "name"),
    [
        (
            # A camel-case function is code, not a person.
            {
                "logging.txt": "The logging package\n\nLoggers are never instantiated "
                "directly, but always through the module-level function "
                "logging.getLogger(name). The logging package is part of the standard "
                "library, and its loggers are shared.",
                "sorting.txt": "Sorting HOWTO\n\nAuthor: Andrew Dalke and Raymond Hettinger"
                "\n\nPython lists have a built-in list.sort() method that modifies the list "
                "in-place.",
            },
            "Who maintains the logging package?",
            "Who is the editor of the Sorting HOWTO?",
            "Andrew Dalke",
        ),
        (
            # "GNU", "Solaris" and "XPG4" are capitalised names, but of no one.
            {
                "frob/2020-01-02_v3.4.txt": "** Bug fixes\n\nOn Solaris /usr/bin/frob is "
                "broken, but you can install GNU or XPG4 frob from the standard Solaris "
                "distribution before building GNU Frob yourself. The build procedure no "
                "longer relies on any already-built src/frob.",
                "frob/2022-09-02_v3.8.txt": "** Changes in behavior\n\nThe -P option is now "
                "based on PCRE2 instead of the older PCRE, thanks to code contributed by "
                "Carlo Arenas.",
            },
            "Who maintains frob?",
            "Who contributed the PCRE2 code in frob 3.8?",
            "Carlo Arenas",
        ),
    ],
)
def test_who_is_answered_by_a_persons_name_not_by_code_or_a_product(
    tmp_path, files: dict[str, str], unnamed: str, named: str, name: str
) -> None:
    """ "Who maintains ...?" over pages naming only code, products and systems is not
    answered as if they were who; a person the documents name (their own author, or a
    contributor) is."""
    assistant = _assistant(tmp_path, files)
    refused = assistant.ask(unnamed)
    assert refused.answer.startswith("The documents don't name the person"), refused.answer
    answered = assistant.ask(named)
    assert not answered.abstained and name in answered.answer, answered.answer


def test_a_question_in_british_spelling_is_answered_from_american_text(tmp_path) -> None:
    """ "Under the Apache Licence, ..." asks about the Apache License: the spellings of both
    sides of the Atlantic are one term, so the name is found and the clause quoted."""
    assistant = _assistant(
        tmp_path,
        {
            "Apache-2.0": "Apache License, Version 2.0\n\nIf You institute patent litigation "
            "against any entity, then any patent licenses granted to You under this License "
            "for that Work shall terminate as of the date such litigation is filed.",
            "MIT": "MIT License\n\nThe above copyright notice and this permission notice shall "
            "be included in all copies or substantial portions of the Software.",
        },
    )
    result = assistant.ask(
        "Under the Apache Licence, what happens to a licensee's patent licence if it sues?"
    )
    assert not result.abstained, result.answer
    assert "shall terminate" in result.answer
    assert [c.source for c in result.citations] == ["Apache-2.0"]


def test_a_cross_reference_names_no_court(tmp_path) -> None:
    """ "as defined by Sections 1 through 9" names no court: asked which court has
    jurisdiction, the answer says the licence names none, as it does not."""
    assistant = _assistant(
        tmp_path,
        {
            "Apache-2.0": "Apache License\nVersion 2.0, January 2004\n\n"
            '"License" shall mean the terms and conditions for use, reproduction, and '
            "distribution as defined by Sections 1 through 9 of this document. "
            '"Licensor" shall mean the copyright owner or entity authorized by the copyright '
            "owner that is granting the License.",
            "MIT": "MIT License\n\nThe above copyright notice shall be included in all copies.",
        },
    )
    result = assistant.ask("Which court has jurisdiction over disputes under the Apache License?")
    assert result.answer.startswith("The documents don't name the court"), result.answer


def test_an_author_named_in_full_finds_the_letter_his_file_name_gives(letters) -> None:
    asked = "In the 1934 document, what figure did Franklin D. Roosevelt propose for relief?"
    result = letters.ask(asked)
    assert not result.abstained
    assert "950 million dollars" in result.answer
    assert result.citations[0].source == "1934-Roosevelt-1.txt"
    wage = letters.ask("What minimum wage did Harry S. Truman recommend in 1949?")
    assert "75 cents" in wage.answer and "65 cents" not in wage.answer
    # The address line "Mr. President, Mr. Speaker, ...:" is no title: the file name is.
    assert [(c.source, c.title) for c in wage.citations] == [("1949-Truman-2.txt", "1949 Truman 2")]


def test_a_near_miss_by_author_is_refused_and_never_said_unmentioned(letters) -> None:
    refused = letters.ask("What did Harry S. Truman propose for highways in 1954?")
    assert refused.abstained
    assert "never mention" not in refused.answer
    unknown = letters.ask("What did John F. Kennedy propose for highways?")
    assert unknown.abstained and "never mention John F. Kennedy" in unknown.answer


def test_a_comparison_side_whose_letters_are_off_the_subject_is_unanswered(letters) -> None:
    """Every sentence of Roosevelt's letter names him through its file name; none is on
    housing, so his side is said to be unanswered rather than quoted on schools."""
    result = letters.ask("Compare what Roosevelt and Truman said about housing.")
    assert result.answer.startswith("The documents don't say for Roosevelt. Truman: ")
    assert "housing shortage" in result.answer and "schools" not in result.answer
    assert [c.source for c in result.citations] == ["1947-Truman-1.txt"]


def test_a_summary_of_a_letter_named_by_author_and_year(letters) -> None:
    """ "Speech" is what the question calls the 1949 letter, not a subject it must name."""
    result = letters.ask("Summarise Truman's 1949 speech.")
    assert not result.abstained
    assert {c.source for c in result.citations} == {"1949-Truman-2.txt"}
    assert "75 cents" in result.answer


def test_who_said_it_in_the_first_person_is_answered_by_the_letters_author(letters) -> None:
    """ "I propose ..." names no one; the file name gives its author, and the answer says so."""
    for asked in ("Who", "Which president"):
        result = letters.ask(f"{asked} proposed a highway programme?")
        assert result.answer.startswith("1954 Eisenhower 1: I propose a highway programme")


def test_a_list_from_a_named_letter_lists_nothing_from_the_others(letters) -> None:
    result = letters.ask("List the proposals Truman made in 1949.")
    assert "75 cents" in result.answer
    assert {c.source for c in result.citations} == {"1949-Truman-2.txt"}


def test_a_question_asking_which_things_is_answered_with_each_of_them(tmp_path: Path) -> None:
    """ "Which proposals ...?" asks for several things, as "List the proposals ..." does: a
    single fact's answer would quote at most three of the four."""
    proposals = ["9 billion dollars", "500 new hospitals", "10 billion dollars", "20,000"]
    kennedy = (
        f"I propose a space programme of {proposals[0]}. I propose {proposals[1]} in the "
        f"cities. I propose a tax cut of {proposals[2]} for families. I propose a peace "
        f"corps of {proposals[3]} volunteers."
    )
    assistant = _assistant(tmp_path, {**LETTERS, "1961-Kennedy-1.txt": ADDRESS + kennedy})
    result = assistant.ask("Which proposals did Kennedy make in 1961?")
    assert all(proposal in result.answer for proposal in proposals), result.answer


@pytest.mark.parametrize(
    ("question", "source", "fact"),
    [
        ("Under GPLv3, what is a User Product?", "GPL-3", "dwelling"),
        ("What does the GPL-3.0 say a User Product is?", "GPL-3", "dwelling"),
        ("Under GPLv2, may I charge for transferring a copy?", "GPL-2", "fee"),
        ("Under Apache 2, what must modified files carry?", "Apache-2.0", "prominent notices"),
    ],
)
def test_a_licence_asked_about_by_its_short_name(licenses, question, source, fact) -> None:
    result = licenses.ask(question)
    assert not result.abstained, result.answer
    assert fact in result.answer
    assert result.citations[0].source == source


def test_when_is_answered_only_by_a_quote_or_document_that_gives_a_time(tmp_path) -> None:
    """A sentence on who may publish a charter does not say when it was published; a
    decision in minutes whose file name gives their date does say when it was taken."""
    assistant = _assistant(
        tmp_path,
        {
            "charter.txt": "Community Charter\n\nThe steward of this charter is the Example "
            "Foundation. No one other than the steward has the right to publish new versions "
            "of this charter. Members may propose amendments to the steward.",
            "2019-05-02_board-minutes.txt": "Present: the whole board.\n\nThe board approved "
            "the community charter after a long debate. The treasurer presented the accounts.",
        },
    )
    undated = assistant.ask("When was the Community Charter published?")
    assert undated.abstained
    assert undated.answer.startswith("The documents don't state the date asked for."), (
        undated.answer
    )
    dated = assistant.ask("When did the board approve the community charter?")
    assert not dated.abstained and "2019" in dated.answer, dated.answer


def test_a_licence_version_no_file_has_is_never_mentioned(licenses) -> None:
    result = licenses.ask("Under GPLv4, may I charge for transferring a copy?")
    assert result.abstained and "never mention GPLv4" in result.answer


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which country's law governs the GPL version 2?", "country"),
        ("Which court hears patent litigation under the Apache License 2.0?", "court"),
    ],
)
def test_a_licence_that_names_no_country_or_court_asked_for_is_not_quoted_as_if_it_did(
    licenses, question, kind
) -> None:
    """The nearest sentence speaks of "certain countries" or of litigation but names none;
    a term the licence defines ("Contribution") or always capitalises ("the Program") is not
    a name either."""
    result = licenses.ask(question)
    assert result.abstained, result.answer
    assert result.answer.startswith(f"The documents don't name the {kind} asked for.")


def test_a_question_for_a_province_is_answered_by_the_sentence_naming_it(tmp_path) -> None:
    assistant = _assistant(
        tmp_path,
        {
            "2025-ports.txt": "Ports\n\nNingbo, a port city in Zhejiang, plans a world-class "
            "hub port. The port handled 1.3 billion tonnes of cargo last year.",
            "2025-talent.txt": "Talent\n\nLocal governments are relaxing household "
            "registration rules to attract skilled workers.",
        },
    )
    result = assistant.ask("Which province is Ningbo a port city in?")
    assert not result.abstained, result.answer
    assert "Zhejiang" in result.answer


def test_a_licence_is_dated_by_its_header_and_answers_when_it_was_published(licenses) -> None:
    """No file name or metadata dates the GPL 3; its header's "29 June 2007" does, and that
    line alone answers when it was published."""
    result = licenses.ask("When was the GPL version 3 published?")
    assert not result.abstained
    assert "Version 3, 29 June 2007" in result.answer and len(result.citations) == 1
    assert (result.citations[0].source, result.citations[0].published) == ("GPL-3", "2007-06-29")


def test_a_licence_without_an_author_was_written_by_its_copyright_holder(licenses) -> None:
    """The GPL 2 names no author; its copyright line gives whose it is, and answers who
    wrote it."""
    result = licenses.ask("Who wrote the GPL version 2?")
    assert not result.abstained
    assert result.answer.startswith("Copyright (C) 1989, 1991 Free Software Foundation")
    cited = result.citations[0]
    assert (cited.source, cited.publisher) == ("GPL-2", "Free Software Foundation, Inc")


def test_who_wrote_it_after_when_it_was_published_is_asked_of_the_same_licence(licenses) -> None:
    """A date's answer names no new thing: "it" stays the GPL 2, and the follow-up asks who
    wrote it (not when, and not of the licence its title line names best)."""
    first_question = "When was the GPL version 2 published?"
    first = licenses.ask(first_question)
    history = [
        ChatMessage(role="user", content=first_question),
        ChatMessage(role="assistant", content=first.answer),
    ]
    result = licenses.ask("Who wrote it?", history)
    assert result.standalone_question.endswith("GPL version 2 published — Who wrote it?")
    assert result.answer.startswith("Copyright (C) 1989, 1991 Free Software Foundation")
    assert [c.source for c in result.citations] == ["GPL-2"]


def _page(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title} &#8212; Leasekeeper 2.4.1 documentation</title></head>"
        f"<body><h1>{title}</h1><p>{body}</p></body></html>"
    )


def test_a_pages_site_names_the_collection_it_is_of(tmp_path: Path) -> None:
    """A generator's site name ("Leasekeeper 2.4.1 documentation") is no part of a page's
    title, but says which release's documentation the page is: "the Leasekeeper 2.4
    docs" are these pages, "2.5" is in none of them."""
    docs = _assistant(
        tmp_path,
        {
            "leases.html": _page("Lease times", "Leases last 86400 seconds by default."),
            "pools.html": _page("Address pools", "A pool holds at most 4096 addresses."),
        },
    )
    answered = docs.ask("In the Leasekeeper 2.4 documentation, how long do leases last by default?")
    assert not answered.abstained, answered.answer
    assert "86400 seconds" in answered.answer
    assert answered.citations[0].title == "Lease times"
    refused = docs.ask("In the Leasekeeper 2.5 documentation, how long do leases last by default?")
    assert refused.abstained


def _howto(title: str, author: str, paragraphs: list[str]) -> str:
    fields = (
        f'<dl class="field-list simple"><dt>Author<span>:</span></dt><dd><p>{author}</p></dd></dl>'
    )
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><h1>{title}</h1>{fields}{body}</body></html>"


def test_who_wrote_a_page_is_the_author_its_field_list_states(tmp_path: Path) -> None:
    """A HOWTO states its author in a field list under its title and nowhere else; that
    line answers "who wrote", however far down the page the question's words rank it, and
    the author names the page in other questions."""
    filler = [f"Section {n} explains how sorting handles case {n} of many." for n in range(40)]
    docs = _assistant(
        tmp_path,
        {
            "sorting.html": _howto(
                "Sorting HOW TO",
                "Andrew Dalke and Raymond Hettinger",
                [*filler, "A key function is called on each element before comparisons."],
            ),
            "logging.html": _howto(
                "Logging HOWTO",
                "Vinay Sajip &lt;vinay at example dot com&gt;",
                ["The default level is WARNING, so only warnings and errors are shown."],
            ),
        },
    )
    result = docs.ask("Who wrote the Sorting HOW TO?")
    assert not result.abstained, result.answer
    assert result.answer.startswith("Author: Andrew Dalke and Raymond Hettinger [1]")
    assert [c.source for c in result.citations] == ["sorting.html"]
    scoped = docs.ask("What does Vinay Sajip's HOWTO say the default level is?")
    assert "WARNING" in scoped.answer and scoped.citations[0].source == "logging.html"


def test_a_follow_up_of_a_follow_up_keeps_the_question_it_builds_on(letters) -> None:
    """ "What about Eisenhower?" after "And in 1949?" asks Eisenhower's 1949 minimum wage,
    which no letter gives: refused, not answered for the fragment "And in 1949"."""
    turns: list[dict[str, str]] = []
    answers = []
    for question in ["What minimum wage did Truman recommend in 1947?", "And in 1949?"]:
        answers.append(letters.ask(question, history=turns))
        turns += [{"role": "user", "content": question}]
        turns += [{"role": "assistant", "content": answers[-1].answer}]
    assert "65 cents" in answers[0].answer and "75 cents" in answers[1].answer
    result = letters.ask("What about Eisenhower?", history=turns)
    assert result.standalone_question == "What minimum wage did Eisenhower recommend in 1949?"
    assert result.abstained
