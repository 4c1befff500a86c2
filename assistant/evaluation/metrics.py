"""Pure scoring functions: quote matching, retrieval, facts, citations, abstention, latency.

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
