"""A document's identity from its path: the words of its file name and folders, a title
made of them, the date they carry, and whether a first line can stand as a title.

Collections are named the way their owners name them (`2013-Smith-2.txt`,
`minutes/2019-06-12_board.txt`, `GPL-3.0.txt`): the file name is often the only place a
document's year, author or version appears, so it is read as part of what the document is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from assistant.text.distinctive import english_zipf
from assistant.text.normalise import without_trailing_zeros
from assistant.text.terms import tokenize

# Changes whenever these rules read a path or first line differently: a re-run of
# `assistant index` then loads every file again (documents whose identity changed are
# re-embedded; the others keep their vectors).
IDENTITY_VERSION = (
    "identity-9"  # 9: a copyright line's holder is the publisher when nothing else gives
    # one; 8: a date in the header's first lines is the date when nothing else
    # gives one; 7: a date spread over folders (2019/06/12/) is one date; 6: an "Author:"
    # field among the first lines is the author; 5: an address list is no title ("Mr.
    # President, Mr. Speaker, Members of the Congress:"); 4: a copyright line is no title;
    # 3: a version after the last dot is no file type
)
# A date or year standing apart in a name: 2019-06-12, 2019_06_12, 20190612, 2019-06, 2019.
_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)"
    r"(?:(?P<sep>[-_.]?)(?P<month>0[1-9]|1[0-2])(?:(?P=sep)(?P<day>0[1-9]|[12]\d|3[01]))?)?"
    r"(?!\d)"
)
# A date spread over folders, year first: `minutes/2019/06/12.txt`, `archive/2019/06/`.
_FOLDER_DATE = re.compile(
    r"(?<![^/])(?P<year>(?:19|20)\d\d)/(?P<month>0[1-9]|1[0-2])(?:/(?P<day>0[1-9]|[12]\d|3[01]))?"
    r"(?=[/._-]|$)"
)
# A version of three parts or more ("8.0.0", "3.11.4"), whose leading parts name its series.
_VERSION = re.compile(r"\d+(?:\.\d+){2,}")
# Separators of the words in a name; a dot between digits is a version ("3.0"), kept.
_NAME_SEPARATOR = re.compile(r"[\s_-]+|(?<!\d)\.|\.(?!\d)")
# Names that say nothing about the document: hashes, serial numbers ("003_13730679fda5be95").
_OPAQUE = re.compile(r"^(?:0\d*|\d{5,}|(?=.*\d)[0-9a-f]{8,})$", re.IGNORECASE)
# A first line that greets or addresses someone, or routes a memo, is no title.
_SALUTATION = re.compile(
    r"^(?:dear|my dear|to whom|to the|to:|hi|hello|greetings|gentlemen|ladies|sir|madam|"
    r"fellow|my fellow|members of|"
    r"from:|re:|subject:|memorandum for|attn|attention)\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_LINE = re.compile(
    rf"^[\W\d]*(?:(?:{_MONTH}|\d{{1,2}}(?:st|nd|rd|th)?)[\s,./-]*){{1,3}}(?:(?:19|20)\d\d)?[\W]*$",
    re.IGNORECASE,
)
# A line opening with a list or outline mark ("* Bug fixes", "• Option ...", "- item").
_LIST_MARK = re.compile(r"^(?:[*•‣◦+-]+|\d{1,3}[.)])\s")
# A line that stops where a sentence cannot: on a comma, a conjunction or preposition.
_CUT = re.compile(r"(?:,|\b(?:and|or|but|of|to|the|a|an|in|for|with|that|by))$", re.IGNORECASE)
TITLE_MAX_WORDS = 15  # a longer first line is a sentence of the text, not its title
_MONTH_NAMES = """january february march april may june july august september october
november december"""
_MONTHS = _MONTH_NAMES.split()
_MONTH_NUMBER = {name[:3]: number for number, name in enumerate(_MONTHS, start=1)}
_ISO_MONTH = re.compile(r"(?<!\d)(?:19|20)\d\d-(0[1-9]|1[0-2])(?!\d)")


def file_suffix(name: str) -> str:
    """A file name's type suffix in lower case (".txt"); "" when it has none, or when what
    follows its last dot is a number: "LGPL-2.1" and "Apache-2.0" are versions, not types."""
    suffix = PurePosixPath(name).suffix
    return "" if suffix[1:].isdigit() else suffix.lower()


def path_words(source: str) -> list[str]:
    """The meaningful words of a path, folders first, without extension, hashes or serial
    numbers: `reports/2019-06-12_board-minutes.txt` → reports 2019-06-12 board minutes."""
    path = _folder_dates_joined(source)
    own = path.stem if file_suffix(path.name) else path.name
    parts = [*path.parent.parts, own]
    words: list[str] = []
    for part in parts:
        if part in (".", ""):
            continue
        words += [w for w in _split_name(part) if w and not _OPAQUE.match(w)]
    return words


def _split_name(part: str) -> list[str]:
    """Words at the separators; a full date is one word, written 2019-06-12."""
    words: list[str] = []
    at = 0
    for match in _DATE.finditer(part):
        if match["month"]:
            words += _NAME_SEPARATOR.split(part[at : match.start()])
            words.append(_iso(match))
            at = match.end()
    return words + _NAME_SEPARATOR.split(part[at:])


def _iso(match: re.Match[str]) -> str:
    return "-".join(p for p in (match["year"], match["month"], match["day"]) if p)


def _folder_dates_joined(source: str) -> PurePosixPath:
    """The path with a date spread over folders written as one: `minutes/2019/06/12.txt` →
    `minutes/2019-06-12.txt`, so that its month and day are read as a date, not dropped as
    serial numbers."""
    return PurePosixPath(_FOLDER_DATE.sub(_iso, source))


def title_from_path(source: str) -> str:
    """A readable title made of the path's words: `2019-06-12_board-minutes.txt` →
    "2019-06-12 board minutes"; the folders lead ("minutes › 2019-06-12 board")."""
    path = _folder_dates_joined(source)
    named = (" ".join(path_words(part)) for part in path.parent.parts if part != ".")
    folders = " › ".join(words for words in named if words)
    own = " ".join(path_words(path.name)) or path.name
    return f"{folders} › {own}" if folders else own


def date_from_path(source: str) -> str:
    """The most precise date in the path, the file name before its folders: "2019-06-12",
    "2019-06" or "2019"; "" when none."""
    path = _folder_dates_joined(source)
    for part in [path.name, *reversed(path.parent.parts)]:
        precision = lambda m: bool(m["month"]) + bool(m["day"])  # noqa: E731
        best = max(_DATE.finditer(part), key=precision, default=None)
        if best:
            return _iso(best)
    return ""


_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s)", re.IGNORECASE)


def usable_title(line: str) -> bool:
    """Whether a document's first line can be its title: not a salutation or an address,
    not a date or copyright line, not a sentence of the text (over TITLE_MAX_WORDS words)."""
    text = line.strip()
    if not text or not re.search(r"[^\W\d_]", text):
        return False
    if _SALUTATION.match(text) or _DATE_LINE.match(text) or _COPYRIGHT.match(text):
        return False  # "Copyright (c) The Regents of ..." says whose, not what
    if text.endswith(",") or (text.endswith(":") and (len(text.split()) <= 4 or "," in text)):
        return False  # "Dear Members," / "Shareholders:" / "Mr. President, Mr. Speaker, ...:"
    if _LIST_MARK.match(text) or _CUT.search(text):
        return False  # an item of a list, or a sentence wrapped onto the next line
    return len(text.split()) <= TITLE_MAX_WORDS


# An author field among a document's opening lines: "Author: A. M. Kuchling", "Authors:
# Andrew Dalke and Raymond Hettinger", "Written by Vinay Sajip <vinay at red-dove dot com>".
_AUTHOR_FIELD = re.compile(r"^\s*(?:authors?\s*:|written\s+by\b:?)\s*(?P<name>.+?)\s*$", re.I)
# What follows a name in such a field: an address in angle brackets or parentheses.
_CONTACT = re.compile(r"\s*[<(].*$")
AUTHOR_LINES = 10  # the field is read among this many first non-blank lines
_AUTHOR_MAX_WORDS = 12


def _opening_lines(text: str) -> list[str]:
    """The first AUTHOR_LINES non-blank lines, where a document's header states who wrote
    it, whose it is and when."""
    return [line for line in text.splitlines() if line.strip()][:AUTHOR_LINES]


def stated_author(text: str) -> str:
    """The author a document states in an "Author:" or "Written by" field among its first
    lines (a HOWTO's field list, a memo's header), without the contact address that may
    follow; "" when it states none. A name starts with a capital and is no sentence."""
    for line in _opening_lines(text):
        field = _AUTHOR_FIELD.match(line)
        if field is None:
            continue
        name = _CONTACT.sub("", field["name"]).strip(" ,;")
        if name[:1].isupper() and len(name.split()) <= _AUTHOR_MAX_WORDS and name[-1] != ".":
            return name
    return ""


# A copyright line among the first: "Copyright (C) 2007 Free Software Foundation, Inc.",
# "© 2023 Brookings Institution. All rights reserved.", "Copyright (c) The Regents of ...".
_COPYRIGHT_LINE = re.compile(
    r"^\s*(?:copyright\b\s*(?:\(c\)|©)?|©|\(c\))\s*"
    r"(?:(?:19|20)\d\d(?:\s*[-,–]\s*(?:(?:19|20)\d\d|\d\d))*\s*[,.]?\s*)?"
    r"(?P<holder>[A-Z][^<(\n]*?)\s*(?:[.,;]?\s*all rights reserved\b.*|[.,;]*\s*(?:[<(].*)?)$",
    re.IGNORECASE,
)
_HOLDER_MAX_WORDS = 10


def stated_publisher(text: str) -> str:
    """Whose the document is, by the copyright line among its first lines ("Free Software
    Foundation, Inc."); "" when none. A template's placeholder ("<name of author>", "YEAR
    YOUR NAME") names no one."""
    for line in _opening_lines(text):
        found = _COPYRIGHT_LINE.match(line)
        if found is None:
            continue
        holder = found["holder"].strip(" ,;")
        if (
            holder[:1].isupper()
            and not holder.isupper()
            and len(holder.split()) <= _HOLDER_MAX_WORDS
        ):
            return holder
    return ""


_MONTH_WORD = rf"(?P<month>{_MONTH})"
_YEAR_WORD = r"(?P<year>(?:19|20)\d\d)"
# A date written out: "29 June 2007", "June 29, 2007", "January 2004", "2007-06-29".
_STATED_DATES = [
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH_WORD}\s*,?\s+{_YEAR_WORD}\b", re.I),
    re.compile(rf"\b{_MONTH_WORD}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR_WORD}\b", re.I),
    re.compile(rf"\b{_MONTH_WORD}\s*,?\s+{_YEAR_WORD}\b", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<number>0[1-9]|1[0-2])-(?P<day>[0-3]\d)\b"),
]
_HEADER_LINE_WORDS = 12  # a longer line is the text's prose, whose dates are its subject's


def stated_date(text: str) -> str:
    """The date a document's header states among its first lines ("Version 3, 29 June
    2007", "Version 2.0, January 2004", a memo's date line) as "2007-06-29" or "2004-01";
    "" when none. A bare year says less (a copyright line's) and is not taken."""
    for line in _opening_lines(text):
        if len(line.split()) > _HEADER_LINE_WORDS:
            continue
        for pattern in _STATED_DATES:
            found = pattern.search(line)
            if found is None:
                continue
            groups = found.groupdict()
            number = groups.get("number") or ""
            if groups.get("month"):
                number = f"{_MONTH_NUMBER[groups['month'][:3].lower()]:02d}"
            day = int(groups["day"]) if groups.get("day") else 0
            if day > 31:
                continue
            return "-".join([found["year"], number, *([f"{day:02d}"] if day else [])])
    return ""


def month_name(number: int) -> str:
    """The English name of month `number` (1-12), in lower case: 6 → "june"."""
    return _MONTHS[number - 1]


def month_names(text: str) -> list[str]:
    """The months named in a text, as lower-case English words ("march")."""
    return [word for word in re.findall(r"[a-z]+", text.lower()) if word in _MONTHS]


# The small words a name's initials skip ("Tony Blair Institute for Global Change": TBIGC).
_SMALL = ("of", "for", "and", "the", "on", "in", "at", "de", "du", "la", "le")
# A run of capitalised words, small words between them allowed: "Tony Blair Institute for
# Global Change", "GNU General Public License".
_CAPITALISED_RUN = re.compile(
    rf"(?<![\w’'-])[A-Z][\w’'-]*(?:\s+(?:(?:{'|'.join(_SMALL)})\s+)*[A-Z][\w’'-]*)+"
)
_ACRONYM_MIN_LETTERS = 3  # fewer letters spell too many other things ("IT", "AS")
# Initials that spell a common English word ("BIG" of "Blair Institute for Global") are read
# as that word: on wordfreq's Zipf scale "big" is 5.7, "man" 5.8; acronyms in use are rarer
# ("NASA" 4.2, "GPL" 2.7, "TBI" 2.8).
_ACRONYM_MAX_ZIPF = 4.5


def acronyms(text: str) -> list[str]:
    """The acronyms a name in the text may go by: the initials of each run of two or more
    of its capitalised words, small words skipped ("TBI" and "TBIGC" of "Tony Blair
    Institute for Global Change", "GPL" of "GNU General Public License", "CCA" of "Asia
    Society Center for China Analysis"); of three letters or more, or the whole of a
    two-word name ("Global Times": "GT")."""
    found = []
    for run in _CAPITALISED_RUN.finditer(text):
        initials = "".join(w[0] for w in run[0].split() if w not in _SMALL).upper()
        if len(initials) == 2:
            found.append(initials)
        for start in range(len(initials)):
            for end in range(start + _ACRONYM_MIN_LETTERS, len(initials) + 1):
                found.append(initials[start:end])
    return [a for a in found if english_zipf(a.lower()) < _ACRONYM_MAX_ZIPF]


def identity_tokens(text: str, makers: Sequence[str] = ()) -> frozenset[str]:
    """The terms of a document's identity: its lexical tokens, with each ISO date's month
    also as its name, so "the March 2021 release" meets `2021-03-14`, each version also
    as the series it belongs to, so "Click 8.0" meets `v8.0.0` and "Python 3.11" meets
    3.11.4 (never "3.1" 3.11: a series ends at a dot), a version ending in ".0" also
    without it, and the acronyms its `makers` (author, publisher) may go by ("the TBI
    article"). (Not a title's: "GPL" spells part of "GNU Lesser General Public License"
    as well as of "GNU General Public License".)"""
    months = [_MONTHS[int(m.group(1)) - 1] for m in _ISO_MONTH.finditer(text)]
    initials = [acronym for maker in makers for acronym in acronyms(maker)]
    tokens = tokenize(f"{text} {' '.join(months)} {' '.join(initials)}")
    series = [
        token.rsplit(".", cut)[0]
        for token in tokens
        if _VERSION.fullmatch(token)
        for cut in range(1, token.count("."))
    ]
    # A version's ".0" parts may go unsaid: "Apache 2" is `Apache-2.0` (but a question's
    # "Python 3.0" is not every document on Python 3).
    zeros = [without_trailing_zeros(token) for token in tokens if token.endswith(".0")]
    return frozenset([*tokens, *series, *zeros])
