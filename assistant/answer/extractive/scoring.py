"""How well a passage sentence answers a question: the extractive answerer's scoring.

A sentence's score: the IDF-weighted share of the question's terms in its quote or its
document's heading (a sentence is read under its title, publisher and date), the same for
its passage, the passage's rank, the names asked about (part credit when only its document
has them), and a new figure of the kind asked for; lower when it is a heading or states
only other years than the one asked about. The weights are `AnswererWeights`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_core.documents import Document

from assistant.config import AnswererWeights
from assistant.store.bm25 import LexicalIndex
from assistant.text.document_heading import heading, with_heading
from assistant.text.names_figures import YEAR, names, numbers, occurs
from assistant.text.normalise import normalise_for_matching
from assistant.text.sentences import decode_spans, sentence_spans
from assistant.text.terms import tokenize

# Words that say what kind of answer is wanted but are not about the subject.
_GENERIC = set(
    tokenize(
        "main key mention mentioned document documents text article report say "
        "according describe explain give name list way kind type many much"
    )
)
# Questions answered by a figure, and those answered by a date: a sentence that brings one
# the question does not already contain is more likely to be the answer.
_QUANTITY_QUESTION = re.compile(
    r"\b(how (much|many|fast|large|big|high|low|long)|what (percentage|share|proportion|rate|"
    r"number|figure|amount|level|sum)|(what|which) ([\w-]+ ){0,3}(target|rate|ratio|budget)|"
    r"percent)\b",
    re.IGNORECASE,
)
_DATE_QUESTION = re.compile(r"\bwhen\b|\b(what|which) (year|date)\b", re.IGNORECASE)
# Text in documents is data: sentences that address an AI are never repeated as answers.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget) (all |any |the )?(previous|prior|above|earlier) "
    r"(instructions|prompts?|rules)|\b(you are|act as) (an? )?(ai|assistant|language model)\b"
    r"|\bsystem prompt\b",
    re.IGNORECASE,
)
# A sentence that opens by pointing back ("The city will...") is quoted with the one before.
_ANAPHORIC = re.compile(
    r"^(?:[a-z]+(?: [a-z]+)?, )?(the (city|province|region|country|government|plan|report|move|"
    r"law|document)|it|its|this|these|those|they|their|he|she|his|her|such)\b"
    r"|^(?:\w+ ){1,5}(these|those) \w+",  # "What is new is that these bonds ..."
    re.IGNORECASE,
)
_TERMINAL = tuple('.!?。！？…"”’)')


def is_heading(sentence: str, title: str, capitalised_share: float) -> bool:
    """Headings and title lines carry no claim: no closing punctuation, and either in title
    case without commas (a byline such as "January 10, 2025 By X" is not a heading) or
    repeating the document title."""
    if sentence.rstrip().endswith(_TERMINAL):
        return False
    words = [w for w in sentence.split() if w[:1].isalpha()]
    capitalised = sum(w[0].isupper() for w in words) / (len(words) or 1)
    headline = capitalised >= capitalised_share and "," not in sentence
    return headline or (
        bool(title) and normalise_for_matching(title) in normalise_for_matching(sentence)
    )


def wanted_figure(question: str) -> str | None:
    """'quantity' for how much / how many / what share..., 'date' for when..., else None."""
    if _QUANTITY_QUESTION.search(question):
        return "quantity"
    return "date" if _DATE_QUESTION.search(question) else None


def brings(stated: list[str], asked: set[str], wants: str | None) -> bool:
    """Whether a quote stating these numbers gives a figure of the kind asked for that the
    question does not already give: any number for a date ('March 5', '2024'), not a year
    for a quantity (a question about 2025 is not answered by 'in 2025 than in 2024')."""
    new = [number for number in stated if number not in asked]
    if wants == "date":
        return bool(new)
    return wants == "quantity" and any(not YEAR.match(number) for number in new)


def is_lead_in(sentence: str) -> bool:
    """A sentence that ends in a colon announces what follows (a list, a quote): alone it
    states nothing, so it is never quoted as an answer."""
    return sentence.rstrip().endswith((":", "："))


def is_instruction(text: str) -> bool:
    return _INSTRUCTION.search(text) is not None


@dataclass
class Candidate:
    """A passage sentence that could be quoted, with its score and the terms it covers."""

    passage: Document
    rank: int
    start: int
    end: int
    text: str
    score: float
    terms: frozenset[str]
    context_start: int  # where the quote starts when the sentence needs the one before it

    @property
    def key(self) -> tuple[str, int]:
        """Where the sentence stands in its source: the same sentence reached through two
        overlapping passages, or through two parts of a question, is one candidate."""
        return (self.passage.metadata["source"], self.start)

    @property
    def quote(self) -> str:
        """The sentence, with the one before it when it opens by pointing back."""
        base = int(self.passage.metadata["start"])
        return self.passage.page_content[self.context_start - base : self.end - base]


class SentenceScorer:
    """Scores every sentence of the passages against a question."""

    def __init__(self, lexical: LexicalIndex, weights: AnswererWeights) -> None:
        self.lexical = lexical
        self.weights = weights

    def term_weights(self, question: str) -> dict[str, float]:
        """The question's subject terms, each weighted by its IDF."""
        terms = [t for t in tokenize(question) if t not in _GENERIC]
        return {term: self.lexical.idf(term) for term in terms}

    def coverage(self, question: str, candidate: Candidate) -> float:
        weights = self.term_weights(question)
        return sum(weights[t] for t in candidate.terms) / (sum(weights.values()) or 1.0)

    def candidates(self, question: str, passages: list[Document]) -> list[Candidate]:
        """Every quotable sentence, best first (one candidate per sentence of a source)."""
        tuned = self.weights
        weights = self.term_weights(question)
        total = sum(weights.values()) or 1.0
        wants = wanted_figure(question)
        asked_numbers = set(numbers(question))
        question_names = names(question)
        asked_years = {n for n in asked_numbers if YEAR.match(n)}
        found: dict[tuple[str, int], Candidate] = {}
        for rank, passage in enumerate(passages):
            text = passage.page_content
            base = int(passage.metadata["start"])
            title = str(passage.metadata.get("title", ""))
            heading_terms = set(tokenize(heading(passage.metadata))) & weights.keys()
            document = self.lexical.source_text(passage.metadata["source"])
            in_document = {name for name in question_names if occurs(name, document)}
            passage_terms = set(tokenize(with_heading(text, passage.metadata))) & weights.keys()
            passage_cover = sum(weights[t] for t in passage_terms) / total
            spans = sentence_spans(
                text, paragraphs=decode_spans(passage.metadata.get("paragraphs"))
            )
            for index, span in enumerate(spans):
                sentence = text[span.start : span.end]
                if (
                    len(sentence.split()) < tuned.min_sentence_words
                    or is_instruction(sentence)
                    or is_lead_in(sentence)
                ):
                    continue
                anaphoric = index > 0 and _ANAPHORIC.match(sentence) is not None
                context = spans[index - 1].start if anaphoric else span.start
                quote = text[context : span.end]  # what the answer will say: score all of it
                terms = frozenset(set(tokenize(quote)) & weights.keys())
                coverage = sum(weights[t] for t in terms | heading_terms) / total
                normalised = normalise_for_matching(quote)
                stated = numbers(quote)
                name_hits = sum(
                    1.0
                    if occurs(name, normalised)
                    else tuned.name_in_document_only
                    if name in in_document
                    else 0.0
                    for name in question_names
                )
                score = (
                    tuned.sentence_coverage * coverage
                    + tuned.passage_coverage * passage_cover
                    + tuned.passage_rank / (1 + rank)
                    + (tuned.names_asked * name_hits / len(question_names) if question_names else 0)
                    + (tuned.answer_type_bonus if brings(stated, asked_numbers, wants) else 0.0)
                )
                if is_heading(sentence, title, tuned.heading_capitalised_share):
                    score *= tuned.heading_factor
                stated_years = {n for n in stated if YEAR.match(n)}
                if asked_years and stated_years and not asked_years & stated_years:
                    score *= tuned.other_year_factor  # about another year than the one asked
                candidate = Candidate(
                    passage,
                    rank,
                    base + span.start,
                    base + span.end,
                    sentence,
                    score,
                    terms,
                    base + context,
                )
                if candidate.key not in found or found[candidate.key].score < score:
                    found[candidate.key] = candidate
        return sorted(found.values(), key=lambda c: c.score, reverse=True)
