"""Whether the retrieved passages answer the question at all: one calibrated score.

Every sign that the passages answer or not (how close in meaning the best passage is, how
well the best sentence scores and covers the question, whether a name, figure or metric the
question asks about is missing from the documents quoted, whether an asked-for figure is
stated, whether the question names documents by identity and the answer comes from them)
is a feature of one logistic regression, fitted on the golden sets' tuning parts with its
threshold chosen by leave-one-corpus-out validation
(`assistant.evaluation.answerability_training`). The answerer answers when the probability
reaches the threshold and refuses below it; the features then say why in the refusal.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from langchain_core.documents import Document

from assistant.answer.extractive.scoring import Candidate, SentenceScorer
from assistant.answer.extractive.sentence_model import (
    ANSWERABILITY_MODEL_FILE,
    SentenceModel,
)
from assistant.answer.extractive.support import (
    Unsupported,
    asked_names,
)
from assistant.retrieve.scope import NAMED_SCOPE_KEY
from assistant.text.document_heading import with_heading
from assistant.text.follow_ups import asked_now
from assistant.text.names_figures import occurs, phrase_words, without_attribution
from assistant.text.normalise import normalise_for_matching
from assistant.text.terms import tokenize

ANSWERABILITY_FEATURES = (
    "dense_max",  # the closest passage's similarity in meaning to the question
    "best_score",  # the sentence model's probability for the best sentence
    "best_coverage",  # IDF share of the question's terms in that sentence or its heading
    "best_sentence_similarity",  # that sentence's own similarity in meaning
    "passages_coverage",  # IDF share of the question's terms in any passage or its heading
    "missing_name",  # a name or rare word asked about is in no quoted document
    "name_nowhere",  # and no document of the collection mentions it
    "name_outside_passage",  # a name asked about is not in the best sentence's passage
    "missing_number",  # a figure asked about is in no quoted passage or its identity
    "missing_metric",  # the word naming the asked-for metric is in no passage
    "answer_unstated",  # a figure or a named place or body is asked for; the quotes give none
    "names_documents",  # the question names documents by identity
    "from_named_document",  # and the best sentence is from one of them
)


def answerability_features(
    scorer: SentenceScorer,
    question: str,
    passages: list[Document],
    chosen: list[Candidate],
    missing: Unsupported,
    unstated: str | None,
) -> dict[str, float]:
    """The answerability model's inputs for the chosen sentences."""
    dense = [p.metadata["dense_score"] for p in passages if p.metadata.get("dense_score")]
    best = chosen[0] if chosen else None
    features = best.features if best else {}
    # Without vectors (lexical-only retrieval) closeness in meaning is not measured.
    closest = {"dense_max": float(max(dense))} if dense else {}
    if best is not None and best.passage.metadata.get("sentence_similarities"):
        closest["best_sentence_similarity"] = float(features.get("sentence_similarity", 0.0))
    weights = scorer.term_weights(question)
    retrieved = {t for p in passages for t in tokenize(with_heading(p.page_content, p.metadata))}
    covered = sum(w for t, w in weights.items() if t in retrieved) / (sum(weights.values()) or 1)
    return {
        **closest,
        "passages_coverage": covered,
        "best_score": best.score if best else 0.0,
        "best_coverage": float(features.get("coverage", 0.0)),
        "missing_name": float(bool(missing.names)),
        "name_nowhere": float(
            any(not scorer.lexical.mentioned_anywhere(name) for name in missing.names)
        ),
        "name_outside_passage": float(best is not None and _name_outside(scorer, question, best)),
        "missing_number": float(bool(missing.numbers)),
        "missing_metric": float(bool(missing.metrics)),
        "answer_unstated": float(unstated is not None),
        "names_documents": float(any(NAMED_SCOPE_KEY in p.metadata for p in passages)),
        "from_named_document": float(
            best is not None and best.passage.metadata.get(NAMED_SCOPE_KEY) is True
        ),
    }


def _name_outside(scorer: SentenceScorer, question: str, best: Candidate) -> bool:
    """Whether a name the question asks about is missing from the passage (and its
    document's identity) that the best sentence comes from: its document may name it
    elsewhere, about something else ("Shenzhen's target" answered by Ningbo's)."""
    meta = best.passage.metadata
    passage = normalise_for_matching(with_heading(best.passage.page_content, meta))
    asked = without_attribution(asked_now(question))
    phrases = asked_names(
        scorer.lexical, asked, [meta["source"]], scorer.weights.naming_word_max_zipf
    )
    return any(not occurs(word, passage) for phrase in phrases for word in phrase_words(phrase))


@lru_cache(maxsize=4)
def load_answerability_model(path: Path = ANSWERABILITY_MODEL_FILE) -> SentenceModel:
    """The shipped answerability model, with its threshold."""
    return SentenceModel.from_json(path.read_text(encoding="utf-8"))


def answers(model: SentenceModel, features: dict[str, float]) -> bool:
    """Whether the passages answer: the model's probability reaches its threshold. A
    feature that could not be measured (similarity in meaning, without vectors) counts as
    its mean over the fitting data: it speaks neither way."""
    known = {name: features.get(name, mean) for name, mean in zip(model.features, model.mean)}
    return model.probability(known) >= model.threshold
