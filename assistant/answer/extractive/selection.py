"""Which scored sentences make the answer: one per part of a compound question, then
companions that are nearly as good and say something the chosen ones do not. A short
companion often states the fact its long neighbour only frames ("RFA stands for Request For
Adoption."); a long one scored far below the best is context, so it must score higher."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from langchain_core.documents import Document

from assistant.answer.extractive.scoring import (
    Candidate,
    SentenceScorer,
    asks_for_code,
    brings,
    named_first,
    wanted_figure,
)
from assistant.retrieve.scope import NAMED_SCOPE_KEY
from assistant.text.compound_questions import question_parts
from assistant.text.document_heading import with_heading
from assistant.text.identity import month_name
from assistant.text.names_figures import YEAR, names, numbers, occurs
from assistant.text.normalise import normalise_for_matching
from assistant.text.question_kinds import asks_for_author, asks_for_date
from assistant.text.terms import tokenize


def select(
    scorer: SentenceScorer, question: str, passages: list[Document], max_sentences: int
) -> list[Candidate]:
    """The sentences to quote, best first (empty when no passage has a quotable sentence)."""
    code_wanted = asks_for_code(question)
    ranked = prose_first(scorer.candidates(question, passages), code_wanted)
    if not ranked:
        return []
    ranked = named_first(ranked, scorer.weights.named_lead_score_ratio)
    writes = _identity_writer(question)
    if writes is not None:
        source = ranked[0].passage.metadata["source"]
        stating = next(
            (c for c in ranked if c.passage.metadata["source"] == source and writes(c)),
            None,
        )
        if stating is not None:
            return [stating]  # the byline or dateline alone: what else it says is not that
    parts = question_parts(question, scorer.weights.min_question_part_words)
    chosen: list[Candidate] = []
    taken: set[tuple[str, int]] = set()
    for part in parts[:max_sentences] if len(parts) > 1 else []:
        # A part whose best sentence is already quoted is answered by it ("Where did it
        # happen, and how many died?"); its second best would be a weaker, unrelated quote.
        best = next(iter(prose_first(scorer.candidates(part, passages), code_wanted)), None)
        if best and best.key not in taken:
            chosen.append(best)
            taken.add(best.key)
    if not chosen:
        chosen, taken = [ranked[0]], {ranked[0].key}
    chosen = [
        _continued(candidate, ranked, scorer.weights.continuation_score_ratio)
        for candidate in chosen
    ]
    taken |= {(c.passage.metadata["source"], c.context_start) for c in chosen} | {
        c.key for c in chosen
    }
    weights = scorer.weights
    threshold = weights.companion_score_ratio * ranked[0].score
    long_threshold = weights.long_companion_score_ratio * ranked[0].score
    quoted = {term for candidate in chosen for term in tokenize(candidate.quote)}
    # Answered from a document the question names ("In rsync 3.2.4, ..."), an answer takes
    # no companion from the documents it does not name (3.1.3's fixes).
    scoped = chosen[0].passage.metadata.get(NAMED_SCOPE_KEY) is True
    for candidate in ranked[1:]:
        if len(chosen) >= max_sentences:
            break
        if candidate.key in taken or candidate.score < threshold:
            continue
        if scoped and candidate.passage.metadata.get(NAMED_SCOPE_KEY) is not True:
            continue
        if any(candidate.overlaps(c) for c in chosen):
            continue  # it would quote a stretch of text again
        if (
            len(candidate.quote.split()) > weights.long_companion_words
            and candidate.score < long_threshold
        ):
            continue  # a long sentence scored this low is context, not the answer
        terms = set(tokenize(candidate.quote))
        if candidate.features.get("code"):
            # The command a quoted explanation introduces says what the explanation does not.
            says_more = _beside_chosen_prose(candidate, chosen)
        else:
            says_more = adds_to(terms, quoted, weights.companion_novel_share) or differs(
                candidate, chosen, question
            )
        if says_more:
            chosen.append(replace(candidate, companion=True))
            taken.add(candidate.key)
            quoted |= terms
    return chosen


def states_identity(question: str, candidate: Candidate) -> bool:
    """Whether the question asks who wrote a document or when it appeared, and the sentence
    states the author or date its document's metadata gives (or the "Author:" field or
    header it was read from): the answer, however the model scores a field line against
    the question's words."""
    writes = _identity_writer(question)
    return writes is not None and writes(candidate)


def _identity_writer(question: str) -> Callable[[Candidate], bool] | None:
    """What a sentence must write to answer a question on who wrote a document or when it
    appeared; None for any other question."""
    if asks_for_author(question):
        return _writes_author
    return _writes_date if asks_for_date(question) else None


def _writes_author(candidate: Candidate) -> bool:
    """Whether the sentence writes every word of its document's author, or of its publisher
    when it names no author (a licence's copyright holder wrote it)."""
    meta = candidate.passage.metadata
    author = set(tokenize(str(meta.get("author") or meta.get("publisher") or "")))
    return bool(author) and author <= set(tokenize(candidate.quote))


def _writes_date(candidate: Candidate) -> bool:
    """Whether the sentence writes its document's date: the year, and the month when the
    date has one (by name, "29 June 2007", or in digits, "2022-11-06")."""
    published = str(candidate.passage.metadata.get("published") or "")
    year, _, rest = published.partition("-")
    quote = candidate.quote
    if not YEAR.match(year) or re.search(rf"(?<!\d){year}(?!\d)", quote) is None:
        return False
    if not rest[:2].isdigit():
        return True
    month = month_name(int(rest[:2]))
    named = re.search(rf"\b{month[:3]}", quote, re.IGNORECASE) is not None
    return named or f"{year}-{rest[:2]}" in quote


def adds_to(terms: set[str], quoted: set[str], novel_share: float) -> bool:
    """Whether at least `novel_share` of a quote's terms are in none of the chosen quotes:
    a sentence that states the answer in words the question also used still says more
    than the one already quoted, while a near-copy of it (an overlapping chunk's, a
    summary's) does not."""
    return len(terms - quoted) >= novel_share * len(terms) if terms else False


def prose_first(ranked: list[Candidate], code_wanted: bool) -> list[Candidate]:
    """The candidates an answer may quote, in the order it takes them: code never leads an
    answer, and joins one only when the question asks for code or how to do something
    (a "how do I ..." answer may show the command beside the sentence that explains it).
    Only when no prose is left is code quoted on its own."""
    prose = [c for c in ranked if not c.features.get("code")]
    if not prose:
        return ranked
    if not code_wanted:
        return prose
    return [prose[0], *(c for c in ranked if c is not prose[0])]


def _beside_chosen_prose(code: Candidate, chosen: list[Candidate]) -> bool:
    """Whether a chosen prose sentence stands in the code's passage: code shows the command
    a quoted explanation introduces, never an example from another passage."""
    return any(
        c.passage.metadata.get("chunk_id") == code.passage.metadata.get("chunk_id")
        and not c.features.get("code")
        for c in chosen
    )


def _continued(candidate: Candidate, ranked: list[Candidate], ratio: float) -> Candidate:
    """The quote with the sentence after it, when that one points back at it ("This avoids
    ...", "It ...") and scores nearly as well: reasons and consequences are often there."""
    source = candidate.passage.metadata["source"]
    for other in ranked:
        if (
            other.context_start == candidate.start
            and other.start != candidate.start
            and other.passage.metadata["source"] == source
            and other.score >= ratio * candidate.score
        ):
            return replace(
                other,
                context_start=candidate.context_start,  # keeps what the quote itself needed
                terms=candidate.terms | other.terms,
            )
    return candidate


def figures(candidate: Candidate, question: str) -> set[str]:
    """The figures of the asked-for kind a quote states that the question does not give."""
    asked = set(numbers(question))
    wants = wanted_figure(question)
    return {n for n in numbers(candidate.quote) if brings([n], asked, wants)}


def _about_the_asked(candidate: Candidate, question: str) -> bool:
    """Whether a quote, read under its document's heading, names every year asked about and
    every name the question gives (a 2025 target is no conflict for a 2024 question)."""
    context = normalise_for_matching(with_heading(candidate.quote, candidate.passage.metadata))
    asked = [n for n in numbers(question) if YEAR.match(n)] + names(question)
    return all(occurs(term, context) for term in asked)


def _disagree(a: Candidate, b: Candidate, question: str) -> bool:
    """Two quotes from different documents that give different figures for the asked one."""
    if a.passage.metadata["source"] == b.passage.metadata["source"]:
        return False
    if not (_about_the_asked(a, question) and _about_the_asked(b, question)):
        return False
    mine, theirs = figures(a, question), figures(b, question)
    return bool(mine and theirs) and not mine & theirs


def differs(candidate: Candidate, chosen: list[Candidate], question: str) -> bool:
    """Whether a quote from a document none of the chosen come from gives another figure
    than one of them: both are shown, so a conflict is never hidden."""
    sources = {c.passage.metadata["source"] for c in chosen}
    if candidate.passage.metadata["source"] in sources:
        return False
    return any(_disagree(candidate, c, question) for c in chosen)


def conflicting(chosen: list[Candidate], question: str) -> bool:
    """Whether any two chosen quotes give different figures for the asked one."""
    return any(_disagree(a, b, question) for i, a in enumerate(chosen) for b in chosen[:i])
