"""Pure scoring functions: quote matching, retrieval, facts, citations, abstention, latency,
and the analyst questions (lists, timelines, overviews, comparisons, mismatches, follow-ups).

They take plain strings and numbers, so every rule can be unit-tested without a model, and
the same rules score every mode (ours and the LangChain baseline) alike.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# Typographic variants that must not decide a match: curly quotes, primes, dashes, NBSP.
_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`", "'"),
        **dict.fromkeys("“”„‟″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
# A quote split by a chunk boundary still counts for a chunk holding at least this share.
MIN_PART = 0.5
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d)")
_NUMERIC_ALIAS = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:%|per ?cent)?", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_EPSILON = 1e-9


def normalise_for_comparison(text: str, casefold: bool = True) -> str:
    """Unicode-, punctuation- and whitespace-insensitive form used for every comparison."""
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_PUNCTUATION).split())
    return text.casefold() if casefold else text


# --- evidence quotes and retrieval -------------------------------------------------------------


def contains_quote(passage: str, quote: str) -> bool:
    """Whether a passage holds an evidence quote.

    A quote cut by a chunk boundary counts for the chunk that holds its larger part (at least
    half of it, at the chunk's start or end), so relevance survives any re-chunking.
    """
    text, wanted = normalise_for_comparison(passage), normalise_for_comparison(quote)
    if not wanted:
        return False
    if wanted in text:
        return True
    shortest = math.ceil(len(wanted) * MIN_PART)
    for size in range(len(wanted) - 1, shortest - 1, -1):
        head, tail = wanted[:size].rstrip(), wanted[-size:].lstrip()
        if (len(head) >= shortest and text.endswith(head)) or (
            len(tail) >= shortest and text.startswith(tail)
        ):
            return True
    return False


def evidence_matches(passages: Sequence[str], evidence: Sequence[str]) -> list[set[int]]:
    """For each ranked passage, the indexes of the evidence quotes it holds."""
    return [{i for i, quote in enumerate(evidence) if contains_quote(p, quote)} for p in passages]


def hit_at(matches: Sequence[set[int]], k: int) -> float:
    """1.0 when any of the top k passages holds an evidence quote."""
    return 1.0 if any(matches[:k]) else 0.0


def recall_at(matches: Sequence[set[int]], n_evidence: int, k: int) -> float:
    """Share of the evidence quotes found in the top k passages (multi-passage questions)."""
    if n_evidence == 0:
        return 0.0
    found: set[int] = set().union(*matches[:k]) if matches[:k] else set()
    return len(found) / n_evidence


def reciprocal_rank(matches: Sequence[set[int]]) -> float:
    """1/rank of the first passage holding evidence, 0.0 when none does."""
    return next((1.0 / rank for rank, found in enumerate(matches, 1) if found), 0.0)


# --- facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One required fact: any alias counts; numbers compare by value (within a tolerance)."""

    aliases: tuple[str, ...]
    tolerance: float | None = None

    def __str__(self) -> str:
        text = " | ".join(self.aliases)
        return f"{text} (±{self.tolerance:g})" if self.tolerance is not None else text


def parse_number(text: str) -> float | None:
    """The value of an alias written as a bare number ("2,000", "5.5", "5.5%"), else None."""
    found = _NUMERIC_ALIAS.fullmatch(text.strip())
    return float(found[1].replace(",", "") + (found[2] or "")) if found else None


def numbers_in(text: str) -> list[float]:
    """Every stand-alone number in a text: "2,000" is 2000, "5.50" is 5.5; "15" is not "5"."""
    return [float(m[1].replace(",", "") + (m[2] or "")) for m in _NUMBER.finditer(text)]


def _is_acronym(alias: str) -> bool:
    """An all-capitals alias such as "US" or "PLA" must match in capitals ("us" is a word)."""
    return sum(c.isalpha() for c in alias) >= 2 and not any(c.islower() for c in alias)


def _text_present(answer: str, alias: str) -> bool:
    """Word-bounded match of normalised text; "March 5" does not match "March 5.5" or "15"."""
    folded = not _is_acronym(alias)
    body = re.escape(normalise_for_comparison(alias, casefold=folded))
    pattern = rf"(?<!\w)(?<!\d[.,]){body}(?!\w)(?![.,]\d)"
    return re.search(pattern, normalise_for_comparison(answer, casefold=folded)) is not None


def fact_present(answer: str, fact: Fact) -> bool:
    """Whether any alias of the fact occurs in the answer (numbers by value, text by words).

    Citation markers are removed first, so "[5]" never counts as the number 5.
    """
    answer = _MARKER.sub(" ", answer)
    numbers = numbers_in(answer)
    margin = (fact.tolerance or 0.0) + _EPSILON
    for alias in fact.aliases:
        value = parse_number(alias)
        if value is not None and any(abs(found - value) <= margin for found in numbers):
            return True
        if value is None and _text_present(answer, alias):
            return True
    return False


def missing_facts(answer: str, facts: Iterable[Fact]) -> list[Fact]:
    return [fact for fact in facts if not fact_present(answer, fact)]


def fact_recall(answer: str, facts: Sequence[Fact]) -> float:
    """Share of the required facts the answer states (1.0 when nothing is required)."""
    if not facts:
        return 1.0
    return 1.0 - len(missing_facts(answer, facts)) / len(facts)


# --- citations ------------------------------------------------------------------------------


class CitedSpan(Protocol):
    """What the metrics read from a citation (`assistant.models.Citation` has these fields)."""

    n: int
    source: str
    text: str
    start: int
    end: int
    quote: str
    quote_start: int
    quote_end: int
    also_quoted: Sequence[Any]  # further quotes: each with start, end and text


def _quotes(c: CitedSpan) -> list[tuple[int, int, str]]:
    return [(c.quote_start, c.quote_end, c.quote)] + [
        (q.start, q.end, q.text) for q in c.also_quoted
    ]


def citation_markers(answer: str) -> list[int]:
    """Every `[n]` marker in order of appearance; `[1, 2]` counts as two."""
    return [int(n) for group in _MARKER.findall(answer) for n in re.split(r"\s*[,;]\s*", group)]


def citation_problems(
    answer: str,
    citations: Sequence[CitedSpan],
    documents: Mapping[str, str],
    abstained: bool = False,
) -> list[str]:
    """Why an answer's citations are invalid; empty when they are valid.

    Valid means: a non-abstained answer carries at least one marker, every `[n]` resolves to a
    citation, and every citation's passage and quote sit at their offsets in the named source
    (so the UI highlights exactly what supports the claim).
    """
    problems: list[str] = []
    markers = citation_markers(answer)
    if not abstained and answer.strip() and not markers:
        problems.append("the answer carries no [n] marker")
    numbers = {citation.n for citation in citations}
    unresolved = [n for n in dict.fromkeys(markers) if n not in numbers]
    problems += [f"[{n}] resolves to no citation" for n in unresolved]
    for c in citations:
        document = documents.get(c.source)
        if document is None:
            problems.append(f"[{c.n}] cites {c.source!r}, which is not in the corpus")
        elif document[c.start : c.end] != c.text:
            problems.append(f"[{c.n}] passage is not {c.source}[{c.start}:{c.end}]")
        else:
            problems += [
                f"[{c.n}] quote is not {c.source}[{start}:{end}]"
                for start, end, quote in _quotes(c)
                if not (c.start <= start <= end <= c.end and document[start:end] == quote)
            ]
    return problems


def citation_precision(cited_passages: Sequence[str], evidence: Sequence[str]) -> float | None:
    """Share of cited passages holding an evidence quote; None when nothing is cited."""
    if not cited_passages:
        return None
    relevant = sum(any(contains_quote(p, quote) for quote in evidence) for p in cited_passages)
    return relevant / len(cited_passages)


# --- analyst questions: lists, timelines, overviews, comparisons, mismatches, follow-ups ------

# A note that the documents do not state something ("The documents don't state China's 2025
# target", "do not give", "never mention", "is not stated", "no figure for"). It is what a
# mismatch answer must open with and what a comparison says for a side it cannot answer.
# Matched on the normalised text, so a curly apostrophe counts ("don’t state").
NOT_STATED = re.compile(
    r"\b(?:(?:do|does|did)(?:n't| not)|never)\s+"
    r"(?:state|say|give|mention|answer|specify|report|name|cover|provide|include)s?\b"
    r"|\b(?:is|are|was|were)(?:n't| not)\s+"
    r"(?:stated|given|mentioned|specified|reported|named|covered|answered)\b"
    r"|\bno (?:mention|figure|data|information)\b",
    re.IGNORECASE,
)
# A marker group that closes a sentence ("... percent. [1] Sanya ..."), and a sentence end that
# no marker follows ("... percent [1]. Sanya ..."), but not after an initial or "U.S."; a
# line break always ends a sentence.
_AFTER_MARKER = re.compile(r"(\[\d+(?:\s*[,;]\s*\d+)*\])[ \t]+(?=\S)(?!\[\d)")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b[A-Z]\.[A-Z]\.)[ \t]+(?!\[\d)|\n+")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its facts, or (unanswered) a side the documents do not
    answer, for which the answer must say so in a sentence that names it."""

    name: Fact
    facts: tuple[Fact, ...] = ()
    unanswered: bool = False


def answer_sentences(answer: str) -> list[str]:
    """The answer's sentences, each with the markers that follow it: the answerer writes
    "Quote. [1] Next quote. [2]", an LLM "Claim [1]. Next claim [2].", both split alike."""
    marked = _AFTER_MARKER.sub(lambda found: found[1] + "\n", answer)
    return [part.strip() for part in _SENTENCE_BREAK.split(marked) if part.strip()]


def _casefold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The case-folded text and, for each of its characters, the offset it came from (one
    character may fold to two: "ß" is "ss")."""
    folded: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        fold = char.casefold()
        folded.append(fold)
        origin += [offset] * len(fold)
    return "".join(folded), origin


def fact_position(answer: str, fact: Fact) -> int | None:
    """Where the answer first states the fact, by the rules of `fact_present`; None when it
    does not. Offsets are into the answer's normalised text, so they compare between facts
    of one answer (which comes first), not with offsets of the raw answer."""
    text = normalise_for_comparison(_MARKER.sub(lambda m: " " * len(m[0]), answer), casefold=False)
    folded, origin = _casefold_with_offsets(text)
    margin = (fact.tolerance or 0.0) + _EPSILON
    found: list[int] = []
    for alias in fact.aliases:
        value = parse_number(alias)
        if value is not None:
            found += [
                m.start()
                for m in _NUMBER.finditer(text)
                if abs(float(m[1].replace(",", "") + (m[2] or "")) - value) <= margin
            ]
            continue
        acronym = _is_acronym(alias)
        body = re.escape(normalise_for_comparison(alias, casefold=not acronym))
        pattern = re.compile(rf"(?<!\w)(?<!\d[.,]){body}(?!\w)(?![.,]\d)")
        match = pattern.search(text if acronym else folded)
        if match:
            found.append(match.start() if acronym else origin[match.start()])
    return min(found, default=None)


def date_before(first: str, second: str) -> bool:
    """Whether an ISO date (or its year or month) is before another; "2025" and
    "2025-03-20" are not ordered, as neither is known to come first."""
    length = min(len(first), len(second))
    return first[:length] < second[:length]


def timeline_order(answer: str, items: Sequence[Fact], dates: Sequence[str]) -> float | None:
    """Share of the pairs of items with different dates that the answer states in date order
    (the earlier item's first mention before the later one's). A pair with an item the answer
    lacks is not in order, so 1.0 means every item is there, in order; None when no two items
    have different dates."""
    positions = [fact_position(answer, item) for item in items]
    pairs = [
        (i, j)
        for i in range(len(items))
        for j in range(len(items))
        if date_before(dates[i], dates[j])
    ]
    if not pairs:
        return None
    in_order = 0
    for i, j in pairs:
        first, then = positions[i], positions[j]
        in_order += first is not None and then is not None and first < then
    return in_order / len(pairs)


def cited_sources(answer: str, citations: Sequence[CitedSpan]) -> set[str]:
    """The documents the answer cites: the sources of the citations its markers point to."""
    markers = set(citation_markers(answer))
    return {citation.source for citation in citations if citation.n in markers}


def says_not_stated(text: str, subject: Fact) -> bool:
    """Whether one sentence of the text says the documents do not state something and names
    the subject ("The documents don't give Hangzhou's target")."""
    return any(
        NOT_STATED.search(normalise_for_comparison(sentence)) and fact_present(sentence, subject)
        for sentence in answer_sentences(text)
    )


def side_present(answer: str, side: Side) -> bool:
    """A comparison's side is present when the answer states all its facts, or, for a side
    the documents do not answer, says so for that side."""
    if side.unanswered:
        return says_not_stated(answer, side.name)
    return all(fact_present(answer, fact) for fact in side.facts)


def opens_with_not_stated(answer: str, subject: Fact) -> bool:
    """Whether the answer's first sentence, before its first marker, says that the documents
    do not state the asked subject (and names it): the note must come before any cited
    claim, or a reader takes the first figure for the answer."""
    sentences = answer_sentences(answer)
    if not sentences:
        return False
    lead = sentences[0]
    marker = _MARKER.search(lead)
    lead = lead[: marker.start()] if marker else lead
    return bool(NOT_STATED.search(normalise_for_comparison(lead))) and fact_present(lead, subject)


def cited_claims(answer: str) -> list[str]:
    """The answer cut after each marker group: the claims its markers back. The extractive
    answerer quotes several sentences of one passage before one marker ("A. B. [1]"), so a
    marker backs every sentence since the previous one; text after the last marker is not
    cited. Markers in a row ("[1] [2]") back the same claim."""
    claims: list[str] = []
    start = 0
    for marker in _MARKER.finditer(answer):
        text = answer[start : marker.end()]
        start = marker.end()
        if claims and not _MARKER.sub("", text).strip(" .,;:"):
            claims[-1] += text
        else:
            claims.append(text.lstrip(" \t\n.,;:").rstrip())
    return claims


def first_cited_sentence(answer: str) -> str | None:
    """The first sentence of the answer's first cited claim (what a reader takes as the
    answer), None when nothing is cited."""
    claims = cited_claims(answer)
    return answer_sentences(claims[0])[0] if claims else None


def leads_with(answer: str, subject: Fact) -> bool:
    """Whether the answer's first cited sentence names the subject (a follow-up's answer
    must lead with what the follow-up asks about, not the earlier question's subject)."""
    first = first_cited_sentence(answer)
    return first is not None and fact_present(first, subject)


# --- aggregation and latency ----------------------------------------------------------------


def mean(values: Iterable[float | None]) -> float | None:
    """Average of the defined values; None (reported as n/a) when there is none."""
    defined = [value for value in values if value is not None]
    return sum(defined) / len(defined) if defined else None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile by linear interpolation between ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(timings: Iterable[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """p50 and p95 in milliseconds for each stage that appears in any result."""
    stages: dict[str, list[float]] = {}
    for timing in timings:
        for stage, ms in timing.items():
            stages.setdefault(stage, []).append(float(ms))
    return {
        stage: {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        for stage, values in stages.items()
    }
