"""Distinctive words: terms rare in general English ("chrony", "zstd", "kubeadm").

A question that asks about such a term commits to it as firmly as to a capitalised name: a
passage that never mentions it does not answer the question, however close in meaning it
is. Words common in English are left out, because a paraphrased question uses them freely
where its document uses others. How rare is measured by `wordfreq`'s Zipf scale (about 7
for "the", 3 for "cryptocurrency", 0 for a word it has never seen).
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

from assistant.text.terms import STOPWORDS

# A word with digits is an identifier or a figure (IPv6, x86_64, 2025), which the figure
# checks cover; the parts of compounds ("libnss-ldap", "fifo_file", "etc/fstab") are words.
_WORD = re.compile(r"(?<![\w])[\w]+(?![\w])")
_MIN_LETTERS = 3


@lru_cache(maxsize=4096)
def english_zipf(word: str) -> float:
    """How common the word is in English (wordfreq's Zipf scale)."""
    return float(zipf_frequency(word, "en"))


def distinctive_words(text: str, max_zipf: float) -> list[str]:
    """The words of `text` whose English Zipf frequency is below `max_zipf`, in order,
    once each."""
    runs = (match.group() for match in _WORD.finditer(text))
    words = (part for run in runs if not any(c.isdigit() for c in run) for part in run.split("_"))
    found = (w for w in words if len(w) >= _MIN_LETTERS and w.lower() not in STOPWORDS)
    return list(dict.fromkeys(word for word in found if english_zipf(word.lower()) < max_zipf))
