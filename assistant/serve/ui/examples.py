"""Example questions for the welcome screen, derived from the indexed documents themselves.

Each example asks about a phrase that is frequent in one document and rare in the others, so
it has a real answer; the UI shows them as clickable chips.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

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


def example_questions(
    documents: Sequence[Mapping[str, Any]], texts: Mapping[str, str], limit: int
) -> list[str]:
    """Up to `limit` questions, one per document (newest first), about a phrase that is
    frequent in that document and rare in the others, so each example has a real answer.
    Phrases from the title are skipped: asking about them tends to return the title line."""
    if limit <= 0:
        return []
    ordered = sorted(documents, key=lambda d: str(d.get("published") or ""), reverse=True)
    phrases = {d["source"]: key_phrases(texts.get(d["source"], "")) for d in ordered}
    frequency = Counter(key for counts, _ in phrases.values() for key in counts)
    questions: list[str] = []
    used: set[str] = set()
    for document in ordered:
        counts, spelling = phrases[document["source"]]
        title = " ".join(str(document.get("title") or "").lower().split())
        ranked = sorted(
            (
                (n * len(key) * math.log(1 + len(ordered) / frequency[key]), key)
                for key, n in counts.items()
                if n >= 2 and " ".join(key) not in title
            ),
            reverse=True,
        )
        for _, key in ranked:
            if used.isdisjoint(key):
                questions.append(f"What do the documents say about {spelling[key]}?")
                used.update(key)
                break
        if len(questions) >= limit:
            break
    return questions
