"""Which documents a question names by their identity."""

from __future__ import annotations

from assistant.retrieve.scope import scope
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


def test_a_question_naming_no_document_has_no_scope() -> None:
    assert scope("What figure was proposed for the minimum wage?", LETTERS, MAX_ZIPF) == {}
    assert scope("What did Brown say in 1999?", LETTERS, MAX_ZIPF) == {}
