"""The default answerer: quotes the passage sentences that answer the question, each cited.

No LLM: every statement of the answer is a verbatim quote of a retrieved passage, so the
answer is deterministic and each claim is exactly what its citation says.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Sequence
from typing import NamedTuple

from langchain_core.documents import Document

from assistant.answer.base import AnswerPiece
from assistant.answer.citations import (
    Statement,
    abstention,
    citation,
    compose,
    document_label,
    partial_answer,
    prefaced,
)
from assistant.answer.extractive.analyst import AnalystAnswers, numeric_condition, prose
from assistant.answer.extractive.answerability import (
    answerability_features,
    answers,
    load_answerability_model,
)
from assistant.answer.extractive.clauses import answering_clauses
from assistant.answer.extractive.scoring import Candidate, SentenceScorer, asks_for_document
from assistant.answer.extractive.selection import conflicting, select, states_identity
from assistant.answer.extractive.sentence_model import SentenceModel
from assistant.answer.extractive.support import (
    Unsupported,
    asked_names,
    documents_identity,
    identity_carries,
    on_subject,
    select_supported,
    surname_carried,
    unattributed,
    unstated_answer,
    unsupported,
)
from assistant.config import AnswererWeights
from assistant.retrieve.scope import NAMED_SCOPE_KEY, carrying
from assistant.schema import AskResult, Quote
from assistant.store.bm25 import LexicalIndex
from assistant.text.document_heading import heading, with_heading
from assistant.text.follow_ups import asked_now
from assistant.text.names_figures import (
    YEAR,
    names,
    numbers,
    occurs,
    only_as_place,
    phrase_words,
    spells_initials,
    without_attribution,
)
from assistant.text.normalise import normalise_for_matching, without_trailing_zeros
from assistant.text.question_kinds import (
    QuestionShape,
    asks_when,
    compared_on,
    question_kind,
    topic_terms,
)
from assistant.text.terms import tokenize


def by_document(chosen: list[Candidate], lead: Candidate | None = None) -> list[list[Candidate]]:
    """The chosen sentences grouped by document, the best sentence's document first, each
    group in the order the document states them; `lead`, if given, opens its group."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        groups.setdefault(candidate.passage.metadata["source"], []).append(candidate)
    return [sorted(group, key=lambda c: (c is not lead, c.start)) for group in groups.values()]


class Unstated(NamedTuple):
    """What the question asks about that the quotes do not state."""

    term: str
    absent: bool  # in none of the quoted documents: a near miss, not a narrower answer


def _compares_on_a_subject(sides: Sequence[str], compared: str) -> bool:
    """Whether a comparison asks about something beyond its sides ("how the GPL 2 and the
    GPL 3 differ on patents"), not of them as wholes ("Compare grep 2.27 and grep 2.28.")."""
    own = {term for side in sides for term in tokenize(side)}
    return any(term not in own for term in topic_terms(compared))


def _said_in_named_documents(subject: set[str], candidates: list[Candidate]) -> bool:
    """Whether a sentence of a document the question names says every term of the subject
    asked about: an overview then has something to gather, however far the question's
    wording is from the passages ("What did Raymond Hettinger write about key functions?",
    whose words are mostly his name)."""
    return any(
        subject <= (c.terms | set(tokenize(c.quote)))
        for c in candidates
        if c.passage.metadata.get(NAMED_SCOPE_KEY) is True
    )


def _named_sources(passages: list[Document]) -> set[str]:
    """The documents the question names, as retrieval flagged their passages."""
    return {p.metadata["source"] for p in passages if p.metadata.get(NAMED_SCOPE_KEY) is True}


def mismatch(
    question: str, chosen: list[Candidate], lexical: LexicalIndex, naming_max_zipf: float
) -> Unstated | None:
    """What the question asks about that no quote states, when the quotes answer for
    something else: a year that neither they nor their documents' identity give (2024's
    figure for a 2025 question), a name their documents never mention (absent), or a name
    the quotes give only as the place of another (a city's target for a province's). Whom
    the question attributes it to ("according to TBI") is its source, not its subject. None
    when the quotes speak to what was asked."""
    asked = without_attribution(asked_now(question))
    said = normalise_for_matching(
        " ".join(with_heading(c.quote, c.passage.metadata) for c in chosen)
    )
    years = [n for n in numbers(asked) if YEAR.match(n)]
    stated = [n for n in numbers(said) if YEAR.match(n)]
    if years and stated and not any(occurs(year, said) for year in years):
        return Unstated(" or ".join(years), absent=False)
    sources = {c.passage.metadata["source"] for c in chosen}
    documents = " ".join(lexical.source_text(source) for source in sources)
    quoted = " ".join(c.quote for c in chosen)
    headings = " ".join(heading(c.passage.metadata) for c in chosen)
    identity = documents_identity(lexical, sources)
    version = _unquoted_version(asked, said, identity)
    if version:  # "Summarise the Click 6.5 release", answered from 6.0, 6.6 and 7.0
        return Unstated(version, absent=True)
    for phrase in asked_names(lexical, asked, sources, naming_max_zipf):
        words = phrase_words(phrase)
        if not words:
            continue
        if not any(
            occurs(word, said)
            or lexical.mentions(word, documents)
            or spells_initials(word, headings)
            or identity_carries(identity, word)
            for word in words
        ):
            return Unstated(phrase, absent=True)
        if all(only_as_place(word, asked, quoted) for word in words):
            return Unstated(phrase, absent=False)
    return None


# A version the question writes (a number with a dot), with the name before it if any.
_VERSION = re.compile(
    r"(?:\b([A-Za-z][\w+]*(?:-[A-Za-z][\w+]*)*)(?:\s+v?|-v?|v))?(?<![\d.])(\d+(?:\.\d+)+)"
    r"(?![\d.]*\d)"
)


def _unquoted_version(asked: str, said: str, identity: frozenset[str]) -> str | None:
    """A version the question asks about ("Click 6.5") that neither the quotes nor their
    documents' identity carry; a list's threshold ("above 6.5 percent") is no version."""
    condition = numeric_condition(asked)
    for match in _VERSION.finditer(asked):
        name, version = match[1], match[2]
        if YEAR.match(version) or (condition and float(version) == condition[1]):
            continue
        carried = set(tokenize(version)) <= identity
        carried = carried or set(tokenize(without_trailing_zeros(version))) <= identity
        if not carried and not occurs(version, said):
            return match[0] if name else version  # as the question writes it: "MPL-3.0"
    return None


# "Who ...?", and "Which president / official / author ...?", which ask for a person too.
_WHO = re.compile(
    r"^\W*(?:who|whose|(?:which|what)\s+(?:[\w-]+\s+)?(?:president|author|writer|speaker|"
    r"official|minister|premier|leader|senator|governor|secretary|chair(?:man|woman)?|"
    r"expert|person|delegate)s?)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e|[Mm]y|[Oo]ur)\b")


def _asks_who_of_the_speaker(question: str, chosen: list[Candidate]) -> bool:
    """Whether "Who ...?" or "Which president ...?" is answered by a sentence in the first
    person ("I propose a highway programme ..."): the speaker is the document's author,
    whom its label (from metadata or the file name) names, so the answer shows the label."""
    return _WHO.match(question) is not None and any(_FIRST_PERSON.search(c.quote) for c in chosen)


def unknown_phrases(question: str, unknown: list[str]) -> list[str]:
    """The question's words whose terms the collection lacks, adjacent ones as the phrase
    the question writes ("nuclear submarines", not "nuclear and submarines")."""
    lacking = set(unknown)
    phrases: list[str] = []
    adjacent = False
    for word in re.findall(r"[\w-]+|\S", question):
        if set(tokenize(word)) & lacking:
            if adjacent:
                phrases[-1] += f" {word}"
            else:
                phrases.append(word)
            adjacent = True
        else:
            adjacent = False
    return phrases


def subject_lead(question: str, chosen: list[Candidate]) -> Candidate | None:
    """The sentence that names what the question asks about, when the best one names less
    of it: "And Sanya?" after a question on Ningbo is answered with the Sanya sentence
    first, even when a sentence on Ningbo scored higher."""
    words = [w for phrase in names(asked_now(question)) for w in phrase_words(phrase)]
    if not words or not chosen:
        return None

    def named(candidate: Candidate) -> int:
        quote = normalise_for_matching(candidate.quote)
        return sum(occurs(word, quote) for word in words)

    best = max(chosen, key=named)
    opening = by_document(chosen)[0][0]
    return best if named(best) > named(opening) else None


def cited_answer(
    chosen: list[Candidate],
    lead: Candidate | None = None,
    labelled: bool = False,
    shared_dates: Container[str] = (),
    when: bool = False,
) -> AskResult:
    """The chosen sentences as claims grouped by document, one citation per passage; the
    `lead` sentence's document and the sentence itself first. `labelled`: one document's
    sentences under its label too, when which document says it is the answer. `when`: the
    question asks when, and one document's date labels its sentences as it does a figure's.
    A date most of the collection shares (`shared_dates`) does not label a figure: it dates
    nothing."""
    if not chosen:
        return AskResult(answer="", abstained=True)
    if lead is not None:
        chosen = [lead, *(c for c in chosen if c is not lead)]
    groups = by_document(chosen, lead)
    cited_as: dict[str, int] = {}  # one citation per passage
    quoted: dict[int, list[Candidate]] = {}
    statements: list[tuple[str, list[Statement]]] = []
    for group in groups:
        lines = []
        for candidate in group:
            n = cited_as.setdefault(candidate.passage.metadata["chunk_id"], len(cited_as) + 1)
            quoted.setdefault(n, []).append(candidate)
            lines.append((candidate.shown, [n]))
        statements.append((document_label(group[0].passage), lines))
    citations = [
        citation(
            n,
            first.passage,
            first.context_start,
            first.end,
            first.quote,
            [Quote(start=c.context_start, end=c.end, text=c.quote) for c in rest],
        )
        for n, (first, *rest) in quoted.items()
    ]
    # A figure is read with its date: "a 7.2% increase from the previous year" says which
    # year only as "2024-03: ...". One document's title is on its source card; its date
    # alone is the label, which keeps the answer short.
    published = str(groups[0][0].passage.metadata.get("published") or "")
    figures = any(not YEAR.match(n) for c in chosen for n in numbers(c.quote))
    distinct = bool(published) and published not in shared_dates
    dated = len(statements) == 1 and distinct and (figures or when) and not labelled
    if dated:
        statements = [(published, statements[0][1])]
    answer, claims = compose(statements, label_alone=dated or labelled)
    return AskResult(answer=answer, citations=citations, claims=claims)


class Assessment(NamedTuple):
    chosen: list[Candidate]
    missing: Unsupported
    features: dict[str, float]
    unstated: str | None  # what is asked for and not said ("state the figure")


class ExtractiveAnswerer:
    """Scores sentences against the question and composes the best few into a cited answer."""

    def __init__(
        self,
        lexical: LexicalIndex,
        max_sentences: int = 3,
        weights: AnswererWeights | None = None,
        sentence_model: SentenceModel | None = None,
        answerability: SentenceModel | None = None,
    ) -> None:
        self.lexical = lexical
        self.max_sentences = max_sentences
        self.scorer = SentenceScorer(lexical, weights or AnswererWeights(), sentence_model)
        self.answerability = answerability or load_answerability_model()
        self.analyst = AnalystAnswers(self.scorer, self.scorer.weights)

    def select(self, question: str, passages: list[Document]) -> list[Candidate]:
        return select(self.scorer, question, passages, self.max_sentences)

    def assess(self, question: str, passages: list[Document]) -> Assessment:
        """The sentences that would answer, what the question asks that their documents
        lack, and the answerability model's inputs."""
        self.lexical.refresh()  # its IDF and document texts are needed even in dense-only mode
        chosen = self.select(question, passages)
        # A companion adds detail to an answer; it never decides whether there is one: a
        # name the question asks about must be in a document the leading quotes come from.
        leads = [c.passage for c in chosen if not c.companion]
        missing = unsupported(self.scorer, question, passages, leads)
        if chosen and missing.terms:
            chosen, missing = select_supported(
                self.scorer, self.select, question, passages, chosen, missing
            )
        unstated = unstated_answer(self.lexical, question, chosen)
        features = answerability_features(
            self.scorer, question, passages, chosen, missing, unstated
        )
        return Assessment(chosen, missing, features, unstated)

    def answer(self, question: str, passages: list[Document]) -> AskResult:
        shape = question_kind(question)
        if shape.kind != "fact":
            shaped = self._analyst_answer(shape, question, passages)
            if shaped is not None:
                return shaped
        chosen, missing, features, unstated = self.assess(question, passages)
        stated = bool(chosen) and states_identity(question, chosen[0])
        if not chosen or not (stated or answers(self.answerability, features)):
            if chosen and not missing.terms and unstated:
                note = f"The documents don't {unstated} asked for."
                return partial_answer(
                    note, cited_answer(chosen[:1], shared_dates=self.lexical.shared_dates())
                )
            return self.refusal(question, passages, missing.terms)
        lead = subject_lead(question, chosen)
        limit, weights = self.scorer.weights.max_quote_words, self.scorer.term_weights(question)
        cut = {id(c): answering_clauses(c, weights, limit) for c in chosen}
        result = cited_answer(
            [cut[id(c)] for c in chosen],
            cut[id(lead)] if lead is not None else None,
            asks_for_document(question) or _asks_who_of_the_speaker(question, chosen),
            self.lexical.shared_dates(),
            when=asks_when(question),
        )
        if conflicting(chosen, question):
            return prefaced("The documents give different figures:", result)
        return self._as_asked(question, passages, chosen, result)

    def _as_asked(
        self, question: str, passages: list[Document], quoted: list[Candidate], result: AskResult
    ) -> AskResult:
        """The answer as composed, unless the quotes speak of something other than what
        was asked: refused when what is asked about is in none of the quoted documents
        ("Shenzhen's target", answered with Ningbo's: a near miss), prefaced when they give
        it only for another place or year ("the 2023 article", answered from 2025's)."""
        naming = self.scorer.weights.naming_word_max_zipf
        unstated = mismatch(question, quoted, self.lexical, naming)
        if unstated is None:
            return result
        if unstated.absent:
            return self.refusal(question, passages, [unstated.term])
        return prefaced(f"The documents don't state this for {unstated.term}; they give:", result)

    def refusal(self, question: str, passages: list[Document], missing: list[str]) -> AskResult:
        """A refusal that says what the documents lack: the terms they never mention, those
        they mention but not where the question is answered. A missing term that names
        documents (a year, version or author of their identity: "rsync 3.1.3") is not
        missing from them: the refusal says instead that those documents do not say."""
        identities = self.lexical.identities()
        # Only documents that carry the question's naming words: "GNU sed's 2019 release"
        # is refused for 2019, not as if nano's 2019 releases (named by the year) were meant.
        meant = carrying(
            _named_sources(passages),
            question,
            identities,
            self.scorer.weights.naming_word_max_zipf,
        )
        naming: dict[str, list[str]] = {}  # a missing term -> the documents it names
        for passage in passages:
            if passage.metadata["source"] not in meant:
                continue
            identity = identities.get(passage.metadata["source"], frozenset())
            for term in missing:
                tokens = set(tokenize(term))
                if tokens and tokens <= identity:
                    naming.setdefault(term, []).append(document_label(passage))
        named = list(dict.fromkeys(label for labels in naming.values() for label in labels))
        missing = [term for term in missing if term not in naming]
        elsewhere = [
            term
            for term in missing
            if any(surname_carried(term, identity) for identity in identities.values())
            or self.lexical.mentioned_anywhere(term)
        ]
        return abstention(question, passages, missing, elsewhere, named[:3])

    def _analyst_answer(
        self, shape: QuestionShape, question: str, passages: list[Document]
    ) -> AskResult | None:
        """An overview, list, timeline or comparison; None when the passages give none, and
        the question is then answered (or refused) as one fact."""
        self.lexical.refresh()
        scored = compared_on(question) if shape.kind == "comparison" else question
        candidates = prose(self.scorer.candidates(scored, passages))
        if not candidates:
            return None
        # An overview or a plain list of a subject the passages do not treat is refused as
        # a fact would be; a timeline's or comparison's years and a list's condition ("above
        # 6 percent") are no subject the passages must name, and neither is the identity of
        # a document the question names ("Summarise what changed in sed 4.9").
        gated = shape.kind == "overview" or (
            shape.kind == "list" and numeric_condition(question) is None
        )
        named = documents_identity(self.lexical, _named_sources(passages))
        # An overview of something no document has a word for ("What did the documents say
        # about cryptocurrency regulation?") has nothing to gather. (Not a list: its words
        # are verbs as often as subjects, "Which releases added new ways of squeezing data?")
        # A word of the named documents' identity is known even where only their file names
        # say it ("What did the October 2021 Click releases fix?", dated 2021-10-08).
        overview = shape.kind == "overview"
        unknown = (
            [t for t in topic_terms(question) if t not in named and not self.lexical.knows(t)]
            if overview
            else []
        )
        if unknown:
            return self.refusal(question, passages, unknown_phrases(question, unknown) or unknown)
        subject = {term for term in topic_terms(question) if term not in named}
        if gated and subject:
            assessment = self.assess(question, passages)
            # What a named document says in so many words is there to gather, unless the
            # question names what the documents lack ("the GPL version 4").
            said = (
                overview
                and not assessment.missing.terms
                and _said_in_named_documents(subject, candidates)
            )
            if not said and not answers(self.answerability, assessment.features):
                return None
        if shape.kind in ("overview", "list"):
            naming = self.scorer.weights.naming_word_max_zipf
            items = (
                self.analyst.overview(on_subject(self.lexical, question, candidates, naming))
                if shape.kind == "overview"
                else self.analyst.listing(question, candidates)
            )
            if not items:
                return None
            # What the question is about must be in a quoted document: "What did the Global
            # Times say about Guangdong's target?" is not answered with other cities' targets.
            answered = cited_answer(items, shared_dates=self.lexical.shared_dates())
            speaker = unattributed(self.lexical, question, items, naming)
            if speaker is not None:
                note = f"The documents don't say what {speaker} said about this."
                answered = partial_answer(note, answered)
            return self._as_asked(question, passages, items, answered)
        weights = self.scorer.term_weights(scored)
        result = (
            self.analyst.timeline(candidates, weights)
            if shape.kind == "timeline"
            else self.analyst.comparison(
                shape.sides,
                candidates,
                weights,
                subject=_compares_on_a_subject(shape.sides, scored),
            )
        )
        return None if result.abstained else result

    def stream(self, question: str, passages: list[Document]) -> Iterator[AnswerPiece]:
        """The answer claim by claim, each with what leads up to it (a note, a document's
        label, a paragraph break) and then its markers; then the result. The pieces add up
        to the answer's text exactly."""
        result = self.answer(question, passages)
        said = 0
        for claim in result.claims:
            yield result.answer[said : claim.end]
            markers = "".join(f" [{n}]" for n in claim.citations)
            yield markers
            said = claim.end + len(markers)
        if said < len(result.answer):
            yield result.answer[said:]
        yield result
