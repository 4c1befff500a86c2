"""Fit the extractive answerer's sentence model on the tuning part of the golden sets.

    python -m assistant.evaluation.sentence_training \
        --set corpus:index:evals/golden.jsonl \
        --set ../corpora/debian:/tmp/debian-index:evals/golden-debian.jsonl

Every answerable and unanswerable case of each set is retrieved as `assistant ask` would;
every candidate sentence of its passages becomes a row of features (`scoring.MODEL_INPUTS`),
labelled positive when its quote states one of the case's facts and shares words with an
evidence quote. Unanswerable cases add only negatives. Options (regularisation, feature
sets) are compared by the share of cases with a positive among their three best-scored
sentences (then among their best one), by leave-one-corpus-out validation over the tuning
cases: each corpus is scored by the model fitted on the others, and the corpora's figures
are averaged. The chosen option is refitted on all tuning rows and written to
`sentence_model.json` with the figures that chose it, each corpus's from the fold where it
was held out. The test part is scored once, for the report, and never used to choose.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from assistant.answer.extractive.scoring import FEATURES, MODEL_INPUTS
from assistant.answer.extractive.sentence_model import (
    MODEL_FILE,
    SentenceModel,
    load_sentence_model,
)
from assistant.evaluation.fitting import (
    first_of_the_best,
    fit_arguments,
    set_name,
    single_fact_cases,
    write_model,
)
from assistant.evaluation.golden import GoldenCase, case_part
from assistant.evaluation.loco import folds, held_out, mean_of
from assistant.evaluation.metrics import fact_present
from assistant.text.terms import tokenize

# A positive quote shares at least this share of an evidence quote's terms: a figure that
# matches by chance in an unrelated sentence is not the answer.
MIN_EVIDENCE_OVERLAP = 0.3
REGULARISATION = (0.01, 0.1, 1.0)


@dataclass
class CaseRows:
    """One case's candidate sentences: features, labels, and which part it belongs to."""

    case_id: str
    corpus: str
    part: str
    answerable: bool
    features: np.ndarray  # (candidates, len(MODEL_INPUTS))
    labels: np.ndarray  # 1 where the quote states the answer
    question: str
    quotes: list[str]


def is_answer(quote: str, case: GoldenCase) -> bool:
    """Whether a quote states one of the case's facts in the words of its evidence."""
    if not any(fact_present(quote, fact) for fact in case.facts):
        return False
    terms = set(tokenize(quote))
    return any(
        len(terms & set(tokenize(evidence))) >= MIN_EVIDENCE_OVERLAP * len(set(tokenize(evidence)))
        for evidence in case.evidence
    )


def collect(spec: str) -> list[CaseRows]:
    """Candidate rows of every answerable and unanswerable case of one golden set."""
    rows: list[CaseRows] = []
    for assistant, case in single_fact_cases(spec):
        scorer = assistant.extractive.scorer
        candidates = scorer.candidates(case.question, assistant.retrieve(case.question))
        answerable = case.kind == "answerable"
        rows.append(
            CaseRows(
                case_id=case.id,
                corpus=set_name(spec),
                part=case_part(case.id),
                answerable=answerable,
                features=np.array(
                    [[c.features[name] for name in MODEL_INPUTS] for c in candidates], dtype=float
                ).reshape(len(candidates), len(MODEL_INPUTS)),
                labels=np.array(
                    [answerable and is_answer(c.quote, case) for c in candidates], dtype=int
                ),
                question=case.question,
                quotes=[c.quote for c in candidates],
            )
        )
    return rows


def best_k(cases: Sequence[CaseRows], scores: Sequence[np.ndarray], k: int) -> float:
    """Share of the cases with some positive candidate that have one among their k best."""
    judged = [
        bool(case.labels[np.argsort(-score, kind="stable")[:k]].any())
        for case, score in zip(cases, scores)
        if case.labels.any()
    ]
    return sum(judged) / (len(judged) or 1)


@dataclass(frozen=True)
class Option:
    """One way of fitting: which features, how much regularisation, which class weights."""

    features: str
    c: float
    balanced: bool

    @property
    def columns(self) -> list[int]:
        names = FEATURE_SETS[self.features]
        return [i for i, name in enumerate(MODEL_INPUTS) if name.removesuffix("_gap") in names]

    def __str__(self) -> str:
        weights = "balanced" if self.balanced else "unweighted"
        return f"{self.features}, C={self.c}, {weights}"


def fit(cases: Sequence[CaseRows], option: Option) -> SentenceModel:
    """A logistic regression on standardised features of every candidate of the cases."""
    columns = option.columns
    x = np.vstack([case.features[:, columns] for case in cases])
    y = np.concatenate([case.labels for case in cases])
    scaler = StandardScaler().fit(x)
    regression = LogisticRegression(
        C=option.c, class_weight="balanced" if option.balanced else None, max_iter=3000
    )
    regression.fit(scaler.transform(x), y)
    return SentenceModel(
        features=tuple(MODEL_INPUTS[i] for i in columns),
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) or 1.0 for v in scaler.scale_),
        coef=tuple(float(v) for v in regression.coef_[0]),
        intercept=float(regression.intercept_[0]),
    )


def scores_of(model: SentenceModel, case: CaseRows) -> np.ndarray:
    return np.array(
        [model.probability(dict(zip(MODEL_INPUTS, row, strict=True))) for row in case.features]
    )


def judged(model: SentenceModel, cases: Sequence[CaseRows]) -> dict[str, float]:
    scores = [scores_of(model, case) for case in cases]
    return {f"best_{k}": round(best_k(cases, scores, k), 3) for k in (1, 3)}


def cross_validated(cases: Sequence[CaseRows], option: Option) -> dict[str, float]:
    """Mean best-1 and best-3 over the corpora, each scored by the model fitted without it
    (leave-one-corpus-out: a fit that only suits the corpora it saw scores low here)."""
    by_corpus = held_out(
        list(cases), lambda case: case.corpus, lambda train: fit(train, option), judged
    )
    return {
        **{key: mean_of(by_corpus, key) for key in ("best_1", "best_3")},
        **{f"{corpus}:{key}": value for corpus, r in by_corpus.items() for key, value in r.items()},
    }


# Feature sets compared: all of them, and each group left out (what does it bring?).
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "all": FEATURES,
    "no passage similarity": tuple(f for f in FEATURES if f != "passage_similarity"),
    "no sentence similarity": tuple(f for f in FEATURES if f != "sentence_similarity"),
    "no kind (heading, question, code, table)": tuple(
        f for f in FEATURES if f not in {"heading", "question", "code", "table"}
    ),
    "no figures (brings, lacks, other year)": tuple(
        f for f in FEATURES if f not in {"brings_figure", "lacks_figure", "other_year"}
    ),
    "lexical only (coverage, passage coverage, rank)": (
        "coverage",
        "passage_coverage",
        "reciprocal_rank",
    ),
}
# Only unweighted fits: the answerer takes companion sentences at a share of the best
# sentence's probability, which class-balanced weights inflate for every candidate (refit of
# 2026-11-23: 'balanced' won CV best-3 by 0.01, and at the same ratios the median answer went
# from 53 to 77 words on the shipped tuning part).
OPTIONS = [Option(features, c, balanced=False) for features in FEATURE_SETS for c in REGULARISATION]


# Options whose cross-validated best-3 is within this of the best are equals, and the first
# tried (fewest features removed, most regularised) is taken: about one case of the smallest
# corpus (16 tuning cases of licences, one of four folds: 1 / 16 / 4). Taking the top of
# near-equal figures chose another option whenever one corpus's features moved (2026-12-07:
# licences' new header dates flipped the shipped fold from "no figures, C=1.0" at .825 to
# "all, C=1.0" at .851, and its held-out fact recall from .865 / .833 to .832 / .788; with
# this rule it takes "all, C=0.1": .870 / .833. Over the five folds and both parts, summed:
# fact recall 7.49 -> 7.69, false refusals .833 -> .823, refused unanswerable 9.15 -> 8.82
# (one of licences' three tuning near misses is answered again).
EQUAL_CV = 0.015


def main(argv: Sequence[str] | None = None) -> int:
    args = fit_arguments(__doc__.split("\n")[0], MODEL_FILE, argv)
    rows = [row for spec in args.set for row in collect(spec)]
    tuning = [case for case in rows if case.part == "tuning"]
    test = [case for case in rows if case.part == "test"]
    previous = load_sentence_model()
    before = {"tuning": judged(previous, tuning), "test": judged(previous, test)}
    print(f"shipped model ({previous.version}): {before}")
    tried = []
    for option in OPTIONS:
        tried.append((cross_validated(tuning, option), option))
        print(f"cv {tried[-1][0]}  {option}")
    # Best-3: the answer quotes up to three sentences.
    cv, option = first_of_the_best(tried, lambda pair: pair[0]["best_3"], EQUAL_CV)
    model = fit(tuning, option)
    held_out_test = {
        corpus: judged(fit([c for c in train if c.part == "tuning"], option), mine)
        for corpus, train, held in folds(rows, lambda case: case.corpus)
        if (mine := [c for c in held if c.part == "test"])
    }
    print(f"held-out test parts: {held_out_test}")
    measurement = {
        "fitted": datetime.now(UTC).isoformat(timespec="seconds"),
        "golden_sets": sorted({case.corpus for case in rows}),
        "tuning_cases": len(tuning),
        "tuning_candidates": int(sum(len(case.labels) for case in tuning)),
        "chosen": {"option": str(option), "cv": cv},
        "held_out_test": held_out_test,
        "tuning": judged(model, tuning),
        "test": judged(model, test),
        "previous_model": {"version": previous.version, **before},
        "options": [{"option": str(o), "cv": result} for result, o in tried],
    }
    write_model(model, args.out, option, measurement)
    print(json.dumps({k: measurement[k] for k in ("chosen", "tuning", "test")}))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
