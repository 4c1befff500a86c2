"""Example questions and topics for the welcome screen, derived from the indexed documents.

Each example asks about a phrase that is frequent in one document and rare in the others, or
compares two names only one document discusses, so it has a real answer; the examples are of
different kinds (a figure, a comparison, an overview) to show what can be asked. The UI shows
them as clickable chips.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.text.names_figures import names
from assistant.text.terms import STOPWORDS

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _topic_word(word: str) -> bool:
    return word.lower() not in STOPWORDS and (len(word) >= 3 or word.isupper())


def key_phrases(text: str) -> tuple[Counter[tuple[str, ...]], dict[tuple[str, ...], str]]:
    """Counts of 2-3 word phrases without stop words, and each phrase's commonest spelling
    (mid-sentence lower case wins a tie).

    A pair that only ever occurs inside one longer phrase is dropped in its favour.
    """
    words = list(_WORD.finditer(text))
    counts: Counter[tuple[str, ...]] = Counter()
    spellings: dict[tuple[str, ...], Counter[str]] = {}
    for i in range(len(words)):
        for size in (2, 3):
            group = words[i : i + size]
            if len(group) < size or any(
                text[a.end() : b.start()] != " " for a, b in itertools.pairwise(group)
            ):
                break
            found = [m.group(0) for m in group]
            if not all(map(_topic_word, found)):
                break
            if not any(len(word) >= 5 or word.isupper() for word in found):
                continue  # units and fillers such as "per cent"
            key = tuple(word.lower() for word in found)
            counts[key] += 1
            spellings.setdefault(key, Counter())[" ".join(found)] += 1
    for key in [k for k in counts if len(k) == 3]:
        for part in (key[:2], key[1:]):
            if counts.get(part) == counts[key]:
                del counts[part]
    return counts, {
        key: max(forms, key=lambda form: (forms[form], form[0].islower()))
        for key, forms in spellings.items()
    }


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A figure an analyst would ask for: a share, an amount or a count of something large.
_FIGURE = re.compile(
    r"\d[\d,.]*\s*(?:%|percent\b|per cent\b|(?:b|m|tr)illion\b|yuan\b|dollars\b)", re.I
)


def _ranked(
    counts: Counter[tuple[str, ...]],
    frequency: Counter[tuple[str, ...]],
    title: str,
    documents: int,
) -> list[tuple[str, ...]]:
    """A document's phrases, the most its own first (frequent in it, rare in the others)."""
    scored = [
        (n * len(key) * math.log(1 + documents / frequency[key]), key)
        for key, n in counts.items()
        if n >= 2 and " ".join(key) not in title
    ]
    return [key for _, key in sorted(scored, reverse=True)]


def _figures(text: str, phrase: str) -> int:
    """How many sentences with `phrase` (any case) also state a figure (a share or an amount)."""
    phrase = phrase.lower()
    return sum(
        1
        for sentence in _SENTENCE_END.split(text)
        if phrase in sentence.lower() and _FIGURE.search(sentence)
    )


def _name_pair(
    ordered: Sequence[Mapping[str, Any]], texts: Mapping[str, str]
) -> tuple[str, str] | None:
    """Two names that only one document mentions, each more than once (places, bodies,
    people), those stated with figures first: a comparison the documents can answer. A word
    that also occurs in lower case ("Source", "Figure") is no name, nor is an acronym or a
    name from a title."""
    corpus = "\n".join(texts.values())
    for document in ordered:
        text = texts.get(document["source"], "")
        others = [t for source, t in texts.items() if source != document["source"]]
        title = str(document.get("title") or "")
        found = [
            name
            for name, n in Counter(names(text)).most_common()
            if n >= 2
            and " " not in name  # a place, body or person, not a phrase like "Two Sessions"
            and not name.isupper()
            and name not in title
            and not any(name in other for other in others)
            and not re.search(rf"\b{re.escape(name.lower())}\b", corpus)
        ]
        found.sort(key=lambda name: _figures(text, name) > 0, reverse=True)  # stable
        if len(found) >= 2:
            return found[0], found[1]
    return None


def example_questions(
    documents: Sequence[Mapping[str, Any]], texts: Mapping[str, str], limit: int
) -> list[str]:
    """Up to `limit` questions of different kinds, so the chips show what can be asked: what
    the documents say about a topic, a figure, a comparison of two names one document
    discusses, an overview of a topic, then more topics. Each topic is a phrase frequent in
    one document and rare in the others (newest documents first), so each example has a real
    answer; phrases from a title are skipped, as asking about them tends to return the title
    line."""
    if limit <= 0:
        return []
    ordered = sorted(documents, key=lambda d: str(d.get("published") or ""), reverse=True)
    phrases = {d["source"]: key_phrases(texts.get(d["source"], "")) for d in ordered}
    frequency = Counter(key for counts, _ in phrases.values() for key in counts)
    ranked = {
        d["source"]: _ranked(
            phrases[d["source"]][0],
            frequency,
            " ".join(str(d.get("title") or "").lower().split()),
            len(ordered),
        )
        for d in ordered
    }
    questions: list[str] = []
    used: set[str] = set()  # words already asked about
    asked: set[str] = set()  # documents already asked about

    def topic(source: str) -> str | None:
        _, spelling = phrases[source]
        for key in ranked[source]:
            if used.isdisjoint(key):
                used.update(key)
                asked.add(source)
                return spelling[key]
        return None

    def figure() -> str | None:
        """The phrase most often stated with a figure, among each document's own five."""
        best: tuple[int, str, tuple[str, ...]] | None = None
        for document in ordered:
            source = document["source"]
            if source in asked:
                continue
            for key in ranked[source][:5]:
                count = _figures(texts.get(source, ""), phrases[source][1][key])
                if used.isdisjoint(key) and count and (best is None or count > best[0]):
                    best = (count, source, key)
        if best is None:
            return None
        _, source, key = best
        used.update(key)
        asked.add(source)
        return phrases[source][1][key]

    for document in ordered:
        if phrase := topic(document["source"]):
            questions.append(f"What do the documents say about {phrase}?")
            break
    if phrase := figure():
        questions.append(f"What figures are given for {phrase}?")
    if pair := _name_pair(ordered, texts):
        questions.append(f"Compare {pair[0]} and {pair[1]}.")
    for document in ordered:
        if document["source"] not in asked and (phrase := topic(document["source"])):
            questions.append(f"Give an overview of {phrase}.")
            break
    for document in ordered:
        if document["source"] not in asked and (phrase := topic(document["source"])):
            questions.append(f"What do the documents say about {phrase}?")
    return questions[:limit]


def topics(documents: Sequence[Mapping[str, Any]], texts: Mapping[str, str]) -> list[str]:
    """What the library is about, for the first screen: up to two names that the titles of
    at least two documents share, or failing that their texts (most widely shared first)."""
    if len(documents) < 2:
        return []
    readers = (
        (lambda d: str(d.get("title") or ""), 2),
        (lambda d: texts.get(d["source"], ""), max(2, len(documents) / 2)),
    )
    for read, least in readers:
        shared: Counter[str] = Counter()
        for document in documents:
            shared.update({name for name in names(read(document)) if not name.isupper()})
        common = [name for name, n in shared.most_common() if n >= least]
        if common:
            return common[:2]
    return []
