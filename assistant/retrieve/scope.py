"""Scoped questions: a year, date, name, version or title in the question that matches some
documents' identity (metadata or file name) points retrieval at those documents.

"In the 2013 document, what did Smith propose?" names no content: it says which document.
The documents whose identity carries the most (and most selective) of the question's
identity terms are the scope; the retriever searches them as well as the whole corpus and
lifts their passages, so a scope that is wrong costs rank, never the answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Mapping

from assistant.text.distinctive import distinctive_words
from assistant.text.identity import month_names
from assistant.text.names_figures import names, numbers, occurs, phrase_words
from assistant.text.normalise import normalise_for_matching, without_trailing_zeros
from assistant.text.question_kinds import DOCUMENT_NOUN
from assistant.text.terms import tokenize

# Set by the retriever on each passage when the question names documents by identity:
# whether this passage is from one of them.
NAMED_SCOPE_KEY = "named_scope"


# A word that a kind of document follows says which one: "the secrets module", "the budget
# report", "the kbd package". Common words too: the noun makes them a name.
_BEFORE_DOCUMENT_NOUN = re.compile(
    rf"\b(?:the|this|that)\s+([a-z][\w.-]*)\s+{DOCUMENT_NOUN}\b", re.IGNORECASE
)


def identity_terms(question: str, max_zipf: float) -> set[str]:
    """The question's terms that can say which document it means: figures (years,
    versions), months, the words of its names (a version glued to a name also without its
    ".0": "GPL-3.0" is `GPL-3`), its words rare in English and a word that a kind of
    document follows ("the secrets module")."""
    words = [*numbers(question), *month_names(question)]
    words += distinctive_words(question, max_zipf)
    words += _BEFORE_DOCUMENT_NOUN.findall(question)
    terms = {token for word in words for token in tokenize(word)}
    named = [word for phrase in names(question) for word in phrase_words(phrase)]
    return terms | {without_trailing_zeros(t) for word in named for t in tokenize(word)}


def uncarried(words: list[str], carried: Container[str]) -> list[str]:
    """The words some term of which is in no document's identity (the terms `carried`):
    "Social" and "Contract" of "Debian Social Contract" in pages titled "Debian Handbook"."""
    return [word for word in words if not all(term in carried for term in tokenize(word))]


def names_a_subject(question: str, carried: Container[str]) -> bool:
    """Whether the question names something that no document's identity carries:
    "Summarise the Debian Social Contract" asks what the documents say on the Social
    Contract, a part of the handbook, not for the handbook's pages as wholes."""
    return any(uncarried(phrase_words(phrase), carried) for phrase in names(question))


# A document whose identity carries this share of another written title's terms is within
# it: "debian" and "handbook" of "The Debian Administrator's Handbook" in a handbook page's.
_WITHIN_SHARE = 2 / 3
# A section number before a title ("5.4. Manipulating Packages", "A.14. And Many More").
_SECTION_NUMBER = re.compile(r"^\s*(?:[A-Z]\.)?\d+(?:\.\d+)*\.?\s+")


def written_titles(question: str, titles: Mapping[str, str]) -> dict[str, str]:
    """The documents whose whole title (of two words or more, without a section number)
    the question writes out, each with that title as normalised text."""
    asked = normalise_for_matching(question)
    written = {}
    for source, title in titles.items():
        name = _SECTION_NUMBER.sub("", title).strip().replace('"', "").replace("“", "")
        name = name.replace("”", "")  # 'The "Artistic License"' is written without quotes
        if len(name.split()) >= 2 and occurs(name, asked):
            written[source] = normalise_for_matching(name)
    return written


def titled(written: Mapping[str, str], identities: Mapping[str, frozenset[str]]) -> dict[str, str]:
    """Of the documents whose titles are written, those the question names. A title written
    only as part of a longer one names nothing ("What does the Logging HOWTO say ...?" names
    the Logging HOWTO, not a document titled "HOWTO"), and neither does the title of what a
    named document is part of ("the Python tutorial's 'Whetting Your Appetite' page"): the
    part's identity (its folders, its publisher) carries most of that title's terms."""
    terms = {name: set(tokenize(name)) for name in written.values()}

    def within(name: str) -> bool:
        return any(
            other != name
            and len(terms[name] & identities.get(part, frozenset()))
            >= _WITHIN_SHARE * len(terms[name])
            for part, other in written.items()
        )

    def inside(name: str) -> bool:
        return any(name != other and occurs(name, other) for other in written.values())

    return {s: name for s, name in written.items() if not within(name) and not inside(name)}


def narrowed(
    named: set[str],
    question: str,
    identities: Mapping[str, frozenset[str]],
    naming_zipf: float,
) -> set[str]:
    """Of the documents a question names, those whose identity also carries the most of its
    naming words (rarer in English than `naming_zipf`): "sed 4.9" names every release 4.9,
    but means sed's, not nano's. Such a word does not name documents by itself ("sorting"
    would pick the Sorting HOWTO for any question on sorting), so it only says which of the
    named documents an answer quotes; all of them are searched and lifted."""
    if len(named) < 2:
        return named
    return carrying(named, question, identities, naming_zipf) or named


def carrying(
    named: set[str],
    question: str,
    identities: Mapping[str, frozenset[str]],
    naming_zipf: float,
) -> set[str]:
    """Those of the named documents whose identity carries the most of the question's
    naming words; none when some document carries such a word and none of these does
    ("GNU sed's 2019 release" is none of nano's 2019 releases). All of them when no
    document carries any."""
    words = distinctive_words(question, naming_zipf)
    weight = _selectivity({token for word in words for token in tokenize(word)}, identities)
    if not weight:
        return named
    carried = {s: sum(w for t, w in weight.items() if t in identities.get(s, ())) for s in named}
    return set(_best(carried))


def _selectivity(terms: set[str], identities: Mapping[str, frozenset[str]]) -> dict[str, float]:
    """Each term's inverse document frequency among the identities, for the terms some but
    not all documents carry (a term every document carries selects none)."""
    total = len(identities)
    holders = {t: sum(t in tokens for tokens in identities.values()) for t in terms}
    return {t: math.log(total / n) for t, n in holders.items() if 0 < n < total}


def _best(scores: Mapping[str, float]) -> dict[str, float]:
    """The best-scoring documents, none when none scores."""
    best = max(scores.values(), default=0.0)
    return {s: score for s, score in scores.items() if best > 0 and score >= best - 1e-9}


def scope(
    question: str,
    identities: Mapping[str, frozenset[str]],
    max_zipf: float,
    titles: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """The documents the question names, each with the weight of its identity terms the
    question uses (the inverse document frequency among identities: a term every document
    carries selects none); only the best-matching documents, none when nothing matches.

    A title the question writes out names its documents (of several under one title, such as
    release notes all titled "Bug fixes", those its identity terms choose); the identity
    terms outside the titles written may name more ("How do the FHS and the Debian FAQ
    differ?": the FAQ by its title, the FHS by its file name)."""
    if len(identities) < 2:
        return {}
    terms = identity_terms(question, max_zipf)
    weight = _selectivity(terms, identities)

    def scores(among: Mapping[str, frozenset[str]], used: set[str]) -> dict[str, float]:
        return {
            source: sum(w for t, w in weight.items() if t in tokens and t not in used)
            for source, tokens in among.items()
        }

    written = written_titles(question, titles or {})
    named: dict[str, float] = {}
    titled_here = titled(written, identities)
    for name in set(titled_here.values()):
        under = {s: identities.get(s, frozenset()) for s, n in titled_here.items() if n == name}
        chosen = _best(scores(under, set())) or dict.fromkeys(under, 0.0)
        named |= {s: 1.0 + w for s, w in chosen.items()}
    if not written:
        return _best(scores(identities, set()))
    # Beside a title, only a figure or a word rare in English names more documents: "the
    # Artistic License's Standard Version" names no document titled "... Version 2.0".
    used = {t for name in written.values() for t in tokenize(name)}
    used |= {t for source in titled_here for t in identities.get(source, frozenset())}
    used |= terms - {
        t for w in [*numbers(question), *distinctive_words(question, max_zipf)] for t in tokenize(w)
    }
    return named | {s: w for s, w in _best(scores(identities, used)).items() if s not in named}


def named_by_parts(
    parts: list[str],
    identities: Mapping[str, frozenset[str]],
    max_zipf: float,
    titles: Mapping[str, str] | None = None,
) -> set[str]:
    """The documents the parts of a question name, each part its own ("How many provinces
    ... according to TBI, and what happened in the 2026 work reports?": TBI's article and
    the 2026 note), so a document one part names does not crowd out what another part asks
    about; a part that names none asks about those the others name ("..., and what is its
    short form?"). None when they name every document."""
    named = {source for part in parts for source in scope(part, identities, max_zipf, titles)}
    return named if len(named) < len(identities) else set()
