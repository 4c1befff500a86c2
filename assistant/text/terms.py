"""Lexical terms: lower-cased, stemmed words (British spellings read as American ones),
normalised numbers and CJK bigrams.

What BM25 indexes and what the answerer weighs a question's words by; pure, no store.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from assistant.text.normalise import NUMBER, normalise_number

# Numbers keep decimals and drop thousands separators ("2,000" -> "2000"); a percent sign
# adds a second token ("7.2%" -> "7.2", "7.2%"). CJK runs become character bigrams.
_TOKEN = re.compile(
    rf"(?P<num>{NUMBER.pattern})(?P<pct>\s?%)?"
    r"|(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)",
)
# The "v" that glues a version to an acronym ("GPLv3", "IPv6"): the name and the version
# are two terms, as where they are written apart ("GPL 3", "GPL-3").
_GLUED_VERSION = re.compile(r"(?<=[A-Z]{2})v(?=\d)")
# English function words, plus reporting verbs that say who said it, not what.
_STOPWORD_LIST = """
a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each few
for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just me more most my myself no nor not now of off on once only
or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you
your yours yourself yourselves s t don according say said says
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, stemmed word tokens, normalised numbers, CJK bigrams."""
    if len(text) > _CACHED_MAX_CHARS:
        return list(_tokens(text, keep_stopwords))
    return list(_cached_tokens(text, keep_stopwords))


# Every ask tokenizes each sentence of its passages several times (scoring, the identity
# checks) and the same passages come back across asks, so a sentence is tokenized once.
# Whole chunks (indexing, BM25) are not kept; 8,192 texts of 590 characters took 43 MB.
_CACHED_MAX_CHARS = 600


@lru_cache(maxsize=8_192)
def _cached_tokens(text: str, keep_stopwords: bool) -> tuple[str, ...]:
    return _tokens(text, keep_stopwords)


def _tokens(text: str, keep_stopwords: bool) -> tuple[str, ...]:
    tokens: list[str] = []
    words: list[str] = []
    for match in _TOKEN.finditer(_GLUED_VERSION.sub(" ", text).lower()):
        if match["num"]:
            number = normalise_number(match["num"])
            tokens.append(number)
            if match["pct"]:
                tokens.append(number + "%")
        elif match["cjk"]:
            run = match["cjk"]
            tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            word = match["word"].replace("’", "'").removesuffix("'s")
            if keep_stopwords or word not in STOPWORDS:
                # One spelling for both sides of the Atlantic: "defence" and "defense",
                # "licence" and "license", "summarise" and "summarize" are one term
                # (breame's British-to-American word list), however each side writes it.
                words.append(BRITISH_ENGLISH_SPELLINGS.get(word, word))
    return (*tokens, *_stemmer().stemWords(words))


# A word's other forms: its stem with an inflection ("earmark" in "earmarked"), and for a
# long word anything sharing all but its stem's last two letters ("prioritises",
# "priorities"); "chrony" is not "chronicle".
_FORM_MIN_LETTERS = 8
_FORM_KEPT_LETTERS = 7
_INFLECTION = r"(?:e|s|es|ed|ing|y|ies|ied|er|ers|ly)?"
_PLURAL_MIN_LETTERS = 3  # "bus" is no plural of "bu"


def other_form_occurs(word: str, normalised_text: str) -> bool:
    """Whether the text has the word in another form than the one asked: its stem with an
    inflection, or for a stem of 8 letters or more its first letters (all but two, at
    least 7) with a short ending. A British spelling's forms are looked for in both
    spellings: "serialise" is "serializer" (from "serialis") as "serialize" is."""
    stems = tokenize(word)
    if len(stems) != 1:
        return False
    lowered = word.lower()
    as_written = _stemmer().stemWord(lowered) if lowered.isalpha() else stems[0]
    return any(
        _form_occurs(stem, normalised_text, kept_whole=stem == lowered)
        for stem in dict.fromkeys((*stems, as_written))
    )


def _form_occurs(stem: str, normalised_text: str, kept_whole: bool) -> bool:
    """Whether the text has a form of this stem (`kept_whole`: the stemmer left the word
    as written, so a final "s" may be a plural's)."""
    ending = _INFLECTION
    if len(stem) >= _FORM_MIN_LETTERS:
        stem, ending = stem[: max(_FORM_KEPT_LETTERS, len(stem) - 2)], r"[a-z]{0,4}"
    elif kept_whole and len(stem) > _PLURAL_MIN_LETTERS and stem.endswith("s"):
        # A plural the stemmer keeps whole: "CVEs" for "CVE-2022-29154" (not "licens" of
        # "license", which is no plural).
        stem = stem[:-1]
    pattern = rf"(?<![\w']){re.escape(stem)}{ending}(?![\w])"
    return re.search(pattern, normalised_text) is not None
