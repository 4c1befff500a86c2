"""Whether the chosen sentences can answer at all: names, figures and metrics the question
asks about that the support never mentions, and support too weak in meaning."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.answer.extractive.scoring import (
    Candidate,
    SentenceScorer,
    asked_kind_of_name,
    brings,
    byline_terms,
    of_named_documents,
    wanted_figure,
)
from assistant.retrieve.scope import uncarried
from assistant.store.bm25 import LexicalIndex
from assistant.text.distinctive import distinctive_words, english_zipf
from assistant.text.document_heading import heading, with_heading
from assistant.text.follow_ups import asked_now
from assistant.text.names_figures import (
    COMMAND_OPTION,
    YEAR,
    names,
    numbers,
    occurs,
    occurs_abbreviated,
    phrase_words,
    qualifies_document,
    spelled_figures,
    spells_initials,
    states_a_time,
    without_attribution,
)
from assistant.text.normalise import normalise_for_matching, without_trailing_zeros
from assistant.text.question_kinds import (
    asks_when,
    release_verb,
    said_about,
    said_about_clause,
    topic_terms,
)
from assistant.text.terms import other_form_occurs, tokenize

# The figure a question asks about: the word before "rate", "target", "ratio" or "index"
# ("unemployment rate"); the word before that qualifies it ("lowest growth target").
_METRIC = re.compile(r"([\w-]+\s+)(?:rate|target|ratio|index)\b", re.IGNORECASE)

# "the GPL version 4", "Click v8.1": a version of a named document, not a figure of its
# text (not "a package at version 1.5", which the text may give in its own words).
_ASKED_VERSION = re.compile(r"\b[A-Z][\w.-]*\s+((?:[Vv]ersion|v)\s*(\d+(?:\.\d+)*))\b")

# "How many days ...": a count in a unit that a figure answering it is written with.
_COUNTED_UNIT = re.compile(
    r"\bhow\s+many\s+(second|minute|hour|day|week|month|year|byte|kilobyte|megabyte|"
    r"gigabyte|character|line)s?\b",
    re.IGNORECASE,
)
_SPELLED = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|ninety|hundred|thousand|a|an"
)

Selector = Callable[[str, list[Document]], list[Candidate]]


@dataclass(frozen=True)
class Unsupported:
    """What the question asks about that the support never mentions, by kind."""

    names: list[str] = field(default_factory=list)  # and words rare in English
    numbers: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)  # "unemployment" of "unemployment rate"

    @property
    def terms(self) -> list[str]:
        return [*self.names, *self.numbers, *self.metrics]


def unsupported(
    scorer: SentenceScorer, question: str, passages: list[Document], support: list[Document]
) -> Unsupported:
    """Names, figures and metrics the question asks about that the support never mentions.

    Names, command-line options and words rare in English ("chrony"), must occur in the
    documents the answer quotes, their identity included (title, author, date, file name);
    numbers in the quoted passages or their document's identity (which say which year a
    report is about); the words naming the asked-for metric ("unemployment" in
    "unemployment rate") in some retrieved passage.
    """
    # What an earlier question of a joined follow-up named ("on Linux or macOS") is context:
    # the answer to "what if my shell is fish?" need not name it again.
    asked = without_attribution(asked_now(question))
    sources = {passage.metadata["source"] for passage in support}
    documents = " ".join(scorer.lexical.source_text(source) for source in sources)
    headings = " ".join(heading(passage.metadata) for passage in support)
    bylines = frozenset().union(*(byline_terms(passage.metadata) for passage in support))
    missing = _missing_names(scorer, asked, documents, headings, sources, bylines)
    named = {word.lower() for phrase in names(asked) for word in phrase.split()}
    rare = distinctive_words(asked, scorer.weights.distinctive_max_zipf)
    missing += [
        word
        for word in rare
        if word.lower() not in named
        and not scorer.lexical.mentions(word, documents)
        and not other_form_occurs(word, documents)
    ]
    # A document that never writes an option asked about does not answer for it, however
    # close in meaning ("--unix-byte-offsets (-u)").
    missing += [
        option
        for option in COMMAND_OPTION.findall(asked)
        if not scorer.lexical.mentions(option, documents)
    ]
    context = " ".join(with_heading(p.page_content, p.metadata) for p in support)
    searched = normalise_for_matching(context)
    identity = documents_identity(scorer.lexical, sources)
    # A year or version of the quoted documents' identity is theirs ("In the Python 3.11
    # tutorial", of pages on the Python 3.11.2 documentation site); not a day of their date.
    figures = [
        n
        for n in numbers(asked)
        if not occurs(n, searched) and not ((YEAR.match(n) or "." in n) and n in identity)
    ]
    # A version the question names ("the GPL version 4") is the quoted documents' own, in
    # their identity or written as a version, not any "4" in their text ("section 4").
    for match in _ASKED_VERSION.finditer(asked):
        phrase, version = match[1], match[2]
        written = rf"\b(?:version|v)\s*{re.escape(version)}(?![\d.]\d)"
        if version in figures or not (
            set(tokenize(version)) <= identity or re.search(written, context, re.I)
        ):  # said as the question says it: "they never mention version 4"
            figures = [f for f in figures if f != version] + [phrase]
    metrics = []
    retrieved: set[str] = set()
    for match in _METRIC.finditer(question):  # the passages tokenized only when one is asked
        retrieved = retrieved or set(tokenize(" ".join(p.page_content for p in passages)))
        words = match.group(1).split()
        metrics += [w for w in words if any(t not in retrieved for t in tokenize(w))]
    return Unsupported(missing, figures, metrics)


def documents_identity(lexical: LexicalIndex, sources: Iterable[str]) -> frozenset[str]:
    """The identity terms (title, author, date, file name) of these documents together."""
    identities = lexical.identities()
    return frozenset().union(*(identities.get(source, frozenset()) for source in sources))


def identity_carries(identity: frozenset[str], word: str) -> bool:
    """Whether a name's word is in the documents' identity, a version with or without its
    ".0" ("MPL-2.0" in `Mozilla Public License Version 2.0` of `MPL-2.0`; "GPL-3.0" in
    `GPL-3`), though their text never writes the two together."""
    tokens = tokenize(word)
    return bool(tokens) and all(
        token in identity or without_trailing_zeros(token) in identity for token in tokens
    )


def surname_carried(name: str, terms: Container[str]) -> bool:
    """Whether a person named in full ("Franklin D. Roosevelt", not "Bank of England") has
    the surname these identity terms give (`1934-Roosevelt-1.txt`), so the name is theirs
    though no text writes it whole."""
    words = phrase_words(name)
    surname = set(tokenize(words[-1])) if len(words) > 1 and " of " not in name else set()
    return bool(surname) and all(token in terms for token in surname)


def naming_words(lexical: LexicalIndex, sources: Iterable[str], max_zipf: float) -> set[str]:
    """The identity words that single out these documents ("sed" for sed's release notes):
    theirs, carried by fewer than half of the collection's documents, and rare in English."""
    identities = lexical.identities()
    carried = lexical.identity_carriers()
    return {
        term
        for source in sources
        for term in identities.get(source, ())
        if carried[term] < len(identities) / 2 and english_zipf(term) < max_zipf
    }


def asked_names(
    lexical: LexicalIndex, asked: str, sources: Iterable[str], max_zipf: float
) -> list[str]:
    """The names a question asks about in these documents: not those that only qualify how
    it names one of them ("GNU" of "GNU sed 4.9")."""
    words = naming_words(lexical, sources, max_zipf)
    return [phrase for phrase in names(asked) if not qualifies_document(phrase, asked, words)]


def _missing_names(
    scorer: SentenceScorer,
    asked: str,
    documents: str,
    headings: str,
    sources: set[str],
    bylines: frozenset[str],
) -> list[str]:
    """The question's names that the documents lack, each as the question writes it
    ("United States", not "United" and "States"); a name lacks when any of its words does.
    In a name of several words, a word may be the short form of the documents' word; an
    acronym may spell the initials of their headings' words ("TBI" for "Tony Blair
    Institute"). A person named in full is the author their byline gives by surname:
    "Franklin D. Roosevelt" wrote `1934-Roosevelt-1.txt`, whose text never names him."""
    missing = []
    max_zipf = scorer.weights.naming_word_max_zipf
    identity = documents_identity(scorer.lexical, sources)
    for phrase in asked_names(scorer.lexical, asked, sources, max_zipf):
        words = phrase_words(phrase)
        if surname_carried(phrase, bylines):
            continue
        if any(
            not scorer.lexical.mentions(word, documents)
            and not (len(words) > 1 and occurs_abbreviated(word, documents))
            and not spells_initials(word, headings)
            and not identity_carries(identity, word)
            for word in words
        ):
            missing.append(phrase)
    return list(dict.fromkeys(missing))


def select_supported(
    scorer: SentenceScorer,
    select: Selector,
    question: str,
    passages: list[Document],
    chosen: list[Candidate],
    missing: Unsupported,
) -> tuple[list[Candidate], Unsupported]:
    """When the best sentences lack a name or figure the question asks about ("2024"),
    answer from the passages that have it, if their best sentence is nearly as good."""
    supported = [p for p in passages if not unsupported(scorer, question, passages, [p]).terms]
    alternative = select(question, supported) if supported else []
    ratio = scorer.weights.supported_score_ratio
    if alternative and alternative[0].score >= ratio * chosen[0].score:
        return alternative, Unsupported()
    return chosen, missing


def states_asked_figure(
    question: str, chosen: list[Candidate], identity: frozenset[str] = frozenset()
) -> bool:
    """A question asking how much, how many or what rate is answered only by a quote that
    states a figure the question does not already give; asked in a unit ("how many days"),
    a figure in that unit ("within 30 days", "three years"), not "Sections 1 through 9". (A
    question that gives a figure itself, other than a year or a version in the quoted
    documents' `identity` ("the Apache License 2.0"), asks about something else: "which
    city forecast 6.5%?")"""
    wants = wanted_figure(question)
    asked = set(numbers(question))
    given = [n for n in asked if not YEAR.match(n) and not set(tokenize(n)) <= identity]
    if wants != "quantity" or given:
        return True
    unit = _COUNTED_UNIT.search(question)
    if unit:
        in_unit = re.compile(rf"\b(?:\d[\d,.]*|{_SPELLED})\W+(?:\w+\W+){{0,2}}{unit[1]}", re.I)
        return any(in_unit.search(c.quote) for c in chosen)
    return any(brings(numbers(c.quote), asked, wants) or spelled_figures(c.quote) for c in chosen)


def unstated_answer(lexical: LexicalIndex, question: str, chosen: list[Candidate]) -> str | None:
    """What the question asks for that the quotes leave unsaid, as the refusal puts it
    ("state the figure", "name the court"); None when they say it or nothing checkable is
    asked."""
    if not chosen:
        return None
    kind = asked_kind_of_name(question)
    if kind:
        if kind == "person":
            named = any(_brings_maker(c, question) for c in chosen)
        else:
            named = any(_brings_name(lexical, c, question) for c in chosen)
        return None if named else f"name the {kind}"
    if asks_when(question):
        # "When was the MPL 2.0 published?" is not answered by a sentence on who may publish
        # it: the answer says when, in the quote or in the date its document's label gives
        # ("In what year did Truman recommend ...?", from `1949-Truman-2.txt`).
        dated = any(c.passage.metadata.get("published") for c in chosen)
        return None if dated or any(states_a_time(c.quote) for c in chosen) else "state the date"
    identity = documents_identity(lexical, {c.passage.metadata["source"] for c in chosen})
    return None if states_asked_figure(question, chosen, identity) else "state the figure"


def _brings_name(lexical: LexicalIndex, quoted: Candidate, question: str) -> bool:
    """Whether a quote names something other than the question and the quote's document
    ("the License" of a licence titled so): an acronym, or a word the document uses as a
    proper name ("Zhejiang", not a licence's defined "Program"). A name opens with a
    capital: "getLogger" is code, not who maintains the logging package."""
    asked = {word.lower() for phrase in names(question) for word in phrase.split()}
    source = quoted.passage.metadata["source"]
    own = documents_identity(lexical, {source})
    return any(
        word[:1].isupper() and (word.isupper() or lexical.proper_name(word, source))
        for phrase in names(quoted.quote)
        for word in phrase.split()
        if word.lower() not in asked and not set(tokenize(word)) <= own
    )


# A word of a person's or a body's name as written: "Vinay", "Meyering", "J." or "D.".
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z][\w’'-]*|[A-Z]\.)$")


def _brings_maker(quoted: Candidate, question: str) -> bool:
    """Whether a quote names who wrote, maintains or publishes something: a name of two
    words or more written as a person's or a body's ("Vinay Sajip", "Jim Meyering",
    "Debian QA Group"), not a product's or a system's ("GNU", "Solaris", "XPG4"). The
    document's own author or publisher is such a name ("Author: Andrew Dalke and Raymond
    Hettinger")."""
    asked = {word.lower() for phrase in names(question) for word in phrase.split()}
    return any(
        sum(bool(_NAME_WORD.match(word)) and word.lower() not in asked for word in phrase.split())
        >= 2
        for phrase in names(quoted.quote)
    )


def topic_phrases(question: str, topic: set[str]) -> list[frozenset[str]]:
    """The terms of each run of two or more adjacent topic words in the question: "global
    interpreter lock" in "What do the docs say about the global interpreter lock?"; none in
    "talent and hukou", whose words stand apart."""
    runs: list[list[str]] = [[]]
    for word in re.findall(r"[\w'’-]+", question):
        terms = tokenize(word)
        if terms and set(terms) <= topic:
            runs[-1] += terms
        elif runs[-1]:
            runs.append([])
    return [frozenset(run) for run in runs if len(set(run)) >= 2]


def _subject_words(words: list[str], identity_terms: Container[str]) -> list[str]:
    """The words of a subject's name that a sentence on it says: those no document's identity
    carries ("Social" and "Contract" of "the Debian Social Contract" in pages titled "Debian
    Handbook: ...", where every page is "Debian"); all of them when each is some document's
    ("the Debian Administrator's Handbook section on ...")."""
    return uncarried(words, identity_terms) or words


def on_subject(
    lexical: LexicalIndex, question: str, candidates: list[Candidate], max_zipf: float
) -> list[Candidate]:
    """The candidates that name what the question asks about ("What did the 2026 note say
    about Guangdong?": the sentences naming Guangdong), when some do; all of them when the
    question names no subject beyond the documents it names. What a named speaker is asked
    to have said about a subject is that subject, the speaker's sentences on it first ("What
    did Li Qiang say about artificial intelligence?"); none when no sentence is on it: his
    sentences on other things do not answer."""
    asked = without_attribution(asked_now(question))
    sources = {c.passage.metadata["source"] for c in candidates}
    carried = _carried(lexical, asked, candidates)
    speaking = _speakers(lexical, asked, sources, carried, max_zipf)
    clause = said_about_clause(asked)
    if speaking and clause is not None:
        on_topic = _focused(lexical, clause, candidates, sources, carried, max_zipf)
        return [c for c in on_topic if _names_any(c, speaking, c.quote)] or on_topic
    return _focused(lexical, asked, candidates, sources, carried, max_zipf) or candidates


def unattributed(
    lexical: LexicalIndex, question: str, quoted: list[Candidate], max_zipf: float
) -> str | None:
    """The speaker the question asks what they said, when no quoted passage names them:
    "What did Li Qiang say about artificial intelligence?" answered from a paragraph on
    Xi's policy says so. None when the question names no speaker or a passage names one."""
    asked = without_attribution(asked_now(question))
    sources = {c.passage.metadata["source"] for c in quoted}
    carried = _carried(lexical, asked, quoted)
    speaking = _speakers(lexical, asked, sources, carried, max_zipf)
    if not speaking or any(_names_any(c, speaking, c.passage.page_content) for c in quoted):
        return None
    return " ".join(speaking[0])


def _carried(lexical: LexicalIndex, asked: str, candidates: list[Candidate]) -> set[str]:
    """The terms that name the documents asked about, so no subject in them: the words of
    the named documents' identity, not of every document quoted ("consumption" in another
    article's title is still what "What did the January 2026 note say about consumption?"
    asks about). What the question asks them to have said something about stays the
    subject, even where their title carries it ("innovation" in "What does the Global Times
    article say about innovation?", of an article titled "... consumption and innovation")."""
    named = {c.passage.metadata["source"] for c in of_named_documents(candidates)}
    return documents_identity(lexical, named) - said_about(asked)


def _speakers(
    lexical: LexicalIndex, asked: str, sources: set[str], carried: set[str], max_zipf: float
) -> list[list[str]]:
    """The words of each name the question asks what they said about a subject of its own
    ("Li Qiang" in "What did Li Qiang say about artificial intelligence?"); none when it
    asks no such thing or the subject is only the names ("say about Guangdong")."""
    clause = said_about_clause(asked)
    if clause is None or not set(topic_terms(clause)) - carried:
        return []
    said = set(tokenize(clause))
    return [
        words
        for words in _subjects(lexical, asked, sources, carried, max_zipf)
        if not set(tokenize(" ".join(words))) <= said
    ]


def _subjects(
    lexical: LexicalIndex, asked: str, sources: set[str], carried: set[str], max_zipf: float
) -> list[list[str]]:
    """The words of each name the question asks about that the named documents' identity
    does not carry."""
    return [
        _subject_words(words, lexical.identity_carriers())
        for phrase in asked_names(lexical, asked, sources, max_zipf)
        if (words := phrase_words(phrase))
        and not all(set(tokenize(word)) <= carried for word in words)
    ]


def _names_any(candidate: Candidate, subjects: list[list[str]], text: str) -> bool:
    """Whether the text (the sentence or its passage, with its section's heading) names one
    of the subjects."""
    said = normalise_for_matching(with_heading(text, candidate.passage.metadata))
    return any(occurs(word, said) for words in subjects for word in words)


def _focused(
    lexical: LexicalIndex,
    asked: str,
    candidates: list[Candidate],
    sources: set[str],
    carried: set[str],
    max_zipf: float,
) -> list[Candidate]:
    """The candidates on the subject `asked` names; none when no sentence is on it or it
    names none."""
    subjects = _subjects(lexical, asked, sources, carried, max_zipf)
    if subjects:
        return [c for c in candidates if _names_any(c, subjects, c.quote)]
    # No name: the question's own words on its subject ("talent and hukou"), those that do
    # not say which document is meant; a subject of several words ("the global interpreter
    # lock") is all of them, when some sentences (or their sections, or an acronym they
    # define) say them all: "the global namespace" is not on it.
    topic = set(topic_terms(asked)) - carried
    focused = [c for c in candidates if topic & set(tokenize(c.quote))]
    # "What did Click 8.1.0 remove?": of all the named release changed, what it says it
    # removed (in the sentence or its section: "Bug fixes"), when it says so at all.
    verb = set(tokenize(release_verb(asked) or ""))
    if verb:
        focused = [
            c
            for c in of_named_documents(focused or candidates)
            if verb & (set(tokenize(c.quote)) | set(tokenize(heading(c.passage.metadata))))
        ] or focused
    phrases = topic_phrases(asked, topic)

    def said(c: Candidate) -> set[str]:
        return c.terms | set(tokenize(c.quote)) | set(tokenize(heading(c.passage.metadata)))

    whole = [c for c in focused if any(phrase <= said(c) for phrase in phrases)]
    if whole or not phrases:
        return whole or focused
    # No sentence says all of it: those saying its rarest word ("hukou" of "hukou reform"),
    # not those saying only its commonest ("reform", of the Third Plenum's).
    rarest = {max(phrase, key=lexical.idf) for phrase in phrases}
    return [c for c in focused if rarest & said(c)] or focused
