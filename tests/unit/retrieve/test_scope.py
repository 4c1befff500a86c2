"""Which documents a question names by their identity."""

from __future__ import annotations

from assistant.retrieve.scope import carrying, named_by_parts, names_a_subject, narrowed, scope
from assistant.text.document_heading import identity
from assistant.text.identity import identity_tokens

MAX_ZIPF = 2.0


def _identities(*metadatas: dict[str, str]) -> dict[str, frozenset[str]]:
    return {m["source"]: identity_tokens(identity(m)) for m in metadatas}


LETTERS = _identities(
    {"source": "2013-Smith-1.txt", "title": "2013 Smith 1", "published": "2013"},
    {"source": "2013-Jones-1.txt", "title": "2013 Jones 1", "published": "2013"},
    {"source": "2014-Smith-1.txt", "title": "2014 Smith 1", "published": "2014"},
    {"source": "nano/2021-03-03_v5.6.1.txt", "title": "Bug fixes", "published": "2021-03-03"},
)


def test_a_year_and_an_author_name_the_document_that_carries_both() -> None:
    named = scope("In the 2013 document, what figure did Smith propose?", LETTERS, MAX_ZIPF)
    assert set(named) == {"2013-Smith-1.txt"}


def test_a_month_meets_the_date_in_a_file_name() -> None:
    named = scope("What did the March 2021 release of nano fix?", LETTERS, MAX_ZIPF)
    assert set(named) == {"nano/2021-03-03_v5.6.1.txt"}


def test_a_version_series_names_every_release_in_it() -> None:
    """ "Click 8.0" is the 8.0 series (8.0.0, 8.0.1), never 8.1 or the 3.11 of "3.1"."""
    dated = [("2021-05-11", "8.0.0"), ("2021-05-19", "8.0.1"), ("2022-03-28", "8.1.0")]
    releases = _identities(
        *(
            {"source": f"click/{date}_v{version}.txt", "title": "Changes"}
            for date, version in [*dated, ("2020-03-09", "7.1")]
        ),
        {"source": "python/3.11.4.txt", "title": "What's New"},
    )
    named = scope("What changed in Click 8.0?", releases, MAX_ZIPF)
    assert set(named) == {"click/2021-05-11_v8.0.0.txt", "click/2021-05-19_v8.0.1.txt"}
    assert scope("What changed in 3.1?", releases, MAX_ZIPF) == {}


def test_a_naming_word_says_which_of_the_named_releases_is_meant() -> None:
    """ "sed 4.9" names every release 4.9 by its version; "sed" (common enough in English
    never to name a document alone) says it is sed's, not nano's."""
    releases = _identities(
        {"source": "sed/2022-11-06_v4.9.txt", "title": "Noteworthy changes"},
        {"source": "nano/2020-03-24_v4.9.txt", "title": "Bug fixes"},
        {"source": "nano/2020-03-31_v4.9.1.txt", "title": "Bug fixes"},
        {"source": "grep/2022-09-02_v3.8.txt", "title": "Noteworthy changes"},
    )
    question = "What did sed 4.9 change?"
    named = set(scope(question, releases, MAX_ZIPF))
    assert "sed/2022-11-06_v4.9.txt" in named and "nano/2020-03-24_v4.9.txt" in named
    assert narrowed(named, question, releases, 4.0) == {"sed/2022-11-06_v4.9.txt"}
    # A word no named document carries changes nothing; nor does a common one ("changes").
    assert narrowed(named, "What did 4.9 change for vim?", releases, 4.0) == named
    assert narrowed(named, "Which changes came with 4.9?", releases, 4.0) == named
    # sed had no release in 2020: of nano's 2020 releases none is "sed's 2020 release",
    # which a refusal must not say they are (retrieval still lifts them all).
    in_2020 = {"nano/2020-03-24_v4.9.txt", "nano/2020-03-31_v4.9.1.txt"}
    assert carrying(in_2020, "What did sed's 2020 release fix?", releases, 4.0) == set()
    assert narrowed(in_2020, "What did sed's 2020 release fix?", releases, 4.0) == in_2020
    assert carrying(named, question, releases, 4.0) == {"sed/2022-11-06_v4.9.txt"}


def test_a_license_named_by_its_short_name_and_version() -> None:
    """ "GPLv3" and "GPL-3.0" name the file `GPL-3`, "Apache 2" names `Apache-2.0`."""
    licenses = _identities(
        *(
            {"source": name, "title": title}
            for name, title in [
                ("GPL-2", "GNU General Public License"),
                ("GPL-3", "GNU General Public License"),
                ("LGPL-3", "GNU Lesser General Public License"),
                ("Apache-2.0", "Apache License"),
            ]
        )
    )
    for question in ["Under GPLv3, what is a User Product?", "What does the GPL-3.0 say?"]:
        assert set(scope(question, licenses, MAX_ZIPF)) == {"GPL-3"}
    assert set(scope("Under Apache 2, what must files carry?", licenses, MAX_ZIPF)) == {
        "Apache-2.0"
    }


def test_a_question_naming_no_document_has_no_scope() -> None:
    assert scope("What figure was proposed for the minimum wage?", LETTERS, MAX_ZIPF) == {}
    assert scope("What did Brown say in 1999?", LETTERS, MAX_ZIPF) == {}


def test_a_common_word_before_a_kind_of_document_names_it() -> None:
    """ "secrets" is common English, but "the secrets module" says which page is meant; a
    word no document's identity carries still names none."""
    pages = _identities(
        {"source": "library/secrets.html", "title": "secrets — Generate secure random numbers"},
        {"source": "library/random.html", "title": "random — Generate pseudo-random numbers"},
        {"source": "howto/logging.html", "title": "Logging HOWTO"},
    )
    question = "Give me an overview of the documentation page for the secrets module."
    assert set(scope(question, pages, MAX_ZIPF)) == {"library/secrets.html"}
    assert scope("What do the secrets say about numbers?", pages, MAX_ZIPF) == {}
    assert scope("What does the budget report say?", pages, MAX_ZIPF) == {}


PSF = "Python Software Foundation"
GUIDES = _identities(
    {"source": "howto/logging.html", "title": "Logging HOWTO"},
    {"source": "howto/logging-cookbook.html", "title": "Logging Cookbook"},
    {"source": "tutorial/index.html", "title": "The Python Tutorial", "publisher": PSF},
    {"source": "tutorial/appetite.html", "title": "1. Whetting Your Appetite", "publisher": PSF},
    {"source": "nano/2021-03-03_v5.6.1.txt", "title": "Bug fixes", "published": "2021-03-03"},
    {"source": "nano/2022-08-02_v6.4.txt", "title": "Bug fixes", "published": "2022-08-02"},
)
TITLES = {
    "howto/logging.html": "Logging HOWTO",
    "howto/logging-cookbook.html": "Logging Cookbook",
    "tutorial/index.html": "The Python Tutorial",
    "tutorial/appetite.html": "1. Whetting Your Appetite",
    "nano/2021-03-03_v5.6.1.txt": "Bug fixes",
    "nano/2022-08-02_v6.4.txt": "Bug fixes",
}


def test_a_title_written_out_names_its_document_over_one_carrying_the_same_words() -> None:
    """Both logging guides carry "logging" and "howto" (the cookbook in its folder); the
    question writes out one title."""
    question = "What does the Logging HOWTO say about the default level?"
    assert set(scope(question, GUIDES, MAX_ZIPF)) == {
        "howto/logging.html",
        "howto/logging-cookbook.html",
    }
    assert set(scope(question, GUIDES, MAX_ZIPF, TITLES)) == {"howto/logging.html"}


def test_the_title_of_what_a_named_document_is_part_of_names_nothing_more() -> None:
    """The page's identity (its folder, its publisher) carries the tutorial's title."""
    question = "Give me an overview of the Python tutorial's “Whetting Your Appetite” page."
    assert set(scope(question, GUIDES, MAX_ZIPF, TITLES)) == {"tutorial/appetite.html"}


def test_documents_sharing_a_title_are_chosen_among_by_their_identity() -> None:
    question = "Which bug fixes came in the March 2021 release?"
    assert set(scope(question, GUIDES, MAX_ZIPF, TITLES)) == {"nano/2021-03-03_v5.6.1.txt"}


LICENSES = {
    "Artistic": 'The "Artistic License"',
    "Apache-2.0": "Apache License",
    "MPL-2.0": "Mozilla Public License Version 2.0",
    "GPL-3": "GNU General Public License",
}
LICENSE_IDENTITIES = _identities(*({"source": s, "title": t} for s, t in LICENSES.items()))


def test_a_title_in_quotes_is_written_without_them_and_common_words_name_no_more() -> None:
    """'The "Artistic License"' is named by "the Artistic License"; the text's own term
    "Standard Version" does not also name the license whose title has "Version"."""
    question = "What does the Artistic License say about the Standard Version?"
    assert set(scope(question, LICENSE_IDENTITIES, MAX_ZIPF, LICENSES)) == {"Artistic"}


def test_a_version_beside_a_title_names_no_other_document_when_the_titled_one_carries_it() -> None:
    """'the Apache License, Version 2.0': the file name Apache-2.0 carries the 2.0, which
    then names no other document with 2.0 in its identity (the MPL 2.0)."""
    question = "Which court has jurisdiction under the Apache License, Version 2.0?"
    assert set(scope(question, LICENSE_IDENTITIES, MAX_ZIPF, LICENSES)) == {"Apache-2.0"}


def test_a_name_no_identity_carries_is_a_subject_in_the_documents() -> None:
    """ "Summarise the Debian Social Contract" asks for what the handbook's pages say on the
    Social Contract, not for their openings; "Summarise the Debian Administrator's
    Handbook" names the documents themselves."""
    carried = {"debian", "handbook", "administr", "apt", "2022"}
    assert names_a_subject("Summarise the Debian Social Contract.", carried)
    assert not names_a_subject("Summarise the Debian Administrator's Handbook.", carried)
    assert not names_a_subject("Summarise the 2022 handbook.", carried)


def test_each_part_of_a_compound_question_names_its_own_documents() -> None:
    """Read whole, the question names only Smith's 2014 letter (2014 and Smith, 2014 the
    rarer year), though its first part asks about 2013's. A part naming none adds none."""
    first = "In 2013, what figure did Smith propose"
    second = "what did the 2014 letter add?"
    whole = scope(f"{first}, and {second}", LETTERS, MAX_ZIPF)
    assert set(whole) == {"2014-Smith-1.txt"}
    both = named_by_parts([first, second], LETTERS, MAX_ZIPF)
    assert both == {"2013-Smith-1.txt", "2014-Smith-1.txt"}
    alone = named_by_parts([first, "what is its short form?"], LETTERS, MAX_ZIPF)
    assert alone == {"2013-Smith-1.txt"}


def test_a_named_documents_best_passage_takes_the_lowest_others_place() -> None:
    """Releases that say "bug" and "fix" more often outrank the one the question names; its
    best passage takes the last place, the order is kept, and without a named document or a
    reserved place nothing moves."""
    from assistant.retrieve.hybrid import HybridRetriever

    found = {
        key: ("c", "text", {"source": source})
        for key, source in [("a", "3.7"), ("b", "3.6"), ("c", "3.4"), ("d", "3.8"), ("e", "3.8")]
    }
    ranked = ["a", "b", "c", "d", "e"]
    assert HybridRetriever._with_named(ranked, {"3.8"}, found, 3, 1) == ["a", "b", "d"]
    assert HybridRetriever._with_named(ranked, {"3.8"}, found, 3, 2) == ["a", "d", "e"]
    assert HybridRetriever._with_named(ranked, {"3.8"}, found, 3, 0) == ["a", "b", "c"]
    assert HybridRetriever._with_named(ranked, set(), found, 3, 1) == ["a", "b", "c"]
    assert HybridRetriever._with_named(["d", "a", "b"], {"3.8"}, found, 3, 1) == ["d", "a", "b"]
