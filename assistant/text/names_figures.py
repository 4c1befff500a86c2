"""Salient terms of a question or claim: proper-noun phrases and numbers.

Abstention, follow-up rewriting and LLM answer verification all ask the same thing: which
names and figures does this text commit to, and do they occur in a given passage?
"""

from __future__ import annotations

import re
from collections.abc import Container

from wordfreq import zipf_frequency

from assistant.text.normalise import (
    NUMBER,
    normalise_for_matching,
    normalise_number,
    without_trailing_zeros,
)
from assistant.text.terms import STOPWORDS, tokenize

# Initials are one word ("U.S.", "H.W."), so a name with several is never cut after one.
_NAME_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'\-]*[\w](?:\.\d+)*|[A-Z]\.|[A-Z])"
# A name starts a word; a word with a capital inside ("openSUSE", "squidGuard") is a name
# as a whole, never cut at its capital ("Guard").
_MIXED_CASE = r"(?:[a-z]+[A-Z][\w’'\-]*[\w])"
# "Bank of England" is one name; "Li Qiang and Wang Yi" are two.
_PHRASE = re.compile(rf"(?<![\w’'\-])(?:{_MIXED_CASE}|{_NAME_WORD})(?:\s+(?:of\s+)?{_NAME_WORD})*")
# A number glued to letters before it (IPv6, utf-8, x86_64) is part of an identifier, not
# a figure; letters after it are caught below (14th, 2010s, 64bit).
# Nor does a figure start inside one ("0" of "GPL-3.0").
_NUMBER_WORD = re.compile(r"(?<!\w)(?<![^\W\d][-_])(?<!\d[.,])" + NUMBER.pattern + r"[A-Za-z]*")
YEAR = re.compile(r"^(1[89]|20)\d\d$")  # a normalised number that reads as a year
# A command-line option a question names ("-P", "--debug") and a file path ("/usr/local"):
# named things that a quote must write as they are.
COMMAND_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
FILE_PATH = re.compile(r"(?<!\S)/\w[\w./-]*\w")
# A dotted name as code writes it: "functools.lru_cache", "os.getcwd"; not "3.11", nor
# initials and abbreviations ("U.S.", "e.g.": parts of one letter).
CODE_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w+(?:\.[A-Za-z_]\w+)+")
# Figures written in words: "eleven thousand", "a dozen", "half" (in lower case: "Five-Year
# Plan" and "Two Sessions" are names).
_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|trillion|dozen|half|double|twice|"
    r"triple|quarter|third)\b"
)


# What places a statement in time: a year, a month, a day of the week, a season or holiday,
# a span of time, a word that places one event against another ("after the plenum"), or a
# numbered version or release.
# ("May" is left out: it is as often a verb.)
_TIME = re.compile(
    r"(?<!\d)(?:1[89]|20)\d\d(?!\d)|\b(?:january|february|march|april|june|july|august|"
    r"september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|autumn|"
    r"winter|holidays?|festivals?|new\s+year|today|yesterday|tomorrow|ago|since|until|till|"
    r"after|before|during|while|once|days?|weeks?|months?|years?|decades?|centur(?:y|ies)|"
    r"era|period|times?|later|earlier|recently|now|then|soon|annual|annually)\b"
    r"|\b(?:version|release|v)\s*\d",  # "New in version 3.6": when, in releases
    re.IGNORECASE,
)


def states_a_time(text: str) -> bool:
    """Whether the text says when anything happened, by a date or in words."""
    return _TIME.search(text) is not None


def spelled_figures(text: str) -> list[str]:
    """Figures written as words, in order."""
    return [match.group() for match in _NUMBER_WORDS.finditer(text)]


_QUOTED = re.compile(r"[\"“]([^\"”]{3,})[\"”]")
# Capitalised words that start questions or sentences without naming anything.
_OPENERS = STOPWORDS | {
    "whose",
    "whom",
    "and",
    "how",
    "what",
    "which",
    "who",
    "when",
    "where",
    "why",
    "does",
    "did",
    "do",
    "is",
    "are",
    "was",
    "were",
    "according",
    "in",
    "on",
    "for",
    "by",
    "name",
    "list",
    "give",
    "describe",
    "explain",
    "compare",
    "tell",
    "please",
    "besides",
    "apart",
    "beyond",
    "so",
    # Conjunctions and prepositions that open a clause ("Since Debian packages may not ...").
    "since",
    "unless",
    "although",
    "though",
    "whereas",
    "without",
    "within",
    "upon",
    "via",
    "among",
    "given",
    "assuming",
    "suppose",
    "instead",
}
# Capitalised words that name no thing wherever they stand: the pronoun "I" and its
# contractions, months and days (a date is a figure), the verbs an analyst's request
# opens with ("Summarise", "Compare"), and the parts of a document a cross-reference
# names ("as defined by Sections 1 through 9": no answer to "Which court ...?").
_NEVER_NAME_LIST = """
i i'd i'm i've i'll
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
summarise summarize summarising summary compare comparing contrast outline overview
list describe explain give show identify tell name discuss analyse analyze provide state
find trace track review highlight note
section sections subsection subsections article articles chapter chapters paragraph
paragraphs clause clauses appendix appendices annex annexes exhibit exhibits
"""
_NEVER_NAMES = frozenset(_NEVER_NAME_LIST.split())
# A question's first word that is common in English ("Lowest", "Overall", "Main") is read
# as the sentence's capital, not a name, unless a name follows it.
_COMMON_OPENER_ZIPF = 4.0
_ATTRIBUTION = re.compile(r"\baccording to [^,?]*[,?]?|\bin the (view|words) of [^,?]*[,?]?", re.I)


def _clean(word: str) -> str:
    """A name's word without its possessive, and an acronym without its plural ("CVEs"
    names what the documents call "CVE-2022-29154")."""
    return re.sub(r"^([A-Z]{2,})s$", r"\1", re.sub(r"['’]s$", "", word).strip("'’-"))


def names(text: str) -> list[str]:
    """Proper-noun phrases, possessives removed; a sentence-initial opener, a month or a
    request's verb is not a name. A possessive ends a name: "Shenzhen's GDP" is Shenzhen
    and GDP, not a name "Shenzhen GDP" that any document naming GDP would carry; a plural's
    does not ("People's Bank of China", "Workers' Party")."""
    found: list[str] = []
    for match in _PHRASE.finditer(text):
        before = text[: match.start()].rstrip()
        at_start = not before or before[-1] in ".?!:"
        for part in _possessive_parts(match.group()):
            words = [_clean(word) for word in part.split()]
            if at_start and words and _opens_sentence(words):
                words = words[1:]
            at_start = False
            words = [w for w in words if w.lower().replace("’", "'") not in _NEVER_NAMES]
            while words and words[0].lower() == "of":
                words = words[1:]
            while words and words[-1].lower() == "of":
                words = words[:-1]
            phrase = " ".join(words)
            if phrase and phrase.lower() not in _OPENERS:
                found.append(phrase)
    return found


# Nouns plural without an "s". Their possessive stays inside a name ("People's Bank of
# China", "Children's Hospital"); a plural in "s'" has no "'s" to end a name at.
IRREGULAR_PLURALS = frozenset({"people", "children", "women", "men"})


def _possessive_parts(phrase: str) -> list[str]:
    """The phrase cut after each singular's possessive ("Shenzhen's | GDP")."""
    parts: list[str] = []
    for piece in re.split(r"(?<=['’]s)\s+", phrase):
        possessor = parts[-1].split()[-1][:-2].lower() if parts else ""
        if possessor in IRREGULAR_PLURALS:
            parts[-1] += f" {piece}"
        else:
            parts.append(piece)
    return parts


def _opens_sentence(words: list[str]) -> bool:
    """Whether a phrase's first word is only the capital of its sentence's first word."""
    first = words[0].lower()
    if first in _OPENERS:
        return True
    common = first.isalpha() and zipf_frequency(first, "en") >= _COMMON_OPENER_ZIPF
    return len(words) == 1 and common


def numbers(text: str) -> list[str]:
    """Normalised numbers ('2,000' -> '2000')."""
    return [  # ordinals and decades (14th, 2010s) are not figures; a multiple is ("10x")
        normalise_number(match.group()[:-1]) + "x"
        if _MULTIPLE.search(match.group())
        else normalise_number(match.group())
        for match in _NUMBER_WORD.finditer(text)
        if not match.group()[-1].isalpha() or _MULTIPLE.search(match.group())
    ]


_MULTIPLE = re.compile(r"\dx$")


def quotations(text: str) -> list[str]:
    return [match.group(1).strip() for match in _QUOTED.finditer(text)]


# A name with its version glued on ("GPLv3", "LGPL-2.1", "Python3"), which texts also write
# apart ("GPL 3", "GPL version 3", "LGPL v2.1").
_GLUED_VERSION = re.compile(r"([^\W\d_]{2,}?)[-\s]?v?(\d+(?:\.\d+)*)")


def occurs(term: str, normalised_text: str) -> bool:
    """Whole-word occurrence of a name, number or phrase in `normalise_for_matching` text.
    A number is found with ".0" parts added ("2" in "Apache-2.0", but not "3.0" in "Python
    3"), and a name with its version glued on also written apart ("GPLv3" in "GPL 3",
    "GPL version 3", and "GPL-3.0" there too: the name says the version is whole)."""
    needle = normalise_for_matching(term).strip()
    glued = _GLUED_VERSION.fullmatch(needle)
    if glued is not None:
        anchor, before = glued[1], r"(?<!\w)"
        body = rf"{re.escape(anchor)}[\s-]?(?:v|version\s)?\s?{_whole_number(glued[2])}"
    elif needle[:1].isdigit():
        # Not part of a decimal ("5" in "0.5"), but maybe after a version's "v" ("v4.9").
        anchor, before = needle, r"(?:(?<![\w.])|(?<= v))"
        body = re.escape(needle) + r"(?:\.0)*"  # "2" is in "2.0"; "3.0" is not in "3"
    else:  # a word may end a dotted name ("getcwd" in "os.getcwd()")
        anchor, before, body = needle, r"(?<!\w)", re.escape(needle)
    pattern = re.compile(rf"{before}{body}(?:s|es)?(?![\w]|\.\d)")  # NEV(s)
    # The pattern only matches where its first word is: the regex is tried at those places
    # alone (a search from every position cost 0.3 ms per 40 KB document, a scan of every
    # document per question).
    at = normalised_text.find(anchor) if anchor else -1
    while at >= 0:
        if pattern.match(normalised_text, at):
            return True
        at = normalised_text.find(anchor, at + 1)
    return False


def _whole_number(number: str) -> str:
    """A pattern for the number with or without its trailing ".0" parts."""
    return re.escape(without_trailing_zeros(number)) + r"(?:\.0)*"


def occurs_abbreviated(word: str, normalised_text: str) -> bool:
    """Whether a word of three or more letters starts a longer word of the text: the short
    form of that word inside a name ("Mac OS X" for "Macintosh OS X", "Corp")."""
    needle = normalise_for_matching(word).strip()
    pattern = rf"(?<![\w.]){re.escape(needle)}\w"
    return len(needle) >= 3 and re.search(pattern, normalised_text) is not None


def without_attribution(question: str) -> str:
    """Drop 'according to X' clauses: X is who says it, not what is asked about. Its
    years stay: the year in "according to the 2023 Global Times article" says which
    document is meant, and a document of another year does not answer (a version, as in
    "according to the Python 3.11 docs", may be the collection's, which no page states)."""

    def years(clause: re.Match[str]) -> str:
        return " ".join(["", *(n for n in numbers(clause.group()) if YEAR.match(n)), ""])

    return _ATTRIBUTION.sub(years, question)


_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")


def phrase_words(phrase: str) -> list[str]:
    """The words of a name that are checked, each on its own ('European Central Bank' is
    unsupported by a text that only says 'Central'): no initials ("J.", "H.W.", "U.S.",
    which texts write in many ways), no stopwords."""
    return [
        word
        for word in phrase.split()
        if len(word) > 1 and not _INITIALS.match(word) and word.lower() not in STOPWORDS
    ]


def name_words(text: str) -> list[str]:
    """The words of the names in `text`, in order, once each."""
    return list(dict.fromkeys(word for phrase in names(text) for word in phrase_words(phrase)))


# "<Name> in [up to three capitalised words] <word>": the word places another name ("The
# city of Ningbo in East China's Zhejiang Province" speaks of Ningbo, not of Zhejiang; "Jing
# Qian in a CCA preview" places nobody).
_PLACE_OF = r"[A-Z][\w’'-]*\s+in\s+(?:[A-Z][\w’'-]*\s+){{0,3}}{word}\b"
_USED_AS_PLACE = r"\bin\s+(?:[\w’'-]+\s+){{0,3}}{word}\b"


def only_as_place(word: str, question: str, text: str) -> bool:
    """Whether `text` names `word` only as where another name is, while the question asks
    about it (not "in" it): a city's target quoted for a province's question answers for
    the city. False when the text does not name the word at all."""
    escaped = re.escape(word)
    if re.search(_USED_AS_PLACE.format(word=escaped), question, re.I):
        return False
    said = len(re.findall(rf"\b{escaped}\b", text))
    placed = len(re.findall(_PLACE_OF.format(word=escaped), text))
    return said > 0 and placed == said


_SMALL_WORDS = r"(?:(?:of|for|and|the|on|in|at|de|du|des|la|le)\s+)*"


def spells_initials(acronym: str, text: str) -> bool:
    """Whether an acronym ("TBI", "CCA") spells the initials of consecutive capitalised
    words of the text ("Tony Blair Institute", "Center for China Analysis"), small words
    between them skipped: how a question names a publisher its documents spell out."""
    if not (2 <= len(acronym) <= 6 and acronym.isalpha() and acronym.isupper()):
        return False
    pattern = (r"[\w’'-]*\s+" + _SMALL_WORDS).join(re.escape(letter) for letter in acronym)
    return re.search(rf"(?<![\w’'-]){pattern}", text) is not None


_DEFINED_ACRONYM = re.compile(r"\(([a-z]{2,6})\)")
_DEFINITION_REACH = 120  # characters before "(GWR)" in which its words are looked for


def acronym_definitions(normalised_text: str) -> dict[str, str]:
    """The acronyms a text defines, each with the words it stands for: "government work
    report (GWR)" gives {"gwr": "government work report"}, so a later sentence on the GWR
    speaks of the government work report. Read from `normalise_for_matching` text."""
    defined: dict[str, str] = {}
    for match in _DEFINED_ACRONYM.finditer(normalised_text):
        acronym = match[1]
        if acronym in defined:
            continue
        before = normalised_text[max(0, match.start() - _DEFINITION_REACH) : match.start()]
        letters = (r"[\w’'-]*\s+" + _SMALL_WORDS).join(re.escape(c) for c in acronym)
        words = re.search(rf"(?<![\w’'-]){letters}[\w’'-]*\s*$", before)
        if words:
            defined[acronym] = words.group().strip()
    return defined


_QUESTION_WORD = re.compile(r"[\w.’'-]+")


def qualifies_document(phrase: str, question: str, document_words: Container[str]) -> bool:
    """Whether the name stands beside a word that names a quoted document ("GNU" in "In
    GNU sed 4.9, ..." when "sed" names the document): it is part of how the question says
    which document it means, and that document need not repeat it. A figure beside it
    ("Hangzhou 2025") names no document."""
    pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?:['’]s)?(?!\w)")
    for match in pattern.finditer(question):
        beside = [
            *_QUESTION_WORD.findall(question[: match.start()])[-1:],
            *_QUESTION_WORD.findall(question[match.end() :])[:1],
        ]
        for word in beside:
            if not any(c.isdigit() for c in word) and any(
                token in document_words for token in tokenize(word)
            ):
                return True
    return False
