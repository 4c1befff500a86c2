"""Scoped questions: a year, date, name, version or title in the question that matches some
documents' identity (metadata or file name) points retrieval at those documents.

"In the 2013 document, what did Smith propose?" names no content: it says which document.
The documents whose identity carries the most (and most selective) of the question's
identity terms are the scope; the retriever searches them as well as the whole corpus and
lifts their passages, so a scope that is wrong costs rank, never the answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from assistant.text.distinctive import distinctive_words
from assistant.text.identity import month_names
from assistant.text.names_figures import names, numbers, phrase_words
from assistant.text.terms import tokenize

# Set by the retriever on each passage when the question names documents by identity:
# whether this passage is from one of them.
NAMED_SCOPE_KEY = "named_scope"


def identity_terms(question: str, max_zipf: float) -> set[str]:
    """The question's terms that can say which document it means: figures (years,
    versions), months, the words of its names and its words rare in English."""
    words = [*numbers(question), *month_names(question)]
    words += [word for phrase in names(question) for word in phrase_words(phrase)]
    words += distinctive_words(question, max_zipf)
    return {token for word in words for token in tokenize(word)}


def scope(
    question: str, identities: Mapping[str, frozenset[str]], max_zipf: float
) -> dict[str, float]:
    """The documents the question names, each with the weight of its identity terms the
    question uses (the inverse document frequency among identities: a term every document
    carries selects none); only the best-matching documents, none when nothing matches."""
    terms = identity_terms(question, max_zipf)
    total = len(identities)
    if not terms or total < 2:
        return {}
    frequency = {t: sum(t in tokens for tokens in identities.values()) for t in terms}
    weight = {t: math.log(total / n) for t, n in frequency.items() if 0 < n < total}
    scores = {
        source: sum(w for t, w in weight.items() if t in tokens)
        for source, tokens in identities.items()
    }
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return {}
    return {source: score for source, score in scores.items() if score >= best - 1e-9}
