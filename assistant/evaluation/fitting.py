"""What the model fits share: the golden sets they read, and the single-fact cases of each
asked as `assistant ask` would (follow-ups and analyst questions left out)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tqdm import tqdm

from assistant.answer.extractive.sentence_model import SentenceModel
from assistant.config import Settings
from assistant.evaluation.golden import GoldenCase, load_golden, read_corpus

if TYPE_CHECKING:
    from assistant.service import Assistant

Tried = TypeVar("Tried")


def fit_arguments(
    description: str, default_out: Path, argv: Sequence[str] | None
) -> argparse.Namespace:
    """`--set CORPUS:INDEX:GOLDEN` (repeatable) and `--out FILE`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--set",
        action="append",
        required=True,
        help="CORPUS:INDEX:GOLDEN (repeatable); the index must be built from the corpus",
    )
    parser.add_argument("--out", type=Path, default=default_out)
    return parser.parse_args(argv)


def first_of_the_best(
    tried: Sequence[Tried], figure: Callable[[Tried], float], tolerance: float
) -> Tried:
    """The first option tried whose figure is within `tolerance` of the best: near-equal
    noisy figures count as equals, so a refit on slightly different data keeps its choice
    (the options are tried simplest and most regularised first)."""
    best = max(figure(option) for option in tried)
    return next(option for option in tried if figure(option) >= best - tolerance)


def set_name(spec: str) -> str:
    """A set's name in figures: its golden file's name ("golden-debian.jsonl")."""
    return Path(spec.split(":")[2]).name


def single_fact_cases(spec: str) -> Iterator[tuple[Assistant, GoldenCase]]:
    """The answerable and unanswerable cases of one `CORPUS:INDEX:GOLDEN` set, each with the
    assistant over that index: an overview, a list or a follow-up is no one fact to answer
    or refuse."""
    from assistant.service import Assistant

    corpus, index, golden = (Path(part) for part in spec.split(":"))
    settings = Settings(corpus_dir=corpus, index_dir=index)
    documents = read_corpus(corpus, settings.load_limits)
    cases = load_golden(golden, {source: d.text for source, d in documents.items()})
    assistant = Assistant(settings)
    assistant.lexical.refresh()
    for case in tqdm(cases, desc=golden.name, unit="case"):
        if case.kind != "followup" and not case.analyst_tag:
            yield assistant, case


def write_model(
    model: SentenceModel,
    out: Path,
    option: object,
    measurement: dict[str, object],
    threshold: float = 0.5,
) -> None:
    """The fitted model as shipped: named by its option and date, with the figures that
    chose it."""
    shipped = SentenceModel(
        model.features,
        model.mean,
        model.scale,
        model.coef,
        model.intercept,
        version=f"logistic regression ({option}), fitted {str(measurement['fitted'])[:10]}",
        measurement=measurement,
        threshold=threshold,
    )
    out.write_text(shipped.to_json(), encoding="utf-8")
