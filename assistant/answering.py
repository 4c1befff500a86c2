"""The default answerer: picks the passage sentences that answer the question and cites each.

No LLM: every sentence of the answer is a verbatim sentence of a retrieved passage, so
the answer is deterministic and each claim is exactly what its citation says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.documents import Document

from assistant.entities import name_words, names, numbers, occurs, without_attribution
from assistant.lexical import LexicalIndex, heading, tokenize, with_heading
from assistant.models import AskResult, Citation, Claim
from assistant.questions import question_parts
from assistant.sentences import sentence_spans
from assistant.textnorm import normalise

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
# The figure a question asks about: the words before "rate", "target", "ratio" or "index".
_METRIC = re.compile(r"((?:[\w-]+\s+){1,2})(?:rate|target|ratio|index)\b", re.IGNORECASE)
# A sentence that opens by pointing back ("The city will...") is quoted with the one before.
_ANAPHORIC = re.compile(
    r"^(?:[a-z]+(?: [a-z]+)?, )?(the (city|province|region|country|government|plan|report|move|"
    r"law|document)|it|its|this|these|those|they|their|he|she|his|her|such)\b"
    r"|^(?:\w+ ){1,5}(these|those) \w+",  # "What is new is that these bonds ..."
    re.IGNORECASE,
)
_TERMINAL = tuple('.!?。！？…"”’)')
# Support too weak to answer: no retrieved passage close in meaning to the question (cosine
# similarity; off-topic questions measured 0.02-0.23, answerable paraphrases 0.36 and up), or,
# without dense scores (lexical-only retrieval), few of its weighted terms in the best sentence.
MIN_DENSE_SIMILARITY = 0.3
MIN_COVERAGE = 0.1
SUPPORTED_SCORE_RATIO = 0.8
# Chosen on the golden set: a bonus of 0.08 misses a case that 0.1-0.15 answer; factors of
# 0.5-0.8 lose as many cases as they win (comparisons with another year).
ANSWER_TYPE_BONUS = 0.1
OTHER_YEAR_FACTOR = 0.9
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def is_heading(sentence: str, title: str) -> bool:
    """Headings and title lines carry no claim: no closing punctuation, and either in title
    case without commas (a byline such as "January 10, 2025 By X" is not a heading) or
    repeating the document title."""
    if sentence.rstrip().endswith(_TERMINAL):
        return False
    words = [w for w in sentence.split() if w[:1].isalpha()]
    capitalised = sum(w[0].isupper() for w in words) / (len(words) or 1)
    headline = capitalised >= 0.6 and "," not in sentence
    return headline or (bool(title) and normalise(title) in normalise(sentence))


@dataclass
class Candidate:
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
    return wants == "quantity" and any(not _YEAR.match(number) for number in new)


def is_instruction(text: str) -> bool:
    return _INSTRUCTION.search(text) is not None


class ExtractiveAnswerer:
    """Scores sentences against the question and composes the best few into a cited answer.

    A sentence's score: the IDF-weighted share of the question's terms in its quote or its
    document's heading (a sentence is read under its title, publisher and date), the same
    for its passage, the passage's rank, the names asked about (half credit when only its
    document has them), and a new figure of the kind asked for; x0.9 when it states only
    other years than the one asked about.
    """

    def __init__(self, lexical: LexicalIndex, max_sentences: int = 3) -> None:
        self.lexical = lexical
        self.max_sentences = max_sentences

    def _weights(self, question: str) -> dict[str, float]:
        terms = [t for t in tokenize(question) if t not in _GENERIC]
        return {term: self.lexical.idf(term) for term in terms}

    def candidates(self, question: str, passages: list[Document]) -> list[Candidate]:
        weights = self._weights(question)
        total = sum(weights.values()) or 1.0
        wants = wanted_figure(question)
        asked_numbers = set(numbers(question))
        question_names = names(question)
        asked_years = {n for n in asked_numbers if _YEAR.match(n)}
        found: dict[tuple[str, int], Candidate] = {}
        for rank, passage in enumerate(passages):
            text = passage.page_content
            base = int(passage.metadata["start"])
            title = str(passage.metadata.get("title", ""))
            about = heading(passage.metadata)
            heading_terms = set(tokenize(about)) & weights.keys()
            document = self.lexical.source_text(passage.metadata["source"])
            in_document = {name for name in question_names if occurs(name, document)}
            passage_terms = set(tokenize(with_heading(text, passage.metadata))) & weights.keys()
            passage_cover = sum(weights[t] for t in passage_terms) / total
            spans = sentence_spans(text)
            for index, span in enumerate(spans):
                sentence = text[span.start : span.end]
                if len(sentence.split()) < 4 or is_instruction(sentence):
                    continue
                anaphoric = index > 0 and _ANAPHORIC.match(sentence) is not None
                context = spans[index - 1].start if anaphoric else span.start
                quote = text[context : span.end]  # what the answer will say: score all of it
                terms = frozenset(set(tokenize(quote)) & weights.keys())
                coverage = sum(weights[t] for t in terms | heading_terms) / total
                normalised = normalise(quote)
                stated = numbers(quote)
                name_hits = sum(
                    1.0 if occurs(name, normalised) else 0.5 if name in in_document else 0.0
                    for name in question_names
                )
                score = (
                    0.6 * coverage
                    + 0.2 * passage_cover
                    + 0.1 / (1 + rank)
                    + (0.15 * name_hits / len(question_names) if question_names else 0.0)
                    + (ANSWER_TYPE_BONUS if brings(stated, asked_numbers, wants) else 0.0)
                ) * (0.6 if is_heading(sentence, title) else 1.0)
                stated_years = {n for n in stated if _YEAR.match(n)}
                if asked_years and stated_years and not asked_years & stated_years:
                    score *= OTHER_YEAR_FACTOR  # about another year than the one asked
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

    def select(self, question: str, passages: list[Document]) -> list[Candidate]:
        ranked = self.candidates(question, passages)
        if not ranked:
            return []
        parts = question_parts(question)
        chosen: list[Candidate] = []
        taken: set[tuple[str, int]] = set()
        for part in parts[: self.max_sentences] if len(parts) > 1 else []:
            best = next((c for c in self.candidates(part, passages) if c.key not in taken), None)
            if best:
                chosen.append(best)
                taken.add(best.key)
        if not chosen:
            chosen, taken = [ranked[0]], {ranked[0].key}
        covered = {term for candidate in chosen for term in candidate.terms}
        for candidate in ranked[1:]:
            if len(chosen) >= self.max_sentences:
                break
            if (
                candidate.key not in taken
                and candidate.score >= 0.8 * ranked[0].score
                and not candidate.terms <= covered
            ):
                chosen.append(candidate)
                taken.add(candidate.key)
                covered |= candidate.terms
        return chosen

    @staticmethod
    def _quote(candidate: Candidate) -> str:
        """The sentence, with the one before it when it opens by pointing back."""
        base = int(candidate.passage.metadata["start"])
        text = candidate.passage.page_content
        return text[candidate.context_start - base : candidate.end - base]

    def coverage(self, question: str, candidate: Candidate) -> float:
        weights = self._weights(question)
        return sum(weights[t] for t in candidate.terms) / (sum(weights.values()) or 1.0)

    def too_weak(self, question: str, best: Candidate, passages: list[Document]) -> bool:
        """Nothing retrieved is close in meaning; lexical coverage decides without vectors."""
        similarities = [p.metadata.get("dense_score") for p in passages]
        dense = [s for s in similarities if s is not None]
        if dense:
            return max(dense) < MIN_DENSE_SIMILARITY
        return self.coverage(question, best) < MIN_COVERAGE

    def unsupported_terms(
        self, question: str, passages: list[Document], support: list[Document]
    ) -> list[str]:
        """Names, figures and metrics the question asks about that the support never mentions.

        Names must occur in the documents the answer quotes; numbers in the quoted passages
        or their document's title and date (which say which year a report is about); the
        words naming the asked-for metric ("unemployment" in "unemployment rate") in some
        retrieved passage.
        """
        asked = without_attribution(question)
        sources = {passage.metadata["source"] for passage in support}
        documents = " ".join(self.lexical.source_text(source) for source in sources)
        missing = [word for word in name_words(asked) if not occurs(word, documents)]
        context = " ".join(with_heading(p.page_content, p.metadata) for p in support)
        missing += [n for n in numbers(asked) if not occurs(n, normalise(context))]
        retrieved = set(tokenize(" ".join(p.page_content for p in passages)))
        for match in _METRIC.finditer(question):
            words = match.group(1).split()
            missing += [w for w in words if any(t not in retrieved for t in tokenize(w))]
        return missing

    def select_supported(
        self,
        question: str,
        passages: list[Document],
        chosen: list[Candidate],
        missing: list[str],
    ) -> tuple[list[Candidate], list[str]]:
        """When the best sentences lack a name or figure the question asks about ("2024"),
        answer from the passages that have it, if their best sentence is nearly as good."""
        supported = [p for p in passages if not self.unsupported_terms(question, passages, [p])]
        alternative = self.select(question, supported) if supported else []
        if alternative and alternative[0].score >= SUPPORTED_SCORE_RATIO * chosen[0].score:
            return alternative, []
        return chosen, missing

    def answer(self, question: str, passages: list[Document]) -> AskResult:
        self.lexical.refresh()  # its IDF and document texts are needed even in dense-only mode
        chosen = self.select(question, passages)
        missing = self.unsupported_terms(question, passages, [c.passage for c in chosen])
        if chosen and missing:
            chosen, missing = self.select_supported(question, passages, chosen, missing)
        if not chosen or missing or self.too_weak(question, chosen[0], passages):
            elsewhere = [
                term
                for term in missing
                if any(occurs(term, text) for text in self.lexical.source_texts())
            ]
            return abstention(question, passages, missing, elsewhere)
        quotes = [self._quote(c) for c in chosen]
        citations = [
            citation(n, c.passage, c.context_start, c.end, quote)
            for n, (c, quote) in enumerate(zip(chosen, quotes), 1)
        ]
        claims = [Claim(text=quote, citations=[n]) for n, quote in enumerate(quotes, 1)]
        answer = " ".join(f"{quote} [{n}]" for n, quote in enumerate(quotes, 1))
        return AskResult(answer=answer, citations=citations, claims=claims)


def citation(n: int, passage: Document, start: int, end: int, quote: str) -> Citation:
    meta = passage.metadata
    return Citation(
        n=n,
        source=meta["source"],
        title=meta.get("title", meta["source"]),
        publisher=meta.get("publisher", ""),
        published=meta.get("published", ""),
        chunk_id=meta["chunk_id"],
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=passage.page_content,
        quote=quote,
        quote_start=start,
        quote_end=end,
        score=float(meta.get("score") or 0.0),
    )


def abstention(
    question: str, passages: list[Document], missing: list[str], elsewhere: Sequence[str] = ()
) -> AskResult:
    """Say the documents do not cover it, and what the closest documents are about.

    `missing` are the names and figures asked about that no answering passage has; those
    also in `elsewhere` occur in some document, just not where the question is answered.
    """
    absent = [term for term in missing if term not in elsewhere]
    reasons = [f"The documents do not mention {', '.join(absent)}."] if absent else []
    if elsewhere:
        reasons.append(
            f"The passages on this question do not mention {', '.join(elsewhere)}; other"
            " parts of the documents do."
        )
    reason = " ".join(reasons) or "The documents do not answer this question."
    titles: list[str] = []
    for passage in passages:
        title = passage.metadata.get("title", passage.metadata.get("source", ""))
        if title and title not in titles:
            titles.append(title)
    closest = f" The closest material is in: {'; '.join(titles[:3])}." if titles else ""
    return AskResult(answer=reason + closest, abstained=True)
