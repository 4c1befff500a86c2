"""Answers in the shapes analysts ask for beyond one fact, each built from cited sentences.

- Overview: the passages' most central sentences (LexRank: eigenvector centrality of the
  sentences' TF-IDF cosine graph, Erkan & Radev 2004), chosen with MMR so that they differ,
  spread over documents, grouped by document, up to a word budget.
- List: every sentence that answers well enough from the wider candidate set, without
  near-copies, honouring a numeric condition of the question ("above 6 percent").
- Timeline: one sentence per document that speaks to the question, in the documents' date
  order, each under its date.
- Comparison: one part per side, each the best sentence naming that side; a side the
  passages do not answer is said to be unanswered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from assistant.answer.citations import Statement, citation, compose, document_label, prefaced
from assistant.answer.extractive.clauses import answering_clauses
from assistant.answer.extractive.scoring import (
    Candidate,
    SentenceScorer,
    named_first,
    of_named_documents,
)
from assistant.config import AnswererWeights
from assistant.retrieve.scope import NAMED_SCOPE_KEY
from assistant.schema import AskResult, Citation
from assistant.text.document_heading import identity
from assistant.text.names_figures import COMMAND_OPTION, FILE_PATH, YEAR, occurs
from assistant.text.normalise import normalise_for_matching
from assistant.text.terms import tokenize

_CONDITION = re.compile(
    r"\b(?P<op>above|over|more than|greater than|higher than|exceeding|at least|no less than|"
    r"below|under|less than|lower than|at most|no more than)\s+(?P<value>\d+(?:\.\d+)?)"
    r"\s*(?P<unit>%|per\s*cent|percent|billion|million|trillion)?",
    re.IGNORECASE,
)
_OPERATORS = {
    "above": ">", "over": ">", "more than": ">", "greater than": ">", "higher than": ">",
    "exceeding": ">", "at least": ">=", "no less than": ">=", "below": "<", "under": "<",
    "less than": "<", "lower than": "<", "at most": "<=", "no more than": "<=",
}  # fmt: skip
_FIGURE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(%|per\s*cent|percent|billion|million|trillion)?",
    re.IGNORECASE,
)


def numeric_condition(question: str) -> tuple[str, float, str] | None:
    """("> ", 6.0, "percent") for "above 6 percent"; None when the question sets none."""
    match = _CONDITION.search(question)
    if not match:
        return None
    unit = (match["unit"] or "").lower().replace(" ", "")
    unit = "percent" if unit in ("%", "percent", "percent") else unit
    return _OPERATORS[match["op"].lower()], float(match["value"]), unit


def meets(sentence: str, condition: tuple[str, float, str]) -> bool:
    """Whether the sentence states a figure of the condition's unit that satisfies it (a
    year is no figure, unless the condition is on years)."""
    op, value, unit = condition
    for match in _FIGURE.finditer(sentence):
        found = (match[2] or "").lower().replace(" ", "")
        found = "percent" if found in ("%", "percent") else found
        if unit and found != unit:
            continue
        if not unit and YEAR.match(match[1]) and not YEAR.match(str(int(value))):
            continue
        number = float(match[1])
        if {">": number > value, ">=": number >= value, "<": number < value,
            "<=": number <= value}[op]:  # fmt: skip
            return True
    return False


def prose(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates that state something: no headings, questions or code."""
    return [
        c
        for c in candidates
        if not any(c.features.get(kind) for kind in ("heading", "question", "code"))
    ]


def _term_vectors(lexical_idf: Callable[[str], float], texts: Sequence[str]) -> np.ndarray:
    """Unit TF-IDF vectors of the texts over their joint vocabulary."""
    tokens = [tokenize(text) for text in texts]
    vocabulary = {t: i for i, t in enumerate(sorted({t for ts in tokens for t in ts}))}
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)))
    for row, ts in enumerate(tokens):
        for token in ts:
            matrix[row, vocabulary[token]] += lexical_idf(token)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def lexrank(similarity: np.ndarray, threshold: float = 0.1, damping: float = 0.85) -> np.ndarray:
    """LexRank centrality: the stationary distribution of a random walk on the graph of
    sentences whose cosine similarity reaches the threshold."""
    n = len(similarity)
    if n == 0:
        return np.zeros(0)
    graph = (similarity >= threshold).astype(float)
    np.fill_diagonal(graph, 0.0)
    degree = graph.sum(axis=1, keepdims=True)
    walk = np.where(degree > 0, graph / np.where(degree == 0, 1, degree), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(100):
        updated = (1 - damping) / n + damping * walk.T @ rank
        if np.abs(updated - rank).sum() < 1e-9:
            break
        rank = updated
    return rank


class AnalystAnswers:
    """Overviews, lists, timelines and comparisons over the retrieved passages."""

    def __init__(self, scorer: SentenceScorer, weights: AnswererWeights) -> None:
        self.scorer = scorer
        self.weights = weights

    def overview(self, candidates: list[Candidate]) -> list[Candidate]:
        """Central, relevant and mutually different sentences, spread over the documents,
        within `overview_words` words (those of a document the question names, if any)."""
        pool = of_named_documents(candidates)
        vectors = _term_vectors(self.scorer.lexical.idf, [c.quote for c in pool])
        similarity = vectors @ vectors.T
        centrality = lexrank(similarity)
        relevance = np.array([c.score for c in pool])
        weight = self.weights.overview_relevance
        merit = (1 - weight) * centrality / (centrality.max() or 1.0) + weight * relevance / (
            relevance.max() or 1.0
        )
        chosen: list[int] = []
        left = set(range(len(pool)))
        words = 0
        while left and words < self.weights.overview_words:
            covered = {pool[j].passage.metadata["source"] for j in chosen}

            def value(i: int, covered: set[str] = covered) -> float:
                redundancy = max((similarity[i, j] for j in chosen), default=0.0)
                fresh = pool[i].passage.metadata["source"] not in covered
                mmr = self.weights.overview_mmr
                spread = self.weights.overview_spread if fresh else 0.0
                return mmr * merit[i] - (1 - mmr) * redundancy + spread

            best = max(sorted(left), key=value)
            left.discard(best)
            if any(
                similarity[best, j] >= self.weights.near_copy_similarity
                or pool[best].overlaps(pool[j])
                for j in chosen
            ):
                continue  # it says again what is already said, or quotes it again
            length = len(pool[best].quote.split())
            if chosen and words + length > self.weights.overview_words:
                continue  # past the length asked for: a shorter sentence may still fit
            chosen.append(best)
            words += length
        return [pool[i] for i in chosen]

    def listing(self, question: str, candidates: list[Candidate]) -> list[Candidate]:
        """Every sentence that answers well enough, best first, without near-copies: of
        those meeting the question's numeric condition when it sets one, the ones within
        `list_score_ratio` of the best of them (of the named documents, when their best
        leads as a fact's would: `named_first`)."""
        condition = numeric_condition(question)
        ranked = sorted(candidates, key=lambda c: -c.score)
        if condition:  # the condition decides what may be listed; the scores, how far down
            ranked = [c for c in ranked if meets(c.quote, condition)]
        if not ranked:
            return []
        # A list from documents the question names ("the proposals Truman made in 1949",
        # "Which nano releases in 2021 ...?") lists nothing from those it does not name,
        # when their best sentence leads as a single answer's would.
        ranked = named_first(ranked, self.weights.named_lead_score_ratio)
        if ranked[0].passage.metadata.get(NAMED_SCOPE_KEY) is True:
            ranked = [c for c in ranked if c.passage.metadata.get(NAMED_SCOPE_KEY) is True]
        # "Which sections ... mention /usr/local?": an item says the path or option asked.
        named = [*FILE_PATH.findall(question), *COMMAND_OPTION.findall(question)]
        if named:
            ranked = [c for c in ranked if all(n.lower() in c.quote.lower() for n in named)]
            if not ranked:
                return []
        floor = self.weights.list_score_ratio * ranked[0].score
        eligible = [c for c in ranked if c.score >= floor]
        return _without_copies(
            eligible[: self.weights.list_items], self.scorer, self.weights.near_copy_similarity
        )

    def quoted(self, candidates: list[Candidate], weights: Mapping[str, float]) -> list[Candidate]:
        """The chosen sentences as quoted: an overlong one cut to its clauses that carry
        the most of the question's term `weights`. (Not a list's: a sentence naming a
        list's items runs long because of them, "by Asia Society experts Neil Thomas
        (...), Christopher K. Johnson (...), ...".)"""
        limit = self.weights.max_quote_words
        return [answering_clauses(c, weights, limit) for c in candidates]

    def timeline(self, candidates: list[Candidate], weights: Mapping[str, float]) -> AskResult:
        """The best sentence of each document that speaks to the question, by date. A
        document speaks to it when its sentence scores near the best, or names at least
        `timeline_term_share` of the question's terms that any sentence names (years
        aside): sentence scores fall steeply after the best, and a timeline wants every
        document on the subject, not the few nearest the question's wording."""
        best: dict[str, Candidate] = {}
        for c in sorted(candidates, key=lambda c: -c.score):
            best.setdefault(c.passage.metadata["source"], c)
        top = max(c.score for c in best.values())
        asked = {t for c in best.values() for t in c.terms if not YEAR.match(t)}

        def speaks(c: Candidate) -> bool:
            named = len({t for t in c.terms if not YEAR.match(t)})
            share = named / len(asked) if asked else 0.0
            near = c.score >= self.weights.list_score_ratio * top
            return near or share >= self.weights.timeline_term_share

        kept = [c for c in best.values() if speaks(c)]
        kept.sort(key=lambda c: (str(c.passage.metadata.get("published") or "9999"), c.start))
        kept = self.quoted(kept, weights)
        groups = [
            (document_label(c.passage, date_first=True), [_statement(c, n)])
            for n, c in enumerate(kept, start=1)
        ]
        answer, claims = compose(groups)
        return AskResult(answer=answer, citations=_citations(kept), claims=claims)

    def comparison(
        self,
        sides: Sequence[str],
        candidates: list[Candidate],
        weights: Mapping[str, float],
        subject: bool = True,
    ) -> AskResult:
        """For each side, the best sentence that names it and not the other side (a year
        also by its document's date), else the best that names it; a side no passage
        speaks to is said to be unanswered. A sentence far below the best speaks of
        something else: every sentence of Roosevelt's letters names Roosevelt by their file
        names, but their best on housing was one on schools. Without a `subject` ("Compare
        grep 2.27 and grep 2.28.") documents are compared as wholes: a side that is a
        document is quoted from it, not from another's "[bugs introduced in grep-2.27]"."""
        ranked = sorted(candidates, key=lambda c: -c.score)
        share = self.weights.comparison_score_ratio if subject else 0.0
        floor = share * ranked[0].score if ranked else 0.0
        found: list[tuple[str, Candidate]] = []
        missing: list[str] = []
        for side in sides:
            used = {c.key for _, c in found}
            naming = [
                c for c in ranked if c.key not in used and c.score >= floor and _names_side(c, side)
            ]
            if not subject:  # stable: best first within the side's own documents
                naming.sort(key=lambda c: not _identifies(c, side))
            # A sentence on this side alone says more of it than one naming both sides.
            alone = [c for c in naming if not any(_names_side(c, o) for o in sides if o != side)]
            match = next(iter(alone or naming), None)
            if match is None:
                missing.append(side)
            else:
                found.append((side, match))
        if not found:
            return AskResult(answer="", abstained=True)
        named = [side for side, _ in found]
        chosen = self.quoted([c for _, c in found], weights)
        groups = [
            (side, [_statement(c, n)])
            for n, (side, c) in enumerate(zip(named, chosen, strict=True), start=1)
        ]
        # One side quoted beside one unanswered still says whose words they are.
        answer, claims = compose(groups, label_alone=bool(missing))
        result = AskResult(answer=answer, citations=_citations(chosen), claims=claims)
        if missing:
            said = " or ".join(missing)
            return prefaced(f"The documents don't say for {said}.", result)
        return result


def _without_copies(
    candidates: list[Candidate], scorer: SentenceScorer, limit: float
) -> list[Candidate]:
    if not candidates:
        return []
    """The candidates, best first, without near-copies (TF-IDF cosine from `limit`) and
    without quoting a stretch of a document twice: a sentence quoted with the one before it
    as its context replaces that sentence, and one inside a quote already kept is dropped."""
    vectors = _term_vectors(scorer.lexical.idf, [c.quote for c in candidates])
    kept: list[int] = []
    for i, candidate in enumerate(candidates):
        overlapping = [n for n, j in enumerate(kept) if candidate.overlaps(candidates[j])]
        if overlapping:
            n = overlapping[0]
            if len(overlapping) == 1 and _covers(candidate, candidates[kept[n]]):
                kept[n] = i
            continue
        if all(float(vectors[i] @ vectors[j]) < limit for j in kept):
            kept.append(i)
    return [candidates[i] for i in kept]


def _covers(a: Candidate, b: Candidate) -> bool:
    return a.context_start <= b.context_start and b.end <= a.end


# A function named as code calls it: "shutil.copy()", "match()"; group 1 is its own name.
_FUNCTION_SIDE = re.compile(r"(?:[\w.]*\.)?(\w+)\(\)")


def _names_side(candidate: Candidate, side: str) -> bool:
    """Whether the sentence speaks of the side: it names it, or its document's identity
    does (a sentence of grep 3.8's notes speaks of "grep 3.8"; one of a 2025 report, of
    2025), every word of the side in one or the other whole."""
    meta = candidate.passage.metadata
    function = _FUNCTION_SIDE.fullmatch(side)
    if function:  # "shutil.copy()" is named "copy()", "shutil.copy(src, dst)", not "copy2()"
        return re.search(rf"(?<!\w){re.escape(function[1])}\(", candidate.quote) is not None
    if occurs(side, normalise_for_matching(candidate.quote)):
        return True
    if YEAR.match(side):
        return str(meta.get("published") or "").startswith(side)
    # Word by word only in the identity: a side's version is no number of the quote ("GPL
    # 2" is not a GPL 3 sentence saying "(2) arrange to deprive yourself ...").
    return _identifies(candidate, side)


def _identifies(candidate: Candidate, side: str) -> bool:
    """Whether the sentence's document is the side by its identity, every word of the side
    whole in it (grep 2.27's notes are "grep 2.27")."""
    identified = normalise_for_matching(identity(candidate.passage.metadata))
    return all(occurs(word, identified) for word in side.split())


def _statement(candidate: Candidate, n: int) -> Statement:
    return (candidate.shown, [n])


def _citations(chosen: list[Candidate]) -> list[Citation]:
    return [
        citation(n, c.passage, c.context_start, c.end, c.quote) for n, c in enumerate(chosen, 1)
    ]
